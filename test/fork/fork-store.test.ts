// Forks made through the store: what --keep events implies, forking at older heads, a full-history clone
// whose changes merge back into the origin, and a pull whose origin is not in the data directory.
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { getEvent, shardOf } from "../../engine/core/event-shards.js";
import { forkFestival, forkOriginRecord, pullFork } from "../../engine/node/fork/index.js";
import { addEvent, addPerson, addVenue, editVenue, removeVenue } from "../../engine/core/operations.js";
import type { Festival } from "../../engine/core/schema.js";
import { createFestivalDoc } from "../../engine/core/skeleton.js";
import { schema1FestivalDoc, SCHEMA1_EVENT_ID, SCHEMA1_VENUE_ID } from "../fixtures/schema1-festival.js";
import { festivalView } from "../../engine/core/views.js";
import { createFestival, dataDirWithIdentity, readFestival, withStore } from "./store-fixtures.js";

const SETTINGS = { name: "Origin", timeZone: "Europe/Berlin", startDate: "2027-07-01", endDate: "2027-07-03", visibility: "private" as const };

describe("forkFestival", () => {
  it("keeping events keeps their venues (even removed ones) and their hosts, but no other people", async () => {
    const dataDir = await dataDirWithIdentity();
    const ids = { barn: "", grace: "", ada: "", event: "" };
    const origin = await createFestival(dataDir, SETTINGS, (editor) => {
      ids.barn = addVenue(editor, { name: "Barn" });
      ids.grace = addPerson(editor, { name: "Grace" });
      ids.ada = addPerson(editor, { name: "Ada" });
      ids.event = addEvent(editor, {
        title: "Barn dance",
        venueId: ids.barn,
        start: "2027-07-01T20:00:00+02:00",
        end: "2027-07-01T22:00:00+02:00",
        hostIds: [ids.grace],
      });
      removeVenue(editor, ids.barn);
    });
    const result = await withStore(dataDir, (store) => forkFestival(store, origin, { name: "Dance fork", keep: ["events"] }));
    expect(result.kept).toEqual({ venues: 1, people: 1, events: 1 });
    expect(result.notes.join("\n")).toMatch(/venues are always kept/);
    expect(result.notes.join("\n")).toMatch(/people who host them/);
    const fork = await readFestival(dataDir, result.id);
    expect(fork.view.visibility).toBe("private");
    expect(fork.view.venues[ids.barn]).toMatchObject({ name: "Barn", removed: true });
    expect(Object.keys(fork.view.people)).toEqual([ids.grace]);
    expect(fork.view.events[ids.event]).toMatchObject({ title: "Barn dance", venueId: ids.barn, hostIds: [ids.grace] });
  });

  it("forks a festival written at schema 1 into a schema-2 festival with its events in shards, and pulls from it", async () => {
    const dataDir = await dataDirWithIdentity();
    const origin = await withStore(dataDir, (store) => store.createFromDoc(() => schema1FestivalDoc()));
    const result = await withStore(dataDir, (store) => forkFestival(store, origin.id, { name: "New from old", keep: ["events"] }));
    expect(result.kept).toEqual({ venues: 1, people: 0, events: 1 });
    await withStore(dataDir, async (store) => {
      const doc = (await store.resolve(result.id)).doc();
      expect(doc.schema).toBe(2);
      expect(Object.keys(doc.events)).toEqual([]);
      expect(Object.keys(doc.eventShards?.[shardOf(SCHEMA1_EVENT_ID)] ?? {})).toEqual([SCHEMA1_EVENT_ID]);
      expect(getEvent(doc, SCHEMA1_EVENT_ID)?.title.val).toBe("Old opening");
      const { editor } = await store.editorFor(origin.id);
      editVenue(editor, SCHEMA1_VENUE_ID, { name: "Old stage, renamed" });
    });
    const pulled = await withStore(dataDir, (store) => pullFork(store, result.id));
    expect(pulled.venues.map((venue) => [venue.venueId, venue.updated.map((update) => update.to)])).toEqual([
      [SCHEMA1_VENUE_ID, ["Old stage, renamed"]],
    ]);
    const fork = await readFestival(dataDir, result.id);
    expect(fork.view.venues[SCHEMA1_VENUE_ID].name).toBe("Old stage, renamed");
    expect(fork.view.events[SCHEMA1_EVENT_ID]).toMatchObject({ title: "Old opening", venueId: SCHEMA1_VENUE_ID });
  });

  it("forks the origin as it was at given heads", async () => {
    const dataDir = await dataDirWithIdentity();
    let first = "";
    const origin = await createFestival(dataDir, SETTINGS, (editor) => {
      first = addVenue(editor, { name: "First" });
    });
    const then = await readFestival(dataDir, origin);
    await withStore(dataDir, async (store) => {
      const { editor } = await store.editorFor(origin);
      addVenue(editor, { name: "Later" });
    });
    const result = await withStore(dataDir, (store) => forkFestival(store, origin, { name: "Old fork", at: then.heads }));
    const fork = await readFestival(dataDir, result.id);
    expect(Object.keys(fork.view.venues)).toEqual([first]);
    expect(fork.view.forkedFrom?.heads).toEqual(then.heads);
  });

  it("makes a full-history clone whose changes merge back into the origin (a copy cannot)", async () => {
    const dataDir = await dataDirWithIdentity();
    let stage = "";
    const origin = await createFestival(dataDir, SETTINGS, (editor) => {
      stage = addVenue(editor, { name: "Stage" });
    });
    await withStore(dataDir, async (store) => {
      const clone = await forkFestival(store, origin, { name: "Clone", withHistory: true });
      const copy = await forkFestival(store, origin, { name: "Copy" });
      const identity = await store.requireIdentity();
      const cloneHandle = await store.resolve(clone.id);
      const originHandle = await store.resolve(origin);
      addEvent(store.editor(cloneHandle, identity), {
        title: "Made in the clone",
        venueId: stage,
        start: "2027-07-02T10:00:00+02:00",
        end: "2027-07-02T11:00:00+02:00",
      });
      addVenue(store.editor(originHandle, identity), { name: "Made in the origin meanwhile" });
      await store.commit(); // the editors' changes reach the handles

      // the clone holds the origin's history at the fork, so its later changes apply on top of the origin
      const forkHeads = clone.forkedFrom.heads;
      const cloneDoc = cloneHandle.doc();
      expect(A.hasHeads(cloneDoc, forkHeads)).toBe(true);
      const merged = A.loadIncremental(A.clone(originHandle.doc()), A.saveSince(cloneDoc, forkHeads));
      const view = festivalView(merged);
      expect(Object.values(view.events).map((event) => event.title)).toEqual(["Made in the clone"]);
      expect(Object.values(view.venues).map((venue) => venue.name).sort()).toEqual(["Made in the origin meanwhile", "Stage"]);

      // a copy starts a new history: it does not contain the origin's changes, so it can only pull
      const copyDoc = (await store.resolve(copy.id)).doc();
      expect(A.hasHeads(copyDoc, copy.forkedFrom.heads)).toBe(false);
    });
  });

  it("refuses a pull whose origin is not in this data directory, and changes nothing", async () => {
    const dataDir = await dataDirWithIdentity();
    const elsewhere = "automerge:2EnNQ7Wzjjvahte9RSDc3VhH8vh4";
    const fork = await withStore(dataDir, (store) =>
      store.createFromDoc(() =>
        A.change(createFestivalDoc({ name: "Orphan fork" }), (doc: Festival) => {
          doc.forkedFrom = forkOriginRecord(elsewhere, ["ab".repeat(32)], "Far away fest");
        }),
      ),
    );
    const before = await readFestival(dataDir, fork.id);
    await expect(withStore(dataDir, (store) => pullFork(store, fork.id))).rejects.toThrow(
      /"Far away fest" \(automerge:2EnNQ7Wzjjvahte9RSDc3VhH8vh4\), is not in this data directory/,
    );
    expect(await readFestival(dataDir, fork.id)).toEqual(before);
  });
});
