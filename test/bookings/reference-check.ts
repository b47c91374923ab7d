// The booking check as it was first written (straightforward: the whole bookings map copied, uncached authorship,
// every request judged and sorted), kept to show the faster engine/core/bookings reads give the same answers.
import * as A from "@automerge/automerge";
import type { Authorship } from "../../engine/core/bookings/authorship.js";
import { LISTED_PER_OVERBOOKING, type BookingClashes, type Overbooking, type OutsideAvailability } from "../../engine/core/bookings/clashes.js";
import { BOOKING_LIMITS, DECISION_STATES, isMap, lazyMapEntries, objectIdOf, type DecisionState } from "../../engine/core/bookings/model.js";
import { availabilityOf, ownersOf, withinAvailability, type Ownable, type Window } from "../../engine/core/bookings/owners.js";
import type { BookingCheck } from "../../engine/core/bookings/report.js";
import { type BookingKind, type ResourceFacts, type BookingsOfFestival, type BookingStanding, type BrokenBooking, type ProposedDecision } from "../../engine/core/bookings/state.js";
import { getEvent } from "../../engine/core/event-shards.js";
import { actorCoverages, type ActorBinding } from "../../engine/core/provenance.js";
import type { Festival } from "../../engine/core/schema.js";
import { formatIsoInZone, instantMs } from "../../engine/core/time.js";
import { festivalSettingsOf, statusOf, textOf } from "../../engine/core/views.js";

interface ActorChanges {
  binding: ActorBinding | null;
  /** the actor's changes by start op, ascending */
  changes: A.ChangeMetadata[];
}

/** Authorship over `doc` (the festival as members see it), from its attestations. */
export function referenceAuthorship(doc: A.Doc<Festival>, festivalId: string): Authorship {
  const metadata = A.getChangesMetaSince(doc, []);
  const coverages = actorCoverages(doc, festivalId, metadata);
  const actors = new Map<string, ActorChanges>();
  for (const change of metadata) {
    let entry = actors.get(change.actor);
    if (entry === undefined) {
      const coverage = coverages.get(change.actor);
      entry = { binding: coverage !== undefined && "key" in coverage ? coverage : null, changes: [] };
      actors.set(change.actor, entry);
    }
    entry.changes.push(change);
  }
  for (const entry of actors.values()) entry.changes.sort((left, right) => left.startOp - right.startOp);
  const seqOfOp = (entry: ActorChanges, counter: number): number | null => {
    let low = 0;
    let high = entry.changes.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const change = entry.changes[middle];
      if (counter < change.startOp) high = middle - 1;
      else if (counter > change.maxOp) low = middle + 1;
      else return change.seq;
    }
    return null;
  };
  return {
    authorOf(object) {
      const objectId = objectIdOf(object);
      if (objectId === null) return null;
      const at = objectId.indexOf("@");
      if (at <= 0) return null;
      const entry = actors.get(objectId.slice(at + 1));
      if (entry === undefined || entry.binding === null) return null;
      const counter = Number(objectId.slice(0, at));
      if (!Number.isInteger(counter)) return null;
      const seq = seqOfOp(entry, counter);
      return seq !== null && seq <= entry.binding.throughSeq ? entry.binding.key : null;
    },
  };
}

const STATE_RANK: Record<DecisionState, number> = { cancelled: 0, revoked: 1, declined: 2, accepted: 3 };

interface ReadDecision {
  id: string;
  state: DecisionState;
  reason: string;
  generation: number;
  by: string | null;
  current: boolean;
}

/** Quantity as stored: a whole number from 1, else 1. */
function quantityOf(value: unknown): number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= BOOKING_LIMITS.quantity ? value : 1;
}

/** The facts of every resource (at most BOOKING_LIMITS.resources, by id). */
function resourceFacts(doc: Festival, authorship: Authorship): Map<string, ResourceFacts> {
  const facts = new Map<string, ResourceFacts>();
  const ids = [...lazyMapEntries(doc, "resources").entries()].filter(([, value]) => isMap(value)).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [id, value] of ids.slice(0, BOOKING_LIMITS.resources)) {
    const resource = value as Record<string, unknown> & Ownable;
    facts.set(id, {
      name: textOf(resource.name),
      quantity: quantityOf(resource.quantity),
      availability: availabilityOf(resource),
      owners: ownersOf(resource, authorship),
      removed: resource.removed === true,
    });
  }
  return facts;
}

type Entry = [id: string, value: Record<string, unknown>];

