// Where a stored festival keeps its events: schema 2 spreads them over 64 shard maps by a hash of the id,
// schema 1 kept one flat map. The only accessors for events in a stored document. Browser-safe.
import { PandafestError } from "./errors.js";
import type { EventMap, EventShards, Festival, FestivalEvent } from "./schema.js";

/*
 * Why shards: every Automerge change copies each map on the path to what it writes, so one flat map of
 * 5,000 events made every edit copy 5,000 keys. With 64 shards an edit copies one shard (~80 keys at
 * 5,000 events). All shards are created in a festival's first change (see skeleton.ts): a shard created
 * later by two peers at once would be two competing objects, and merged, one side's events would hide.
 *
 * Documents written at schema 1 are never migrated (two peers migrating at once would create competing
 * shards): their events stay in the flat `events` map and new ones are added there. So an event with id
 * X lives at `events[X]` or at `eventShards[shardOf(X)][X]`; an event found in another shard (which no
 * pandafest writes) is still read, so nothing a peer wrote is hidden.
 */

export const EVENT_SHARD_COUNT = 64;

/** The shard names, "00" to "63", in order. */
export const EVENT_SHARD_NAMES: readonly string[] = Array.from({ length: EVENT_SHARD_COUNT }, (_, index) =>
  String(index).padStart(2, "0"),
);

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

/**
 * The shard of an event id: FNV-1a (32-bit) over the id's UTF-8 bytes, xor-folded to 6 bits (the low
 * bits alone of FNV depend only on the low bits of each byte). Stable across machines and versions.
 */
export function shardOf(eventId: string): string {
  let hash = FNV_OFFSET_BASIS;
  let ascii = true;
  for (let index = 0; index < eventId.length; index++) {
    const code = eventId.charCodeAt(index);
    if (code >= 0x80) {
      ascii = false;
      break;
    }
    hash = Math.imul(hash ^ code, FNV_PRIME);
  }
  if (!ascii) {
    hash = FNV_OFFSET_BASIS;
    for (const byte of encoder.encode(eventId)) hash = Math.imul(hash ^ byte, FNV_PRIME);
  }
  hash >>>= 0;
  return EVENT_SHARD_NAMES[((hash >>> 6) ^ hash) & (EVENT_SHARD_COUNT - 1)];
}

/** Every shard, empty: part of a new festival's skeleton. */
export function emptyEventShards(): EventShards {
  const shards: EventShards = {};
  for (const name of EVENT_SHARD_NAMES) shards[name] = {};
  return shards;
}

function isMap(value: unknown): value is EventMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function ownEvent(map: unknown, eventId: string): FestivalEvent | undefined {
  if (!isMap(map) || !Object.prototype.hasOwnProperty.call(map, eventId)) return undefined;
  const event = map[eventId];
  return typeof event === "object" && event !== null ? event : undefined;
}

/** The document's shard maps, or undefined for a festival written at schema 1. */
function shardsOf(doc: Festival): EventShards | undefined {
  return isMap(doc.eventShards) ? doc.eventShards : undefined;
}

/** True when new events of this document go into shards (it was created at schema 2 or later). */
export function hasEventShards(doc: Festival): boolean {
  return shardsOf(doc) !== undefined;
}

/** The map holding an event: the flat map, else its own shard, else (written by no pandafest) any shard. */
function locate(doc: Festival, eventId: string): { map: EventMap; event: FestivalEvent } | undefined {
  const flat = ownEvent(doc.events, eventId);
  if (flat) return { map: doc.events, event: flat };
  const shards = shardsOf(doc);
  if (!shards) return undefined;
  const home = shards[shardOf(eventId)];
  const event = ownEvent(home, eventId);
  if (event) return { map: home, event };
  for (const name of EVENT_SHARD_NAMES) {
    const elsewhere = ownEvent(shards[name], eventId);
    if (elsewhere) return { map: shards[name], event: elsewhere };
  }
  return undefined;
}

/** One event by id, or undefined when the festival has none with that id. */
export function getEvent(doc: Festival, eventId: string): FestivalEvent | undefined {
  return locate(doc, eventId)?.event;
}

/** The map that holds an existing event (write its fields through it), or undefined when there is none. */
export function eventMapHolding(doc: Festival, eventId: string): EventMap | undefined {
  return locate(doc, eventId)?.map;
}

/**
 * The map a new event with this id is written into: its shard, or the flat map in a document written at
 * schema 1. Refuses a document whose shard is missing (creating it now could compete with a peer's).
 */
export function eventMapForNew(doc: Festival, eventId: string): EventMap {
  const shards = shardsOf(doc);
  if (!shards) return doc.events;
  const shard = shardOf(eventId);
  const map = shards[shard];
  if (!isMap(map)) {
    throw new PandafestError(
      `this festival's event shard ${shard} is missing, so event ${JSON.stringify(eventId)} cannot be added; the document is damaged: restore it from a peer or a bundle`,
      { code: "data" },
    );
  }
  return map;
}

/**
 * Every event of the festival by id: the flat map's first, then each shard's in shard order. An id held
 * twice (which no pandafest writes) appears once, with the event getEvent returns for it.
 */
export function storedEvents(doc: Festival): Map<string, FestivalEvent> {
  const events = new Map<string, FestivalEvent>();
  const flat = doc.events;
  if (isMap(flat)) {
    for (const id of Object.keys(flat)) {
      const event = flat[id];
      if (typeof event === "object" && event !== null) events.set(id, event);
    }
  }
  const shards = shardsOf(doc);
  if (!shards) return events;
  for (const name of EVENT_SHARD_NAMES) {
    const shard = shards[name];
    if (!isMap(shard)) continue;
    for (const id of Object.keys(shard)) {
      const event = shard[id];
      if (typeof event !== "object" || event === null) continue;
      if (events.has(id)) {
        const chosen = getEvent(doc, id);
        if (chosen) events.set(id, chosen);
      } else {
        events.set(id, event);
      }
    }
  }
  return events;
}

/** What an Automerge patch at `path` touches among the events: one event, every event, or none. */
export type EventsTouched = { eventId: string } | "all" | undefined;

/**
 * Which events a patch at `path` (as Automerge reports it) touches: one event (a path through
 * events.ID or eventShards.SHARD.ID), all of them (a whole event map or the shards), or none.
 */
export function eventsTouchedBy(path: readonly (string | number)[]): EventsTouched {
  const [head, second, third] = path;
  if (head === "events") return typeof second === "string" ? { eventId: second } : "all";
  if (head === "eventShards") return typeof third === "string" ? { eventId: third } : "all";
  return undefined;
}
