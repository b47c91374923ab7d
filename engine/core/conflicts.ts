// Plurality: fields that two peers set concurrently keep every value; this module lists them (with
// the actor behind each value) and resolves one by writing the chosen value again.
import * as A from "@automerge/automerge";
import { allChangeMetadata } from "./change-metadata.js";
import { PandafestError } from "./errors.js";
import type { FestivalEditor } from "./editor.js";
import { getEvent, storedEvents } from "./event-shards.js";
import { checkSchema } from "./schema-version.js";
import type { Festival } from "./schema.js";
import { previewValue } from "./validate.js";
import { isDeleted } from "./views.js";

export interface ConflictValue {
  /** plain JSON (ImmutableStrings as strings) */
  value: unknown;
  /** the Automerge operation that wrote it, "counter@actorhex" */
  opId: string;
  /** the Automerge actor (hex) whose change wrote it */
  actor: string;
}

export interface FieldConflict {
  /** e.g. ["name"] or ["events", eventId, "title"] (events are named so whether stored flat or sharded) */
  path: string[];
  /** the value the document shows now (one of values) */
  current: unknown;
  /** every concurrent value, oldest operation first */
  values: ConflictValue[];
}

export interface FindConflictsOptions {
  /**
   * Check every field of every item instead of only the fields that concurrent changes wrote.
   * Same result, much slower (about 1.5 s for 20,000 events); kept for verification.
   */
  fullScan?: boolean;
  /**
   * How many concurrent changes are looked into one by one before a full scan is chosen instead: reading one change
   * back from a large festival takes about 10 ms (Automerge rebuilds it from the document), a full scan of 25,000
   * changes' worth of fields about 2.5 s. Default INSPECT_LIMIT.
   */
  inspectLimit?: number;
}

/** See FindConflictsOptions.inspectLimit. */
export const INSPECT_LIMIT = 64;

/** The collections whose items' fields are checked; conflicts on a collection itself are not reported. */
const ITEM_COLLECTIONS = ["venues", "events", "people", "members"] as const;
type ItemCollection = (typeof ITEM_COLLECTIONS)[number];
const SKELETON_KEYS = new Set<string>([...ITEM_COLLECTIONS, "eventShards", "authors"]);

const OP_ID = /^(\d+)@([0-9a-f]+)$/;

/** Plain JSON of a stored value: ImmutableString becomes string, maps and lists are copied. */
export function plainValue(value: unknown): unknown {
  if (A.isImmutableString(value)) return value.val;
  if (Array.isArray(value)) return value.map(plainValue);
  if (value instanceof Date || value instanceof Uint8Array) return value;
  if (typeof value === "object" && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[key] = plainValue(item);
    return result;
  }
  return value;
}

/** The stored form of a plain value: strings become ImmutableString (short fields), recursively. */
function storedValue(value: unknown): unknown {
  if (typeof value === "string") return new A.ImmutableString(value);
  if (Array.isArray(value)) return value.map(storedValue);
  if (typeof value === "object" && value !== null && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[key] = storedValue(item);
    return result;
  }
  return value;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  return (
    aKeys.length === bKeys.length &&
    aKeys.every((key) =>
      Object.prototype.hasOwnProperty.call(b, key) &&
      deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
    )
  );
}

