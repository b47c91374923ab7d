// The frab/c3voc schedule.json export (schedule v1, valid against the c3voc JSON schema).
// Renders the schedule model; apps such as Giggity and info-beamer read it.
import type { FestivalView } from "../schema.js";
import {
  buildScheduleModel,
  type ScheduleEvent,
  type ScheduleExportOptions,
  type ScheduleModel,
  type SchedulePerson,
} from "./schedule-model.js";

export const C3VOC_SCHEDULE_SCHEMA_URL = "https://c3voc.de/schedule/schema.json";

/** The JSON schema only accepts zone names matching this (IANA names such as Europe/Berlin, or ...UTC). */
const JSON_TIME_ZONE_PATTERN = /^([A-Z][a-z]+\/[A-Z][a-z]+)|UTC$/;

export interface FrabJsonPerson {
  guid: string;
  id: number;
  name: string;
  code?: string;
  biography?: string;
}

/** A link or attachment of an event (the lists are always present). */
export interface FrabJsonReference {
  url: string;
  title?: string;
  type?: string;
}

export interface FrabJsonEvent {
  guid: string;
  id: number;
  date: string;
  start: string;
  end: string;
  duration: string;
  room: string;
  slug: string;
  url: string;
  title: string;
  subtitle: string;
  track: string | null;
  type: string;
  language: string | null;
  abstract: string;
  description: string;
  do_not_record: boolean;
  persons: FrabJsonPerson[];
  links: FrabJsonReference[];
  attachments: FrabJsonReference[];
}

export interface FrabJsonRoom {
  name: string;
  guid: string;
  description: string | null;
  capacity: number | null;
}

export interface FrabJsonDay {
  index: number;
  date: string;
  day_start: string;
  day_end: string;
  rooms: Record<string, FrabJsonEvent[]>;
}

export interface FrabJsonConference {
  acronym: string;
  title: string;
  description?: string;
  start: string;
  end: string;
  daysCount: number;
  timeslot_duration: string;
  time_zone_name?: string;
  url?: string;
  tracks: { name: string }[];
  rooms: FrabJsonRoom[];
  days: FrabJsonDay[];
}

export interface FrabJsonSchedule {
  $schema: string;
  generator: { name: string };
  schedule: {
    version: string;
    base_url?: string;
    conference: FrabJsonConference;
  };
}

function renderEvent(event: ScheduleEvent): FrabJsonEvent {
  return {
    guid: event.guid,
    id: event.id,
    date: event.date,
    start: event.start,
    end: event.end,
    duration: event.duration,
    room: event.room,
    slug: event.slug,
    // The schema requires a url; without a base URL the event's guid is its (non-web) address.
    url: event.url ?? `urn:uuid:${event.guid}`,
    title: event.title,
    subtitle: event.subtitle,
    track: event.track,
    type: event.type,
    language: event.language,
    abstract: event.abstract,
    description: event.description,
    do_not_record: event.doNotRecord,
    persons: event.persons.map(renderPerson),
    links: event.links.map((link) => ({ url: link.url, title: link.title })),
    attachments: event.attachments.map((link) => ({ url: link.url, title: link.title })),
  };
}

function renderPerson(person: SchedulePerson): FrabJsonPerson {
  const rendered: FrabJsonPerson = { guid: person.guid, id: person.id, name: person.name };
  if (person.code !== undefined) rendered.code = person.code;
  if (person.biography !== "") rendered.biography = person.biography;
  return rendered;
}

/** Renders an already built schedule model as schedule.json. */
export function renderFrabJson(model: ScheduleModel): FrabJsonSchedule {
  const { conference } = model;
  const rendered: FrabJsonConference = {
    acronym: conference.acronym,
    title: conference.title,
    start: conference.start,
    end: conference.end,
    daysCount: conference.daysCount,
    timeslot_duration: conference.timeslotDuration,
    tracks: model.tracks.map((name) => ({ name })),
    rooms: model.rooms.map((room) => ({
      name: room.name,
      guid: room.guid,
      description: room.description === "" ? null : room.description,
      capacity: room.capacity ?? null,
    })),
    days: model.days.map((day) => ({
      index: day.index,
      date: day.date,
      day_start: day.dayStart,
      day_end: day.dayEnd,
      rooms: Object.fromEntries(day.rooms.map((dayRoom) => [dayRoom.room.name, dayRoom.events.map(renderEvent)])),
    })),
  };
  if (conference.description !== "") rendered.description = conference.description;
  if (JSON_TIME_ZONE_PATTERN.test(conference.timeZone)) rendered.time_zone_name = conference.timeZone;
  if (conference.url !== undefined) rendered.url = conference.url;
  const schedule: FrabJsonSchedule["schedule"] = { version: model.version, conference: rendered };
  if (model.baseUrl !== undefined) schedule.base_url = model.baseUrl;
  return { $schema: C3VOC_SCHEDULE_SCHEMA_URL, generator: { name: "pandafest" }, schedule };
}

/** The festival as a frab/c3voc schedule.json object. */
export function toFrabJson(
  view: FestivalView,
  festivalId: string,
  options: ScheduleExportOptions = {},
): FrabJsonSchedule {
  return renderFrabJson(buildScheduleModel(view, festivalId, options));
}

/** The festival as schedule.json text (UTF-8, two-space indented, ending in a newline). */
export function toFrabJsonString(view: FestivalView, festivalId: string, options: ScheduleExportOptions = {}): string {
  return `${JSON.stringify(toFrabJson(view, festivalId, options), null, 2)}\n`;
}
