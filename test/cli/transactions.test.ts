// A command's edits are one transaction: a failure at any of a command's changes (injected through
// PANDAFEST_FAIL_AT_CHANGE, or bad input found part way) leaves the data directory byte for byte as it was.
import { describe, expect, it } from "vitest";
import { cliJson, festivalFixture, runCli, snapshotDir } from "../helpers/cli.js";

/** The commands that edit, with arguments that succeed; several make more than one change. */
function editingCommands(festival: string): Array<{ name: string; args: string[]; atLeast: number }> {
  return [
    {
      name: "event add with two new hosts",
      args: ["event", "add", festival, "--title", "Night Set", "--venue", "Main Stage", "--start", "2027-07-02T22:00:00+02:00", "--end", "2027-07-02T23:00:00+02:00", "--host", "Nia", "--host", "Ola"],
      atLeast: 4,
    },
    { name: "event edit with a new host", args: ["event", "edit", festival, "Night Set", "--title", "Late Set", "--host", "Pia"], atLeast: 3 },
    { name: "event cancel", args: ["event", "cancel", festival, "Late Set"], atLeast: 1 },
    { name: "festival edit", args: ["festival", "edit", festival, "--description", "Three days by the lake"], atLeast: 1 },
    { name: "venue add", args: ["venue", "add", festival, "--name", "Tent"], atLeast: 1 },
    { name: "venue edit", args: ["venue", "edit", festival, "Tent", "--name", "Big Tent"], atLeast: 1 },
    { name: "venue remove", args: ["venue", "remove", festival, "Big Tent"], atLeast: 1 },
    { name: "person add", args: ["person", "add", festival, "--name", "Quinn"], atLeast: 1 },
  ];
}

describe("a failed command", () => {
  it("changes nothing when it fails at any of its changes, and does all of them when it succeeds", { timeout: 300_000 }, async () => {
    const { dataDir, festival } = await festivalFixture("Lake Fest");
    for (const command of editingCommands(festival)) {
      let changes = 0;
      for (let failAt = 1; failAt <= 8; failAt++) {
        const before = await snapshotDir(dataDir);
        const run = await runCli(dataDir, command.args, { PANDAFEST_FAIL_AT_CHANGE: String(failAt) });
        if (run.code === 0) {
          changes = failAt - 1;
          break;
        }
        expect(run.code, `${command.name}, failing at change ${failAt}: ${run.stderr}`).toBe(3);
        expect(run.stderr).toContain(`injected failure at change ${failAt}`);
        expect(await snapshotDir(dataDir), `${command.name}, failing at change ${failAt}`).toEqual(before);
      }
      expect(changes, command.name).toBeGreaterThanOrEqual(command.atLeast);
    }
    const shown = await cliJson<{ events: Record<string, { title: string; status: string }> }>(dataDir, ["festival", "show", festival]);
    expect(Object.values(shown.events).map((event) => [event.title, event.status])).toEqual([["Late Set", "cancelled"]]);
  });

  it("stores nothing of an event whose host is invalid (found after the event itself was made)", { timeout: 120_000 }, async () => {
    const { dataDir, festival } = await festivalFixture("Host Fest");
    const before = await snapshotDir(dataDir);
    const run = await runCli(dataDir, ["event", "add", festival, "--title", "X", "--venue", "Main Stage", "--start", "2027-07-02T20:00:00+02:00", "--end", "2027-07-02T21:00:00+02:00", "--host", "   "]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/person name/);
    expect(await snapshotDir(dataDir)).toEqual(before);
    const shown = await cliJson<{ events: Record<string, unknown> }>(dataDir, ["festival", "show", festival]);
    expect(Object.keys(shown.events)).toEqual([]);
  });
});
