// Keeps the hub relay's per-(client, festival) sync states across reconnections: loads and saves them under
// automerge-repo's own key and format, so a reconnecting client and the server start from the heads they share.
import type { PeerMetadata, StorageAdapterInterface, StorageKey } from "@automerge/automerge-repo";
import type { BackendSyncState, WasmSyncStateCodec } from "./wasm-sync-state.js";

/** Most sync states kept per festival; clients beyond it are synced as before, from a fresh state each time. */
export const DEFAULT_MAX_STORED_SYNC_STATES = 1000;
/** Shortest time between two saves of one (client, festival) state (ms). */
export const DEFAULT_SYNC_STATE_SAVE_MS = 1000;

/**
 * automerge-repo's storage ids are UUIDs. A storageId is whatever the client says, and it becomes a file name:
 * only short ids of letters, digits, "-" and "_" are kept (nothing that names a directory or a reserved file).
 */
const STORAGE_ID_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;

/** The storage id under which a peer's sync states are kept, or undefined when they must not be (as automerge-repo decides). */
export function persistentStorageId(metadata: PeerMetadata | undefined): string | undefined {
  if (!metadata || metadata.isEphemeral === true) return undefined;
  const storageId: unknown = metadata.storageId;
  return typeof storageId === "string" && STORAGE_ID_SHAPE.test(storageId) ? storageId : undefined;
}

export interface HubSyncStatesOptions {
  /** the storage the server's repo uses (the same keys: [documentId, "sync-state", storageId]) */
  storage: StorageAdapterInterface;
  codec: WasmSyncStateCodec;
  maxPerDocument?: number;
  saveIntervalMs?: number;
  /** reports a state that could not be read or written (the pair then syncs from a fresh state) */
  warn?: (message: string) => void;
}

/** The stored sync states of the hub's clients. */
export class HubSyncStates {
  readonly maxPerDocument: number;
  readonly saveIntervalMs: number;
  /** per festival, the storage ids that have a state stored (read from storage on the festival's first save) */
  private readonly storedIds = new Map<string, Promise<Set<string>>>();
  /** the last write of each key, so writes of one key land in order */
  private readonly lastWrite = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: HubSyncStatesOptions) {
    this.maxPerDocument = options.maxPerDocument ?? DEFAULT_MAX_STORED_SYNC_STATES;
    this.saveIntervalMs = options.saveIntervalMs ?? DEFAULT_SYNC_STATE_SAVE_MS;
  }

  /** The stored state of one (client, festival) pair, to load once and save as it changes. */
  pair(documentId: string, storageId: string): StoredSyncState {
    return new StoredSyncState(this, this.options.codec, documentId, storageId);
  }

  /** Resolves once every save started so far has landed (or failed). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** The stored bytes of a pair, or undefined when there are none or they cannot be read. */
  async read(documentId: string, storageId: string): Promise<Uint8Array | undefined> {
    try {
      return await this.options.storage.load(syncStateKey(documentId, storageId));
    } catch (error) {
      this.options.warn?.(`sync: the stored sync state of ${storageId} for ${documentId} could not be read (${describe(error)}); starting afresh`);
      return undefined;
    }
  }

  /** Saves a pair's bytes after the ones saved before, unless the festival already has its fill of other clients' states. */
  write(documentId: string, storageId: string, bytes: Uint8Array): void {
    const key = syncStateKey(documentId, storageId).join("\0");
    const write = (this.lastWrite.get(key) ?? Promise.resolve()).then(async () => {
      try {
        if (!(await this.admit(documentId, storageId))) return;
        await this.options.storage.save(syncStateKey(documentId, storageId), bytes);
      } catch (error) {
        this.options.warn?.(`sync: the sync state of ${storageId} for ${documentId} could not be saved (${describe(error)})`);
      }
    });
    this.lastWrite.set(key, write);
    this.pending.add(write);
    void write.then(() => {
      this.pending.delete(write);
      if (this.lastWrite.get(key) === write) this.lastWrite.delete(key);
    });
  }

  /**
   * Whether a state of this storage id may be stored for the festival. Any client can claim any number of storage
   * ids; each would become a file for good, so past `maxPerDocument` states per festival no new id is stored.
   */
  private async admit(documentId: string, storageId: string): Promise<boolean> {
    let known = this.storedIds.get(documentId);
    if (!known) {
      known = this.options.storage
        .loadRange([documentId, "sync-state"])
        .then((chunks) => new Set(chunks.map((chunk) => chunk.key[2]).filter((id): id is string => id !== undefined)));
      known.catch(() => this.storedIds.delete(documentId)); // asked again on the next save
      this.storedIds.set(documentId, known);
    }
    const ids = await known;
    if (ids.has(storageId)) return true;
    if (ids.size >= this.maxPerDocument) return false;
    ids.add(storageId);
    return true;
  }
}

/**
 * One pair's stored state: `load` once, `changed` after every round that received from the client (saved at most
 * once per `saveIntervalMs`), and `release` before the wasm state is freed (saves what is unsaved, when asked).
 */
export class StoredSyncState {
  private state: BackendSyncState | undefined;
  private dirty = false;
  private savedBytes: Uint8Array | undefined;
  private lastSaveAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly owner: HubSyncStates,
    private readonly codec: WasmSyncStateCodec,
    readonly documentId: string,
    readonly storageId: string,
  ) {}

  /** The stored state, or undefined when none is stored or it is not a sync state (the pair then starts afresh). */
  async load(): Promise<BackendSyncState | undefined> {
    const bytes = await this.owner.read(this.documentId, this.storageId);
    if (!bytes) return undefined;
    try {
      const state = this.codec.decode(bytes);
      this.savedBytes = bytes;
      return state;
    } catch {
      return undefined;
    }
  }

  /** The pair's state took in a message; it must stay alive until `release`. */
  changed(state: BackendSyncState): void {
    this.state = state;
    this.dirty = true;
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastSaveAt + this.owner.saveIntervalMs - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.save();
    }, wait);
    this.timer.unref();
  }

  /** The pair ends: saves what changed since the last save (when `save`), and lets go of the state. */
  release(save: boolean): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (save) this.save();
    this.state = undefined;
    this.dirty = false;
  }

  private save(): void {
    if (!this.dirty || !this.state) return;
    this.dirty = false;
    const bytes = this.codec.encode(this.state);
    if (this.savedBytes && sameBytes(bytes, this.savedBytes)) return;
    this.savedBytes = bytes;
    this.lastSaveAt = performance.now();
    this.owner.write(this.documentId, this.storageId, bytes);
  }
}

function syncStateKey(documentId: string, storageId: string): StorageKey {
  return [documentId, "sync-state", storageId];
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, index) => byte === b[index]);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
