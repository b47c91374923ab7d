// parseInstant's calendar arithmetic against Date itself, for any date of years 1..9999: month lengths
// (leap years by the Gregorian rules), impossible days refused, and the epoch milliseconds; and what it reads
// (by hand, character by character) against the RFC 3339 pattern it was first written with, on mangled instants.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { explainBadInstant, instantMs, isCalendarDate, parseInstant } from "../../engine/core/time.js";

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

/** What Date says: the epoch ms of that UTC wall time, or undefined when the day does not exist in that month. */
function reference(year: number, month: number, day: number, hour: number, minute: number): number | undefined {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, 0, 0);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date.getTime() : undefined;
}

describe("calendar arithmetic of parseInstant", () => {
  it("agrees with Date on every date, real or not", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (year, month, day, hour, minute) => {
          const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
          const expected = reference(year, month, day, hour, minute);
          expect(instantMs(`${date}T${pad(hour)}:${pad(minute)}:00Z`)).toBe(expected);
          expect(isCalendarDate(date)).toBe(expected !== undefined);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("knows the century leap rules", () => {
    expect(isCalendarDate("2000-02-29")).toBe(true);
    expect(isCalendarDate("1900-02-29")).toBe(false);
    expect(isCalendarDate("2100-02-29")).toBe(false);
    expect(isCalendarDate("0004-02-29")).toBe(true);
    expect(instantMs("0099-12-31T23:59:00+01:00")).toBe(reference(99, 12, 31, 22, 59));
  });
});

/** The pattern parseInstant was first written with: what it reads must be exactly what this matches. */
const INSTANT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

/** The first parseInstant: the pattern's fields, checked, with Date's arithmetic. */
function patternInstant(text: string): { epochMs: number; offsetMinutes: number } | undefined {
  const match = INSTANT_PATTERN.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, offset] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s ?? "0"].map(Number);
  const wall = reference(year, month, day, hour, minute);
  if (wall === undefined || hour > 23 || minute > 59 || second > 59) return undefined;
  const [offsetHours, offsetMins] = offset === "Z" ? [0, 0] : [Number(offset.slice(1, 3)), Number(offset.slice(4, 6))];
  if (offsetHours > 23 || offsetMins > 59) return undefined;
  const offsetMinutes = offset === "Z" ? 0 : (offset[0] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMins);
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, "0"));
  return { epochMs: wall + second * 1000 + millis - offsetMinutes * 60_000, offsetMinutes };
}

describe("what parseInstant reads", () => {
  it("is what the RFC 3339 pattern matches, with the same instant and offset, on mangled instants", () => {
    const instants = ["2027-07-01T20:00:00Z", "2027-07-01T20:00-07:00", "2027-07-01T20:00:00.250+05:45", "0099-12-31T23:59:00-00:00", "2028-02-29T10:00:00.123456789Z"];
    const edit = fc.record({ kind: fc.constantFrom("insert", "delete", "replace"), at: fc.nat(40), char: fc.constantFrom(..."0123459:-+TZ. x") });
    fc.assert(
      fc.property(fc.constantFrom(...instants), fc.array(edit, { maxLength: 3 }), (instant, edits) => {
        let text = instant;
        for (const { kind, at, char } of edits) {
          const place = Math.min(at, text.length);
          text = text.slice(0, place) + (kind === "delete" ? "" : char) + text.slice(kind === "insert" ? place : place + 1);
        }
        const read = parseInstant(text);
        const expected = patternInstant(text);
        expect(read === undefined, text).toBe(expected === undefined);
        if (read && expected) {
          expect(Object.is(read.epochMs, expected.epochMs) && Object.is(read.offsetMinutes, expected.offsetMinutes), text).toBe(true);
        }
        // a text the pattern matches but that is no real date and time is explained as such
        if (INSTANT_PATTERN.test(text) && expected === undefined) expect(explainBadInstant(text), text).toMatch(/not a real date/);
      }),
      { numRuns: 3000 },
    );
  });
});
