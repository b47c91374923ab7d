// New festivals (the whole skeleton in the first change, validated, sensible defaults) and the
// schema gate that refuses documents from a newer pandafest or that are not festivals at all.
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { editorForDoc } from "../../engine/core/editor.js";
import { encodeBase32, looksLikeId, newId } from "../../engine/core/ids.js";
import { checkSchema, schemaStanding } from "../../engine/core/schema-version.js";
import { addVenue } from "../../engine/core/operations.js";
import { SCHEMA_VERSION, type Festival } from "../../engine/core/schema.js";
import { createFestivalDoc, festivalInit } from "../../engine/core/skeleton.js";
import { festivalView } from "../../engine/core/views.js";
import { refusal } from "./helpers.js";

describe("createFestivalDoc", () => {
  it("writes the whole skeleton in one change with ImmutableString settings", () => {
    const doc = createFestivalDoc({ name: "Lakeside", timeZone: "Pacific/Auckland", startDate: "2027-01-01", endDate: "2027-01-03" });
    expect(A.getAllChanges(doc)).toHaveLength(1);
    expect(A.isImmutableString(doc.name)).toBe(true);
    expect(festivalView(doc)).toEqual({
      schema: SCHEMA_VERSION,
      name: "Lakeside",
      description: "",
      timeZone: "Pacific/Auckland",
      startDate: "2027-01-01",
      endDate: "2027-01-03",
      dayStartsAt: "04:00",
      visibility: "public",
      venues: {},
      events: {},
      people: {},
      members: {},
    });
    expect(doc.authors).toEqual({});
  });

  it("defaults to UTC and three days from today in the festival's zone", () => {
    // 2027-03-01T11:30Z is already 2 March in Auckland.
    const nowMs = Date.parse("2027-03-01T11:30:00Z");
    expect(festivalView(createFestivalDoc({ name: "A" }, { nowMs }))).toMatchObject({
      timeZone: "UTC",
      startDate: "2027-03-01",
      endDate: "2027-03-03",
    });
    expect(festivalView(createFestivalDoc({ name: "B", timeZone: "Pacific/Auckland" }, { nowMs }))).toMatchObject({
      startDate: "2027-03-02",
      endDate: "2027-03-04",
    });
    expect(festivalView(createFestivalDoc({ name: "C", endDate: "2027-03-01" }, { nowMs }))).toMatchObject({
      startDate: "2027-02-27",
      endDate: "2027-03-01",
    });
  });

  it("refuses bad input before anything is written", () => {
    expect(refusal(() => festivalInit({ name: "X", timeZone: "Europe/Atlantis" })).message).toMatch(
      /invalid festival timeZone "Europe\/Atlantis": expected an IANA time zone name/,
    );
    expect(refusal(() => festivalInit({ name: "X", startDate: "2027-02-30" })).message).toMatch(/startDate "2027-02-30": expected a real calendar date/);
    expect(refusal(() => festivalInit({ name: "X", startDate: "2027-07-05", endDate: "2027-07-01" })).message).toMatch(/before startDate/);
    expect(refusal(() => festivalInit({ name: "X", dayStartsAt: "25:00" })).message).toMatch(/HH:MM/);
    expect(refusal(() => festivalInit({ name: "" })).message).toMatch(/festival name/);
  });

  it("lets two peers start from one skeleton without competing collections", () => {
    const first = createFestivalDoc({ name: "Shared" }, { actor: "aa" });
    let a = editorForDoc(A.clone(first, { actor: "aa01" }));
    const b = editorForDoc(A.clone(first, { actor: "bb01" }));
    const fromA = addVenue(a, { name: "Barn" });
    const fromB = addVenue(b, { name: "Field" });
    a = editorForDoc(A.merge(a.doc, b.doc));
    expect(Object.keys(a.doc.venues).sort()).toEqual([fromA, fromB].sort());
    expect(A.getConflicts(a.doc, "venues")).toBeUndefined();
  });

  it("refuses to write a skeleton into a document that holds data", () => {
    const doc = createFestivalDoc({ name: "Once" });
    expect(() => A.change(doc, festivalInit({ name: "Twice" }))).toThrow(/already holds data/);
  });
});

describe("ids", () => {
  it("encodes base32 per RFC 4648 and makes distinct ids", () => {
    expect(encodeBase32(new TextEncoder().encode("foobar"))).toBe("mzxw6ytboi");
    const ids = new Set(Array.from({ length: 1000 }, () => newId("event")));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(looksLikeId(id, "event")).toBe(true);
    expect(looksLikeId(newId("venue"), "event")).toBe(false);
  });
});

describe("checkSchema and migrate", () => {
  it("refuses a festival from a newer pandafest, clearly", () => {
    const doc = A.change(createFestivalDoc({ name: "Future" }), (d) => {
      d.schema = SCHEMA_VERSION + 1;
      (d as unknown as Record<string, unknown>).lineup = {}; // data this version does not know
    });
    const error = refusal(() => checkSchema(doc));
    expect(error.code).toBe("data");
    expect(error.message).toBe(
      `this festival uses schema ${SCHEMA_VERSION + 1}; this pandafest knows up to ${SCHEMA_VERSION}; upgrade pandafest to open it`,
    );
    // operations refuse to write into it
    expect(() => addVenue(editorForDoc(doc), { name: "x" })).toThrow(/upgrade pandafest/);
  });

  it("is not locked out by a schema number that no newer data backs", () => {
    const doc = A.change(createFestivalDoc({ name: "Numbered" }), (d) => {
      d.schema = 99;
    });
    expect(schemaStanding(doc)).toEqual({ declared: 99, readAs: SCHEMA_VERSION, unbacked: true });
    expect(() => checkSchema(doc)).not.toThrow();
    const editor = editorForDoc(doc);
    addVenue(editor, { name: "Main stage" });
    expect(Object.keys(festivalView(editor.read()).venues)).toHaveLength(1);
    const legacy = A.change(A.from({ schema: 1, name: "Old", venues: {}, events: {}, people: {}, members: {}, authors: {} }), (d) => {
      d.schema = 99;
    });
    expect(schemaStanding(legacy).readAs).toBe(1);
    expect(schemaStanding(createFestivalDoc({ name: "Plain" })).unbacked).toBe(false);
  });

  it("refuses documents without the skeleton", () => {
    expect(refusal(() => checkSchema(A.from({ title: "a todo list" }))).message).toMatch(/not a pandafest festival/);
    expect(refusal(() => checkSchema(A.from({ schema: 1, venues: {} }))).message).toMatch(/lacks events, people, members, authors/);
    expect(refusal(() => checkSchema(null)).code).toBe("data");
  });

  it("reads a current festival as it is", () => {
    const doc = createFestivalDoc({ name: "Now" });
    expect(() => checkSchema(doc)).not.toThrow();
    expect(schemaStanding(doc)).toEqual({ declared: SCHEMA_VERSION, readAs: SCHEMA_VERSION, unbacked: false });
  });
});
