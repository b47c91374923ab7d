// automerge-repo's storage key scheme for document chunks, written here once: a snapshot's key is derived from its
// heads and an incremental chunk's from its bytes, so pandafest can write chunks the repo loads as its own. Browser-safe.
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex } from "@noble/hashes/utils";

/**
 * automerge-repo's key for a snapshot of a document with these heads: SHA-256 over the heads' hex, concatenated.
 */
export function snapshotKey(documentId: string, heads: readonly string[]): string[] {
  return [documentId, "snapshot", bytesToHex(sha256(new TextEncoder().encode(heads.join(""))))];
}

/** automerge-repo's key for an incremental chunk: SHA-256 over its bytes. */
export function incrementalKey(documentId: string, bytes: Uint8Array): string[] {
  return [documentId, "incremental", bytesToHex(sha256(bytes))];
}
