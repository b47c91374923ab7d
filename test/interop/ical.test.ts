// iCalendar export: one VEVENT per event with stable UIDs, local times with the festival's VTIMEZONE (read back to
// the right instants), SEQUENCE, STATUS per event status, LOCATION with venue and address, and text that unfolds back intact.
import { describe, expect, it } from "vitest";
import { eventGuid } from "../../engine/core/interop/guid.js";
import { toICalendar } from "../../engine/core/interop/ical.js";
import { AUCKLAND_ID, aucklandFestival, LOS_ANGELES_ID, losAngelesFestival } from "./fixtures.js";

const stamp = new Date("2026-12-01T00:00:00Z");

type VEvent = Map<string, string>;

/** Unfolds RFC 5545 lines and returns the calendar properties and every VEVENT's properties (params dropped). */
function readCalendar(text: string): { calendar: Map<string, string>; events: VEvent[] } {
  const lines = text.replace(/\r\n[ \t]/g, "").split("\r\n").filter((line) => line !== "");
  const calendar = new Map<string, string>();
  const events: VEvent[] = [];
  let current: VEvent | undefined;
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).split(";")[0];
    const value = line.slice(colon + 1);
    if (line === "BEGIN:VEVENT") current = new Map();
    else if (line === "END:VEVENT" && current !== undefined) {
      events.push(current);
      current = undefined;
    } else (current ?? calendar).set(name, value);
  }
  return { calendar, events };
}

interface ZoneRule {
  startLocal: string;
  from: number;
  to: number;
}

/** The STANDARD/DAYLIGHT rules of the calendar's VTIMEZONE (offsets in minutes). */
function zoneRules(text: string): ZoneRule[] {
  const lines = text.replace(/\r\n[ \t]/g, "").split("\r\n");
  const rules: ZoneRule[] = [];
  let rule: Partial<ZoneRule> | undefined;
  const minutes = (value: string) => (value.startsWith("-") ? -1 : 1) * (Number(value.slice(1, 3)) * 60 + Number(value.slice(3, 5)));
  for (const line of lines) {
    if (line === "BEGIN:STANDARD" || line === "BEGIN:DAYLIGHT") rule = {};
    else if ((line === "END:STANDARD" || line === "END:DAYLIGHT") && rule !== undefined) {
      rules.push(rule as ZoneRule);
      rule = undefined;
    } else if (rule !== undefined && line.startsWith("DTSTART:")) rule.startLocal = line.slice(8);
    else if (rule !== undefined && line.startsWith("TZOFFSETFROM:")) rule.from = minutes(line.slice(13));
    else if (rule !== undefined && line.startsWith("TZOFFSETTO:")) rule.to = minutes(line.slice(11));
  }
  return rules;
}

/** A local YYYYMMDDTHHMMSS read back to UTC with the VTIMEZONE's rules, as a calendar app does. */
function utcOf(local: string, rules: ZoneRule[]): string {
  const wall = Date.UTC(Number(local.slice(0, 4)), Number(local.slice(4, 6)) - 1, Number(local.slice(6, 8)), Number(local.slice(9, 11)), Number(local.slice(11, 13)));
  let offset = rules[0].to;
  for (const rule of rules) if (rule.startLocal <= local) offset = rule.to;
  const utc = new Date(wall - offset * 60_000).toISOString();
  return `${utc.slice(0, 4)}${utc.slice(5, 7)}${utc.slice(8, 13)}${utc.slice(14, 16)}${utc.slice(17, 19)}Z`;
}

function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_match, character: string) =>
    character === "n" || character === "N" ? "\n" : character,
  );
}

function byUid(events: VEvent[], festivalId: string, eventId: string): VEvent {
  const found = events.find((entry) => entry.get("UID") === eventGuid(festivalId, eventId));
  if (found === undefined) throw new Error(`no VEVENT for ${eventId}`);
  return found;
}

