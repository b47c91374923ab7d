// Validation of everything a user or a peer asks the engine to write: field shapes, lengths, dates,
// time zones; the first problem becomes a one-line PandafestError naming field, value and expectation.
import * as v from "valibot";
import { PandafestError } from "./errors.js";
import type { EventStatus, Geo, Visibility } from "./schema.js";
import { isWebAddress } from "./links.js";
import { canonicalTimeZone, explainBadInstant, isCalendarDate, isTimeOfDay, parseInstant } from "./time.js";

/** Size limits for what one field may hold (untrusted input stays bounded). */
export const LIMITS = {
  labelLength: 200,
  textLength: 20_000,
  contactLength: 1_000,
  tagLength: 64,
  tags: 32,
  hosts: 100,
  idLength: 100,
  capacity: 10_000_000,
  /** a link's address */
  urlLength: 2_000,
  /** links (or attachments) of one event or venue */
  links: 20,
  /** an event's type ("talk", "workshop", ...) */
  typeLength: 64,
  subtitleLength: 500,
  /** an identifier kept from an imported schedule (guid, code, slug) */
  sourceIdLength: 200,
} as const;

export const EVENT_STATUSES: readonly EventStatus[] = ["confirmed", "tentative", "cancelled"];
export const VISIBILITIES: readonly Visibility[] = ["public", "private"];

// ---- input shapes (what operations accept) ----

/** A link as written: a title and an http(s) address. */
export interface LinkInput {
  title: string;
  url: string;
}

/** Identifiers kept from an imported schedule (see SourceOrigin in schema.ts). */
export interface OriginInput {
  guid?: string;
  id?: number;
  code?: string;
  slug?: string;
  url?: string;
}

/** Per-conference fields kept from an imported schedule. */
export interface ScheduleOriginInput {
  acronym?: string;
  baseUrl?: string;
  version?: string;
}

export interface VenueInput {
  name: string;
  description?: string;
  address?: string;
  geo?: Geo;
  capacity?: number;
  accessibility?: string;
  tags?: string[];
  links?: LinkInput[];
  online?: boolean;
  origin?: OriginInput;
}

/** A venue edit: absent fields stay as they are; null clears an optional field. */
export interface VenuePatch {
  name?: string;
  description?: string;
  address?: string;
  geo?: Geo | null;
  capacity?: number | null;
  accessibility?: string;
  tags?: string[];
  links?: LinkInput[];
  online?: boolean;
}

export interface EventInput {
  title: string;
  venueId: string;
  /** ISO 8601 with an offset, e.g. 2027-07-01T20:00:00+02:00 */
  start: string;
  end: string;
  description?: string;
  hostIds?: string[];
  tags?: string[];
  /** a BCP 47 language tag, e.g. "en" or "pt-BR" */
  language?: string;
  status?: EventStatus;
  type?: string;
  subtitle?: string;
  abstract?: string;
  links?: LinkInput[];
  attachments?: LinkInput[];
  doNotRecord?: boolean;
  origin?: OriginInput;
}

/** An event edit: every field of a new event, each optional (absent stays as it is); null clears the language. */
export type EventPatch = Partial<Omit<EventInput, "language" | "origin">> & { language?: string | null };

export interface PersonInput {
  name: string;
  bio?: string;
  contact?: string;
  origin?: OriginInput;
}

export interface PersonPatch {
  name?: string;
  bio?: string;
  contact?: string | null;
}

export interface FestivalInput {
  name: string;
  description?: string;
  /** IANA name, default "UTC" */
  timeZone?: string;
  /** YYYY-MM-DD */
  startDate?: string;
  endDate?: string;
  /** HH:MM, default "04:00" */
  dayStartsAt?: string;
  visibility?: Visibility;
  /** set by a schedule import */
  schedule?: ScheduleOriginInput;
}

export type FestivalPatch = Partial<Omit<FestivalInput, "schedule">>;

