// frab/pretalx schedule import: pretalx JSON and pentabarf-style XML samples, clear errors for bad files,
// the 20 MB cap, and the round trip import(export(x)) keeping titles, rooms, times, durations and hosts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PandafestError } from "../../engine/core/errors.js";
import { toFrabJsonString } from "../../engine/core/interop/frab-json.js";
import { toFrabXml } from "../../engine/core/interop/frab-xml.js";
import { parseSchedule, SCHEDULE_SIZE_LIMIT_BYTES, type ScheduleImport } from "../../engine/core/interop/schedule-import.js";
import type { FestivalView } from "../../engine/core/schema.js";
import { AUCKLAND_ID, aucklandFestival, event, festival, LOS_ANGELES_ID, losAngelesFestival, person, venue } from "./fixtures.js";

const PRETALX_JSON = JSON.stringify({
  $schema: "https://c3voc.de/schedule/schema.json",
  generator: { name: "pretalx", version: "2025.1.0" },
  schedule: {
    url: "https://pretalx.example.org/democon/schedule/",
    version: "0.7",
    base_url: "https://pretalx.example.org",
    conference: {
      acronym: "democon",
      title: "DemoCon 2026",
      start: "2026-05-20",
      end: "2026-05-21",
      daysCount: 2,
      timeslot_duration: "00:05",
      time_zone_name: "Europe/Berlin",
      colors: { primary: "#3aa57c" },
      rooms: [
        { name: "Saal 1", guid: "1f3e3c5a-8f3a-5b3e-9f43-3a0e0a6c8f01", description: null, capacity: 200 },
        { name: "Workshop Room", guid: "1f3e3c5a-8f3a-5b3e-9f43-3a0e0a6c8f02", description: null, capacity: 20 },
      ],
      tracks: [{ name: "Community", color: "#000000" }],
      days: [
        {
          index: 1,
          date: "2026-05-20",
          day_start: "2026-05-20T04:00:00+02:00",
          day_end: "2026-05-21T03:59:00+02:00",
          rooms: {
            "Saal 1": [
              {
                guid: "5b7c7f4e-1d7e-5f0e-a0a4-9e0b8f6a1c01",
                code: "ABC123",
                id: 42,
                logo: null,
                date: "2026-05-20T10:00:00+02:00",
                start: "10:00",
                duration: "00:45",
                room: "Saal 1",
                slug: "democon-42-opening",
                url: "https://pretalx.example.org/democon/talk/ABC123/",
                title: "Opening & welcome",
                subtitle: "",
                track: "Community",
                type: "Talk",
                language: "en",
                abstract: "Short abstract",
                description: "Longer description",
                recording_license: "",
                do_not_record: false,
                persons: [
                  {
                    code: "PERS01",
                    name: "Jane Doe",
                    public_name: "Jane Doe",
                    guid: "7a1e3c1d-2b6c-5e2a-9a8b-0c1d2e3f4a01",
                    avatar: null,
                    biography: "Organiser",
                    answers: [],
                  },
                ],
                links: [],
                feedback_url: "https://pretalx.example.org/democon/talk/ABC123/feedback/",
                origin_url: "https://pretalx.example.org/democon/talk/ABC123/",
                attachments: [],
                answers: [],
              },
            ],
            "Workshop Room": [],
          },
        },
        {
          index: 2,
          date: "2026-05-21",
          day_start: "2026-05-21T04:00:00+02:00",
          day_end: "2026-05-22T03:59:00+02:00",
          rooms: {
            "Saal 1": [
              {
                guid: "5b7c7f4e-1d7e-5f0e-a0a4-9e0b8f6a1c02",
                code: "XYZ789",
                id: 43,
                date: "2026-05-22T01:30:00+02:00",
                start: "01:30",
                duration: "01:00",
                room: "Saal 1",
                slug: "democon-43-night",
                url: "https://pretalx.example.org/democon/talk/XYZ789/",
                title: "Night session",
                subtitle: null,
                track: null,
                type: "Talk",
                language: "de",
                abstract: null,
                description: null,
                persons: [
                  { code: "PERS01", name: "Jane Doe", guid: "7a1e3c1d-2b6c-5e2a-9a8b-0c1d2e3f4a01" },
                  { code: "PERS02", public_name: "Max Muster" },
                ],
                links: [],
                attachments: [],
              },
            ],
          },
        },
      ],
    },
  },
});

