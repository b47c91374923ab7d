// Plain views of a festival: ImmutableStrings become strings, optional fields appear only when set,
// and odd data from other peers reads safely instead of throwing.
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { addEvent, addPerson, addVenue } from "../../engine/core/operations.js";
import { eventView, festivalView, personView, textOf, venueView } from "../../engine/core/views.js";
import { newFestival, storedEvent } from "./helpers.js";

describe("views", () => {
  it("turns a whole festival into plain JSON", () => {
    const editor = newFestival({ description: "by the lake" });
    const venueId = addVenue(editor, { name: "Pier", geo: { lat: -36.85, lon: 174.76 }, capacity: 80 });
    const personId = addPerson(editor, { name: "Kiri", contact: "kiri@example.org" });
    const eventId = addEvent(editor, {
      title: "Waiata",
      venueId,
      start: "2027-07-01T19:00:00+02:00",
      end: "2027-07-01T20:00:00+02:00",
      hostIds: [personId],
      tags: ["song"],
    });
    const view = festivalView(editor.doc);
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
    expect(view).toMatchObject({ name: "Test festival", description: "by the lake", timeZone: "Europe/Berlin", visibility: "public" });
    expect(view.venues[venueId]).toEqual({
      id: venueId,
      name: "Pier",
      description: "",
      address: "",
      accessibility: "",
      geo: { lat: -36.85, lon: 174.76 },
      capacity: 80,
      tags: [],
      removed: false,
      links: [],
      online: false,
      origin: {},
    });
    expect(view.people[personId]).toEqual({ id: personId, name: "Kiri", bio: "", contact: "kiri@example.org", origin: {} });
    expect(view.events[eventId]).toEqual(eventView(editor.doc, eventId));
    expect("language" in view.events[eventId]).toBe(false);
    expect(venueView(editor.doc, "v_none")).toBeUndefined();
    expect(personView(editor.doc, "toString")).toBeUndefined();
  });

  it("reads odd data from other peers without throwing", () => {
    const editor = newFestival();
    const venueId = addVenue(editor, { name: "Hall" });
    const eventId = addEvent(editor, { title: "T", venueId, start: "2027-07-01T19:00:00Z", end: "2027-07-01T20:00:00Z" });
    editor.change((doc) => {
      const raw = storedEvent(doc, eventId) as unknown as Record<string, unknown>;
      raw.title = 42;
      raw.status = new A.ImmutableString("postponed");
      raw.tags = "not a list";
    }, "simulate a faulty peer");
    expect(eventView(editor.doc, eventId)).toMatchObject({ title: "", status: "tentative", tags: [] });
    expect(textOf(undefined)).toBe("");
  });
});
