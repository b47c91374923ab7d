// A full disk gets one clear line ("disk full: ...; free some space and try again"), exit 1, no stack trace,
// and leaves nothing half-made: run on a real, tiny tmpfs (mounting needs root, as in CI; else skipped, saying why).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliJson, runCli, snapshotDir, tempDir, type CliResult } from "../helpers/cli.js";

const FILESYSTEM_BYTES = 512 * 1024;

let mountPoint: string;
let cannotMount: string | undefined;

beforeAll(async () => {
  mountPoint = await tempDir("pandafest-full-");
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${FILESYSTEM_BYTES},mode=0700`, "tmpfs", mountPoint], { stdio: "pipe" });
  } catch (error) {
    cannotMount = `cannot mount a small tmpfs here (needs root): ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
  }
});

afterAll(async () => {
  if (cannotMount === undefined) execFileSync("umount", [mountPoint]);
  await fs.rm(mountPoint, { recursive: true, force: true });
});

/** Fills the file system until only `leftBytes` remain free. */
async function fillLeaving(leftBytes: number): Promise<string> {
  const filler = path.join(mountPoint, "filler");
  const free = Number(execFileSync("df", ["-B1", "--output=avail", mountPoint], { encoding: "utf8" }).trim().split("\n")[1]);
  await fs.writeFile(filler, Buffer.alloc(Math.max(0, free - leftBytes)));
  return filler;
}

function expectDiskFullLine(result: CliResult, what: string): void {
  expect(result.code, `${what} exit code`).toBe(1);
  expect(result.stdout, `${what} stdout`).toBe("");
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines, `${what} stderr: ${result.stderr}`).toHaveLength(1);
  expect(lines[0]).toMatch(/^pandafest: disk full: .+ in .+; free some space and try again$/);
  expect(lines[0]).not.toMatch(/unexpected error|at .*\.js:\d+/);
}

describe("a full disk", () => {
  it("refuses festival create and an edit with one line, and leaves the data directory as it was", async (context) => {
    if (cannotMount !== undefined) {
      console.warn(`skipped: ${cannotMount}`);
      context.skip();
    }
    const dataDir = path.join(mountPoint, "data");
    await cliJson(dataDir, ["init", "--name", "Ada"]);
    const existing = await cliJson<{ id: string }>(dataDir, ["festival", "create", "Before The Flood"]);
    const filler = await fillLeaving(4096);
    const before = await snapshotDir(dataDir);

    expectDiskFullLine(await runCli(dataDir, ["festival", "create", "Too Much"]), "festival create");
    expect(await snapshotDir(dataDir), "nothing of the new festival is left").toEqual(before);
    const listed = await cliJson<{ id: string; name: string }[]>(dataDir, ["festival", "list"]);
    expect(listed.map((f) => f.name)).toEqual(["Before The Flood"]);

    const incompressible = randomBytes(6000).toString("hex"); // a change larger than the space left
    const edit = await runCli(dataDir, ["venue", "add", existing.id, "--name", "Hall", "--description", incompressible]);
    expectDiskFullLine(edit, "venue add");

    await fs.rm(filler);
    const created = await cliJson<{ id: string }>(dataDir, ["festival", "create", "Too Much"]);
    const shown = await cliJson<{ name: string }>(dataDir, ["festival", "show", created.id]);
    expect(shown.name).toBe("Too Much");
    const kept = await cliJson<{ name: string; venues: Record<string, unknown> }>(dataDir, ["festival", "show", existing.id]);
    expect(kept.name).toBe("Before The Flood");
    expect(Object.keys(kept.venues), "the edit that found no space is not half there").toEqual([]);
  }, 120_000);
});
