// The programme by festival day and venue: far time zones, late-night slots with dayStartsAt,
// DST nights, removed and missing venues, cancelled events, and one day of a big festival quickly.
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { PandafestError } from "../../engine/core/errors.js";
import { addEvent, addVenue, cancelEvent, removeVenue } from "../../engine/core/operations.js";
import { programme } from "../../engine/core/programme.js";
import { festivalView } from "../../engine/core/views.js";
import { bulkFestival, newFestival, storedEvent } from "./helpers.js";

function titlesByDay(days: ReturnType<typeof programme>): Record<string, Record<string, string[]>> {
  return Object.fromEntries(
    days.map((day) => [day.date, Object.fromEntries(day.venues.map((venue) => [venue.name, venue.events.map((e) => e.title)]))]),
  );
}

function aucklandFestival() {
  const editor = newFestival({ timeZone: "Pacific/Auckland", startDate: "2027-01-01", endDate: "2027-01-02", dayStartsAt: "04:00" });
  const lake = addVenue(editor, { name: "Lake" });
  const barn = addVenue(editor, { name: "Barn" });
  addEvent(editor, { title: "Sunset set", venueId: lake, start: "2027-01-01T22:00:00+13:00", end: "2027-01-02T01:00:00+13:00" });
  addEvent(editor, { title: "Late set", venueId: lake, start: "2027-01-02T01:30:00+13:00", end: "2027-01-02T03:00:00+13:00" });
  const brunch = addEvent(editor, { title: "Brunch", venueId: lake, start: "2027-01-02T10:00:00+13:00", end: "2027-01-02T11:00:00+13:00" });
  cancelEvent(editor, brunch);
  // Written in UTC: 15:00Z is 04:00 NZDT on 2 January, the first minute of that festival day.
  addEvent(editor, { title: "Dawn", venueId: barn, start: "2027-01-01T15:00:00Z", end: "2027-01-01T16:00:00Z" });
  addEvent(editor, { title: "Barn dance", venueId: barn, start: "2027-01-01T19:00:00+13:00", end: "2027-01-01T21:00:00+13:00" });
  removeVenue(editor, barn);
  return { editor, lake, barn };
}

describe("programme", () => {
  it("groups Auckland events by festival day, late-night slots on the day before", () => {
    const { editor } = aucklandFestival();
    expect(titlesByDay(programme(editor.doc))).toEqual({
      "2027-01-01": { Barn: ["Barn dance"], Lake: ["Sunset set", "Late set"] },
      "2027-01-02": { Barn: ["Dawn"], Lake: ["Brunch"] },
    });
  });

  it("shows removed venues that still hold events, and cancelled events with their status", () => {
    const { editor, barn } = aucklandFestival();
    const [day] = programme(editor.doc, { day: "2027-01-02" });
    expect(day.date).toBe("2027-01-02");
    expect(day.venues.map((venue) => [venue.name, venue.removed, venue.missing])).toEqual([
      ["Barn", true, false],
      ["Lake", false, false],
    ]);
    expect(day.venues[0].venueId).toBe(barn);
    expect(day.venues[1].events[0]).toMatchObject({ title: "Brunch", status: "cancelled" });
  });

  it("gives the same programme from a document and from its view", () => {
    const { editor } = aucklandFestival();
    expect(programme(festivalView(editor.doc))).toEqual(programme(editor.doc));
    expect(programme(festivalView(editor.doc), { day: "2027-01-01" })).toEqual(programme(editor.doc, { day: "2027-01-01" }));
  });

  it("returns nothing for an empty day and refuses a malformed one", () => {
    const { editor } = aucklandFestival();
    expect(programme(editor.doc, { day: "2027-01-05" })).toEqual([]);
    expect(() => programme(editor.doc, { day: "2 January" })).toThrow(PandafestError);
    expect(() => programme(editor.doc, { day: "2027-02-30" })).toThrow(/YYYY-MM-DD/);
  });

  it("follows the Los Angeles wall clock across the spring-forward night", () => {
    const editor = newFestival({ timeZone: "America/Los_Angeles", startDate: "2027-03-13", endDate: "2027-03-14" });
    const hall = addVenue(editor, { name: "Hall" });
    const at = (title: string, start: string, end: string) => addEvent(editor, { title, venueId: hall, start, end });
    at("before the change", "2027-03-14T01:30:00-08:00", "2027-03-14T03:15:00-07:00");
    at("after the change", "2027-03-14T03:30:00-07:00", "2027-03-14T03:50:00-07:00");
    at("new day", "2027-03-14T04:00:00-07:00", "2027-03-14T05:00:00-07:00");
    at("in UTC", "2027-03-14T10:59:00Z", "2027-03-14T11:30:00Z");
    expect(titlesByDay(programme(editor.doc))).toEqual({
      "2027-03-13": { Hall: ["before the change", "after the change", "in UTC"] },
      "2027-03-14": { Hall: ["new day"] },
    });
  });

  it("lists events at a venue that does not exist under a missing venue", () => {
    const editor = newFestival();
    const venueId = addVenue(editor, { name: "Tent" });
    const eventId = addEvent(editor, { title: "Orphan", venueId, start: "2027-07-02T12:00:00+02:00", end: "2027-07-02T13:00:00+02:00" });
    editor.change((doc) => {
      storedEvent(doc, eventId).venueId = new A.ImmutableString("v_lost");
    }, "point at a venue nobody has");
    const [day] = programme(editor.doc);
    expect(day.venues).toEqual([
      expect.objectContaining({ venueId: "v_lost", name: "", missing: true, removed: false }),
    ]);
  });

  it("builds one day of a 5,000-event festival with every event of that day, in order", () => {
    const days = 5;
    const doc = bulkFestival({ venues: 20, events: 5_000, days });
    // its speed is measured in `npm run bench` (engine suite), not here
    const result = programme(doc, { day: "2027-07-03" });
    const count = result.flatMap((day) => day.venues.flatMap((venue) => venue.events)).length;
    expect(count).toBe(5_000 / days);
    for (const venue of result[0].venues) {
      const starts = venue.events.map((event) => Date.parse(event.start));
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
    }
  });
});
