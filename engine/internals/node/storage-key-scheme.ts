// automerge-repo's storage key scheme for document chunks, written here once: a snapshot's key is derived from its
// heads and an incremental chunk's from its bytes, so pandafest can write chunks the repo loads as its own.
import { createHash } from "node:crypto";

/**
 * automerge-repo's key for a snapshot of a document with these heads: SHA-256 over the heads' hex, concatenated.
 */
export function snapshotKey(documentId: string, heads: readonly string[]): string[] {
  return [documentId, "snapshot", sha256Hex(new TextEncoder().encode(heads.join("")))];
}

/** automerge-repo's key for an incremental chunk: SHA-256 over its bytes. */
export function incrementalKey(documentId: string, bytes: Uint8Array): string[] {
  return [documentId, "incremental", sha256Hex(bytes)];
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

