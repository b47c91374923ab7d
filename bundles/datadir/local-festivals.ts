// The festivals of a data directory as raw Automerge documents, for importing and packing bundles:
// finds a stored festival without creating anything, and stores an imported one. Node only.
import * as A from "@automerge/automerge";
import type { DocumentId } from "@automerge/automerge-repo";
import { sha256Hex } from "../format/crypto.js";
import type { Festival } from "../../engine/core/schema.js";
import type { FestivalHandle, FestivalStore } from "../../engine/node/store.js";

/** A festival stored here: its handle in the store's repo and the document it holds now. */
export interface LocalFestival {
  id: string;
  handle: FestivalHandle;
  doc: A.Doc<Festival>;
  /** the bytes its stored chunks take (what the festival size bound counts as held) */
  storedBytes: number;
}

/** The festival with this id when this data directory stores it (followed or not); never creates one. */
export async function findLocalFestival(store: FestivalStore, id: string): Promise<LocalFestival | undefined> {
  const cached = store.repo.handles[id as DocumentId] as FestivalHandle | undefined;
  const chunks = (await store.storage.loadRange([id])).filter((chunk) => chunk.key[1] === "snapshot" || chunk.key[1] === "incremental");
  if ((cached === undefined || !cached.isReady()) && chunks.length === 0) return undefined;
  const handle = await store.openById(id as DocumentId);
  const storedBytes = chunks.reduce((total, chunk) => total + (chunk.data?.byteLength ?? 0), 0);
  return { id, handle, doc: handle.doc(), storedBytes };
}

/** The storage key automerge-repo gives a snapshot: SHA-256 over the heads' hex, concatenated. */
export function snapshotKey(id: string, doc: A.Doc<unknown>): string[] {
  return [id, "snapshot", sha256Hex(new TextEncoder().encode(A.getHeads(doc).join("")))];
}

/**
 * Stores `after` as the festival's new state. A festival already here is updated through its handle
 * (the repo saves it); a new one is written as one snapshot (`snapshot`: ready bytes of A.save(after)),
 * which the repo loads like any other stored festival.
 */
export async function storeFestival(
  store: FestivalStore,
  id: string,
  local: LocalFestival | undefined,
  after: A.Doc<Festival>,
  snapshot?: Uint8Array,
): Promise<void> {
  if (local !== undefined) {
    const planned = A.getHeads(local.doc).join(",");
    local.handle.update((current) => (A.getHeads(current).join(",") === planned ? after : A.merge(current, A.clone(after))));
    local.doc = local.handle.doc();
    return;
  }
  await store.storage.save(snapshotKey(id, after), snapshot ?? A.save(after));
}
