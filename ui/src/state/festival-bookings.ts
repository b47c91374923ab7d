// The festival's booking requests as the engine judges them (bookingsOf, confirmationsOf, findBookingClashes), read once
// per version of what members see: the Bookings screen, the navigation's count and the programme's marks share it.
import type * as A from "@automerge/automerge";
import {
  authorshipOf,
  bookingsOf,
  confirmationsOf,
  findBookingClashes,
  lazyMapEntries,
  type BookingClashes,
  type BookingsOfFestival,
  type BookingStanding,
  type Confirmation,
} from "../../../engine/core/bookings/index.js";
import type { Festival } from "../../../engine/core/schema.js";

export interface FestivalBookings {
  festival: BookingsOfFestival;
  /** per event that asked for its venue or resources: how many of its live requests are accepted */
  confirmations: ReadonlyMap<string, Confirmation>;
  clashes: BookingClashes;
}

const NO_BOOKINGS: FestivalBookings = {
  festival: { bookings: [], broken: [], ignored: 0, resources: new Map(), venueAvailability: new Map() },
  confirmations: new Map(),
  clashes: { overbookings: [], outside: [] },
};

/** Keyed by the visible document (a new object after every change), so each version is judged once. */
const judged = new WeakMap<object, FestivalBookings>();

/** The bookings of `visible` (the festival as members see it); the same object while the festival is unchanged. */
export function festivalBookings(visible: Festival, festivalId: string): FestivalBookings {
  const known = judged.get(visible);
  if (known) return known;
  const doc = visible as A.Doc<Festival>;
  let result = NO_BOOKINGS;
  // a festival that never asked for anything costs one look at a map
  if (lazyMapEntries(doc, "bookings").size > 0 || lazyMapEntries(doc, "resources").size > 0) {
    const festival = bookingsOf(doc, authorshipOf(doc, festivalId));
    result = { festival, confirmations: confirmationsOf(festival.bookings), clashes: findBookingClashes(festival) };
  }
  judged.set(visible, result);
  return result;
}

/** Requests (not shifts) of venues and resources `key` owns, waiting for a decision: the navigation's count. */
export function pendingForOwner(bookings: FestivalBookings, key: string): number {
  return bookings.festival.bookings.filter((booking) => isOwnersPending(booking, key)).length;
}

export function isOwnersPending(booking: BookingStanding, key: string): boolean {
  return booking.kind !== "shift" && booking.state === "pending" && !booking.eventCancelled && booking.owners.includes(key);
}

/** The most requests each part of the inbox shows (the rest are counted; `pandafest bookings` lists them all). */
export const INBOX_LIMIT = 200;

export interface Inbox {
  /** requests for what `key` owns: pending first, then by the event's start (at most the limit) */
  owned: BookingStanding[];
  /** requests `key` made for what others own, in the same order (at most the limit) */
  asked: BookingStanding[];
  /** how many owned requests wait for a decision */
  pending: number;
  /** requests left out past the limit */
  ownedMore: number;
  askedMore: number;
}

const STATE_ORDER: Record<BookingStanding["state"], number> = { pending: 0, accepted: 1, declined: 2, revoked: 3, cancelled: 4 };

function inboxOrder(a: BookingStanding, b: BookingStanding): number {
  return STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** What the inbox of `key` shows (shifts are not requests for a venue or resource, and are left out). */
export function inboxOf(bookings: FestivalBookings, key: string, limit: number = INBOX_LIMIT): Inbox {
  const requests = bookings.festival.bookings.filter((booking) => booking.kind !== "shift");
  const owned = requests.filter((booking) => booking.owners.includes(key)).sort(inboxOrder);
  const asked = requests.filter((booking) => booking.askedBy === key && !booking.owners.includes(key)).sort(inboxOrder);
  return {
    owned: owned.slice(0, limit),
    asked: asked.slice(0, limit),
    pending: owned.filter((booking) => isOwnersPending(booking, key)).length,
    ownedMore: Math.max(0, owned.length - limit),
    askedMore: Math.max(0, asked.length - limit),
  };
}
