// Operations through editorForDoc: what they store (ImmutableStrings, only changed fields) and
// how they refuse bad input (clear PandafestError, no change written).
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { PandafestError } from "../../engine/core/errors.js";
import { looksLikeId } from "../../engine/core/ids.js";
import {
  addEvent,
  addPerson,
  addVenue,
  cancelEvent,
  editEvent,
  editFestival,
  editPerson,
  editVenue,
  deleteEvent,
  deletePerson,
  eventProblems,
  removeVenue,
  restoreEvent,
  restorePerson,
  restoreVenue,
} from "../../engine/core/operations.js";
import { findClashes, findDangling } from "../../engine/core/checks.js";
import { programme } from "../../engine/core/programme.js";
import { LIMITS, linkListProblems } from "../../engine/core/validate.js";
import { eventView, eventViewDefaults, festivalView, personView, venueView } from "../../engine/core/views.js";
import { lastChangeOps, newFestival, storedEvent } from "./helpers.js";

function festivalWithVenue() {
  const editor = newFestival();
  const venueId = addVenue(editor, { name: "Main stage", capacity: 500, tags: ["outdoor"] });
  const personId = addPerson(editor, { name: "Ada" });
  return { editor, venueId, personId };
}

const slot = { start: "2027-07-01T20:00:00+02:00", end: "2027-07-01T21:00:00+02:00" };

/** Runs fn, expects a PandafestError matching pattern, and checks the document did not change. */
function expectRefused(editor: ReturnType<typeof newFestival>, fn: () => unknown, pattern: RegExp): PandafestError {
  const headsBefore = A.getHeads(editor.doc);
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PandafestError);
  const error = caught as PandafestError;
  expect(error.message).toMatch(pattern);
  expect(error.message).not.toContain("\n");
  expect(A.getHeads(editor.doc)).toEqual(headsBefore);
  return error;
}

describe("adding", () => {
  it("stores short fields as ImmutableString and returns prefixed random ids", () => {
    const { editor, venueId, personId } = festivalWithVenue();
    const eventId = addEvent(editor, { title: "Opening", venueId, ...slot, hostIds: [personId], language: "pt-br" });
    expect(looksLikeId(venueId, "venue")).toBe(true);
    expect(looksLikeId(eventId, "event")).toBe(true);
    expect(looksLikeId(personId, "person")).toBe(true);
    const stored = storedEvent(editor.doc, eventId);
    expect(A.isImmutableString(stored.title)).toBe(true);
    expect(A.isImmutableString(stored.hostIds[0])).toBe(true);
    expect(eventView(editor.doc, eventId)).toEqual({
      id: eventId,
      title: "Opening",
      description: "",
      venueId,
      ...slot,
      hostIds: [personId],
      tags: [],
      language: "pt-BR",
      status: "confirmed",
      ...eventViewDefaults(),
    });
    expect(venueView(editor.doc, venueId)).toMatchObject({ name: "Main stage", capacity: 500, tags: ["outdoor"], removed: false });
    expect(personView(editor.doc, personId)).toEqual({ id: personId, name: "Ada", bio: "", origin: {} });
  });

  it("trims names and drops duplicate tags", () => {
    const editor = newFestival();
    const venueId = addVenue(editor, { name: "  Tent  ", tags: ["a", "b", "a"] });
    expect(venueView(editor.doc, venueId)).toMatchObject({ name: "Tent", tags: ["a", "b"] });
  });
});

