// Booking clashes `check` reports: a resource held by more accepted requests at once than it has (one sweep per
// resource over start and end points, never pairwise), and accepted requests outside a venue's or resource's availability.
import type { BookingStanding, ResourceFacts } from "./state.js";
import type { Window } from "./owners.js";
import { withinAvailability } from "./owners.js";

/** The most requests an overbooking lists by id (the count says how many there were). */
export const LISTED_PER_OVERBOOKING = 50;

export interface Overbooking {
  resourceId: string;
  resourceName: string;
  quantity: number;
  /** the most accepted requests running at once in this stretch */
  peak: number;
  /** the stretch during which more than `quantity` were running */
  fromMs: number;
  toMs: number;
  /** the requests involved (ids, by start), at most LISTED_PER_OVERBOOKING */
  bookingIds: string[];
  eventIds: string[];
  involved: number;
}

export interface OutsideAvailability {
  bookingId: string;
  eventId: string;
  kind: "venue" | "resource";
  targetId: string;
  targetName: string;
}

export interface BookingClashes {
  overbookings: Overbooking[];
  outside: OutsideAvailability[];
}

interface Outside extends OutsideAvailability {
  startMs: number;
}

/** What the clashes read of a request (a BookingStanding has it all). */
export type RequestForClashes = Pick<BookingStanding, "id" | "kind" | "eventId" | "targetId" | "targetName" | "state" | "startMs" | "endMs" | "eventCancelled">;

/** The requests to judge, with the quantity and availability of what they ask for (bookingsOf gives it all). */
export interface ClashInput {
  bookings: readonly RequestForClashes[];
  resources: Map<string, ResourceFacts>;
  venueAvailability: Map<string, Window[] | null>;
}

function holds(booking: RequestForClashes): boolean {
  return booking.state === "accepted" && !booking.eventCancelled && Number.isFinite(booking.startMs) && Number.isFinite(booking.endMs) && booking.endMs > booking.startMs;
}

/**
 * The clashes among accepted requests. Concurrent acceptances merged from replicas apart are judged like any
 * others, so two owners who each said yes while apart both show in the clash. Overbookings by resource id, then
 * time; bookings outside availability by the event's start, then id (whatever order the bookings come in).
 */
export function findBookingClashes(festival: ClashInput): BookingClashes {
  const byResource = new Map<string, RequestForClashes[]>();
  const outside: Outside[] = [];
  for (const booking of festival.bookings) {
    if (!holds(booking)) continue;
    if (booking.kind === "resource") {
      const list = byResource.get(booking.targetId);
      if (list) list.push(booking);
      else byResource.set(booking.targetId, [booking]);
      const windows = festival.resources.get(booking.targetId)?.availability ?? null;
      if (!withinAvailability(windows, booking.startMs, booking.endMs)) {
        outside.push({ bookingId: booking.id, eventId: booking.eventId, kind: "resource", targetId: booking.targetId, targetName: booking.targetName, startMs: booking.startMs });
      }
    } else if (booking.kind === "venue") {
      const windows = festival.venueAvailability.get(booking.targetId) ?? null;
      if (!withinAvailability(windows, booking.startMs, booking.endMs)) {
        outside.push({ bookingId: booking.id, eventId: booking.eventId, kind: "venue", targetId: booking.targetId, targetName: booking.targetName, startMs: booking.startMs });
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
  outside.sort((a, b) => a.startMs - b.startMs || (a.bookingId < b.bookingId ? -1 : a.bookingId > b.bookingId ? 1 : 0));
  return { overbookings, outside: outside.map(({ startMs: _startMs, ...rest }) => rest) };
}

type Stretch = Pick<Overbooking, "peak" | "fromMs" | "toMs" | "bookingIds" | "eventIds" | "involved">;

/**
 * One pass over the start and end points of one resource's accepted requests (ends before starts at the same
 * instant: one ending as the next starts is no overbooking; among starts or ends at one instant, by id): the starts
 * and the ends each sorted once and merged. A stretch opens when more than `quantity` run and closes when they
 * drop back; it names every request running during it.
 */
function sweep(bookings: RequestForClashes[], quantity: number, report: (stretch: Stretch) => void): void {
  if (bookings.length <= quantity) return;
  const starts = bookings.sort((a, b) => a.startMs - b.startMs || byId(a, b));
  const ends = [...bookings].sort((a, b) => a.endMs - b.endMs || byId(a, b));
  const running = new Set<RequestForClashes>();
  let open: { fromMs: number; peak: number; involved: Set<RequestForClashes> } | null = null;
  let nextStart = 0;
  for (const ending of ends) {
    // every start before this end (or at the same instant, after it) comes first
    while (nextStart < starts.length && starts[nextStart].startMs < ending.endMs) {
      const starting = starts[nextStart++];
      running.add(starting);
      if (open) open.involved.add(starting);
      if (running.size > quantity) {
        open ??= { fromMs: starting.startMs, peak: 0, involved: new Set(running) };
        open.peak = Math.max(open.peak, running.size);
      }
    }
    running.delete(ending);
    if (open && running.size <= quantity) {
      const involved = [...open.involved];
      report({
        peak: open.peak,
        fromMs: open.fromMs,
        toMs: ending.endMs,
        involved: involved.length,
        bookingIds: involved.slice(0, LISTED_PER_OVERBOOKING).map((b) => b.id),
        eventIds: involved.slice(0, LISTED_PER_OVERBOOKING).map((b) => b.eventId),
      });
      open = null;
    }
  }
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
