// Round trips of hand-written frab and pretalx schedules (test/interop/schedules): import, export as schedule.json
// and schedule.xml, read the export back and compare every kept field; a second import exports the same bytes.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseSchedule, toFrabJson, toFrabJsonString, toFrabXml, toICalendar, type ImportedEvent, type ScheduleImport } from "../../engine/core/interop/index.js";
import { festivalFromSchedule } from "../../engine/core/schedule-seed.js";
import { canonicalTimeZone } from "../../engine/core/time.js";
import { festivalView } from "../../engine/core/views.js";
import { scheduleJsonValidator, validateWithXmllint, xmllintAvailable } from "./fixtures.js";

const schedulesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "schedules");
const SOURCES = ["frab-schedule.json", "frab-schedule.xml", "pretalx-schedule.json", "pretalx-schedule.xml"] as const;
const stamp = new Date("2027-01-01T00:00:00Z");
const validateJson = scheduleJsonValidator();
const hasXmllint = xmllintAvailable();

function source(name: string): string {
  return fs.readFileSync(path.join(schedulesDir, name), "utf8");
}

/** Imports a schedule into a new festival and returns its view (festivalId only names the export namespace). */
function importedView(name: string) {
  const seed = festivalFromSchedule(parseSchedule(source(name), name), { source: name });
  return { view: festivalView(seed.doc), seed };
}

/** What an event keeps through a round trip; persons compared by guid, id and name (and biography where the format has one). */
function keptFields(event: ImportedEvent, schedule: ScheduleImport, withBiography: boolean) {
  const people = new Map(schedule.people.map((person) => [person.key, person]));
  return {
    guid: event.origin.guid,
    id: event.origin.id,
    slug: event.origin.slug,
    url: event.origin.url,
    title: event.title,
    subtitle: event.subtitle,
    type: event.type,
    abstract: event.abstract,
    description: event.description,
    room: event.venueKey,
    startMs: Date.parse(event.start),
    endMs: Date.parse(event.end),
    tags: event.tags,
    language: event.language,
    status: event.status,
    links: event.links,
    attachments: event.attachments,
    doNotRecord: event.doNotRecord,
    persons: event.hostKeys.map((key) => {
      const person = people.get(key);
      return { guid: person?.origin.guid, name: person?.name, ...(withBiography ? { bio: person?.bio } : {}) };
    }),
  };
}

/** Every person's source id by guid (persons without one get a derived id in exports, as the formats need one). */
function personIds(schedule: ScheduleImport): Record<string, number | undefined> {
  return Object.fromEntries(schedule.people.map((person) => [person.origin.guid, person.origin.id]));
}

function expectSourcePersonIdsKept(back: ScheduleImport, original: ScheduleImport): void {
  const exported = personIds(back);
  for (const [guid, id] of Object.entries(personIds(original))) {
    if (id !== undefined) expect(exported[guid], guid).toBe(id);
    else expect(exported[guid], guid).toBeGreaterThan(0);
  }
}

function byGuid(schedule: ScheduleImport, withBiography: boolean) {
  return Object.fromEntries(schedule.events.map((event) => [event.origin.guid, keptFields(event, schedule, withBiography)]));
}

