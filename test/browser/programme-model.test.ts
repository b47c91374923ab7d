// The web app's state modules without a browser: the programme model kept up to date from Automerge patches,
// festival days with late nights, venue columns, clashes, lanes; routes, pasted references, field errors.
import * as A from "@automerge/automerge";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findClashes } from "../../engine/core/checks.js";
import { editorForDoc } from "../../engine/core/editor.js";
import { eventMapForNew, getEvent } from "../../engine/core/event-shards.js";
import { addEvent, addVenue, editEvent, removeVenue } from "../../engine/core/operations.js";
import { mergeInto, newFestival, peerOf } from "../domain/helpers.js";
import type { Festival } from "../../engine/core/schema.js";
import { createFestivalDoc } from "../../engine/core/skeleton.js";
import { addPerson } from "../../engine/core/operations/people.js";
import { bundleDownloadName, fileNameSlug } from "../../ui/src/state/bundle-download-name.js";
import { formErrorsFrom } from "../../ui/src/state/field-errors.js";
import { festivalIdFromReference } from "../../ui/src/state/festival-reference.js";
import { FestivalModel } from "../../ui/src/state/festival-model.js";
import { assignLanes, clashingEvents, layoutProgramme } from "../../ui/src/state/programme-layout.js";
import { parseRoute, routeHash } from "../../ui/src/state/routes.js";
import { ConflictWatch } from "../../ui/src/state/conflict-watch.js";
import { CARDS_AT_ONCE, ProgressiveCards } from "../../ui/src/state/progressive-cards.js";
import { eventsNearestFirst } from "../../ui/src/state/grid-geometry.js";

function festival() {
  const editor = editorForDoc(
    createFestivalDoc({ name: "Model Fest", timeZone: "Europe/Berlin", startDate: "2027-07-01", endDate: "2027-07-03" }),
  );
  const main = addVenue(editor, { name: "Main" });
  const tent = addVenue(editor, { name: "Tent" });
  const at = (day: string, time: string) => `2027-07-${day}T${time}:00+02:00`;
  const ids = {
    opening: addEvent(editor, { title: "Opening", venueId: main, start: at("01", "18:00"), end: at("01", "19:00") }),
    overlap: addEvent(editor, { title: "Overlap", venueId: main, start: at("01", "18:30"), end: at("01", "19:30") }),
    late: addEvent(editor, { title: "Late set", venueId: main, start: at("02", "01:00"), end: at("02", "02:30") }),
    talk: addEvent(editor, { title: "Talk", venueId: tent, start: at("02", "10:00"), end: at("02", "11:00"), status: "tentative" }),
    cancelled: addEvent(editor, { title: "Dropped", venueId: tent, start: at("02", "10:30"), end: at("02", "11:30"), status: "cancelled" }),
  };
  return { editor, main, tent, ids };
}

/** Applies fn as a change and returns the new document with the patches Automerge reports for it. */
function changeWithPatches(doc: A.Doc<Festival>, fn: (draft: Festival) => void): { doc: A.Doc<Festival>; patches: A.Patch[] } {
  let patches: A.Patch[] = [];
  const next = A.change(doc, { patchCallback: (reported) => (patches = reported) }, fn);
  return { doc: next, patches };
}

