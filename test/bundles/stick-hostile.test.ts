// A hostile stick: links never followed (pandafest/, a festival folder, visits/), a file where a folder should be,
// sealed files checked from their front and carried by streaming within limits, what was left behind reported.
import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { encodeClearPrivateHeader } from "../../bundles/format/header.js";
import { FLAG_ENCRYPTED, allocateBundle } from "../../bundles/format/layout.js";
import { discoveryKey } from "../../bundles/format/discovery.js";
import { exportFestivalBundle } from "../../bundles/datadir/export.js";
import { syncStick, type StickSyncOptions } from "../../bundles/stick/stick.js";
import { encodeBundle } from "../../bundles/format/codec.js";
import { carrierOf } from "../../bundles/datadir/export.js";
import { bundleFileName } from "../../bundles/format/naming.js";
import * as A from "@automerge/automerge";
import { decodeVisitRecord, encodeVisitRecord, visitedEntry, visitedHeads } from "../../bundles/format/visit-record.js";
import { festivalSecretKey, seal } from "../../bundles/format/crypto.js";
import { sign } from "../../engine/core/keys.js";
import { randomBytes, toHex } from "../../engine/core/keys.js";
import { runCli, snapshotDir, tempDir } from "../helpers/cli.js";
import { addVenues, carriedSealedKeys, createFestival, dataDirWithIdentity, festivalDoc, filesUnder, headsOf, withStore } from "./bundle-helpers.js";

function sync(dataDir: string, stick: string, options: StickSyncOptions = {}) {
  return withStore(dataDir, (store) => syncStick(store, stick, options));
}

/** A file framed as a private bundle (prelude, clear header, lengths) around random bytes, under a made-up key. */
async function madeUpSealedFile(stick: string, key: string, payloadBytes: number, name = toHex(randomBytes(6))): Promise<string> {
  const header = encodeClearPrivateHeader({ discoveryKey: key, sealedHeader: toHex(randomBytes(400)) });
  const { bytes, payloadOffset } = allocateBundle(FLAG_ENCRYPTED, header, payloadBytes);
  bytes.set(randomBytes(bytes.length - payloadOffset), payloadOffset);
  const folder = path.join(stick, "pandafest", key.slice(0, 16));
  await fs.mkdir(folder, { recursive: true });
  const file = path.join(folder, `${key.slice(0, 16)}-${name}-full.pfb`);
  await fs.writeFile(file, bytes);
  return file;
}