/** The bookings map split into requests and the decisions on each (by request id), at most BOOKING_LIMITS.bookings entries by id. */
function bookingEntries(doc: Festival): { requests: Entry[]; decisions: Map<string, Entry[]>; notMaps: string[]; ignored: number } {
  const stored = lazyMapEntries(doc, "bookings");
  let ids = [...stored.keys()];
  const ignored = Math.max(0, ids.length - BOOKING_LIMITS.bookings);
  if (ignored > 0) ids = ids.sort().slice(0, BOOKING_LIMITS.bookings); // which ones are read must not depend on arrival order
  const requests: Entry[] = [];
  const decisions = new Map<string, Entry[]>();
  const notMaps: string[] = [];
  for (const id of ids) {
    const value = stored.get(id);
    if (!isMap(value)) notMaps.push(id);
    else if (value.bookingId !== undefined) {
      const bookingId = textOf(value.bookingId);
      const list = decisions.get(bookingId);
      if (list) list.push([id, value]);
      else decisions.set(bookingId, [[id, value]]);
    } else requests.push([id, value]);
  }
  return { requests, decisions, notMaps, ignored };
}

function readDecisions(entries: readonly Entry[], authorship: Authorship, venueId: string, start: string, end: string): ReadDecision[] {
  const read: ReadDecision[] = [];
  for (const [id, value] of entries) {
    const state = textOf(value.state) as DecisionState;
    const generation = value.generation;
    if (!DECISION_STATES.includes(state)) continue;
    if (typeof generation !== "number" || !Number.isInteger(generation) || generation < 1 || generation > BOOKING_LIMITS.generation) continue;
    const current = textOf(value.venueId) === venueId && textOf(value.start) === start && textOf(value.end) === end;
    read.push({ id, state, reason: textOf(value.reason).slice(0, BOOKING_LIMITS.reasonLength), generation, by: authorship.authorOf(value), current });
  }
  // the latest first: highest generation, then the lowest state (a decline beats a concurrent accept), then id
  read.sort((a, b) => b.generation - a.generation || STATE_RANK[a.state] - STATE_RANK[b.state] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return read.slice(0, BOOKING_LIMITS.decisionsPerBooking);
}

/**
 * Every request of the festival and where it stands (sorted by event start, then id). The rule:
 * - a decision applies while the event's venue and times are the ones it was made for; otherwise the request is
 *   pending again (outdated);
 * - a cancel counts when its author asked; once counted the request stays cancelled;
 * - otherwise the latest decision whose author owns the venue or resource counts (highest generation; among equal
 *   generations, made apart, cancelled, revoked, declined and accepted win in that order, then the smaller id);
 * - for a shift, each person's own latest acceptance signs them up (revoked or cancelled takes them off), and an
 *   owner of the event's venue may decline the shift as a whole;
 * - every other decision that applies is a proposal, shown with its author.
 * With `decidedOnly` (for `check`), requests nobody decided yet are checked for what they point at but left out.
 */
export function referenceBookingsOf(doc: Festival, authorship: Authorship, options: { decidedOnly?: boolean } = {}): BookingsOfFestival {
  const resources = resourceFacts(doc, authorship);
  const venueAvailability = new Map<string, Window[] | null>();
  const venueOwners = new Map<string, string[]>();
  const venueFacts = (venueId: string): { owners: string[]; name: string } | null => {
    const venue = Object.prototype.hasOwnProperty.call(doc.venues, venueId) ? (doc.venues[venueId] as unknown) : undefined;
    if (!isMap(venue)) return null;
    let owners = venueOwners.get(venueId);
    if (owners === undefined) {
      owners = ownersOf(venue as Ownable, authorship);
      venueOwners.set(venueId, owners);
      venueAvailability.set(venueId, availabilityOf(venue as Ownable));
    }
    return { owners, name: textOf(venue.name) };
  };
  const { requests, decisions: decisionsOf, notMaps, ignored } = bookingEntries(doc);
  const bookings: BookingStanding[] = [];
  const broken: BrokenBooking[] = notMaps.map((id) => ({ id, problem: "it is not a request or a decision (not a map)" }));
  const events = new Map<string, { event: Record<string, unknown> | null; startMs: number; endMs: number }>();
  const eventOf = (eventId: string) => {
    let known = events.get(eventId);
    if (known === undefined) {
      const event = getEvent(doc, eventId) as unknown;
      known = isMap(event)
        ? { event, startMs: instantMs(textOf(event.start)) ?? Number.NaN, endMs: instantMs(textOf(event.end)) ?? Number.NaN }
        : { event: null, startMs: Number.NaN, endMs: Number.NaN };
      events.set(eventId, known);
    }
    return known;
  };
  for (const [id, raw] of requests) {
    const eventId = textOf(raw.eventId);
    const known = eventOf(eventId);
    const event = known.event;
    if (event === null) {
      broken.push({ id, problem: `it asks for event ${JSON.stringify(eventId.slice(0, 100))}, which is not in this festival` });
      continue;
    }
    const venueId = textOf(event.venueId);
    const start = textOf(event.start);
    const end = textOf(event.end);
    const role = raw.role === undefined ? undefined : textOf(raw.role);
    const resourceId = raw.resourceId === undefined ? undefined : textOf(raw.resourceId);
    let kind: BookingKind;
    let targetId: string;
    let targetName: string;
    let owners: string[];
    if (role !== undefined) {
      kind = "shift";
      const venue = venueFacts(venueId);
      targetId = venueId;
      targetName = venue?.name ?? "";
      owners = venue?.owners ?? [];
    } else if (resourceId !== undefined) {
      kind = "resource";
      const resource = resources.get(resourceId);
      if (resource === undefined) {
        broken.push({ id, problem: `it asks for resource ${JSON.stringify(resourceId.slice(0, 100))}, which is not in this festival` });
        continue;
      }
      targetId = resourceId;
      targetName = resource.name;
      owners = resource.owners;
    } else {
      kind = "venue";
      const venue = venueFacts(venueId);
      if (venue === null) {
        broken.push({ id, problem: `its event is at venue ${JSON.stringify(venueId.slice(0, 100))}, which is not in this festival` });
        continue;
      }
      targetId = venueId;
      targetName = venue.name;
      owners = venue.owners;
    }
    const decisionEntries = decisionsOf.get(id);
    if (options.decidedOnly === true && decisionEntries === undefined) continue;
    const askedBy = authorship.authorOf(raw);
    const decisions = readDecisions(decisionEntries ?? [], authorship, venueId, start, end);
    const standing: BookingStanding = {
      id,
      kind,
      eventId,
      eventTitle: textOf(event.title),
      targetId,
      targetName,
      askedBy,
      state: "pending",
      reason: "",
      decidedBy: null,
      outdated: false,
      signedUp: [],
      proposals: [],
      owners,
      start,
      end,
      startMs: known.startMs,
      endMs: known.endMs,
      eventCancelled: statusOf(event.status) === "cancelled",
    };
    if (kind === "shift") {
      standing.role = role;
      standing.count = typeof raw.count === "number" && Number.isInteger(raw.count) && raw.count >= 1 ? Math.min(raw.count, BOOKING_LIMITS.shiftCount) : 1;
    }
    judge(standing, decisions);
    bookings.push(standing);
  }
  const requestIds = new Set(requests.map(([id]) => id));
  for (const [bookingId, entries] of decisionsOf) {
    if (!requestIds.has(bookingId)) for (const [id] of entries) broken.push({ id, problem: `it decides request ${JSON.stringify(bookingId.slice(0, 100))}, which is not in this festival` });
  }
  bookings.sort((a, b) => (a.startMs - b.startMs) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { bookings, broken, ignored, resources, venueAvailability };
}

function judge(standing: BookingStanding, decisions: readonly ReadDecision[]): void {
  const owns = (key: string | null) => key !== null && standing.owners.includes(key);
  const cancel = decisions.find((decision) => decision.state === "cancelled" && decision.by !== null && decision.by === standing.askedBy);
  if (cancel) {
    standing.state = "cancelled";
    standing.reason = cancel.reason;
    standing.decidedBy = cancel.by;
    return;
  }
  standing.outdated = decisions.length > 0 && decisions.every((decision) => !decision.current);
  const applying = decisions.filter((decision) => decision.current);
  if (standing.kind === "shift") {
    const latestPerPerson = new Map<string, ReadDecision>();
    for (const decision of applying) if (decision.by !== null && !latestPerPerson.has(decision.by)) latestPerPerson.set(decision.by, decision);
    const ownerDecline = applying.find((decision) => decision.state === "declined" && owns(decision.by));
    if (ownerDecline) {
      standing.state = "declined";
      standing.reason = ownerDecline.reason;
      standing.decidedBy = ownerDecline.by;
      return;
    }
    standing.signedUp = [...latestPerPerson.values()].filter((d) => d.state === "accepted").map((d) => d.by as string).sort();
    standing.state = standing.signedUp.length >= (standing.count ?? 1) ? "accepted" : "pending";
    return;
  }
  const counting = applying.find((decision) => owns(decision.by) && decision.state !== "cancelled");
  if (counting) {
    standing.state = counting.state;
    standing.reason = counting.reason;
    standing.decidedBy = counting.by;
  }
  for (const decision of applying) {
    if (decision === counting || owns(decision.by)) continue;
    if (decision.state === "cancelled" && decision.by === standing.askedBy) continue;
    if (counting && counting.generation > decision.generation) continue; // an owner decided since
    standing.proposals.push({ id: decision.id, state: decision.state, reason: decision.reason, by: decision.by });
  }
}

function holds(booking: BookingStanding): boolean {
  return booking.state === "accepted" && !booking.eventCancelled && Number.isFinite(booking.startMs) && Number.isFinite(booking.endMs) && booking.endMs > booking.startMs;
}

/**
 * The clashes among accepted requests. Concurrent acceptances merged from replicas apart are judged like any
 * others, so two owners who each said yes while apart both show in the clash. Sorted by resource id, then time.
 */
function referenceClashes(festival: BookingsOfFestival): BookingClashes {
  const byResource = new Map<string, BookingStanding[]>();
  const outside: OutsideAvailability[] = [];
  for (const booking of festival.bookings) {
    if (!holds(booking)) continue;
    if (booking.kind === "resource") {
      const list = byResource.get(booking.targetId);
      if (list) list.push(booking);
      else byResource.set(booking.targetId, [booking]);
      const windows = festival.resources.get(booking.targetId)?.availability ?? null;
      if (!withinAvailability(windows, booking.startMs, booking.endMs)) {
        outside.push({ bookingId: booking.id, eventId: booking.eventId, kind: "resource", targetId: booking.targetId, targetName: booking.targetName });
      }
    } else if (booking.kind === "venue") {
      const windows = festival.venueAvailability.get(booking.targetId) ?? null;
      if (!withinAvailability(windows, booking.startMs, booking.endMs)) {
        outside.push({ bookingId: booking.id, eventId: booking.eventId, kind: "venue", targetId: booking.targetId, targetName: booking.targetName });
      }
    }
  }
  const overbookings: Overbooking[] = [];
  for (const resourceId of [...byResource.keys()].sort()) {
    const facts = festival.resources.get(resourceId);
    const quantity = facts?.quantity ?? 1;
    sweep(byResource.get(resourceId) ?? [], quantity, (stretch) =>
      overbookings.push({ resourceId, resourceName: facts?.name ?? "", quantity, ...stretch }),
    );
  }
  return { overbookings, outside };
}

type Stretch = Pick<Overbooking, "peak" | "fromMs" | "toMs" | "bookingIds" | "eventIds" | "involved">;

/**
 * One pass over the start and end points of one resource's accepted requests (ends before starts at the same
 * instant: one ending as the next starts is no overbooking). A stretch opens when more than `quantity` run and
 * closes when they drop back; it names every request running during it.
 */
function sweep(bookings: readonly BookingStanding[], quantity: number, report: (stretch: Stretch) => void): void {
  if (bookings.length <= quantity) return;
  const points: { at: number; delta: 1 | -1; booking: BookingStanding }[] = [];
  for (const booking of bookings) {
    points.push({ at: booking.startMs, delta: 1, booking }, { at: booking.endMs, delta: -1, booking });
  }
  points.sort((a, b) => a.at - b.at || a.delta - b.delta || (a.booking.id < b.booking.id ? -1 : a.booking.id > b.booking.id ? 1 : 0));
  const running = new Set<BookingStanding>();
  let open: { fromMs: number; peak: number; involved: Set<BookingStanding> } | null = null;
  for (const point of points) {
    if (point.delta === 1) {
      running.add(point.booking);
      if (open) open.involved.add(point.booking);
      if (running.size > quantity) {
        open ??= { fromMs: point.at, peak: 0, involved: new Set(running) };
        open.peak = Math.max(open.peak, running.size);
      }
    } else {
      running.delete(point.booking);
      if (open && running.size <= quantity) {
        const involved = [...open.involved];
        report({
          peak: open.peak,
          fromMs: open.fromMs,
          toMs: point.at,
          involved: involved.length,
          bookingIds: involved.slice(0, LISTED_PER_OVERBOOKING).map((b) => b.id),
          eventIds: involved.slice(0, LISTED_PER_OVERBOOKING).map((b) => b.eventId),
        });
        open = null;
      }
    }
  }
}

/** The booking part of `check` for the festival members see (`doc`); `authorship` defaults to the one over `doc`. */
export function referenceCheckBookings(doc: A.Doc<Festival>, festivalId: string, authorship: Authorship = referenceAuthorship(doc, festivalId)): BookingCheck {
  const festival = referenceBookingsOf(doc, authorship, { decidedOnly: true });
  const clashes = referenceClashes(festival);
  const zone = festivalSettingsOf(doc).timeZone;
  return {
    overbookings: clashes.overbookings.map(({ fromMs, toMs, ...rest }) => ({ ...rest, from: formatIsoInZone(fromMs, zone), to: formatIsoInZone(toMs, zone) })),
    outsideAvailability: clashes.outside,
    broken: festival.broken.slice(0, 1000),
    ignored: festival.ignored,
  };
}

