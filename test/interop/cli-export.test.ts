// `pandafest export` through the real CLI under two host zones (TZ=UTC, TZ=Pacific/Auckland): schedule.json
// valid for ajv, schedule.xml valid for xmllint, iCalendar with the right times; awkward text intact and escaped.
import fs from "node:fs/promises";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { xmlOnlyEntityDecoder } from "../../engine/core/interop/xml-text.js";
import { addEvent, addPerson, addVenue } from "../../engine/core/operations.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { createFestival, dataDirWithIdentity } from "../fork/store-fixtures.js";
import { scheduleJsonValidator, validateWithXmllint, xmllintAvailable } from "./fixtures.js";

const hasXmllint = xmllintAvailable();
if (!hasXmllint && process.env.CI) {
  throw new Error("xmllint is missing on CI: install Debian's libxml2-utils (apt-get install -y libxml2-utils)");
}
if (!hasXmllint) console.warn("SKIPPING schedule.xml XSD validation of `pandafest export`: xmllint not found (apt-get install -y libxml2-utils)");

const HOST_ZONES = ["UTC", "Pacific/Auckland"] as const;
const FORMATS = ["frab-json", "frab-xml", "ical"] as const;

const FESTIVAL_NAME = 'Pandafest <Sommer> & "Friends" 🎪';
const OPENING = 'Opening <night> & "welcome" \'all\' 🎉';
const NIGHT = "صباح الخير — שלום";
const HOST = "Ana <DJ> & 'Co'";
const HOST_RTL = "عمر الفاروق";
const QUIET_ROOM = "מרחב שקט";

interface Fixture {
  dataDir: string;
  festival: string;
}

async function awkwardFestival(): Promise<Fixture> {
  const dataDir = await dataDirWithIdentity();
  const festival = await createFestival(
    dataDir,
    { name: FESTIVAL_NAME, timeZone: "Europe/Berlin", startDate: "2027-07-01", endDate: "2027-07-02", visibility: "public" },
    (editor) => {
      const main = addVenue(editor, { name: "Main Stage & <Lawn>", address: "Seestraße 1, Berlin" });
      const quiet = addVenue(editor, { name: QUIET_ROOM });
      const ana = addPerson(editor, { name: HOST });
      const omar = addPerson(editor, { name: HOST_RTL });
      addEvent(editor, {
        title: OPENING,
        description: "Doors at 19:30 & bring <snacks>; \"really\"",
        venueId: main,
        start: "2027-07-01T20:00:00+02:00",
        end: "2027-07-01T21:30:00+02:00",
        hostIds: [ana, omar],
        tags: ["concert"],
      });
      addEvent(editor, {
        title: NIGHT,
        venueId: quiet,
        start: "2027-07-02T01:30:00+02:00",
        end: "2027-07-02T02:30:00+02:00",
        hostIds: [omar],
        status: "tentative",
      });
      addEvent(editor, {
        title: "Fire show",
        venueId: main,
        start: "2027-07-02T21:00:00+02:00",
        end: "2027-07-02T21:45:00+02:00",
        status: "cancelled",
      });
    },
  );
  return { dataDir, festival };
}

type Outputs = Record<(typeof FORMATS)[number], string>;

async function exportAll(fixture: Fixture, zone: string): Promise<Outputs> {
  const outputs: Partial<Outputs> = {};
  await Promise.all(
    FORMATS.map(async (format) => {
      const result = await runCli(fixture.dataDir, ["export", fixture.festival, "--format", format], { TZ: zone });
      expect(result.code, result.stderr).toBe(0);
      outputs[format] = result.stdout;
    }),
  );
  return outputs as Outputs;
}

/** iCalendar VEVENTs as property maps, lines unfolded, text unescaped, DTSTAMP (the export time) left out. */
function calendarEvents(text: string): Map<string, string>[] {
  const lines = text.replace(/\r\n[ \t]/g, "").split("\r\n");
  const events: Map<string, string>[] = [];
  let current: Map<string, string> | undefined;
  for (const line of lines) {
    if (line === "BEGIN:VEVENT") current = new Map();
    else if (line === "END:VEVENT" && current) {
      events.push(current);
      current = undefined;
    } else if (current) {
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).split(";")[0];
      if (name !== "DTSTAMP") current.set(name, line.slice(colon + 1).replace(/\\([\\;,nN])/g, (_m, c: string) => (c.toLowerCase() === "n" ? "\n" : c)));
    }
  }
  return events;
}

interface XmlEvent {
  title: string;
  start: string;
  date: string;
  room: string;
  persons: string[];
}

function xmlEvents(xml: string): XmlEvent[] {
  const parser = new XMLParser({
    ignoreAttributes: false,
    parseTagValue: false,
    entityDecoder: xmlOnlyEntityDecoder(),
    isArray: (_name, jPath) =>
      ["schedule.day", "schedule.day.room", "schedule.day.room.event", "schedule.day.room.event.persons.person"].includes(String(jPath)),
  });
  type Node = Record<string, unknown>;
  const text = (value: unknown): string => (typeof value === "object" && value !== null ? String((value as Node)["#text"] ?? "") : String(value ?? ""));
  const schedule = (parser.parse(xml) as Node).schedule as Node;
  return (schedule.day as Node[]).flatMap((day) =>
    ((day.room ?? []) as Node[]).flatMap((room) =>
      ((room.event ?? []) as Node[]).map((event) => ({
        title: text(event.title),
        start: text(event.start),
        date: text(event.date),
        room: text(event.room),
        persons: (((event.persons as Node | undefined)?.person ?? []) as unknown[]).map(text),
      })),
    ),
  );
}

