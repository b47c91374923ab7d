// The festival as frab/c3voc schedule exports see it: days, rooms and events with every field computed once.
// Format-neutral (frab-json.ts and frab-xml.ts render it); all times are computed in the festival's zone with Intl.
import { PandafestError } from "../errors.js";
import { ownValue } from "../own-value.js";
import { effectiveLinksOf } from "../links.js";
import { withoutDeleted } from "../views.js";
import type { EventStatus, EventView, FestivalView, LinkView, VenueView } from "../schema.js";
import { assignPreferredNumericIds, eventGuid, festivalGuid, personGuid, venueGuid } from "./guid.js";
import {
  addDaysToDate,
  formatClock,
  formatDuration,
  formatIsoInZone,
  formatLocalDate,
  isKnownTimeZone,
  instantOfLocal,
  localDateTimeAt,
  parseClockMinutes,
  parseInstant,
  parseLocalDate,
} from "./zoned-time.js";

/**
 * frab has no event status. A cancelled event is kept by default ("mark"): its title starts with
 * "Cancelled: " and its subtitle is "Cancelled", so attendees who starred it see the cancellation instead
 * of a silently vanished event. "omit" leaves cancelled events out. A tentative event keeps its title and
 * gets the subtitle "Tentative". parseSchedule recognises both marks and restores the status.
 */
export type CancelledEventHandling = "mark" | "omit";

export interface ScheduleExportOptions {
  /** Public http(s) address of the festival's pages: adds conference url/base_url and per-event urls. */
  baseUrl?: string;
  /** The schedule version apps display; by default a fingerprint of the exported content. */
  version?: string;
  cancelled?: CancelledEventHandling;
}

export const CANCELLED_TITLE_PREFIX = "Cancelled: ";
export const CANCELLED_SUBTITLE = "Cancelled";
export const TENTATIVE_SUBTITLE = "Tentative";

/** Event types apps know (frab/c3voc examples); a tag naming one of them becomes the event type. */
const KNOWN_EVENT_TYPES = new Set([
  "talk",
  "lecture",
  "workshop",
  "hands-on",
  "meeting",
  "discussion",
  "game",
  "concert",
  "performance",
  "screening",
  "party",
]);

const MAX_FESTIVAL_DAYS = 3660;
const UNKNOWN_VENUE_NAME = "Unknown venue";
const UNNAMED_VENUE_NAME = "Unnamed venue";

export interface ScheduleRoom {
  venueId: string;
  name: string;
  guid: string;
  description: string;
  capacity?: number;
  /** Listed on every day (a venue in use); removed or unknown venues appear only on days with events. */
  listedEveryDay: boolean;
}

export interface SchedulePerson {
  name: string;
  guid: string;
  id: number;
  /** "" when none */
  biography: string;
  /** pretalx's code, when the person has one in the shape the schemas allow */
  code?: string;
}

export interface ScheduleEvent {
  eventId: string;
  guid: string;
  id: number;
  /** Start, ISO 8601 with the festival zone's offset. */
  date: string;
  end: string;
  /** Local start "HH:MM". */
  start: string;
  /** "HH:MM"; hours may exceed 99 for very long events. */
  duration: string;
  durationMinutes: number;
  room: string;
  slug: string;
  url?: string;
  title: string;
  subtitle: string;
  track: string | null;
  type: string;
  language: string | null;
  abstract: string;
  description: string;
  persons: SchedulePerson[];
  /** the event's links, then its venue's stream (engine/core/links.ts) */
  links: LinkView[];
  attachments: LinkView[];
  doNotRecord: boolean;
  status: EventStatus;
  startMs: number;
  endMs: number;
}

export interface ScheduleDayRoom {
  room: ScheduleRoom;
  events: ScheduleEvent[];
}

export interface ScheduleDay {
  index: number;
  date: string;
  dayStart: string;
  dayEnd: string;
  rooms: ScheduleDayRoom[];
}

export interface ScheduleConference {
  guid: string;
  acronym: string;
  title: string;
  description: string;
  start: string;
  end: string;
  daysCount: number;
  timeslotDuration: string;
  timeZone: string;
  dayStartsAt: string;
  url?: string;
}

export interface SkippedEvent {
  eventId: string;
  reason: string;
}

export interface ScheduleModel {
  version: string;
  /** the base_url exported: the one given to the export, else the imported schedule's */
  baseUrl?: string;
  conference: ScheduleConference;
  rooms: ScheduleRoom[];
  tracks: string[];
  days: ScheduleDay[];
  /** Events that cannot be placed in a schedule (unreadable times); left out of every export. */
  skipped: SkippedEvent[];
}

