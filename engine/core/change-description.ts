// What one change of a festival did, in words ("event “Opening”: title “Opening” → “Grand opening”"), read from
// its operations (never from its message, which any writer chooses). Shared by `pandafest history` and the web app.
import * as A from "@automerge/automerge";
import { changeBytesByHash, changeMetaByHash, valuesWithWriters } from "../internals/automerge-backend.js";
import { storedEvents } from "./event-shards.js";
import { fieldWords, isItemCollection, itemName, itemWords, quoted, valueWords, type ItemCollection } from "./field-words.js";
import { describeGovernanceMessage, parseGovernanceMessage } from "./governance/records.js";
import { parseAttestation } from "./provenance.js";
import type { Festival } from "./schema.js";
import { textOf } from "./views.js";

export type ChangeKind = "created" | "edit" | "signature" | "governance" | "other";

/** One field of one item (or of the festival) as a change left it. */
export interface FieldEdit {
  /** ["name"] for the festival, [collection, id, field] for an item */
  path: string[];
  before: unknown;
  after: unknown;
  /** one of several concurrent values was kept (a pick) */
  picked?: boolean;
}

/** What a change did, as facts (the words are made from them with the document's current names). */
export interface ChangeFacts {
  kind: ChangeKind;
  /** whether this change made the festival itself (its first change) */
  created: boolean;
  /** items this change created, with the name it gave them */
  added: Array<{ collection: ItemCollection; id: string; name: string }>;
  edits: FieldEdit[];
  /** member keys whose record (key and self-declared name) this change wrote */
  members: Array<{ key: string; name: string }>;
  /** for a signature write: the change of its actor it vouches for */
  signs?: { actor: string; seq: number };
  /** for a governance record: the record in words */
  governance?: string;
  /** operations on objects this replica cannot place (replaced since, or outside the festival's shape) */
  unplaced: number;
}

export interface ChangeDescription {
  kind: ChangeKind;
  /** one line per thing changed */
  lines: string[];
  /** the lines joined, for one table cell */
  text: string;
  signs?: { actor: string; seq: number };
}

type Op = A.DecodedChange["ops"][number] & { elemId?: string; insert?: boolean };

const NAME_FIELD: Record<ItemCollection, string> = { venues: "name", events: "title", people: "name", members: "name" };

/** Facts per change hash: changes never change, and decoding is the costly part. Bounded, oldest dropped first. */
const factsByHash = new Map<string, ChangeFacts>();
const FACTS_LIMIT = 4096;

function plain(value: unknown): unknown {
  return value instanceof Uint8Array ? `(${value.length} bytes)` : value;
}

/** The object ids of the festival's places (festival, collections, items, fields holding maps or lists) and their paths. */
function objectPathsOf(doc: Festival): Map<string, string[]> {
  const paths = new Map<string, string[]>([["_root", []]]);
  const add = (object: unknown, path: string[]) => {
    if (typeof object !== "object" || object === null) return;
    const id = A.getObjectId(object);
    if (id) paths.set(id, path);
  };
  const addItem = (collection: ItemCollection, id: string, item: unknown) => {
    if (typeof item !== "object" || item === null) return;
    add(item, [collection, id]);
    for (const [field, value] of Object.entries(item)) add(value, [collection, id, field]);
  };
  for (const key of ["venues", "events", "people", "members", "authors", "governance", "eventShards"] as const) add(doc[key], [key]);
  if (doc.eventShards) for (const [shard, map] of Object.entries(doc.eventShards)) add(map, ["eventShards", shard]);
  for (const collection of ["venues", "people", "members"] as const) {
    const items: Record<string, unknown> = doc[collection];
    if (typeof items === "object" && items !== null) for (const [id, item] of Object.entries(items)) addItem(collection, id, item);
  }
  for (const [id, event] of storedEvents(doc)) addItem("events", id, event);
  return paths;
}

/** An event shard holds events: a place under it is named as under the events collection. */
function placeUnder(parent: readonly string[], key: string): string[] {
  if (parent.length === 2 && parent[0] === "eventShards") return ["events", key];
  return [...parent, key];
}

/** Reads changes and their operations for one document (changes by actor, decoded changes, kept while it lives). */
class ChangeReader {
  #byActor: Map<string, A.ChangeMetadata[]> | undefined;
  readonly #decoded = new Map<string, A.DecodedChange | null>();

