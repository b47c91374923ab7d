// parseInstant's calendar arithmetic against Date itself, for any date of years 1..9999: month lengths
// (leap years by the Gregorian rules), impossible days refused, and the epoch milliseconds.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { instantMs, isCalendarDate } from "../../engine/core/time.js";

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