const collator = new Intl.Collator("en", { sensitivity: "variant" });

function compareText(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Lowercase ASCII words joined by "_" (accents folded, everything else dropped). */
function asciiWords(text: string, maxLength: number): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+/, "")
    .slice(0, maxLength)
    .replace(/_+$/, "");
}

/** Patterns both c3voc schemas accept: a kept source value is exported only when it fits them. */
const ACRONYM_PATTERN = /^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$/;
const SLUG_PATTERN = /^(?=[a-z0-9_]{4,}-[a-z0-9_-]{4,}$)[a-z0-9_-]+[a-z0-9]$/;
const PERSON_CODE_PATTERN = /^[A-Z0-9]+$/;

function acronymOf(name: string, guid: string, kept: string | undefined): string {
  if (kept !== undefined && ACRONYM_PATTERN.test(kept)) return kept;
  if (kept !== undefined) {
    const words = asciiWords(kept, 32);
    if (ACRONYM_PATTERN.test(words)) return words;
  }
  const words = asciiWords(name, 32);
  if (words.length >= 4) return words;
  return `${words === "" ? "festival" : words}_${guid.slice(0, 8)}`;
}

function normalizeBaseUrl(baseUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new PandafestError(`export: base URL '${baseUrl}' is not a URL; give an http:// or https:// address`, {
      code: "usage",
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new PandafestError(`export: base URL '${baseUrl}' must start with http:// or https://`, { code: "usage" });
  }
  return parsed.href.endsWith("/") ? parsed.href : `${parsed.href}/`;
}

/** FNV-1a 32-bit, as 8 hex digits: a cheap content fingerprint for the default version. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

function festivalProblem(view: FestivalView, what: string): PandafestError {
  return new PandafestError(`festival '${view.name}': ${what}`, { code: "data" });
}

interface PlacedEvent {
  event: EventView;
  startMs: number;
  endMs: number;
  dayDate: string;
}

function placeEvents(
  view: FestivalView,
  dayStartMinutes: number,
  cancelled: CancelledEventHandling,
  skipped: SkippedEvent[],
): PlacedEvent[] {
  const placed: PlacedEvent[] = [];
  for (const [eventId, event] of Object.entries(view.events).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (event.status === "cancelled" && cancelled === "omit") continue;
    const startMs = parseInstant(event.start);
    const endMs = parseInstant(event.end);
    if (startMs === undefined || endMs === undefined) {
      skipped.push({ eventId, reason: `start '${event.start}' or end '${event.end}' is not an ISO date-time with offset` });
      continue;
    }
    if (endMs < startMs) {
      skipped.push({ eventId, reason: `ends (${event.end}) before it starts (${event.start})` });
      continue;
    }
    const local = localDateTimeAt(startMs, view.timeZone);
    const localDate = formatLocalDate(local);
    const dayDate = local.hour * 60 + local.minute < dayStartMinutes ? addDaysToDate(localDate, -1) : localDate;
    placed.push({ event: { ...event, id: eventId }, startMs, endMs, dayDate });
  }
  return placed;
}

function festivalDates(view: FestivalView, placed: PlacedEvent[]): string[] {
  const first = parseLocalDate(view.startDate);
  const last = parseLocalDate(view.endDate);
  if (first === undefined) throw festivalProblem(view, `start date '${view.startDate}' is not a YYYY-MM-DD date`);
  if (last === undefined) throw festivalProblem(view, `end date '${view.endDate}' is not a YYYY-MM-DD date`);
  const [from, to] = view.startDate <= view.endDate ? [view.startDate, view.endDate] : [view.endDate, view.startDate];
  const dates = new Set<string>();
  for (let date = from; date <= to; date = addDaysToDate(date, 1)) {
    dates.add(date);
    if (dates.size > MAX_FESTIVAL_DAYS) {
      throw festivalProblem(view, `runs from ${from} to ${to}, more than ${MAX_FESTIVAL_DAYS} days; fix its dates`);
    }
  }
  for (const { dayDate } of placed) dates.add(dayDate);
  return [...dates].sort();
}

function buildRooms(view: FestivalView, festivalId: string, placed: PlacedEvent[]): Map<string, ScheduleRoom> {
  const usedVenueIds = new Set(placed.map(({ event }) => event.venueId));
  const candidates: { venueId: string; venue: VenueView | undefined }[] = [];
  for (const [venueId, venue] of Object.entries(view.venues)) {
    if (!venue.removed || usedVenueIds.has(venueId)) candidates.push({ venueId, venue });
  }
  for (const venueId of usedVenueIds) {
    if (ownValue(view.venues, venueId) === undefined) candidates.push({ venueId, venue: undefined });
  }
  const baseName = (venue: VenueView | undefined): string =>
    venue === undefined ? UNKNOWN_VENUE_NAME : venue.name.trim() === "" ? UNNAMED_VENUE_NAME : venue.name.trim();
  candidates.sort((a, b) => compareText(baseName(a.venue), baseName(b.venue)) || (a.venueId < b.venueId ? -1 : 1));
  const plainNames = new Set(candidates.map(({ venue }) => baseName(venue)));
  const usedNames = new Set<string>();
  const rooms = new Map<string, ScheduleRoom>();
  for (const { venueId, venue } of candidates) {
    const plain = baseName(venue);
    let name = plain;
    for (let copy = 2; usedNames.has(name) || (name !== plain && plainNames.has(name)); copy += 1) {
      name = `${plain} (${copy})`;
    }
    usedNames.add(name);
    const room: ScheduleRoom = {
      venueId,
      name,
      guid: venue?.origin.guid ?? venueGuid(festivalId, venueId),
      description: venue?.description ?? "",
      listedEveryDay: venue !== undefined && !venue.removed,
    };
    if (venue?.capacity !== undefined) room.capacity = venue.capacity;
    rooms.set(venueId, room);
  }
  return rooms;
}

function timeslotOf(events: ScheduleEvent[]): string {
  for (const slot of [15, 10, 5]) {
    const fits = events.every((event) => {
      const minute = Number(event.start.slice(3, 5));
      return minute % slot === 0 && event.durationMinutes % slot === 0;
    });
    if (fits) return formatDuration(slot);
  }
  return formatDuration(1);
}

function eventTypeOf(tags: readonly string[]): string {
  return tags.map((tag) => tag.trim().toLowerCase()).find((tag) => KNOWN_EVENT_TYPES.has(tag)) ?? "other";
}

/** Builds the export model of a festival (without its deleted events and people). Throws PandafestError (code "data") when the festival itself is unusable. */
export function buildScheduleModel(
  wholeView: FestivalView,
  festivalId: string,
  options: ScheduleExportOptions = {},
): ScheduleModel {
  // deleted events and people are in no export (they stay in the festival, restorable)
  const view = withoutDeleted(wholeView);
  if (!isKnownTimeZone(view.timeZone)) {
    throw festivalProblem(view, `time zone '${view.timeZone}' is unknown; set an IANA zone such as Europe/Berlin`);
  }
  const dayStartMinutes = parseClockMinutes(view.dayStartsAt);
  if (dayStartMinutes === undefined) {
    throw festivalProblem(view, `day start '${view.dayStartsAt}' is not a time of day like 04:00`);
  }
  const baseUrl = options.baseUrl === undefined ? undefined : normalizeBaseUrl(options.baseUrl);
  const exportedBaseUrl = baseUrl ?? view.schedule?.baseUrl;
  const cancelled = options.cancelled ?? "mark";
  const guid = festivalGuid(festivalId);
  const acronym = acronymOf(view.name, guid, view.schedule?.acronym);
  const skipped: SkippedEvent[] = [];
  const placed = placeEvents(view, dayStartMinutes, cancelled, skipped);
  const dates = festivalDates(view, placed);
  const rooms = buildRooms(view, festivalId, placed);

  const guidOfEventView = (event: EventView): string => event.origin.guid ?? eventGuid(festivalId, event.id);
  const guidOfPersonId = (personId: string): string => ownValue(view.people, personId)?.origin.guid ?? personGuid(festivalId, personId);
  const eventIds = assignPreferredNumericIds(placed.map(({ event }) => ({ guid: guidOfEventView(event), preferred: event.origin.id })));
  const personIds = assignPreferredNumericIds(
    Object.entries(view.people).map(([personId, person]) => ({ guid: guidOfPersonId(personId), preferred: person.origin.id })),
  );
  const tz = view.timeZone;

  const eventsByDay = new Map<string, ScheduleEvent[]>();
  for (const { event, startMs, endMs, dayDate } of placed) {
    const guidOfEvent = guidOfEventView(event);
    const id = eventIds.get(guidOfEvent) ?? 1;
    const durationMinutes = Math.round((endMs - startMs) / 60_000);
    const room = rooms.get(event.venueId);
    const persons: SchedulePerson[] = [];
    for (const hostId of new Set(event.hostIds)) {
      const person = ownValue(view.people, hostId);
      if (person === undefined) continue;
      const guidOfPerson = guidOfPersonId(hostId);
      const scheduled: SchedulePerson = { name: person.name, guid: guidOfPerson, id: personIds.get(guidOfPerson) ?? 1, biography: person.bio };
      if (person.origin.code !== undefined && PERSON_CODE_PATTERN.test(person.origin.code)) scheduled.code = person.origin.code;
      persons.push(scheduled);
    }
    const track = event.tags.map((tag) => tag.trim()).find((tag) => tag !== "") ?? null;
    const language = event.language?.trim() ? event.language.trim() : null;
    const scheduled: ScheduleEvent = {
      eventId: event.id,
      guid: guidOfEvent,
      id,
      date: formatIsoInZone(startMs, tz),
      end: formatIsoInZone(endMs, tz),
      start: formatClock(localDateTimeAt(startMs, tz)),
      duration: formatDuration(durationMinutes),
      durationMinutes,
      room: room?.name ?? UNKNOWN_VENUE_NAME,
      slug:
        event.origin.slug !== undefined && SLUG_PATTERN.test(event.origin.slug)
          ? event.origin.slug
          : `${acronym}-${id}-${asciiWords(event.title, 40) || "event"}`,
      title: event.status === "cancelled" ? `${CANCELLED_TITLE_PREFIX}${event.title}` : event.title,
      subtitle:
        event.status === "cancelled" ? CANCELLED_SUBTITLE : event.status === "tentative" ? TENTATIVE_SUBTITLE : event.subtitle,
      track,
      type: event.type.trim() !== "" ? event.type.trim() : eventTypeOf(event.tags),
      language,
      abstract: event.abstract,
      description: event.description,
      persons,
      links: effectiveLinksOf(event, ownValue(view.venues, event.venueId)),
      attachments: event.attachments,
      doNotRecord: event.doNotRecord,
      status: event.status,
      startMs,
      endMs,
    };
    if (baseUrl !== undefined) scheduled.url = new URL(`events/${encodeURIComponent(event.id)}`, baseUrl).href;
    else if (event.origin.url !== undefined) scheduled.url = event.origin.url;
    const list = eventsByDay.get(dayDate) ?? [];
    list.push(scheduled);
    eventsByDay.set(dayDate, list);
  }

  const orderedRooms = [...rooms.values()];
  const days: ScheduleDay[] = dates.map((date, position) => {
    const parsed = parseLocalDate(date);
    const next = parseLocalDate(addDaysToDate(date, 1));
    if (parsed === undefined || next === undefined) throw festivalProblem(view, `bad day ${date}`);
    const clock = { hour: Math.floor(dayStartMinutes / 60), minute: dayStartMinutes % 60, second: 0 };
    const eventsByRoom = new Map<string, ScheduleEvent[]>();
    for (const event of eventsByDay.get(date) ?? []) {
      const list = eventsByRoom.get(event.room) ?? [];
      list.push(event);
      eventsByRoom.set(event.room, list);
    }
    const dayRooms: ScheduleDayRoom[] = [];
    for (const room of orderedRooms) {
      const roomEvents = (eventsByRoom.get(room.name) ?? []).sort(
        (a, b) => a.startMs - b.startMs || compareText(a.title, b.title) || (a.guid < b.guid ? -1 : a.guid > b.guid ? 1 : 0),
      );
      if (room.listedEveryDay || roomEvents.length > 0) dayRooms.push({ room, events: roomEvents });
    }
    return {
      index: position + 1,
      date,
      dayStart: formatIsoInZone(instantOfLocal({ ...parsed, ...clock }, tz), tz),
      dayEnd: formatIsoInZone(instantOfLocal({ ...next, ...clock }, tz), tz),
      rooms: dayRooms,
    };
  });

  const allEvents = days.flatMap((day) => day.rooms.flatMap((dayRoom) => dayRoom.events));
  const tracks = [...new Set(allEvents.map((event) => event.track).filter((track) => track !== null))].sort(
    compareText,
  );
  const conference: ScheduleConference = {
    guid,
    acronym,
    title: view.name,
    description: view.description,
    start: dates[0],
    end: dates[dates.length - 1],
    daysCount: dates.length,
    timeslotDuration: timeslotOf(allEvents),
    timeZone: tz,
    dayStartsAt: view.dayStartsAt,
  };
  if (baseUrl !== undefined) conference.url = baseUrl;
  const version = options.version ?? view.schedule?.version ?? fingerprint(JSON.stringify({ conference, days }));
  const model: ScheduleModel = { version, conference, rooms: orderedRooms, tracks, days, skipped };
  if (exportedBaseUrl !== undefined) model.baseUrl = exportedBaseUrl;
  return model;
}
