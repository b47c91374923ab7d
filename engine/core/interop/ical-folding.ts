// iCalendar content-line folding (RFC 5545 §3.1) in one pass, and the calendar text assembled from ical-generator's
// public parts so its own folding (one TextEncoder call per character: 14 s for 5,000 events) is not run on it.
import type { ICalCalendar } from "ical-generator";

/** The UTF-8 length of one UTF-16 code unit outside a pair (a lone surrogate is written as U+FFFD: 3 octets). */
function utf8Octets(unit: number): number {
  return unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
}

/**
 * Folds every line of `text` (lines joined by CRLF) to at most 75 octets, continuation lines starting with a
 * space, never inside a character: the same bytes as ical-generator 10's own folding, which counts 74 octets of
 * content per line (the continuation's space included in the 75).
 */
export function foldContentLines(text: string): string {
  return text.split("\r\n").map(foldLine).join("\r\n");
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function foldLine(line: string): string {
  let folded = "";
  let octets = 0;
  let segmentStart = 0;
  for (let index = 0; index < line.length; ) {
    // one character: a code unit, or a high surrogate with the unit after it (a pair, or two units written as U+FFFD)
    const unit = line.charCodeAt(index);
    const step = isHighSurrogate(unit) && index + 1 < line.length ? 2 : 1;
    const size = step === 1 ? utf8Octets(unit) : isValidPair(line, index) ? 4 : 3 + utf8Octets(line.charCodeAt(index + 1));
    octets += size;
    if (octets > 74) {
      folded += line.slice(segmentStart, index) + "\r\n ";
      segmentStart = index;
      octets = size;
    }
    index += step;
  }
  return folded + line.slice(segmentStart);
}

function isValidPair(line: string, index: number): boolean {
  const low = line.charCodeAt(index + 1);
  return low >= 0xdc00 && low <= 0xdfff;
}

/** Undoes folding: a CRLF followed by one space joins the lines (values hold no raw line breaks: they are escaped). */
export function unfoldContentLines(text: string): string {
  return text.replace(/\r\n /g, "");
}

/**
 * The calendar's text, unfolded: its own lines (from toString() with no events, unfolded) with every event's lines
 * (ICalEvent#toString, which does not fold) before END:VCALENDAR. Only for calendars without custom X- properties,
 * which ical-generator writes after the events. Empties the calendar's event list.
 */
export function unfoldedCalendarText(calendar: ICalCalendar): string {
  const events = calendar.events().map((event) => event.toString());
  const shell = unfoldContentLines(calendar.clear().toString());
  const end = shell.lastIndexOf("END:VCALENDAR");
  if (end < 0 || calendar.x().length > 0) throw new Error("unfoldedCalendarText: a calendar with X- properties is not supported");
  return shell.slice(0, end) + events.join("") + shell.slice(end);
}
