// Resources, requests and owners' decisions on raw replicas of a governed festival: only owners' decisions count,
// three replicas apart merge to the same bookings and clash reports in any order, and hostile data is ignored.
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import {
  addEvent,
  addResource,
  addVenue,
  askForShift,
  authorshipOf,
  bookingsOf,
  confirmationsOf,
  decideBooking,
  editEvent,
  editResource,
  festivalView,
  proposalsOf,
  requestBooking,
  setVenueOwnership,
  visibleFestival,
  type Festival,
} from "../../engine/core/index.js";
import { edit, founded, merged, person, record, replicaOf } from "../governance/governance-helpers.js";
import { as, shown } from "./bookings-helpers.js";

const ada = person("Ada");
const bo = person("Bo");
const cy = person("Cy");
const mallory = person("Mallory");

/** Ada's organised festival with editors Bo and Cy, a stage, two overlapping events and a PA owned by Ada and Bo. */
function setUp() {
  const start = founded(ada);
  const id = start.id;
  let doc = record(start.doc, id, ada, { kind: "grant", key: bo.publicKey, role: "edit" });
  doc = record(doc, id, ada, { kind: "grant", key: cy.publicKey, role: "edit" });
  const venue = as(doc, id, ada, (e) => addVenue(e, { name: "Stage" }));
  const venue2 = as(venue.doc, id, ada, (e) => addVenue(e, { name: "Tent" }));
  const first = as(venue2.doc, id, ada, (e) =>
    addEvent(e, { title: "Opening", venueId: venue.result, start: "2027-07-01T18:00:00+02:00", end: "2027-07-01T20:00:00+02:00" }),
  );
  const second = as(first.doc, id, ada, (e) =>
    addEvent(e, { title: "Talk", venueId: venue2.result, start: "2027-07-01T19:00:00+02:00", end: "2027-07-01T21:00:00+02:00" }),
  );
  const pa = as(second.doc, id, ada, (e) => addResource(e, { name: "PA", owners: [ada.publicKey, bo.publicKey] }));
  const ask1 = as(pa.doc, id, cy, (e) => requestBooking(e, first.result, { kind: "resource", resourceId: pa.result }));
  const ask2 = as(ask1.doc, id, cy, (e) => requestBooking(e, second.result, { kind: "resource", resourceId: pa.result }));
  const askVenue = as(ask2.doc, id, cy, (e) => requestBooking(e, first.result, { kind: "venue" }));
  return { id, doc: askVenue.doc, stage: venue.result, opening: first.result, talk: second.result, pa: pa.result, r1: ask1.result, r2: ask2.result, rv: askVenue.result };
}

