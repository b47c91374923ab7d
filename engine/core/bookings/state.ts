// Where every booking request stands, decided the same on every replica: only decisions whose verified author owns
// the venue or resource count (an asker's own cancel too); anyone else's is a proposed decision an owner may take up.
import { getEvent } from "../event-shards.js";
import type { Festival } from "../schema.js";
import { instantMs } from "../time.js";
import { statusOf, textOf } from "../views.js";
import type { Authorship } from "./authorship.js";
import { BOOKING_LIMITS, DECISION_STATES, isMap, lazyMapEntries, type DecisionState } from "./model.js";

import { availabilityOf, ownersOf, type Ownable, type Window } from "./owners.js";

export type BookingState = "pending" | DecisionState;
export type BookingKind = "venue" | "resource" | "shift";

/** A decision that does not count: its author owns nothing here (or it was made for the event as it was). */
export interface ProposedDecision {
  id: string;
  state: DecisionState;
  reason: string;
  /** its verified author, null when unsigned */
  by: string | null;
}

export interface BookingStanding {
  id: string;
  kind: BookingKind;
  eventId: string;
  eventTitle: string;
  /** the venue (kind venue) or resource (kind resource) asked for; the event's venue for a shift */
  targetId: string;
  targetName: string;
  /** a shift's role and how many people it needs */
  role?: string;
  count?: number;
  /** who asked (the verified author of the request), null when unsigned */
  askedBy: string | null;
  state: BookingState;
  reason: string;
  /** the owner whose decision stands */
  decidedBy: string | null;
  /** decisions made for an earlier time or venue of the event, no longer applying (it is pending again) */
  outdated: boolean;
  /** for a shift: the people signed up (their own acceptances), sorted */
  signedUp: string[];
  proposals: ProposedDecision[];
  owners: string[];
  start: string;
  end: string;
  startMs: number;
  endMs: number;
  /** the event is cancelled: the request holds nothing */
  eventCancelled: boolean;
}

/** A request that cannot be judged: what is wrong with it. */
export interface BrokenBooking {
  id: string;
  problem: string;
}

export interface BookingsOfFestival {
  bookings: BookingStanding[];
  broken: BrokenBooking[];
  /** requests beyond BOOKING_LIMITS.bookings, not read */
  ignored: number;
  /** per resource id: quantity, name and availability */
  resources: Map<string, ResourceFacts>;
  venueAvailability: Map<string, Window[] | null>;
}

export interface ResourceFacts {
  name: string;
  quantity: number;
  availability: Window[] | null;
  owners: string[];
  removed: boolean;
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
export function quantityOf(value: unknown): number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= BOOKING_LIMITS.quantity ? value : 1;
}

/** The facts of every resource (at most BOOKING_LIMITS.resources, by id). */
export function resourceFacts(doc: Festival, authorship: Authorship): Map<string, ResourceFacts> {
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
export function bookingEntries(doc: Festival): { requests: Entry[]; decisions: Map<string, Entry[]>; notMaps: string[]; ignored: number } {
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

/** The highest generation among a request's decisions (the next decision writes one more). */
export function latestGeneration(entries: readonly Entry[]): number {
  let highest = 0;
  for (const [, value] of entries) {
    if (isMap(value) && typeof value.generation === "number" && Number.isInteger(value.generation) && value.generation <= BOOKING_LIMITS.generation) {
      highest = Math.max(highest, value.generation);
    }
  }
  return highest;
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
export function bookingsOf(doc: Festival, authorship: Authorship, options: { decidedOnly?: boolean } = {}): BookingsOfFestival {
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

/** Per event: how many of its live requests (not cancelled, not shifts) there are and how many are accepted. */
export interface Confirmation {
  accepted: number;
  requested: number;
}

export function confirmationsOf(bookings: readonly BookingStanding[]): Map<string, Confirmation> {
  const byEvent = new Map<string, Confirmation>();
  for (const booking of bookings) {
    if (booking.state === "cancelled" || booking.kind === "shift") continue;
    const entry = byEvent.get(booking.eventId) ?? { accepted: 0, requested: 0 };
    entry.requested += 1;
    if (booking.state === "accepted") entry.accepted += 1;
    byEvent.set(booking.eventId, entry);
  }
  return byEvent;
}

/** "75% confirmed (3 of 4)", or "" when the event asked for nothing. */
export function confirmationText(confirmation: Confirmation | undefined): string {
  if (confirmation === undefined || confirmation.requested === 0) return "";
  const percent = Math.floor((confirmation.accepted * 100) / confirmation.requested);
  return `${percent}% confirmed (${confirmation.accepted} of ${confirmation.requested})`;
}

/** Whether an event that asked for things is still tentative (not every request accepted). */
export function isTentative(confirmation: Confirmation | undefined): boolean {
  return confirmation !== undefined && confirmation.requested > 0 && confirmation.accepted < confirmation.requested;
}
