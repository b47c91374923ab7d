// Consistency checks a merge can break and a user should see: clashes (two events overlapping in
// one venue) and dangling references (events at a removed or missing venue, hosts who do not exist).
import { storedEvents } from "./event-shards.js";
import type { Festival } from "./schema.js";
import { instantMs } from "./time.js";
import { statusOf, textOf } from "./views.js";

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

interface TimedEvent {
  event: ClashingEvent;
  startMs: number;
  endMs: number;
}

function venueName(doc: Festival, venueId: string): string {
  const venue = Object.prototype.hasOwnProperty.call(doc.venues, venueId) ? doc.venues[venueId] : undefined;
  return venue ? textOf(venue.name) : "";
}

/**
 * Every pair of events in one venue whose times overlap (touching end to start is no clash).
 * Cancelled events and events whose times cannot be read are ignored. Sorted by venue, then time.
 */
export function findClashes(doc: Festival): Clash[] {
  const byVenue = new Map<string, TimedEvent[]>();
  for (const [id, raw] of storedEvents(doc)) {
    if (statusOf(raw.status) === "cancelled") continue;
    const start = textOf(raw.start);
    const end = textOf(raw.end);
    const startMs = instantMs(start);
    const endMs = instantMs(end);
    if (startMs === undefined || endMs === undefined || endMs <= startMs) continue;
    const venueId = textOf(raw.venueId);
    let list = byVenue.get(venueId);
    if (!list) byVenue.set(venueId, (list = []));
    list.push({ event: { id, title: textOf(raw.title), start, end }, startMs, endMs });
  }

  const clashes: Clash[] = [];
  for (const venueId of [...byVenue.keys()].sort()) {
    const events = byVenue.get(venueId) ?? [];
    events.sort((a, b) => a.startMs - b.startMs || (a.event.id < b.event.id ? -1 : 1));
    // Sweep by start time, keeping the events still running.
    let running: TimedEvent[] = [];
    for (const current of events) {
      running = running.filter((earlier) => earlier.endMs > current.startMs);
      for (const earlier of running) {
        const endsFirst = earlier.endMs <= current.endMs ? earlier : current;
        clashes.push({
          venueId,
          venueName: venueName(doc, venueId),
          first: earlier.event,
          second: current.event,
          overlapStart: current.event.start,
          overlapEnd: endsFirst.event.end,
          overlapMinutes: Math.round((endsFirst.endMs - current.startMs) / 60_000),
        });
      }
      running.push(current);
    }
  }
  return clashes;
}

export type DanglingKind = "venue-removed" | "venue-missing" | "host-missing";

export interface DanglingReference {
  kind: DanglingKind;
  eventId: string;
  eventTitle: string;
  /** the venue or person id the event points at */
  refId: string;
}

/** Events that point at a removed or missing venue, or at hosts who are not among the people. */
export function findDangling(doc: Festival): DanglingReference[] {
  const found: DanglingReference[] = [];
  for (const [eventId, raw] of storedEvents(doc)) {
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
      }
    }
  }
  const key = (item: DanglingReference) => `${item.eventId}\u0000${item.kind}\u0000${item.refId}`;
  return found.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