describe("booking requests and owners' decisions", () => {
  it("starts pending; an owner's accept counts, and the event's confirmation is the share accepted", () => {
    const f = setUp();
    expect(shown(f.doc, f.id).bookings.every((b) => b.state === "pending")).toBe(true);
    const accepted = as(f.doc, f.id, bo, (e) => decideBooking(e, f.r1, "accepted")).doc;
    const visible = visibleFestival(accepted, f.id);
    const { bookings } = bookingsOf(visible, authorshipOf(visible, f.id));
    expect(bookings.find((b) => b.id === f.r1)).toMatchObject({ state: "accepted", decidedBy: bo.publicKey, askedBy: cy.publicKey });
    // the venue (owned by its creator, Ada) is still pending: Opening is 1 of 2 confirmed
    expect(confirmationsOf(bookings).get(f.opening)).toEqual({ accepted: 1, requested: 2 });
  });

  it("keeps a decision by a member who owns nothing as a proposal, and an outsider's as a governance proposal", () => {
    const f = setUp();
    const byCy = as(f.doc, f.id, cy, (e) => decideBooking(e, f.r1, "accepted")).doc;
    const r1 = shown(byCy, f.id).bookings.find((b) => b.id === f.r1);
    expect(r1?.state).toBe("pending");
    expect(r1?.proposals).toMatchObject([{ state: "accepted", by: cy.publicKey }]);
    // an outsider's decision is a change that does not count: members never see it, `proposals` lists it
    const byMallory = merged(f.doc, as(replicaOf(f.doc), f.id, mallory, (e) => decideBooking(e, f.r1, "accepted")).doc);
    expect(shown(byMallory, f.id).bookings.find((b) => b.id === f.r1)).toMatchObject({ state: "pending", proposals: [] });
    expect(proposalsOf(byMallory, f.id)).toHaveLength(1);
    // even accepted by an editor, the outsider's decision is only a proposal: Mallory owns nothing
    const taken = record(byMallory, f.id, ada, { kind: "accept", hash: proposalsOf(byMallory, f.id)[0].hash });
    expect(shown(taken, f.id).bookings.find((b) => b.id === f.r1)).toMatchObject({ state: "pending", proposals: [{ state: "accepted" }] });
  });

  it("puts bookings back to pending when the event's time or venue changes, and the asker's cancel ends a request", () => {
    const f = setUp();
    let doc = as(f.doc, f.id, bo, (e) => decideBooking(e, f.r1, "accepted")).doc;
    doc = as(doc, f.id, ada, (e) => editEvent(e, f.opening, { end: "2027-07-01T20:30:00+02:00" })).doc;
    expect(shown(doc, f.id).bookings.find((b) => b.id === f.r1)).toMatchObject({ state: "pending", outdated: true });
    doc = as(doc, f.id, ada, (e) => decideBooking(e, f.r1, "declined", "PA is at the other stage")).doc;
    expect(shown(doc, f.id).bookings.find((b) => b.id === f.r1)).toMatchObject({ state: "declined", decidedBy: ada.publicKey });
    const byOwner = as(doc, f.id, ada, (e) => decideBooking(e, f.r2, "cancelled")).doc;
    expect(shown(byOwner, f.id).bookings.find((b) => b.id === f.r2)?.state).toBe("pending");
    const byAsker = as(byOwner, f.id, cy, (e) => decideBooking(e, f.r2, "cancelled")).doc;
    expect(shown(byAsker, f.id).bookings.find((b) => b.id === f.r2)?.state).toBe("cancelled");
  });

  it("merges decisions made on three replicas apart to the same bookings and clash reports, in every order", () => {
    const f = setUp();
    const adas = as(replicaOf(f.doc), f.id, ada, (e) => decideBooking(e, f.r2, "accepted")).doc;
    const bos = as(replicaOf(f.doc), f.id, bo, (e) => decideBooking(e, f.r1, "accepted")).doc;
    const cys = as(replicaOf(f.doc), f.id, cy, (e) => decideBooking(e, f.r1, "declined", "I think it clashes")).doc;
    // apart, nobody sees a clash
    for (const replica of [adas, bos, cys]) expect(shown(replica, f.id).clashes.overbookings).toEqual([]);
    const orders = [
      merged(adas, bos, cys),
      merged(cys, bos, adas),
      merged(bos, merged(cys, adas)),
    ];
    const reports = orders.map((doc) => shown(doc, f.id));
    for (const report of reports.slice(1)) expect(report).toEqual(reports[0]);
    const [overbooking] = reports[0].clashes.overbookings;
    expect(overbooking).toMatchObject({ resourceId: f.pa, quantity: 1, peak: 2, involved: 2 });
    expect([...overbooking.bookingIds].sort()).toEqual([f.r1, f.r2].sort());
    expect(reports[0].bookings.find((b) => b.id === f.r1)?.proposals).toMatchObject([{ state: "declined", by: cy.publicKey }]);
  });

  it("decides concurrent accept and decline of one request by two owners the same everywhere (the decline wins)", () => {
    const f = setUp();
    const yes = as(replicaOf(f.doc), f.id, ada, (e) => decideBooking(e, f.r1, "accepted")).doc;
    const no = as(replicaOf(f.doc), f.id, bo, (e) => decideBooking(e, f.r1, "declined", "broken cable")).doc;
    for (const doc of [merged(yes, no), merged(no, yes)]) {
      expect(shown(doc, f.id).bookings.find((b) => b.id === f.r1)).toMatchObject({ state: "declined", decidedBy: bo.publicKey });
    }
  });

  it("overbooks a resource of quantity n only past n at once, and flags bookings outside availability", () => {
    const f = setUp();
    let doc = as(f.doc, f.id, ada, (e) => editResource(e, f.pa, { quantity: 2, availability: ["2027-07-01T17:00:00+02:00/2027-07-01T20:00:00+02:00"] })).doc;
    doc = as(doc, f.id, ada, (e) => decideBooking(e, f.r1, "accepted")).doc;
    doc = as(doc, f.id, ada, (e) => decideBooking(e, f.r2, "accepted")).doc;
    const clashes = shown(doc, f.id).clashes;
    expect(clashes.overbookings).toEqual([]);
    expect(clashes.outside).toMatchObject([{ bookingId: f.r2, kind: "resource", targetId: f.pa }]);
    doc = as(doc, f.id, ada, (e) => setVenueOwnership(e, f.stage, { availability: ["2027-07-02T10:00:00+02:00/2027-07-02T18:00:00+02:00"] })).doc;
    doc = as(doc, f.id, ada, (e) => decideBooking(e, f.rv, "accepted")).doc;
    expect(shown(doc, f.id).clashes.outside.map((o) => o.kind).sort()).toEqual(["resource", "venue"]);
  });

  it("reads resources two replicas created while apart (two resources maps made concurrently)", () => {
    const { doc, id } = founded(ada);
    const granted = record(doc, id, ada, { kind: "grant", key: bo.publicKey, role: "edit" });
    const left = as(replicaOf(granted), id, ada, (e) => addResource(e, { name: "PA" }));
    const right = as(replicaOf(granted), id, bo, (e) => addResource(e, { name: "Projector", quantity: 3 }));
    const both = merged(left.doc, right.doc);
    const visible = visibleFestival(both, id);
    const facts = bookingsOf(visible, authorshipOf(visible, id)).resources;
    expect([...facts.values()].map((r) => r.name).sort()).toEqual(["PA", "Projector"]);
    expect(facts.get(right.result)?.owners).toEqual([bo.publicKey]);
    // and either can be edited afterwards, wherever it lives
    let current = both;
    for (const resourceId of [left.result, right.result]) {
      current = as(current, id, bo, (e) => editResource(e, resourceId, { description: "checked" }, authorshipOf(e.read() as A.Doc<Festival>, id))).doc;
    }
    let after = visibleFestival(current, id);
    const edited = bookingsOf(after, authorshipOf(after, id)).resources;
    expect(edited.get(left.result)).toMatchObject({ name: "PA", owners: [ada.publicKey] });
    expect(edited.get(right.result)).toMatchObject({ name: "Projector", owners: [bo.publicKey] });
    // requests and decisions made apart each create the bookings map; all of them are read and judged
    const venue = as(current, id, ada, (e) => addVenue(e, { name: "Stage" }));
    const event = as(venue.doc, id, ada, (e) =>
      addEvent(e, { title: "Gig", venueId: venue.result, start: "2027-07-01T18:00:00+02:00", end: "2027-07-01T20:00:00+02:00" }),
    );
    const askLeft = as(replicaOf(event.doc), id, ada, (e) => requestBooking(e, event.result, { kind: "resource", resourceId: left.result }));
    const askRight = as(replicaOf(event.doc), id, bo, (e) => requestBooking(e, event.result, { kind: "resource", resourceId: right.result }));
    const yesLeft = as(askLeft.doc, id, ada, (e) => decideBooking(e, askLeft.result, "accepted")).doc;
    const yesRight = as(askRight.doc, id, bo, (e) => decideBooking(e, askRight.result, "accepted")).doc;
    after = visibleFestival(merged(yesLeft, yesRight), id);
    const states = bookingsOf(after, authorshipOf(after, id)).bookings.map((b) => [b.id, b.state, b.askedBy]);
    expect(states.sort()).toEqual([[askLeft.result, "accepted", ada.publicKey], [askRight.result, "accepted", bo.publicKey]].sort());
  });

  it("ignores hand-made requests and decisions it cannot judge, and says why", () => {
    const f = setUp();
    const hostile = edit(A.clone(f.doc), f.id, ada, "hand-made", (draft: Festival) => {
      const bookings = draft.bookings as unknown as Record<string, unknown>;
      const text = (value: string) => new A.ImmutableString(value);
      bookings.b_ghost = { eventId: text("e_nothing") };
      bookings.b_noresource = { eventId: text(f.opening), resourceId: text("r_nothing") };
      bookings.b_notamap = text("x");
      bookings.d_orphan = { bookingId: text("b_nothing"), state: text("accepted"), generation: 1 };
      const forOpening = { venueId: text(f.stage), start: text("2027-07-01T18:00:00+02:00"), end: text("2027-07-01T20:00:00+02:00"), reason: text("") };
      bookings.d_bad = { bookingId: text(f.r1), state: text("approved!"), generation: 99, ...forOpening };
      bookings.d_huge = { bookingId: text(f.r1), state: text("accepted"), generation: 1e18, ...forOpening };
    });
    const report = shown(hostile, f.id);
    expect(report.broken.map((b) => b.id).sort()).toEqual(["b_ghost", "b_noresource", "b_notamap", "d_orphan"]);
    expect(report.broken.find((b) => b.id === "b_ghost")?.problem).toContain("not in this festival");
    expect(report.bookings.find((b) => b.id === f.r1)).toMatchObject({ state: "pending", proposals: [] });
    expect(festivalView(visibleFestival(hostile, f.id)).name).toBe("Summer Fest");
  });

  it("reads huge hand-made lists only up to their limits", () => {
    const f = setUp();
    const text = (value: string) => new A.ImmutableString(value);
    const forOpening = { venueId: text(f.stage), start: text("2027-07-01T18:00:00+02:00"), end: text("2027-07-01T20:00:00+02:00"), reason: text("") };
    const filler = Array.from({ length: 100 }, (_, index) => text(index.toString(16).padStart(64, "0")));
    let doc = edit(A.clone(f.doc), f.id, ada, "hand-made", (draft: Festival) => {
      const bookings = draft.bookings as unknown as Record<string, unknown>;
      // 200 decisions on one request: the 64 latest are read, so the latest (an accept) counts
      for (let index = 1; index <= 200; index++) {
        bookings[`d_${String(index).padStart(4, "0")}`] = { bookingId: text(f.r1), state: text(index === 200 ? "accepted" : "declined"), generation: index, ...forOpening };
      }
      // a resource whose owners list hides Bo past the first 32
      const resources = draft.resources as unknown as Record<string, Record<string, unknown>>;
      resources[f.pa].owners = [text(ada.publicKey), ...filler.slice(0, 40), text(bo.publicKey)];
    });
    doc = as(doc, f.id, bo, (e) => decideBooking(e, f.r2, "accepted")).doc;
    const report = shown(doc, f.id);
    expect(report.bookings.find((b) => b.id === f.r1)).toMatchObject({ state: "accepted", decidedBy: ada.publicKey });
    expect(report.bookings.find((b) => b.id === f.r2)).toMatchObject({ state: "pending", proposals: [{ by: bo.publicKey }] });
    // and writing refuses past the limit on one request
    expect(() => as(doc, f.id, ada, (e) => decideBooking(e, f.r1, "revoked"))).toThrow(/already holds 200 decisions/);
  });

  it("refuses bad input before writing anything", () => {
    const f = setUp();
    const tries: [string, (doc: A.Doc<Festival>) => unknown][] = [
      ["no event", (doc) => as(doc, f.id, cy, (e) => requestBooking(e, "e_nope", { kind: "venue" }))],
      ["no resource", (doc) => as(doc, f.id, cy, (e) => requestBooking(e, f.opening, { kind: "resource", resourceId: "r_nope" }))],
      ["asked twice", (doc) => as(doc, f.id, cy, (e) => requestBooking(e, f.opening, { kind: "resource", resourceId: f.pa }))],
      ["quantity", (doc) => as(doc, f.id, ada, (e) => addResource(e, { name: "PA", quantity: 0 }))],
      ["owner", (doc) => as(doc, f.id, ada, (e) => addResource(e, { name: "PA", owners: ["mallory"] }))],
      ["window", (doc) => as(doc, f.id, ada, (e) => addResource(e, { name: "PA", availability: ["2027-07-01T20:00/2027-07-01T21:00"] }))],
      ["control", (doc) => as(doc, f.id, ada, (e) => addResource(e, { name: "P\u001b[2JA" }))],
      ["reason", (doc) => as(doc, f.id, ada, (e) => decideBooking(e, f.r1, "declined", "x".repeat(5000)))],
    ];
    for (const [what, attempt] of tries) {
      expect(() => attempt(f.doc), what).toThrow(/no |already asked|quantity|owner|window|resource name|reason/);
    }
    expect(A.getHeads(f.doc)).toEqual(A.getHeads(f.doc));
  });

  it("counts a shift owner's ask of a named person, answered only by that person, and drops it when the event moves", () => {
    const f = setUp();
    const shift = as(f.doc, f.id, cy, (e) => requestBooking(e, f.opening, { kind: "shift", role: "door", count: 2 }));
    let doc = as(shift.doc, f.id, ada, (e) => askForShift(e, shift.result, bo.publicKey)).doc; // Ada made the stage: she owns it
    doc = as(doc, f.id, cy, (e) => askForShift(e, shift.result, mallory.publicKey)).doc; // Cy owns nothing: ignored
    const standing = (d: A.Doc<Festival>) => {
      const visible = visibleFestival(d, f.id);
      return bookingsOf(visible, authorshipOf(visible, f.id)).bookings.find((b) => b.id === shift.result);
    };
    expect(standing(doc)?.asked).toEqual([{ person: bo.publicKey, state: "asked", by: ada.publicKey }]);
    // Cy saying yes signs Cy up and answers nothing for Bo; Bo's own no answers
    doc = as(doc, f.id, cy, (e) => decideBooking(e, shift.result, "accepted")).doc;
    expect(standing(doc)).toMatchObject({ signedUp: [cy.publicKey], asked: [{ person: bo.publicKey, state: "asked" }] });
    doc = as(doc, f.id, bo, (e) => decideBooking(e, shift.result, "declined")).doc;
    expect(standing(doc)?.asked).toEqual([{ person: bo.publicKey, state: "declined", by: ada.publicKey }]);
    expect(() => as(doc, f.id, ada, (e) => askForShift(e, f.r1, bo.publicKey))).toThrow(/not a shift/);
    expect(() => as(doc, f.id, ada, (e) => askForShift(e, shift.result, "bo"))).toThrow(/invalid person/);
    doc = as(doc, f.id, ada, (e) => editEvent(e, f.opening, { end: "2027-07-01T20:30:00+02:00" })).doc;
    expect(standing(doc)?.asked).toBeUndefined();
  });
});
