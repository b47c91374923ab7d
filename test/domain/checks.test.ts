// Clashes (overlapping events in one venue, compared as instants whatever offset they are written
// in) and dangling references (removed or missing venues, hosts who are not people).
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { findClashes, findDangling } from "../../engine/core/checks.js";
import { addEvent, addPerson, addVenue, cancelEvent, removeVenue } from "../../engine/core/operations.js";
import { newFestival, storedEvent } from "./helpers.js";

describe("findClashes", () => {
  it("pairs overlapping events in one venue and measures the overlap", () => {
    const editor = newFestival();
    const stage = addVenue(editor, { name: "Stage" });
    const tent = addVenue(editor, { name: "Tent" });
    const event = (title: string, venueId: string, start: string, end: string) => addEvent(editor, { title, venueId, start, end });
    const a = event("A", stage, "2027-07-01T20:00:00+02:00", "2027-07-01T21:00:00+02:00");
    const b = event("B", stage, "2027-07-01T18:30:00Z", "2027-07-01T20:00:00Z"); // 20:30-22:00 Berlin
    const c = event("C", stage, "2027-07-01T21:00:00+02:00", "2027-07-01T21:30:00+02:00"); // touches A's end
    const d = event("D", stage, "2027-07-01T19:00:00+02:00", "2027-07-01T23:00:00+02:00");
    cancelEvent(editor, d);
    event("E", tent, "2027-07-01T20:00:00+02:00", "2027-07-01T23:00:00+02:00");

    const clashes = findClashes(editor.doc);
    expect(clashes.map((clash) => [clash.first.title, clash.second.title, clash.overlapMinutes])).toEqual([
      ["A", "B", 30],
      ["B", "C", 30],
    ]);
    expect(clashes[0]).toMatchObject({
      venueId: stage,
      venueName: "Stage",
      first: { id: a, start: "2027-07-01T20:00:00+02:00" },
      second: { id: b },
      overlapStart: "2027-07-01T18:30:00Z",
      overlapEnd: "2027-07-01T21:00:00+02:00",
    });
    expect(clashes[1].second.id).toBe(c);
  });

  it("finds none when events only touch", () => {
    const editor = newFestival();
    const stage = addVenue(editor, { name: "Stage" });
    addEvent(editor, { title: "One", venueId: stage, start: "2027-07-01T20:00:00Z", end: "2027-07-01T21:00:00Z" });
    addEvent(editor, { title: "Two", venueId: stage, start: "2027-07-01T21:00:00Z", end: "2027-07-01T22:00:00Z" });
    expect(findClashes(editor.doc)).toEqual([]);
  });
});

describe("findDangling", () => {
  it("reports events at removed or missing venues and hosts who are gone", () => {
    const editor = newFestival();
    const barn = addVenue(editor, { name: "Barn" });
    const field = addVenue(editor, { name: "Field" });
    const host = addPerson(editor, { name: "Ada" });
    const slot = { start: "2027-07-01T20:00:00Z", end: "2027-07-01T21:00:00Z" };
    const atBarn = addEvent(editor, { title: "Barn dance", venueId: barn, ...slot });
    const atField = addEvent(editor, { title: "Picnic", venueId: field, hostIds: [host], ...slot });
    addEvent(editor, { title: "Fine", venueId: field, ...slot });
    expect(findDangling(editor.doc)).toEqual([]);

    removeVenue(editor, barn);
    // What a merge with a faulty or older peer can leave behind:
    editor.change((doc) => {
      delete doc.people[host];
      storedEvent(doc, atField).venueId = new A.ImmutableString("v_vanished");
    }, "simulate damage");

    const found = findDangling(editor.doc);
    expect(found).toHaveLength(3);
    expect(found).toEqual(
      expect.arrayContaining([
        { kind: "venue-removed", eventId: atBarn, eventTitle: "Barn dance", refId: barn },
        { kind: "venue-missing", eventId: atField, eventTitle: "Picnic", refId: "v_vanished" },
        { kind: "host-missing", eventId: atField, eventTitle: "Picnic", refId: host },
      ]),
    );
  });
});