const PENTABARF_XML = `<?xml version="1.0" encoding="UTF-8"?>
<schedule>
  <version>1.0</version>
  <conference>
    <title>Old Con</title>
    <acronym>oldcon</acronym>
    <start>2015-08-01</start>
    <end>2015-08-02</end>
    <days>2</days>
    <day_change>06:00</day_change>
    <timeslot_duration>00:15</timeslot_duration>
    <time_zone_name>Europe/Amsterdam</time_zone_name>
  </conference>
  <day index="1" date="2015-08-01">
    <room name="Hall &amp; Co">
      <event id="7">
        <start>23:00</start>
        <duration>01:00</duration>
        <room>Hall &amp; Co</room>
        <title>Late &lt;one&gt; &#x1F319;</title>
        <subtitle/>
        <track>Night</track>
        <type>lecture</type>
        <language>nl</language>
        <abstract></abstract>
        <description>Stars &amp; stripes</description>
        <persons><person id="3">Piet</person></persons>
        <links><link href="https://example.org">Site</link></links>
      </event>
      <event id="8">
        <start>01:30</start>
        <duration>00:30</duration>
        <title>After midnight</title>
        <persons><person id="3">Piet</person><person id="4">Saskia</person></persons>
      </event>
    </room>
  </day>
</schedule>
`;

function inputError(run: () => unknown): PandafestError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PandafestError);
    return error as PandafestError;
  }
  throw new Error("expected a PandafestError, nothing was thrown");
}

/** A minimal valid schedule.json with one event per listed room, to be broken by individual tests. */
function jsonWithEvents(events: Record<string, unknown>[][]): string {
  return JSON.stringify({
    schedule: {
      version: "1",
      conference: {
        title: "Broken Con",
        acronym: "broken",
        start: "2027-01-01",
        end: "2027-01-02",
        daysCount: events.length,
        timeslot_duration: "00:15",
        time_zone_name: "Europe/Berlin",
        days: events.map((dayEvents, position) => ({
          index: position + 1,
          date: `2027-01-0${position + 1}`,
          day_start: `2027-01-0${position + 1}T04:00:00+01:00`,
          day_end: `2027-01-0${position + 2}T04:00:00+01:00`,
          rooms: { "Hall A": dayEvents },
        })),
      },
    },
  });
}

function goodEvent(title: string, date = "2027-01-01T12:00:00+01:00"): Record<string, unknown> {
  return { title, date, start: date.slice(11, 16), duration: "01:00", room: "Hall A", persons: [] };
}

interface EventSummary {
  title: string;
  room: string;
  startMs: number;
  durationMinutes: number;
  hosts: string[];
  status: string;
}

function summarizeView(view: FestivalView): EventSummary[] {
  return Object.values(view.events)
    .map((item) => ({
      title: item.title,
      room: view.venues[item.venueId].name,
      startMs: Date.parse(item.start),
      durationMinutes: (Date.parse(item.end) - Date.parse(item.start)) / 60_000,
      hosts: item.hostIds.map((id) => view.people[id].name),
      status: item.status,
    }))
    .sort(compareSummaries);
}

function summarizeImport(imported: ScheduleImport): EventSummary[] {
  const venueNames = new Map(imported.venues.map((entry) => [entry.key, entry.name]));
  const personNames = new Map(imported.people.map((entry) => [entry.key, entry.name]));
  return imported.events
    .map((item) => ({
      title: item.title,
      room: venueNames.get(item.venueKey) ?? `missing venue ${item.venueKey}`,
      startMs: Date.parse(item.start),
      durationMinutes: (Date.parse(item.end) - Date.parse(item.start)) / 60_000,
      hosts: item.hostKeys.map((key) => personNames.get(key) ?? `missing person ${key}`),
      status: item.status,
    }))
    .sort(compareSummaries);
}

