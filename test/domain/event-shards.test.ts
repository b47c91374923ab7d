// Events in 64 shard maps (schema 2): stable, well spread shard names; documents written at schema 1 (one
// flat events map) still shown, edited, added to and merged without a migration; concurrent adds to one
// shard both survive; conflicts on sharded and flat events keep their "events.ID.field" path; newer refused.
import * as A from "@automerge/automerge";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findClashes } from "../../engine/core/checks.js";
import { findConflicts, pickConflictValue } from "../../engine/core/conflicts.js";
import { editorForDoc } from "../../engine/core/editor.js";
import {
  EVENT_SHARD_NAMES,
  eventMapForNew,
  eventMapHolding,
  eventsTouchedBy,
  getEvent,
  shardOf,
  storedEvents,
} from "../../engine/core/event-shards.js";
import { newId } from "../../engine/core/ids.js";
import { checkSchema } from "../../engine/core/schema-version.js";
import { addEvent, addVenue, editEvent } from "../../engine/core/operations.js";
import { programme } from "../../engine/core/programme.js";
import { resolveEventId } from "../../engine/core/references.js";
import { SCHEMA_VERSION, type FestivalEvent } from "../../engine/core/schema.js";
import { createFestivalDoc } from "../../engine/core/skeleton.js";
import { eventView, festivalView } from "../../engine/core/views.js";
import { schema1FestivalDoc, SCHEMA1_EVENT_ID, SCHEMA1_VENUE_ID } from "../fixtures/schema1-festival.js";
import { mergeInto, newFestival, peerOf, refusal } from "./helpers.js";

const slot = (hour: number) => ({
  start: `2027-07-02T${String(hour).padStart(2, "0")}:00:00+02:00`,
  end: `2027-07-02T${String(hour + 1).padStart(2, "0")}:00:00+02:00`,
});

describe("shard names", () => {
  it("are 00 to 63, all created in the skeleton's first and only change", () => {
    expect(EVENT_SHARD_NAMES).toHaveLength(64);
    expect(EVENT_SHARD_NAMES[0]).toBe("00");
    expect(EVENT_SHARD_NAMES[63]).toBe("63");
    expect(new Set(EVENT_SHARD_NAMES).size).toBe(64);
    const doc = createFestivalDoc({ name: "Sharded" });
    expect(A.getAllChanges(doc)).toHaveLength(1);
    expect(doc.schema).toBe(SCHEMA_VERSION);
    expect(Object.keys(doc.eventShards ?? {}).sort()).toEqual([...EVENT_SHARD_NAMES]);
    expect(doc.events).toEqual({});
  });

  it("follow FNV-1a over the id's UTF-8 bytes, folded to 6 bits, so every version agrees", () => {
    // FNV-1a 32-bit of "" is its offset basis 0x811c9dc5, of "a" 0xe40c292c, of "foobar" 0xbf9cf968
    // (the published test vectors); folded, ((h >>> 6) ^ h) & 63 gives 50, 8 and 13.
    expect(shardOf("")).toBe("50");
    expect(shardOf("a")).toBe("08");
    expect(shardOf("foobar")).toBe("13");
  });

  it("hash every id, ASCII or not, exactly as FNV-1a over its UTF-8 bytes does", () => {
    const byDefinition = (id: string) => {
      let hash = 0x811c9dc5;
      for (const byte of new TextEncoder().encode(id)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
      return String(((hash >>> 6) ^ hash) & 63).padStart(2, "0");
    };
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.constant(newId("event"))), (id) => {
        expect(shardOf(id)).toBe(byDefinition(id));
      }),
      { numRuns: 300 },
    );
  });

  it("spread a few thousand random ids over every shard, none much fuller than the others", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 4_000; i++) {
      const shard = shardOf(newId("event"));
      counts.set(shard, (counts.get(shard) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([...EVENT_SHARD_NAMES]);
    // 62.5 per shard on average; a shard with more than twice that would mean a skewed hash
    expect(Math.max(...counts.values())).toBeLessThan(125);
    expect(Math.min(...counts.values())).toBeGreaterThan(25);
  });
});

