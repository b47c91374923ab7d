// Reads one document's stored chunks (snapshots first, then incrementals) into the bytes A.load takes, with the key,
// kind and size of each chunk: the one reader behind both the store's read path and its repo's document loading.
import type { StorageAdapterInterface, StorageKey } from "@automerge/automerge-repo";
import { concatBytes } from "./bytes.js";

export type StoredChunkKind = "snapshot" | "incremental";

export interface StoredChunk {
  key: StorageKey;
  kind: StoredChunkKind;
  size: number;
}

export interface StoredDocument {
  /** the readable chunks, in the order their bytes are joined (a damaged one is left out by the adapter) */
  chunks: StoredChunk[];
  /** every chunk's bytes joined; empty when nothing is stored */
  bytes: Uint8Array;
}

const KINDS: readonly StoredChunkKind[] = ["snapshot", "incremental"];

export async function readStoredDocument(adapter: StorageAdapterInterface, documentId: string): Promise<StoredDocument> {
  const chunks: StoredChunk[] = [];
  const binaries: Uint8Array[] = [];
  for (const kind of KINDS) {
    for (const chunk of await adapter.loadRange([documentId, kind])) {
      if (chunk.data === undefined) continue;
      chunks.push({ key: chunk.key, kind, size: chunk.data.length });
      binaries.push(chunk.data);
    }
  }
  return { chunks, bytes: binaries.length === 0 ? new Uint8Array(0) : concatBytes(binaries) };
}