function compareSummaries(a: EventSummary, b: EventSummary): number {
  return a.startMs - b.startMs || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0) || (a.room < b.room ? -1 : 1);
}

describe("schedule import: real-world formats", () => {
  it("reads a pretalx schedule.json", () => {
    const imported = parseSchedule(PRETALX_JSON, "democon.json");
    expect(imported.name).toBe("DemoCon 2026");
    expect(imported.timeZone).toBe("Europe/Berlin");
    expect([imported.startDate, imported.endDate]).toEqual(["2026-05-20", "2026-05-21"]);
    expect(imported.venues.map((entry) => entry.name)).toEqual(["Saal 1", "Workshop Room"]);
    expect(imported.people.map(({ key, name }) => ({ key, name }))).toEqual([
      { key: "guid:7a1e3c1d-2b6c-5e2a-9a8b-0c1d2e3f4a01", name: "Jane Doe" },
      { key: "code:PERS02", name: "Max Muster" },
    ]);
    expect(imported.events[0].abstract).toBe("Short abstract");
    expect(imported.events).toMatchObject([
      {
        title: "Opening & welcome",
        venueKey: "Saal 1",
        start: "2026-05-20T10:00:00+02:00",
        end: "2026-05-20T10:45:00+02:00",
        description: "Longer description",
        hostKeys: ["guid:7a1e3c1d-2b6c-5e2a-9a8b-0c1d2e3f4a01"],
        tags: ["Community"],
        language: "en",
        status: "confirmed",
      },
      {
        title: "Night session",
        venueKey: "Saal 1",
        start: "2026-05-22T01:30:00+02:00",
        end: "2026-05-22T02:30:00+02:00",
        description: "",
        hostKeys: ["guid:7a1e3c1d-2b6c-5e2a-9a8b-0c1d2e3f4a01", "code:PERS02"],
        tags: [],
        language: "de",
        status: "confirmed",
      },
    ]);
  });

  it("reads a pentabarf-style schedule.xml without <date>, rolling times before day_change to the next date", () => {
    const imported = parseSchedule(PENTABARF_XML);
    expect(imported.name).toBe("Old Con");
    expect(imported.timeZone).toBe("Europe/Amsterdam");
    expect(imported.venues.map(({ key, name }) => ({ key, name }))).toEqual([{ key: "Hall & Co", name: "Hall & Co" }]);
    expect(imported.people.map((entry) => [entry.key, entry.name])).toEqual([
      ["id:3", "Piet"],
      ["id:4", "Saskia"],
    ]);
    const [late, after] = imported.events;
    expect(late.title).toBe("Late <one> 🌙");
    expect(late.start).toBe("2015-08-01T23:00:00+02:00");
    expect(late.end).toBe("2015-08-02T00:00:00+02:00");
    expect(late.description).toBe("Stars & stripes");
    expect(late.tags).toEqual(["Night"]);
    expect(after.start).toBe("2015-08-02T01:30:00+02:00");
    expect(after.venueKey).toBe("Hall & Co");
    expect(after.hostKeys).toEqual(["id:3", "id:4"]);
  });

  it("derives a real IANA zone matching the offsets when time_zone_name is missing, and says so", () => {
    const text = jsonWithEvents([[goodEvent("Solo", "2027-01-01T12:00:00+03:00")]]).replace(
      '"time_zone_name":"Europe/Berlin",',
      "",
    );
    const imported = parseSchedule(text);
    expect(imported.timeZone).toBe("Europe/Moscow");
    expect(imported.notices).toEqual([
      expect.objectContaining({ action: "note", reason: expect.stringMatching(/no 'time_zone_name'; Europe\/Moscow matches every time in the file \(UTC\+03:00\)/) }),
    ]);
    expect(imported.events[0].start).toBe("2027-01-01T12:00:00+03:00");
  });
});