describe("pandafest export (CLI)", () => {
  let fixture: Fixture;
  const byZone = new Map<string, Outputs>();

  beforeAll(async () => {
    fixture = await awkwardFestival();
    for (const zone of HOST_ZONES) byZone.set(zone, await exportAll(fixture, zone));
  });

  it("gives the same schedule whatever the host's time zone", () => {
    const [utc, auckland] = HOST_ZONES.map((zone) => byZone.get(zone) as Outputs);
    expect(auckland["frab-json"]).toBe(utc["frab-json"]);
    expect(auckland["frab-xml"]).toBe(utc["frab-xml"]);
    expect(calendarEvents(auckland.ical)).toEqual(calendarEvents(utc.ical));
  });

  it.each(HOST_ZONES)("writes a schedule.json valid against the c3voc schema, text intact, times in the festival's zone (TZ=%s)", (zone) => {
    const json = (byZone.get(zone) as Outputs)["frab-json"];
    const validate = scheduleJsonValidator();
    const parsed: unknown = JSON.parse(json);
    expect(validate(parsed), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const conference = (parsed as { schedule: { conference: { title: string; days: { rooms: Record<string, { title: string; date: string; start: string; persons: { name: string }[] }[]> }[] } } })
      .schedule.conference;
    expect(conference.title).toBe(FESTIVAL_NAME);
    const events = conference.days.flatMap((day) => Object.entries(day.rooms).flatMap(([room, list]) => list.map((event) => ({ room, ...event }))));
    const opening = events.find((event) => event.title === OPENING);
    expect(opening).toMatchObject({ room: "Main Stage & <Lawn>", date: "2027-07-01T20:00:00+02:00", start: "20:00" });
    expect(opening?.persons.map((person) => person.name)).toEqual([HOST, HOST_RTL]);
    expect(events.find((event) => event.title === NIGHT)).toMatchObject({ room: QUIET_ROOM, date: "2027-07-02T01:30:00+02:00", start: "01:30" });
  });

  it.each(HOST_ZONES)("writes a schedule.xml valid against the c3voc XSD, escaped and intact (TZ=%s)", (zone) => {
    const xml = (byZone.get(zone) as Outputs)["frab-xml"];
    if (hasXmllint) {
      const result = validateWithXmllint(xml);
      expect(result.ok, result.output).toBe(true);
    }
    expect(xml).toContain("Opening &lt;night&gt; &amp;");
    expect(xml).not.toContain("<night>");
    const events = xmlEvents(xml);
    expect(events.find((event) => event.title === OPENING)).toEqual({
      title: OPENING,
      start: "20:00",
      date: "2027-07-01T20:00:00+02:00",
      room: "Main Stage & <Lawn>",
      persons: [HOST, HOST_RTL],
    });
    expect(events.find((event) => event.title === NIGHT)).toMatchObject({ room: QUIET_ROOM, start: "01:30", persons: [HOST_RTL] });
  });

  it.each(HOST_ZONES)("writes iCalendar in the festival's local time with its VTIMEZONE, escaped text and STATUS per event (TZ=%s)", (zone) => {
    const text = (byZone.get(zone) as Outputs).ical;
    expect(text).toContain("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n");
    expect(text).toContain("DTSTART;TZID=Europe/Berlin:20270701T200000\r\n");
    const events = calendarEvents(text);
    expect(events).toHaveLength(3);
    const opening = events.find((event) => event.get("SUMMARY") === OPENING);
    expect(opening?.get("DTSTART")).toBe("20270701T200000");
    expect(opening?.get("DTEND")).toBe("20270701T213000");
    expect(opening?.get("DESCRIPTION")).toContain("Doors at 19:30 & bring <snacks>; \"really\"");
    expect(opening?.get("DESCRIPTION")).toContain(`With: ${HOST}, ${HOST_RTL}`);
    expect(events.find((event) => event.get("SUMMARY") === NIGHT)?.get("STATUS")).toBe("TENTATIVE");
    expect(events.find((event) => event.get("SUMMARY") === "Fire show")?.get("STATUS")).toBe("CANCELLED");
  });

  it("writes the same bytes atomically to a file with -o, leaving no temporary file", async () => {
    const outDir = await tempDir("pandafest-export-");
    const file = path.join(outDir, "schedule.json");
    const result = await runCli(fixture.dataDir, ["--json", "export", fixture.festival, "--format", "frab-json", "-o", file]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ file, format: "frab-json" });
    expect(await fs.readFile(file, "utf8")).toBe((byZone.get("UTC") as Outputs)["frab-json"]);
    expect(await fs.readdir(outDir)).toEqual(["schedule.json"]);
  });
});
