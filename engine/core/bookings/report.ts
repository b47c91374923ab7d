// What `check` says about bookings: overbooked resources, accepted bookings outside availability, and requests or
// decisions it cannot judge; times in the festival's zone. One pass over the requests, one sweep per resource.
import type * as A from "@automerge/automerge";
import type { Festival } from "../schema.js";
import { formatIsoInZone } from "../time.js";
import { festivalSettingsOf } from "../views.js";
import { authorshipOf, type Authorship } from "./authorship.js";
import { findBookingClashes, type OutsideAvailability } from "./clashes.js";
import { BOOKING_LIMITS } from "./model.js";
import { acceptedBookingsOf, type BrokenBooking } from "./state.js";

export interface OverbookingReport {
  resourceId: string;
  resourceName: string;
  quantity: number;
  peak: number;
  from: string;
  to: string;
  bookingIds: string[];
  eventIds: string[];
  involved: number;
}

export interface BookingCheck {
  overbookings: OverbookingReport[];
  outsideAvailability: OutsideAvailability[];
  /** requests and decisions that cannot be judged (unknown events, resources, requests), with why */
  broken: BrokenBooking[];
  /** requests and decisions beyond the limit, not read */
  ignored: number;
}

/** The booking part of `check` for the festival members see (`doc`); `authorship` defaults to the one over `doc`. */
export function checkBookings(doc: A.Doc<Festival>, festivalId: string, authorship: Authorship = authorshipOf(doc, festivalId)): BookingCheck {
  const festival = acceptedBookingsOf(doc, authorship);
  const clashes = findBookingClashes(festival);
  const zone = festivalSettingsOf(doc).timeZone;
  return {
    overbookings: clashes.overbookings.map((o) => ({
      resourceId: o.resourceId,
      resourceName: o.resourceName,
      quantity: o.quantity,
      peak: o.peak,
      involved: o.involved,
      bookingIds: o.bookingIds,
      eventIds: o.eventIds,
      from: formatIsoInZone(o.fromMs, zone),
      to: formatIsoInZone(o.toMs, zone),
    })),
    outsideAvailability: clashes.outside,
    broken: festival.broken.slice(0, 1000),
    ignored: festival.ignored,
  };
}

/** The report as lines for people. */
export function bookingCheckLines(report: BookingCheck): string[] {
  const lines: string[] = [];
  lines.push(report.overbookings.length === 0 ? "No overbooked resources." : `${report.overbookings.length} overbooking(s):`);
  for (const o of report.overbookings) {
    const more = o.involved > o.bookingIds.length ? ` and ${o.involved - o.bookingIds.length} more` : "";
    lines.push(`  ${o.resourceName || o.resourceId} (${o.quantity} available): ${o.peak} accepted at once from ${o.from} to ${o.to}: requests ${o.bookingIds.join(", ")}${more}`);
  }
  if (report.outsideAvailability.length > 0) lines.push(`${report.outsideAvailability.length} accepted booking(s) outside availability:`);
  for (const o of report.outsideAvailability) lines.push(`  request ${o.bookingId}: event ${o.eventId} at ${o.kind} "${o.targetName}" (${o.targetId}) is outside its availability`);
  if (report.broken.length > 0) lines.push(`${report.broken.length} request(s) or decision(s) ignored:`);
  for (const b of report.broken) lines.push(`  ${b.id}: ${b.problem}`);
  if (report.ignored > 0) lines.push(`  ${report.ignored} more requests and decisions beyond the limit of ${BOOKING_LIMITS.bookings} were not read`);
  return lines;
}