// ---- field schemas ----

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const CONTROL_CHARACTERS_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function label(maxLength: number = LIMITS.labelLength) {
  const expected = `expected a non-empty single-line text of at most ${maxLength} characters`;
  return v.pipe(
    v.string(expected),
    v.trim(),
    v.minLength(1, expected),
    v.maxLength(maxLength, expected),
    v.check((text) => !CONTROL_CHARACTERS.test(text), expected),
  );
}

function prose(maxLength: number = LIMITS.textLength) {
  const expected = `expected a text of at most ${maxLength} characters`;
  return v.pipe(
    v.string(expected),
    v.trim(),
    v.maxLength(maxLength, expected),
    v.check((text) => !CONTROL_CHARACTERS_EXCEPT_LINES.test(text), `${expected} without control characters`),
  );
}

function uniqueList<T>(list: T[]): T[] {
  return [...new Set(list)];
}

/** A single line that may be empty (subtitle, type). */
function line(maxLength: number) {
  const expected = `expected a single-line text of at most ${maxLength} characters`;
  return v.pipe(
    v.string(expected),
    v.trim(),
    v.maxLength(maxLength, expected),
    v.check((text) => !CONTROL_CHARACTERS.test(text), expected),
  );
}

const webAddressExpected = `expected an http:// or https:// address of at most ${LIMITS.urlLength} characters, without spaces or control characters`;
const webAddress = v.pipe(
  v.string(webAddressExpected),
  v.trim(),
  v.maxLength(LIMITS.urlLength, webAddressExpected),
  v.check(isWebAddress, webAddressExpected),
);

const link = v.strictObject({ title: label(), url: webAddress }, "expected a link { title, url }");
const links = v.pipe(
  v.array(link, "expected a list of links { title, url }"),
  v.maxLength(LIMITS.links, `expected at most ${LIMITS.links} links`),
);

const sourceIdExpected = `expected a positive whole number`;
const origin = v.strictObject(
  {
    guid: v.optional(label(LIMITS.sourceIdLength)),
    id: v.optional(
      v.pipe(v.number(sourceIdExpected), v.safeInteger(sourceIdExpected), v.minValue(1, sourceIdExpected)),
    ),
    code: v.optional(label(LIMITS.sourceIdLength)),
    slug: v.optional(label(LIMITS.sourceIdLength)),
    url: v.optional(webAddress),
  },
  "expected the source's identifiers { guid, id, code, slug, url }",
);

const scheduleOrigin = v.strictObject(
  {
    acronym: v.optional(label(LIMITS.sourceIdLength)),
    baseUrl: v.optional(webAddress),
    version: v.optional(label(LIMITS.sourceIdLength)),
  },
  "expected the schedule's { acronym, baseUrl, version }",
);

const eventType = line(LIMITS.typeLength);
const subtitle = line(LIMITS.subtitleLength);

const tags = v.pipe(
  v.array(label(LIMITS.tagLength), `expected a list of tags`),
  v.maxLength(LIMITS.tags, `expected at most ${LIMITS.tags} tags`),
  v.transform(uniqueList),
);

const idReference = label(LIMITS.idLength);

const hostIds = v.pipe(
  v.array(idReference, "expected a list of person ids"),
  v.maxLength(LIMITS.hosts, `expected at most ${LIMITS.hosts} hosts`),
  v.transform(uniqueList),
);

function finiteNumber(min: number, max: number) {
  const expected = `expected a number from ${min} to ${max}`;
  return v.pipe(v.number(expected), v.finite(expected), v.minValue(min, expected), v.maxValue(max, expected));
}

const geo = v.strictObject(
  { lat: finiteNumber(-90, 90), lon: finiteNumber(-180, 180) },
  "expected { lat, lon } in decimal degrees",
);

