// The programme as last seen, per festival, in IndexedDB: shown at once on the next visit while the festival's
// document loads (Automerge takes about half a second for 2,000 events), then replaced by the live festival.
import { IndexedDBStorageAdapter } from "@automerge/automerge-repo-storage-indexeddb";
import type { EventStatus } from "../../../engine/core/schema.js";
import { festivalSettingsOf } from "../../../engine/core/views.js";
import type { ProgrammeSnapshot } from "./festival-model.js";

/** 2: events keep their hosts and tags, and the hosts their names */
const CACHE_VERSION = 2;
const STATUSES: readonly EventStatus[] = ["confirmed", "tentative", "cancelled"];

let storage: IndexedDBStorageAdapter | undefined;

function cacheStorage(): IndexedDBStorageAdapter {
  storage ??= new IndexedDBStorageAdapter("pandafest-views", "programmes");
  return storage;
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isString);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The snapshot in bytes read back, or undefined when it is not one this version wrote (it is then ignored). */
function parseSnapshot(bytes: Uint8Array): ProgrammeSnapshot | undefined {
  let stored: Record<string, unknown> | undefined;
  try {
    stored = record(JSON.parse(new TextDecoder().decode(bytes)));
  } catch {
    return undefined;
  }
  if (!stored || stored.version !== CACHE_VERSION) return undefined;
  const settings = record(stored.settings);
  const venues = Array.isArray(stored.venues) ? stored.venues.map(record) : undefined;
  const events = Array.isArray(stored.events) ? stored.events.map(record) : undefined;
  const hosts = Array.isArray(stored.hosts) ? stored.hosts.map(record) : undefined;
  if (!settings || !venues || !events || !hosts) return undefined;
  const { name, description, timeZone, startDate, endDate, dayStartsAt, visibility } = settings;
  const text = [name, description, timeZone, startDate, endDate, dayStartsAt, visibility];
  if (!text.every(isString)) return undefined;
  // read by the same rule as a festival document (the fork origin is not cached)
  const festivalSettings = festivalSettingsOf({ name, description, timeZone, startDate, endDate, dayStartsAt, visibility });
  const snapshot: ProgrammeSnapshot = { settings: festivalSettings, venues: [], events: [], hosts: [] };
  for (const venue of venues) {
    if (!venue || !isString(venue.id) || !isString(venue.name)) return undefined;
    snapshot.venues.push({ id: venue.id, name: venue.name, removed: venue.removed === true });
  }
  for (const event of events) {
    if (!event || !isString(event.id) || !isString(event.title) || !isString(event.venueId) || !isString(event.start) || !isString(event.end)) return undefined;
    if (!isStringList(event.hostIds) || !isStringList(event.tags)) return undefined;
    const status = STATUSES.find((candidate) => candidate === event.status) ?? "tentative";
    snapshot.events.push({ id: event.id, title: event.title, venueId: event.venueId, start: event.start, end: event.end, status, hostIds: event.hostIds, tags: event.tags });
  }
  for (const host of hosts) {
    if (!host || !isString(host.id) || !isString(host.name)) return undefined;
    snapshot.hosts.push({ id: host.id, name: host.name });
  }
  return snapshot;
}

export async function loadProgrammeSnapshot(festivalId: string): Promise<ProgrammeSnapshot | undefined> {
  try {
    const bytes = await cacheStorage().load([festivalId]);
    return bytes === undefined ? undefined : parseSnapshot(bytes);
  } catch {
    return undefined;
  }
}

export async function saveProgrammeSnapshot(festivalId: string, snapshot: ProgrammeSnapshot): Promise<void> {
  const { forkedFrom: _forkedFrom, ...settings } = snapshot.settings;
  const bytes = new TextEncoder().encode(JSON.stringify({ version: CACHE_VERSION, ...snapshot, settings }));
  await cacheStorage().save([festivalId], bytes);
}
