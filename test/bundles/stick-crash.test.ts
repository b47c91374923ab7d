// A stick sync killed with SIGKILL at points spread over its run (bounded rounds) leaves nothing a later sync
// takes for a valid bundle, and the next sync completes and carries everything.
import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { STICK_README } from "../../bundles/format/stick-readme.js";
import { listStickBundles, stickPaths } from "../../bundles/stick/stick-layout.js";
import { syncStick } from "../../bundles/stick/stick.js";
import { decodeVisitRecord } from "../../bundles/format/visit-record.js";
import { isTemporaryFileName } from "../../engine/node/storage/atomic-file.js";
import { cliJson, startCli, tempDir } from "../helpers/cli.js";
import { addVenues, createFestival, dataDirWithIdentity, decodeFile, filesUnder, headsOf, withStore } from "./bundle-helpers.js";

const ROUNDS = 6;

/** Kill points spread over the second half of a sync that takes `fullRunMs` here (where it reads and writes). */
function killDelay(round: number, fullRunMs: number): number {
  return Math.round(fullRunMs * (0.55 + (0.5 * round) / (ROUNDS - 1)));
}

async function runAndKill(dataDir: string, stick: string, delayMs: number): Promise<string> {
  // both ways out are awaited: the process exits on its own, or the timer kills it
  const child = startCli(dataDir, ["stick", "sync", stick]);
  const exited = new Promise<string>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? `exit ${code}`)));
  const timer = setTimeout(() => child.kill("SIGKILL"), delayMs);
  const outcome = await exited;
  clearTimeout(timer);
  return outcome;
}

/** Every file a reader would take for a stick file must be whole and valid; unfinished writes are dot-files. */
async function checkStick(stick: string, festivalIds: readonly string[]): Promise<void> {
  const root = path.join(stick, "pandafest");
  for (const file of await filesUnder(root)) {
    const name = path.basename(file);
    if (name.startsWith(".")) {
      expect(isTemporaryFileName(name), file).toBe(true);
      continue;
    }
    const full = path.join(root, file);
    if (name.endsWith(".pfb")) await decodeFile(full, festivalIds);
    else if (file.startsWith("visits")) decodeVisitRecord(new Uint8Array(await fs.readFile(full)));
    else expect(file).toBe("README.txt");
    if (file === "README.txt") expect(await fs.readFile(full, "utf8")).toBe(STICK_README);
  }
  for (const listed of (await listStickBundles(stickPaths(stick))).files) await decodeFile(listed.file, festivalIds);
}

describe("stick sync killed at random points", () => {
  it("never leaves a partial file a later sync would read, and the next sync completes", async () => {
    const source = await dataDirWithIdentity("Ada");
    const stick = await tempDir("pandafest-stick-");
    const festivals: string[] = [];
    for (let index = 0; index < 5; index++) {
      festivals.push(
        await createFestival(source.dataDir, {
          name: `Crash Fest ${index}`,
          visibility: index === 0 ? "private" : "public",
          epochZero: index === 0, // the fresh data directory below reads it knowing only its id
          venues: Array.from({ length: 20 }, (_, venue) => `Venue ${index}.${venue}`),
        }),
      );
    }
    // how long one whole sync takes here, start-up included (on another stick)
    const started = Date.now();
    expect(await runAndKill(source.dataDir, await tempDir("pandafest-stick-"), 120_000)).toBe("exit 0");
    const fullRunMs = Date.now() - started;
    const outcomes: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const festival of festivals) await addVenues(source.dataDir, festival, [`Round ${round}`]);
      outcomes.push(await runAndKill(source.dataDir, stick, killDelay(round, fullRunMs)));
      await checkStick(stick, festivals);
    }
    expect(outcomes.some((outcome) => outcome === "SIGKILL"), outcomes.join(", ")).toBe(true);

    const final = await cliJson<{ refused: unknown[]; festivals: { festival: string }[] }>(source.dataDir, ["stick", "sync", stick]);
    expect(final.refused).toEqual([]);
    expect(final.festivals.map((entry) => entry.festival).sort()).toEqual([...festivals].sort());
    await checkStick(stick, festivals);

    const fresh = await dataDirWithIdentity("Zed");
    const summary = await withStore(fresh.dataDir, (store) => syncStick(store, stick, { festivals }));
    expect(summary.refused).toEqual([]);
    for (const festival of festivals) expect(await headsOf(fresh.dataDir, festival)).toEqual(await headsOf(source.dataDir, festival));
  });
});
