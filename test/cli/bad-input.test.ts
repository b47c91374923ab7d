// Bad input gets a one-line error naming the problem, a non-zero exit, and leaves the data directory
// byte for byte as it was.
import { describe, expect, it } from "vitest";
import { festivalFixture, runCli, snapshotDir } from "../helpers/cli.js";

describe("CLI refuses bad input without touching stored data", () => {
  it("refuses each bad input with one line and changes nothing", async () => {
    const { dataDir, festival } = await festivalFixture();
    const cases: { args: string[]; mentions: RegExp }[] = [
      {
        args: ["event", "add", festival, "--title", "Backwards", "--venue", "Main Stage", "--start", "2027-07-01T20:00:00+02:00", "--end", "2027-07-01T19:00:00+02:00"],
        mentions: /end/i,
      },
      {
        args: ["event", "add", festival, "--title", "Nowhere", "--venue", "No Such Hall", "--start", "2027-07-01T20:00:00+02:00", "--end", "2027-07-01T21:00:00+02:00"],
        mentions: /venue/i,
      },
      {
        args: ["event", "add", festival, "--title", "Bad date", "--venue", "Main Stage", "--start", "2027-13-45T20:00", "--end", "2027-07-01T21:00:00+02:00"],
        mentions: /start|date/i,
      },
      {
        // seconds other than :00 and no offset: neither an instant nor a wall-clock time of the festival
        args: ["event", "add", festival, "--title", "No offset", "--venue", "Main Stage", "--start", "2027-07-01T20:00:15", "--end", "2027-07-01T21:00:00+02:00"],
        mentions: /offset|start/i,
      },
      { args: ["festival", "show", "no-such-festival"], mentions: /unknown festival/i },
      { args: ["venue", "add", "no-such-festival", "--name", "X"], mentions: /unknown festival/i },
      { args: ["festival", "create", "Zoned", "--time-zone", "Mars/Olympus_Mons"], mentions: /time zone/i },
      { args: ["init", "--name", "Someone Else"], mentions: /identity/i },
    ];
    for (const { args, mentions } of cases) {
      const before = await snapshotDir(dataDir);
      const result = await runCli(dataDir, args);
      expect(result.code, `exit code of ${args.join(" ")}`).not.toBe(0);
      const lines = result.stderr.trim().split("\n");
      expect(lines, `stderr of ${args.join(" ")}: ${result.stderr}`).toHaveLength(1);
      expect(lines[0]).toMatch(mentions);
      expect(lines[0]).not.toMatch(/unexpected error|at .*\.js:\d+/);
      expect(result.stdout).toBe("");
      expect(await snapshotDir(dataDir), `data directory after ${args.join(" ")}`).toEqual(before);
    }
  });
});
