// Every read of an Automerge document's wasm backend (`A.getBackend`), which the public API does not offer: the
// op ids of a key's values (who wrote a name, an attestation, a schema number), a change's bytes and metadata by hash.
import * as A from "@automerge/automerge";

/** A document's wasm backend, as `A.getBackend` returns it. */
export type DocumentBackend = ReturnType<typeof A.getBackend>;

/** One value stored at a key (several after concurrent writes), with the op that wrote it. */
export interface WrittenValue {
  /** Automerge's datatype ("str", "int", "map", ...) */
  datatype: string;
  /** the scalar (undefined for an object) */
  value: unknown;
  /** the op id that wrote it, "counter@actor" */
  opId: string;
}

/** The document's backend (the hub relay syncs on it; the other reaches below read it). */
export function documentBackend(doc: A.Doc<unknown>): DocumentBackend {
  return A.getBackend(doc);
}

/**
 * Every value at `key` of the object `objectId` with the op that wrote it: `A.getConflicts` leaves the op id
 * out when there is one value, and provenance needs it to tell who wrote a value.
 */
export function valuesWithWriters(doc: A.Doc<unknown>, objectId: string, key: string): WrittenValue[] {
  return A.getBackend(doc)
    .getAll(objectId, key)
    .map((tuple): WrittenValue => {
      const parts = tuple as unknown[];
      return parts.length === 3
        ? { datatype: String(parts[0]), value: parts[1], opId: String(parts[2]) }
        : { datatype: String(parts[0]), value: undefined, opId: String(parts[1]) };
    });
}

/** The keys of a map object (by its object id). */
export function keysOf(doc: A.Doc<unknown>, objectId: string): string[] {
  return A.getBackend(doc).keys(objectId);
}

/** One change's encoded bytes, or null when the document does not hold it. */
export function changeBytesByHash(doc: A.Doc<unknown>, hash: string): Uint8Array | null {
  return A.getBackend(doc).getChangeByHash(hash);
}

/** One change's metadata, or null when the document does not hold it. */
export function changeMetaByHash(doc: A.Doc<unknown>, hash: string): A.ChangeMetadata | null {
  return A.getBackend(doc).getChangeMetaByHash(hash) as A.ChangeMetadata | null;
}

/**
 * Whether the document holds every change in `hashes`: `A.hasHeads` answers by building each change's bytes (close
 * to a millisecond for an older change of a large document), this by reading their metadata (microseconds).
 */
export function holdsChanges(doc: A.Doc<unknown>, hashes: readonly string[]): boolean {
  const backend = A.getBackend(doc);
  return hashes.every((hash) => backend.getChangeMetaByHash(hash) != null);
}
