// The festival size bound (engine/core/festival-size.ts): a running count that is measured again before it refuses,
// and bundle import refusing a bundle that would grow a festival past the bound, with nothing stored.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exportFestivalBundle } from "../../bundles/datadir/export.js";
import { importBundleFiles } from "../../bundles/datadir/import.js";
import { FestivalSizeLedger, festivalGrowthProblem } from "../../engine/core/festival-size.js";
import { snapshotDir, tempDir } from "../helpers/cli.js";
import { createFestival, dataDirWithIdentity, setDescription, withStore } from "./bundle-helpers.js";

describe("the festival size bound", () => {
  it("counts arriving bytes, measures again before refusing, and refuses past the bound", () => {
    let clock = 0;
    let actual = 100;
    let measured = 0;
    const ledger = new FestivalSizeLedger(() => {
      measured += 1;
      return actual;
    }, 1000, () => clock);
    expect(ledger.admit("fest", 400)).toBeUndefined();
    expect(ledger.admit("fest", 400)).toBeUndefined(); // counted 900
    expect(measured).toBe(1);
    expect(ledger.admit("fest", 200)).toMatch(/would grow to 1100 bytes \(at most 1000/);
    // the count drifted (changes sent twice): a minute later the festival is measured again and the bytes fit
    actual = 300;
    clock = 61_000;
    expect(ledger.admit("fest", 200)).toBeUndefined();
    expect(measured).toBe(2);
    expect(ledger.admit("fest", 600)).toMatch(/would grow to 1100/);
    expect(ledger.admit("other", 999)).toMatch(/would grow to 1299/);
    expect(festivalGrowthProblem(10, 10, 20)).toBeUndefined();
  });

  it("refuses a bundle that would grow a festival past the bound; the same bundle fits under a larger one", { timeout: 120_000 }, async () => {
    const a = await dataDirWithIdentity("Ada");
    const b = await dataDirWithIdentity("Bo");
    const festival = await createFestival(a.dataDir, { name: "Growing Fest" });
    const out = await tempDir();
    const first = await withStore(a.dataDir, (store) => exportFestivalBundle(store, festival, { directory: path.join(out, "first") }));
    await withStore(b.dataDir, (store) => importBundleFiles(store, [first.file ?? ""], { follow: true }));
    // random text, so that no compression makes it small: six descriptions of 19,000 characters
    for (let index = 0; index < 6; index++) await setDescription(a.dataDir, festival, randomBytes(9_500).toString("hex"));
    const grown = await withStore(a.dataDir, (store) => exportFestivalBundle(store, festival, { directory: path.join(out, "grown"), since: first.file ?? "" }));
    const file = grown.file ?? "";

    const before = await snapshotDir(b.dataDir);
    await expect(withStore(b.dataDir, (store) => importBundleFiles(store, [file], { follow: true, maxFestivalBytes: 40_000 }))).rejects.toThrow(
      /would grow to \d+ bytes \(at most 40000 are held per festival\); nothing of this bundle was applied/,
    );
    expect(await snapshotDir(b.dataDir)).toEqual(before);
    const imported = await withStore(b.dataDir, (store) => importBundleFiles(store, [file], { follow: true }));
    expect(imported.festivals[0]).toMatchObject({ festival, changed: true });
  });
});
