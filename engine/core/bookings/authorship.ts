// Who made a stored object: the verified author (engine/core/provenance.ts) of the change that created it, read
// from its object id (counter@actor). Owners' decisions are judged by this, never by a field any writer can set.
import * as A from "@automerge/automerge";
import { actorCoverages, type ActorBinding } from "../provenance.js";
import type { Festival } from "../schema.js";
import { objectIdOf } from "./model.js";

export interface Authorship {
  /** the key of the verified author of the change that created `object`; null when unverified or not a stored object */
  authorOf(object: unknown): string | null;
}

interface ActorChanges {
  binding: ActorBinding | null;
  /** the actor's changes by start op, ascending */
  changes: A.ChangeMetadata[];
}

/** Authorship over `doc` (the festival as members see it), from its attestations. */
export function authorshipOf(doc: A.Doc<Festival>, festivalId: string): Authorship {
  const metadata = A.getChangesMetaSince(doc, []);
  const coverages = actorCoverages(doc, festivalId, metadata);
  const actors = new Map<string, ActorChanges>();
  for (const change of metadata) {
    let entry = actors.get(change.actor);
    if (entry === undefined) {
      const coverage = coverages.get(change.actor);
      entry = { binding: coverage !== undefined && "key" in coverage ? coverage : null, changes: [] };
      actors.set(change.actor, entry);
    }
    entry.changes.push(change);
  }
  for (const entry of actors.values()) entry.changes.sort((left, right) => left.startOp - right.startOp);
  const seqOfOp = (entry: ActorChanges, counter: number): number | null => {
    let low = 0;
    let high = entry.changes.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const change = entry.changes[middle];
      if (counter < change.startOp) high = middle - 1;
      else if (counter > change.maxOp) low = middle + 1;
      else return change.seq;
    }
    return null;
  };
  return {
    authorOf(object) {
      const objectId = objectIdOf(object);
      if (objectId === null) return null;
      const at = objectId.indexOf("@");
      if (at <= 0) return null;
      const entry = actors.get(objectId.slice(at + 1));
      if (entry === undefined || entry.binding === null) return null;
      const counter = Number(objectId.slice(0, at));
      if (!Number.isInteger(counter)) return null;
      const seq = seqOfOp(entry, counter);
      return seq !== null && seq <= entry.binding.throughSeq ? entry.binding.key : null;
    },
  };
}

/** Authorship that knows nobody (a festival read without its history, e.g. a plain JSON copy). */
export const NO_AUTHORSHIP: Authorship = { authorOf: () => null };
