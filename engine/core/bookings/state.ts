// Where every booking request stands, decided the same on every replica: only decisions whose verified author owns
// the venue or resource count (an asker's own cancel too); anyone else's is a proposed decision an owner may take up.
import { getEvent } from "../event-shards.js";
import type { Festival } from "../schema.js";
import { instantMs } from "../time.js";
import { statusOf, textOf } from "../views.js";
import type { Authorship } from "./authorship.js";
import { confirmationText, isTentative, type Confirmation } from "./confirmation.js";
import { ASKED_STATE, BOOKING_LIMITS, DECISION_STATES, isMap, lazyMapEntries, lazyMapView, type DecisionState } from "./model.js";

import { availabilityOf, ownersOf, type Ownable, type Window } from "./owners.js";

export { confirmationText, isTentative, type Confirmation };

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
  /** for a shift: the people its owners asked and how they answered (only their own answer counts); absent when none */
  asked?: ShiftAsk[];
}

/** A person a shift's owner asked to take it: "asked" until they answer with their own accept (or decline, revoke). */
export interface ShiftAsk {
  person: string;
  state: "asked" | "accepted" | "declined";
  /** the owner who asked */
  by: string;
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

/**
 * The bookings map read once, in the order stored: requests, decisions (each with the request it decides) and
 * entries that are not maps, as parallel lists, and each request id's decisions as a chain of places (nothing is
 * made per entry).
 */
interface ScannedBookings {
  requestIds: string[];
  requests: Record<string, unknown>[];
  decisionIds: string[];
  decisions: Record<string, unknown>[];
  /** the request each decision decides (its bookingId), by the decision's place */
  decides: string[];
  /** the place of the first decision on each request id a decision names (a request or not) */
  firstDecision: Map<string, number>;
  /** the place of the next decision on the same request id, in the order stored; -1 after the last */
  nextDecision: Int32Array;
  notMaps: string[];
  ignored: number;
}

/** One pass over the bookings map, at most BOOKING_LIMITS.bookings entries by id; a decision is an entry with a bookingId. */
function scanBookings(doc: Festival): ScannedBookings {
  const stored = lazyMapView(doc, "bookings");
  let ids = stored.ids;
  const ignored = Math.max(0, ids.length - BOOKING_LIMITS.bookings);
  if (ignored > 0) ids = ids.sort().slice(0, BOOKING_LIMITS.bookings); // which ones are read must not depend on arrival order
  const requestIds: string[] = [];
  const requests: Record<string, unknown>[] = [];
  const decisionIds: string[] = [];
  const decisions: Record<string, unknown>[] = [];
  const decides: string[] = [];
  const notMaps: string[] = [];
  for (let index = 0; index < ids.length; index++) {
    const id = ids[index];
    const value = stored.value(id);
    if (!isMap(value)) notMaps.push(id);
    else if (value.bookingId !== undefined) {
      decisionIds.push(id);
      decisions.push(value);
      decides.push(textOf(value.bookingId));
    } else {
      requestIds.push(id);
      requests.push(value);
    }
  }
  // chained from the last, so each chain runs in the order stored
  const firstDecision = new Map<string, number>();
  const nextDecision = new Int32Array(decides.length);
  for (let place = decides.length - 1; place >= 0; place--) {
    nextDecision[place] = firstDecision.get(decides[place]) ?? -1;
    firstDecision.set(decides[place], place);
  }
  return { requestIds, requests, decisionIds, decisions, decides, firstDecision, nextDecision, notMaps, ignored };
}

/** The bookings map split into requests and the decisions on each (by request id), at most BOOKING_LIMITS.bookings entries by id. */
export function bookingEntries(doc: Festival): { requests: Entry[]; decisions: Map<string, Entry[]>; notMaps: string[]; ignored: number } {
  const scanned = scanBookings(doc);
  const requests = scanned.requests.map((value, index): Entry => [scanned.requestIds[index], value]);
  const decisions = new Map<string, Entry[]>();
  scanned.firstDecision.forEach((first, bookingId) => {
    const entries: Entry[] = [];
    for (let place = first; place !== -1; place = scanned.nextDecision[place]) entries.push([scanned.decisionIds[place], scanned.decisions[place]]);
    decisions.set(bookingId, entries);
  });
  return { requests, decisions, notMaps: scanned.notMaps, ignored: scanned.ignored };
}

/** The decisions on one request (from the place of its first), read and ordered latest first; reasons only when asked for. */
function readDecisions(scanned: ScannedBookings, first: number, authorship: Authorship, event: EventFacts, withReasons: boolean): ReadDecision[] {
  if (scanned.nextDecision[first] === -1) {
    // most requests have one decision
    const only = readDecision(scanned, first, authorship, event, withReasons);
    return only === undefined ? [] : [only];
  }
  const read: ReadDecision[] = [];
  for (let place = first; place !== -1; place = scanned.nextDecision[place]) {
    const decision = readDecision(scanned, place, authorship, event, withReasons);
    if (decision !== undefined) read.push(decision);
  }
  // the latest first: highest generation, then the lowest state (a decline beats a concurrent accept), then id
  read.sort((a, b) => b.generation - a.generation || STATE_RANK[a.state] - STATE_RANK[b.state] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (read.length > BOOKING_LIMITS.decisionsPerBooking) read.length = BOOKING_LIMITS.decisionsPerBooking;
  return read;
}

/** The decision at `place`, or undefined when its state or generation cannot be read. */
function readDecision(scanned: ScannedBookings, place: number, authorship: Authorship, event: EventFacts, withReasons: boolean): ReadDecision | undefined {
  const value = scanned.decisions[place];
  const state = textOf(value.state) as DecisionState;
  const generation = value.generation;
  if (!DECISION_STATES.includes(state)) return undefined;
  if (typeof generation !== "number" || !Number.isInteger(generation) || generation < 1 || generation > BOOKING_LIMITS.generation) return undefined;
  const current = textOf(value.venueId) === event.venueId && textOf(value.start) === event.start && textOf(value.end) === event.end;
  const reason = withReasons ? textOf(value.reason).slice(0, BOOKING_LIMITS.reasonLength) : "";
  return { id: scanned.decisionIds[place], state, reason, generation, by: authorship.authorOf(value), current };
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

/** A venue or resource as requests read it: its name and the keys whose decisions count. */
interface Target {
  name: string;
  owners: string[];
}

/** What reading the requests finds besides them: entries that cannot be judged, and what requests point at. */
interface RequestsRead {
  broken: BrokenBooking[];
  ignored: number;
  resources: Map<string, ResourceFacts>;
  venueAvailability: Map<string, Window[] | null>;
}

/**
 * Called for each request that points at an event, venue and resource of the festival, in the order stored, with
 * the place of its first decision (undefined: none).
 */
type RequestVisit = (id: string, raw: Record<string, unknown>, kind: BookingKind, event: EventFacts, targetId: string, target: Target, first: number | undefined) => void;

/**
 * Every request of `scanned` with what it asks for (a shift: the event's venue): each event, venue and resource
 * read once; requests pointing at what is not there, decisions of requests that are not, and entries that are
 * not maps are broken.
 */
function readRequests(doc: Festival, authorship: Authorship, scanned: ScannedBookings, visit: RequestVisit): RequestsRead {
  const resources = resourceFacts(doc, authorship);
  const venueAvailability = new Map<string, Window[] | null>();
  const venues = new Map<string, Target | null>();
  const venueFacts = (venueId: string): Target | null => {
    let facts = venues.get(venueId);
    if (facts === undefined) {
      const venue = Object.prototype.hasOwnProperty.call(doc.venues, venueId) ? (doc.venues[venueId] as unknown) : undefined;
      facts = isMap(venue) ? { owners: ownersOf(venue as Ownable, authorship), name: textOf(venue.name) } : null;
      if (facts !== null) venueAvailability.set(venueId, availabilityOf(venue as Ownable));
      venues.set(venueId, facts);
    }
    return facts;
  };
  const events = new Map<string, EventFacts | null>();
  const eventOf = (eventId: string): EventFacts | null => {
    let facts = events.get(eventId);
    if (facts === undefined) {
      const event = getEvent(doc, eventId) as unknown;
      facts = isMap(event) ? eventFacts(eventId, event) : null;
      events.set(eventId, facts);
    }
    return facts;
  };
  const { requestIds, requests, firstDecision, notMaps, ignored } = scanned;
  // the first decisions of requests that are there: the other chains decide requests that are not
  const claimed = new Uint8Array(scanned.decisions.length);
  const broken: BrokenBooking[] = notMaps.map((id) => ({ id, problem: "it is not a request or a decision (not a map)" }));
  for (let index = 0; index < requests.length; index++) {
    const id = requestIds[index];
    const raw = requests[index];
    const first = firstDecision.get(id);
    if (first !== undefined) claimed[first] = 1;
    const eventId = textOf(raw.eventId);
    const event = eventOf(eventId);
    if (event === null) {
      broken.push({ id, problem: `it asks for event ${JSON.stringify(eventId.slice(0, 100))}, which is not in this festival` });
      continue;
    }
    if (raw.role !== undefined) {
      visit(id, raw, "shift", event, event.venueId, venueFacts(event.venueId) ?? { name: "", owners: [] }, first);
    } else if (raw.resourceId !== undefined) {
      const resourceId = textOf(raw.resourceId);
      const resource = resources.get(resourceId);
      if (resource === undefined) broken.push({ id, problem: `it asks for resource ${JSON.stringify(resourceId.slice(0, 100))}, which is not in this festival` });
      else visit(id, raw, "resource", event, resourceId, resource, first);
    } else {
      const venue = venueFacts(event.venueId);
      if (venue === null) broken.push({ id, problem: `its event is at venue ${JSON.stringify(event.venueId.slice(0, 100))}, which is not in this festival` });
      else visit(id, raw, "venue", event, event.venueId, venue, first);
    }
  }
  const orphans: number[] = [];
  firstDecision.forEach((first) => {
    if (claimed[first] === 0) orphans.push(first);
  });
  // by their first decision, in the order stored
  orphans.sort((a, b) => a - b);
  for (const first of orphans) {
    const problem = `it decides request ${JSON.stringify(scanned.decides[first].slice(0, 100))}, which is not in this festival`;
    for (let place = first; place !== -1; place = scanned.nextDecision[place]) broken.push({ id: scanned.decisionIds[place], problem });
  }
  return { broken, ignored, resources, venueAvailability };
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
 * With `decidedOnly`, requests nobody decided yet are checked for what they point at but left out.
 */
export function bookingsOf(doc: Festival, authorship: Authorship, options: { decidedOnly?: boolean } = {}): BookingsOfFestival {
  const scanned = scanBookings(doc);
  const bookings: BookingStanding[] = [];
  const read = readRequests(doc, authorship, scanned, (id, raw, kind, event, targetId, target, first) => {
    if (options.decidedOnly === true && first === undefined) return;
    const standing: BookingStanding = {
      id,
      kind,
      eventId: event.id,
      eventTitle: event.title,
      targetId,
      targetName: target.name,
      askedBy: authorship.authorOf(raw),
      state: "pending",
      reason: "",
      decidedBy: null,
      outdated: false,
      signedUp: [],
      proposals: [],
      owners: target.owners,
      start: event.start,
      end: event.end,
      startMs: event.startMs,
      endMs: event.endMs,
      eventCancelled: event.cancelled,
    };
    if (kind === "shift") {
      standing.role = textOf(raw.role);
      standing.count = typeof raw.count === "number" && Number.isInteger(raw.count) && raw.count >= 1 ? Math.min(raw.count, BOOKING_LIMITS.shiftCount) : 1;
    }
    if (first !== undefined) {
      const decisions = readDecisions(scanned, first, authorship, event, true);
      judge(standing, decisions);
      if (kind === "shift") {
        const asked = shiftAsks(scanned, first, decisions, standing, authorship, event);
        if (asked.length > 0) standing.asked = asked;
      }
    }
    bookings.push(standing);
  });
  bookings.sort(byStart);
  return { bookings, ...read };
}

/** The accepted venue and resource requests (in the order stored), and what `check` says besides. */
export interface AcceptedBookings extends RequestsRead {
  bookings: AcceptedBooking[];
}

/** A venue or resource request whose standing decision accepts it: what the clashes read of it. */
export type AcceptedBooking = Pick<BookingStanding, "id" | "kind" | "eventId" | "targetId" | "targetName" | "state" | "startMs" | "endMs" | "eventCancelled">;

/**
 * What `check` judges: the venue and resource requests that stand accepted by bookingsOf's rule (shifts hold no
 * venue or resource), read without what only people read (reasons, proposals, the asker unless a cancel is
 * judged). Requests no decision accepts are only checked for what they point at.
 */
export function acceptedBookingsOf(doc: Festival, authorship: Authorship): AcceptedBookings {
  const scanned = scanBookings(doc);
  const bookings: AcceptedBooking[] = [];
  // one standing judged over and over, so nothing is made for a request that is not accepted
  const judged: BookingStanding = {
    id: "", kind: "venue", eventId: "", eventTitle: "", targetId: "", targetName: "", askedBy: null, state: "pending", reason: "",
    decidedBy: null, outdated: false, signedUp: [], proposals: [], owners: [], start: "", end: "", startMs: 0, endMs: 0, eventCancelled: false,
  };
  const read = readRequests(doc, authorship, scanned, (id, raw, kind, event, targetId, target, first) => {
    if (kind === "shift" || first === undefined || !someAccept(scanned, first)) return;
    const decisions = readDecisions(scanned, first, authorship, event, false);
    judged.kind = kind;
    judged.owners = target.owners;
    judged.askedBy = someCancel(decisions) ? authorship.authorOf(raw) : null;
    if (judgedAfresh(judged, decisions) !== "accepted") return;
    bookings.push({ id, kind, eventId: event.id, targetId, targetName: target.name, state: "accepted", startMs: event.startMs, endMs: event.endMs, eventCancelled: event.cancelled });
  });
  return { bookings, ...read };
}

/**
 * The people a shift's owners asked (asks by anyone else, or made for an earlier time or venue, are ignored), each
 * once, sorted, with the state of their own latest decision that applies: none yet is "asked".
 */
function shiftAsks(scanned: ScannedBookings, first: number, decisions: readonly ReadDecision[], standing: BookingStanding, authorship: Authorship, event: EventFacts): ShiftAsk[] {
  const asked = new Map<string, ShiftAsk>();
  for (let place = first; place !== -1; place = scanned.nextDecision[place]) {
    const value = scanned.decisions[place];
    if (textOf(value.state) !== ASKED_STATE) continue;
    const person = textOf(value.person);
    if (!/^[0-9a-f]{64}$/.test(person) || asked.has(person)) continue;
    if (textOf(value.venueId) !== event.venueId || textOf(value.start) !== event.start || textOf(value.end) !== event.end) continue;
    const by = authorship.authorOf(value);
    if (by === null || !standing.owners.includes(by)) continue;
    const answer = decisions.find((decision) => decision.current && decision.by === person);
    asked.set(person, { person, by, state: answer === undefined ? "asked" : answer.state === "accepted" ? "accepted" : "declined" });
    if (asked.size >= BOOKING_LIMITS.decisionsPerBooking) break;
  }
  return [...asked.values()].sort((a, b) => (a.person < b.person ? -1 : 1));
}

/** The order bookings are listed in: by the event's start, then id. */
export function byStart(a: { startMs: number; id: string }, b: { startMs: number; id: string }): number {
  return a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Whether any of the decisions read is a cancel. */
function someCancel(decisions: readonly ReadDecision[] | undefined): boolean {
  if (decisions !== undefined) for (const decision of decisions) if (decision.state === "cancelled") return true;
  return false;
}

/** Whether any of a request's decisions accepts it (else, whoever made them, it holds nothing). */
function someAccept(scanned: ScannedBookings, first: number): boolean {
  for (let place = first; place !== -1; place = scanned.nextDecision[place]) if (textOf(scanned.decisions[place].state) === "accepted") return true;
  return false;
}

/** What every request of one event reads from it, read once per event. */
interface EventFacts {
  id: string;
  venueId: string;
  start: string;
  end: string;
  startMs: number;
  endMs: number;
  title: string;
  cancelled: boolean;
}

function eventFacts(id: string, event: Record<string, unknown>): EventFacts {
  const start = textOf(event.start);
  const end = textOf(event.end);
  return {
    id,
    venueId: textOf(event.venueId),
    start,
    end,
    startMs: instantMs(start) ?? Number.NaN,
    endMs: instantMs(end) ?? Number.NaN,
    title: textOf(event.title),
    cancelled: statusOf(event.status) === "cancelled",
  };
}

/** Judges a standing used before as if new (its request's facts already in it): its state. */
function judgedAfresh(standing: BookingStanding, decisions: readonly ReadDecision[]): BookingState {
  standing.state = "pending";
  standing.reason = "";
  standing.decidedBy = null;
  standing.outdated = false;
  standing.proposals.length = 0;
  judge(standing, decisions);
  return standing.state;
}

function judge(standing: BookingStanding, decisions: readonly ReadDecision[]): void {
  const { owners, askedBy } = standing;
  let cancel: ReadDecision | undefined;
  for (const decision of decisions) {
    if (decision.state === "cancelled" && decision.by !== null && decision.by === askedBy) {
      cancel = decision;
      break;
    }
  }
  if (cancel) {
    standing.state = "cancelled";
    standing.reason = cancel.reason;
    standing.decidedBy = cancel.by;
    return;
  }
  standing.outdated = decisions.length > 0 && decisions.every((decision) => !decision.current);
  if (standing.kind === "shift") {
    judgeShift(standing, decisions.filter((decision) => decision.current));
    return;
  }
  let counting: ReadDecision | undefined;
  for (const decision of decisions) {
    if (decision.current && decision.state !== "cancelled" && owns(owners, decision.by)) {
      counting = decision;
      break;
    }
  }
  if (counting) {
    standing.state = counting.state;
    standing.reason = counting.reason;
    standing.decidedBy = counting.by;
  }
  for (const decision of decisions) {
    if (!decision.current || decision === counting || owns(owners, decision.by)) continue;
    if (decision.state === "cancelled" && decision.by === askedBy) continue;
    if (counting && counting.generation > decision.generation) continue; // an owner decided since
    standing.proposals.push({ id: decision.id, state: decision.state, reason: decision.reason, by: decision.by });
  }
}

function owns(owners: readonly string[], key: string | null): boolean {
  return key !== null && owners.includes(key);
}

/** A shift from the decisions that apply: an owner's decline declines it, else each person's latest accept signs them up. */
function judgeShift(standing: BookingStanding, applying: readonly ReadDecision[]): void {
  const latestPerPerson = new Map<string, ReadDecision>();
  for (const decision of applying) if (decision.by !== null && !latestPerPerson.has(decision.by)) latestPerPerson.set(decision.by, decision);
  const ownerDecline = applying.find((decision) => decision.state === "declined" && owns(standing.owners, decision.by));
  if (ownerDecline) {
    standing.state = "declined";
    standing.reason = ownerDecline.reason;
    standing.decidedBy = ownerDecline.by;
    return;
  }
  standing.signedUp = [...latestPerPerson.values()].filter((d) => d.state === "accepted").map((d) => d.by as string).sort();
  standing.state = standing.signedUp.length >= (standing.count ?? 1) ? "accepted" : "pending";
}

/** Per event: how many of its live requests (not cancelled, not shifts) there are and how many are accepted. */
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