describe("refusing bad events", () => {
  it("refuses an event that ends before it starts", () => {
    const { editor, venueId } = festivalWithVenue();
    const error = expectRefused(
      editor,
      () => addEvent(editor, { title: "Backwards", venueId, start: slot.end, end: slot.start }),
      /event end .*not after the start/,
    );
    expect(error.code).toBe("input");
  });

  it("refuses an event that ends when it starts", () => {
    const { editor, venueId } = festivalWithVenue();
    expectRefused(editor, () => addEvent(editor, { title: "Zero", venueId, start: slot.start, end: slot.start }), /not after/);
  });

  it("refuses an unknown venue", () => {
    const { editor } = festivalWithVenue();
    expectRefused(
      editor,
      () => addEvent(editor, { title: "Nowhere", venueId: "v_doesnotexist", ...slot }),
      /venueId "v_doesnotexist": no such venue/,
    );
  });

  it("refuses a removed venue and says how to fix it", () => {
    const { editor, venueId } = festivalWithVenue();
    removeVenue(editor, venueId);
    expectRefused(editor, () => addEvent(editor, { title: "Gone", venueId, ...slot }), /"Main stage" is removed; restore it/);
  });

  it("refuses malformed and impossible dates", () => {
    const { editor, venueId } = festivalWithVenue();
    expectRefused(
      editor,
      () => addEvent(editor, { title: "Soon", venueId, start: "next friday", end: slot.end }),
      /invalid event start "next friday": is not an ISO 8601 date-time/,
    );
    expectRefused(
      editor,
      () => addEvent(editor, { title: "Leap", venueId, start: "2027-02-29T20:00:00+01:00", end: slot.end }),
      /invalid event start .*not a real date/,
    );
  });

  it("refuses a date-time without an offset", () => {
    const { editor, venueId } = festivalWithVenue();
    expectRefused(
      editor,
      () => addEvent(editor, { title: "Local", venueId, start: "2027-07-01T20:00:00", end: slot.end }),
      /invalid event start "2027-07-01T20:00:00": has no offset; add Z or \+hh:mm/,
    );
  });

  it("refuses unknown hosts, statuses, fields and missing titles", () => {
    const { editor, venueId } = festivalWithVenue();
    expectRefused(editor, () => addEvent(editor, { title: "Talk", venueId, ...slot, hostIds: ["p_nobody"] }), /"p_nobody" is not a person/);
    expectRefused(
      editor,
      () => addEvent(editor, { title: "Talk", venueId, ...slot, status: "maybe" as "confirmed" }),
      /invalid event status "maybe": expected one of confirmed, tentative, cancelled/,
    );
    expectRefused(
      editor,
      () => addEvent(editor, { title: "Talk", venueId, ...slot, titel: "typo" } as never),
      /event has no field "titel"; known fields: title/,
    );
    expectRefused(editor, () => addEvent(editor, { title: "   ", venueId, ...slot }), /invalid event title "": expected a non-empty/);
    expectRefused(editor, () => addEvent(editor, { venueId, ...slot } as never), /event title is missing/);
    expectRefused(editor, () => addEvent(editor, { title: "x", venueId, ...slot, language: "not a language!" }), /BCP 47/);
  });

  it("refuses bad venue fields", () => {
    const editor = newFestival();
    expectRefused(editor, () => addVenue(editor, { name: "Hall", capacity: -3 }), /invalid venue capacity -3: expected a whole number/);
    expectRefused(editor, () => addVenue(editor, { name: "Hall", geo: { lat: 91, lon: 0 } }), /invalid venue geo.lat 91/);
    expectRefused(editor, () => addVenue(editor, { name: "x".repeat(201) }), /at most 200 characters/);
    expectRefused(editor, () => addVenue(editor, null as never), /invalid venue null: expected an object/);
  });
});

