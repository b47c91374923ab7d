// Stable export identifiers: uuid v5 names derived from the festival id and a venue, event or person id.
// Apps key favourites on these, so the same festival and event always yield the same guid and numeric id.
import { v5 as uuidV5 } from "uuid";

/** The fixed namespace of every pandafest export guid. Never change it: apps would lose their favourites. */
export const PANDAFEST_EXPORT_NAMESPACE = "42c30162-3437-4591-93a7-944676df851d";

const festivalGuids = new Map<string, string>();

/** The festival's own guid (the schedule/conference guid, and the namespace of its parts). */
export function festivalGuid(festivalId: string): string {
  let guid = festivalGuids.get(festivalId);
  if (guid === undefined) {
    guid = uuidV5(`festival:${festivalId}`, PANDAFEST_EXPORT_NAMESPACE);
    if (festivalGuids.size >= 256) festivalGuids.clear();
    festivalGuids.set(festivalId, guid);
  }
  return guid;
}

export function eventGuid(festivalId: string, eventId: string): string {
  return uuidV5(`event:${eventId}`, festivalGuid(festivalId));
}

export function venueGuid(festivalId: string, venueId: string): string {
  return uuidV5(`venue:${venueId}`, festivalGuid(festivalId));
}

export function personGuid(festivalId: string, personId: string): string {
  return uuidV5(`person:${personId}`, festivalGuid(festivalId));
}

const LARGEST_ID = 0x7fffffff;

/**
 * A positive integer (1 to 2^31-1, so it fits the 32-bit ints apps parse ids into) derived from a guid.
 * Collisions are possible; `assignNumericIds` resolves them within one export.
 */
export function numericIdFromGuid(guid: string): number {
  const value = Number.parseInt(guid.replace(/-/g, "").slice(0, 8), 16) & LARGEST_ID;
  return value === 0 ? 1 : value;
}

/**
 * Numeric ids for a set of guids, unique within the set, keeping a preferred id (the source's) where it is free:
 * guids with a preferred id take it first (in sorted order), then every other guid gets an id as assignNumericIds does.
 */
export function assignPreferredNumericIds(entries: readonly { guid: string; preferred?: number }[]): Map<string, number> {
  const taken = new Set<number>();
  const assigned = new Map<string, number>();
  const sorted = [...entries].sort((a, b) => (a.guid < b.guid ? -1 : a.guid > b.guid ? 1 : 0));
  for (const { guid, preferred } of sorted) {
    if (preferred === undefined || assigned.has(guid) || taken.has(preferred) || preferred > LARGEST_ID) continue;
    taken.add(preferred);
    assigned.set(guid, preferred);
  }
  for (const { guid } of sorted) {
    if (assigned.has(guid)) continue;
    let id = numericIdFromGuid(guid);
    while (taken.has(id)) id = id === LARGEST_ID ? 1 : id + 1;
    taken.add(id);
    assigned.set(guid, id);
  }
  return assigned;
}

/**
 * Numeric ids for a set of guids, unique within the set: each guid gets its derived id unless an
 * earlier guid (in sorted order) took it, in which case the next free number is used.
 */
export function assignNumericIds(guids: readonly string[]): Map<string, number> {
  const taken = new Set<number>();
  const assigned = new Map<string, number>();
  for (const guid of [...new Set(guids)].sort()) {
    let id = numericIdFromGuid(guid);
    while (taken.has(id)) id = id === LARGEST_ID ? 1 : id + 1;
    taken.add(id);
    assigned.set(guid, id);
  }
  return assigned;
}

/** The fixed namespace of guids made for imported entities the source gave none. Never change it. */
export const PANDAFEST_IMPORT_NAMESPACE = "6f1d0b52-8a57-4f0e-9d59-1f3c2a7be0c4";

/**
 * A guid for an imported room, person or event that its schedule gave none: derived from the schedule
 * (its acronym or title) and what identifies the entity in it, so importing the same file again gives the same guid.
 */
export function importedGuid(schedule: string, kind: "room" | "person" | "event", key: string): string {
  return uuidV5(`${kind}:${key}`, uuidV5(`schedule:${schedule}`, PANDAFEST_IMPORT_NAMESPACE));
}