  constructor(readonly doc: Festival) {}

  decode(hash: string): A.DecodedChange | null {
    let decoded = this.#decoded.get(hash);
    if (decoded === undefined) {
      const bytes = changeBytesByHash(this.doc, hash);
      decoded = bytes === null ? null : A.decodeChange(bytes);
      if (this.#decoded.size > 256) this.#decoded.clear();
      this.#decoded.set(hash, decoded);
    }
    return decoded;
  }

  /** The change holding op `opId`, and the op's index in it. */
  opAt(opId: string): { change: A.DecodedChange; op: Op } | null {
    const match = /^(\d+)@([0-9a-f]+)$/.exec(opId);
    if (!match) return null;
    const counter = Number(match[1]);
    if (this.#byActor === undefined) {
      this.#byActor = new Map();
      for (const meta of A.getChangesMetaSince(this.doc, [])) {
        const list = this.#byActor.get(meta.actor);
        if (list) list.push(meta);
        else this.#byActor.set(meta.actor, [meta]);
      }
      for (const list of this.#byActor.values()) list.sort((left, right) => left.startOp - right.startOp);
    }
    const meta = (this.#byActor.get(match[2]) ?? []).find((candidate) => candidate.startOp <= counter && counter <= candidate.maxOp);
    const change = meta ? this.decode(meta.hash) : null;
    const op = change?.ops[counter - change.startOp];
    return change && op ? { change, op: op as Op } : null;
  }
}

/** The value an op wrote: a scalar, or for a new map or list the values written into it in the same change. */
function valueWritten(change: A.DecodedChange, op: Op, opId: string): unknown {
  if (op.action === "set") return plain(op.value);
  if (op.action === "makeList") {
    return change.ops.filter((item) => item.obj === opId && (item as Op).insert === true).map((item) => plain(item.value));
  }
  if (op.action === "makeMap") {
    const map: Record<string, unknown> = {};
    for (const item of change.ops) if (item.obj === opId && item.action === "set" && typeof item.key === "string") map[item.key] = plain(item.value);
    return map;
  }
  return undefined;
}

function opIdOf(change: A.DecodedChange, index: number): string {
  return `${change.startOp + index}@${change.actor}`;
}

/**
 * A delete that leaves another value in place: Automerge writes picking one of several concurrent values as a
 * delete of the others. The value kept (written before this change and still there), or undefined.
 */
function valueKept(reader: ChangeReader, change: A.DecodedChange, op: Op): { value: unknown } | undefined {
  if (typeof op.key !== "string") return undefined;
  const survivor = valuesWithWriters(reader.doc, op.obj, op.key).find((value) => {
    const counter = Number(/^(\d+)@/.exec(value.opId)?.[1] ?? Infinity);
    return !op.pred.includes(value.opId) && counter < change.startOp;
  });
  return survivor === undefined ? undefined : { value: plain(survivor.value) };
}

/** The value(s) an op overwrote (its preds), as one value or undefined when the field was new. */
function valueBefore(reader: ChangeReader, op: Op): unknown {
  const values = op.pred.flatMap((pred) => {
    const found = reader.opAt(pred);
    return found ? [valueWritten(found.change, found.op, pred)] : [];
  });
  if (values.length === 0) return undefined;
  return values.length === 1 ? values[0] : { concurrent: values };
}

function factsOf(reader: ChangeReader, objectPaths: ReadonlyMap<string, string[]>, change: A.DecodedChange): ChangeFacts {
  const facts: ChangeFacts = { kind: "other", created: false, added: [], edits: [], members: [], unplaced: 0 };
  const governance = parseGovernanceMessage(change.message);
  if (governance !== null) {
    facts.kind = "governance";
    facts.governance = describeGovernanceMessage(change.message) ?? "";
  }
  const created = change.ops.some((op) => op.obj === "_root" && op.action === "makeMap" && op.key === "venues");
  const newObjects = new Map<string, string[]>();
  const addedItems = new Map<string, { collection: ItemCollection; id: string; name: string }>();
  const memberNames = new Map<string, string>();
  const edited = new Map<string, FieldEdit>();
  change.ops.forEach((raw, index) => {
    const op = raw as Op;
    const opId = opIdOf(change, index);
    const parent = newObjects.get(op.obj) ?? objectPaths.get(op.obj);
    if (parent === undefined) {
      facts.unplaced += 1;
      return;
    }
    if (op.insert === true || typeof op.key !== "string") {
      // a list element: part of a list written whole in this change, or an edit inside a list that stays
      if (!newObjects.has(op.obj) && parent.length === 3) edited.set(parent.join("\u0000"), { path: parent, before: undefined, after: undefined });
      return;
    }
    const path = placeUnder(parent, op.key);
    if (op.action === "makeMap" || op.action === "makeList") newObjects.set(opId, path);
    const [top, id, field] = path;
    if (path.length === 1) {
      if (op.action === "set" && !created && top !== "schema") edited.set(top, { path, before: valueBefore(reader, op), after: plain(op.value) });
      return;
    }
    if (top === "authors" && path.length === 2) {
      const attestation = op.action === "set" && typeof op.value === "string" ? parseAttestation(op.value) : null;
      if (attestation && change.ops.length === 1) facts.signs = { actor: op.key, seq: attestation.seq };
      return;
    }
    if (!isItemCollection(top) || id === undefined) return; // the skeleton's shards, the governance mirror
    if (top === "members") {
      if (path.length === 2 || field === "name") memberNames.set(id, field === "name" ? String(op.value ?? "") : (memberNames.get(id) ?? ""));
      return;
    }
    const itemKey = `${top}\u0000${id}`;
    if (path.length === 2) {
      if (op.action === "makeMap") addedItems.set(itemKey, { collection: top, id, name: "" });
      else edited.set(itemKey, { path, before: valueBefore(reader, op), after: undefined });
      return;
    }
    const added = addedItems.get(itemKey);
    if (added) {
      if (path.length === 3 && field === NAME_FIELD[top] && op.action === "set") added.name = String(op.value ?? "");
      return;
    }
    if (path.length > 3) {
      const owner = path.slice(0, 3);
      if ([...newObjects.values()].some((made) => made.join("\u0000") === owner.join("\u0000"))) return;
      edited.set(owner.join("\u0000"), { path: owner, before: undefined, after: undefined });
      return;
    }
    const kept = op.action === "del" ? valueKept(reader, change, op) : undefined;
    const after = op.action === "del" ? kept?.value : valueWritten(change, op, opId);
    const picked = kept !== undefined || (op.action === "set" && op.pred.length > 1);
    edited.set(path.join("\u0000"), { path, before: valueBefore(reader, op), after, ...(picked ? { picked } : {}) });
  });
  facts.added = [...addedItems.values()];
  facts.edits = [...edited.values()];
  facts.members = [...memberNames].map(([key, name]) => ({ key, name }));
  facts.created = created;
  if (facts.kind === "governance") return facts;
  if (created) facts.kind = "created";
  else if (facts.signs) facts.kind = "signature";
  else if (facts.added.length > 0 || facts.edits.length > 0 || facts.members.length > 0) facts.kind = "edit";
  return facts;
}

function sameValue(left: unknown, right: unknown): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

/** One field's change in words: `title “Opening” → “Grand opening”`, `language set to “de”`. */
function editWords(doc: Festival, field: string, edit: FieldEdit): string {
  const name = fieldWords(field);
  const { before, after } = edit;
  if (before === undefined && after === undefined) return `${name} changed`;
  if (edit.picked) {
    const candidates = typeof before === "object" && before !== null && "concurrent" in before ? (before as { concurrent: unknown[] }).concurrent : [before];
    const others = candidates.filter((value) => !sameValue(value, after)).map((value) => valueWords(doc, field, value));
    return `${name}: kept ${valueWords(doc, field, after)}${others.length > 0 ? ` over ${others.join(", ")}` : ""}`;
  }
  const beforeWords =
    typeof before === "object" && before !== null && "concurrent" in before
      ? (before as { concurrent: unknown[] }).concurrent.map((value) => valueWords(doc, field, value)).join(" / ")
      : valueWords(doc, field, before);
  if (before === undefined) return `${name} set to ${valueWords(doc, field, after)}`;
  if (after === undefined) return `${name} ${beforeWords} cleared`;
  if (sameValue(before, after)) return `${name} kept as ${valueWords(doc, field, after)}`;
  return `${name} ${beforeWords} → ${valueWords(doc, field, after)}`;
}

/** The facts in words, with the names the document gives its items now (or the name an edit replaced). */
export function wordsOf(doc: Festival, facts: ChangeFacts): string[] {
  if (facts.kind === "governance") {
    const record = facts.governance ?? "a governance record";
    return facts.created ? [`created the festival ${quoted(textOf(doc.name))}`, record] : [record];
  }
  if (facts.kind === "signature" && facts.signs) return [`signature for change ${facts.signs.seq} of its actor`];
  const lines: string[] = [];
  if (facts.kind === "created") lines.push(`created the festival ${quoted(textOf(doc.name))}`);
  for (const added of facts.added) lines.push(`added ${itemWords(added.collection, added.id, added.name || itemName(doc, added.collection, added.id))}`);
  const byItem = new Map<string, FieldEdit[]>();
  for (const edit of facts.edits) {
    const key = edit.path.length === 1 ? "" : `${edit.path[0]}\u0000${edit.path[1]}`;
    const list = byItem.get(key);
    if (list) list.push(edit);
    else byItem.set(key, [edit]);
  }
  for (const [key, edits] of byItem) {
    if (key === "") {
      lines.push(`festival: ${edits.map((edit) => editWords(doc, edit.path[0], edit)).join("; ")}`);
      continue;
    }
    const [collection, id] = edits[0].path as [ItemCollection, string];
    const renamed = edits.find((edit) => edit.path[2] === NAME_FIELD[collection] && typeof edit.before === "string" && !edit.picked);
    const label = itemWords(collection, id, typeof renamed?.before === "string" ? renamed.before : itemName(doc, collection, id));
    const words: string[] = [];
    for (const edit of edits) {
      const field = edit.path[2];
      if (field === undefined) words.push(edit.after === undefined && edit.before !== undefined ? "deleted" : "replaced");
      else if (field === "removed" && edit.after === true) words.push(collection === "venues" ? "removed" : "deleted");
      else if (field === "removed" && edit.after === false) words.push("restored");
      else words.push(editWords(doc, field, edit));
    }
    if (words.length === 1 && (words[0] === "removed" || words[0] === "restored" || words[0] === "deleted")) lines.push(`${words[0]} ${label}`);
    else lines.push(`${label}: ${words.join("; ")}`);
  }
  if (lines.length === 0 && facts.members.length > 0) {
    for (const member of facts.members) lines.push(`recorded member ${member.name === "" ? member.key.slice(0, 8) : quoted(member.name)}`);
  }
  if (lines.length === 0) {
    lines.push(facts.unplaced > 0 ? `changed ${facts.unplaced} value(s) no longer in the festival` : "changed nothing people see");
  }
  return lines;
}

/**
 * Describes the changes of one festival document. Build one per document state (it maps the festival's objects
 * once); `describe` is cheap for a change described before.
 */
export class ChangeDescriber {
  readonly #reader: ChangeReader;
  #objectPaths: Map<string, string[]> | undefined;

  constructor(private readonly doc: Festival) {
    this.#reader = new ChangeReader(doc);
  }

  facts(hash: string): ChangeFacts | null {
    let facts = factsByHash.get(hash);
    if (facts === undefined) {
      const change = this.#reader.decode(hash);
      if (change === null) return null;
      this.#objectPaths ??= objectPathsOf(this.doc);
      facts = factsOf(this.#reader, this.#objectPaths, change);
      if (factsByHash.size >= FACTS_LIMIT) {
        const oldest = factsByHash.keys().next();
        if (!oldest.done) factsByHash.delete(oldest.value);
      }
      factsByHash.set(hash, facts);
    }
    return facts;
  }

  describe(hash: string): ChangeDescription {
    const facts = this.facts(hash);
    if (facts === null) {
      const meta = changeMetaByHash(this.doc, hash);
      const lines = [meta === null ? "a change this festival does not hold" : "a change that could not be read"];
      return { kind: "other", lines, text: lines[0] };
    }
    const lines = wordsOf(this.doc, facts);
    return { kind: facts.kind, lines, text: lines.join("; "), ...(facts.signs ? { signs: facts.signs } : {}) };
  }
}

/** One change in words (for many, make one ChangeDescriber and ask it each time). */
export function describeChange(doc: Festival, hash: string): ChangeDescription {
  return new ChangeDescriber(doc).describe(hash);
}
