// Hand-built festival views for the interop tests: awkward text, events across midnight, every status.
// Also the schema validators (ajv for schedule.json, xmllint for schedule.xml) the export tests share.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import type { EventView, FestivalView, PersonView, VenueView } from "../../engine/core/schema.js";
import { eventViewDefaults, venueViewDefaults } from "../../engine/core/views.js";

export const schemasDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "schemas");
export const jsonSchemaPath = path.join(schemasDir, "c3voc-schedule-schema.json");
export const xsdPath = path.join(schemasDir, "c3voc-schedule.xml.xsd");

export function venue(id: string, fields: Partial<VenueView> & { name: string }): VenueView {
  return { id, description: "", address: "", accessibility: "", tags: [], removed: false, ...venueViewDefaults(), ...fields };
}

export function person(id: string, name: string): PersonView {
  return { id, name, bio: "", origin: {} };
}

export function event(
  id: string,
  fields: Partial<EventView> & Pick<EventView, "title" | "venueId" | "start" | "end">,
): EventView {
  return { id, description: "", hostIds: [], tags: [], status: "confirmed", ...eventViewDefaults(), ...fields };
}

export interface FestivalFixture extends Partial<Omit<FestivalView, "venues" | "events" | "people">> {
  venues: VenueView[];
  events: EventView[];
  people: PersonView[];
}

export function festival(fields: FestivalFixture): FestivalView {
  const { venues, events, people, ...rest } = fields;
  return {
    schema: 1,
    name: "Test festival",
    description: "",
    timeZone: "UTC",
    startDate: "2027-01-01",
    endDate: "2027-01-01",
    dayStartsAt: "04:00",
    visibility: "public",
    members: {},
    ...rest,
    venues: Object.fromEntries(venues.map((item) => [item.id, item])),
    events: Object.fromEntries(events.map((item) => [item.id, item])),
    people: Object.fromEntries(people.map((item) => [item.id, item])),
  };
}

export const AUCKLAND_ID = "fest-auckland-0001";

/** A New Zealand summer festival (NZDT, +13:00) with every awkward case the exports must handle. */
export function aucklandFestival(): FestivalView {
  return festival({
    name: 'Pandafest <Sommer> & "Friends" 2027 🎪',
    description: "Three nights by the sea\nwith friends",
    timeZone: "Pacific/Auckland",
    startDate: "2027-01-08",
    endDate: "2027-01-10",
    dayStartsAt: "04:00",
    venues: [
      venue("v-main", {
        name: "Main Stage",
        address: "1 Beach Road, Piha",
        geo: { lat: -36.95, lon: 174.47 },
        capacity: 800,
        description: "The big one",
      }),
      venue("v-quiet", { name: "מרחב שקט", address: "" }),
      venue("v-barn", { name: "Old Barn", removed: true }),
      venue("v-gone", { name: "Gone Tent", removed: true }),
      venue("v-twin", { name: "Main Stage", address: "Behind the dunes" }),
    ],
    people: [person("p-ana", "Ana <DJ> & 'Co'"), person("p-omar", "عمر الفاروق"), person("p-dana", "דנה")],
    events: [
      event("e-opening", {
        title: 'Opening <night> & "welcome" 🎉',
        description: "Doors at 19:30 & bring <snacks>\r\nLine two",
        venueId: "v-main",
        start: "2027-01-08T20:00:00+13:00",
        end: "2027-01-08T21:30:00+13:00",
        hostIds: ["p-ana", "p-omar"],
        tags: ["music", "concert"],
        language: "en",
      }),
      event("e-late", {
        title: "Late set across midnight",
        venueId: "v-main",
        start: "2027-01-08T23:30:00+13:00",
        end: "2027-01-09T01:30:00+13:00",
        hostIds: ["p-ana"],
      }),
      event("e-after", {
        title: "After-hours (still the first night)",
        venueId: "v-twin",
        // Written in UTC: 13:00Z is 02:00 NZDT on the 9th, before the 04:00 day start.
        start: "2027-01-08T13:00:00Z",
        end: "2027-01-08T14:30:00Z",
      }),
      event("e-salam", {
        title: "صباح الخير — שלום",
        venueId: "v-quiet",
        start: "2027-01-09T10:00:00+13:00",
        end: "2027-01-09T11:00:00+13:00",
        hostIds: ["p-omar", "p-dana"],
        status: "tentative",
        language: "ar",
      }),
      event("e-fire", {
        title: "Fire show",
        venueId: "v-barn",
        start: "2027-01-09T21:00:00+13:00",
        end: "2027-01-09T21:45:00+13:00",
        status: "cancelled",
        tags: ["spectacle"],
      }),
      event("e-dawn", {
        title: "Dawn yoga",
        venueId: "v-quiet",
        start: "2027-01-10T04:00:00+13:00",
        end: "2027-01-10T05:00:00+13:00",
        tags: ["workshop"],
      }),
    ],
  });
}

export const LOS_ANGELES_ID = "fest-la-0002";

/** A Los Angeles festival over the night clocks spring forward (2027-03-14, 02:00 PST -> 03:00 PDT). */
export function losAngelesFestival(): FestivalView {
  return festival({
    name: "Spring Forward Jam",
    timeZone: "America/Los_Angeles",
    startDate: "2027-03-13",
    endDate: "2027-03-14",
    dayStartsAt: "04:00",
    venues: [venue("v-hall", { name: "Hall A", address: "100 Main St, Los Angeles" })],
    people: [person("p-kim", "Kim")],
    events: [
      event("e-before", {
        title: "Before the jump",
        venueId: "v-hall",
        start: "2027-03-14T01:00:00-08:00",
        end: "2027-03-14T03:30:00-07:00",
        hostIds: ["p-kim"],
      }),
      event("e-after", {
        title: "After the jump",
        venueId: "v-hall",
        start: "2027-03-14T10:00:00-07:00",
        end: "2027-03-14T11:15:00-07:00",
      }),
    ],
  });
}

const require = createRequire(import.meta.url);

/** ajv for the c3voc JSON schema (draft-06), with real checks for the formats it uses. */
export function scheduleJsonValidator(): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json") as object);
  ajv.addFormat("color", true);
  ajv.addFormat("date", (text: string) => /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text)));
  ajv.addFormat(
    "date-time",
    (text: string) =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(text) && !Number.isNaN(Date.parse(text)),
  );
  ajv.addFormat("uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addFormat("uri", (text: string) => /^[a-z][a-z0-9+.-]*:/i.test(text) && URL.canParse(text));
  return ajv.compile(JSON.parse(fs.readFileSync(jsonSchemaPath, "utf8")) as object);
}

export interface XmllintResult {
  available: boolean;
  ok: boolean;
  output: string;
}

/** Validates XML text against the c3voc XSD with xmllint (Debian libxml2-utils). */
export function validateWithXmllint(xml: string): XmllintResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pandafest-xmllint-"));
  try {
    const file = path.join(dir, "schedule.xml");
    fs.writeFileSync(file, xml, "utf8");
    const run = spawnSync("xmllint", ["--noout", "--schema", xsdPath, file], { encoding: "utf8", timeout: 20_000 });
    if (run.error !== undefined) return { available: false, ok: false, output: String(run.error) };
    return { available: true, ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function xmllintAvailable(): boolean {
  const run = spawnSync("xmllint", ["--version"], { encoding: "utf8" });
  return run.error === undefined && run.status === 0;
}
