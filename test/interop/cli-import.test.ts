// `pandafest import-schedule` through the real CLI: a frab/pretalx schedule.xml or schedule.json becomes a
// festival whose export keeps every event's title, room, start, duration and persons; bad files create nothing.
import fs from "node:fs/promises";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { xmlOnlyEntityDecoder } from "../../engine/core/interop/xml-text.js";
import { cliJson, runCli, snapshotDir, tempDir } from "../helpers/cli.js";
import { dataDirWithIdentity, readFestival } from "../fork/store-fixtures.js";

const PRETALX_XML = `<?xml version='1.0' encoding='utf-8'?>
<schedule>
  <generator name="pretalx" version="2024.3.1"/>
  <version>0.7</version>
  <conference>
    <acronym>democon-2027</acronym>
    <title>DemoCon 2027 &amp; "Friends"</title>
    <start>2027-08-20</start>
    <end>2027-08-21</end>
    <days>2</days>
    <timeslot_duration>00:05</timeslot_duration>
    <base_url>https://pretalx.example.org/democon-2027/schedule/</base_url>
    <time_zone_name>Europe/Vienna</time_zone_name>
  </conference>
  <day index="1" date="2027-08-20" start="2027-08-20T04:00:00+02:00" end="2027-08-21T03:59:00+02:00">
    <room name="Saal 1" guid="8a2f2e4c-6a8e-5b61-9c3e-1a9f0a8d2b11">
      <event guid="5d4c2b8e-1f0a-5b3c-8d7e-6f5a4b3c2d1e" id="101">
        <date>2027-08-20T10:00:00+02:00</date>
        <start>10:00</start>
        <duration>00:45</duration>
        <room>Saal 1</room>
        <slug>democon-2027-101-welcome</slug>
        <url>https://pretalx.example.org/democon-2027/talk/ABCDE/</url>
        <recording><license></license><optout>false</optout></recording>
        <title>Welcome &lt;keynote&gt; &amp; "intro" 🎤</title>
        <subtitle></subtitle>
        <track>Main</track>
        <type>Talk</type>
        <language>en</language>
        <abstract>Why we meet.</abstract>
        <description>All about &lt;it&gt;.</description>
        <logo></logo>
        <persons>
          <person id="7" code="JANE1">Jane Doe</person>
          <person id="8" code="YARO2">Ярослав Мудрий</person>
        </persons>
        <links></links>
        <attachments></attachments>
      </event>
      <event guid="6e5d3c9f-2a1b-5c4d-9e8f-7a6b5c4d3e2f" id="103">
        <date>2027-08-21T01:00:00+02:00</date>
        <start>01:00</start>
        <duration>01:30</duration>
        <room>Saal 1</room>
        <title>Late night hacking</title>
        <persons></persons>
      </event>
    </room>
    <room name="Werkstatt &amp; Lab" guid="9b3f3f5d-7b9f-5c72-8d4f-2b0a1b9e3c22">
      <event guid="7f6e4daf-3b2c-5d5e-af9a-8b7c6d5e4f3a" id="102">
        <date>2027-08-20T14:00:00+02:00</date>
        <start>14:00</start>
        <duration>02:00</duration>
        <room>Werkstatt &amp; Lab</room>
        <title>Solder 'n' stuff</title>
        <type>Workshop</type>
        <persons><person id="9" code="ALEX3">Alex Kim</person></persons>
      </event>
    </room>
  </day>
  <day index="2" date="2027-08-21" start="2027-08-21T04:00:00+02:00" end="2027-08-22T03:59:00+02:00">
    <room name="Saal 1" guid="8a2f2e4c-6a8e-5b61-9c3e-1a9f0a8d2b11">
      <event guid="8a7f5eb0-4c3d-5e6f-b0ab-9c8d7e6f5a4b" id="104">
        <date>2027-08-21T11:00:00+02:00</date>
        <start>11:00</start>
        <duration>01:00</duration>
        <room>Saal 1</room>
        <title>مرحبا — שלום</title>
        <persons><person id="7" code="JANE1">Jane Doe</person></persons>
      </event>
    </room>
  </day>
</schedule>
`;

