// One write of the schema number must not lock a festival for everyone: a number no data backs is read as the
// schema the data shows, `check` names who wrote it, and `repair` writes the right number back.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FestivalStore } from "../../engine/node/store.js";
import { cliJson, festivalFixture, runCli, tempDir } from "../helpers/cli.js";

/** Mallory gets Ada's festival by bundle, writes `schema` (and maybe more) as her own signed change, and sends it back. */
async function malloryWrites(adaDir: string, festival: string, write: (draft: Record<string, unknown>) => void): Promise<void> {
  const malloryDir = await tempDir();
  await cliJson(malloryDir, ["init", "--name", "Mallory"]);
  const toMallory = path.join(malloryDir, "to-mallory.pfb");
  await cliJson(adaDir, ["bundle", "export", festival, "-o", toMallory]);
  await cliJson(malloryDir, ["bundle", "import", toMallory]);
  const store = await FestivalStore.open(malloryDir);
  const { editor } = await store.editorFor(festival);
  editor.change((draft) => write(draft as unknown as Record<string, unknown>), "set the schema");
  await store.commit();
  await store.close();
  const toAda = path.join(malloryDir, "to-ada.pfb");
  await cliJson(malloryDir, ["bundle", "export", festival, "-o", toAda]);
  await cliJson(adaDir, ["bundle", "import", toAda]);
}

describe("a schema number nobody's data backs", { timeout: 240_000 }, () => {
  it("keeps the festival open, is named by check, and is undone by repair", async () => {
    const { dataDir, festival } = await festivalFixture("Sommerfest", { open: true });
    await malloryWrites(dataDir, festival, (draft) => {
      draft.schema = 99;
    });

    const shown = await cliJson<{ name: string; schema: number }>(dataDir, ["festival", "show", festival]);
    expect(shown.name).toBe("Sommerfest");
    expect(shown.schema).toBe(2);
    const exported = await runCli(dataDir, ["export", festival, "--format", "frab-json"]);
    expect(exported.code).toBe(0);

    const check = await runCli(dataDir, ["check", festival]);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/schema number 99 was set by Mallory/);
    expect(check.stdout).toMatch(/pandafest repair/);
    const checkJson = await cliJson<{ unbackedSchema: { declared: unknown; readAs: number; writer: { author: { name: string } | null } } }>(dataDir, ["check", festival]);
    expect(checkJson.unbackedSchema).toMatchObject({ declared: 99, readAs: 2, writer: { author: { name: "Mallory" } } });

    const repaired = await cliJson<{ repaired: unknown[] }>(dataDir, ["repair", festival]);
    expect(repaired.repaired).toEqual([{ field: "schema", from: 99, to: 2 }]);
    expect((await cliJson<{ unbackedSchema: unknown }>(dataDir, ["check", festival])).unbackedSchema).toBeNull();
    expect((await cliJson<{ repaired: unknown[] }>(dataDir, ["repair", festival])).repaired).toEqual([]);
  });

  it("does not lock the festival when the number is deleted either", async () => {
    const { dataDir, festival } = await festivalFixture("Sommerfest", { open: true });
    await malloryWrites(dataDir, festival, (draft) => {
      delete draft.schema;
    });
    expect((await cliJson<{ name: string }>(dataDir, ["festival", "show", festival])).name).toBe("Sommerfest");
    expect((await cliJson<{ unbackedSchema: { declared: unknown } }>(dataDir, ["check", festival])).unbackedSchema.declared).toBeNull();
  });

  it("still refuses a festival of a newer schema that holds data this pandafest does not know", async () => {
    const { dataDir, festival } = await festivalFixture("Sommerfest", { open: true });
    await malloryWrites(dataDir, festival, (draft) => {
      draft.schema = 3;
      draft.stages = {};
    }).catch(() => undefined); // an import may already refuse it; either way the festival must not read as schema 2
    const shown = await runCli(dataDir, ["--json", "festival", "show", festival]);
    if (shown.code === 0) {
      // the import refused the newer change, so Ada's festival is unchanged
      expect(JSON.parse(shown.stdout).schema).toBe(2);
    } else {
      expect(shown.stderr).toMatch(/upgrade pandafest/);
    }
  });
});
