// Import of frab/pretalx schedule.xml and schedule.json: validated, time-zone-correct festival seed data.
// Every problem names the file, day, room and event; callers seed a festival from ScheduleImport via the engine.
import * as v from "valibot";
import { PandafestError } from "../errors.js";
import type { EventStatus } from "../schema.js";
import { CANCELLED_SUBTITLE, CANCELLED_TITLE_PREFIX, TENTATIVE_SUBTITLE } from "./schedule-model.js";
import { readScheduleSource, type RawDay, type RawSchedule } from "./schedule-source.js";
import {
  addDaysToDate,
  formatIsoInZone,
  formatLocalDate,
  instantOfLocal,
  isKnownTimeZone,
  localDateTimeAt,
  parseClockMinutes,
  parseIsoDateTime,
  parseLocalDate,
  formatOffset,
} from "./zoned-time.js";

export { SCHEDULE_SIZE_LIMIT_BYTES } from "./schedule-source.js";

export interface ImportedVenue {
  /** The room name as written in the file; events refer to it. */
  key: string;
  name: string;
}

export interface ImportedPerson {
  /** "guid:…", "code:…", "id:…" or "name:…", whichever the file offers first. */
  key: string;
  name: string;
}

export interface ImportedEvent {
  title: string;
  venueKey: string;
  /** ISO 8601 with the schedule zone's offset. */
  start: string;
  end: string;
  description: string;
  hostKeys: string[];
  tags: string[];
  language?: string;
  /** "confirmed" unless the file carries pandafest's cancelled or tentative marks. */
  status: EventStatus;
}

export interface ScheduleImport {
  name: string;
  description: string;
  timeZone: string;
  startDate: string;
  endDate: string;
  venues: ImportedVenue[];
  people: ImportedPerson[];
  events: ImportedEvent[];
}

const MAX_LISTED_PROBLEMS = 20;
const MINUTE_MS = 60_000;

const OptionalText = v.optional(v.nullable(v.string("must be text")));

const ConferenceFields = v.object({
  title: OptionalText,
  acronym: OptionalText,
  description: OptionalText,
  start: OptionalText,
  end: OptionalText,
  time_zone_name: OptionalText,
  day_change: OptionalText,
});

const DayFields = v.object({
  date: OptionalText,
  day_start: OptionalText,
});

const EventFields = v.object({
  title: v.pipe(v.string("must be text"), v.trim(), v.nonEmpty("is empty")),
  date: OptionalText,
  start: OptionalText,
  end: OptionalText,
  duration: OptionalText,
  room: OptionalText,
  subtitle: OptionalText,
  track: OptionalText,
  language: OptionalText,
  abstract: OptionalText,
  description: OptionalText,
  persons: v.optional(v.nullable(v.array(v.unknown(), "must be a list"))),
});

const PersonFields = v.object({
  name: OptionalText,
  public_name: OptionalText,
  guid: OptionalText,
  code: OptionalText,
  id: v.optional(v.nullable(v.union([v.number(), v.string()], "must be a number or text"))),
});

type EventInput = v.InferOutput<typeof EventFields>;

class Problems {
  private readonly list: string[] = [];

  add(where: string, what: string): void {
    this.list.push(`${where}: ${what}`);
  }

  throwIfAny(fileName: string): void {
    if (this.list.length === 0) return;
    if (this.list.length === 1) throw new PandafestError(this.list[0], { code: "input" });
    const shown = this.list.slice(0, MAX_LISTED_PROBLEMS).map((line) => `  ${line}`);
    const more = this.list.length - shown.length;
    if (more > 0) shown.push(`  … and ${more} more`);
    throw new PandafestError(
      `${fileName}: ${this.list.length} problems; fix them and import again:\n${shown.join("\n")}`,
      { code: "input" },
    );
  }
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const key = (issue.path ?? []).map((item) => ("key" in item ? String(item.key) : "?")).join(".");
  if (key === "") return issue.message;
  if (issue.input === undefined) return `missing '${key}'`;
  return `'${key}' ${issue.message}`;
}

/** Validates with a valibot schema, recording every issue under `where`. */
function check<TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  where: string,
  problems: Problems,
): v.InferOutput<TSchema> | undefined {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    problems.add(where, "not an object");
    return undefined;
  }
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  for (const issue of result.issues) problems.add(where, describeIssue(issue));
  return undefined;
}