describe("a festival at schema 2", () => {
  it("stores a new event in its shard and edits it there", () => {
    const editor = newFestival();
    const venueId = addVenue(editor, { name: "Tent" });
    const eventId = addEvent(editor, { title: "Sharded", venueId, ...slot(12) });
    const shard = editor.doc.eventShards?.[shardOf(eventId)] ?? {};
    expect(Object.keys(shard)).toEqual([eventId]);
    expect(editor.doc.events).toEqual({});
    editEvent(editor, eventId, { title: "Still sharded" });
    expect(eventMapHolding(editor.doc, eventId)).toBe(editor.doc.eventShards?.[shardOf(eventId)]);
    expect(eventView(editor.doc, eventId)?.title).toBe("Still sharded");
    expect(festivalView(editor.doc).events[eventId]).toMatchObject({ id: eventId, title: "Still sharded", venueId });
    expect(resolveEventId(editor.doc, "Still sharded")).toBe(eventId);
    expect(resolveEventId(editor.doc, eventId)).toBe(eventId);
  });

  it("keeps two events that peers add to the same shard concurrently", () => {
    const origin = newFestival({}, "0000");
    const venueId = addVenue(origin, { name: "Stage" });
    const alice = peerOf(origin, "aaaa");
    const bob = peerOf(origin, "bbbb");
    const aliceIds = Array.from({ length: 8 }, (_, i) => addEvent(alice, { title: `Alice ${i}`, venueId, ...slot(10 + i) }));
    const aliceShards = new Set(aliceIds.map(shardOf));
    const bobIds: string[] = [];
    // Bob adds events until one lands in a shard Alice also wrote to (bounded; each try hits with p >= 1/8)
    for (let attempt = 0; attempt < 500 && !bobIds.some((id) => aliceShards.has(shardOf(id))); attempt++) {
      bobIds.push(addEvent(bob, { title: `Bob ${attempt}`, venueId, ...slot(10 + (attempt % 12)) }));
    }
    const shared = bobIds.find((id) => aliceShards.has(shardOf(id)));
    expect(shared).toBeDefined();
    const merged = mergeInto(alice, bob);
    const events = storedEvents(merged.doc);
    expect(events.size).toBe(aliceIds.length + bobIds.length);
    for (const id of [...aliceIds, ...bobIds]) expect(getEvent(merged.doc, id)).toBeDefined();
    const sharedShard = merged.doc.eventShards?.[shardOf(shared ?? "")] ?? {};
    expect(Object.keys(sharedShard)).toEqual(expect.arrayContaining([shared, ...aliceIds.filter((id) => shardOf(id) === shardOf(shared ?? ""))]));
    expect(A.getConflicts(merged.doc, "eventShards")).toBeUndefined();
    expect(findConflicts(merged.doc)).toEqual([]);
  });

  it("reports a conflict on a sharded event as events.ID.field and resolves it there", () => {
    const origin = newFestival({}, "0000");
    const venueId = addVenue(origin, { name: "Stage" });
    const eventId = addEvent(origin, { title: "Opening", venueId, ...slot(20) });
    const alice = peerOf(origin, "aaaa");
    const bob = peerOf(origin, "bbbb");
    editEvent(alice, eventId, { title: "Grand opening" });
    editEvent(bob, eventId, { title: "Opening night" });
    const merged = mergeInto(alice, bob);
    expect(findConflicts(merged.doc).map((conflict) => conflict.path)).toEqual([["events", eventId, "title"]]);
    expect(findConflicts(merged.doc, { fullScan: true }).map((conflict) => conflict.path)).toEqual([["events", eventId, "title"]]);
    pickConflictValue(merged, ["events", eventId, "title"], "Grand opening");
    expect(findConflicts(merged.doc)).toEqual([]);
    expect(eventView(merged.doc, eventId)?.title).toBe("Grand opening");
  });

  it("refuses to add an event when its shard is missing, rather than create a competing one", () => {
    const editor = newFestival();
    const venueId = addVenue(editor, { name: "Tent" });
    editor.change((doc) => {
      for (const name of EVENT_SHARD_NAMES) delete doc.eventShards?.[name];
    }, "simulate damage");
    const error = refusal(() => addEvent(editor, { title: "Nowhere", venueId, ...slot(12) }));
    expect(error.code).toBe("data");
    expect(error.message).toMatch(/event shard \d\d is missing/);
    expect(Object.keys(editor.doc.eventShards ?? {})).toEqual([]);
  });
});

