// The stored shape of resources, booking requests and owners' decisions, their limits, and how they are read
// from a festival (tolerant of hand-made data: anything malformed reads as absent). Browser-safe.
import * as A from "@automerge/automerge";
import { valuesWithWriters } from "../../internals/automerge-backend.js";
import type { Festival, Short } from "../schema.js";
import { textOf } from "../views.js";

/** A thing events need besides a venue: a PA, a projector, a kitchen. */
export interface Resource {
  name: Short;
  description: Short;
  /** how many of it there are: n bookings may overlap, the n+1th is an overbooking */
  quantity: number;
  tags: Short[];
  /** the venue it normally lives at, if any */
  venueId?: Short;
  /** member keys whose decisions count; the creator when written by the CLI */
  owners?: Short[];
  /** "START/END" ISO 8601 intervals with offsets; none: always available */
  availability?: Short[];
  removed?: boolean;
}

export type DecisionState = "accepted" | "declined" | "cancelled" | "revoked";
export const DECISION_STATES: readonly DecisionState[] = ["accepted", "declined", "cancelled", "revoked"];

/**
 * One decision on a request, a new entry of the bookings map each time (so its creator, the change's verified author, is who
 * decided). It holds what it was made for: when the event's venue or times differ now, it no longer applies.
 */
export interface Decision {
  /** the request it decides (decisions are entries of the bookings map beside the requests: every write is a new entry) */
  bookingId: Short;
  state: Short;
  reason: Short;
  venueId: Short;
  start: Short;
  end: Short;
  /** one more than the highest generation among the decisions its writer saw on this request */
  generation: number;
  /** with state "asked" (ASKED_STATE): the member key a shift's owner asks to take it */
  person?: Short;
}

/**
 * A shift owner asking a named person: an entry like a decision, with this state and `person`. Not a DecisionState:
 * readers that do not know it skip it, and it never decides a request; the person answers with their own decision.
 */
export const ASKED_STATE = "asked";

/** A request by an event for its venue (no resourceId) or for a resource, or for people's time (a shift). */
export interface Booking {
  eventId: Short;
  resourceId?: Short;
  /** a shift: a role people sign up for during the event */
  role?: Short;
  /** how many people the shift needs */
  count?: number;
}

export const BOOKING_LIMITS = {
  /** resources read from one festival; more are ignored and `check` says so */
  resources: 10_000,
  /** requests and decisions read from one festival; more are ignored and `check` says so */
  bookings: 200_000,
  /** decisions read per request (the highest generations); more are ignored */
  decisionsPerBooking: 64,
  owners: 32,
  availabilityWindows: 64,
  quantity: 100_000,
  reasonLength: 1_000,
  generation: 1_000_000_000,
  shiftCount: 1_000,
} as const;

export const RESOURCE_PREFIX = "r_";
export const BOOKING_PREFIX = "b_";
export const DECISION_PREFIX = "d_";

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Object ids of values read from a map that lost a concurrent creation: Automerge hands those out as plain
 * copies, so their ids (which name their creators, see authorship.ts) are looked up in the backend and kept here.
 */
const copiedObjectIds = new WeakMap<object, string>();

/** The object id of a stored map: from Automerge for a document's own objects, else as recorded for a copied one. */
export function objectIdOf(value: unknown): string | null {
  if (typeof value !== "object" || value === null) return null;
  const fromDoc = A.getObjectId(value as A.Doc<unknown>);
  return typeof fromDoc === "string" ? fromDoc : copiedObjectIds.get(value) ?? null;
}

/** Records the object ids of `value`'s nested maps (depth-bounded) from the backend, under object `objectId`. */
function recordCopiedIds(doc: A.Doc<unknown>, value: Record<string, unknown>, objectId: string, depth: number): void {
  copiedObjectIds.set(value, objectId);
  if (depth === 0) return;
  for (const [key, child] of Object.entries(value)) {
    if (!isMap(child)) continue;
    // the winning value at the key is the one the copy holds; a map's object id is the op that made it
    const written = valuesWithWriters(doc, objectId, key);
    const made = written[written.length - 1];
    if (made !== undefined && made.datatype === "map") recordCopiedIds(doc, child, made.opId, depth - 1);
  }
}

/**
 * Every entry of a top-level map that festivals create lazily ("resources", "bookings"): two peers that each create
 * it while apart make two map objects, and Automerge keeps one under the key; the other's entries are read too.
 * Ids are random, so the maps never hold the same id; if they did, the winning map's entry is read.
 */
export function lazyMapEntries(doc: Festival, key: "resources" | "bookings"): Map<string, unknown> {
  const entries = new Map<string, unknown>();
  const record = doc as unknown as Record<string, unknown>;
  const winner = record[key];
  if (!isMap(winner)) return entries;
  for (const id in winner) entries.set(id, winner[id]);
  if (!hasConcurrentMaps(doc, key)) return entries;
  const conflicts = A.getConflicts(doc, key) as Record<string, unknown> | undefined;
  const winnerId = objectIdOf(winner);
  const losers = Object.entries(conflicts ?? {}).filter(([mapId, map]) => mapId !== winnerId && isMap(map));
  if (losers.length === 0) return entries;
  for (const [mapId, map] of losers as [string, Record<string, unknown>][]) {
    recordCopiedIds(doc as A.Doc<unknown>, map, mapId, 1);
    for (const id of Object.keys(map)) if (!entries.has(id)) entries.set(id, map[id]);
  }
  return entries;
}

/** Whether two peers each created the lazy map `key` while apart (asking the backend costs nothing; getConflicts copies them all). */
function hasConcurrentMaps(doc: Festival, key: "resources" | "bookings"): boolean {
  return valuesWithWriters(doc as A.Doc<unknown>, "_root", key).length > 1;
}

/**
 * The same entries as lazyMapEntries, as ids and the value of each: the stored map itself when only one peer created
 * it (no copy of tens of thousands of entries on every read), in the same order. `value` takes only ids from `ids`.
 */
export function lazyMapView(doc: Festival, key: "resources" | "bookings"): { ids: string[]; value(id: string): unknown } {
  const winner = (doc as unknown as Record<string, unknown>)[key];
  if (!isMap(winner)) return { ids: [], value: () => undefined };
  if (!hasConcurrentMaps(doc, key)) return { ids: Object.keys(winner), value: (id) => winner[id] };
  const entries = lazyMapEntries(doc, key);
  return { ids: [...entries.keys()], value: (id) => entries.get(id) };
}

/**
 * The winning map inside a change, created when the festival has none yet. Every write goes here: a new request
 * or decision is a new entry, and an edited resource from a map that lost is written here whole (operations.ts).
 */
export function lazyMapForNew(draft: Festival, key: "resources" | "bookings"): Record<string, unknown> {
  const record = draft as unknown as Record<string, unknown>;
  if (!isMap(record[key])) record[key] = {};
  return record[key] as Record<string, unknown>;
}

/** A stored list of short texts, at most `limit` of them (anything else reads as empty). */
export function textListOf(value: unknown, limit: number): string[] {
  return Array.isArray(value) ? value.slice(0, limit).map(textOf).filter((text) => text.length > 0) : [];
}

export { isMap };