describe("editing", () => {
  it("writes only the fields that change", () => {
    const { editor, venueId } = festivalWithVenue();
    const changed = editVenue(editor, venueId, { name: "Main stage", description: "by the lake", capacity: 500 });
    expect(changed).toEqual(["description"]);
    const ops = lastChangeOps(editor);
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ action: "set", key: "description", value: "by the lake" });
  });

  it("makes no change at all when nothing differs", () => {
    const { editor, venueId } = festivalWithVenue();
    const heads = A.getHeads(editor.doc);
    expect(editVenue(editor, venueId, { name: "Main stage", tags: ["outdoor"], capacity: undefined })).toEqual([]);
    expect(A.getHeads(editor.doc)).toEqual(heads);
  });

  it("replaces lists whole and clears optional fields with null", () => {
    const { editor, venueId } = festivalWithVenue();
    expect(editVenue(editor, venueId, { tags: ["indoor", "quiet"], capacity: null, geo: { lat: 52.5, lon: 13.4 } })).toEqual([
      "capacity",
      "geo",
      "tags",
    ]);
    const view = venueView(editor.doc, venueId);
    expect(view).toMatchObject({ tags: ["indoor", "quiet"], geo: { lat: 52.5, lon: 13.4 } });
    expect(view?.capacity).toBeUndefined();
  });

  it("validates an event edit against the merged event", () => {
    const { editor, venueId } = festivalWithVenue();
    const eventId = addEvent(editor, { title: "Set", venueId, ...slot });
    expectRefused(editor, () => editEvent(editor, eventId, { end: "2027-07-01T19:00:00+02:00" }), /not after the start/);
    expectRefused(editor, () => editEvent(editor, eventId, { venueId: "v_missing" }), /no such venue/);
    expect(editEvent(editor, eventId, { start: "2027-07-01T18:00:00Z", end: "2027-07-01T19:30:00Z" })).toEqual(["end", "start"]);
    expect(editEvent(editor, eventId, { title: "Set" })).toEqual([]);
  });

  it("refuses to edit what does not exist", () => {
    const editor = newFestival();
    expectRefused(editor, () => editVenue(editor, "v_nope", { name: "x" }), /no venue with id "v_nope"/);
    expectRefused(editor, () => editEvent(editor, "e_nope", { title: "x" }), /no event with id "e_nope"/);
    expectRefused(editor, () => editPerson(editor, "p_nope", { name: "x" }), /no person with id "p_nope"/);
  });

  it("cancels an event, keeping it", () => {
    const { editor, venueId } = festivalWithVenue();
    const eventId = addEvent(editor, { title: "Rain", venueId, ...slot });
    expect(cancelEvent(editor, eventId)).toBe(true);
    expect(cancelEvent(editor, eventId)).toBe(false);
    expect(eventView(editor.doc, eventId)?.status).toBe("cancelled");
  });

  it("removes a venue with a flag and restores it", () => {
    const { editor, venueId } = festivalWithVenue();
    expect(removeVenue(editor, venueId)).toBe(true);
    expect(removeVenue(editor, venueId)).toBe(false);
    expect(venueView(editor.doc, venueId)?.removed).toBe(true);
    expect(restoreVenue(editor, venueId)).toBe(true);
    expect(venueView(editor.doc, venueId)?.removed).toBe(false);
    expect(restoreVenue(editor, venueId)).toBe(false);
  });

  it("deletes an event with a flag, out of the programme and the checks, and restores it", () => {
    const { editor, venueId } = festivalWithVenue();
    const kept = addEvent(editor, { title: "Kept", venueId, ...slot });
    const gone = addEvent(editor, { title: "Gone", venueId, ...slot });
    expect(findClashes(editor.doc)).toHaveLength(1);
    expect(deleteEvent(editor, gone)).toBe(true);
    expect(deleteEvent(editor, gone)).toBe(false);
    expect(eventView(editor.doc, gone)?.removed).toBe(true);
    expect(eventView(editor.doc, kept)?.removed).toBeUndefined();
    expect(findClashes(editor.doc)).toEqual([]);
    expect(programme(editor.doc).flatMap((day) => day.venues.flatMap((venue) => venue.events.map((event) => event.title)))).toEqual(["Kept"]);
    expect(programme(festivalView(editor.doc)).flatMap((day) => day.venues.flatMap((venue) => venue.events.map((event) => event.title)))).toEqual(["Kept"]);
    expect(restoreEvent(editor, gone)).toBe(true);
    expect(restoreEvent(editor, gone)).toBe(false);
    expect(storedEvent(editor.doc, gone).removed).toBe(false);
    expect(findClashes(editor.doc)).toHaveLength(1);
    expectRefused(editor, () => deleteEvent(editor, "e_nope"), /no event with id "e_nope"/);
  });

  it("deletes a host only when asked to take them off their events, and refuses them as a new host", () => {
    const { editor, venueId, personId } = festivalWithVenue();
    const eventId = addEvent(editor, { title: "Talk", venueId, ...slot, hostIds: [personId] });
    expectRefused(editor, () => deletePerson(editor, personId), /"Ada" hosts 1 event\(s\) \("Talk"\); take them off .* --unhost/);
    expect(deletePerson(editor, personId, { unhost: true })).toEqual({ deleted: true, unhosted: [{ id: eventId, title: "Talk" }] });
    expect(eventView(editor.doc, eventId)?.hostIds).toEqual([]);
    expect(personView(editor.doc, personId)?.removed).toBe(true);
    expect(deletePerson(editor, personId)).toEqual({ deleted: false, unhosted: [] });
    expectRefused(editor, () => editEvent(editor, eventId, { hostIds: [personId] }), /"Ada" is deleted; restore them first/);
    expect(restorePerson(editor, personId)).toBe(true);
    expect(personView(editor.doc, personId)?.removed).toBeUndefined();
    expect(editEvent(editor, eventId, { hostIds: [personId] })).toEqual(["hostIds"]);
    expect(findDangling(editor.doc)).toEqual([]);
  });

  it("finds every problem of an event at once, by the rules add and edit apply", () => {
    const { editor, venueId } = festivalWithVenue();
    removeVenue(editor, venueId);
    const problems = eventProblems(editor.doc, { title: " ", venueId, start: slot.end, end: slot.start, hostIds: ["p_nobody"] });
    expect(problems.map((problem) => problem.about?.field).sort()).toEqual(["end", "hostIds", "title", "venueId"]);
    expect(problems.find((problem) => problem.about?.field === "end")?.about?.advice).toMatch(/Choose an end after the start/);
    expect(eventProblems(editor.doc, { title: "Fine" }, "e_nope").map((problem) => problem.message)).toEqual(['no event with id "e_nope" in this festival; check the id']);
  });

  it("finds every problem of each link at once, about its row, by the rule the links field applies", () => {
    const { editor, venueId } = festivalWithVenue();
    const links = [
      { title: "Slides", url: "https://example.org/slides.pdf" },
      { title: " ", url: "javascript:alert(1)" },
      { title: "Notes", url: "ftp://example.org/notes" },
    ];
    const problems = linkListProblems(links, "event");
    expect(problems.map((problem) => problem.about?.field)).toEqual(["links.1.title", "links.1.url", "links.2.url"]);
    expect(problems[1].about?.advice).toMatch(/^Enter an http:\/\/ or https:\/\/ address/);
    expect(problems[1].message).toMatch(/^invalid event links\.1\.url "javascript:alert\(1\)"/);
    // the same rule as the whole field: what it refuses, editing refuses
    expectRefused(editor, () => addEvent(editor, { title: "Talk", venueId, ...slot, links: [links[2]] }), /links\.0\.url/);
    expect(linkListProblems(links.slice(0, 1), "event")).toEqual([]);
    const many = Array.from({ length: LIMITS.links + 2 }, (_, index) => ({ title: `L${index}`, url: `https://example.org/${index}` }));
    expect(linkListProblems(many, "event").map((problem) => [problem.about?.field, problem.about?.advice])).toEqual([["links", `Keep at most ${LIMITS.links} links: remove 2.`]]);
  });

  it("edits people, clearing contact with null", () => {
    const editor = newFestival();
    const personId = addPerson(editor, { name: "Bo", contact: "bo@example.org" });
    expect(editPerson(editor, personId, { bio: "drummer", contact: null })).toEqual(["bio", "contact"]);
    expect(personView(editor.doc, personId)).toEqual({ id: personId, name: "Bo", bio: "drummer", origin: {} });
  });

  it("edits festival settings and keeps the dates running forward", () => {
    const editor = newFestival();
    expect(editFestival(editor, { timeZone: "pacific/auckland", visibility: "private" })).toEqual(["timeZone", "visibility"]);
    expect(festivalView(editor.doc)).toMatchObject({ timeZone: "Pacific/Auckland", visibility: "private" });
    expectRefused(editor, () => editFestival(editor, { endDate: "2027-06-30" }), /endDate 2027-06-30 is before startDate 2027-07-01/);
    expectRefused(editor, () => editFestival(editor, { timeZone: "Moon/Base" }), /invalid festival timeZone "Moon\/Base": expected an IANA/);
    expectRefused(editor, () => editFestival(editor, { dayStartsAt: "4am" }), /HH:MM/);
  });
});
