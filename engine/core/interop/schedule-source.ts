// Reading a frab/pretalx schedule file into one raw shape: detect XML or JSON, enforce the size cap, parse.
// Only structure is checked here (what is a day, a room, an event); schedule-import.ts validates the fields.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { PandafestError } from "../errors.js";
import { xmlOnlyEntityDecoder } from "./xml-text.js";

/** Schedule files larger than this are refused before parsing. */
export const SCHEDULE_SIZE_LIMIT_BYTES = 20 * 1024 * 1024;

export type ScheduleFormat = "xml" | "json";

export type RawFields = Record<string, unknown>;

export interface RawRoom {
  name: unknown;
  /** the room's guid as the day lists it (schedule.xml) */
  guid?: unknown;
  events: unknown[];
}

export interface RawDay {
  fields: RawFields;
  rooms: RawRoom[];
}

export interface RawSchedule {
  format: ScheduleFormat;
  /** The name used in messages ("schedule.xml" unless the caller gave one). */
  fileName: string;
  conference: RawFields;
  /** The schedule's own version and base_url (beside the conference in frab files). */
  version: unknown;
  baseUrl: unknown;
  /** Rooms listed by the conference itself (schedule.json), whether or not they hold events. */
  conferenceRooms: unknown[];
  days: RawDay[];
}

function refuse(fileName: string, what: string): PandafestError {
  return new PandafestError(`${fileName}: ${what}`, { code: "input" });
}

/** UTF-8 size of a string, counted without encoding it. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      bytes += 4;
      index += 1;
    } else bytes += 3;
  }
  return bytes;
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function isRecord(value: unknown): value is RawFields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null || value === "") return [];
  return Array.isArray(value) ? value : [value];
}

function readJson(text: string, fileName: string): RawSchedule {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw refuse(fileName, `not valid JSON (${reason}); expected a frab/pretalx schedule.json`);
  }
  if (!isRecord(document) || !isRecord(document.schedule)) {
    throw refuse(fileName, `has no 'schedule' object at the top; expected a frab/pretalx schedule.json`);
  }
  const conference = document.schedule.conference;
  if (!isRecord(conference)) throw refuse(fileName, `missing 'schedule.conference'`);
  if (!Array.isArray(conference.days)) throw refuse(fileName, `conference: missing the 'days' list`);
  const days = conference.days.map((day, position): RawDay => {
    if (!isRecord(day)) throw refuse(fileName, `day ${position + 1}: not an object`);
    if (!isRecord(day.rooms)) throw refuse(fileName, `day ${position + 1}: missing the 'rooms' object`);
    const rooms = Object.entries(day.rooms).map(([name, events]): RawRoom => {
      if (!Array.isArray(events)) {
        throw refuse(fileName, `day ${position + 1}, room '${name}': events are not a list`);
      }
      return { name, events };
    });
    return { fields: day, rooms };
  });
  const conferenceRooms = Array.isArray(conference.rooms) ? conference.rooms : [];
  const { version, base_url: baseUrl } = document.schedule;
  return { format: "json", fileName, conference, version, baseUrl, conferenceRooms, days };
}

const XML_LISTS = new Set([
  "schedule.day",
  "schedule.day.room",
  "schedule.day.room.event",
  "schedule.day.room.event.persons.person",
  "schedule.day.room.event.links.link",
  "schedule.day.room.event.attachments.attachment",
]);

/** The text of a parsed XML element ("" for an empty one), or undefined when absent or repeated. */
function xmlText(value: unknown): unknown {
  if (typeof value === "string") return value;
  if (isRecord(value)) return typeof value["#text"] === "string" ? value["#text"] : "";
  return value;
}

/** `<links><link href="…">Title</link></links>` (or attachments) as the JSON form's [{ title, url }]. */
function xmlReferences(container: unknown, element: string): unknown[] {
  const items = isRecord(container) ? asArray(container[element]) : [];
  return items.map((item) => (isRecord(item) ? { title: xmlText(item), url: item["@_href"] } : { title: item }));
}

/** `<recording><optout>true</optout></recording>` as the JSON form's do_not_record. */
function xmlOptOut(recording: unknown): boolean | undefined {
  if (!isRecord(recording)) return undefined;
  const optout = xmlText(recording.optout);
  return typeof optout === "string" && optout !== "" ? optout.trim() === "true" || optout.trim() === "1" : undefined;
}

