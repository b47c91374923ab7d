// Wall-clock arithmetic in IANA zones with Intl: odd offsets, daylight-saving gaps and overlaps, strict parsing.
// These are the building blocks of every export time, so they are checked against known instants.
import { describe, expect, it } from "vitest";
import {
  addDaysToDate,
  formatIsoInZone,
  formatIsoWithFixedOffset,
  instantOfLocal,
  isKnownTimeZone,
  parseClockMinutes,
  parseInstant,
  parseIsoDateTime,
} from "../../engine/core/interop/zoned-time.js";

describe("zoned time", () => {
  it("formats instants with the zone's own offset, including quarter-hour zones", () => {
    const instant = Date.UTC(2027, 0, 8, 7, 0, 0);
    expect(formatIsoInZone(instant, "Pacific/Auckland")).toBe("2027-01-08T20:00:00+13:00");
    expect(formatIsoInZone(instant, "Asia/Kathmandu")).toBe("2027-01-08T12:45:00+05:45");
    expect(formatIsoInZone(instant, "Pacific/Chatham")).toBe("2027-01-08T20:45:00+13:45");
    expect(formatIsoInZone(instant, "America/St_Johns")).toBe("2027-01-08T03:30:00-03:30");
    expect(formatIsoWithFixedOffset(instant, -150)).toBe("2027-01-08T04:30:00-02:30");
  });

  it("turns local wall times into instants, moving times skipped by a clock jump forward", () => {
    const local = (day: number, hour: number, minute = 0) => ({ year: 2027, month: 3, day, hour, minute, second: 0 });
    expect(instantOfLocal(local(13, 4), "America/Los_Angeles")).toBe(Date.UTC(2027, 2, 13, 12, 0));
    expect(instantOfLocal(local(14, 4), "America/Los_Angeles")).toBe(Date.UTC(2027, 2, 14, 11, 0));
    // 02:30 does not exist on 2027-03-14 in Los Angeles: it becomes 03:30 PDT.
    expect(formatIsoInZone(instantOfLocal(local(14, 2, 30), "America/Los_Angeles"), "America/Los_Angeles")).toBe(
      "2027-03-14T03:30:00-07:00",
    );
    // 01:30 happens twice on 2027-11-07: the first (PDT) one is chosen.
    const repeated = instantOfLocal({ year: 2027, month: 11, day: 7, hour: 1, minute: 30, second: 0 }, "America/Los_Angeles");
    expect(formatIsoInZone(repeated, "America/Los_Angeles")).toBe("2027-11-07T01:30:00-07:00");
  });

  it("parses strictly: real dates, real times, offsets required for instants", () => {
    expect(parseInstant("2027-01-08T20:00:00+13:00")).toBe(Date.UTC(2027, 0, 8, 7, 0, 0));
    expect(parseInstant("2027-01-08T07:00Z")).toBe(Date.UTC(2027, 0, 8, 7, 0, 0));
    expect(parseInstant("2027-01-08T20:00:00")).toBeUndefined();
    expect(parseInstant("2027-02-30T10:00:00Z")).toBeUndefined();
    expect(parseInstant("2027-01-08T24:00:00Z")).toBeUndefined();
    expect(parseIsoDateTime("2027-01-08T20:00:00")?.offsetMinutes).toBeUndefined();
    expect(parseClockMinutes("04:00")).toBe(240);
    expect(parseClockMinutes("4:00")).toBe(240);
    expect(parseClockMinutes("24:00")).toBeUndefined();
    expect(addDaysToDate("2027-12-31", 1)).toBe("2028-01-01");
    expect(addDaysToDate("2028-03-01", -1)).toBe("2028-02-29");
    expect(isKnownTimeZone("Pacific/Auckland")).toBe(true);
    expect(isKnownTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isKnownTimeZone("")).toBe(false);
  });
});
