// Time-zone arithmetic with Intl only: strict parsing, festival days in zones far from UTC and
// across DST changes, wall-clock to instant, and independence from the host's own time zone.
import { afterEach, describe, expect, it } from "vitest";
import {
  addDays,
  canonicalTimeZone,
  explainBadInstant,
  festivalDayOf,
  formatIsoInZone,
  formatLocalDateTime,
  formatLocalTime,
  instantInZone,
  isCalendarDate,
  isTimeZone,
  localDateTime,
  parseInstant,
  wallClockToIso,
  zonedDateTimeToEpoch,
  zoneOffsetMinutes,
} from "../../engine/core/time.js";

const ms = (iso: string) => Date.parse(iso);

describe("parseInstant", () => {
  it("reads Z, positive and negative offsets and fractions", () => {
    expect(parseInstant("2027-07-01T20:00:00Z")).toEqual({ epochMs: ms("2027-07-01T20:00:00Z"), offsetMinutes: 0 });
    expect(parseInstant("2027-07-01T20:00:00+02:00")?.epochMs).toBe(ms("2027-07-01T18:00:00Z"));
    expect(parseInstant("2027-07-01T20:00-07:00")?.epochMs).toBe(ms("2027-07-02T03:00:00Z"));
    expect(parseInstant("2027-07-01T20:00:00.250+05:45")).toEqual({
      epochMs: ms("2027-07-01T14:15:00.250Z"),
      offsetMinutes: 345,
    });
  });

  it("refuses texts without an offset, impossible dates and loose formats", () => {
    for (const bad of [
      "2027-07-01T20:00:00",
      "2027-07-01 20:00:00+02:00",
      "2027-02-29T10:00:00Z",
      "2027-04-31T10:00:00Z",
      "2027-07-01T24:00:00Z",
      "2027-07-01T20:00:00+0200",
      "2027-07-01",
      "tomorrow",
      "",
    ]) {
      expect(parseInstant(bad), bad).toBeUndefined();
    }
    expect(parseInstant("2028-02-29T10:00:00Z")).toBeDefined();
  });

  it("explains what is wrong", () => {
    expect(explainBadInstant("2027-07-01T20:00:00")).toMatch(/no offset/);
    expect(explainBadInstant("2027-07-01T20:00:00+0200")).toMatch(/colon/);
    expect(explainBadInstant("2027-02-30T20:00:00Z")).toMatch(/not a real date/);
  });
});

describe("dates and zones", () => {
  it("knows real calendar dates and adds days across month and leap boundaries", () => {
    expect(isCalendarDate("2028-02-29")).toBe(true);
    expect(isCalendarDate("2027-02-29")).toBe(false);
    expect(isCalendarDate("2027-7-1")).toBe(false);
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2027-12-31", 1)).toBe("2028-01-01");
    expect(addDays("2027-03-01", -1)).toBe("2027-02-28");
  });

  it("accepts IANA names and canonicalises their spelling", () => {
    expect(isTimeZone("Pacific/Auckland")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isTimeZone("")).toBe(false);
    expect(canonicalTimeZone("europe/berlin")).toBe("Europe/Berlin");
  });

  it("gives offsets far from UTC, including DST and quarter hours", () => {
    expect(zoneOffsetMinutes(ms("2027-01-15T00:00:00Z"), "Pacific/Auckland")).toBe(13 * 60);
    expect(zoneOffsetMinutes(ms("2027-07-15T00:00:00Z"), "Pacific/Auckland")).toBe(12 * 60);
    expect(zoneOffsetMinutes(ms("2027-07-15T00:00:00Z"), "America/Los_Angeles")).toBe(-7 * 60);
    expect(zoneOffsetMinutes(ms("2027-01-15T00:00:00Z"), "America/Los_Angeles")).toBe(-8 * 60);
    expect(zoneOffsetMinutes(ms("2027-07-15T00:00:00Z"), "Asia/Kathmandu")).toBe(5 * 60 + 45);
  });

  it("switches offset exactly at the DST change, not at the hour bucket", () => {
    // Los Angeles springs forward at 2027-03-14 02:00 PST = 10:00Z.
    expect(zoneOffsetMinutes(ms("2027-03-14T09:59:59Z"), "America/Los_Angeles")).toBe(-480);
    expect(zoneOffsetMinutes(ms("2027-03-14T10:00:00Z"), "America/Los_Angeles")).toBe(-420);
  });
});

