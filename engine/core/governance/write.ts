// Writing governance records: the change that carries one (its message), founding a new festival (whose id
// then comes from that change), and the change function that mirrors a record into the document.
import * as A from "@automerge/automerge";
import type { DocumentId } from "@automerge/automerge-repo";
import { encodeBase32 } from "../ids.js";
import { randomBytes } from "../keys.js";
import type { Festival } from "../schema.js";
import { foundedFestivalId, governanceMessage, type GovernanceRecord, type Mode } from "./records.js";

/** The change that writes `record`: its message carries the record, its one write mirrors it into governance. */
export function governanceChange(record: GovernanceRecord): { message: string; apply: (draft: Festival) => void } {
  const message = governanceMessage(record);
  return {
    message,
    apply: (draft) => {
      draft.governance ??= {};
      draft.governance[`g${encodeBase32(randomBytes(10))}`] = new A.ImmutableString(message);
    },
  };
}

/**
 * Founds a festival: one change on `doc` (at `base` when given, so changes outside it stay outside) that records
 * the mode and runs `also` (recording the founder as a member), and the festival id that change makes.
 */
export function foundFestival(
  doc: A.Doc<Festival>,
  mode: Mode,
  options: { base?: string[]; also?: (draft: Festival) => void } = {},
): { doc: A.Doc<Festival>; id: DocumentId; hash: string } {
  const { message, apply } = governanceChange({ kind: "found", mode });
  const change = (draft: Festival) => {
    apply(draft);
    options.also?.(draft);
  };
  let founded: A.Doc<Festival>;
  let hash: string;
  if (options.base === undefined) {
    founded = A.change(doc, { message }, change);
    hash = A.getHeads(founded)[0];
  } else {
    const result = A.changeAt(doc, options.base, { message }, change);
    founded = result.newDoc;
    hash = (result.newHeads ?? [])[0];
  }
  return { doc: founded, id: foundedFestivalId(hash), hash };
}