describe("schedule import: bad files", () => {
  it("refuses text that is neither XML nor JSON, and empty files", () => {
    expect(inputError(() => parseSchedule("BEGIN:VCALENDAR\nEND:VCALENDAR", "fest.ics")).message).toMatch(
      /^fest\.ics: is neither XML nor JSON \(it starts with 'BEGIN:VCALENDAR/,
    );
    expect(inputError(() => parseSchedule("   \n")).message).toMatch(/is empty/);
  });

  it("refuses broken JSON and broken XML, saying where", () => {
    expect(inputError(() => parseSchedule('{"schedule": {', "s.json")).message).toMatch(/^s\.json: not valid JSON/);
    expect(inputError(() => parseSchedule("<schedule><conference></schedule>", "s.xml")).message).toMatch(
      /^s\.xml: not well-formed XML at line 1, column \d+/,
    );
    expect(inputError(() => parseSchedule('{"hello": 1}')).message).toMatch(/^schedule\.json: has no 'schedule' object/);
    expect(inputError(() => parseSchedule("<html><body/></html>")).message).toMatch(
      /^schedule\.xml: root element is <html>, not <schedule>/,
    );
  });

  it("refuses XML with a DOCTYPE (no entity expansion, no external entities)", () => {
    const laughs = `<?xml version="1.0"?>
<!DOCTYPE schedule [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY ext SYSTEM "file:///etc/passwd">]>
<schedule><conference><title>&b;&ext;</title></conference></schedule>`;
    expect(inputError(() => parseSchedule(laughs)).message).toMatch(/DOCTYPE/);
  });

  it("names the day, room, event and field that is wrong", () => {
    const noStart = { title: "Third", duration: "01:00", room: "Hall A" };
    const text = jsonWithEvents([[goodEvent("First")], [goodEvent("A", "2027-01-02T10:00:00+01:00"), goodEvent("B", "2027-01-02T11:00:00+01:00"), noStart]]);
    const error = inputError(() => parseSchedule(text, undefined, { strict: true }));
    expect(error.code).toBe("input");
    expect(error.message).toBe("schedule.json: day 2, room 'Hall A', event 3 ('Third'): missing 'start' (and 'date')");
  });

  it("lists several problems at once, with titles, durations and zones checked", () => {
    const text = jsonWithEvents([
      [
        { date: "2027-01-01T12:00:00+01:00", duration: "01:00", room: "Hall A" },
        { ...goodEvent("No duration"), duration: undefined },
        { ...goodEvent("Odd duration"), duration: "an hour" },
        { ...goodEvent("Odd date"), date: "tomorrow" },
        { ...goodEvent("Bad persons"), persons: [{ id: 5 }] },
      ],
    ]).replace('"Europe/Berlin"', '"Mars/Olympus_Mons"');
    const { message } = inputError(() => parseSchedule(text, "broken.json", { strict: true }));
    expect(message).toMatch(/^broken\.json: \d+ problems; fix them and import again:/);
    expect(message).toContain("broken.json: conference: 'time_zone_name' 'Mars/Olympus_Mons' is not a known time zone");
    expect(message).toContain("broken.json: day 1, room 'Hall A', event 1: missing 'title'");
  });

  it("checks event times once the zone is known", () => {
    const text = jsonWithEvents([
      [
        { ...goodEvent("No duration"), duration: undefined },
        { ...goodEvent("Odd duration"), duration: "an hour" },
        { ...goodEvent("Odd date"), date: "tomorrow" },
        { ...goodEvent("Bad persons"), persons: [{ id: 5 }] },
      ],
    ]);
    const { message } = inputError(() => parseSchedule(text, undefined, { strict: true }));
    expect(message).toContain("day 1, room 'Hall A', event 1 ('No duration'): missing 'duration'");
    expect(message).toContain("event 2 ('Odd duration'): 'duration' 'an hour' is not a duration like 01:30");
    expect(message).toContain("event 3 ('Odd date'): 'date' 'tomorrow' is not an ISO 8601 date-time");
    expect(message).toContain("event 4 ('Bad persons'), person 1: missing 'name'");
  });

  it("refuses a 50 MB file before parsing it, naming the cap", () => {
    const huge = `{"schedule": ${" ".repeat(50 * 1024 * 1024)}}`;
    // The text is not valid JSON either: getting the size message proves the cap is checked before parsing.
    const { message } = inputError(() => parseSchedule(huge, "huge.json"));
    expect(message).toBe(
      "huge.json: is 50.0 MB; schedule files are limited to 20.0 MB. Is this really a schedule.xml or schedule.json?",
    );
    expect(SCHEDULE_SIZE_LIMIT_BYTES).toBe(20 * 1024 * 1024);
  });
});

describe("schedule import: round trip of pandafest exports", () => {
  for (const format of ["json", "xml"] as const) {
    it(`keeps title, room, start, duration, hosts and status through schedule.${format}`, () => {
      for (const [view, id] of [
        [aucklandFestival(), AUCKLAND_ID],
        [losAngelesFestival(), LOS_ANGELES_ID],
      ] as const) {
        const text = format === "json" ? toFrabJsonString(view, id) : toFrabXml(view, id);
        const imported = parseSchedule(text, `schedule.${format}`);
        expect(imported.name).toBe(view.name);
        expect(imported.timeZone).toBe(view.timeZone);
        expect([imported.startDate, imported.endDate]).toEqual([view.startDate, view.endDate]);
        const expected = summarizeView(view).map((summary) =>
          // Twin venues are exported under distinct names; the fixture's twin is "Main Stage (2)".
          summary.title.startsWith("After-hours") ? { ...summary, room: "Main Stage (2)" } : summary,
        );
        expect(summarizeImport(imported)).toEqual(expected);
        const exportedStart = imported.events.find((item) => item.title === "Late set across midnight")?.start;
        if (id === AUCKLAND_ID) expect(exportedStart).toBe("2027-01-08T23:30:00+13:00");
      }
    });
  }

  const zones = ["Pacific/Auckland", "America/Los_Angeles", "Europe/Berlin", "Asia/Kathmandu", "Australia/Lord_Howe", "UTC"];
  const cleanText = fc
    .string({ unit: "grapheme", minLength: 1, maxLength: 24 })
    .map((text) => text.replace(/[\u0000-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff]/gu, "").trim())
    .filter((text) => text.length > 0);
  const arbitraryFestival = fc
    .record({
      timeZone: fc.constantFrom(...zones),
      dayStartsAt: fc.constantFrom("00:00", "04:00", "06:30"),
      venueNames: fc.uniqueArray(cleanText, { minLength: 1, maxLength: 4, selector: (name) => name }),
      personNames: fc.array(cleanText, { minLength: 0, maxLength: 4 }),
      events: fc.array(
        fc.record({
          title: cleanText,
          venue: fc.nat(),
          startStep: fc.integer({ min: 0, max: 3 * 288 }),
          durationSteps: fc.integer({ min: 0, max: 120 }),
          hosts: fc.uniqueArray(fc.nat({ max: 3 }), { maxLength: 3 }),
          status: fc.constantFrom("confirmed", "tentative", "cancelled" as const),
        }),
        { maxLength: 10 },
      ),
    })
    .map((input): FestivalView => {
      const base = Date.UTC(2027, 2, 12, 0, 0, 0);
      const people = input.personNames.map((name, index) => person(`p${index}`, name));
      const venues = input.venueNames.map((name, index) => venue(`v${index}`, { name }));
      return festival({
        name: "Property fest",
        timeZone: input.timeZone,
        dayStartsAt: input.dayStartsAt,
        startDate: "2027-03-12",
        endDate: "2027-03-15",
        venues,
        people,
        events: input.events.map((item, index) => {
          const startMs = base + item.startStep * 5 * 60_000;
          return event(`e${index}`, {
            title: item.title,
            venueId: `v${item.venue % venues.length}`,
            start: new Date(startMs).toISOString(),
            end: new Date(startMs + item.durationSteps * 5 * 60_000).toISOString(),
            hostIds: item.hosts.filter((host) => host < people.length).map((host) => `p${host}`),
            status: item.status,
          });
        }),
      });
    });

  it("property: import(export(x)) keeps every event's title, room, start, duration and hosts (JSON and XML)", () => {
    fc.assert(
      fc.property(arbitraryFestival, (view) => {
        const expected = summarizeView(view);
        expect(summarizeImport(parseSchedule(toFrabJsonString(view, "prop")))).toEqual(expected);
        expect(summarizeImport(parseSchedule(toFrabXml(view, "prop")))).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });
});