describe("a festival written at schema 1 (one flat events map)", () => {
  it("shows its events without a migration", () => {
    const doc = schema1FestivalDoc();
    expect(() => checkSchema(doc)).not.toThrow();
    expect(festivalView(doc).schema).toBe(1);
    expect(festivalView(doc).events[SCHEMA1_EVENT_ID]).toMatchObject({ title: "Old opening", venueId: SCHEMA1_VENUE_ID });
    expect(programme(doc).flatMap((day) => day.venues.flatMap((venue) => venue.events.map((event) => event.id)))).toEqual([SCHEMA1_EVENT_ID]);
    expect(resolveEventId(doc, "old opening")).toBe(SCHEMA1_EVENT_ID);
  });

  it("edits an event in the flat map and adds new ones there, never creating shards", () => {
    const editor = editorForDoc(schema1FestivalDoc());
    editEvent(editor, SCHEMA1_EVENT_ID, { title: "Old opening, moved", ...slot(18) });
    const added = addEvent(editor, { title: "New at the old fest", venueId: SCHEMA1_VENUE_ID, ...slot(18) });
    expect(editor.doc.schema).toBe(1);
    expect(editor.doc.eventShards).toBeUndefined();
    expect(Object.keys(editor.doc.events).sort()).toEqual([SCHEMA1_EVENT_ID, added].sort());
    expect(eventMapForNew(editor.doc, "e_any")).toBe(editor.doc.events);
    expect(eventView(editor.doc, SCHEMA1_EVENT_ID)).toMatchObject({ title: "Old opening, moved", start: slot(18).start });
    // the two now overlap in the one venue
    expect(findClashes(editor.doc).map((clash) => [clash.first.id, clash.second.id].sort())).toEqual([[SCHEMA1_EVENT_ID, added].sort()]);
  });

  it("merges with a concurrent copy: both sides' adds and edits survive, conflicts keep their path", () => {
    const origin = schema1FestivalDoc("0000");
    const alice = editorForDoc(A.clone(origin, { actor: "aaaa" }));
    const bob = editorForDoc(A.clone(origin, { actor: "bbbb" }));
    const fromAlice = addEvent(alice, { title: "Alice's", venueId: SCHEMA1_VENUE_ID, ...slot(10) });
    const fromBob = addEvent(bob, { title: "Bob's", venueId: SCHEMA1_VENUE_ID, ...slot(12) });
    editEvent(alice, SCHEMA1_EVENT_ID, { title: "Alice's opening" });
    editEvent(bob, SCHEMA1_EVENT_ID, { title: "Bob's opening" });
    editEvent(bob, SCHEMA1_EVENT_ID, { tags: ["jazz"] });
    const merged = editorForDoc(A.merge(A.clone(alice.doc), bob.doc));
    const view = festivalView(merged.doc);
    expect(Object.keys(view.events).sort()).toEqual([SCHEMA1_EVENT_ID, fromAlice, fromBob].sort());
    expect(view.events[SCHEMA1_EVENT_ID].tags).toEqual(["jazz"]);
    expect(merged.doc.eventShards).toBeUndefined();
    expect(findConflicts(merged.doc).map((conflict) => conflict.path)).toEqual([["events", SCHEMA1_EVENT_ID, "title"]]);
    pickConflictValue(merged, ["events", SCHEMA1_EVENT_ID, "title"], "Bob's opening");
    expect(findConflicts(merged.doc)).toEqual([]);
    expect(eventView(merged.doc, SCHEMA1_EVENT_ID)?.title).toBe("Bob's opening");
  });
});

