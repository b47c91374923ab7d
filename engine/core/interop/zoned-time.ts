// Wall-clock time in an IANA time zone: offsets from Intl, arithmetic in UTC, never the host's own zone.
// Turns instants into local dates, times and ISO strings with offsets, and local wall times back into instants.
// Zone offsets and ISO formatting come from engine/core/time.ts; this adds the field-wise forms schedules need.
import { formatIsoInZone, formatOffset, isTimeZone, zoneOffsetMinutes } from "../time.js";

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** True when Intl knows the zone (an IANA name such as "Pacific/Auckland", or "UTC"). */
export function isKnownTimeZone(timeZone: string): boolean {
  return timeZone.trim() !== "" && isTimeZone(timeZone);
}

/** The zone's offset from UTC at an instant, in whole minutes (east positive); the engine's cached lookup. */
export const offsetMinutesAt = zoneOffsetMinutes;

/** The local calendar date and clock time at an instant, in the given zone. */
export function localDateTimeAt(epochMs: number, timeZone: string): LocalDateTime {
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  const shifted = new Date(wholeSecond + offsetMinutesAt(wholeSecond, timeZone) * MINUTE_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
  };
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

export { formatIsoInZone, formatOffset };

export function formatLocalDate(local: Pick<LocalDateTime, "year" | "month" | "day">): string {
  return `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}`;
}

/** "HH:MM" of a local time. */
export function formatClock(local: Pick<LocalDateTime, "hour" | "minute">): string {
  return `${pad(local.hour)}:${pad(local.minute)}`;
}


/** ISO 8601 with a fixed offset (for schedules whose zone is only known as an offset). */
export function formatIsoWithFixedOffset(epochMs: number, offsetMinutes: number): string {
  return formatIsoInZone(epochMs + offsetMinutes * MINUTE_MS, "UTC").replace(/\+00:00$/, formatOffset(offsetMinutes));
}

/**
 * The instant at which the zone's clocks show the given local time. A wall time repeated when clocks go
 * back resolves to its first occurrence; one skipped when clocks jump forward is moved forward by the jump
 * (02:30 on a 02:00 to 03:00 night becomes 03:30), as calendar software does.
 */
export function instantOfLocal(local: LocalDateTime, timeZone: string): number {
  const localAsUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  const offsetBefore = offsetMinutesAt(localAsUtc - DAY_MS, timeZone);
  const offsetAfter = offsetMinutesAt(localAsUtc + DAY_MS, timeZone);
  const candidates = [localAsUtc - offsetBefore * MINUTE_MS, localAsUtc - offsetAfter * MINUTE_MS];
  const matching = candidates.filter((candidate) => {
    const shown = localDateTimeAt(candidate, timeZone);
    return (
      Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute, shown.second) === localAsUtc
    );
  });
  if (matching.length > 0) return Math.min(...matching);
  return candidates[0];
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK_PATTERN = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|z|[+-]\d{2}:?\d{2})?$/;

/** Parses "YYYY-MM-DD" (a real calendar date) or returns undefined. */
export function parseLocalDate(text: string): Pick<LocalDateTime, "year" | "month" | "day"> | undefined {
  const match = DATE_PATTERN.exec(text);
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return undefined;
  }
  return { year, month, day };
}

/** Parses "HH:MM" or "HH:MM:SS" (00:00 to 23:59:59) into minutes after midnight, or undefined. */
export function parseClockMinutes(text: string): number | undefined {
  const match = CLOCK_PATTERN.exec(text);
  if (match === null) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  const seconds = match[3] === undefined ? 0 : Number(match[3]);
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  return hours * 60 + minutes;
}

/** The date `days` after a "YYYY-MM-DD" date (pure calendar arithmetic). */
export function addDaysToDate(date: string, days: number): string {
  const parsed = parseLocalDate(date);
  if (parsed === undefined) throw new RangeError(`not a date: ${date}`);
  const moved = new Date(Date.UTC(parsed.year, parsed.month - 1, parsed.day) + days * DAY_MS);
  return formatLocalDate({ year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() });
}

export interface ParsedIso {
  /** The local wall time written in the string. */
  local: LocalDateTime;
  /** The written offset in minutes, or undefined when the string has none (a floating local time). */
  offsetMinutes: number | undefined;
}

/** Parses an ISO 8601 date-time (offset optional) strictly, checking that the date and time exist. */
export function parseIsoDateTime(text: string): ParsedIso | undefined {
  const match = ISO_PATTERN.exec(text.trim());
  if (match === null) return undefined;
  const date = parseLocalDate(`${match[1]}-${match[2]}-${match[3]}`);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = match[6] === undefined ? 0 : Number(match[6]);
  if (date === undefined || hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = match[7];
  let offsetMinutes: number | undefined;
  if (zone === "Z" || zone === "z") {
    offsetMinutes = 0;
  } else if (zone !== undefined) {
    const digits = zone.replace(":", "");
    const magnitude = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
    if (Number(digits.slice(3, 5)) > 59 || magnitude > 18 * 60) return undefined;
    offsetMinutes = digits.startsWith("-") ? -magnitude : magnitude;
  }
  return { local: { ...date, hour, minute, second }, offsetMinutes };
}

/** The instant of an ISO 8601 date-time that carries an offset ("Z" or "+HH:MM"), or undefined. */
export function parseInstant(text: string): number | undefined {
  const parsed = parseIsoDateTime(text);
  if (parsed === undefined || parsed.offsetMinutes === undefined) return undefined;
  const { local } = parsed;
  const localAsUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return localAsUtc - parsed.offsetMinutes * MINUTE_MS;
}

/** "H:MM" durations: minutes as "HH:MM" (hours may exceed 99). */
export function formatDuration(totalMinutes: number): string {
  return `${pad(Math.floor(totalMinutes / 60))}:${pad(totalMinutes % 60)}`;
}
