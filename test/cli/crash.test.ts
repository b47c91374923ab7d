// `kill -9` of a CLI process in the middle of a run of edits never leaves a festival that fails to open,
// and every edit the CLI reported as saved is there.
import { describe, expect, it } from "vitest";
import { cliJson, festivalFixture, startCli } from "../helpers/cli.js";

/** Runs one edit; kills it with SIGKILL after `killAfterMs` unless it finished first. Returns the id it reported. */
function editOrKill(dataDir: string, festival: string, n: number, killAfterMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const child = startCli(dataDir, [
      "--json", "event", "add", festival, "--title", `Edit ${n}`, "--venue", "Main Stage",
      "--start", "2027-07-02T10:00:00+02:00", "--end", "2027-07-02T11:00:00+02:00",
    ]);
    let stdout = "";
    child.stdout?.on("data", (c) => (stdout += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) return resolve(null);
      try {
        resolve((JSON.parse(stdout) as { id: string }).id);
      } catch {
        resolve(null);
      }
    });
  });
}

// 33 CLI processes one after another: on a loaded 2-core machine that can take over a minute
describe("crash safety of the CLI", { timeout: 180_000 }, () => {
  it("keeps every reported edit when processes are killed mid-run", async () => {
    const { dataDir, festival } = await festivalFixture();
    // learn how long one edit takes on this machine, then kill at points spread across that span
    const started = Date.now();
    const first = await editOrKill(dataDir, festival, 0, 30_000);
    const span = Date.now() - started;
    expect(first).not.toBeNull();
    const saved: string[] = [first!];
    let killed = 0;
    const rounds = 16;
    for (let n = 1; n <= rounds; n++) {
      const killAt = Math.round((span * (0.3 + (1.0 * n) / rounds)) % (span * 1.2)) + 5;
      const id = await editOrKill(dataDir, festival, n, killAt);
      if (id) saved.push(id);
      else killed++;
      // after every step the festival opens and holds every edit reported so far
      const shown = await cliJson<{ events: Record<string, { title: string }> }>(dataDir, ["festival", "show", festival]);
      for (const savedId of saved) expect(shown.events[savedId], `event ${savedId} after step ${n}`).toBeDefined();
    }
    expect(killed).toBeGreaterThan(0);
  });
});
