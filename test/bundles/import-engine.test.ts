// The engine-level bundle import and export, in process: incremental bundles, waiting changes kept under
// DATA/pending/ and applied later (also after the store is reopened), idempotence, payload checks.
import fs from "node:fs/promises";
import path from "node:path";
import * as A from "@automerge/automerge";
import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";
import { encodeBundle } from "../../bundles/format/codec.js";
import { exportFestivalBundle } from "../../bundles/datadir/export.js";
import { importBundles } from "../../bundles/datadir/import.js";
import { packFestival } from "../../bundles/format/pack.js";
import { snapshotDir, tempDir } from "../helpers/cli.js";
import { addVenues, createFestival, dataDirWithIdentity, festivalDoc, headsOf, withStore } from "./bundle-helpers.js";

async function exportTo(dataDir: string, festivalId: string, directory: string, since?: string) {
  return withStore(dataDir, (store) => exportFestivalBundle(store, festivalId, { directory, since }));
}

async function importFiles(dataDir: string, files: readonly string[], follow = true) {
  const sources = await Promise.all(files.map(async (file) => ({ label: path.basename(file), bytes: new Uint8Array(await fs.readFile(file)) })));
  return withStore(dataDir, (store) => importBundles(store, sources, { follow }));
}

describe("bundle export and import (in process)", () => {
  it("an incremental bundle holds only the new changes; imported first it waits, and applies once its history arrives", async () => {
    const a = await dataDirWithIdentity("Ada");
    const b = await dataDirWithIdentity("Bo");
    const out = await tempDir();
    let seed = 12345;
    const letter = () => String.fromCharCode(97 + ((seed = (seed * 1103515245 + 12345) % 2147483648) % 26));
    const text = () => Array.from({ length: 1500 }, letter).join("");
    const events = Array.from({ length: 12 }, (_, index) => ({ title: `Session ${index}`, description: text() }));
    const festival = await createFestival(a.dataDir, { name: "Waiting Fest", events });
    const full = await exportTo(a.dataDir, festival, out);
    await addVenues(a.dataDir, festival, ["Late Tent"]);
    const incremental = await exportTo(a.dataDir, festival, out, full.file ?? "");
    expect(full.kind).toBe("full");
    expect(incremental.kind).toBe("incremental");
    expect(incremental.prerequisites).toEqual([...full.heads].sort());
    expect(incremental.bytes * 5).toBeLessThan(full.bytes);
    expect(incremental.changeCount).toBeLessThan(full.changeCount);

    const first = await importFiles(b.dataDir, [incremental.file ?? ""]);
    expect(first.files).toEqual([
      expect.objectContaining({ festival, new: 0, present: 0, waiting: incremental.changeCount, carrier: a.identity.publicKey }),
    ]);
    expect(await festivalDoc(b.dataDir, festival)).toBeUndefined();
    expect(await fs.readdir(path.join(b.dataDir, "pending", festival))).toHaveLength(1);

    // a new store (as after a restart) finds the waiting bundle and applies it with the full one
    const second = await importFiles(b.dataDir, [full.file ?? ""]);
    expect(second.files[0]).toMatchObject({ new: full.changeCount, present: 0, waiting: 0, carrierName: "Ada" });
    expect(second.festivals[0].released).toBe(incremental.changeCount);
    expect(await headsOf(b.dataDir, festival)).toEqual(await headsOf(a.dataDir, festival));
    const venues = Object.values((await festivalDoc(b.dataDir, festival))?.venues ?? {}).map((venue) => String(venue.name));
    expect(venues).toContain("Late Tent");
    await expect(fs.readdir(path.join(b.dataDir, "pending", festival))).rejects.toThrow();
    const entries = await fs.readdir(path.join(b.dataDir, "festivals"));
    expect(entries).toEqual([`${festival}.json`]);
  });

  it("importing the same bundles again writes nothing", async () => {
    const a = await dataDirWithIdentity("Ada");
    const b = await dataDirWithIdentity("Bo");
    const out = await tempDir();
    const festival = await createFestival(a.dataDir, { name: "Twice Fest" });
    const full = await exportTo(a.dataDir, festival, out);
    await addVenues(a.dataDir, festival, ["Second"]);
    const incremental = await exportTo(a.dataDir, festival, out, full.file ?? "");
    await importFiles(b.dataDir, [incremental.file ?? "", full.file ?? ""]);
    const before = await snapshotDir(b.dataDir);
    const again = await importFiles(b.dataDir, [full.file ?? "", incremental.file ?? ""]);
    expect(again.files.map((file) => [file.new, file.waiting])).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(again.files.map((file) => file.present)).toEqual([full.changeCount, incremental.changeCount]);
    expect(await snapshotDir(b.dataDir)).toEqual(before);
  });

  it("refuses a validly signed bundle whose payload is not what its header says, and changes nothing", async () => {
    const a = await dataDirWithIdentity("Ada");
    const b = await dataDirWithIdentity("Bo");
    const festival = await createFestival(a.dataDir, { name: "Liar Fest" });
    const doc = await festivalDoc(a.dataDir, festival);
    if (doc === undefined) throw new Error("festival missing");
    const carrier = nacl.sign.keyPair();
    const honest = packFestival({ festivalId: festival, doc, carrier });
    if (honest === null) throw new Error("nothing packed");
    const other = A.change(A.clone(doc), (draft) => {
      draft.description = new A.ImmutableString("not what the header promises");
    });
    const lying = encodeBundle({
      festivalId: festival,
      visibility: "public",
      carrier,
      prerequisites: [],
      heads: honest.heads,
      changeCount: honest.changeCount,
      payload: A.save(other),
    });
    const garbage = encodeBundle({ festivalId: festival, visibility: "public", carrier, prerequisites: [], heads: honest.heads, changeCount: 1, payload: new Uint8Array([1, 2, 3]) });
    const before = await snapshotDir(b.dataDir);
    for (const bytes of [lying, garbage]) {
      await expect(withStore(b.dataDir, (store) => importBundles(store, [{ label: "x.pfb", bytes }], { follow: true }))).rejects.toThrow(
        /^x\.pfb: bundle payload .*; nothing was imported$/,
      );
    }
    expect(await snapshotDir(b.dataDir)).toEqual(before);
  });

  it("a private festival's bundle is refused by a data directory that does not know the festival", async () => {
    const a = await dataDirWithIdentity("Ada");
    const b = await dataDirWithIdentity("Bo");
    const out = await tempDir();
    const festival = await createFestival(a.dataDir, { name: "Hidden Fest", visibility: "private" });
    const full = await exportTo(a.dataDir, festival, out);
    expect(full.visibility).toBe("private");
    const before = await snapshotDir(b.dataDir);
    await expect(importFiles(b.dataDir, [full.file ?? ""])).rejects.toThrow(/festival not known here/);
    expect(await snapshotDir(b.dataDir)).toEqual(before);
  });

  it("one bad file among good ones stops the whole import before anything is written", async () => {
    const a = await dataDirWithIdentity("Ada");
    const b = await dataDirWithIdentity("Bo");
    const out = await tempDir();
    const festival = await createFestival(a.dataDir, { name: "All Or Nothing" });
    const full = await exportTo(a.dataDir, festival, out);
    const bad = path.join(out, "bad.pfb");
    const bytes = new Uint8Array(await fs.readFile(full.file ?? ""));
    bytes[bytes.length - 10] ^= 0x01;
    await fs.writeFile(bad, bytes);
    const before = await snapshotDir(b.dataDir);
    await expect(importFiles(b.dataDir, [full.file ?? "", bad])).rejects.toThrow(/^bad\.pfb: signature does not match/);
    expect(await snapshotDir(b.dataDir)).toEqual(before);
  });
});