const capacityExpected = `expected a whole number from 0 to ${LIMITS.capacity}`;
const capacity = v.pipe(
  v.number(capacityExpected),
  v.integer(capacityExpected),
  v.minValue(0, capacityExpected),
  v.maxValue(LIMITS.capacity, capacityExpected),
);

function canonicalLanguage(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

const languageExpected = 'expected a BCP 47 language tag such as "en" or "pt-BR"';
const language = v.pipe(
  v.string(languageExpected),
  v.trim(),
  v.maxLength(35, languageExpected),
  v.check((tag) => canonicalLanguage(tag) !== undefined, languageExpected),
  v.transform((tag) => canonicalLanguage(tag) ?? tag),
);

const status = v.picklist(EVENT_STATUSES, `expected one of ${EVENT_STATUSES.join(", ")}`);
const visibility = v.picklist(VISIBILITIES, `expected one of ${VISIBILITIES.join(", ")}`);

const instant = v.pipe(
  v.string("expected an ISO 8601 date-time with an offset, e.g. 2027-07-01T20:00:00+02:00"),
  v.trim(),
  v.check(
    (text) => parseInstant(text) !== undefined,
    (issue) => explainBadInstant(String(issue.input)),
  ),
);

const timeZoneExpected = 'expected an IANA time zone name such as "Europe/Berlin" or "UTC"';
const timeZone = v.pipe(
  v.string(timeZoneExpected),
  v.trim(),
  v.check((name) => canonicalTimeZone(name) !== undefined, timeZoneExpected),
  v.transform((name) => canonicalTimeZone(name) ?? name),
);

const dateExpected = "expected a real calendar date written YYYY-MM-DD";
const calendarDate = v.pipe(v.string(dateExpected), v.trim(), v.check(isCalendarDate, dateExpected));

const timeOfDayExpected = "expected a time of day written HH:MM (00:00 to 23:59)";
const timeOfDay = v.pipe(v.string(timeOfDayExpected), v.trim(), v.check(isTimeOfDay, timeOfDayExpected));

// ---- object schemas ----

function objectExpected(subject: string): string {
  return `expected an object with the ${subject}'s fields`;
}

const venueInput = v.strictObject(
  {
    name: label(),
    description: v.optional(prose()),
    address: v.optional(prose(LIMITS.contactLength)),
    geo: v.optional(geo),
    capacity: v.optional(capacity),
    accessibility: v.optional(prose()),
    tags: v.optional(tags),
    links: v.optional(links),
    online: v.optional(v.boolean("expected true or false")),
    origin: v.optional(origin),
  },
  objectExpected("venue"),
);

const venuePatch = v.strictObject(
  {
    name: v.optional(label()),
    description: v.optional(prose()),
    address: v.optional(prose(LIMITS.contactLength)),
    geo: v.optional(v.nullable(geo)),
    capacity: v.optional(v.nullable(capacity)),
    accessibility: v.optional(prose()),
    tags: v.optional(tags),
    links: v.optional(links),
    online: v.optional(v.boolean("expected true or false")),
  },
  objectExpected("venue"),
);

const eventContentEntries = {
  type: v.optional(eventType),
  subtitle: v.optional(subtitle),
  abstract: v.optional(prose()),
  links: v.optional(links),
  attachments: v.optional(links),
  doNotRecord: v.optional(v.boolean("expected true or false")),
};

const eventInput = v.strictObject(
  {
    title: label(),
    venueId: idReference,
    start: instant,
    end: instant,
    description: v.optional(prose()),
    hostIds: v.optional(hostIds),
    tags: v.optional(tags),
    language: v.optional(language),
    status: v.optional(status),
    ...eventContentEntries,
    origin: v.optional(origin),
  },
  objectExpected("event"),
);

const eventPatch = v.strictObject(
  {
    title: v.optional(label()),
    venueId: v.optional(idReference),
    start: v.optional(instant),
    end: v.optional(instant),
    description: v.optional(prose()),
    hostIds: v.optional(hostIds),
    tags: v.optional(tags),
    language: v.optional(v.nullable(language)),
    status: v.optional(status),
    ...eventContentEntries,
  },
  objectExpected("event"),
);

const personInput = v.strictObject(
  {
    name: label(),
    bio: v.optional(prose()),
    contact: v.optional(prose(LIMITS.contactLength)),
    origin: v.optional(origin),
  },
  objectExpected("person"),
);

const personPatch = v.strictObject(
  {
    name: v.optional(label()),
    bio: v.optional(prose()),
    contact: v.optional(v.nullable(prose(LIMITS.contactLength))),
  },
  objectExpected("person"),
);

const festivalEntries = {
  name: label(),
  description: v.optional(prose()),
  timeZone: v.optional(timeZone),
  startDate: v.optional(calendarDate),
  endDate: v.optional(calendarDate),
  dayStartsAt: v.optional(timeOfDay),
  visibility: v.optional(visibility),
};

const festivalInput = v.strictObject(
  { ...festivalEntries, schedule: v.optional(scheduleOrigin) },
  objectExpected("festival"),
);
const festivalPatch = v.strictObject(
  { ...festivalEntries, name: v.optional(label()) },
  objectExpected("festival"),
);

// ---- parsing ----

/** The issue's expectation as what to do ("expected a text of …" → "Enter a text of …."), for a form field. */
function adviceOf(issue: v.BaseIssue<unknown>, missing: boolean): string {
  if (missing) return "Fill this in: it is required.";
  const message = issue.message.trim();
  const advice = message.startsWith("expected ") ? `Enter ${message.slice("expected ".length)}` : message.charAt(0).toUpperCase() + message.slice(1);
  return advice.endsWith(".") ? advice : `${advice}.`;
}

function isMissing(issue: v.BaseIssue<unknown>): boolean {
  return issue.type === "strict_object" && issue.input === undefined && (issue.path ?? []).length > 0;
}

const PREVIEW_LENGTH = 60;

/** A short, printable rendering of a rejected value for an error message. */
export function previewValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH)}…` : text;
}

/** The dotted path of the offending field, printable on one line even when a key is not. */
function fieldPath(issue: v.BaseIssue<unknown>): string {
  const path = (issue.path ?? []).map((item) => String(item.key)).join(".");
  const printable = path.replace(/[\u0000-\u001f\u007f]/g, "?");
  return printable.length > PREVIEW_LENGTH ? `${printable.slice(0, PREVIEW_LENGTH)}…` : printable;
}

function describeIssue(subject: string, issue: v.BaseIssue<unknown>, knownFields: readonly string[]): string {
  const field = fieldPath(issue);
  if (issue.type === "strict_object" && issue.expected === "never") {
    return `${subject} has no field "${field}"; known fields: ${knownFields.join(", ")}`;
  }
  if (issue.type === "strict_object" && field !== "" && issue.input === undefined) {
    return `${subject} ${field} is missing; it is required`;
  }
  const where = field === "" ? subject : `${subject} ${field}`;
  return `invalid ${where} ${previewValue(issue.input)}: ${issue.message}`;
}

function parseWith<TSchema extends v.GenericSchema>(
  schema: TSchema & { entries: v.ObjectEntries },
  input: unknown,
  subject: string,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, input, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const field = issue.path?.[0]?.key;
  const about = typeof field === "string" && field in schema.entries ? { subject, field, advice: adviceOf(issue, isMissing(issue)) } : undefined;
  throw new PandafestError(describeIssue(subject, issue, Object.keys(schema.entries)), { code: "input", about });
}

/**
 * Every field problem of an input at once, the first for each field, each an error about its field: what a form
 * shows beside its fields in one go. The same schemas as the parse functions, so the rule is written once.
 */
function problemsWith(schema: v.GenericSchema & { entries: v.ObjectEntries }, input: unknown, subject: string): PandafestError[] {
  const result = v.safeParse(schema, input, { abortEarly: false });
  if (result.success) return [];
  const seen = new Set<string>();
  const problems: PandafestError[] = [];
  for (const issue of result.issues) {
    const key = issue.path?.[0]?.key;
    const field = typeof key === "string" ? key : "";
    if (seen.has(field)) continue;
    seen.add(field);
    const about = field !== "" && field in schema.entries ? { subject, field, advice: adviceOf(issue, isMissing(issue)) } : undefined;
    problems.push(new PandafestError(describeIssue(subject, issue, Object.keys(schema.entries)), { code: "input", about }));
  }
  return problems;
}

/** Every problem of a new event's fields (one per field), before anything about the festival is checked. */
export function eventInputProblems(input: unknown): PandafestError[] {
  return problemsWith(eventInput, input, "event");
}
export function eventPatchProblems(input: unknown): PandafestError[] {
  return problemsWith(eventPatch, input, "event");
}
/**
 * Every problem of each link of a list, each about one link's part: field `links.N.title` or `links.N.url` (N counts
 * from 0), and `links` for the list itself (too many). The rule of the `links` field of events and venues, for a form
 * that shows a message beside each row.
 */
export function linkListProblems(input: readonly unknown[], subject: string): PandafestError[] {
  const problems: PandafestError[] = [];
  if (input.length > LIMITS.links) {
    const advice = `Keep at most ${LIMITS.links} links: remove ${input.length - LIMITS.links}.`;
    problems.push(new PandafestError(`invalid ${subject} links: expected at most ${LIMITS.links} links, got ${input.length}`, { code: "input", about: { subject, field: "links", advice } }));
  }
  input.forEach((item, index) => {
    const result = v.safeParse(link, item, { abortEarly: false });
    if (result.success) return;
    const seen = new Set<string>();
    for (const issue of result.issues) {
      const key = issue.path?.[0]?.key;
      const part = key === "title" || key === "url" ? key : "";
      if (seen.has(part)) continue;
      seen.add(part);
      const field = part === "" ? "links" : `links.${index}.${part}`;
      const where = part === "" ? `${subject} links.${index}` : `${subject} ${field}`;
      problems.push(
        new PandafestError(`invalid ${where} ${previewValue(issue.input)}: ${issue.message}`, { code: "input", about: { subject, field, advice: adviceOf(issue, isMissing(issue)) } }),
      );
    }
  });
  return problems;
}
export function personInputProblems(input: unknown): PandafestError[] {
  return problemsWith(personInput, input, "person");
}
export function personPatchProblems(input: unknown): PandafestError[] {
  return problemsWith(personPatch, input, "person");
}

export function parseVenueInput(input: unknown): VenueInput {
  return parseWith(venueInput, input, "venue");
}
export function parseVenuePatch(input: unknown): VenuePatch {
  return parseWith(venuePatch, input, "venue");
}
export function parseEventInput(input: unknown): EventInput {
  return parseWith(eventInput, input, "event");
}
export function parseEventPatch(input: unknown): EventPatch {
  return parseWith(eventPatch, input, "event");
}
export function parsePersonInput(input: unknown): PersonInput {
  return parseWith(personInput, input, "person");
}
export function parsePersonPatch(input: unknown): PersonPatch {
  return parseWith(personPatch, input, "person");
}
export function parseFestivalInput(input: unknown): FestivalInput {
  return parseWith(festivalInput, input, "festival");
}
export function parseFestivalPatch(input: unknown): FestivalPatch {
  return parseWith(festivalPatch, input, "festival");
}

/** Checks that a festival's dates run forward; throws a PandafestError naming both dates otherwise. */
export function assertDateRange(startDate: string, endDate: string): void {
  if (startDate > endDate) {
    throw new PandafestError(
      `invalid festival dates: endDate ${endDate} is before startDate ${startDate}; the festival must end on or after its first day`,
      { about: { subject: "festival", field: "endDate" } },
    );
  }
}