function present(text: string | null | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

/** A fixed-offset IANA zone for a schedule that gives only offsets ("Etc/GMT-2" is UTC+2). */
function zoneForOffset(offsetMinutes: number): string | undefined {
  if (offsetMinutes === 0) return "UTC";
  if (offsetMinutes % 60 !== 0) return undefined;
  const hours = offsetMinutes / 60;
  return `Etc/GMT${hours > 0 ? "-" : "+"}${Math.abs(hours)}`;
}

interface PendingEvent {
  where: string;
  fields: EventInput;
  day: RawDay;
  dayDate: string | undefined;
  containerRoom: string | undefined;
}

function resolveTimeZone(
  conferenceZone: string | undefined,
  pending: PendingEvent[],
  where: string,
  problems: Problems,
): string | undefined {
  if (conferenceZone !== undefined) {
    if (isKnownTimeZone(conferenceZone)) return conferenceZone;
    problems.add(where, `'time_zone_name' '${conferenceZone}' is not a known time zone (use an IANA name like Europe/Berlin)`);
    return undefined;
  }
  for (const { fields } of pending) {
    const offset = fields.date === undefined || fields.date === null ? undefined : parseIsoDateTime(fields.date);
    if (offset?.offsetMinutes === undefined) continue;
    const zone = zoneForOffset(offset.offsetMinutes);
    if (zone !== undefined) return zone;
    problems.add(where, `missing 'time_zone_name' and offset ${formatOffset(offset.offsetMinutes)} is not whole hours; add 'time_zone_name'`);
    return undefined;
  }
  problems.add(where, `missing 'time_zone_name' and no event has a 'date' with an offset; add 'time_zone_name'`);
  return undefined;
}

function parseDurationMinutes(text: string): number | undefined {
  const match = /^(\d{1,4}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (match === null || Number(match[2]) > 59 || Number(match[3] ?? 0) > 59) return undefined;
  return Number(match[1]) * 60 + Number(match[2]) + Number(match[3] ?? 0) / 60;
}

interface ResolvedTimes {
  startMs: number;
  endMs: number;
}

function resolveTimes(
  event: PendingEvent,
  timeZone: string,
  dayChangeMinutes: number | undefined,
  problems: Problems,
): ResolvedTimes | undefined {
  const { fields, where } = event;
  const date = present(fields.date);
  const start = present(fields.start);
  let startMs: number | undefined;
  if (date !== undefined) {
    const parsed = parseIsoDateTime(date);
    if (parsed === undefined) {
      problems.add(where, `'date' '${date}' is not an ISO 8601 date-time`);
      return undefined;
    }
    const { local, offsetMinutes } = parsed;
    startMs =
      offsetMinutes === undefined
        ? instantOfLocal(local, timeZone)
        : Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) -
          offsetMinutes * MINUTE_MS;
  } else if (start !== undefined) {
    const minutes = parseClockMinutes(start);
    if (minutes === undefined) {
      problems.add(where, `'start' '${start}' is not a time of day like 20:30`);
      return undefined;
    }
    if (event.dayDate === undefined) {
      problems.add(where, `has only 'start' and its day has no valid 'date'`);
      return undefined;
    }
    const dayStartMinutes = dayChangeMinutes ?? dayStartClock(event.day, timeZone) ?? 0;
    const localDate = minutes < dayStartMinutes ? addDaysToDate(event.dayDate, 1) : event.dayDate;
    const calendarDate = parseLocalDate(localDate);
    if (calendarDate === undefined) return undefined;
    startMs = instantOfLocal(
      { ...calendarDate, hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0 },
      timeZone,
    );
  } else {
    problems.add(where, `missing 'start' (and 'date')`);
    return undefined;
  }

  const end = present(fields.end);
  const endParsed = end === undefined ? undefined : parseIsoDateTime(end);
  let endMs: number | undefined;
  if (endParsed !== undefined) {
    const { local, offsetMinutes } = endParsed;
    endMs =
      offsetMinutes === undefined
        ? instantOfLocal(local, timeZone)
        : Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) -
          offsetMinutes * MINUTE_MS;
  } else {
    const duration = present(fields.duration);
    if (duration === undefined) {
      problems.add(where, `missing 'duration'`);
      return undefined;
    }
    const minutes = parseDurationMinutes(duration);
    if (minutes === undefined) {
      problems.add(where, `'duration' '${duration}' is not a duration like 01:30`);
      return undefined;
    }
    endMs = startMs + Math.round(minutes * MINUTE_MS);
  }
  if (endMs < startMs) {
    problems.add(where, `ends before it starts`);
    return undefined;
  }
  return { startMs, endMs };
}

