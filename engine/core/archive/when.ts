// Dates and times as the archive shows them: always in the festival's zone (never the reader's or the host's),
// English labels, 24-hour clock, the zone and its offset named where a time stands alone.
import { formatClock, formatLocalDate, formatOffset, localDateTimeAt, offsetMinutesAt, parseLocalDate } from "../interop/zoned-time.js";

const DAY_LABEL = new Intl.DateTimeFormat("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const SHORT_DAY_LABEL = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });

/** The parts of a date label joined by spaces: "Thursday 1 July 2027" (en-GB puts a comma after the weekday). */
function label(format: Intl.DateTimeFormat, date: Date): string {
  return format
    .formatToParts(date)
    .filter((part) => part.type !== "literal")
    .map((part) => part.value)
    .join(" ");
}

function utcNoon(date: string): Date | undefined {
  const parsed = parseLocalDate(date);
  return parsed && new Date(Date.UTC(parsed.year, parsed.month - 1, parsed.day, 12));
}

/** "Thursday 1 July 2027" for "2027-07-01"; the text itself when it is not a date. */
export function dayLabel(date: string): string {
  const noon = utcNoon(date);
  return noon ? label(DAY_LABEL, noon) : date;
}

/** "Thu 1 Jul" for "2027-07-01". */
export function shortDayLabel(date: string): string {
  const noon = utcNoon(date);
  return noon ? label(SHORT_DAY_LABEL, noon) : date;
}

/** "20:00–21:30"; an end on another calendar day than the start says which ("20:00–Fri 2 Jul 02:00"). */
export function timeRange(startMs: number, endMs: number, timeZone: string): string {
  const start = localDateTimeAt(startMs, timeZone);
  const end = localDateTimeAt(endMs, timeZone);
  const endDate = formatLocalDate(end);
  const endText = endDate === formatLocalDate(start) ? formatClock(end) : `${shortDayLabel(endDate)} ${formatClock(end)}`;
  return `${formatClock(start)}–${endText}`;
}

/** "Thursday 1 July 2027, 20:00–21:30 (Europe/Berlin, UTC+02:00)": a time that stands alone on a page. */
export function fullTime(startMs: number, endMs: number, timeZone: string): string {
  const offset = formatOffset(offsetMinutesAt(startMs, timeZone));
  return `${dayLabel(formatLocalDate(localDateTimeAt(startMs, timeZone)))}, ${timeRange(startMs, endMs, timeZone)} (${timeZone}, UTC${offset})`;
}

/** "1 July 2027 – 3 July 2027" or one day's label when the festival lasts one day. */
export function dateSpan(firstDate: string, lastDate: string): string {
  return firstDate === lastDate ? dayLabel(firstDate) : `${dayLabel(firstDate)} – ${dayLabel(lastDate)}`;
}
