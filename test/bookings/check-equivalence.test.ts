// The fast booking reads (one scan of the bookings map, decisions joined to requests, cached authorship, `check`
// judging only what may hold) give exactly the answers of the straightforward first version, on random festivals.
import * as A from "@automerge/automerge";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addEvent,
  addResource,
  addVenue,
  authorshipOf,
  bookingsOf,
  checkBookings,
  decideBooking,
  editEvent,
  PandafestError,
  requestBooking,
  setVenueOwnership,
  visibleFestival,
  type DecisionState,
  type Festival,
} from "../../engine/core/index.js";
import { edit, founded, merged, person, record } from "../governance/governance-helpers.js";
import { as } from "./bookings-helpers.js";
import { referenceAuthorship, referenceBookingsOf, referenceCheckBookings } from "./reference-check.js";

const ada = person("Ada");
const bo = person("Bo");
const cy = person("Cy");
const mallory = person("Mallory");
const PEOPLE = [ada, bo, cy, mallory];

/** Ada's festival: Bo and Cy edit; two venues (one owned by Bo, open only on Friday), three events (two overlapping on Thursday), a PA (1) and two mics. */
function made() {
  const start = founded(ada);
  const id = start.id;
  let doc = record(start.doc, id, ada, { kind: "grant", key: bo.publicKey, role: "edit" });
  doc = record(doc, id, ada, { kind: "grant", key: cy.publicKey, role: "edit" });
  const stage = as(doc, id, ada, (e) => addVenue(e, { name: "Stage" }));
  const tent = as(stage.doc, id, ada, (e) => addVenue(e, { name: "Tent" }));
  doc = as(tent.doc, id, ada, (e) => setVenueOwnership(e, tent.result, { owners: [bo.publicKey], availability: ["2027-07-02T10:00:00+02:00/2027-07-02T23:00:00+02:00"] })).doc;
  const events: string[] = [];
  for (const [index, venueId] of [stage.result, tent.result, stage.result].entries()) {
    const day = index === 2 ? 2 : 1;
    const added = as(doc, id, ada, (e) => addEvent(e, { title: `Event ${index}`, venueId, start: `2027-07-0${day}T${18 + index}:00:00+02:00`, end: `2027-07-0${day}T${20 + index}:00:00+02:00` }));
    doc = added.doc;
    events.push(added.result);
  }
  const pa = as(doc, id, ada, (e) => addResource(e, { name: "PA", owners: [ada.publicKey, bo.publicKey] }));
  const mics = as(pa.doc, id, cy, (e) => addResource(e, { name: "Mics", quantity: 2, availability: ["2027-07-01T00:00:00+02:00/2027-07-02T12:00:00+02:00"] }));
  return { id, doc: mics.doc, events, resources: [pa.result, mics.result] };
}

let festivalMade: ReturnType<typeof made> | undefined;
/** The festival every run starts from (made once: each step edits a copy). */
function base(): ReturnType<typeof made> {
  festivalMade ??= made();
  return festivalMade;
}

type Step =
  | { op: "request"; replica: number; who: number; event: number; target: number }
  | { op: "decide"; replica: number; who: number; request: number; state: DecisionState }
  | { op: "move"; replica: number; event: number; hours: number }
  | { op: "merge"; from: number; to: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("request" as const), replica: fc.nat(2), who: fc.nat(2), event: fc.nat(2), target: fc.nat(3) }) },
  {
    weight: 5,
    arbitrary: fc.record({ op: fc.constant("decide" as const), replica: fc.nat(2), who: fc.nat(3), request: fc.nat(20), state: fc.constantFrom<DecisionState>("accepted", "accepted", "declined", "revoked", "cancelled") }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("move" as const), replica: fc.nat(2), event: fc.nat(2), hours: fc.integer({ min: -2, max: 30 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("merge" as const), from: fc.nat(2), to: fc.nat(2) }) },
);

/** Runs the steps on three replicas apart (refused writes are skipped, as the CLI refuses them) and merges all. */
function play(steps: readonly Step[]): { doc: A.Doc<Festival>; id: string; events: string[] } {
  const festival = base();
  const replicas = [festival.doc, A.clone(festival.doc), A.clone(festival.doc)];
  // the requests each replica knows of (its own and those merged in), so decisions mostly find theirs
  const known: string[][] = [[], [], []];
  for (const s of steps) {
    try {
      if (s.op === "merge") {
        replicas[s.to] = A.merge(A.clone(replicas[s.to]), replicas[s.from]);
        known[s.to] = [...new Set([...known[s.to], ...known[s.from]])];
      }
      else if (s.op === "request") {
        const target = s.target === 0 ? { kind: "venue" as const } : s.target === 3 ? { kind: "shift" as const, role: "Bar", count: 1 } : { kind: "resource" as const, resourceId: festival.resources[s.target - 1] };
        const made = as(replicas[s.replica], festival.id, PEOPLE[s.who], (e) => requestBooking(e, festival.events[s.event], target));
        replicas[s.replica] = made.doc;
        known[s.replica].push(made.result);
      } else if (s.op === "decide" && known[s.replica].length > 0) {
        const requests = known[s.replica];
        replicas[s.replica] = as(replicas[s.replica], festival.id, PEOPLE[s.who], (e) => decideBooking(e, requests[s.request % requests.length], s.state)).doc;
      } else if (s.op === "move") {
        const startMs = Date.parse("2027-07-01T16:00:00Z") + s.hours * 3_600_000;
        const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "+00:00");
        replicas[s.replica] = as(replicas[s.replica], festival.id, ada, (e) => editEvent(e, festival.events[s.event], { start: iso(startMs), end: iso(startMs + 7_200_000) })).doc;
      }
    } catch (error) {
      if (!(error instanceof PandafestError)) throw error;
    }
  }
  return { doc: merged(...replicas), id: festival.id, events: festival.events };
}

