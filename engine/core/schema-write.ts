// Who wrote a festival's schema number when no data backs it (see schemaStanding in schema-version.ts): the write
// `check` names, so a group can see who set it, and the one `pandafest repair` undoes. Browser-safe.
import * as A from "@automerge/automerge";
import { valuesWithWriters } from "../internals/automerge-backend.js";
import { schemaStanding } from "./schema-version.js";
import { parseOpId, verifyHistory, type ChangeAuthor } from "./provenance.js";
import type { Festival } from "./schema.js";

export interface UnbackedSchemaNumber {
  /** the stored number (or whatever a writer put there; null when there is none) */
  declared: unknown;
  /** the schema the festival's data shows, which it is read as */
  readAs: number;
  /** the actor whose write stands, and its verified author (null when unverified or unknown) */
  writer: { actor: string; change: string | null; author: ChangeAuthor | null } | null;
}

/** The unbacked schema number of a festival with the write that set it, or null when the number is backed. */
export function findUnbackedSchemaNumber(doc: A.Doc<Festival>, festivalId: string): UnbackedSchemaNumber | null {
  const standing = schemaStanding(doc);
  if (!standing.unbacked) return null;
  const last = valuesWithWriters(doc, "_root", "schema").at(-1);
  const op = last === undefined ? null : parseOpId(last.opId);
  let writer: UnbackedSchemaNumber["writer"] = null;
  if (op !== null) {
    const metadata = A.getChangesMetaSince(doc, []).find((change) => change.actor === op.actor && change.startOp <= op.counter && op.counter <= change.maxOp);
    const record = metadata ? verifyHistory(doc, festivalId).find((change) => change.hash === metadata.hash) : undefined;
    writer = { actor: op.actor, change: metadata?.hash ?? null, author: record?.verified ? record.author : null };
  }
  return { declared: standing.declared ?? null, readAs: standing.readAs, writer };
}