const XML_EVENT_LISTS = new Set(["persons", "links", "attachments", "recording"]);

function xmlEvent(event: unknown): unknown {
  if (!isRecord(event)) return event;
  const fields: RawFields = {};
  for (const [key, value] of Object.entries(event)) {
    if (key.startsWith("@_")) fields[key.slice(2)] = value;
    else if (!XML_EVENT_LISTS.has(key)) fields[key] = xmlText(value);
  }
  const persons = isRecord(event.persons) ? asArray(event.persons.person) : [];
  fields.persons = persons.map((person) =>
    isRecord(person)
      ? { name: xmlText(person), id: person["@_id"], guid: person["@_guid"], code: person["@_code"] }
      : { name: xmlText(person) },
  );
  fields.links = xmlReferences(event.links, "link");
  fields.attachments = xmlReferences(event.attachments, "attachment");
  const optOut = xmlOptOut(event.recording);
  if (optOut !== undefined) fields.do_not_record = optOut;
  return fields;
}

function readXml(text: string, fileName: string): RawSchedule {
  if (/<!DOCTYPE/i.test(text)) {
    throw refuse(fileName, `contains a DOCTYPE declaration; schedule.xml files have none, so it is refused`);
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw refuse(fileName, `not well-formed XML at line ${line}, column ${col}: ${msg}`);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    processEntities: true,
    entityDecoder: xmlOnlyEntityDecoder(),
    isArray: (_tagName, jPath) => typeof jPath === "string" && XML_LISTS.has(jPath),
  });
  let document: unknown;
  try {
    document = parser.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw refuse(fileName, `cannot be read as XML: ${reason}`);
  }
  if (!isRecord(document) || !isRecord(document.schedule)) {
    const root = isRecord(document) ? Object.keys(document)[0] : undefined;
    throw refuse(
      fileName,
      `root element is ${root === undefined ? "missing" : `<${root}>`}, not <schedule>; expected a frab/pretalx schedule.xml`,
    );
  }
  const schedule = document.schedule;
  if (!isRecord(schedule.conference)) throw refuse(fileName, `missing the <conference> element`);
  const conference: RawFields = {};
  for (const [key, value] of Object.entries(schedule.conference)) conference[key] = xmlText(value);
  const days = asArray(schedule.day).map((day, position): RawDay => {
    if (!isRecord(day)) return { fields: {}, rooms: [] };
    const fields: RawFields = {
      index: day["@_index"],
      date: day["@_date"],
      day_start: day["@_start"],
      day_end: day["@_end"],
    };
    const rooms = asArray(day.room).map((room): RawRoom => {
      if (!isRecord(room)) return { name: undefined, events: [] };
      return { name: room["@_name"], guid: room["@_guid"], events: asArray(room.event).map(xmlEvent) };
    });
    if (rooms.length === 0 && day.room !== undefined && day.room !== "") {
      throw refuse(fileName, `day ${position + 1}: unreadable <room> elements`);
    }
    return { fields, rooms };
  });
  return { format: "xml", fileName, conference, version: xmlText(schedule.version), baseUrl: conference.base_url, conferenceRooms: [], days };
}

/** Detects the format and parses a schedule file into the raw shape. Throws PandafestError on bad input. */
export function readScheduleSource(text: string, fileName?: string): RawSchedule {
  const label = fileName ?? "schedule file";
  const size = utf8ByteLength(text);
  if (size > SCHEDULE_SIZE_LIMIT_BYTES) {
    throw refuse(
      label,
      `is ${megabytes(size)}; schedule files are limited to ${megabytes(SCHEDULE_SIZE_LIMIT_BYTES)}. ` +
        `Is this really a schedule.xml or schedule.json?`,
    );
  }
  const body = text.replace(/^\uFEFF/, "");
  const first = body.trimStart().charAt(0);
  if (first === "{") return readJson(body, fileName ?? "schedule.json");
  if (first === "<") return readXml(body, fileName ?? "schedule.xml");
  const preview = body.trimStart().slice(0, 20).replace(/\s+/g, " ");
  throw refuse(
    label,
    preview === ""
      ? `is empty; expected a frab/pretalx schedule.xml or schedule.json`
      : `is neither XML nor JSON (it starts with '${preview}'); expected a frab/pretalx schedule.xml or schedule.json`,
  );
}
