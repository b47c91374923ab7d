// Which stored changes Automerge holds back because their history is missing (a damaged chunk went to quarantine),
// and which missing changes they wait for. Browser-safe: Automerge and chunk framing only.
import * as A from "@automerge/automerge";
import { AUTOMERGE_CHUNK_TYPES, frameAutomergeChunks } from "./chunk-check.js";

export interface WaitingHistory {
  /** hashes of changes this document lacks that stored changes depend on, sorted */
  missing: string[];
  /** hashes of stored changes held back until the missing ones arrive, sorted */
  waiting: string[];
}

export const NO_WAITING_HISTORY: WaitingHistory = Object.freeze({ missing: [], waiting: [] }) as WaitingHistory;

/**
 * What waits in `storedBytes` (a document's stored chunks joined) for history `doc` does not have. Only change
 * chunks can wait: a document chunk (snapshot) is loaded whole or not at all.
 */
export function waitingHistory(doc: A.Doc<unknown>, storedBytes: Uint8Array): WaitingHistory {
  const missing = A.getMissingDeps(doc, []).sort();
  if (missing.length === 0) return { missing: [], waiting: [] };
  const waiting = new Set<string>();
  for (const chunk of frameAutomergeChunks(storedBytes) ?? []) {
    if (chunk.type !== AUTOMERGE_CHUNK_TYPES.change && chunk.type !== AUTOMERGE_CHUNK_TYPES.compressedChange) continue;
    const hash = A.decodeChange(storedBytes.subarray(chunk.offset, chunk.offset + chunk.length)).hash;
    if (hash !== undefined && !A.hasHeads(doc, [hash])) waiting.add(hash);
  }
  return { missing, waiting: [...waiting].sort() };
}
