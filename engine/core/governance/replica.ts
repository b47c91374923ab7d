// What members see as a document of its own (a replica): exactly the changes that count, kept in step with the
// whole document by adding the changes that newly count, so reading and editing it cost what an open festival costs.
import * as A from "@automerge/automerge";
import type { Festival } from "../schema.js";
import { holdsChanges } from "../../internals/automerge-backend.js";
import { governanceOf, type FestivalGovernance } from "./standing.js";

/*
 * Any Automerge document holds exactly the changes in the past of its heads, so any document is "the festival at
 * its heads". A document whose changes all count in a later version of the festival is that version's replica once
 * the changes that counted since are added. Replicas come from members' edits (the copy an edit was made on), from
 * a standby copy taken before changes from elsewhere are added (keepStandbyReplica), and, when nothing else serves,
 * from copying the festival at its counting heads (A.clone of A.view: a second or more on a large festival, once).
 *
 * A replica handed to a reader (shared) is not extended in place: the next one is a copy with the new changes. An
 * edit by the replica's own actor takes it as it is, shared or not (the copy an edit was just made on, or what
 * members see, made under the editing document's actor): Automerge leaves a reader's object readable at its own
 * heads once the document changes, and the replica leaves the known list, so nothing builds on it again.
 */

interface KnownReplica {
  doc: A.Doc<Festival>;
  /** its heads, sorted and joined */
  at: string;
  shared: boolean;
}

/** The documents known to hold only counting changes, newest first. Bounded, oldest dropped first. */
const known: KnownReplica[] = [];
const KNOWN_LIMIT = 8;
/** The replica of each version of a festival already asked for. */
const replicaOf = new WeakMap<object, A.Doc<Festival>>();
/**
 * Per organised festival whose changes all count, a private copy taken before changes from elsewhere are added (see
 * keepStandbyReplica). One per festival: a newer copy replaces the older.
 */
const standby = new Map<string, A.Doc<Festival>>();
const STANDBY_LIMIT = 8;
/** The changes that do not count, per decision. */
const notCountingOf = new WeakMap<FestivalGovernance, Set<string>>();

function headsKey(heads: readonly string[]): string {
  return [...heads].sort().join(",");
}

/** Keeps `doc` as a document at its own heads for later versions to build on; `shared` when a reader holds it. */
export function rememberReplica(doc: A.Doc<Festival>, shared = false): void {
  const at = headsKey(A.getHeads(doc));
  const existing = known.findIndex((entry) => entry.doc === doc);
  const wasShared = existing >= 0 && known[existing].shared;
  if (existing >= 0) known.splice(existing, 1);
  known.unshift({ doc, at, shared: shared || wasShared });
  if (known.length > KNOWN_LIMIT) known.length = KNOWN_LIMIT;
}

/**
 * A writable document at exactly `heads` under `actor` (a fresh actor when none is given), from a known replica at
 * those heads, or undefined when none is known. One of `actor` is handed out as it is (and forgotten); one of another
 * actor is copied (Automerge copies a document without replaying it, yet on a large festival that is milliseconds).
 */
export function takeReplicaAt(heads: readonly string[], actor?: string): A.Doc<Festival> | undefined {
  const at = headsKey(heads);
  const index = known.findIndex((entry) => entry.at === at);
  if (index < 0) return undefined;
  const entry = known[index];
  try {
    if (actor !== undefined && A.getActorId(entry.doc) === actor) {
      known.splice(index, 1);
      return entry.doc;
    }
    return actor === undefined ? A.clone(entry.doc) : A.clone(entry.doc, { actor });
  } catch {
    // a replica its holder freed since: forgotten, and the caller copies the festival itself
    const stale = known.indexOf(entry);
    if (stale >= 0) known.splice(stale, 1);
    return undefined;
  }
}

/** Whether a replica of `doc` at `heads` is known (takeReplicaAt would hand one out, unless its holder freed it). */
export function replicaKnownAt(doc: A.Doc<Festival>, heads: readonly string[]): boolean {
  const at = headsKey(heads);
  return known.some((entry) => entry.at === at) && holdsChanges(doc, heads);
}

/**
 * The replica of `doc` (a version of a festival whose changes do not all count, decided as `governance`) from a
 * known one, with the changes that counted since it added; undefined when no known document can serve (then the
 * caller copies the festival at its counting heads, or reads a view).
 */
export function replicaFromKnown(doc: A.Doc<Festival>, governance: FestivalGovernance, festivalId?: string): A.Doc<Festival> | undefined {
  const remembered = replicaOf.get(doc);
  if (remembered !== undefined) return remembered;
  const target = headsKey(governance.visibleHeads);
  const spare = festivalId === undefined ? undefined : standby.get(festivalId);
  if (spare !== undefined && festivalId !== undefined) {
    // the copy taken before the changes arrived: the replica to build on, once
    standby.delete(festivalId);
    known.unshift({ doc: spare, at: headsKey(A.getHeads(spare)), shared: false });
  }
  for (const entry of [...known]) {
    let replica: A.Doc<Festival> | undefined;
    try {
      // every change of the candidate is in `doc` and counts there; one at the counting heads holds exactly the
      // changes that count (a document holds the past of its heads), so only another needs checking
      if (!holdsChanges(doc, A.getHeads(entry.doc))) continue;
      if (entry.at === target) replica = entry.doc;
      else {
        const notCounting = notCountingIn(governance);
        if ([...notCounting].some((hash) => holdsChanges(entry.doc, [hash]))) continue;
        replica = extendedBy(entry, doc, notCounting);
      }
    } catch {
      // a candidate its owner freed or changed since: forgotten
      const index = known.indexOf(entry);
      if (index >= 0) known.splice(index, 1);
      continue;
    }
    if (replica === undefined || headsKey(A.getHeads(replica)) !== target) continue;
    replicaOf.set(doc, replica);
    rememberReplica(replica, true);
    return replica;
  }
  return undefined;
}