describe("the programme model", () => {
  it("lays out festival days, late nights on the day before, venue columns and clashes", () => {
    const { editor, main, tent, ids } = festival();
    const programme = layoutProgramme(new FestivalModel(editor.read()));
    expect(programme.days.map((day) => day.date)).toEqual(["2027-07-01", "2027-07-02", "2027-07-03"]);
    const [first, second, third] = programme.days;
    expect(first.events.map((event) => event.title)).toEqual(["Opening", "Overlap", "Late set"]);
    expect(first.columns.map((column) => [column.name, column.events.length])).toEqual([["Main", 3], ["Tent", 0]]);
    expect(first.labels[0]).toEqual({ slot: first.firstSlot, text: "18:00" });
    expect(second.events.map((event) => event.title)).toEqual(["Talk", "Dropped"]);
    expect(third.events).toEqual([]);
    // cancelled events never clash; the two overlapping ones at Main do
    expect([...programme.clashing].sort()).toEqual([ids.opening, ids.overlap].sort());

    removeVenue(editor, tent);
    const after = layoutProgramme(new FestivalModel(editor.read())).days[1];
    expect(after.columns.map((column) => [column.venueId, column.removed])).toEqual([[main, false], [tent, true]]);
  });

  it("re-reads only what a change touched", () => {
    const { editor, main, ids } = festival();
    const model = new FestivalModel(editor.read());
    const untouched = model.events.get(ids.opening);
    const { doc, patches } = changeWithPatches(editor.read(), (draft) => {
      const talk = getEvent(draft, ids.talk);
      if (talk) talk.title = new A.ImmutableString("Talk, moved");
    });
    expect(patches.map((patch) => patch.path[0])).toContain("eventShards");
    model.update(doc, patches);
    expect(model.version).toBe(1);
    expect(model.events.get(ids.talk)?.title).toBe("Talk, moved");
    expect(model.events.get(ids.opening)).toBe(untouched);
    // an event that arrives from a peer appears from its shard's patch alone
    const source = model.events.get(ids.talk);
    const text = (value: string) => new A.ImmutableString(value);
    const { doc: withNew, patches: addPatches } = changeWithPatches(doc, (draft) => {
      eventMapForNew(draft, "e_from_a_peer")["e_from_a_peer"] = {
        title: text("From a peer"),
        description: text(""),
        venueId: text(main),
        start: text("2027-07-03T12:00:00+02:00"),
        end: text("2027-07-03T13:00:00+02:00"),
        hostIds: [],
        tags: [],
        status: text("confirmed"),
      };
    });
    model.update(withNew, addPatches);
    expect(model.events.get("e_from_a_peer")?.title).toBe("From a peer");
    expect(model.events.get(ids.talk)).toBe(source);

    const moved = editorForDoc(withNew);
    editEvent(moved, ids.late, { start: "2027-07-02T05:00:00+02:00", end: "2027-07-02T06:00:00+02:00" });
    const { doc: renamed, patches: zonePatches } = changeWithPatches(moved.read(), (draft) => {
      draft.timeZone = new A.ImmutableString("UTC");
    });
    const fresh = new FestivalModel(moved.read());
    fresh.update(renamed, zonePatches);
    // a new time zone re-reads every event: 05:00 in Berlin is 03:00 UTC, before the 04:00 day start
    expect(fresh.events.get(ids.late)).toMatchObject({ startTime: "03:00", day: "2027-07-01" });
  });

  it("keeps in its snapshot for the next visit everything an event card shows, hosts and tags included", () => {
    const { editor, ids } = festival();
    const kim = addPerson(editor, { name: "Kim" });
    const ada = addPerson(editor, { name: "Ada" });
    addPerson(editor, { name: "Not hosting" });
    editEvent(editor, ids.talk, { hostIds: [kim, ada], tags: ["science", "kids"] });
    const live = new FestivalModel(editor.read());
    const kept = FestivalModel.fromSnapshot(JSON.parse(JSON.stringify(live.snapshot())));

    const cards = (model: FestivalModel) =>
      layoutProgramme(model).days.flatMap((day) =>
        day.events.map(({ id, title, startTime, endTime, status, hostIds, tags }) => ({
          id, title, startTime, endTime, status, tags, hosts: hostIds.map((host) => model.people.get(host)?.name),
        })),
      );
    expect(cards(kept)).toEqual(cards(live));
    expect(cards(kept).find((card) => card.id === ids.talk)).toMatchObject({ hosts: ["Kim", "Ada"], tags: ["science", "kids"] });
    // only the hosts' names are kept
    expect([...kept.people.values()].map((person) => person.name).sort()).toEqual(["Ada", "Kim"]);
  });

  it("puts overlapping events side by side and the rest full width", () => {
    const { editor } = festival();
    const day = layoutProgramme(new FestivalModel(editor.read())).days[0];
    const lanes = assignLanes(day.columns[0].events);
    expect(day.columns[0].events.map((event) => lanes.get(event.id))).toEqual([
      { lane: 0, lanes: 2 },
      { lane: 1, lanes: 2 },
      { lane: 0, lanes: 1 },
    ]);
  });
});

