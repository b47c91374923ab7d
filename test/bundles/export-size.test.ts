// `bundle export --since` writes whichever is smaller: the incremental bundle, or a full one when the
// festival is small enough that a whole save takes fewer bytes than the changes one by one.
import fs from "node:fs/promises";
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { encodeBundle } from "../../bundles/format/codec.js";
import { carrierOf, exportFestivalBundle } from "../../bundles/datadir/export.js";
import { importBundleFiles } from "../../bundles/datadir/import.js";
import { addEvent } from "../../engine/core/operations.js";
import { tempDir } from "../helpers/cli.js";
import { createFestival, dataDirWithIdentity, festivalDoc, headsOf, withStore } from "./bundle-helpers.js";

describe("bundle export size", () => {
  it("writes a full bundle instead of an incremental one when the full one is smaller", async () => {
    const a = await dataDirWithIdentity("Ada");
    const b = await dataDirWithIdentity("Bo");
    const festival = await createFestival(a.dataDir, { name: "Tiny Fest", events: [{ title: "Opening" }] });
    const out = await tempDir();
    const first = await withStore(a.dataDir, (store) => exportFestivalBundle(store, festival, { directory: out }));
    await withStore(b.dataDir, (store) => importBundleFiles(store, [first.file ?? ""], { follow: true }));
    const venueId = Object.keys((await festivalDoc(a.dataDir, festival))?.venues ?? {})[0] ?? "";
    await withStore(a.dataDir, async (store) => {
      const { editor } = await store.editorFor(festival);
      for (const title of ["Late Show", "Night Set", "Closing", "Encore", "Afterparty", "Breakfast"]) {
        addEvent(editor, { title, description: "", venueId, start: "2027-07-02T20:00:00+02:00", end: "2027-07-02T21:00:00+02:00" });
      }
    });

    const doc = await festivalDoc(a.dataDir, festival);
    if (doc === undefined) throw new Error("festival missing");
    const incremental = encodeBundle({
      festivalId: festival,
      visibility: "public",
      carrier: carrierOf(a.identity),
      prerequisites: first.heads,
      heads: A.getHeads(doc),
      changeCount: A.getChangesMetaSince(doc, first.heads).length,
      payload: A.saveSince(doc, first.heads),
    });
    const second = await withStore(a.dataDir, (store) => exportFestivalBundle(store, festival, { directory: out, since: first.file ?? "" }));
    console.log(`six new events: incremental bundle ${incremental.length} bytes, written ${second.kind} bundle ${second.bytes} bytes`);
    expect(second.bytes).toBeLessThan(incremental.length);
    expect(second).toMatchObject({ kind: "full", prerequisites: [], changeCount: A.stats(doc).numChanges });
    expect(second.file).toMatch(/-full\.pfb$/);
    expect((await fs.stat(second.file ?? "")).size).toBe(second.bytes);

    await withStore(b.dataDir, (store) => importBundleFiles(store, [second.file ?? ""], { follow: true }));
    expect(await headsOf(b.dataDir, festival)).toEqual(await headsOf(a.dataDir, festival));
  });
});