/** Remembers `replica` as what members see in `doc` (a copy made at its counting heads), shared from now on. */
export function recordReplica(doc: A.Doc<Festival>, replica: A.Doc<Festival>): void {
  replicaOf.set(doc, replica);
  rememberReplica(replica, true);
}

/** `entry` with the changes of `doc` it lacks that count (a copy when it is shared); undefined when they cannot be applied. */
function extendedBy(entry: KnownReplica, doc: A.Doc<Festival>, notCounting: ReadonlySet<string>): A.Doc<Festival> | undefined {
  const heads = A.getHeads(entry.doc);
  const counting = countingChangesSince(doc, heads, notCounting);
  if (counting.length === 0) return entry.doc;
  let base = entry.doc;
  if (entry.shared) base = A.clone(entry.doc, { actor: A.getActorId(entry.doc) });
  else known.splice(known.indexOf(entry), 1); // private: changed in place, so no longer at its old heads
  const [extended] = A.applyChanges(base, counting);
  return A.getMissingDeps(extended, []).length === 0 ? extended : undefined;
}

/**
 * The encoded changes of `doc` after `heads` that count. Their hashes come from the metadata (no decoding); the
 * changes that do not count (often all of those after `heads`) are never decoded. Each change taken is checked
 * to be the one its metadata names; should the two lists not line up, every change is decoded instead.
 */
function countingChangesSince(doc: A.Doc<Festival>, heads: A.Heads, notCounting: ReadonlySet<string>): Uint8Array[] {
  const metadata = A.getChangesMetaSince(doc, heads);
  if (metadata.every((change) => notCounting.has(change.hash))) return [];
  const encoded = A.getChangesSince(doc, heads);
  if (encoded.length === metadata.length) {
    const picked = metadata.flatMap((change, index) => (notCounting.has(change.hash) ? [] : [index]));
    if (picked.every((index) => A.decodeChange(encoded[index]).hash === metadata[index].hash)) return picked.map((index) => encoded[index]);
  }
  return encoded.filter((change) => {
    const hash = A.decodeChange(change).hash;
    return hash !== undefined && !notCounting.has(hash);
  });
}

/**
 * Call before changes from elsewhere (a bundle, a sync round) are added to `doc`, the festival `festivalId`: when it
 * is organised and every change of it counts, a private copy of it is kept, so that should the new changes not all
 * count, what members see is that copy kept in step rather than the festival copied at its counting heads (a
 * replay: 1.6 s on the large bench festival). A copy costs no replay (milliseconds) and about a quarter of the
 * festival's memory; one is kept per festival, replaced by the next.
 */
export function keepStandbyReplica(doc: A.Doc<Festival>, festivalId: string): void {
  const governance = governanceOf(doc, festivalId);
  if (!governance.founded || !governance.allCount || governance.mode === "open") return;
  const at = headsKey(A.getHeads(doc));
  const spare = standby.get(festivalId);
  if (spare !== undefined && headsKey(A.getHeads(spare)) === at) return;
  if (known.some((entry) => entry.at === at)) return;
  if (spare !== undefined) A.free(spare);
  standby.delete(festivalId);
  standby.set(festivalId, A.clone(doc, { actor: A.getActorId(doc) })); // the document's actor: its next edit may take it
  if (standby.size > STANDBY_LIMIT) {
    const [oldest, copy] = standby.entries().next().value as [string, A.Doc<Festival>];
    standby.delete(oldest);
    A.free(copy);
  }
}

function notCountingIn(governance: FestivalGovernance): Set<string> {
  let set = notCountingOf.get(governance);
  if (set === undefined) {
    set = new Set(governance.changes.filter((change) => change.status !== "counts").map((change) => change.hash));
    notCountingOf.set(governance, set);
  }
  return set;
}

/**
 * Forgets and frees every known replica and standby copy: a benchmark starts each run from what it loads, nothing
 * kept, and frees what the last run made as it frees the documents it loaded (left to the collector, each replica
 * would keep its wasm memory, about 20 MB on the large festival, until a full collection). Only for a process that
 * holds none of them any more.
 */
export function forgetKnownReplicas(): void {
  const made = new Set<A.Doc<Festival>>([...known.map((entry) => entry.doc), ...standby.values()]);
  known.length = 0;
  standby.clear();
  for (const doc of made) {
    try {
      A.free(doc);
    } catch {
      // freed already (another version of the same document)
    }
  }
}
