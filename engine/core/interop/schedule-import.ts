// Import of frab/pretalx schedule.xml and schedule.json: validated, time-zone-correct festival seed data that keeps
// what the source says (types, abstracts, links, source ids). Every problem names the file, day, room and event:
// by default an unusable event is skipped and listed, a fixable one is fixed and listed; `strict` refuses the file.
import * as v from "valibot";
import { PandafestError } from "../errors.js";
import type { EventStatus } from "../schema.js";
import { LIMITS } from "../validate.js";
import { importedGuid } from "./guid.js";
import { chooseTimeZone, type WrittenOffset } from "./schedule-zone.js";
import {
  FitChanges,
  fitLine,
  fitLinks,
  fitProse,
  sourceCode,
  sourceGuid,
  sourceNumericId,
  sourceSlug,
  sourceUrl,
  type ImportedLink,
} from "./schedule-fit.js";
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
} from "./zoned-time.js";

export { SCHEDULE_SIZE_LIMIT_BYTES } from "./schedule-source.js";

export type { ImportedLink } from "./schedule-fit.js";

/** The identifiers an imported entity keeps from its source; guid is always set (derived when the file has none). */
export interface ImportedOrigin {
  guid: string;
  id?: number;
  code?: string;
  slug?: string;
  url?: string;
}

export interface ImportedVenue {
  /** The room name as written in the file; events refer to it. */
  key: string;
  name: string;
  origin: ImportedOrigin;
}

export interface ImportedPerson {
  /** "guid:…", "code:…", "id:…" or "name:…", whichever the file offers first. */
  key: string;
  name: string;
  bio: string;
  origin: ImportedOrigin;
}

/** What the import did to one event (or the conference) other than reading it as written. */
export interface ImportNotice {
  /** file, day, room and event, as in error messages */
  where: string;
  /** skipped: left out; changed: imported with the named changes; note: imported as written, but worth knowing */
  action: "skipped" | "changed" | "note";
  reason: string;
}

export interface ImportOptions {
  /** all or nothing: any event that would be skipped or changed makes the whole import fail (the notes do not) */
  strict?: boolean;
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
  /** "" when the file gives none */
  type: string;
  subtitle: string;
  abstract: string;
  links: ImportedLink[];
  attachments: ImportedLink[];
  doNotRecord: boolean;
  origin: ImportedOrigin;
  /** where the event is in the file, for messages */
  where: string;
}

export interface ScheduleImport {
  name: string;
  description: string;
  timeZone: string;
  startDate: string;
  endDate: string;
  /** HH:MM the schedule's days start at (its day_change, or its first day's start) */
  dayStartsAt?: string;
  acronym?: string;
  baseUrl?: string;
  version?: string;
  venues: ImportedVenue[];
  people: ImportedPerson[];
  events: ImportedEvent[];
  /** events skipped or changed, and notes about the zone, in file order */
  notices: ImportNotice[];
}

const MAX_LISTED_PROBLEMS = 20;
const MINUTE_MS = 60_000;

const OptionalText = v.optional(v.nullable(v.string("must be text")));
const OptionalId = v.optional(v.nullable(v.union([v.number(), v.string()], "must be a number or text")));
const OptionalList = v.optional(v.nullable(v.array(v.unknown(), "must be a list")));

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
  type: OptionalText,
  slug: OptionalText,
  url: OptionalText,
  guid: OptionalText,
  code: OptionalText,
  id: OptionalId,
  do_not_record: v.optional(v.nullable(v.union([v.boolean(), v.string()], "must be true or false"))),
  persons: OptionalList,
  links: OptionalList,
  attachments: OptionalList,
});

const PersonFields = v.object({
  name: OptionalText,
  public_name: OptionalText,
  guid: OptionalText,
  code: OptionalText,
  id: OptionalId,
  biography: OptionalText,
});

type EventInput = v.InferOutput<typeof EventFields>;

class Problems {
  private readonly list: { where: string; what: string }[] = [];

  add(where: string, what: string): void {
    this.list.push({ where, what });
  }

  get count(): number {
    return this.list.length;
  }

  /** What is wrong, without where (for one event's skip reason). */
  reasons(): string[] {
    return this.list.map((item) => item.what);
  }

  /** Each problem as "where: what". */
  lines(): string[] {
    return this.list.map((item) => `${item.where}: ${item.what}`);
  }

