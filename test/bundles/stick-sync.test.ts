// Stick sync in process: carrying festivals between data directories, writing only what the stick lacks, sealed
// private festivals, compaction, visit records, --festival, and damaged files on the stick.
import fs from "node:fs/promises";
import path from "node:path";
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { discoveryKey } from "../../bundles/format/discovery.js";
import { exportFestivalBundle } from "../../bundles/datadir/export.js";
import { importBundleFiles } from "../../bundles/datadir/import.js";
import { STICK_README } from "../../bundles/format/stick-readme.js";
import { COMPACT_ABOVE, syncStick, type StickSyncOptions } from "../../bundles/stick/stick.js";
import { decodeVisitRecord, visitedEntry, visitedHeads } from "../../bundles/format/visit-record.js";
import { tempDir } from "../helpers/cli.js";
import {
  addVenues,
  carriedSealedKeys,
  createFestival,
  dataDirWithIdentity,
  decodeFile,
  festivalDoc,
  filesUnder,
  headsOf,
  withStore,
} from "./bundle-helpers.js";

function sync(dataDir: string, stick: string, options: StickSyncOptions = {}) {
  return withStore(dataDir, (store) => syncStick(store, stick, options));
}

async function bundleFiles(stick: string): Promise<string[]> {
  return (await filesUnder(stick)).filter((file) => file.endsWith(".pfb"));
}