function compareOpIds(a: string, b: string): number {
  const ma = OP_ID.exec(a);
  const mb = OP_ID.exec(b);
  const counterDelta = Number(ma?.[1] ?? 0) - Number(mb?.[1] ?? 0);
  if (counterDelta !== 0) return counterDelta;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

/** The concurrent values at one key of one object, or undefined when there is only one. */
function conflictAt(parent: object, key: string, path: string[]): FieldConflict | undefined {
  const conflicts = A.getConflicts(parent, key);
  if (!conflicts) return undefined;
  const values = Object.entries(conflicts)
    .map(([opId, value]) => ({ value: plainValue(value), opId, actor: OP_ID.exec(opId)?.[2] ?? "" }))
    .sort((a, b) => compareOpIds(a.opId, b.opId));
  if (values.length < 2) return undefined;
  return { path, current: plainValue((parent as Record<string, unknown>)[key]), values };
}

/** Every object whose fields are checked, with its path and its Automerge object id. */
interface Target {
  object: object;
  path: string[];
  isRoot: boolean;
}

/** The items of a collection by id; events come from wherever they are stored (see event-shards.ts). */
function itemsOf(doc: Festival, collection: ItemCollection): Iterable<[string, unknown]> {
  if (collection === "events") return storedEvents(doc);
  const items: Record<string, unknown> = doc[collection];
  return isObject(items) ? Object.entries(items) : [];
}

/** The item at collection.id (for events, wherever it is stored), or undefined. */
function itemAt(doc: Festival, collection: ItemCollection, id: string): unknown {
  if (collection === "events") return getEvent(doc, id);
  const items: Record<string, unknown> = doc[collection];
  return isObject(items) && Object.prototype.hasOwnProperty.call(items, id) ? items[id] : undefined;
}

function targetsOf(doc: Festival): Map<string, Target> {
  const targets = new Map<string, Target>();
  targets.set("_root", { object: doc, path: [], isRoot: true });
  for (const collection of ITEM_COLLECTIONS) {
    for (const [id, item] of itemsOf(doc, collection)) {
      if (!isObject(item)) continue;
      const objectId = A.getObjectId(item);
      if (objectId) targets.set(objectId, { object: item, path: [collection, id], isRoot: false });
    }
  }
  return targets;
}

/**
 * A field of a deleted event or person other than its `removed` flag: its concurrent values are not shown (the item
 * is in no programme or export); a concurrent delete and restore is, and so is everything once it is restored.
 */
function ofDeletedItem(path: readonly string[], item: object, key: string): boolean {
  return (path[0] === "events" || path[0] === "people") && key !== "removed" && isDeleted(item as { removed?: unknown });
}

function checkTargetKey(target: Target, key: string, found: FieldConflict[]): void {
  if (target.isRoot && SKELETON_KEYS.has(key)) return;
  if (!target.isRoot && ofDeletedItem(target.path, target.object, key)) return;
  const conflict = conflictAt(target.object, key, [...target.path, key]);
  if (conflict) found.push(conflict);
}

/**
 * Hashes of the changes that are concurrent with at least one other change. Any other change is
 * ordered against every change (an ancestor or a descendant of each), so none of its writes can
 * take part in a conflict. Found in one topological pass each way over the change graph.
 */
function concurrentChangeHashes(doc: Festival): string[] {
  const metas = allChangeMetadata(doc);
  const known = new Set(metas.map((meta) => meta.hash));
  const depsOf = new Map(metas.map((meta) => [meta.hash, meta.deps.filter((dep) => known.has(dep))]));

  // Kahn's algorithm: a topological order of the change graph.
  const children = new Map<string, string[]>();
  const waiting = new Map<string, number>();
  for (const [hash, deps] of depsOf) {
    waiting.set(hash, deps.length);
    for (const dep of deps) {
      let list = children.get(dep);
      if (!list) children.set(dep, (list = []));
      list.push(hash);
    }
  }
  const order: string[] = [...depsOf.keys()].filter((hash) => waiting.get(hash) === 0);
  for (let i = 0; i < order.length; i++) {
    for (const child of children.get(order[i]) ?? []) {
      const left = (waiting.get(child) ?? 1) - 1;
      waiting.set(child, left);
      if (left === 0) order.push(child);
    }
  }

  // Forward: every earlier change is an ancestor iff the heads of the prefix are exactly its deps.
  const orderedAfterEarlier: boolean[] = new Array(order.length);
  const prefixHeads = new Set<string>();
  order.forEach((hash, index) => {
    const deps = depsOf.get(hash) ?? [];
    orderedAfterEarlier[index] = prefixHeads.size === deps.length && deps.every((dep) => prefixHeads.has(dep));
    for (const dep of deps) prefixHeads.delete(dep);
    prefixHeads.add(hash);
  });

  // Backward: every later change descends from this one iff each minimal change of the suffix
  // (one with no dependency inside the suffix) depends on it directly.
  const concurrent: string[] = [];
  const suffixMinimal = new Set<string>();
  for (let index = order.length - 1; index >= 0; index--) {
    const hash = order[index];
    // one pass: the minimal changes that depend on this one stop being minimal once it joins the suffix
    let orderedBeforeLater = true;
    for (const later of suffixMinimal) {
      if ((depsOf.get(later) ?? []).includes(hash)) suffixMinimal.delete(later);
      else orderedBeforeLater = false;
    }
    if (!(orderedAfterEarlier[index] && orderedBeforeLater)) concurrent.push(hash);
    suffixMinimal.add(hash);
  }
  return concurrent;
}

function sortConflicts(found: FieldConflict[]): FieldConflict[] {
  const key = (conflict: FieldConflict) => conflict.path.join("\u0000");
  return found.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * Every field of the festival, its venues, events, people and members that holds more than one
 * concurrent value. Only fields written by concurrent changes are examined, unless fullScan is set or there are so
 * many concurrent changes that reading each back costs more than checking every field.
 */
export function findConflicts(doc: Festival, options: FindConflictsOptions = {}): FieldConflict[] {
  const search = searchConflicts(doc, options);
  for (;;) {
    const step = search.next();
    if (step.done) return step.value;
  }
}

/**
 * findConflicts a step at a time: it pauses (yields) after each costly step (listing the concurrent changes, reading
 * one back, checking one item's fields), so a page can spread the search over several tasks. `doc` must not change meanwhile.
 */
export function* searchConflicts(doc: Festival, options: FindConflictsOptions = {}): Generator<void, FieldConflict[], void> {
  checkSchema(doc);
  const found: FieldConflict[] = [];
  const root: Target = { object: doc, path: [], isRoot: true };
  for (const key of Object.keys(doc)) checkTargetKey(root, key, found);
  const concurrent = options.fullScan ? [] : concurrentChangeHashes(doc);
  if (!options.fullScan && concurrent.length === 0) return sortConflicts(found);
  yield;
  const targets = targetsOf(doc);
  yield;

  if (options.fullScan || concurrent.length > (options.inspectLimit ?? INSPECT_LIMIT)) {
    for (const [objectId, target] of targets) {
      if (objectId === "_root") continue;
      for (const key of Object.keys(target.object)) checkTargetKey(target, key, found);
      yield;
    }
    return sortConflicts(found);
  }

  const checked = new Set<string>();
  for (const hash of concurrent) {
    const change = A.inspectChange(doc, hash);
    for (const op of change?.ops ?? []) {
      if (op.obj === "_root" || typeof op.key !== "string") continue;
      const target = targets.get(op.obj);
      const id = `${op.obj}\u0000${op.key}`;
      if (!target || checked.has(id)) continue;
      checked.add(id);
      if (Object.prototype.hasOwnProperty.call(target.object, op.key)) checkTargetKey(target, op.key, found);
    }
    yield;
  }
  return sortConflicts(found);
}

function describePath(path: readonly string[]): string {
  return path.map((part) => String(part).replace(/[\u0000-\u001f\u007f]/g, "?").slice(0, 100)).join(".");
}

/** The object holding the field at path (the festival, or one item of a collection), or an error. */
function parentAt(doc: Festival, path: readonly string[]): { parent: object; key: string } {
  if (path.length === 1 && !SKELETON_KEYS.has(path[0])) return { parent: doc, key: path[0] };
  if (path.length === 3 && (ITEM_COLLECTIONS as readonly string[]).includes(path[0])) {
    const item = itemAt(doc, path[0] as ItemCollection, path[1]);
    if (!isObject(item)) {
      throw new PandafestError(`no ${path[0]} item ${previewValue(path[1])} in this festival; check the field path`);
    }
    return { parent: item, key: path[2] };
  }
  throw new PandafestError(
    `invalid field path ${previewValue(describePath(path))}: expected a festival field (e.g. name) or collection.id.field (e.g. events.e_abc.title)`,
    { code: "usage" },
  );
}

/**
 * Resolves a conflict by writing one of its current values again: the new write supersedes every
 * concurrent one. Refuses a path that holds no conflict now and a value that is not among its values.
 */
export function pickConflictValue(editor: FestivalEditor, path: readonly string[], value: unknown): void {
  const doc = editor.read();
  checkSchema(doc);
  const { parent, key } = parentAt(doc, path);
  const conflict = conflictAt(parent, key, [...path]);
  if (!conflict) {
    throw new PandafestError(
      `${describePath(path)} has no concurrent values now; nothing to pick (someone may have resolved it already)`,
    );
  }
  if (!conflict.values.some((candidate) => deepEqual(candidate.value, value))) {
    const choices = conflict.values.map((candidate) => previewValue(candidate.value)).join(", ");
    throw new PandafestError(
      `${previewValue(value)} is not one of the concurrent values of ${describePath(path)}; choose one of ${choices}`,
    );
  }
  const stored = storedValue(value);
  editor.change((draft) => {
    const target = parentAt(draft, path).parent as Record<string, unknown>;
    target[key] = stored;
  }, `pick value for ${describePath(path)}`);
}

/**
 * The field a change patch touched, as findConflicts names it (["name"], ["events", id, "title"]), or null when
 * the patch touches no field that can hold concurrent values people see (the skeleton, authors, governance).
 */
export function conflictFieldOf(patchPath: readonly (string | number)[]): string[] | null {
  const path = patchPath.map(String);
  if (path.length === 0) return null;
  if (path[0] === "eventShards") return path.length >= 4 ? ["events", path[2], path[3]] : null;
  if ((ITEM_COLLECTIONS as readonly string[]).includes(path[0])) return path.length >= 3 ? path.slice(0, 3) : null;
  return SKELETON_KEYS.has(path[0]) ? null : [path[0]];
}

/**
 * The concurrent values now held at each of `fields` (as conflictFieldOf names them); a field without any, or
 * whose item is gone, is left out. What a change touched is checked this way, without scanning the festival.
 */
export function conflictsAtFields(doc: Festival, fields: Iterable<readonly string[]>): FieldConflict[] {
  const found: FieldConflict[] = [];
  for (const path of fields) {
    let parent: object | undefined;
    if (path.length === 1 && !SKELETON_KEYS.has(path[0])) parent = doc;
    else if (path.length === 3 && (ITEM_COLLECTIONS as readonly string[]).includes(path[0])) {
      const item = itemAt(doc, path[0] as ItemCollection, path[1]);
      parent = isObject(item) ? item : undefined;
    }
    if (parent === undefined || !Object.prototype.hasOwnProperty.call(parent, path[path.length - 1])) continue;
    if (path.length === 3 && ofDeletedItem(path, parent, path[2])) continue;
    const conflict = conflictAt(parent, path[path.length - 1], [...path]);
    if (conflict) found.push(conflict);
  }
  return sortConflicts(found);
}
