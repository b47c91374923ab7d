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
  // reads come in runs from one actor and one change (a festival's requests, an owner's decisions): the last actor
  // and change are kept, so most reads neither cut the actor out of the id nor search the changes
  let lastActor = "";
  let lastEntry: ActorChanges | undefined;
  let lastChange: A.ChangeMetadata | undefined;
  const changeOf = (entry: ActorChanges, counter: number): A.ChangeMetadata | undefined => {
    if (entry === lastEntry && lastChange !== undefined && counter >= lastChange.startOp && counter <= lastChange.maxOp) return lastChange;
    let low = 0;
    let high = entry.changes.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const change = entry.changes[middle];
      if (counter < change.startOp) high = middle - 1;
      else if (counter > change.maxOp) low = middle + 1;
      else return change;
    }
    return undefined;
  };
  return {
    authorOf(object) {
      const objectId = objectIdOf(object);
      if (objectId === null) return null;
      const at = objectId.indexOf("@");
      if (at <= 0) return null;
      let entry: ActorChanges | undefined;
      if (lastEntry !== undefined && objectId.length - at - 1 === lastActor.length && objectId.endsWith(lastActor)) entry = lastEntry;
      else {
        lastActor = objectId.slice(at + 1);
        entry = actors.get(lastActor);
        lastEntry = entry;
        lastChange = undefined;
      }
      if (entry === undefined || entry.binding === null) return null;
      const counter = Number(objectId.slice(0, at));
      if (!Number.isInteger(counter)) return null;
      const change = changeOf(entry, counter);
      if (change === undefined) return null;
      lastChange = change;
      return change.seq <= entry.binding.throughSeq ? entry.binding.key : null;
    },
  };
}

/** Authorship that knows nobody (a festival read without its history, e.g. a plain JSON copy). */
export const NO_AUTHORSHIP: Authorship = { authorOf: () => null };
