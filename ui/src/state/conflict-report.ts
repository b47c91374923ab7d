// What merging left for people to decide: concurrent values (with the verified author of each),
// clashes and dangling references. Read from the document on demand (the Conflicts screen only).
import { findClashes, findDangling, type Clash, type DanglingReference } from "../../../engine/core/checks.js";
import { authoredConflicts, type AuthoredConflict } from "../../../engine/core/conflict-notices.js";
import type { Festival } from "../../../engine/core/schema.js";

export type { AuthoredConflict, AuthoredValue } from "../../../engine/core/conflict-notices.js";

export interface ConflictReport {
  conflicts: AuthoredConflict[];
  clashes: Clash[];
  dangling: DanglingReference[];
}

/** The report on `doc` as members see it (`visible`); authors are read from the whole history. */
export function conflictReport(doc: Festival, festivalId: string, visible: Festival = doc): ConflictReport {
  return {
    conflicts: authoredConflicts(visible, doc, festivalId),
    clashes: findClashes(visible),
    dangling: findDangling(visible),
  };
}
