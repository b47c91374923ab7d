// The programme: events grouped by festival day (in the festival's time zone, days starting at
// dayStartsAt) and by venue, sorted by start. Works on a raw festival document or on a FestivalView.
import { PandafestError } from "./errors.js";
import { storedEvents } from "./event-shards.js";
import type { EventView, Festival, FestivalEvent, FestivalView, Venue } from "./schema.js";
import { addDays, festivalDayOf, instantMs, isCalendarDate, zonedDateTimeToEpoch } from "./time.js";
import { festivalSettingsOf, isDeleted, textOf, toEventView } from "./views.js";

export interface ProgrammeVenue {
  venueId: string;
  name: string;
  /** the venue is marked removed but still holds events this day */
  removed: boolean;
  /** no venue with this id exists (a dangling reference); name is "" */
  missing: boolean;
  /** sorted by start, then end, then title; cancelled events included (see status) */
  events: EventView[];
}

export interface ProgrammeDay {
  /** the festival day, YYYY-MM-DD */
  date: string;
  /** venues holding events this day, sorted by name */
  venues: ProgrammeVenue[];
}

export interface ProgrammeOptions {
  /** only this festival day, YYYY-MM-DD */
  day?: string;
}

export type ProgrammeSource = Festival | FestivalView;

const HOUR_MS = 3_600_000;
/** Wider than any DST shift: a cheap bound on the instant before the exact festival-day test. */
const WINDOW_MARGIN_MS = 3 * HOUR_MS;

/** Uniform access to events and venues whether the source is a document or a view. */
interface SourceReader {
  eventIds(): string[];
  eventStart(id: string): string;
  eventView(id: string): EventView;
  venue(id: string): { name: string; removed: boolean } | undefined;
}

function isView(source: ProgrammeSource): source is FestivalView {
  return typeof source.name === "string";
}

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null;
}

function readerOf(source: ProgrammeSource): SourceReader {
  if (isView(source)) {
    return {
      eventIds: () => Object.keys(source.events).filter((id) => source.events[id].removed !== true),
      eventStart: (id) => source.events[id].start,
      eventView: (id) => source.events[id],
      venue: (id) => (Object.prototype.hasOwnProperty.call(source.venues, id) ? source.venues[id] : undefined),
    };
  }
  const events: Map<string, FestivalEvent> = storedEvents(source);
  const venues: { [id: string]: Venue } = source.venues;
  /** ids come from eventIds(), so the event is there */
  const eventOf = (id: string): FestivalEvent => {
    const event = events.get(id);
    if (!event) throw new PandafestError(`no event ${JSON.stringify(id)} in this festival`, { code: "data" });
    return event;
  };
  return {
    eventIds: () => [...events.keys()].filter((id) => !isDeleted(events.get(id))),
    eventStart: (id) => textOf(eventOf(id).start),
    eventView: (id) => toEventView(id, eventOf(id)),
    venue: (id) => {
      const venue = Object.prototype.hasOwnProperty.call(venues, id) ? venues[id] : undefined;
      return isObject(venue) && venue ? { name: textOf(venue.name), removed: venue.removed === true } : undefined;
    },
  };
}

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

interface PlacedEvent {
  view: EventView;
  startMs: number;
  endMs: number;
}

function compareEvents(a: PlacedEvent, b: PlacedEvent): number {
  return (
    a.startMs - b.startMs ||
    a.endMs - b.endMs ||
    collator.compare(a.view.title, b.view.title) ||
    (a.view.id < b.view.id ? -1 : a.view.id > b.view.id ? 1 : 0)
  );
}

/**
 * The programme by festival day and venue. An event belongs to the festival day of its start (see
 * festivalDayOf). Only days and venues that hold events appear; a removed venue appears where it
 * still holds events, and events at a venue id that does not exist appear under a "missing" venue.
 * Deleted events and events whose start cannot be read are left out (findDangling and the checks report bad data).
 * With `day`, only that day is built (without views of other days' events).
 */
export function programme(source: ProgrammeSource, options: ProgrammeOptions = {}): ProgrammeDay[] {
  const { day } = options;
  if (day !== undefined && !isCalendarDate(day)) {
    throw new PandafestError(`invalid day ${JSON.stringify(day)}: expected a festival day written YYYY-MM-DD`, {
      code: "usage",
    });
  }
  const { timeZone, dayStartsAt } = festivalSettingsOf(source);
  const reader = readerOf(source);

  // A quick window on the raw instant, then the exact festival day for the events inside it.
  let windowStart = -Infinity;
  let windowEnd = Infinity;
  if (day !== undefined) {
    windowStart = zonedDateTimeToEpoch(day, dayStartsAt, timeZone) - WINDOW_MARGIN_MS;
    windowEnd = zonedDateTimeToEpoch(addDays(day, 1), dayStartsAt, timeZone) + WINDOW_MARGIN_MS;
  }

  const byDay = new Map<string, Map<string, PlacedEvent[]>>();
  for (const id of reader.eventIds()) {
    const startMs = instantMs(reader.eventStart(id));
    if (startMs === undefined || startMs < windowStart || startMs >= windowEnd) continue;
    const date = festivalDayOf(startMs, timeZone, dayStartsAt);
    if (day !== undefined && date !== day) continue;
    const view = reader.eventView(id);
    let venues = byDay.get(date);
    if (!venues) byDay.set(date, (venues = new Map()));
    let events = venues.get(view.venueId);
    if (!events) venues.set(view.venueId, (events = []));
    events.push({ view, startMs, endMs: instantMs(view.end) ?? startMs });
  }

  const days: ProgrammeDay[] = [];
  for (const date of [...byDay.keys()].sort()) {
    const venues: ProgrammeVenue[] = [];
    for (const [venueId, events] of byDay.get(date) ?? []) {
      const venue = reader.venue(venueId);
      events.sort(compareEvents);
      venues.push({
        venueId,
        name: venue?.name ?? "",
        removed: venue?.removed ?? false,
        missing: venue === undefined,
        events: events.map((entry) => entry.view),
      });
    }
    venues.sort((a, b) => collator.compare(a.name, b.name) || (a.venueId < b.venueId ? -1 : 1));
    days.push({ date, venues });
  }
  return days;
}