const PRETALX_JSON = JSON.stringify({
  schedule: {
    version: "1.2",
    base_url: "https://pretalx.example.org/tinycon/schedule/",
    conference: {
      acronym: "tinycon",
      title: "TinyCon",
      start: "2027-03-27",
      end: "2027-03-28",
      daysCount: 2,
      timeslot_duration: "00:05",
      time_zone_name: "Europe/London",
      rooms: [{ name: "Room A" }, { name: "Room B" }],
      days: [
        {
          index: 1,
          date: "2027-03-27",
          day_start: "2027-03-27T04:00:00+00:00",
          day_end: "2027-03-28T03:59:00+01:00",
          rooms: {
            "Room A": [
              {
                guid: "1c0b8a7e-5d4c-5b3a-9e8f-0a1b2c3d4e5f",
                id: 1,
                date: "2027-03-27T23:30:00+00:00",
                start: "23:30",
                duration: "02:00",
                room: "Room A",
                title: "Across the clock change",
                persons: [{ code: "P1", public_name: "Pat <Smith>" }],
              },
            ],
            "Room B": [
              {
                guid: "2d1c9b8f-6e5d-5c4b-af9a-1b2c3d4e5f6a",
                id: 2,
                date: "2027-03-27T10:15:00+00:00",
                start: "10:15",
                duration: "00:50",
                room: "Room B",
                title: "Morning & coffee",
                persons: [{ code: "P1", public_name: "Pat <Smith>" }, { code: "P2", public_name: "Lee" }],
              },
            ],
          },
        },
        {
          index: 2,
          date: "2027-03-28",
          rooms: {
            "Room A": [
              {
                guid: "3e2dac90-7f6e-5d5c-b0ab-2c3d4e5f6a7b",
                id: 3,
                date: "2027-03-28T12:00:00+01:00",
                start: "12:00",
                duration: "01:15",
                room: "Room A",
                title: "Summer time talk",
                persons: [],
              },
            ],
          },
        },
      ],
    },
  },
});

interface ComparableEvent {
  title: string;
  room: string;
  startMs: number;
  minutes: number;
  persons: string[];
}

function minutesOf(duration: string): number {
  const [hours, minutes] = duration.split(":").map(Number);
  return hours * 60 + minutes;
}

function sorted(events: ComparableEvent[]): ComparableEvent[] {
  return events.sort((a, b) => a.startMs - b.startMs || a.title.localeCompare(b.title));
}

type Node = Record<string, unknown>;

function fromFrabXml(xml: string): ComparableEvent[] {
  const parser = new XMLParser({
    ignoreAttributes: false,
    parseTagValue: false,
    entityDecoder: xmlOnlyEntityDecoder(),
    isArray: (_name, jPath) =>
      ["schedule.day", "schedule.day.room", "schedule.day.room.event", "schedule.day.room.event.persons.person"].includes(String(jPath)),
  });
  const text = (value: unknown): string => (typeof value === "object" && value !== null ? String((value as Node)["#text"] ?? "") : String(value ?? ""));
  const schedule = (parser.parse(xml) as Node).schedule as Node;
  return sorted(
    (schedule.day as Node[]).flatMap((day) =>
      ((day.room ?? []) as Node[]).flatMap((room) =>
        ((room.event ?? []) as Node[]).map((event) => ({
          title: text(event.title),
          room: text(event.room),
          startMs: Date.parse(text(event.date)),
          minutes: minutesOf(text(event.duration)),
          persons: ((((event.persons as Node | undefined) ?? {}).person ?? []) as unknown[]).map(text).sort(),
        })),
      ),
    ),
  );
}

interface JsonEvent {
  title: string;
  room: string;
  date: string;
  duration: string;
  persons: { name?: string; public_name?: string }[];
}

function fromFrabJson(json: string): ComparableEvent[] {
  const days = (JSON.parse(json) as { schedule: { conference: { days: { rooms: Record<string, JsonEvent[]> }[] } } }).schedule.conference.days;
  return sorted(
    days.flatMap((day) =>
      Object.values(day.rooms).flatMap((events) =>
        events.map((event) => ({
          title: event.title,
          room: event.room,
          startMs: Date.parse(event.date),
          minutes: minutesOf(event.duration),
          persons: event.persons.map((person) => person.public_name ?? person.name ?? "").sort(),
        })),
      ),
    ),
  );
}