describe("booking reads against the straightforward version", () => {
  it("give the same bookings, clashes and broken entries on random festivals made on three replicas apart", () => {
    let sawClash = false;
    let sawConflictingMaps = false;
    fc.assert(
      fc.property(fc.array(step, { minLength: 4, maxLength: 16 }), (steps) => {
        const { doc, id } = play(steps);
        const visible = visibleFestival(doc, id);
        const expected = referenceCheckBookings(visible, id);
        expect(checkBookings(visible, id)).toEqual(expected);
        expect(bookingsOf(visible, authorshipOf(visible, id))).toEqual(referenceBookingsOf(visible, referenceAuthorship(visible, id)));
        expect(bookingsOf(visible, authorshipOf(visible, id), { decidedOnly: true })).toEqual(referenceBookingsOf(visible, referenceAuthorship(visible, id), { decidedOnly: true }));
        sawClash ||= expected.overbookings.length > 0 || expected.outsideAvailability.length > 0;
        sawConflictingMaps ||= A.getConflicts(visible, "bookings") !== undefined && Object.keys(A.getConflicts(visible, "bookings") ?? {}).length > 1;
      }),
      {
        numRuns: 30,
        seed: 19,
        examples: [
          // Cy asks for the PA for both Thursday events on two replicas apart; Ada and Bo (its owners) each accept one
          [
            [
              { op: "request", replica: 0, who: 2, event: 0, target: 1 },
              { op: "request", replica: 1, who: 2, event: 1, target: 1 },
              { op: "decide", replica: 0, who: 0, request: 0, state: "accepted" },
              { op: "decide", replica: 1, who: 1, request: 0, state: "accepted" },
              { op: "request", replica: 2, who: 1, event: 1, target: 0 },
              { op: "decide", replica: 2, who: 1, request: 0, state: "accepted" },
            ],
          ],
        ],
      },
    );
    // the runs covered what the fast path treats differently
    expect(sawClash).toBe(true);
    expect(sawConflictingMaps).toBe(true);
  });

  it("agrees with hand-made entries: decisions of missing requests, non-maps, requests for missing events", () => {
    const { doc, id, events } = play([
      { op: "request", replica: 0, who: 2, event: 0, target: 1 },
      { op: "decide", replica: 0, who: 0, request: 0, state: "accepted" },
    ]);
    const hostile = edit(doc, id, ada, "hand-made entries", (draft) => {
      const bookings = (draft as unknown as { bookings: Record<string, unknown> }).bookings;
      bookings.d_orphan1 = { bookingId: "b_missing", state: "accepted", reason: "", venueId: "", start: "", end: "", generation: 1 };
      bookings.x_text = "not a map";
      bookings.b_ghost = { eventId: "e_missing" };
      bookings.d_orphan2 = { bookingId: "b_missing", state: "declined", reason: "", venueId: "", start: "", end: "", generation: 2 };
      bookings.b_noresource = { eventId: events[0], resourceId: "r_missing" };
    });
    const visible = visibleFestival(hostile, id);
    const check = checkBookings(visible, id);
    expect(check).toEqual(referenceCheckBookings(visible, id));
    expect(check.broken.map((b) => b.id).sort()).toEqual(["b_ghost", "b_noresource", "d_orphan1", "d_orphan2", "x_text"]);
  });

  it("lists bookings outside availability by the event's start whatever order their ids are stored in", () => {
    const { doc, id, events } = play([]);
    const { resources } = base();
    const decision = (draft: Festival, bookingId: string, eventId: string) => {
      const event = visibleFestival(doc, id).events[eventId] ?? Object.values(visibleFestival(doc, id).eventShards ?? {}).map((shard) => (shard as Record<string, unknown>)[eventId]).find(Boolean);
      const { venueId, start, end } = event as unknown as Record<string, unknown>;
      return { bookingId, state: "accepted", reason: "", venueId: String(venueId), start: String(start), end: String(end), generation: 1 } as unknown as Record<string, unknown>;
    };
    // Cy's mics (Cy made them) for Friday's event, after their window; Bo's tent (open on Friday only) for Thursday's
    let made = edit(A.clone(doc), id, cy, "mics", (draft) => {
      (draft as unknown as { bookings: Record<string, unknown> }).bookings = { b_a: { eventId: events[2], resourceId: resources[1] }, d_a: decision(draft, "b_a", events[2]) };
    });
    made = edit(A.clone(made), id, bo, "tent", (draft) => {
      const bookings = (draft as unknown as { bookings: Record<string, unknown> }).bookings;
      bookings.b_z = { eventId: events[1] };
      bookings.d_z = decision(draft, "b_z", events[1]);
    });
    const visible = visibleFestival(made, id);
    const check = checkBookings(visible, id);
    expect(check.outsideAvailability.map((o) => o.bookingId)).toEqual(["b_z", "b_a"]);
    expect(check).toEqual(referenceCheckBookings(visible, id));
  });
});
