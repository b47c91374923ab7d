// Venue operations: add, edit, remove (a flag, so concurrent edits survive) and restore.
// Each validates its input before it writes, and writes only the fields that change.
import { newId } from "../ids.js";
import type { FestivalEditor } from "../editor.js";
import type { Venue } from "../schema.js";
import { parseVenueInput, parseVenuePatch, type VenueInput, type VenuePatch } from "../validate.js";
import { textOf } from "../views.js";
import { commitChanges, FieldChanges, linkList, originRecord, readFestival, requireEntry, short, shortList } from "./fields.js";

/** Adds a venue and returns its new id. */
export function addVenue(editor: FestivalEditor, input: VenueInput): string {
  const fields = parseVenueInput(input);
  readFestival(editor);
  const id = newId("venue");
  const venue: Venue = {
    name: short(fields.name),
    description: short(fields.description ?? ""),
    address: short(fields.address ?? ""),
    accessibility: short(fields.accessibility ?? ""),
    tags: shortList(fields.tags ?? []),
  };
  if (fields.geo) venue.geo = { lat: fields.geo.lat, lon: fields.geo.lon };
  if (fields.capacity !== undefined) venue.capacity = fields.capacity;
  if (fields.links !== undefined && fields.links.length > 0) venue.links = linkList(fields.links);
  if (fields.online === true) venue.online = true;
  if (fields.origin !== undefined && Object.keys(fields.origin).length > 0) venue.origin = originRecord(fields.origin);
  editor.change((doc) => {
    doc.venues[id] = venue;
  }, `add venue ${id}`);
  return id;
}

/** Changes the given fields of a venue (null clears geo or capacity); returns the fields written. */
export function editVenue(editor: FestivalEditor, venueId: string, patch: VenuePatch): string[] {
  const fields = parseVenuePatch(patch);
  const venue = requireEntry(readFestival(editor).venues, venueId, "venue");
  const changes = new FieldChanges(venue)
    .text("name", fields.name)
    .text("description", fields.description)
    .text("address", fields.address)
    .text("accessibility", fields.accessibility)
    .textList("tags", fields.tags)
    .geo("geo", fields.geo)
    .scalar("capacity", fields.capacity)
    .links("links", fields.links)
    .flag("online", fields.online);
  return commitChanges(editor, changes, (doc) => doc.venues[venueId], `edit venue ${venueId}`);
}

/** Marks a venue removed; its events stay (reported as dangling). Returns false if it already was. */
export function removeVenue(editor: FestivalEditor, venueId: string): boolean {
  const venue = requireEntry(readFestival(editor).venues, venueId, "venue");
  if (venue.removed === true) return false;
  editor.change((doc) => {
    doc.venues[venueId].removed = true;
  }, `remove venue ${venueId} (${textOf(venue.name)})`);
  return true;
}

/**
 * Brings a removed venue back. Writes removed=false rather than deleting the flag, so a concurrent
 * remove and restore show up as a conflict instead of the remove silently winning.
 */
export function restoreVenue(editor: FestivalEditor, venueId: string): boolean {
  const venue = requireEntry(readFestival(editor).venues, venueId, "venue");
  if (venue.removed !== true) return false;
  editor.change((doc) => {
    doc.venues[venueId].removed = false;
  }, `restore venue ${venueId} (${textOf(venue.name)})`);
  return true;
}
