// iCalendar export: one VEVENT per event with stable UIDs, UTC times right for any festival zone,
// STATUS per event status, LOCATION with venue and address, and text that unfolds back intact.
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

  it("writes DTSTART/DTEND in UTC, right for a Pacific/Auckland festival", () => {
    const { events } = readCalendar(toICalendar(aucklandFestival(), AUCKLAND_ID, { stamp }));
    const opening = byUid(events, AUCKLAND_ID, "e-opening");
    expect(opening.get("DTSTART")).toBe("20270108T070000Z");
    expect(opening.get("DTEND")).toBe("20270108T083000Z");
    const late = byUid(events, AUCKLAND_ID, "e-late");
    expect(late.get("DTSTART")).toBe("20270108T103000Z");
    expect(late.get("DTEND")).toBe("20270108T123000Z");
  });

  it("writes DTSTART/DTEND right across a daylight-saving change in America/Los_Angeles", () => {
    const { events } = readCalendar(toICalendar(losAngelesFestival(), LOS_ANGELES_ID, { stamp }));
    const before = byUid(events, LOS_ANGELES_ID, "e-before");
    expect(before.get("DTSTART")).toBe("20270314T090000Z");
    expect(before.get("DTEND")).toBe("20270314T103000Z");
    const after = byUid(events, LOS_ANGELES_ID, "e-after");
    expect(after.get("DTSTART")).toBe("20270314T170000Z");
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