/** Local minutes after midnight at which a day starts, from its day_start, in the schedule's zone. */
function dayStartClock(day: RawDay, timeZone: string): number | undefined {
  const text = typeof day.fields.day_start === "string" ? day.fields.day_start : undefined;
  const parsed = text === undefined ? undefined : parseIsoDateTime(text);
  if (parsed === undefined) return undefined;
  if (parsed.offsetMinutes === undefined) return parsed.local.hour * 60 + parsed.local.minute;
  const { local, offsetMinutes } = parsed;
  const instant =
    Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) - offsetMinutes * MINUTE_MS;
  const inZone = localDateTimeAt(instant, timeZone);
  return inZone.hour * 60 + inZone.minute;
}

function personKey(person: v.InferOutput<typeof PersonFields>, name: string): string {
  const guid = present(person.guid);
  if (guid !== undefined) return `guid:${guid.toLowerCase()}`;
  const code = present(person.code);
  if (code !== undefined) return `code:${code}`;
  const id = typeof person.id === "number" ? String(person.id) : present(person.id ?? undefined);
  if (id !== undefined) return `id:${id}`;
  return `name:${name}`;
}

/** A festival date from a conference start/end (a date, or a date-time read in the schedule's zone). */
function festivalDate(text: string | undefined, timeZone: string): string | undefined {
  if (text === undefined) return undefined;
  if (parseLocalDate(text) !== undefined) return text;
  const parsed = parseIsoDateTime(text);
  if (parsed === undefined) return undefined;
  if (parsed.offsetMinutes === undefined) return formatLocalDate(parsed.local);
  const { local } = parsed;
  const instant =
    Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) -
    parsed.offsetMinutes * MINUTE_MS;
  return formatLocalDate(localDateTimeAt(instant, timeZone));
}

function statusOf(title: string, subtitle: string | undefined): { title: string; status: EventStatus } {
  if (subtitle === CANCELLED_SUBTITLE && title.startsWith(CANCELLED_TITLE_PREFIX)) {
    const original = title.slice(CANCELLED_TITLE_PREFIX.length).trim();
    if (original !== "") return { title: original, status: "cancelled" };
  }
  if (subtitle === TENTATIVE_SUBTITLE) return { title, status: "tentative" };
  return { title, status: "confirmed" };
}

function joinDescription(abstract: string | undefined, description: string | undefined): string {
  if (abstract === undefined) return description ?? "";
  if (description === undefined || description.startsWith(abstract)) return description ?? abstract;
  return `${abstract}\n\n${description}`;
}

