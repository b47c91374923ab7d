// iCalendar local times: a VTIMEZONE for a festival's zone built from the runtime's own zone data (Intl), listing
// every offset change over the span the events need, and DTSTART/DTEND values written as wall time in that zone.
import { localDateTimeAt, offsetMinutesAt, type LocalDateTime } from "./zoned-time.js";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Longest span scanned for offset changes (a festival is at most 3,660 days long). */
const MAX_SCAN_DAYS = 4_000;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

/** 20270108T200000: an iCalendar DATE-TIME without zone. */
export function icalLocal(local: LocalDateTime): string {
  return `${pad(local.year, 4)}${pad(local.month)}${pad(local.day)}T${pad(local.hour)}${pad(local.minute)}${pad(local.second)}`;
}

/** An offset as iCalendar writes it: +1300, -0800. */
function icalOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const magnitude = Math.abs(minutes);
  return `${sign}${pad(Math.floor(magnitude / 60))}${pad(magnitude % 60)}`;
}

/** The instant (to the minute) at which the offset changes between two instants known to differ. */
function transitionBetween(fromMs: number, toMs: number, timeZone: string): number {
  const before = offsetMinutesAt(fromMs, timeZone);
  let low = fromMs;
  let high = toMs;
  while (high - low > MINUTE_MS) {
    const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
    if (offsetMinutesAt(middle, timeZone) === before) low = middle;
    else high = middle;
  }
  return high;
}

function isDaylight(offset: number, atMs: number, timeZone: string): boolean {
  const year = new Date(atMs).getUTCFullYear();
  const january = offsetMinutesAt(Date.UTC(year, 0, 1), timeZone);
  const july = offsetMinutesAt(Date.UTC(year, 6, 1), timeZone);
  return january !== july && offset > Math.min(january, july);
}

function component(kind: "STANDARD" | "DAYLIGHT", startLocal: string, from: number, to: number): string[] {
  return [`BEGIN:${kind}`, `DTSTART:${startLocal}`, `TZOFFSETFROM:${icalOffset(from)}`, `TZOFFSETTO:${icalOffset(to)}`, `END:${kind}`];
}

/**
 * The VTIMEZONE of a zone for events between two instants: the offset in force a day before the first, then one
 * component per offset change up to a day after the last. Lines joined with CRLF, ending with one.
 */
export function vtimezone(timeZone: string, firstMs: number, lastMs: number): string {
  const startMs = Math.floor(firstMs / DAY_MS) * DAY_MS - DAY_MS;
  const endMs = Math.min(Math.max(lastMs, firstMs) + DAY_MS, startMs + MAX_SCAN_DAYS * DAY_MS);
  let offset = offsetMinutesAt(startMs, timeZone);
  const lines = [`BEGIN:VTIMEZONE`, `TZID:${timeZone}`];
  lines.push(
    ...component(isDaylight(offset, startMs, timeZone) ? "DAYLIGHT" : "STANDARD", icalLocal(localDateTimeAt(startMs, timeZone)), offset, offset),
  );
  for (let dayMs = startMs; dayMs < endMs; dayMs += DAY_MS) {
    const nextMs = dayMs + DAY_MS;
    const nextOffset = offsetMinutesAt(nextMs, timeZone);
    if (nextOffset === offset) continue;
    const changeMs = transitionBetween(dayMs, nextMs, timeZone);
    // DTSTART is the wall time just before the change, in the offset it changes from
    const shifted = localDateTimeAt(changeMs + offset * MINUTE_MS, "UTC");
    lines.push(...component(nextOffset > offset ? "DAYLIGHT" : "STANDARD", icalLocal(shifted), offset, nextOffset));
    offset = nextOffset;
  }
  lines.push("END:VTIMEZONE");
  return `${lines.join("\r\n")}\r\n`;
}

/** DTSTART;TZID=Zone:20270108T200000 for an instant, in the zone's wall time. */
export function zonedProperty(name: "DTSTART" | "DTEND", epochMs: number, timeZone: string): string {
  return `${name};TZID=${timeZone}:${icalLocal(localDateTimeAt(epochMs, timeZone))}`;
}
