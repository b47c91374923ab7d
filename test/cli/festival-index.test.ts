// The festival index (festivals/<id>.json) is derived from documents/: a damaged entry of any kind is rebuilt
// from its festival's document and never hides another festival; an entry whose documents are missing is
// reported by `festival list` and `check` and removed with `festival forget`.
import fs from "node:fs/promises";
import path from "node:path";
import { generateAutomergeUrl, parseAutomergeUrl } from "@automerge/automerge-repo";
import { beforeAll, describe, expect, it } from "vitest";
import { cliJson, runCli, tempDir } from "../helpers/cli.js";

interface Listed {
  id: string;
  name: string;
  visibility: string;
}

let dataDir: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  dataDir = await tempDir("pandafest-index-");
  await cliJson(dataDir, ["init", "--name", "Ada"]);
  for (const [name, extra] of [["Alpha Fest", ["--private"]], ["Beta Fest", []], ["Gamma Fest", []]] as const) {
    ids[name] = (await cliJson<{ id: string }>(dataDir, ["festival", "create", name, ...extra])).id;
  }
});

function entryFile(id: string): string {
  return path.join(dataDir, "festivals", `${id}.json`);
}

async function listed(): Promise<{ festivals: Listed[]; stderr: string }> {
  const result = await runCli(dataDir, ["--json", "festival", "list"]);
  expect(result.code, result.stderr).toBe(0);
  return { festivals: JSON.parse(result.stdout) as Listed[], stderr: result.stderr };
}

describe("festival index", () => {
  it("rebuilds an entry from its document whatever the damage, and never hides the others", async () => {
    const alpha = ids["Alpha Fest"];
    const original = await fs.readFile(entryFile(alpha), "utf8");
    const record = JSON.parse(original) as Record<string, unknown>;
    const without = (field: string) => JSON.stringify(Object.fromEntries(Object.entries(record).filter(([key]) => key !== field)));
    const damages: [string, string | Buffer | "directory"][] = [
      ["empty", ""],
      ["truncated", original.slice(0, Math.floor(original.length / 2))],
      ["binary garbage", Buffer.from([0x00, 0xff, 0x1b, 0x9b, 0x80, 0x7f, 0x0a])],
      ["a JSON array", "[]"],
      ["JSON null", "null"],
      ["another festival's id", JSON.stringify({ ...record, id: ids["Beta Fest"] })],
      ["no id", without("id")],
      ["no name", without("name")],
      ["no visibility", without("visibility")],
      ["an unknown visibility", JSON.stringify({ ...record, visibility: "everyone" })],
      ["no date added", without("addedAt")],
      ["far too large", JSON.stringify({ ...record, padding: "x".repeat(100_000) })],
      ["a directory in its place", "directory"],
    ];
    for (const [damage, contents] of damages) {
      await fs.rm(entryFile(alpha), { recursive: true, force: true });
      if (contents === "directory") await fs.mkdir(entryFile(alpha));
      else await fs.writeFile(entryFile(alpha), contents);
      const { festivals, stderr } = await listed();
      expect(festivals.map((f) => [f.name, f.visibility]).sort(), `festival list with an entry that is ${damage}`).toEqual([
        ["Alpha Fest", "private"],
        ["Beta Fest", "public"],
        ["Gamma Fest", "public"],
      ]);
      expect(stderr, `warning for an entry that is ${damage}`).toMatch(/was damaged .*rebuilt from the festival's document/);
      if (contents !== "directory") {
        const rewritten = JSON.parse(await fs.readFile(entryFile(alpha), "utf8")) as Record<string, unknown>;
        expect(rewritten).toMatchObject({ id: alpha, name: "Alpha Fest", visibility: "private" });
      }
    }
    await fs.rm(entryFile(alpha), { recursive: true, force: true });
    await fs.writeFile(entryFile(alpha), "{");
    const shown = await runCli(dataDir, ["--json", "festival", "show", "Alpha"]);
    expect(shown.code, `a name finds the festival whose entry was damaged: ${shown.stderr}`).toBe(0);
    expect((await listed()).stderr, "rebuilt once, then quiet").toBe("");
  }, 180_000); // two dozen CLI runs: room for a busy machine

  it("reports an entry whose documents are missing, keeps listing the rest, and forgets it on request", async () => {
    const gamma = ids["Gamma Fest"];
    await fs.rm(path.join(dataDir, "documents", gamma.slice(0, 2), gamma.slice(2)), { recursive: true });
    const ghost = parseAutomergeUrl(generateAutomergeUrl()).documentId;
    await fs.writeFile(entryFile(ghost), "garbage, and no documents either");

    const { festivals, stderr } = await listed();
    expect(festivals.map((f) => f.name).sort()).toEqual(["Alpha Fest", "Beta Fest"]);
    for (const id of [gamma, ghost]) expect(stderr).toContain(`\`pandafest festival forget ${id}\``);

    const checked = await runCli(dataDir, ["check", ids["Beta Fest"]]);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stderr).toContain(`festival ${gamma} is in the festival index but its documents are missing`);

    const refused = await runCli(dataDir, ["festival", "forget", ids["Beta Fest"]]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is stored in .*forget only removes an entry whose festival's documents are missing/);

    for (const id of [gamma, ghost]) {
      const forgotten = await runCli(dataDir, ["festival", "forget", id]);
      expect(forgotten.code, forgotten.stderr).toBe(0);
    }
    const after = await listed();
    expect(after.stderr).toBe("");
    expect(after.festivals.map((f) => f.name).sort()).toEqual(["Alpha Fest", "Beta Fest"]);
    expect((await runCli(dataDir, ["festival", "forget", gamma])).code, "nothing left to forget").toBe(1);
  });
});