async function exported(dataDir: string, festival: string, format: "frab-xml" | "frab-json"): Promise<string> {
  const result = await runCli(dataDir, ["export", festival, "--format", format]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

describe("pandafest import-schedule (CLI)", () => {
  it("imports a pretalx schedule.xml; exporting keeps every event's title, room, start, duration and persons", async () => {
    const dataDir = await dataDirWithIdentity();
    const file = path.join(await tempDir("pandafest-schedule-"), "schedule.xml");
    await fs.writeFile(file, PRETALX_XML);
    const imported = await cliJson<{ id: string; venues: number; people: number; events: number }>(dataDir, ["import-schedule", file]);
    expect(imported).toMatchObject({ venues: 2, people: 3, events: 4 });

    const festival = await readFestival(dataDir, imported.id);
    expect(festival.view).toMatchObject({ name: 'DemoCon 2027 & "Friends"', timeZone: "Europe/Vienna", startDate: "2027-08-20", endDate: "2027-08-21" });

    const original = fromFrabXml(PRETALX_XML);
    expect(original).toHaveLength(4);
    const [xml, json] = await Promise.all([exported(dataDir, imported.id, "frab-xml"), exported(dataDir, imported.id, "frab-json")]);
    expect(fromFrabXml(xml)).toEqual(original);
    expect(fromFrabJson(json)).toEqual(original);
  });

  it("imports a pretalx schedule.json under its --name, across a clock change, keeping every event", async () => {
    const dataDir = await dataDirWithIdentity();
    const file = path.join(await tempDir("pandafest-schedule-"), "schedule.json");
    await fs.writeFile(file, PRETALX_JSON);
    const imported = await cliJson<{ id: string; name: string }>(dataDir, ["import-schedule", file, "--name", "TinyCon (seeded)"]);
    expect(imported.name).toBe("TinyCon (seeded)");
    const original = fromFrabJson(PRETALX_JSON);
    expect(original).toHaveLength(3);
    expect(fromFrabJson(await exported(dataDir, imported.id, "frab-json"))).toEqual(original);
  });

  it("refuses bad schedule files with a clear error and creates no festival (--strict: one bad event refuses the file)", async () => {
    const dataDir = await dataDirWithIdentity();
    const dir = await tempDir("pandafest-bad-schedule-");
    const missingFields = PRETALX_XML.replace("<title>Solder 'n' stuff</title>", "").replace("<date>2027-08-21T11:00:00+02:00</date>\n        <start>11:00</start>", "");
    const zeroLength = PRETALX_XML.replace("<duration>02:00</duration>", "<duration>00:00</duration>");
    const noConferenceTitle = PRETALX_JSON.replace('"title":"TinyCon",', "").replace('"acronym":"tinycon",', "");
    const files: Record<string, string> = {
      "notes.txt": "Bring snacks & a tent\n",
      "missing.xml": missingFields,
      "zero.xml": zeroLength,
      "untitled.json": noConferenceTitle,
    };
    for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(dir, name), text);
    const huge = path.join(dir, "huge.xml");
    const handle = await fs.open(huge, "w");
    await handle.truncate(50 * 1024 * 1024); // a sparse 50 MB file: refused from its size before being read
    await handle.close();

    const before = await snapshotDir(dataDir);
    const expectations: [string, RegExp][] = [
      ["notes.txt", /notes\.txt: is neither XML nor JSON \(it starts with 'Bring snacks & a ten'\)/],
      ["missing.xml", /missing\.xml: 2 problems.*\n.*room 'Werkstatt & Lab', event 1: missing 'title'\n.*day 2, room 'Saal 1', event 1 \('مرحبا — שלום'\): missing 'start'/],
      ["zero.xml", /zero\.xml: event "Solder 'n' stuff" \(room "Werkstatt & Lab", 2027-08-20T14:00:00\+02:00\): .*an event must end after it starts/],
      ["untitled.json", /untitled\.json: conference: missing 'title'/],
      ["huge.xml", /huge\.xml is 50\.0 MB; schedule files are limited to 20\.0 MB/],
    ];
    const results = await Promise.all(expectations.map(([name]) => runCli(dataDir, ["import-schedule", "--strict", path.join(dir, name)])));
    results.forEach((result, index) => {
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(expectations[index][1]);
      expect(result.stderr).not.toMatch(/unexpected error|at .*\.js:\d+/);
    });
    expect(await snapshotDir(dataDir)).toEqual(before);
  });
});
