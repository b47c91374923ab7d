// The festival as the static archive shows it: days with their venues and events, venues, events and people, each
// with its page path and the links between them. Placement (days, day start, venue names) is the schedule model's.
import { ownValue } from "../own-value.js";
import { effectiveLinksOf } from "../links.js";
import { withoutDeleted } from "../views.js";
import type { EventStatus, FestivalView, LinkView } from "../schema.js";
import { buildScheduleModel, type ScheduleExportOptions, type SkippedEvent } from "../interop/index.js";
import { dayPath, pagePaths } from "./file-names.js";

export interface PageRef {
  /** the page's path inside the archive, e.g. "events/e_….html" */
  path: string;
  name: string;
}

export interface ArchiveEvent extends PageRef {
  id: string;
  description: string;
  status: EventStatus;
  startMs: number;
  endMs: number;
  language?: string;
  tags: string[];
  day: PageRef;
  /** the venue's page; undefined for a venue this festival does not hold (the name then says "Unknown venue") */
  venue: PageRef | undefined;
  venueName: string;
  hosts: PageRef[];
  /** the event's links, and its venue's stream (engine/core/links.ts) */
  links: LinkView[];
  subtitle: string;
}

export interface ArchiveDay extends PageRef {
  date: string;
  /** venues in the schedule's order, each with its events of this day by start time */
  venues: { venue: PageRef | undefined; venueName: string; events: ArchiveEvent[] }[];
  eventCount: number;
}

export interface ArchiveVenue extends PageRef {
  id: string;
  description: string;
  address: string;
  accessibility: string;
  capacity?: number;
  removed: boolean;
  online: boolean;
  links: LinkView[];
  events: ArchiveEvent[];
}

export interface ArchivePerson extends PageRef {
  id: string;
  bio: string;
  events: ArchiveEvent[];
}

export interface ArchiveModel {
  name: string;
  description: string;
  timeZone: string;
  firstDate: string;
  lastDate: string;
  isPrivate: boolean;
  days: ArchiveDay[];
  venues: ArchiveVenue[];
  events: ArchiveEvent[];
  people: ArchivePerson[];
  /** events whose times cannot be read: in no export, so on no page */
  skipped: SkippedEvent[];
}

const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

function byName<T extends PageRef>(a: T, b: T): number {
  return collator.compare(a.name, b.name) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

function displayName(text: string, fallback: string): string {
  return text.trim() === "" ? fallback : text.trim();
}

/** Builds the archive's model. Throws PandafestError (code "data") when the festival cannot be exported at all. */
export function buildArchiveModel(festival: FestivalView, festivalId: string, options: ScheduleExportOptions = {}): ArchiveModel {
  // deleted events and people are left out, as every export leaves them out
  const view = withoutDeleted(festival);
  const schedule = buildScheduleModel(view, festivalId, options);
  const venuePaths = pagePaths("venue", Object.keys(view.venues));
  const eventPaths = pagePaths("event", Object.keys(view.events));
  const personPaths = pagePaths("person", Object.keys(view.people));

  const people = new Map<string, ArchivePerson>();
  for (const [id, person] of Object.entries(view.people)) {
    people.set(id, { id, path: personPaths.get(id) as string, name: displayName(person.name, "Unnamed person"), bio: person.bio, events: [] });
  }
  const venues = new Map<string, ArchiveVenue>();
  for (const room of schedule.rooms) {
    const venue = ownValue(view.venues, room.venueId);
    if (venue === undefined) continue;
    const page: ArchiveVenue = {
      id: room.venueId,
      path: venuePaths.get(room.venueId) as string,
      name: room.name,
      description: venue.description,
      address: venue.address,
      accessibility: venue.accessibility,
      removed: venue.removed,
      online: venue.online,
      links: venue.links,
      events: [],
    };
    if (venue.capacity !== undefined) page.capacity = venue.capacity;
    venues.set(room.venueId, page);
  }

  const events: ArchiveEvent[] = [];
  const days: ArchiveDay[] = schedule.days.map((scheduleDay) => {
    const day: ArchiveDay = { date: scheduleDay.date, path: dayPath(scheduleDay.date, scheduleDay.index), name: scheduleDay.date, venues: [], eventCount: 0 };
    const dayRef: PageRef = { path: day.path, name: day.name };
    for (const { room, events: scheduled } of scheduleDay.rooms) {
      const venue = venues.get(room.venueId);
      const venueRef = venue && { path: venue.path, name: venue.name };
      const dayEvents: ArchiveEvent[] = [];
      for (const item of scheduled) {
        const source = ownValue(view.events, item.eventId);
        if (source === undefined) continue;
        const hosts: PageRef[] = [];
        for (const hostId of new Set(source.hostIds)) {
          const person = people.get(hostId);
          if (person) hosts.push({ path: person.path, name: person.name });
        }
        const event: ArchiveEvent = {
          id: item.eventId,
          path: eventPaths.get(item.eventId) as string,
          name: displayName(source.title, "Untitled event"),
          description: source.description,
          status: source.status,
          startMs: item.startMs,
          endMs: item.endMs,
          tags: source.tags.filter((tag) => tag.trim() !== ""),
          day: dayRef,
          venue: venueRef,
          venueName: room.name,
          hosts,
          links: effectiveLinksOf(source, ownValue(view.venues, room.venueId)),
          subtitle: source.subtitle,
        };
        if (source.language?.trim()) event.language = source.language.trim();
        dayEvents.push(event);
        events.push(event);
        venue?.events.push(event);
        for (const hostId of new Set(source.hostIds)) people.get(hostId)?.events.push(event);
      }
      day.venues.push({ venue: venueRef, venueName: room.name, events: dayEvents });
      day.eventCount += dayEvents.length;
    }
    return day;
  });
  for (const person of people.values()) person.events.sort((a, b) => a.startMs - b.startMs || byName(a, b));

  return {
    name: displayName(view.name, "Untitled festival"),
    description: view.description,
    timeZone: schedule.conference.timeZone,
    firstDate: schedule.conference.start,
    lastDate: schedule.conference.end,
    isPrivate: view.visibility !== "public",
    days,
    venues: [...venues.values()].sort(byName),
    events,
    people: [...people.values()].sort(byName),
    skipped: schedule.skipped,
  };
}
