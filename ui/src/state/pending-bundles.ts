// Bundles that wait for history this browser does not have yet, kept in IndexedDB per festival (like the
// CLI's DATA/pending/), so their changes are never dropped and apply once the earlier changes arrive.
import { IndexedDBStorageAdapter } from "@automerge/automerge-repo-storage-indexeddb";

export interface PendingBundle {
  name: string;
  bytes: Uint8Array;
}

export class PendingBundleStore {
  readonly #storage: IndexedDBStorageAdapter;

  constructor(databaseName = "pandafest-pending") {
    this.#storage = new IndexedDBStorageAdapter(databaseName, "bundles");
  }

  async list(festivalId: string): Promise<PendingBundle[]> {
    const chunks = await this.#storage.loadRange([festivalId]);
    return chunks.flatMap((chunk) => (chunk.data && chunk.key[1] ? [{ name: chunk.key[1], bytes: chunk.data }] : []));
  }

  async festivalIds(): Promise<string[]> {
    const chunks = await this.#storage.loadRange([]);
    return [...new Set(chunks.map((chunk) => chunk.key[0]).filter((id): id is string => typeof id === "string"))];
  }

  keep(festivalId: string, name: string, bytes: Uint8Array): Promise<void> {
    return this.#storage.save([festivalId, name], bytes);
  }

  remove(festivalId: string, name: string): Promise<void> {
    return this.#storage.remove([festivalId, name]);
  }
}