describe("a big day shown a chunk at a time", () => {
  it("shows the cards nearest the viewer first, a chunk a step, then the whole day", () => {
    const ids = Array.from({ length: CARDS_AT_ONCE * 2 + 10 }, (_, index) => `e${index}`);
    const nearestFirst = [...ids].reverse();
    const cards = new ProgressiveCards();
    expect([...(cards.shown("day 1", ids.length, () => nearestFirst) ?? [])]).toEqual(nearestFirst.slice(0, CARDS_AT_ONCE));
    expect(cards.pending).toBe(true);
    // the same day again (a change, another render) keeps what shows and asks for no order
    expect(cards.shown("day 1", ids.length + 1, () => [])?.size).toBe(CARDS_AT_ONCE);
    cards.advance();
    expect([...(cards.shown("day 1", ids.length, () => []) ?? [])]).toEqual(nearestFirst.slice(0, CARDS_AT_ONCE * 2));
    cards.advance();
    expect(cards.shown("day 1", ids.length, () => [])).toBeNull();
    expect(cards.pending).toBe(false);
    // another day starts anew; a small day shows whole at once
    expect(cards.shown("day 2", ids.length, () => ids)?.size).toBe(CARDS_AT_ONCE);
    expect(cards.shown("day 3", CARDS_AT_ONCE, () => ids)).toBeNull();
    expect(cards.pending).toBe(false);
  });

  it("orders a day's events by how far their cards are from the part of the grid in view", () => {
    const { editor, main, tent, ids } = festival();
    const at = (day: string, time: string) => `2027-07-${day}T${time}:00+02:00`;
    const tentEarly = addEvent(editor, { title: "Tent early", venueId: tent, start: at("01", "18:00"), end: at("01", "19:00") });
    const tentLate = addEvent(editor, { title: "Tent late", venueId: tent, start: at("02", "00:30"), end: at("02", "01:00") });
    const day = layoutProgramme(new FestivalModel(editor.read())).days.find((candidate) => candidate.date === "2027-07-01");
    expect(day?.columns.map((column) => column.venueId)).toEqual([main, tent]);
    // the time column and most of the first venue, the first hour of the day
    const view = { left: 0, top: 0, width: 200, height: 70, remPx: 16 };
    expect(eventsNearestFirst(day!, view)).toEqual([ids.opening, ids.overlap, tentEarly, tentLate, ids.late]);
    // scrolled to the night, across to the second venue
    expect(eventsNearestFirst(day!, { ...view, left: 300, top: 420 }).slice(0, 2)).toEqual([tentLate, ids.late]);
  });
});

describe("concurrent values found a slice at a time", () => {
  /** A festival where two peers titled the first event differently, and the same festival after two more titled the second. */
  function festivalGainingAConflict() {
    const origin = newFestival({}, "0000");
    const venueId = addVenue(origin, { name: "Stage" });
    const event = (title: string, hour: string) =>
      addEvent(origin, { title, venueId, start: `2027-07-01T${hour}:00:00+02:00`, end: `2027-07-01T${hour}:30:00+02:00` });
    const first = event("First", "18");
    const second = event("Second", "20");
    const [alice, bob] = [peerOf(origin, "aaaa"), peerOf(origin, "bbbb")];
    editEvent(alice, first, { title: "First, by Alice" });
    editEvent(bob, first, { title: "First, by Bob" });
    const before = mergeInto(alice, bob);
    const [carol, dan] = [peerOf(before, "cccc"), peerOf(before, "dddd")];
    editEvent(carol, second, { title: "Second, by Carol" });
    editEvent(dan, second, { title: "Second, by Dan" });
    const after = mergeInto(carol, dan).doc;
    return { first, second, before: before.doc, after, patches: A.diff(after, A.getHeads(before.doc), A.getHeads(after)) };
  }

  it("checks again what a change arriving during the search touched", async () => {
    const { first, second, before, after, patches } = festivalGainingAConflict();
    let shown = before;
    const watch = new ConflictWatch(() => shown, () => shown, "festival");
    let turns = 0;
    // a slice of 0 ms: the page gets its turn after every step, and the change arrives at the first
    await watch.findInSlices(() => {
      if (turns++ === 0) {
        shown = after;
        watch.changed(patches);
      }
      return true;
    }, 0);
    expect(turns).toBeGreaterThan(1);
    expect(watch.known).toBe(true);
    expect([...watch.state().events].sort()).toEqual([first, second].sort());
  });

  it("searches anew after a change it cannot follow, and stops when no longer wanted", async () => {
    const { first, second, before, after } = festivalGainingAConflict();
    let shown = before;
    const watch = new ConflictWatch(() => shown, () => shown, "festival");
    await watch.findInSlices(() => false, 0);
    expect(watch.known).toBe(false);
    let turns = 0;
    await watch.findInSlices(() => {
      if (turns++ === 0) {
        shown = after;
        watch.changed(null);
      }
      return true;
    }, 0);
    expect(watch.known).toBe(false);
    expect(watch.state().conflicts).toEqual([]);
    await watch.findInSlices(() => true, 0);
    expect([...watch.state().events].sort()).toEqual([first, second].sort());
  });
});

describe("routes", () => {
  it("round-trips every screen and falls back to the festivals screen", () => {
    const routes = [
      { screen: "festivals" as const },
      { festivalId: "2qErsfKPabygVw9JHvYbQq6EkJ6a", screen: "programme" as const },
      { festivalId: "2qErsfKPabygVw9JHvYbQq6EkJ6a", screen: "event" as const, id: "new" },
      { festivalId: "2qErsfKPabygVw9JHvYbQq6EkJ6a", screen: "venue" as const, id: "v_abc" },
    ];
    for (const route of routes) expect(parseRoute(routeHash(route))).toEqual(route);
    expect(parseRoute("#/f/2qErsfKPabygVw9JHvYbQq6EkJ6a")).toEqual({ festivalId: "2qErsfKPabygVw9JHvYbQq6EkJ6a", screen: "programme" });
    expect(parseRoute("#/f/<script>/programme")).toEqual({ screen: "festivals" });
    expect(parseRoute("#/nowhere")).toEqual({ screen: "festivals" });
  });
});

