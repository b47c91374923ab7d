// Two copies of a festival changed apart and merged report the concurrent values of a field in `check`,
// and picking one resolves it. The copies merge by exchanging stored chunk files, as two folders synced would.
import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cliJson, festivalFixture, tempDir } from "../helpers/cli.js";

/** Copies every file of src that dst lacks (content-addressed chunks never clash), skipping the storage id. */
async function copyMissing(src: string, dst: string): Promise<void> {
  await fs.mkdir(dst, { recursive: true });
  for (const entry of await fs.readdir(src, { withFileTypes: true })) {
    if (entry.name.includes("storage-adapter-id")) continue;
    const from = path.join(src, entry.name);
    const to = path.join(dst, entry.name);
    if (entry.isDirectory()) await copyMissing(from, to);
    else await fs.copyFile(from, to, fs.constants.COPYFILE_EXCL).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "EEXIST") throw e;
    });
  }
}

async function exchange(a: string, b: string): Promise<void> {
  for (const part of ["documents", "festivals"]) {
    await copyMissing(path.join(a, part), path.join(b, part));
    await copyMissing(path.join(b, part), path.join(a, part));
  }
}

interface CheckReport {
  clashes: unknown[];
  dangling: unknown[];
  conflicts: { field: string; path: string[]; values: { value: unknown; author: { name: string; key: string } | null }[] }[];
}

describe("concurrent values", () => {
  it("reports both values with their authors and resolves by picking one", async () => {
    const { dataDir: ada, festival, venue } = await festivalFixture("Test Fest", { open: true });
    const bob = await tempDir();
    await cliJson(bob, ["init", "--name", "Bob"]);
    await exchange(ada, bob);
    expect((await cliJson<{ name: string }>(bob, ["festival", "show", festival])).name).toBe("Test Fest");

    await cliJson(ada, ["venue", "edit", festival, venue, "--name", "Big Stage"]);
    await cliJson(bob, ["venue", "edit", festival, venue, "--name", "Huge Stage"]);
    await exchange(ada, bob);

    const report = await cliJson<CheckReport>(ada, ["check", festival]);
    const conflict = report.conflicts.find((c) => c.field === `venues.${venue}.name`);
    expect(conflict, JSON.stringify(report.conflicts)).toBeDefined();
    const byValue = Object.fromEntries(conflict!.values.map((v) => [String(v.value), v.author?.name]));
    expect(byValue).toEqual({ "Big Stage": "Ada", "Huge Stage": "Bob" });
    // both copies agree on what the conflict is
    const fromBob = await cliJson<CheckReport>(bob, ["check", festival]);
    expect(fromBob.conflicts.map((c) => c.field)).toEqual(report.conflicts.map((c) => c.field));

    const choice = conflict!.values.findIndex((v) => v.value === "Huge Stage") + 1;
    await cliJson(ada, ["pick", festival, `venues.${venue}.name`, String(choice)]);
    const after = await cliJson<CheckReport>(ada, ["check", festival]);
    expect(after.conflicts).toEqual([]);
    const shown = await cliJson<{ venues: Record<string, { name: string }> }>(ada, ["festival", "show", festival]);
    expect(shown.venues[venue].name).toBe("Huge Stage");

    // the resolution travels: Bob sees it resolved too after the next exchange
    await exchange(ada, bob);
    expect((await cliJson<CheckReport>(bob, ["check", festival])).conflicts).toEqual([]);
  });
});