describe("iCalendar export", () => {
  it("has one VEVENT per event, named after the festival", () => {
    const text = toICalendar(aucklandFestival(), AUCKLAND_ID, { stamp });
    expect(text.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    const { calendar, events } = readCalendar(text);
    expect(events).toHaveLength(Object.keys(aucklandFestival().events).length);
    expect(unescapeText(calendar.get("X-WR-CALNAME") ?? "")).toBe('Pandafest <Sommer> & "Friends" 2027 🎪');
    expect(calendar.get("PRODID")).toContain("pandafest");
  });

  it("writes STATUS:CANCELLED, STATUS:TENTATIVE and STATUS:CONFIRMED", () => {
    const { events } = readCalendar(toICalendar(aucklandFestival(), AUCKLAND_ID, { stamp }));
    expect(byUid(events, AUCKLAND_ID, "e-fire").get("STATUS")).toBe("CANCELLED");
    expect(byUid(events, AUCKLAND_ID, "e-salam").get("STATUS")).toBe("TENTATIVE");
    expect(byUid(events, AUCKLAND_ID, "e-opening").get("STATUS")).toBe("CONFIRMED");
    expect(unescapeText(byUid(events, AUCKLAND_ID, "e-fire").get("SUMMARY") ?? "")).toBe("Fire show");
  });

  it("keeps UIDs stable across exports and distinct between festivals", () => {
    const first = readCalendar(toICalendar(aucklandFestival(), AUCKLAND_ID)).events.map((entry) => entry.get("UID"));
    const second = readCalendar(toICalendar(aucklandFestival(), AUCKLAND_ID)).events.map((entry) => entry.get("UID"));
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    const other = readCalendar(toICalendar(aucklandFestival(), "other-festival")).events.map((entry) => entry.get("UID"));
    expect(other.some((uid) => first.includes(uid))).toBe(false);
    expect(toICalendar(aucklandFestival(), AUCKLAND_ID, { stamp })).toBe(toICalendar(aucklandFestival(), AUCKLAND_ID, { stamp }));
  });

  it("writes DTSTART/DTEND as Pacific/Auckland wall time with TZID and a VTIMEZONE that reads back to the right instants", () => {
    const text = toICalendar(aucklandFestival(), AUCKLAND_ID, { stamp });
    expect(text).toContain("BEGIN:VTIMEZONE\r\nTZID:Pacific/Auckland\r\n");
    expect(text).toContain("DTSTART;TZID=Pacific/Auckland:20270108T200000\r\n");
    const { events } = readCalendar(text);
    const rules = zoneRules(text);
    const opening = byUid(events, AUCKLAND_ID, "e-opening");
    expect(opening.get("DTSTART")).toBe("20270108T200000");
    expect(utcOf(opening.get("DTSTART") ?? "", rules)).toBe("20270108T070000Z");
    expect(utcOf(opening.get("DTEND") ?? "", rules)).toBe("20270108T083000Z");
    const late = byUid(events, AUCKLAND_ID, "e-late");
    expect(utcOf(late.get("DTSTART") ?? "", rules)).toBe("20270108T103000Z");
    expect(utcOf(late.get("DTEND") ?? "", rules)).toBe("20270108T123000Z");
  });

  it("writes local times right across a daylight-saving change in America/Los_Angeles (the VTIMEZONE lists the change)", () => {
    const text = toICalendar(losAngelesFestival(), LOS_ANGELES_ID, { stamp });
    const rules = zoneRules(text);
    expect(rules).toContainEqual({ startLocal: "20270314T020000", from: -480, to: -420 });
    const { events } = readCalendar(text);
    const before = byUid(events, LOS_ANGELES_ID, "e-before");
    expect(before.get("DTSTART")).toBe("20270314T010000");
    expect(before.get("DTEND")).toBe("20270314T033000");
    expect(utcOf(before.get("DTSTART") ?? "", rules)).toBe("20270314T090000Z");
    expect(utcOf(before.get("DTEND") ?? "", rules)).toBe("20270314T103000Z");
    const after = byUid(events, LOS_ANGELES_ID, "e-after");
    expect(utcOf(after.get("DTSTART") ?? "", rules)).toBe("20270314T170000Z");
  });

  it("keeps UTC times (no VTIMEZONE) for a UTC festival, and writes SEQUENCE from the revisions given", () => {
    const view = { ...losAngelesFestival(), timeZone: "UTC" };
    const text = toICalendar(view, LOS_ANGELES_ID, { stamp, revisions: new Map([["e-after", 3]]) });
    expect(text).not.toContain("VTIMEZONE");
    const { events } = readCalendar(text);
    expect(byUid(events, LOS_ANGELES_ID, "e-before").get("DTSTART")).toBe("20270314T090000Z");
    expect(byUid(events, LOS_ANGELES_ID, "e-before").get("SEQUENCE")).toBe("0");
    expect(byUid(events, LOS_ANGELES_ID, "e-after").get("SEQUENCE")).toBe("3");
  });

  it("puts venue name and address in LOCATION, hosts in DESCRIPTION, tags in CATEGORIES", () => {
    const { events } = readCalendar(toICalendar(aucklandFestival(), AUCKLAND_ID, { stamp }));
    const opening = byUid(events, AUCKLAND_ID, "e-opening");
    expect(unescapeText(opening.get("LOCATION") ?? "")).toBe("Main Stage\n1 Beach Road, Piha");
    expect(opening.get("GEO")).toBe("-36.95;174.47");
    expect(unescapeText(opening.get("SUMMARY") ?? "")).toBe('Opening <night> & "welcome" 🎉');
    const description = unescapeText(opening.get("DESCRIPTION") ?? "");
    expect(description).toContain("Doors at 19:30 & bring <snacks>");
    expect(description).toContain("With: Ana <DJ> & 'Co', عمر الفاروق");
    expect(opening.get("CATEGORIES")).toBe("music,concert");
    expect(unescapeText(byUid(events, AUCKLAND_ID, "e-salam").get("LOCATION") ?? "")).toBe("מרחב שקט");
  });

  it("folds long lines at 75 octets without breaking characters, and adds URLs given a base URL", () => {
    const view = aucklandFestival();
    view.events["e-salam"].description = "مرحبا بكم في المهرجان ".repeat(12);
    const text = toICalendar(view, AUCKLAND_ID, { stamp, baseUrl: "https://fest.example.org/" });
    for (const line of text.split("\r\n")) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    const { events } = readCalendar(text);
    const salam = byUid(events, AUCKLAND_ID, "e-salam");
    expect(unescapeText(salam.get("DESCRIPTION") ?? "")).toContain("مرحبا بكم في المهرجان ".repeat(12).trim());
    expect(salam.get("URL")).toBe("https://fest.example.org/events/e-salam");
  });
});