describe("reading events", () => {
  it("reads an event from the flat map and from any shard, each id once", () => {
    const editor = newFestival();
    const venueId = addVenue(editor, { name: "Tent" });
    const sharded = addEvent(editor, { title: "In its shard", venueId, ...slot(10) });
    const home = shardOf("e_misplaced");
    const elsewhere = EVENT_SHARD_NAMES.find((name) => name !== home) ?? "00";
    editor.change((doc) => {
      // what no pandafest writes but a faulty peer could: an event in the flat map of a schema-2 document,
      // one in a shard that is not its own, and the same id twice
      const template = getEvent(doc, sharded);
      if (!template || !doc.eventShards) throw new Error("fixture");
      const copy = (title: string) => ({ ...eventFields(template), title: new A.ImmutableString(title) });
      doc.events.e_flat = copy("Flat");
      doc.eventShards[elsewhere].e_misplaced = copy("Misplaced");
      doc.eventShards[shardOf("e_flat")].e_flat = copy("Shadowed copy");
    }, "simulate a faulty peer");
    const events = storedEvents(editor.doc);
    expect(new Set(events.keys())).toEqual(new Set([sharded, "e_flat", "e_misplaced"]));
    expect(events.size).toBe(3);
    expect(eventView(editor.doc, "e_flat")?.title).toBe("Flat");
    expect(festivalView(editor.doc).events.e_flat.title).toBe("Flat");
    expect(eventView(editor.doc, "e_misplaced")?.title).toBe("Misplaced");
    editEvent(editor, "e_misplaced", { title: "Misplaced, edited" });
    expect(editor.doc.eventShards?.[elsewhere].e_misplaced?.title.val).toBe("Misplaced, edited");
    expect(getEvent(editor.doc, "e_none")).toBeUndefined();
  });

  it("names the events a patch touches, flat or sharded", () => {
    expect(eventsTouchedBy(["events", "e_1", "title"])).toEqual({ eventId: "e_1" });
    expect(eventsTouchedBy(["eventShards", "07", "e_2"])).toEqual({ eventId: "e_2" });
    expect(eventsTouchedBy(["eventShards", "07"])).toBe("all");
    expect(eventsTouchedBy(["events"])).toBe("all");
    expect(eventsTouchedBy(["venues", "v_1"])).toBeUndefined();
  });
});

describe("schema gate", () => {
  it("refuses a schema-3 festival everywhere, and a schema-2 one without its shards", () => {
    const future = A.change(createFestivalDoc({ name: "Future" }), (doc) => {
      doc.schema = 3;
      (doc as unknown as Record<string, unknown>).lineup = {}; // data of schema 3, unknown here
    });
    const error = refusal(() => checkSchema(future));
    expect(error.code).toBe("data");
    expect(error.message).toMatch(/uses schema 3; this pandafest knows up to 2; upgrade pandafest/);
    expect(() => addVenue(editorForDoc(future), { name: "x" })).toThrow(/upgrade pandafest/);
    expect(() => findConflicts(future)).toThrow(/upgrade pandafest/);

    const unsharded = A.change(createFestivalDoc({ name: "Broken" }), (doc) => {
      delete doc.eventShards;
    });
    expect(refusal(() => checkSchema(unsharded)).message).toMatch(/lacks eventShards/);
    expect(() => checkSchema(schema1FestivalDoc())).not.toThrow();
  });
});

/** The fields of a stored event as a plain object (for writing a copy of it). */
function eventFields(event: FestivalEvent): FestivalEvent {
  return {
    title: new A.ImmutableString(String(event.title)),
    description: new A.ImmutableString(String(event.description)),
    venueId: new A.ImmutableString(String(event.venueId)),
    start: new A.ImmutableString(String(event.start)),
    end: new A.ImmutableString(String(event.end)),
    hostIds: [],
    tags: [],
    status: new A.ImmutableString(String(event.status)),
  };
}
