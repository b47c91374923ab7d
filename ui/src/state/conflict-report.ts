// What merging left for people to decide: concurrent values (with the verified author of each),
// clashes and dangling references. Read from the document on demand (the Conflicts screen only).
import { findClashes, findDangling, type Clash, type DanglingReference } from "../../../engine/core/checks.js";
import { findConflicts, type ConflictValue, type FieldConflict } from "../../../engine/core/conflicts.js";
import { verifyHistory, type ChangeAuthor } from "../../../engine/core/provenance.js";
import type { Festival } from "../../../engine/core/schema.js";

export interface AuthoredValue extends ConflictValue {
  /** the verified author of the write, or null when its change is unverified */
  author: ChangeAuthor | null;
}

export interface AuthoredConflict extends Omit<FieldConflict, "values"> {
  values: AuthoredValue[];
}

export interface ConflictReport {
  conflicts: AuthoredConflict[];
  clashes: Clash[];
  dangling: DanglingReference[];
}

/** The report on `doc` as members see it (`visible`); authors are read from the whole history. */
export function conflictReport(doc: Festival, festivalId: string, visible: Festival = doc): ConflictReport {
  const conflicts = findConflicts(visible);
  let authorOfActor = new Map<string, ChangeAuthor>();
  if (conflicts.length > 0) {
    authorOfActor = new Map();
    for (const record of verifyHistory(doc, festivalId)) {
      if (record.verified && record.author) authorOfActor.set(record.actor, record.author);
    }
  }
  return {
    conflicts: conflicts.map((conflict) => ({
      ...conflict,
      values: conflict.values.map((value) => ({ ...value, author: authorOfActor.get(value.actor) ?? null })),
    })),
    clashes: findClashes(visible),
    dangling: findDangling(visible),
  };
}
