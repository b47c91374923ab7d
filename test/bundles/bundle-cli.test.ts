// `pandafest bundle export|import|verify|inspect` as separate processes: incremental bundles, changes that
// wait for their history across a restart, importing twice, and inspecting a private bundle not known here.
import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cliJson, festivalFixture, runCli, snapshotDir, tempDir } from "../helpers/cli.js";

interface Exported {
  file: string;
  kind: string;
  changeCount: number;
  bytes: number;
  heads: string[];
  prerequisites: string[];
}

interface Imported {
  file: string;
  festival: string;
  carrier: string;
  new: number;
  present: number;
  waiting: number;
}

async function initialised(name: string): Promise<string> {
  const dataDir = await tempDir();
  await cliJson(dataDir, ["init", "--name", name]);
  return dataDir;
}

describe("bundle commands (CLI)", () => {
  it("exports full and incremental bundles; an incremental imported first waits, across a restart, for the full one", async () => {
    const [source, receiver] = await Promise.all([festivalFixture("Restart Fest"), initialised("Rae")]);
    const out = await tempDir();
    const full = await cliJson<Exported>(source.dataDir, ["bundle", "export", source.festival, "-o", path.join(out, "full.pfb")]);
    expect(full).toMatchObject({ kind: "full", prerequisites: [] });
    await cliJson(source.dataDir, ["venue", "add", source.festival, "--name", "Night Tent"]);
    const incremental = await cliJson<Exported>(source.dataDir, ["bundle", "export", source.festival, "--since", full.file, "-o", path.join(out, "incr.pfb")]);
    expect(incremental).toMatchObject({ kind: "incremental", prerequisites: full.heads });
    expect(incremental.bytes).toBeLessThan(full.bytes);
    const same = await cliJson<Exported>(source.dataDir, ["bundle", "export", source.festival, "--since", full.heads.join(","), "-o", path.join(out, "same.pfb")]);
    expect(await fs.readFile(same.file)).toHaveLength(incremental.bytes);
    const nothing = await cliJson<{ file: string | null }>(source.dataDir, ["bundle", "export", source.festival, "--since", incremental.file]);
    expect(nothing.file).toBeNull();

    const waiting = await cliJson<Imported[]>(receiver, ["bundle", "import", incremental.file]);
    expect(waiting).toEqual([
      expect.objectContaining({ file: incremental.file, festival: source.festival, new: 0, present: 0, waiting: incremental.changeCount }),
    ]);
    const verified = await cliJson<{ missingPrerequisites: string[]; waiting: number }[]>(receiver, ["bundle", "verify", incremental.file]);
    expect(verified[0].missingPrerequisites).toEqual(full.heads);

    // a new process: the waiting changes were kept on disk and apply once the full bundle arrives
    const text = await runCli(receiver, ["bundle", "import", full.file]);
    expect(text.code).toBe(0);
    expect(text.stderr).toMatch(new RegExp(`${incremental.changeCount} change\\(s\\) that were waiting for history are now applied`));
    const shown = await cliJson<{ heads: string[]; venues: Record<string, { name: string }> }>(receiver, ["festival", "show", source.festival]);
    expect(Object.values(shown.venues).map((venue) => venue.name).sort()).toEqual(["Main Stage", "Night Tent"]);
    const original = await cliJson<{ heads: string[] }>(source.dataDir, ["festival", "show", source.festival]);
    expect(shown.heads).toEqual(original.heads);

    const before = await snapshotDir(receiver);
    const again = await cliJson<Imported[]>(receiver, ["bundle", "import", full.file, incremental.file]);
    expect(again.map((entry) => [entry.new, entry.present, entry.waiting])).toEqual([
      [0, full.changeCount, 0],
      [0, incremental.changeCount, 0],
    ]);
    expect(await snapshotDir(receiver)).toEqual(before);
  });

  it("inspects a private bundle: everything here, only the discovery key where the festival is unknown", async () => {
    const [ada, stranger] = await Promise.all([initialised("Ada"), initialised("Stranger")]);
    const source = { dataDir: ada, festival: "" };
    source.festival = (await cliJson<{ id: string }>(source.dataDir, ["festival", "create", "Quiet Fest", "--private"])).id;
    const out = await tempDir();
    const exported = await cliJson<Exported & { visibility: string }>(source.dataDir, ["bundle", "export", source.festival, "-o", path.join(out, "quiet.pfb")]);
    expect(exported.visibility).toBe("private");
    const here = await runCli(source.dataDir, ["bundle", "inspect", exported.file]);
    expect(here.code).toBe(0);
    expect(here.stdout).toMatch(/festival: +Quiet Fest/);
    expect(here.stdout).toMatch(/packed: .* by Ada/);
    const unknown = await cliJson<{ readable: boolean; discoveryKey: string; festival: null; carrier: null; visibility: string }>(stranger, [
      "bundle", "inspect", exported.file,
    ]);
    expect(unknown).toMatchObject({ readable: false, festival: null, carrier: null, visibility: "private" });
    expect(unknown.discoveryKey).toMatch(/^[0-9a-f]{64}$/);
    // a festival created private goes to its members only: knowing its id is not enough to read it
    const keyed = await cliJson<{ keyId: string; envelopes: number }>(source.dataDir, ["bundle", "inspect", exported.file]);
    expect(keyed.keyId).toMatch(/^[0-9a-f]{32}$/);
    expect(keyed.envelopes).toBe(1);
    const knowing = await runCli(stranger, ["bundle", "inspect", exported.file]);
    expect(knowing.code).toBe(0);
    const joined = await runCli(stranger, ["--json", "bundle", "import", exported.file, "--join", source.festival]);
    expect(joined.code).toBe(0);
    expect(JSON.parse(joined.stdout)).toEqual([]);
    expect(joined.stderr).toMatch(/sealed under a festival key this identity does not hold .*kept in pending/);
    expect((await runCli(stranger, ["festival", "show", source.festival])).code).not.toBe(0);
  });
});