function convert(raw: RawSchedule): ScheduleImport {
  const { fileName } = raw;
  const problems = new Problems();
  const conferenceWhere = `${fileName}: conference`;
  const conference = check(ConferenceFields, raw.conference, conferenceWhere, problems);

  const venues = new Map<string, ImportedVenue>();
  const addVenue = (name: string): void => {
    if (!venues.has(name)) venues.set(name, { key: name, name });
  };
  raw.conferenceRooms.forEach((room, position) => {
    const name = typeof room === "object" && room !== null && "name" in room ? room.name : undefined;
    if (typeof name === "string" && name.trim() !== "") addVenue(name.trim());
    else problems.add(`${conferenceWhere}, room ${position + 1}`, `missing 'name'`);
  });

  const pending: PendingEvent[] = [];
  raw.days.forEach((day, dayPosition) => {
    const dayWhere = `${fileName}: day ${dayPosition + 1}`;
    const dayFields = check(DayFields, day.fields, dayWhere, problems);
    const dayDateText = present(dayFields?.date);
    const dayDate = dayDateText !== undefined && parseLocalDate(dayDateText) !== undefined ? dayDateText : undefined;
    if (dayDateText !== undefined && dayDate === undefined) {
      problems.add(dayWhere, `'date' '${dayDateText}' is not a YYYY-MM-DD date`);
    }
    day.rooms.forEach((room, roomPosition) => {
      const roomName = typeof room.name === "string" ? present(room.name) : undefined;
      const roomWhere = roomName === undefined ? `${dayWhere}, room ${roomPosition + 1}` : `${dayWhere}, room '${roomName}'`;
      if (roomName !== undefined) addVenue(roomName);
      room.events.forEach((rawEvent, eventPosition) => {
        const title =
          typeof rawEvent === "object" && rawEvent !== null && "title" in rawEvent && typeof rawEvent.title === "string"
            ? rawEvent.title.trim()
            : "";
        const where = `${roomWhere}, event ${eventPosition + 1}${title === "" ? "" : ` ('${title.slice(0, 60)}')`}`;
        const fields = check(EventFields, rawEvent, where, problems);
        if (fields === undefined) return;
        pending.push({ where, fields, day, dayDate, containerRoom: roomName });
      });
    });
  });

  const timeZone =
    conference === undefined ? undefined : resolveTimeZone(present(conference.time_zone_name), pending, conferenceWhere, problems);
  const name = present(conference?.title) ?? present(conference?.acronym);
  if (conference !== undefined && name === undefined) problems.add(conferenceWhere, `missing 'title'`);
  const dayChangeText = present(conference?.day_change);
  const dayChangeMinutes = dayChangeText === undefined ? undefined : parseClockMinutes(dayChangeText);

  const people = new Map<string, ImportedPerson>();
  const events: ImportedEvent[] = [];
  if (timeZone !== undefined) {
    for (const event of pending) {
      const times = resolveTimes(event, timeZone, dayChangeMinutes, problems);
      const venueName = present(event.fields.room) ?? event.containerRoom;
      if (venueName === undefined) problems.add(event.where, `missing 'room'`);
      const hostKeys: string[] = [];
      (event.fields.persons ?? []).forEach((rawPerson, personPosition) => {
        const personWhere = `${event.where}, person ${personPosition + 1}`;
        const person = check(PersonFields, rawPerson, personWhere, problems);
        if (person === undefined) return;
        const personName = present(person.name) ?? present(person.public_name);
        if (personName === undefined) {
          problems.add(personWhere, `missing 'name'`);
          return;
        }
        const key = personKey(person, personName);
        if (!people.has(key)) people.set(key, { key, name: personName });
        if (!hostKeys.includes(key)) hostKeys.push(key);
      });
      if (times === undefined || venueName === undefined) continue;
      addVenue(venueName);
      const { title, status } = statusOf(event.fields.title, present(event.fields.subtitle));
      const track = present(event.fields.track);
      const language = present(event.fields.language);
      const imported: ImportedEvent = {
        title,
        venueKey: venueName,
        start: formatIsoInZone(times.startMs, timeZone),
        end: formatIsoInZone(times.endMs, timeZone),
        description: joinDescription(present(event.fields.abstract), present(event.fields.description)),
        hostKeys,
        tags: track === undefined ? [] : [track],
        status,
      };
      if (language !== undefined) imported.language = language;
      events.push(imported);
    }
  }
  problems.throwIfAny(fileName);
  if (timeZone === undefined || name === undefined) {
    throw new PandafestError(`${conferenceWhere}: unreadable`, { code: "input" });
  }

  const eventDates = events.map((event) => event.start.slice(0, 10)).sort();
  const dayDates = raw.days
    .map((day) => (typeof day.fields.date === "string" ? day.fields.date.trim() : ""))
    .filter((date) => parseLocalDate(date) !== undefined)
    .sort();
  const startDate =
    festivalDate(present(conference?.start), timeZone) ?? dayDates[0] ?? eventDates[0] ?? undefined;
  const endDate =
    festivalDate(present(conference?.end), timeZone) ?? dayDates[dayDates.length - 1] ?? eventDates[eventDates.length - 1];
  if (startDate === undefined || endDate === undefined) {
    throw new PandafestError(`${conferenceWhere}: no 'start' and 'end' dates and no days or events to take them from`, {
      code: "input",
    });
  }
  return {
    name,
    description: present(conference?.description) ?? "",
    timeZone,
    startDate,
    endDate,
    venues: [...venues.values()],
    people: [...people.values()],
    events,
  };
}

/**
 * Reads a frab or pretalx schedule.xml / schedule.json (detected from the content). Throws PandafestError
 * with every problem found (file, day, room, event, field) for bad input, and refuses files over 20 MB.
 */
export function parseSchedule(text: string, fileName?: string): ScheduleImport {
  return convert(readScheduleSource(text, fileName));
}
