// Consistency checks a merge can break and a user should see: clashes (two events overlapping in
// one venue) and dangling references (events at a removed or missing venue, hosts who do not exist).
import { storedEvents } from "./event-shards.js";
import type { EventStatus, Festival } from "./schema.js";
import { instantMs } from "./time.js";
import { isDeleted, statusOf, textOf } from "./views.js";

export interface ClashingEvent {
  id: string;
  title: string;
  start: string;
  end: string;
}

export interface Clash {
  venueId: string;
  venueName: string;
  /** the event that starts first (or, starting together, the one with the smaller id) */
  first: ClashingEvent;
  second: ClashingEvent;
  /** when the overlap begins and ends, as written in the events */
  overlapStart: string;
  overlapEnd: string;
  overlapMinutes: number;
}

/** An event as the clash rule reads it (a stored event's times as instants; NaN when they cannot be read). */
export interface ClashCandidate {
  id: string;
  venueId: string;
  status: EventStatus;
  startMs: number;
  endMs: number;
}

/**
 * The clash rule, written once for `check`, the server and the web app: two events clash when they are in the same
 * venue and their times overlap (one ending as the other starts is no clash). Cancelled events, and events whose
 * times cannot be read or that end before they start, never clash. Calls `clash` for every clashing pair: venues
 * in id order, within a venue by start time (then id), the one that started first first.
 */
export function forEachClash<T extends ClashCandidate>(events: Iterable<T>, clash: (earlier: T, later: T) => void): void {
  const byVenue = new Map<string, T[]>();
  for (const event of events) {
    if (event.status === "cancelled" || !Number.isFinite(event.startMs) || !Number.isFinite(event.endMs) || event.endMs <= event.startMs) continue;
    const list = byVenue.get(event.venueId);
    if (list) list.push(event);
    else byVenue.set(event.venueId, [event]);
  }
  for (const venueId of [...byVenue.keys()].sort()) {
    const list = byVenue.get(venueId) ?? [];
    list.sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // sweep by start time, keeping the events still running
    let running: T[] = [];
    for (const current of list) {
      running = running.filter((earlier) => earlier.endMs > current.startMs);
      for (const earlier of running) clash(earlier, current);
      running.push(current);
    }
  }
}

interface TimedEvent extends ClashCandidate {
  event: ClashingEvent;
}

function venueName(doc: Festival, venueId: string): string {
  const venue = Object.prototype.hasOwnProperty.call(doc.venues, venueId) ? doc.venues[venueId] : undefined;
  return venue ? textOf(venue.name) : "";
}

/**
 * Every pair of events that clash (forEachClash), sorted by venue, then time.
 */
export function findClashes(doc: Festival): Clash[] {
  const candidates: TimedEvent[] = [];
  for (const [id, raw] of storedEvents(doc)) {
    if (isDeleted(raw)) continue;
    const start = textOf(raw.start);
    const end = textOf(raw.end);
    candidates.push({
      id,
      venueId: textOf(raw.venueId),
      status: statusOf(raw.status),
      startMs: instantMs(start) ?? Number.NaN,
      endMs: instantMs(end) ?? Number.NaN,
      event: { id, title: textOf(raw.title), start, end },
    });
  }
  const clashes: Clash[] = [];
  forEachClash(candidates, (earlier, current) => {
    const endsFirst = earlier.endMs <= current.endMs ? earlier : current;
    clashes.push({
      venueId: current.venueId,
      venueName: venueName(doc, current.venueId),
      first: earlier.event,
      second: current.event,
      overlapStart: current.event.start,
      overlapEnd: endsFirst.event.end,
      overlapMinutes: Math.round((endsFirst.endMs - current.startMs) / 60_000),
    });
  });
  return clashes;
}

export type DanglingKind = "venue-removed" | "venue-missing" | "host-missing" | "host-deleted";

export interface DanglingReference {
  kind: DanglingKind;
  eventId: string;
  eventTitle: string;
  /** the venue or person id the event points at */
  refId: string;
}

/**
 * Events that point at a removed or missing venue, or at hosts who are not among the people or are deleted (a host
 * added while someone else deleted the person). Deleted events are not checked.
 */
export function findDangling(doc: Festival): DanglingReference[] {
  const found: DanglingReference[] = [];
  for (const [eventId, raw] of storedEvents(doc)) {
    if (isDeleted(raw)) continue;
    const eventTitle = textOf(raw.title);
    const venueId = textOf(raw.venueId);
    const venue = Object.prototype.hasOwnProperty.call(doc.venues, venueId) ? doc.venues[venueId] : undefined;
    if (typeof venue !== "object" || venue === null) {
      found.push({ kind: "venue-missing", eventId, eventTitle, refId: venueId });
    } else if (venue.removed === true) {
      found.push({ kind: "venue-removed", eventId, eventTitle, refId: venueId });
    }
    const hostIds = Array.isArray(raw.hostIds) ? raw.hostIds.map(textOf) : [];
    for (const hostId of hostIds) {
      if (!Object.prototype.hasOwnProperty.call(doc.people, hostId)) {
        found.push({ kind: "host-missing", eventId, eventTitle, refId: hostId });
      } else if (isDeleted(doc.people[hostId])) {
        found.push({ kind: "host-deleted", eventId, eventTitle, refId: hostId });
      }
    }
  }
  const key = (item: DanglingReference) => `${item.eventId}\u0000${item.kind}\u0000${item.refId}`;
  return found.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