describe.each(SOURCES)("round trip of %s", (name) => {
  const original = parseSchedule(source(name), name);
  const { view, seed } = importedView(name);

  it("imports every event, with nothing skipped or changed", () => {
    expect(seed.events).toBe(original.events.length);
    expect(seed.notices.filter((notice) => notice.action !== "note")).toEqual([]);
  });

  it("exports schedule.json that validates and reads back field by field (persons with biographies)", () => {
    const json = toFrabJson(view, "fest-a");
    expect(validateJson(json), JSON.stringify(validateJson.errors)).toBe(true);
    const back = parseSchedule(JSON.stringify(json), "export.json");
    expect(byGuid(back, true)).toEqual(byGuid(original, true));
    expectSourcePersonIdsKept(back, original);
    expect(back.venues.map((venue) => [venue.name, venue.origin.guid]).sort()).toEqual(
      original.venues.map((venue) => [venue.name, venue.origin.guid]).sort(),
    );
  });

  it("exports schedule.xml that validates and reads back field by field", () => {
    const xml = toFrabXml(view, "fest-a");
    if (hasXmllint) {
      const result = validateWithXmllint(xml);
      expect(result.ok, result.output).toBe(true);
    }
    const back = parseSchedule(xml, "export.xml");
    expect(byGuid(back, false)).toEqual(byGuid(original, false));
    expectSourcePersonIdsKept(back, original);
  });

  it("keeps the conference's acronym, base_url, version, zone and days (no extra empty day)", () => {
    const json = toFrabJson(view, "fest-a");
    const back = parseSchedule(JSON.stringify(json), "export.json");
    for (const kept of [back, parseSchedule(toFrabXml(view, "fest-a"), "export.xml")]) {
      expect(kept.acronym).toBe(original.acronym);
      expect(kept.baseUrl).toBe(original.baseUrl);
      expect(kept.version).toBe(original.version);
      // the runtime's canonical spelling may differ (Asia/Kolkata is stored as Asia/Calcutta by Node 20's ICU)
      expect(canonicalTimeZone(kept.timeZone)).toBe(canonicalTimeZone(original.timeZone));
      expect([kept.startDate, kept.endDate]).toEqual([original.startDate, original.endDate]);
    }
    expect(json.schedule.conference.daysCount).toBe(2);
    expect(json.schedule.conference.days.map((day) => day.date)).toEqual([original.startDate, original.endDate]);
  });

  it("exports the same bytes from a second import of the same file (guids and ids do not depend on the festival)", () => {
    const again = importedView(name).view;
    expect(toFrabJsonString(again, "fest-b")).toBe(toFrabJsonString(view, "fest-a"));
    expect(toFrabXml(again, "fest-b")).toBe(toFrabXml(view, "fest-a"));
    expect(toICalendar(again, "fest-b", { stamp })).toBe(toICalendar(view, "fest-a", { stamp }));
  });
});

describe("what the fixtures exercise", () => {
  it("reads the source's own ids, slugs, types, abstracts, links and recording opt-outs", () => {
    const frab = parseSchedule(source("frab-schedule.json"));
    const soldering = frab.events.find((event) => event.origin.id === 4101);
    expect(soldering).toMatchObject({
      type: "workshop",
      subtitle: "Bring your own kit",
      abstract: "Learn to solder in 45 minutes.",
      description: "We provide irons & flux.\nYou bring <patience>.",
      doNotRecord: true,
      links: [
        { title: "Kit list", url: "https://wiki.example.org/kits" },
        { title: "Live stream", url: "https://stream.example.org/tent-a" },
      ],
      attachments: [{ title: "Slides (PDF)", url: "https://frab.example.org/attachments/4101/slides.pdf" }],
      origin: { guid: "5d2c0b8e-7e0f-5c6a-9a41-3c1f2d9e0001", id: 4101, slug: "lagoon27-4101-soldering_for_everyone" },
    });
    expect(frab.people.find((person) => person.name === "Ada Byte")).toMatchObject({ bio: "Makes blinky things.", origin: { id: 71 } });
    expect(frab.version).toBe('Release 1.3 "Lagoon"');
  });

  it("reads the days a frab schedule.xml lists, not one more from a conference end written as the next morning", () => {
    const dune = parseSchedule(source("frab-schedule.xml"));
    expect([dune.startDate, dune.endDate]).toEqual(["2027-03-13", "2027-03-14"]);
    expect(dune.dayStartsAt).toBe("04:00");
    expect(dune.events.find((event) => event.origin.id === 501)?.doNotRecord).toBe(true);
  });

  it("chooses a real zone for a schedule without time_zone_name (UTC+05:30: Asia/Kolkata) and says so", () => {
    const monsoon = parseSchedule(source("pretalx-schedule.xml"), "monsoon.xml");
    expect(monsoon.timeZone).toBe("Asia/Kolkata");
    expect(monsoon.notices).toEqual([
      { where: "monsoon.xml: conference", action: "note", reason: "no 'time_zone_name'; Asia/Kolkata matches every time in the file (UTC+05:30)" },
    ]);
  });

  it("gives entities without a source guid the same derived guid on every import", () => {
    const first = parseSchedule(source("frab-schedule.xml"));
    const second = parseSchedule(source("frab-schedule.xml"));
    const kim = first.people.find((person) => person.name === "Kim Park");
    expect(kim?.origin.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.people.find((person) => person.name === "Kim Park")?.origin.guid).toBe(kim?.origin.guid);
  });
});