describe("what the user pastes or types", () => {
  const id = "2qErsfKPabygVw9JHvYbQq6EkJ6a";

  it("opens a festival from its id, automerge: URL or a shared link, and refuses anything else", () => {
    expect(festivalIdFromReference(` ${id} `)).toBe(id);
    expect(festivalIdFromReference(`automerge:${id}`)).toBe(id);
    expect(festivalIdFromReference(`http://192.168.1.20:4321/#/f/${id}/event/e_1`)).toBe(id);
    expect(() => festivalIdFromReference("http://example.org/#/")).toThrow(/does not point to a festival/);
    expect(() => festivalIdFromReference("Summer Fest")).toThrow(/is not a festival id/);
    expect(() => festivalIdFromReference("")).toThrow(/nothing to open/);
  });

  it("puts the engine's validation message next to the field it names", () => {
    const { editor, main } = festival();
    const refused = (input: Parameters<typeof addEvent>[1]) => {
      try {
        addEvent(editor, input);
      } catch (error) {
        return formErrorsFrom(error, "event", ["title", "venueId", "start", "end"]);
      }
      throw new Error("the engine accepted it");
    };
    const fields = (errors: ReturnType<typeof refused>) => Object.keys(errors.fields);
    expect(fields(refused({ title: "", venueId: main, start: "2027-07-01T10:00:00Z", end: "2027-07-01T11:00:00Z" }))).toEqual(["title"]);
    expect(fields(refused({ title: "A", venueId: "v_gone", start: "2027-07-01T10:00:00Z", end: "2027-07-01T11:00:00Z" }))).toEqual(["venueId"]);
    expect(fields(refused({ title: "A", venueId: main, start: "2027-07-01T10:00:00Z", end: "2027-07-01T09:00:00Z" }))).toEqual(["end"]);
    expect(formErrorsFrom(new Error("disk full"), "event", ["title"])).toEqual({ fields: {}, form: "Something went wrong: disk full" });
  });
});

describe("clashes in the web app", () => {
  it("are the events `check` reports as clashing, for any programme", () => {
    const slot = fc.record({
      venue: fc.integer({ min: 0, max: 2 }),
      startMinute: fc.integer({ min: 0, max: 48 * 60 }),
      minutes: fc.integer({ min: 1, max: 240 }),
      status: fc.constantFrom("confirmed", "tentative", "cancelled") as fc.Arbitrary<"confirmed" | "tentative" | "cancelled">,
    });
    fc.assert(
      fc.property(fc.array(slot, { maxLength: 30 }), (slots) => {
        const editor = editorForDoc(createFestivalDoc({ name: "Clash Fest", timeZone: "UTC", startDate: "2027-07-01", endDate: "2027-07-03" }));
        const venues = ["A", "B", "C"].map((name) => addVenue(editor, { name }));
        const at = (minute: number) => new Date(Date.UTC(2027, 6, 1) + minute * 60_000).toISOString();
        slots.forEach(({ venue, startMinute, minutes, status }, index) =>
          addEvent(editor, { title: `E${index}`, venueId: venues[venue], start: at(startMinute), end: at(startMinute + minutes), status }),
        );
        const reported = new Set(findClashes(editor.doc).flatMap((clash) => [clash.first.id, clash.second.id]));
        const shown = clashingEvents(new FestivalModel(editor.doc).events.values());
        expect([...shown].sort()).toEqual([...reported].sort());
      }),
      { numRuns: 100, seed: 20261204 },
    );
  });
});

describe("bundle download names", () => {
  it("name the festival and the day of the export, with the CLI's extension", () => {
    expect(bundleDownloadName("Open Air", new Date(2027, 7, 1, 23, 59))).toBe("open-air-2027-08-01.pfb");
    expect(bundleDownloadName("Café Bühne: Nacht & Tag!", new Date(2027, 0, 9))).toBe("cafe-buhne-nacht-tag-2027-01-09.pfb");
    expect(bundleDownloadName("東京 Fest", new Date(2027, 0, 9))).toBe("東京-fest-2027-01-09.pfb");
    // nothing of the name that can be a path or hidden file
    expect(bundleDownloadName("../../etc/passwd", new Date(2027, 0, 9))).toBe("etc-passwd-2027-01-09.pfb");
    expect(bundleDownloadName("  ***  ", new Date(2027, 0, 9))).toBe("festival-2027-01-09.pfb");
    expect(fileNameSlug("x".repeat(100))).toHaveLength(48);
  });
});