describe("stick sync on a hostile stick", () => {
  it("refuses a pandafest folder that is a link, reading and writing nothing through it", async () => {
    const a = await dataDirWithIdentity("Ada");
    const b = await dataDirWithIdentity("Bo");
    const festival = await createFestival(a.dataDir, { name: "Lure Fest" });
    // the link points at a folder holding a valid bundle, next to files of the victim's own
    const elsewhere = await tempDir("pandafest-elsewhere-");
    const lure = await withStore(a.dataDir, (store) => exportFestivalBundle(store, festival, { directory: path.join(elsewhere, discoveryKey(festival).slice(0, 16)) }));
    expect(lure.file).not.toBeNull();
    const stick = await tempDir("pandafest-stick-");
    await fs.symlink(elsewhere, path.join(stick, "pandafest"));
    const before = await snapshotDir(elsewhere);

    await expect(sync(b.dataDir, stick)).rejects.toThrow(/pandafest: is a symbolic link; pandafest never follows links on a stick/);
    expect(await festivalDoc(b.dataDir, festival)).toBeUndefined();
    expect(await snapshotDir(elsewhere)).toEqual(before);

    // into the victim's own data directory: nothing lands there either
    await fs.rm(path.join(stick, "pandafest"));
    await fs.symlink(path.join(a.dataDir, "documents"), path.join(stick, "pandafest"));
    const documents = await snapshotDir(path.join(a.dataDir, "documents"));
    await expect(sync(a.dataDir, stick)).rejects.toThrow(/nothing was read or written/);
    expect(await snapshotDir(path.join(a.dataDir, "documents"))).toEqual(documents);
  });

  it("leaves a festival folder that is a link alone, reports it, and syncs the other festivals", async () => {
    const a = await dataDirWithIdentity("Ada");
    const linked = await createFestival(a.dataDir, { name: "Linked Fest" });
    const plain = await createFestival(a.dataDir, { name: "Plain Fest" });
    const stick = await tempDir("pandafest-stick-");
    const elsewhere = await tempDir("pandafest-elsewhere-");
    await fs.mkdir(path.join(stick, "pandafest"));
    await fs.symlink(elsewhere, path.join(stick, "pandafest", discoveryKey(linked).slice(0, 16)));

    const summary = await sync(a.dataDir, stick);
    expect(await filesUnder(elsewhere)).toEqual([]);
    expect(summary.problems).toEqual([
      { path: path.join("pandafest", discoveryKey(linked).slice(0, 16)), reason: expect.stringMatching(/symbolic link.*never follows/) },
    ]);
    const written = (await filesUnder(stick)).filter((file) => file.endsWith(".pfb"));
    expect(written).toEqual([expect.stringContaining(path.join("pandafest", discoveryKey(plain).slice(0, 16)))]);
    expect(summary.visitRecord).not.toBeNull();
  });

  it("writes no visit record through a visits link", async () => {
    const a = await dataDirWithIdentity("Ada");
    await createFestival(a.dataDir, { name: "Visit Fest" });
    const stick = await tempDir("pandafest-stick-");
    const elsewhere = await tempDir("pandafest-elsewhere-");
    await fs.mkdir(path.join(stick, "pandafest"));
    await fs.symlink(elsewhere, path.join(stick, "pandafest", "visits"));
    const summary = await sync(a.dataDir, stick);
    expect(summary.visitRecord).toBeNull();
    expect(summary.problems).toEqual([{ path: path.join("pandafest", "visits"), reason: expect.stringMatching(/symbolic link/) }]);
    expect(await fs.readdir(elsewhere)).toEqual([]);
  });

  it("reports a file where a festival folder should be, syncs the rest, and exits non-zero", async () => {
    const a = await dataDirWithIdentity("Ada");
    const b = await dataDirWithIdentity("Bo");
    const blocked = await createFestival(a.dataDir, { name: "Blocked Fest" });
    const open = await createFestival(a.dataDir, { name: "Open Fest" });
    const stick = await tempDir("pandafest-stick-");
    await fs.mkdir(path.join(stick, "pandafest"));
    await fs.writeFile(path.join(stick, "pandafest", discoveryKey(blocked).slice(0, 16)), "not a folder");

    const result = await runCli(a.dataDir, ["--json", "stick", "sync", stick]);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/unexpected error|\n\s+at /);
    expect(result.stderr).toMatch(/1 path\(s\) on the stick could not be used/);
    const summary = JSON.parse(result.stdout) as { problems: { path: string; reason: string }[] };
    expect(summary.problems).toEqual([
      { path: path.join("pandafest", discoveryKey(blocked).slice(0, 16)), reason: expect.stringMatching(/a file where a folder should be/) },
    ]);
    await sync(b.dataDir, stick);
    expect(await headsOf(b.dataDir, open)).toEqual(await headsOf(a.dataDir, open));
    expect(await festivalDoc(b.dataDir, blocked)).toBeUndefined();
  });

  it("carries sealed files within the per-festival and total limits and says what it left behind", async () => {
    const b = await dataDirWithIdentity("Bo");
    const stick = await tempDir("pandafest-stick-");
    // sorted, so that the stick lists the first festival's files first
    const [one, two] = [toHex(randomBytes(32)), toHex(randomBytes(32))].sort();
    for (let index = 0; index < 3; index++) await madeUpSealedFile(stick, one, 4000);
    for (let index = 0; index < 2; index++) await madeUpSealedFile(stick, two, 4000);
    const fileSize = (await fs.stat((await filesUnder(stick)).map((file) => path.join(stick, file))[0])).size;

    const summary = await sync(b.dataDir, stick, { carryLimits: { perFestival: 2 * fileSize, total: 3 * fileSize } });
    const kept = summary.festivals.reduce((sum, entry) => sum + entry.filesKept, 0);
    expect(kept).toBe(3);
    expect(summary.leftBehind).toHaveLength(2);
    expect(summary.leftBehind.map((left) => left.reason).join("\n")).toMatch(/over the limit of \d+ \(raise it with --carry-festival-limit\)/);
    expect(summary.leftBehind.map((left) => left.reason).join("\n")).toMatch(/raise it with --carry-limit/);
    expect((await carriedSealedKeys(b.dataDir)).sort()).toEqual([one, two].sort());

    // a raised limit on the next sync takes the rest
    const again = await sync(b.dataDir, stick, { carryLimits: { perFestival: 10 * fileSize, total: 10 * fileSize } });
    expect(again.leftBehind).toEqual([]);
    expect(again.festivals.reduce((sum, entry) => sum + entry.filesKept, 0)).toBe(2);
  });

  it("refuses a sealed file whose lengths do not add up, without carrying it", async () => {
    const b = await dataDirWithIdentity("Bo");
    const stick = await tempDir("pandafest-stick-");
    const key = toHex(randomBytes(32));
    const file = await madeUpSealedFile(stick, key, 4000);
    await fs.appendFile(file, randomBytes(100));
    const tooShort = await madeUpSealedFile(stick, key, 10);
    const summary = await sync(b.dataDir, stick);
    expect(summary.refused.map((entry) => entry.reason).sort()).toEqual([
      expect.stringMatching(/unexpected bytes after its end/),
      expect.stringMatching(/payload is too short to be sealed/),
    ]);
    expect(path.basename(tooShort)).toBeTruthy();
    expect(await carriedSealedKeys(b.dataDir)).toEqual([]);
  });

  it("leaves a visit record that ties nobody to a private festival, and still reads version 1 records", async () => {
    const a = await dataDirWithIdentity("Ada");
    const b = await dataDirWithIdentity("Bo");
    const open = await createFestival(a.dataDir, { name: "Open Fest" });
    const secret = await createFestival(a.dataDir, { name: "Secret Fest", visibility: "private", epochZero: true });
    const stick = await tempDir("pandafest-stick-");
    const summary = await sync(a.dataDir, stick);
    const text = await fs.readFile(summary.visitRecord ?? "", "utf8");
    // a finder who holds Ada's public festival knows her key; the record still names no private festival
    expect(text).toContain(a.identity.publicKey);
    expect(text).not.toContain(discoveryKey(secret));
    expect(text).not.toContain(discoveryKey(secret).slice(0, 16));
    expect(path.basename(summary.visitRecord ?? "")).not.toContain(a.identity.publicKey.slice(0, 16));
    const record = decodeVisitRecord(new TextEncoder().encode(text));
    expect(visitedEntry(record, secret)?.visitor).toBe(a.identity.publicKey);
    expect(visitedHeads(record, open)).toEqual(await headsOf(a.dataDir, open));

    // B carries the private festival sealed: B's record leaves it out (it names B only next to the public one)
    const atB = await sync(b.dataDir, stick);
    const textB = await fs.readFile(atB.visitRecord ?? "", "utf8");
    expect(textB).not.toContain(discoveryKey(secret));
    expect(decodeVisitRecord(new TextEncoder().encode(textB))).toMatchObject({ sealed: [], festivals: [{ discoveryKey: discoveryKey(open), visitor: b.identity.publicKey }] });

    // an entry moved into another record (another visit time) no longer verifies
    const moved = text.replace(/"visitedAt": \d+/, '"visitedAt": 1');
    expect(() => decodeVisitRecord(new TextEncoder().encode(moved))).toThrow(/signature does not match/);

    // a version 1 record, as older pandafest wrote it, still reads
    const heads = await headsOf(a.dataDir, secret);
    const sealedHeads = toHex(seal(new TextEncoder().encode(JSON.stringify(heads)), festivalSecretKey(secret)));
    const unsigned = { format: "pandafest-visit", version: 1, visitor: a.identity.publicKey, visitedAt: 5, festivals: [{ discoveryKey: discoveryKey(secret), sealedHeads }] } as const;
    const signed = sign(new TextEncoder().encode(`pandafest-visit-v1\n${JSON.stringify(unsigned)}`), a.identity.secretKey);
    const old = decodeVisitRecord(encodeVisitRecord({ ...unsigned, festivals: [...unsigned.festivals], signature: toHex(signed) }));
    expect(visitedEntry(old, secret)).toEqual({ visitor: a.identity.publicKey, heads });
  });

  it("does not take a bundle that names the latest heads without holding them for the stick having them", async () => {
    const a = await dataDirWithIdentity("Ada");
    const b = await dataDirWithIdentity("Bo");
    const mallory = await dataDirWithIdentity("Mallory");
    const festival = await createFestival(a.dataDir, { name: "Claimed Fest" });
    const early = await festivalDoc(a.dataDir, festival);
    await addVenues(a.dataDir, festival, ["New Stage"]);
    await sync(a.dataDir, await tempDir("pandafest-stick-")); // Ada's heads cache now knows the latest heads
    const heads = await headsOf(a.dataDir, festival);
    if (early === undefined) throw new Error("festival missing");

    const stick = await tempDir("pandafest-stick-");
    const claim = { festivalId: festival, prerequisites: [], heads };
    const folder = path.join(stick, "pandafest", discoveryKey(festival).slice(0, 16));
    await fs.mkdir(folder, { recursive: true });
    const lie = encodeBundle({ ...claim, visibility: "public", carrier: carrierOf(mallory.identity), changeCount: A.stats(early).numChanges, payload: A.save(early) });
    await fs.writeFile(path.join(folder, bundleFileName(claim)), lie);

    const atA = await sync(a.dataDir, stick);
    expect(atA.refused).toEqual([{ file: expect.stringContaining(bundleFileName(claim)), reason: expect.stringMatching(/does not end at the heads its header names/) }]);
    await sync(b.dataDir, stick);
    expect(await headsOf(b.dataDir, festival)).toEqual(heads);
  });

  it("leaves a readable festival of others behind when its bundles are over the per-festival limit", async () => {
    const a = await dataDirWithIdentity("Ada");
    const b = await dataDirWithIdentity("Bo");
    const small = await createFestival(a.dataDir, { name: "Small Fest" });
    const large = await createFestival(a.dataDir, { name: "Large Fest", venues: Array.from({ length: 40 }, (_, index) => `Stage ${index} ${"x".repeat(40)}`) });
    const stick = await tempDir("pandafest-stick-");
    await sync(a.dataDir, stick);
    const sizes = new Map<string, number>();
    for (const file of await filesUnder(stick)) if (file.endsWith(".pfb")) sizes.set(file, (await fs.stat(path.join(stick, file))).size);
    const largeFile = [...sizes.keys()].find((file) => file.includes(discoveryKey(large).slice(0, 16))) ?? "";
    const smallFile = [...sizes.keys()].find((file) => file.includes(discoveryKey(small).slice(0, 16))) ?? "";
    const limit = Math.floor(((sizes.get(largeFile) ?? 0) + (sizes.get(smallFile) ?? 0)) / 2);
    expect(sizes.get(smallFile)).toBeLessThan(limit);

    const atB = await sync(b.dataDir, stick, { carryLimits: { perFestival: limit } });
    expect(atB.leftBehind).toEqual([{ file: largeFile, reason: expect.stringMatching(/over the limit of \d+ for one festival carried for others/) }]);
    expect(await festivalDoc(b.dataDir, large)).toBeUndefined();
    expect(await headsOf(b.dataDir, small)).toEqual(await headsOf(a.dataDir, small));
    // named with --festival, it is followed, not carried: no limit applies
    await sync(b.dataDir, stick, { festivals: [large], carryLimits: { perFestival: limit } });
    expect(await headsOf(b.dataDir, large)).toEqual(await headsOf(a.dataDir, large));
  });
});
