// Dates, times and time zones with Intl only: strict ISO 8601 parsing, zone offsets, local formatting
// and the festival day of an instant. Browser-safe; results never depend on the host's time zone.

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export interface ParsedInstant {
  /** Milliseconds since the Unix epoch. */
  epochMs: number;
  /** The offset written in the text, in minutes east of UTC (Z is 0). */
  offsetMinutes: number;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_OF_DAY_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month (1..12) of the proleptic Gregorian calendar, as Date counts them. */
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

function isRealDate(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Epoch milliseconds of a UTC calendar date and time (years 1..99 are not shifted to 1900+). */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, ms); // the common, fast case
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

const ZERO = 48;

/** The number `count` ASCII digits at `at` write, or -1 when any of them is not a digit (or is past the end). */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let index = at; index < at + count; index++) {
    const digit = text.charCodeAt(index) - ZERO;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * The epoch milliseconds `text` writes as YYYY-MM-DDTHH:MM[:SS[.fraction of 1 to 9 digits]] then Z or ±HH:MM, or NaN
 * when it is not so written or (with `realOnly`) is no real date, time or offset; without `realOnly`, 0 for any text
 * so written. Read character by character: no match objects, nothing made.
 */
function readInstant(text: string, realOnly: boolean): number {
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0) return Number.NaN;
  if (text[4] !== "-" || text[7] !== "-" || text[10] !== "T" || text[13] !== ":") return Number.NaN;
  let at = 16;
  let second = 0;
  let millis = 0;
  if (text[at] === ":") {
    second = digitsAt(text, at + 1, 2);
    if (second < 0) return Number.NaN;
    at += 3;
    if (text[at] === ".") {
      let digits = 0;
      while (digits < 9 && digitsAt(text, at + 1 + digits, 1) >= 0) digits++;
      if (digits === 0) return Number.NaN;
      const read = Math.min(digits, 3);
      millis = digitsAt(text, at + 1, read) * 10 ** (3 - read);
      at += 1 + digits;
    }
  }
  if (text[at] === "Z") {
    if (at + 1 !== text.length) return Number.NaN;
  } else {
    const sign = text[at];
    if ((sign !== "+" && sign !== "-") || text[at + 3] !== ":" || at + 6 !== text.length) return Number.NaN;
    const offsetHours = digitsAt(text, at + 1, 2);
    const offsetMinutes = digitsAt(text, at + 4, 2);
    if (offsetHours < 0 || offsetMinutes < 0) return Number.NaN;
    if (realOnly && (offsetHours > 23 || offsetMinutes > 59)) return Number.NaN;
  }
  if (!realOnly) return 0;
  if (!isRealDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  return utcMs(year, month, day, hour, minute, second, millis) - writtenOffsetMinutes(text) * MINUTE_MS;
}

/** The offset a text read as an instant ends with (Z or ±HH:MM), in minutes east of UTC. */
function writtenOffsetMinutes(text: string): number {
  if (text.endsWith("Z")) return 0;
  const at = text.length - 6;
  return (text[at] === "-" ? -1 : 1) * (digitsAt(text, at + 1, 2) * 60 + digitsAt(text, at + 4, 2));
}

/**
 * Parses an ISO 8601 / RFC 3339 date-time that carries an offset ("Z" or "+hh:mm"), e.g.
 * 2027-07-01T20:00:00+02:00. Returns undefined for anything else, including impossible dates
 * (2027-02-30) and texts without an offset.
 */
export function parseInstant(text: string): ParsedInstant | undefined {
  const epochMs = readInstant(text, true);
  return Number.isNaN(epochMs) ? undefined : { epochMs, offsetMinutes: writtenOffsetMinutes(text) };
}

/** Epoch milliseconds of an ISO date-time with offset, or undefined when it is not one. */
export function instantMs(text: string): number | undefined {
  const epochMs = readInstant(text, true);
  return Number.isNaN(epochMs) ? undefined : epochMs;
}

/** Explains why text is not an ISO 8601 date-time with an offset (for error messages). */
export function explainBadInstant(text: string): string {
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) {
    return "has no offset; add Z or +hh:mm, e.g. 2027-07-01T20:00:00+02:00";
  }
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(text)) {
    return "uses a space between date and time; write T, e.g. 2027-07-01T20:00:00+02:00";
  }
  if (/[+-]\d{4}$/.test(text)) return "has an offset without a colon; write +hh:mm, e.g. +02:00";
  if (!Number.isNaN(readInstant(text, false))) return "is not a real date and time (check day, month, hour and offset)";
  return "is not an ISO 8601 date-time with an offset, e.g. 2027-07-01T20:00:00+02:00";
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(text: string): boolean {
  const match = DATE_PATTERN.exec(text);
  return match !== null && isRealDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** True for a time of day written HH:MM (00:00 to 23:59). */
export function isTimeOfDay(text: string): boolean {
  return TIME_OF_DAY_PATTERN.test(text);
}

/** Minutes since midnight of an HH:MM time of day. */
export function minutesOfDay(timeOfDay: string): number {
  const match = TIME_OF_DAY_PATTERN.exec(timeOfDay);
  if (!match) throw new RangeError(`not a time of day (HH:MM): ${timeOfDay}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** The date n days after (or before, n < 0) a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const match = DATE_PATTERN.exec(date);
  if (!match) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  return dateOfUtcMs(utcMs(Number(match[1]), Number(match[2]), Number(match[3])) + days * DAY_MS);
}

/** Whole days from one YYYY-MM-DD date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const a = DATE_PATTERN.exec(from);
  const b = DATE_PATTERN.exec(to);
  if (!a || !b) throw new RangeError(`not a date (YYYY-MM-DD): ${a ? to : from}`);
  const fromMs = utcMs(Number(a[1]), Number(a[2]), Number(a[3]));
  const toMs = utcMs(Number(b[1]), Number(b[2]), Number(b[3]));
  return Math.round((toMs - fromMs) / DAY_MS);
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

/** YYYY-MM-DD of the UTC calendar day containing ms. */
function dateOfUtcMs(ms: number): string {
  const date = new Date(ms);
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** HH:MM of the UTC wall clock at ms. */
function timeOfUtcMs(ms: number): string {
  const date = new Date(ms);
  return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

// ---- time zones ----

const formatterCache = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatterCache.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatterCache.set(timeZone, formatter);
  }
  return formatter;
}

/** True when timeZone is an IANA time zone name this runtime knows (e.g. "Europe/Berlin", "UTC"). */
export function isTimeZone(timeZone: string): boolean {
  if (timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    zoneFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The runtime's canonical spelling of a time zone name ("europe/berlin" gives "Europe/Berlin"), or undefined. */
export function canonicalTimeZone(timeZone: string): string | undefined {
  return isTimeZone(timeZone) ? zoneFormatter(timeZone).resolvedOptions().timeZone : undefined;
}

function computeOffsetMinutes(epochMs: number, timeZone: string): number {
  const wholeSecondMs = Math.floor(epochMs / 1000) * 1000;
  const fields: Record<string, string> = {};
  for (const part of zoneFormatter(timeZone).formatToParts(wholeSecondMs)) fields[part.type] = part.value;
  const yearOfEra = Number(fields.year);
  const year = fields.era === "BC" || fields.era === "B" ? 1 - yearOfEra : yearOfEra;
  const wallMs = utcMs(
    year,
    Number(fields.month),
    Number(fields.day),
    Number(fields.hour),
    Number(fields.minute),
    Number(fields.second),
  );
  return Math.round((wallMs - wholeSecondMs) / MINUTE_MS);
}

/** Offsets per zone and UTC hour; bounded so a long-running process does not grow forever. */
const offsetCache = new Map<string, Map<number, number>>();
const OFFSET_CACHE_LIMIT = 20_000;

/**
 * The offset of timeZone from UTC at an instant, in minutes east of UTC. Cached per UTC hour when
 * the offset is the same at both ends of that hour (zones change offset at most once an hour).
 */
export function zoneOffsetMinutes(epochMs: number, timeZone: string): number {
  let byHour = offsetCache.get(timeZone);
  if (!byHour) {
    byHour = new Map();
    offsetCache.set(timeZone, byHour);
  }
  const hour = Math.floor(epochMs / HOUR_MS);
  const cached = byHour.get(hour);
  if (cached !== undefined) return cached;
  const atStart = computeOffsetMinutes(hour * HOUR_MS, timeZone);
  const atEnd = computeOffsetMinutes((hour + 1) * HOUR_MS - 1000, timeZone);
  if (atStart !== atEnd) return computeOffsetMinutes(epochMs, timeZone);
  if (byHour.size >= OFFSET_CACHE_LIMIT) byHour.clear();
  byHour.set(hour, atStart);
  return atStart;
}

/** "+02:00", "-07:00", "Z" is never used: an offset of 0 is "+00:00". */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const absolute = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}

export interface LocalDateTime {
  /** YYYY-MM-DD in the zone */
  date: string;
  /** HH:MM in the zone */
  time: string;
  /** minutes east of UTC */
  offsetMinutes: number;
}

/** The wall-clock date and time of an instant in a time zone. */
export function localDateTime(epochMs: number, timeZone: string): LocalDateTime {
  const offsetMinutes = zoneOffsetMinutes(epochMs, timeZone);
  const wallMs = epochMs + offsetMinutes * MINUTE_MS;
  return { date: dateOfUtcMs(wallMs), time: timeOfUtcMs(wallMs), offsetMinutes };
}

/** An instant written as ISO 8601 with the zone's offset at that instant, e.g. 2027-07-01T20:00:00+02:00. */
export function formatIsoInZone(epochMs: number, timeZone: string): string {
  const offsetMinutes = zoneOffsetMinutes(epochMs, timeZone);
  const wall = new Date(Math.floor(epochMs / 1000) * 1000 + offsetMinutes * MINUTE_MS);
  const seconds = pad(wall.getUTCSeconds());
  return `${dateOfUtcMs(wall.getTime())}T${timeOfUtcMs(wall.getTime())}:${seconds}${formatOffset(offsetMinutes)}`;
}

/**
 * The instant at which a zone's wall clock shows date and time (HH:MM). A wall time that occurs twice
 * (clocks going back) gives the earlier instant; one skipped by clocks going forward is moved forward
 * by the gap (02:30 in a 02:00 to 03:00 gap gives 03:30), as RFC 9557 / Temporal "compatible" does.
 */
export function zonedDateTimeToEpoch(date: string, time: string, timeZone: string): number {
  const dateMatch = DATE_PATTERN.exec(date);
  if (!dateMatch || !isCalendarDate(date)) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  const wallMs =
    utcMs(Number(dateMatch[1]), Number(dateMatch[2]), Number(dateMatch[3])) + minutesOfDay(time) * MINUTE_MS;
  const offsetBefore = zoneOffsetMinutes(wallMs - DAY_MS, timeZone);
  const offsetAfter = zoneOffsetMinutes(wallMs + DAY_MS, timeZone);
  const candidates = [wallMs - offsetBefore * MINUTE_MS, wallMs - offsetAfter * MINUTE_MS]
    .filter((instant) => instant + zoneOffsetMinutes(instant, timeZone) * MINUTE_MS === wallMs)
    .sort((a, b) => a - b);
  return candidates[0] ?? wallMs - offsetBefore * MINUTE_MS;
}

/** The instant at which a zone's wall clock shows date and time (HH:MM), written with the zone's offset then. */
export function wallClockToIso(date: string, time: string, timeZone: string): string {
  return formatIsoInZone(zonedDateTimeToEpoch(date, time, timeZone), timeZone);
}

/** A date and time as people type them, without an offset: "2027-07-01T20:00" (a space or ":00" seconds allowed). */
const WALL_CLOCK_PATTERN = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::00)?$/;

/**
 * An event time as given by a person: a date and time without an offset ("2027-07-01T20:00") is read on the
 * festival's wall clock (wallClockToIso), as the web app's event form reads its fields; anything else is kept
 * as it is, for validation to judge (an instant with an offset, or text that is no time at all).
 */
export function instantInZone(text: string, timeZone: string): string {
  const match = WALL_CLOCK_PATTERN.exec(text.trim());
  if (!match || !isCalendarDate(match[1]) || !isTimeOfDay(match[2])) return text;
  return wallClockToIso(match[1], match[2], timeZone);
}

/**
 * The festival day (YYYY-MM-DD) an instant belongs to: the local calendar date of the wall-clock
 * time minus dayStartsAt. With dayStartsAt "04:00", 01:30 on the 2nd belongs to the 1st.
 */
export function festivalDayOf(epochMs: number, timeZone: string, dayStartsAt: string): string {
  const wallMs = epochMs + zoneOffsetMinutes(epochMs, timeZone) * MINUTE_MS;
  return dateOfUtcMs(wallMs - minutesOfDay(dayStartsAt) * MINUTE_MS);
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(timeZone: string, nowMs: number = Date.now()): string {
  return localDateTime(nowMs, timeZone).date;
}

/** The zone a festival is read in when its own is unknown here, and the one a new festival gets by default. */
export const DEFAULT_TIME_ZONE = "UTC";
/** When a festival day starts when the festival says nothing usable, and by default for a new festival. */
export const DEFAULT_DAY_START = "04:00";

/** timeZone when this runtime knows it, else "UTC" (for display of data written by other peers). */
export function usableTimeZone(timeZone: string): string {
  return isTimeZone(timeZone) ? timeZone : DEFAULT_TIME_ZONE;
}

/** dayStartsAt when it is a time of day (HH:MM), else "04:00" (for data written by other peers). */
export function usableDayStart(dayStartsAt: string): string {
  return isTimeOfDay(dayStartsAt) ? dayStartsAt : DEFAULT_DAY_START;
}

/**
 * HH:MM of an instant (ISO text with offset, or epoch ms) on the zone's wall clock. Bad text is
 * returned as is; an unknown zone shows UTC.
 */
export function formatLocalTime(instant: string | number, timeZone: string): string {
  const epochMs = typeof instant === "number" ? instant : instantMs(instant);
  return epochMs === undefined ? String(instant) : localDateTime(epochMs, usableTimeZone(timeZone)).time;
}

/** "YYYY-MM-DD HH:MM" of an instant on the zone's wall clock; bad text is returned as is, unknown zone shows UTC. */
export function formatLocalDateTime(instant: string | number, timeZone: string): string {
  const epochMs = typeof instant === "number" ? instant : instantMs(instant);
  if (epochMs === undefined) return String(instant);
  const local = localDateTime(epochMs, usableTimeZone(timeZone));
  return `${local.date} ${local.time}`;
}