describe("festival days", () => {
  it("puts a late-night slot in Auckland on the previous festival day", () => {
    // 01:30 on 2 January, New Zealand daylight time (+13:00), is 12:30Z on 1 January.
    expect(festivalDayOf(ms("2027-01-02T01:30:00+13:00"), "Pacific/Auckland", "04:00")).toBe("2027-01-01");
    expect(festivalDayOf(ms("2027-01-02T04:00:00+13:00"), "Pacific/Auckland", "04:00")).toBe("2027-01-02");
    expect(festivalDayOf(ms("2027-01-02T01:30:00+13:00"), "Pacific/Auckland", "00:00")).toBe("2027-01-02");
    // The same instant is 04:30 on 1 January in Los Angeles: before a 05:00 day start it is still 31 December.
    expect(festivalDayOf(ms("2027-01-02T01:30:00+13:00"), "America/Los_Angeles", "04:00")).toBe("2027-01-01");
    expect(festivalDayOf(ms("2027-01-02T01:30:00+13:00"), "America/Los_Angeles", "05:00")).toBe("2026-12-31");
  });

  it("follows the wall clock across the spring-forward night in Los Angeles", () => {
    const zone = "America/Los_Angeles";
    expect(festivalDayOf(ms("2027-03-14T09:30:00Z"), zone, "04:00")).toBe("2027-03-13"); // 01:30 PST
    expect(festivalDayOf(ms("2027-03-14T10:59:00Z"), zone, "04:00")).toBe("2027-03-13"); // 03:59 PDT
    expect(festivalDayOf(ms("2027-03-14T11:00:00Z"), zone, "04:00")).toBe("2027-03-14"); // 04:00 PDT
  });

  it("follows the wall clock when Auckland leaves daylight time", () => {
    // 2027-04-04 03:00 NZDT becomes 02:00 NZST; 04:00 NZST is 16:00Z on 3 April.
    expect(festivalDayOf(ms("2027-04-03T15:59:00Z"), "Pacific/Auckland", "04:00")).toBe("2027-04-03");
    expect(festivalDayOf(ms("2027-04-03T16:00:00Z"), "Pacific/Auckland", "04:00")).toBe("2027-04-04");
  });
});

describe("wall clock to instant", () => {
  it("moves a time in the spring-forward gap forward and takes the earlier of a repeated time", () => {
    const zone = "America/Los_Angeles";
    expect(zonedDateTimeToEpoch("2027-03-14", "02:30", zone)).toBe(ms("2027-03-14T10:30:00Z"));
    expect(zonedDateTimeToEpoch("2027-11-07", "01:30", zone)).toBe(ms("2027-11-07T08:30:00Z"));
    expect(zonedDateTimeToEpoch("2027-07-01", "20:00", "Pacific/Auckland")).toBe(ms("2027-07-01T08:00:00Z"));
  });

  it("formats instants in the festival's zone", () => {
    expect(formatIsoInZone(ms("2027-07-01T08:00:00Z"), "Pacific/Auckland")).toBe("2027-07-01T20:00:00+12:00");
    expect(formatIsoInZone(ms("2027-07-01T08:00:00Z"), "America/Los_Angeles")).toBe("2027-07-01T01:00:00-07:00");
    expect(localDateTime(ms("2027-01-01T12:30:00Z"), "Pacific/Auckland")).toEqual({
      date: "2027-01-02",
      time: "01:30",
      offsetMinutes: 780,
    });
    expect(formatLocalTime("2027-07-01T18:00:00Z", "Europe/Berlin")).toBe("20:00");
    expect(formatLocalDateTime("2027-07-01T23:30:00Z", "Asia/Tokyo")).toBe("2027-07-02 08:30");
    expect(formatLocalTime("not a time", "Europe/Berlin")).toBe("not a time");
  });
});

describe("independence from the host time zone", () => {
  const original = process.env.TZ;
  afterEach(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  function sample(): string[] {
    return [
      festivalDayOf(ms("2027-01-02T01:30:00+13:00"), "Pacific/Auckland", "04:00"),
      festivalDayOf(ms("2027-03-14T10:59:00Z"), "America/Los_Angeles", "04:00"),
      formatIsoInZone(ms("2027-07-01T08:00:00Z"), "Europe/Berlin"),
      String(zonedDateTimeToEpoch("2027-03-14", "02:30", "America/Los_Angeles")),
      String(parseInstant("2027-07-01T20:00:00+02:00")?.epochMs),
      addDays("2027-03-13", 1),
    ];
  }

  it("gives the same answers whatever TZ the process runs in", () => {
    const hostOffsets = new Set<number>();
    const results = new Set<string>();
    for (const zone of ["UTC", "Pacific/Kiritimati", "America/Los_Angeles", "Pacific/Auckland"]) {
      process.env.TZ = zone;
      hostOffsets.add(new Date(ms("2027-03-14T10:30:00Z")).getTimezoneOffset());
      results.add(JSON.stringify(sample()));
    }
    expect(hostOffsets.size).toBe(4); // the host zone really changed
    expect(results.size).toBe(1);
  });
});

describe("event times typed without an offset", () => {
  it("are read on the festival's wall clock and written with its offset then", () => {
    expect(instantInZone("2027-07-01T20:00", "Europe/Berlin")).toBe("2027-07-01T20:00:00+02:00");
    expect(instantInZone("2027-01-15 20:00:00", "Europe/Berlin")).toBe("2027-01-15T20:00:00+01:00");
    expect(parseInstant(instantInZone("2027-07-01T20:00", "UTC"))?.epochMs).toBe(ms("2027-07-01T20:00:00Z"));
    // a wall time skipped when clocks go forward moves forward by the gap, as in the web app's form
    expect(instantInZone("2027-03-28T02:30", "Europe/Berlin")).toBe(wallClockToIso("2027-03-28", "02:30", "Europe/Berlin"));
    expect(parseInstant(instantInZone("2027-03-28T02:30", "Europe/Berlin"))?.epochMs).toBe(ms("2027-03-28T01:30:00Z"));
  });

  it("leave an instant with an offset, and anything that is no wall-clock time, for validation to judge", () => {
    for (const kept of ["2027-07-01T20:00:00+05:00", "2027-07-01T20:00:00Z", "2027-07-01T20:00:30", "2027-02-30T20:00", "2027-07-01T25:00", "tomorrow", ""]) {
      expect(instantInZone(kept, "Europe/Berlin"), kept).toBe(kept);
    }
  });
});

