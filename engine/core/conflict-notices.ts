// Concurrent values as people meet them: each value with its verified author, which items hold one, and which
// of a person's own values is not the one shown. One rule for `pandafest check`, the node and the web app.
import * as A from "@automerge/automerge";
import { findConflicts, type ConflictValue, type FieldConflict } from "./conflicts.js";
import { verifyHistory, type ChangeAuthor } from "./provenance.js";
import type { Festival } from "./schema.js";
import type { ItemCollection } from "./field-words.js";

export interface AuthoredValue extends ConflictValue {
  /** the verified author of the write, or null when its change is unverified */
  author: ChangeAuthor | null;
}

export interface AuthoredConflict extends Omit<FieldConflict, "values"> {
  values: AuthoredValue[];
}

/** A value a person wrote that is not the one the festival shows, and the one shown instead. */
export interface LostValue {
  conflict: AuthoredConflict;
  yours: AuthoredValue;
  shown: AuthoredValue;
}

/** The verified author of each actor whose changes are all verified so far, read from the whole history. */
export function authorsOfActors(history: A.Doc<Festival>, festivalId: string): Map<string, ChangeAuthor> {
  const authorOfActor = new Map<string, ChangeAuthor>();
  for (const record of verifyHistory(history, festivalId)) {
    if (record.verified && record.author) authorOfActor.set(record.actor, record.author);
  }
  return authorOfActor;
}

/** `conflicts` with the author of each value, from authorsOfActors (null where it has none). */
export function attachAuthors(conflicts: readonly FieldConflict[], authorOfActor: ReadonlyMap<string, ChangeAuthor>): AuthoredConflict[] {
  return conflicts.map((conflict) => ({
    ...conflict,
    values: conflict.values.map((value) => ({ ...value, author: authorOfActor.get(value.actor) ?? null })),
  }));
}

/** `conflicts` with the verified author of each value, read from the whole history `history`. */
export function withAuthors(conflicts: readonly FieldConflict[], history: A.Doc<Festival>, festivalId: string): AuthoredConflict[] {
  return attachAuthors(conflicts, conflicts.length > 0 ? authorsOfActors(history, festivalId) : new Map());
}

/** The concurrent values of `visible` (the festival as members see it), authors read from `history`. */
export function authoredConflicts(visible: Festival, history: A.Doc<Festival>, festivalId: string): AuthoredConflict[] {
  return withAuthors(findConflicts(visible), history, festivalId);
}

/** The ids of the items of `collection` with at least one field holding concurrent values. */
export function itemsWithConflicts(conflicts: readonly FieldConflict[], collection: ItemCollection): Set<string> {
  const ids = new Set<string>();
  for (const conflict of conflicts) if (conflict.path.length === 3 && conflict.path[0] === collection) ids.add(conflict.path[1]);
  return ids;
}

function sameValue(left: unknown, right: unknown): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

/**
 * The values `key` wrote that the festival does not show (another value, written at the same time by someone
 * else, is shown instead). A field where one of `key`'s values is the one shown is not listed.
 */
export function lostValues(conflicts: readonly AuthoredConflict[], key: string): LostValue[] {
  const lost: LostValue[] = [];
  for (const conflict of conflicts) {
    const mine = conflict.values.filter((value) => value.author?.key === key);
    if (mine.length === 0 || mine.some((value) => sameValue(value.value, conflict.current))) continue;
    const shown = conflict.values.find((value) => sameValue(value.value, conflict.current));
    if (shown) lost.push({ conflict, yours: mine[mine.length - 1], shown });
  }
  return lost;
}