describe("stick sync (in process)", () => {
  it("carries a festival from A to B to C, writing only what the stick lacks", async () => {
    const a = await dataDirWithIdentity("Ada");
    const b = await dataDirWithIdentity("Bo");
    const c = await dataDirWithIdentity("Cy");
    const stick = await tempDir("pandafest-stick-");
    const festival = await createFestival(a.dataDir, { name: "Relay Fest", venues: ["Dock"] });

    const first = await sync(a.dataDir, stick);
    expect(first.festivals).toEqual([expect.objectContaining({ festival, name: "Relay Fest", in: 0, followed: true, filesWritten: 1 })]);
    expect((await bundleFiles(stick)).map((file) => path.dirname(file))).toEqual([path.join("pandafest", discoveryKey(festival).slice(0, 16))]);

    const atB = await sync(b.dataDir, stick);
    expect(atB.festivals[0]).toMatchObject({ festival, followed: false, out: 0, filesWritten: 0, waiting: 0 });
    expect(atB.festivals[0].in).toBe(first.festivals[0].out);
    await addVenues(b.dataDir, festival, ["Barn"]);
    const back = await sync(b.dataDir, stick);
    expect(back.festivals[0]).toMatchObject({ in: 0, filesWritten: 1 });
    expect(back.festivals[0].out).toBeGreaterThan(0);
    expect(back.festivals[0].out).toBeLessThan(first.festivals[0].out);
    const kinds = (await bundleFiles(stick)).map((file) => file.slice(-8));
    expect(kinds.sort()).toEqual(["full.pfb", "incr.pfb"]);

    await sync(c.dataDir, stick);
    const heads = await headsOf(a.dataDir, festival);
    expect(await headsOf(c.dataDir, festival)).toEqual(await headsOf(b.dataDir, festival));
    await sync(a.dataDir, stick);
    expect(await headsOf(a.dataDir, festival)).toEqual(await headsOf(c.dataDir, festival));
    expect(await headsOf(a.dataDir, festival)).not.toEqual(heads);

    // B and C carry the festival without following it
    const followedAtC = await fs.readdir(path.join(c.dataDir, "festivals")).catch(() => []);
    expect(followedAtC).toEqual([]);
    expect(await fs.readdir(path.join(c.dataDir, "carried", "festivals"))).toEqual([`${festival}.json`]);

    // nothing new anywhere: no bundle is written, only a visit record
    const stickBefore = await bundleFiles(stick);
    const idle = await sync(c.dataDir, stick);
    expect(idle.festivals[0]).toMatchObject({ in: 0, out: 0, filesWritten: 0 });
    expect(await bundleFiles(stick)).toEqual(stickBefore);
    expect(await fs.readFile(path.join(stick, "pandafest", "README.txt"), "utf8")).toBe(STICK_README);
  });

  it("leaves a signed visit record per sync; a private festival's heads in it are sealed", async () => {
    const a = await dataDirWithIdentity("Ada");
    const stick = await tempDir("pandafest-stick-");
    const open = await createFestival(a.dataDir, { name: "Open Fest" });
    const secret = await createFestival(a.dataDir, { name: "Secret Fest", visibility: "private", epochZero: true });
    const summary = await sync(a.dataDir, stick);
    const bytes = new Uint8Array(await fs.readFile(summary.visitRecord ?? ""));
    const record = decodeVisitRecord(bytes);
    expect(visitedEntry(record, open)).toEqual({ visitor: a.identity.publicKey, heads: await headsOf(a.dataDir, open) });
    expect(visitedEntry(record, secret)).toEqual({ visitor: a.identity.publicKey, heads: await headsOf(a.dataDir, secret) });
    expect(visitedHeads(record, secret)).toEqual(await headsOf(a.dataDir, secret));
    const text = new TextDecoder().decode(bytes);
    expect(text).not.toContain(discoveryKey(secret));
    for (const head of await headsOf(a.dataDir, secret)) expect(text).not.toContain(head);

    const tampered = text.replace(/"visitedAt": \d+/, '"visitedAt": 1');
    expect(() => decodeVisitRecord(new TextEncoder().encode(tampered))).toThrow(/signature does not match/);
  });

  it("carries a private festival it cannot read as sealed files, and forwards them to another stick", async () => {
    const a = await dataDirWithIdentity("Ada");
    const b = await dataDirWithIdentity("Bo");
    const c = await dataDirWithIdentity("Cy");
    const first = await tempDir("pandafest-stick-");
    const second = await tempDir("pandafest-stick-");
    const out = await tempDir();
    const secret = await createFestival(a.dataDir, { name: "Secret Fest", visibility: "private", epochZero: true });
    // C joined long ago: it holds an early full bundle, so it knows the festival's id
    const early = await withStore(a.dataDir, (store) => exportFestivalBundle(store, secret, { directory: out }));
    await withStore(c.dataDir, (store) => importBundleFiles(store, [early.file ?? ""], { follow: true, join: [secret] }));
    await addVenues(a.dataDir, secret, ["Hidden Glade"]);

    await sync(a.dataDir, first);
    const atB = await sync(b.dataDir, first);
    expect(atB.festivals).toEqual([expect.objectContaining({ festival: null, sealed: true, discoveryKey: discoveryKey(secret), filesKept: 1 })]);
    expect(atB.refused).toEqual([]);
    expect(await carriedSealedKeys(b.dataDir)).toEqual([discoveryKey(secret)]);

    const plain = await sync(b.dataDir, second);
    expect(await bundleFiles(second)).toEqual([]);
    expect(plain.festivals).toEqual([]);
    const forwarded = await sync(b.dataDir, second, { all: true });
    expect(forwarded.festivals[0]).toMatchObject({ sealed: true, filesWritten: 1 });
    expect(await bundleFiles(second)).toEqual(await bundleFiles(first));

    const atC = await sync(c.dataDir, second);
    expect(atC.festivals[0]).toMatchObject({ festival: secret, sealed: false, followed: true });
    expect(await headsOf(c.dataDir, secret)).toEqual(await headsOf(a.dataDir, secret));
  });

  it(`compacts more than ${COMPACT_ABOVE} bundles of a festival into one full bundle`, async () => {
    const a = await dataDirWithIdentity("Ada");
    const z = await dataDirWithIdentity("Zed");
    const stick = await tempDir("pandafest-stick-");
    const festival = await createFestival(a.dataDir, { name: "Pile Fest" });
    let compacted = false;
    for (let round = 0; round <= COMPACT_ABOVE; round++) {
      await addVenues(a.dataDir, festival, [`Stage ${round}`]);
      const summary = await sync(a.dataDir, stick);
      compacted ||= summary.festivals[0].compacted;
      const count = (await bundleFiles(stick)).length;
      if (round < COMPACT_ABOVE - 1) expect(count).toBe(round + 1);
    }
    expect(compacted).toBe(true);
    const left = await bundleFiles(stick);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/-full\.pfb$/);
    const decoded = await decodeFile(path.join(stick, left[0]), [festival]);
    expect([...decoded.header.heads].sort()).toEqual(await headsOf(a.dataDir, festival));
    await sync(z.dataDir, stick);
    expect(await headsOf(z.dataDir, festival)).toEqual(await headsOf(a.dataDir, festival));
    const venues = Object.values((await festivalDoc(z.dataDir, festival))?.venues ?? {}).map((venue) => String(venue.name));
    expect(venues).toContain(`Stage ${COMPACT_ABOVE}`);
  });

  it("with --festival syncs only that festival, in both directions", async () => {
    const a = await dataDirWithIdentity("Ada");
    const b = await dataDirWithIdentity("Bo");
    const stick = await tempDir("pandafest-stick-");
    const one = await createFestival(a.dataDir, { name: "One Fest" });
    const two = await createFestival(a.dataDir, { name: "Two Fest" });
    const summary = await sync(a.dataDir, stick, { festivals: ["One Fest"] });
    expect(summary.festivals.map((entry) => entry.festival)).toEqual([one]);
    await sync(a.dataDir, stick);
    const atB = await sync(b.dataDir, stick, { festivals: [two] });
    expect(atB.festivals.map((entry) => entry.festival)).toEqual([two]);
    expect(await festivalDoc(b.dataDir, one)).toBeUndefined();
    expect(A.getHeads((await festivalDoc(b.dataDir, two)) ?? A.init())).toEqual(await headsOf(a.dataDir, two));
  });

  it("refuses a damaged bundle on the stick without stopping the sync", async () => {
    const a = await dataDirWithIdentity("Ada");
    const b = await dataDirWithIdentity("Bo");
    const stick = await tempDir("pandafest-stick-");
    const good = await createFestival(a.dataDir, { name: "Good Fest" });
    const other = await createFestival(a.dataDir, { name: "Other Fest" });
    await sync(a.dataDir, stick);
    const otherFile = (await bundleFiles(stick)).find((file) => file.includes(discoveryKey(other).slice(0, 16)));
    if (otherFile === undefined) throw new Error("bundle missing");
    const bytes = await fs.readFile(path.join(stick, otherFile));
    await fs.writeFile(path.join(stick, otherFile), bytes.subarray(0, bytes.length - 7));
    const atB = await sync(b.dataDir, stick);
    expect(atB.refused).toEqual([{ file: otherFile, reason: expect.stringMatching(/truncated/) }]);
    expect(await headsOf(b.dataDir, good)).toEqual(await headsOf(a.dataDir, good));
    expect(await festivalDoc(b.dataDir, other)).toBeUndefined();
  });
});
