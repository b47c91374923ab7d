// The festivals of a data directory as raw Automerge documents, for importing and packing bundles:
// finds a stored festival without creating anything, and stores an imported one. Node only.
import * as A from "@automerge/automerge";
import type { DocumentId } from "@automerge/automerge-repo";
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
  const loaded = store.loadedHandle(id);
  const storedBytes = await store.storedBytes(id);
  if (loaded === undefined && storedBytes === undefined) return undefined;
  const handle = await store.openById(id as DocumentId);
  return { id, handle, doc: handle.doc(), storedBytes: storedBytes ?? 0 };
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
  await store.storeSnapshot(id, after, snapshot);
}
