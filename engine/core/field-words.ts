// The festival's things, fields and values in words for people: "event “Opening”: title", "Main Stage",
// "2027-07-01 18:00". Shared by history and conflict notices (CLI and web app). Browser-safe.
import { getEvent } from "./event-shards.js";
import type { Festival } from "./schema.js";
import { textOf } from "./views.js";

/** The collections whose items people name; a path of length 1 is a field of the festival itself. */
export type ItemCollection = "venues" | "events" | "people" | "members";

const KIND: Record<ItemCollection, string> = { venues: "venue", events: "event", people: "person", members: "member" };

const FIELD_WORDS: Record<string, string> = {
  venueId: "venue",
  hostIds: "hosts",
  geo: "location",
  startDate: "first day",
  endDate: "last day",
  dayStartsAt: "day starts at",
  timeZone: "time zone",
  forkedFrom: "forked from",
  doNotRecord: "do not record",
};

/** Longest text quoted in full; longer text is cut with an ellipsis. */
const QUOTED_LENGTH = 60;

export function isItemCollection(text: string): text is ItemCollection {
  return text === "venues" || text === "events" || text === "people" || text === "members";
}

function own(record: unknown, key: string): unknown {
  if (typeof record !== "object" || record === null || !Object.prototype.hasOwnProperty.call(record, key)) return undefined;
  return (record as Record<string, unknown>)[key];
}

/** The name of an item as the document holds it now ("" when it has none or is not there). */
export function itemName(doc: Festival, collection: ItemCollection, id: string): string {
  if (collection === "events") return textOf(getEvent(doc, id)?.title ?? "");
  const item = own(doc[collection], id);
  return textOf(own(item, "name") ?? "");
}

/** A field's name in words: "hosts" for hostIds, "first day" for startDate. */
export function fieldWords(field: string): string {
  return FIELD_WORDS[field] ?? field;
}

/** Text in quotes, cut to a readable length. */
export function quoted(text: string): string {
  const cut = text.length > QUOTED_LENGTH ? `${text.slice(0, QUOTED_LENGTH - 1).trimEnd()}…` : text;
  return `“${cut}”`;
}

/** An item in words: `event “Opening”`, or its kind and short id when it has no name. */
export function itemWords(collection: ItemCollection, id: string, name: string): string {
  if (collection === "members") return name === "" ? `member ${id.slice(0, 8)}` : `member ${name}`;
  return name === "" ? `${KIND[collection]} ${id.slice(0, 10)}` : `${KIND[collection]} ${quoted(name)}`;
}

/** A field at `path` in words: `event “Opening”: title`, `festival: time zone`. */
export function fieldLabel(doc: Festival, path: readonly string[]): string {
  if (path.length === 1) return `festival: ${fieldWords(path[0])}`;
  const [collection, id, ...rest] = path;
  if (!isItemCollection(collection) || id === undefined) return path.join(".");
  const item = itemWords(collection, id, itemName(doc, collection, id));
  return rest.length === 0 ? item : `${item}: ${rest.map(fieldWords).join(".")}`;
}

/** "2027-07-01T18:00:00+02:00" as "2027-07-01 18:00" (the local time the event was written with). */
function dateTimeWords(text: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::00(?:\.0+)?)?(?:Z|[+-]\d{2}:\d{2})?$/.exec(text);
  return match ? `${match[1]} ${match[2]}` : quoted(text);
}

/** A stored value of `field` in words, with ids turned into the names they stand for. */
export function valueWords(doc: Festival, field: string, value: unknown): string {
  if (value === undefined || value === null) return "(nothing)";
  if (field === "venueId" && typeof value === "string") return quoted(itemName(doc, "venues", value) || value);
  if (field === "hostIds" && Array.isArray(value)) {
    if (value.length === 0) return "(nobody)";
    return value.map((id) => (typeof id === "string" ? itemName(doc, "people", id) || id : String(id))).join(", ");
  }
  if ((field === "start" || field === "end") && typeof value === "string") return dateTimeWords(value);
  if (field === "geo" && typeof value === "object" && value !== null) {
    const geo = value as { lat?: unknown; lon?: unknown };
    return `${String(geo.lat)}, ${String(geo.lon)}`;
  }
  if (typeof value === "string") return value === "" ? "(empty)" : quoted(value);
  if (Array.isArray(value)) return value.length === 0 ? "(none)" : value.map((item) => (typeof item === "string" ? item : JSON.stringify(item))).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** A stored path in words (fieldLabel): an event's path through its shard, eventShards.21.e_….title, reads as events.e_….title. */
export function storedFieldLabel(doc: Festival, path: readonly string[]): string {
  return fieldLabel(doc, path[0] === "eventShards" ? ["events", ...path.slice(2)] : path);
}