  throwIfAny(fileName: string): void {
    const lines = this.lines();
    if (lines.length === 0) return;
    if (lines.length === 1) throw new PandafestError(lines[0], { code: "input" });
    const shown = lines.slice(0, MAX_LISTED_PROBLEMS).map((line) => `  ${line}`);
    const more = lines.length - shown.length;
    if (more > 0) shown.push(`  … and ${more} more`);
    throw new PandafestError(
      `${fileName}: ${lines.length} problems; fix them and import again:\n${shown.join("\n")}`,
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

interface PendingEvent {
  where: string;
  fields: EventInput;
  day: RawDay;
  dayDate: string | undefined;
  containerRoom: string | undefined;
}

/** The instant and offset of a date-time written with an offset, or undefined. */
function writtenOffset(text: string | null | undefined): WrittenOffset | undefined {
  const parsed = text === undefined || text === null ? undefined : parseIsoDateTime(text);
  if (parsed?.offsetMinutes === undefined) return undefined;
  const { local, offsetMinutes } = parsed;
  const instantMs = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) - offsetMinutes * MINUTE_MS;
  return { instantMs, offsetMinutes };
}

function resolveTimeZone(
  conferenceZone: string | undefined,
  pending: PendingEvent[],
  where: string,
  problems: Problems,
  notices: ImportNotice[],
): string | undefined {
  if (conferenceZone !== undefined && !isKnownTimeZone(conferenceZone)) {
    problems.add(where, `'time_zone_name' '${conferenceZone}' is not a known time zone (use an IANA name like Europe/Berlin)`);
    return undefined;
  }
  const written: WrittenOffset[] = [];
  for (const { fields } of pending) {
    const offset = writtenOffset(fields.date);
    if (offset !== undefined) written.push(offset);
  }
  const choice = chooseTimeZone(conferenceZone, written);
  if (choice === undefined) {
    problems.add(
      where,
      written.length === 0
        ? `missing 'time_zone_name' and no event has a 'date' with an offset; add 'time_zone_name'`
        : `missing 'time_zone_name' and no time zone has the offsets the events are written with; add 'time_zone_name'`,
    );
    return undefined;
  }
  if (choice.note !== undefined) notices.push({ where, action: "note", reason: choice.note });
  return choice.timeZone;
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

/** Minutes after midnight from a day_change ("04:00" or a date-time) or the first day's start, as HH:MM. */
function dayStartsAtOf(dayChangeMinutes: number | undefined, days: readonly RawDay[], timeZone: string): string | undefined {
  const minutes = dayChangeMinutes ?? (days.length > 0 ? dayStartClock(days[0], timeZone) : undefined);
  if (minutes === undefined) return undefined;
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

function optionalLine(text: string | null | undefined, maxLength: number, field: string, changes: FitChanges): string | undefined {
  const value = present(text);
  return value === undefined ? undefined : fitLine(value, maxLength, field, changes);
}

function originOf(
  fields: { guid?: unknown; id?: unknown; code?: unknown; slug?: unknown; url?: unknown },
  fallbackGuid: () => string,
): ImportedOrigin {
  const origin: ImportedOrigin = { guid: sourceGuid(fields.guid) ?? fallbackGuid() };
  const id = sourceNumericId(fields.id);
  if (id !== undefined) origin.id = id;
  const code = sourceCode(fields.code);
  if (code !== undefined) origin.code = code;
  const slug = sourceSlug(fields.slug);
  if (slug !== undefined) origin.slug = slug;
  const url = sourceUrl(fields.url);
  if (url !== undefined) origin.url = url;
  return origin;
}

function doNotRecordOf(value: boolean | string | null | undefined): boolean {
  return value === true || (typeof value === "string" && (value.trim() === "true" || value.trim() === "1"));
}

function convert(raw: RawSchedule, options: ImportOptions): ScheduleImport {
  const { fileName } = raw;
  const strict = options.strict === true;
  const problems = new Problems();
  const notices: ImportNotice[] = [];
  const conferenceWhere = `${fileName}: conference`;
  const conference = check(ConferenceFields, raw.conference, conferenceWhere, problems);
  const name = present(conference?.title) ?? present(conference?.acronym);
  const scheduleKey = present(conference?.acronym) ?? name ?? fileName;

  const roomGuids = new Map<string, string>();
  const venues = new Map<string, ImportedVenue>();
  const addVenue = (roomName: string, guid?: unknown): void => {
    const known = sourceGuid(guid);
    if (known !== undefined && !roomGuids.has(roomName)) roomGuids.set(roomName, known);
    if (venues.has(roomName)) return;
    venues.set(roomName, { key: roomName, name: roomName, origin: { guid: roomGuids.get(roomName) ?? importedGuid(scheduleKey, "room", roomName) } });
  };
  raw.conferenceRooms.forEach((room, position) => {
    const record = typeof room === "object" && room !== null ? (room as Record<string, unknown>) : {};
    const roomName = record.name;
    if (typeof roomName === "string" && roomName.trim() !== "") addVenue(roomName.trim(), record.guid);
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
      if (roomName !== undefined) addVenue(roomName, room.guid);
      room.events.forEach((rawEvent, eventPosition) => {
        const title =
          typeof rawEvent === "object" && rawEvent !== null && "title" in rawEvent && typeof rawEvent.title === "string"
            ? rawEvent.title.trim()
            : "";
        const shownTitle = title.replace(/[\u0000-\u001f\u007f]/g, "?").slice(0, 60);
        const where = `${roomWhere}, event ${eventPosition + 1}${title === "" ? "" : ` ('${shownTitle}')`}`;
        const issues = new Problems();
        const fields = check(EventFields, rawEvent, where, issues);
        if (fields === undefined) {
          if (strict) for (const line of issues.reasons()) problems.add(where, line);
          else notices.push({ where, action: "skipped", reason: issues.reasons().join("; ") });
          return;
        }
        pending.push({ where, fields, day, dayDate, containerRoom: roomName });
      });
    });
  });

  const timeZone =
    conference === undefined
      ? undefined
      : resolveTimeZone(present(conference.time_zone_name), pending, conferenceWhere, problems, notices);
  if (conference !== undefined && name === undefined) problems.add(conferenceWhere, `missing 'title'`);
  const dayChangeText = present(conference?.day_change);
  const dayChangeMinutes = dayChangeText === undefined ? undefined : parseClockMinutes(dayChangeText);

  const people = new Map<string, ImportedPerson>();
  const events: ImportedEvent[] = [];
  if (timeZone !== undefined) {
    for (const event of pending) {
      const issues = new Problems();
      const changes = new FitChanges();
      const times = resolveTimes(event, timeZone, dayChangeMinutes, issues);
      const venueName = present(event.fields.room) ?? event.containerRoom;
      if (venueName === undefined) issues.add(event.where, `missing 'room'`);
      const hostKeys: string[] = [];
      const eventPeople: ImportedPerson[] = [];
      (event.fields.persons ?? []).forEach((rawPerson, personPosition) => {
        const personWhere = `${event.where}, person ${personPosition + 1}`;
        const personProblems = new Problems();
        const person = check(PersonFields, rawPerson, personWhere, personProblems);
        const personName = person === undefined ? undefined : present(person.name) ?? present(person.public_name);
        if (person === undefined || personName === undefined) {
          const why = person === undefined ? personProblems.reasons().join("; ") : `missing 'name'`;
          // strict keeps the old all-or-nothing report; otherwise the event is kept without this person
          if (strict) problems.add(personWhere, why);
          else changes.add(`person ${personPosition + 1} left out (${why})`);
          return;
        }
        const key = personKey(person, personName);
        const fitName = fitLine(personName, LIMITS.labelLength, `person ${personPosition + 1} name`, changes);
        const bio = fitProse(present(person.biography) ?? "", LIMITS.textLength, `person ${personPosition + 1} biography`, changes);
        eventPeople.push({ key, name: fitName, bio, origin: originOf(person, () => importedGuid(scheduleKey, "person", key)) });
        if (!hostKeys.includes(key)) hostKeys.push(key);
      });
      if (issues.count > 0 || times === undefined || venueName === undefined) {
        const reasons = issues.reasons();
        if (strict) for (const reason of reasons) problems.add(event.where, reason);
        else notices.push({ where: event.where, action: "skipped", reason: reasons.join("; ") });
        continue;
      }
      for (const person of eventPeople) if (!people.has(person.key)) people.set(person.key, person);
      addVenue(venueName);
      const fields = event.fields;
      const marked = statusOf(fields.title, present(fields.subtitle));
      const title = fitLine(marked.title, LIMITS.labelLength, "title", changes);
      const track = optionalLine(fields.track, LIMITS.tagLength, "track", changes);
      const language = present(fields.language);
      const usableLanguage = language !== undefined && canonicalLanguage(language) !== undefined ? language : undefined;
      if (language !== undefined && usableLanguage === undefined) changes.add(`language '${language.slice(0, 35)}' left out (not a language tag)`);
      const isMark = marked.status !== "confirmed";
      const startIso = formatIsoInZone(times.startMs, timeZone);
      const sourceId = sourceNumericId(fields.id);
      const guidKey = sourceId !== undefined ? `id:${sourceId}` : sourceCode(fields.code) !== undefined ? `code:${fields.code}` : `${title}|${startIso}|${venueName}`;
      const imported: ImportedEvent = {
        title: title === "" ? "Untitled" : title,
        venueKey: venueName,
        start: startIso,
        end: formatIsoInZone(times.endMs, timeZone),
        description: fitProse(present(fields.description) ?? "", LIMITS.textLength, "description", changes),
        hostKeys,
        tags: track === undefined || track === "" ? [] : [track],
        status: marked.status,
        type: optionalLine(fields.type, LIMITS.typeLength, "type", changes) ?? "",
        subtitle: isMark ? "" : optionalLine(fields.subtitle, LIMITS.subtitleLength, "subtitle", changes) ?? "",
        abstract: fitProse(present(fields.abstract) ?? "", LIMITS.textLength, "abstract", changes),
        links: fitLinks(fields.links, "links", changes),
        attachments: fitLinks(fields.attachments, "attachments", changes),
        doNotRecord: doNotRecordOf(fields.do_not_record),
        origin: originOf(fields, () => importedGuid(scheduleKey, "event", guidKey)),
        where: event.where,
      };
      if (usableLanguage !== undefined) imported.language = usableLanguage;
      if (changes.list.length > 0) {
        if (strict) for (const change of changes.list) problems.add(event.where, change);
        else notices.push({ where: event.where, action: "changed", reason: changes.list.join("; ") });
      }
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
  // The days the file lists are its festival days; a conference 'end' written as the next morning's day boundary
  // would otherwise add an empty day.
  const startDate = dayDates[0] ?? festivalDate(present(conference?.start), timeZone) ?? eventDates[0];
  const endDate = dayDates[dayDates.length - 1] ?? festivalDate(present(conference?.end), timeZone) ?? eventDates[eventDates.length - 1];
  if (startDate === undefined || endDate === undefined) {
    throw new PandafestError(`${conferenceWhere}: no 'start' and 'end' dates and no days or events to take them from`, {
      code: "input",
    });
  }
  const result: ScheduleImport = {
    name: fitLine(name, LIMITS.labelLength, "conference title", new FitChanges()),
    description: fitProse(present(conference?.description) ?? "", LIMITS.textLength, "conference description", new FitChanges()),
    timeZone,
    startDate,
    endDate: endDate < startDate ? startDate : endDate,
    venues: [...venues.values()],
    people: [...people.values()],
    events,
    notices,
  };
  const dayStartsAt = dayStartsAtOf(dayChangeMinutes, raw.days, timeZone);
  if (dayStartsAt !== undefined) result.dayStartsAt = dayStartsAt;
  const acronym = present(conference?.acronym);
  if (acronym !== undefined && acronym.length <= LIMITS.sourceIdLength && !/[\u0000-\u001f\u007f]/.test(acronym)) result.acronym = acronym;
  const baseUrl = sourceUrl(raw.baseUrl) ?? sourceUrl(raw.conference.base_url);
  if (baseUrl !== undefined) result.baseUrl = baseUrl;
  const version = typeof raw.version === "string" ? present(raw.version) : undefined;
  if (version !== undefined && version.length <= LIMITS.sourceIdLength && !/[\u0000-\u001f\u007f]/.test(version)) result.version = version;
  return result;
}

function canonicalLanguage(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/**
 * Reads a frab or pretalx schedule.xml / schedule.json (detected from the content). Throws PandafestError with
 * every problem found (file, day, room, event, field) when the file as a whole is unusable. An event that cannot
 * be imported is skipped, one that needs changes to fit is changed; both are listed in `notices`. With
 * `strict`, any such event makes it throw instead. Refuses files over 20 MB.
 */
export function parseSchedule(text: string, fileName?: string, options: ImportOptions = {}): ScheduleImport {
  return convert(readScheduleSource(text, fileName), options);
}
