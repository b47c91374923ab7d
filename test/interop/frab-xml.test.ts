// schedule.xml export: valid against the c3voc XSD (xmllint), escaped properly, times in the festival's zone.
// Reads the output back with an XML parser to check that awkward text survives byte for byte.
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { toFrabXml } from "../../engine/core/interop/frab-xml.js";
import { eventGuid } from "../../engine/core/interop/guid.js";
import { xmlOnlyEntityDecoder } from "../../engine/core/interop/xml-text.js";
import {
  AUCKLAND_ID,
  aucklandFestival,
  event,
  festival,
  LOS_ANGELES_ID,
  losAngelesFestival,
  person,
  validateWithXmllint,
  venue,
  xmllintAvailable,
} from "./fixtures.js";

const hasXmllint = xmllintAvailable();
if (!hasXmllint && process.env.CI) {
  throw new Error("xmllint is missing on CI: install Debian's libxml2-utils (apt-get install -y libxml2-utils)");
}
if (!hasXmllint) {
  console.warn("SKIPPING schedule.xml XSD validation: xmllint not found (apt-get install -y libxml2-utils)");
}

type XmlNode = Record<string, unknown>;

function parse(xml: string): XmlNode {
  const parser = new XMLParser({
    ignoreAttributes: false,
    parseTagValue: false,
    trimValues: false,
    entityDecoder: xmlOnlyEntityDecoder(),
    isArray: (name) => ["day", "room", "event", "person", "track"].includes(name),
  });
  return parser.parse(xml) as XmlNode;
}

interface ParsedEvent {
  day: string;
  room: string;
  node: XmlNode;
}

function events(xml: string): ParsedEvent[] {
  const schedule = parse(xml).schedule as XmlNode;
  return (schedule.day as XmlNode[]).flatMap((day) =>
    ((day.room ?? []) as XmlNode[]).flatMap((room) =>
      ((room.event ?? []) as XmlNode[]).map((node) => ({
        day: day["@_date"] as string,
        room: room["@_name"] as string,
        node,
      })),
    ),
  );
}

function textOf(value: unknown): string {
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === "object" && value !== null) return textOf((value as XmlNode)["#text"]);
  return typeof value === "string" ? value : "";
}

function text(node: XmlNode, key: string): string {
  return textOf(node[key]);
}

describe("schedule.xml export", () => {
  it.skipIf(!hasXmllint)("validates against the c3voc XSD with xmllint", () => {
    for (const xml of [
      toFrabXml(aucklandFestival(), AUCKLAND_ID),
      toFrabXml(aucklandFestival(), AUCKLAND_ID, { baseUrl: "https://fest.example.org/" }),
      toFrabXml(losAngelesFestival(), LOS_ANGELES_ID),
    ]) {
      const result = validateWithXmllint(xml);
      expect(result.output).toContain("validates");
      expect(result.ok, result.output).toBe(true);
    }
  });

  it.skipIf(!hasXmllint)("the XSD check is real: a broken document is rejected", () => {
    const broken = toFrabXml(aucklandFestival(), AUCKLAND_ID).replace("<start>20:00</start>", "<start>late</start>");
    expect(validateWithXmllint(broken).ok).toBe(false);
  });

  it("escapes markup, quotes and line breaks while keeping emoji and right-to-left text as UTF-8", () => {
    const xml = toFrabXml(aucklandFestival(), AUCKLAND_ID);
    expect(xml).toContain("<title>Opening &lt;night&gt; &amp; &quot;welcome&quot; 🎉</title>");
    expect(xml).toContain("صباح الخير — שלום");
    expect(xml).toContain('<room name="מרחב שקט"');
    expect(xml).not.toMatch(/&#(x1F|12[0-9]{4})/i);
    const opening = events(xml).find(({ node }) => text(node, "title").startsWith("Opening"));
    expect(opening && text(opening.node, "title")).toBe('Opening <night> & "welcome" 🎉');
    expect(opening && text(opening.node, "description")).toBe("Doors at 19:30 & bring <snacks>\r\nLine two");
    const persons = (opening?.node.persons as XmlNode).person as XmlNode[];
    expect(persons.map((entry) => entry["#text"])).toEqual(["Ana <DJ> & 'Co'", "عمر الفاروق"]);
  });

  it("keeps attribute values with quotes, newlines and control characters well-formed", () => {
    const view = festival({
      name: "Edge \u0001 cases",
      timeZone: "Europe/Berlin",
      startDate: "2027-06-01",
      endDate: "2027-06-01",
      venues: [venue("v1", { name: 'Room "A"\n<&> \'quoted\'\tTab' })],
      people: [person("p1", "Nul\u0000l")],
      events: [
        event("e1", {
          title: "Bell \u0007 and \uFFFF",
          venueId: "v1",
          start: "2027-06-01T10:00:00+02:00",
          end: "2027-06-01T11:00:00+02:00",
          hostIds: ["p1"],
        }),
      ],
    });
    const xml = toFrabXml(view, "edge");
    const [only] = events(xml);
    expect(only.room).toBe('Room "A"\n<&> \'quoted\'\tTab');
    expect(text(only.node, "room")).toBe('Room "A"\n<&> \'quoted\'\tTab');
    expect(text(only.node, "title")).toBe("Bell  and ");
    if (hasXmllint) expect(validateWithXmllint(xml).ok).toBe(true);
  });

  it("writes local start times, offsets and days with the 04:00 day start (Auckland)", () => {
    const all = events(toFrabXml(aucklandFestival(), AUCKLAND_ID));
    const after = all.find(({ node }) => node["@_guid"] === eventGuid(AUCKLAND_ID, "e-after"));
    expect(after?.day).toBe("2027-01-08");
    expect(after && text(after.node, "date")).toBe("2027-01-09T02:00:00+13:00");
    expect(after && text(after.node, "start")).toBe("02:00");
    expect(after && text(after.node, "duration")).toBe("01:30");
    const fire = all.find(({ node }) => text(node, "title").includes("Fire show"));
    expect(fire && [text(fire.node, "title"), text(fire.node, "subtitle")]).toEqual(["Cancelled: Fire show", "Cancelled"]);
    expect(fire?.room).toBe("Old Barn");
  });

  it("writes the right offsets on both sides of a daylight-saving change (Los Angeles)", () => {
    const xml = toFrabXml(losAngelesFestival(), LOS_ANGELES_ID);
    expect(xml).toContain('<day index="1" date="2027-03-13" start="2027-03-13T04:00:00-08:00" end="2027-03-14T04:00:00-07:00">');
    const after = events(xml).find(({ node }) => text(node, "title") === "After the jump");
    expect(after && text(after.node, "date")).toBe("2027-03-14T10:00:00-07:00");
    expect(after && text(after.node, "start")).toBe("10:00");
    expect(after && text(after.node, "duration")).toBe("01:15");
  });

  it("caps durations of 100 hours or more at 99:59, the longest the XSD allows", () => {
    const view = losAngelesFestival();
    view.events["e-after"].end = "2027-03-19T10:00:00-07:00";
    const xml = toFrabXml(view, LOS_ANGELES_ID);
    const after = events(xml).find(({ node }) => text(node, "title") === "After the jump");
    expect(after && text(after.node, "duration")).toBe("99:59");
    if (hasXmllint) expect(validateWithXmllint(xml).ok).toBe(true);
  });

  it("starts with <schedule> and <conference> near the top, where Giggity looks to detect the format", () => {
    const head = toFrabXml(aucklandFestival(), AUCKLAND_ID).slice(0, 1024);
    expect(head).toContain("<schedule");
    expect(head).toContain("<conference");
  });
});
