// The data directory holds private festivals in clear and their ids in file names: it is 0700 and its files
// 0600 under a umask of 022, whatever modes existed before; what goes on a stick stays readable by others.
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliJson, runCli, tempDir } from "../helpers/cli.js";

const posix = process.platform !== "win32";

/** Every entry under `root` (root included) with its permission bits, links skipped. */
async function modesUnder(root: string): Promise<{ file: string; directory: boolean; mode: number }[]> {
  const found: { file: string; directory: boolean; mode: number }[] = [];
  async function walk(current: string): Promise<void> {
    const stats = await fs.lstat(current);
    if (stats.isSymbolicLink()) return;
    found.push({ file: path.relative(root, current) || ".", directory: stats.isDirectory(), mode: stats.mode & 0o777 });
    if (stats.isDirectory()) for (const name of await fs.readdir(current)) await walk(path.join(current, name));
  }
  await walk(root);
  return found;
}

function loose(entries: { file: string; directory: boolean; mode: number }[]): string[] {
  return entries.filter((e) => e.mode !== (e.directory ? 0o700 : 0o600)).map((e) => `${e.file} ${e.mode.toString(8)}`);
}

describe.runIf(posix)("data directory permissions", () => {
  let previousUmask: number;
  let workDir: string;
  beforeAll(async () => {
    previousUmask = process.umask(0o022); // inherited by the CLI processes the tests start
    workDir = await tempDir("pandafest-modes-");
  });
  afterAll(async () => {
    process.umask(previousUmask);
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it("a data directory made 0755 beforehand ends 0700 with every directory 0700 and every file 0600", async () => {
    const dataDir = path.join(workDir, "data");
    await fs.mkdir(dataDir, { mode: 0o755 });
    await fs.chmod(dataDir, 0o755);
    await cliJson(dataDir, ["init", "--name", "Ada"]);
    const { id } = await cliJson<{ id: string }>(dataDir, ["festival", "create", "Secret Fest", "--private"]);
    await cliJson(dataDir, ["venue", "add", id, "--name", "Back Room"]);
    await cliJson(dataDir, ["festival", "show", id]); // writes the view cache
    const stick = path.join(workDir, "stick");
    await fs.mkdir(stick);
    await cliJson(dataDir, ["stick", "sync", stick]);

    const entries = await modesUnder(dataDir);
    expect(entries.map((e) => e.file)).toEqual(expect.arrayContaining(["documents", "festivals", `festivals/${id}.json`, "identity.json"]));
    expect(loose(entries)).toEqual([]);

    // a stick is read on other machines, by other users: its files are as the umask allows, not private
    const onStick = (await modesUnder(stick)).filter((e) => !e.directory);
    expect(onStick.length).toBeGreaterThan(0);
    for (const entry of onStick) expect(entry.mode, entry.file).toBe(0o644);
  });

  it("a data directory an older version left loose (0755 directories, 0644 files) is made private by any command", async () => {
    const dataDir = path.join(workDir, "older");
    await cliJson(dataDir, ["init", "--name", "Ada"]);
    const { id } = await cliJson<{ id: string }>(dataDir, ["festival", "create", "Old Fest"]);
    for (const entry of await modesUnder(dataDir)) await fs.chmod(path.join(dataDir, entry.file), entry.directory ? 0o755 : 0o644);
    await fs.chmod(dataDir, 0o700); // only what is inside was loose
    expect(loose(await modesUnder(dataDir)).length).toBeGreaterThan(3);

    const listed = await runCli(dataDir, ["festival", "list"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(id);
    expect(loose(await modesUnder(dataDir))).toEqual([]);
  });
});
