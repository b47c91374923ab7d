// Each venue's and resource's accepted and pending requests grouped by festival day, for the Bookings screen's timelines,
// with the engine's clashes per request. No DOM; bounded, so a festival with thousands of requests stays readable.
import type { BookingStanding, Overbooking } from "../../../engine/core/bookings/index.js";
import { festivalDayOf, usableDayStart, usableTimeZone } from "../../../engine/core/time.js";
import type { FestivalBookings } from "./festival-bookings.js";

export const TIMELINE_LIMITS = {
  /** timelines shown (venues first, then resources, by name) */
  targets: 100,
  /** requests shown on one timeline (by start) */
  entries: 500,
} as const;

export interface Timeline {
  key: string;
  kind: "venue" | "resource";
  name: string;
  /** a resource's quantity */
  quantity: number | undefined;
  /** festival day (YYYY-MM-DD) to its requests by start, days in order */
  days: Map<string, BookingStanding[]>;
  /** requests left out past TIMELINE_LIMITS.entries */
  more: number;
}

export interface Timelines {
  timelines: Timeline[];
  /** timelines left out past TIMELINE_LIMITS.targets */
  more: number;
  /** per request id: the overbooking it is part of */
  overbooked: Map<string, Overbooking>;
  /** requests accepted outside their venue's or resource's availability */
  outside: Set<string>;
}

/** Requests that hold or ask for time: accepted and pending ones of events not cancelled (not shifts). */
function onTimeline(booking: BookingStanding): boolean {
  return (
    (booking.kind === "venue" || booking.kind === "resource") &&
    (booking.state === "accepted" || booking.state === "pending") &&
    !booking.eventCancelled &&
    Number.isFinite(booking.startMs) &&
    Number.isFinite(booking.endMs)
  );
}

/** Every resource not removed (booked or not) and every venue something asked for, with their requests by day. */
export function timelinesOf(bookings: FestivalBookings, timeZone: string, dayStartsAt: string, limits: { targets: number; entries: number } = TIMELINE_LIMITS): Timelines {
  const zone = usableTimeZone(timeZone);
  const dayStart = usableDayStart(dayStartsAt);
  const targets = new Map<string, { kind: "venue" | "resource"; name: string; quantity: number | undefined; requests: BookingStanding[] }>();
  for (const [id, resource] of bookings.festival.resources) {
    if (!resource.removed) targets.set(`resource:${id}`, { kind: "resource", name: resource.name, quantity: resource.quantity, requests: [] });
  }
  for (const booking of bookings.festival.bookings) {
    if (!onTimeline(booking)) continue;
    const key = `${booking.kind}:${booking.targetId}`;
    let target = targets.get(key);
    if (!target) {
      const kind = booking.kind === "venue" ? "venue" : "resource";
      target = { kind, name: booking.targetName, quantity: kind === "resource" ? bookings.festival.resources.get(booking.targetId)?.quantity : undefined, requests: [] };
      targets.set(key, target);
    }
    target.requests.push(booking);
  }
  const sorted = [...targets.entries()].sort(([keyA, a], [keyB, b]) =>
    a.kind !== b.kind ? (a.kind === "venue" ? -1 : 1) : a.name.localeCompare(b.name) || (keyA < keyB ? -1 : 1),
  );
  const timelines = sorted.slice(0, limits.targets).map(([key, target]): Timeline => {
    const requests = target.requests.sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : 1));
    const days = new Map<string, BookingStanding[]>();
    for (const booking of requests.slice(0, limits.entries)) {
      const day = festivalDayOf(booking.startMs, zone, dayStart);
      const list = days.get(day);
      if (list) list.push(booking);
      else days.set(day, [booking]);
    }
    return { key, kind: target.kind, name: target.name, quantity: target.quantity, days, more: Math.max(0, requests.length - limits.entries) };
  });
  const overbooked = new Map<string, Overbooking>();
  for (const overbooking of bookings.clashes.overbookings) for (const id of overbooking.bookingIds) overbooked.set(id, overbooking);
  return { timelines, more: Math.max(0, sorted.length - limits.targets), overbooked, outside: new Set(bookings.clashes.outside.map((entry) => entry.bookingId)) };
}
