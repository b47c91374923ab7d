// How a repo (FestivalStore's, the web app's) loads and saves documents: stored chunks open with A.load or in steps (not
// loadIncremental plus a whole-document diff), saves are incremental since the heads last loaded or saved, compaction never drops changes.
import * as A from "@automerge/automerge";
import type { DocumentId, Repo, StorageAdapterInterface } from "@automerge/automerge-repo";
import { readStoredDocument, type StoredChunk } from "./stored-document.js";
import { incrementalKey, snapshotKey } from "./storage-key-scheme.js";

/** Where Automerge keeps a document's bookkeeping (heads, handle, the patches that produced it) on its root object. */
const AUTOMERGE_STATE = Symbol.for("_am_meta");

interface AutomergeDocState {
  mostRecentPatch?: { before: A.Heads; after: A.Heads; patches: A.Patch[] };
}

export interface RepoDocumentStorageOptions {
  /**
   * Opens a stored document's joined chunks. Default: A.load at once (A.loadIncremental when history is missing);
   * the web app opens in steps with a pause between them (stepped-load.ts), so its page is never blocked long.
   */
  open?: (bytes: Uint8Array) => Promise<A.Doc<unknown>>;
}

/**
 * A.load; when it refuses changes whose history is missing (a damaged chunk was moved aside), loadIncremental, which
 * keeps them queued until their history arrives, as automerge-repo itself would.
 */
function openAtOnce(bytes: Uint8Array): Promise<A.Doc<unknown>> {
  try {
    return Promise.resolve(A.load(bytes));
  } catch {
    return Promise.resolve(A.loadIncremental(A.init(), bytes));
  }
}

/**
 * Takes over document loading and saving in a repo's storage subsystem (the key/value, sync-state and storage-id
 * parts stay automerge-repo's). automerge-repo 2.5.6 loads stored chunks with A.loadIncremental(A.init(), bytes)
 * and then diffs the whole document for the handle's first "change" event (large festival: 2.0 s and 278 MB, against
 * 1.2 s and 204 MB for A.load). Here a stored document opens with A.load (in the web app: in steps, see
 * stepped-load.ts), and the handle's first diff (from no heads to the loaded heads) is answered as already known, so it costs nothing. The heads last loaded or saved are recorded
 * per document, so the first save after opening writes only the new changes.
 */
export class RepoDocumentStorage {
  readonly #adapter: StorageAdapterInterface;
  /** heads of what is on disk as far as this process knows (loaded or saved), by document */
  readonly #savedHeads = new Map<DocumentId, A.Heads>();
  /** the chunks the document was loaded from or saved as: what a compaction replaces */
  readonly #chunks = new Map<DocumentId, StoredChunk[]>();
  /** one save at a time per document, in order, so heads and chunk lists never race */
  readonly #saving = new Map<DocumentId, Promise<void>>();
  /** documents loaded ahead of repo.find, handed to the repo by the next loadDoc */
  readonly #preloaded = new Map<DocumentId, Promise<A.Doc<unknown> | null>>();

  readonly #open: (bytes: Uint8Array) => Promise<A.Doc<unknown>>;
  /** whether the repo loads and saves through this (the reach); when not, the repo's own storage subsystem does */
  readonly installed: boolean;

  private constructor(adapter: StorageAdapterInterface, installed: boolean, options: RepoDocumentStorageOptions = {}) {
    this.#adapter = adapter;
    this.installed = installed;
    this.#open = options.open ?? openAtOnce;
  }

  /**
   * Without the reach (an Automerge version the reaches were not written for, see internals-guard.ts): the repo
   * loads and saves as automerge-repo does; this only writes new festivals, in the same key scheme.
   */
  static detached(adapter: StorageAdapterInterface): RepoDocumentStorage {
    return new RepoDocumentStorage(adapter, false);
  }

  /** Installs document loading and saving on `repo`, which must have been created with `adapter` as its storage. */
  static install(repo: Repo, adapter: StorageAdapterInterface, options: RepoDocumentStorageOptions = {}): RepoDocumentStorage {
    const subsystem = repo.storageSubsystem;
    if (!subsystem) throw new Error("the repo has no storage to take over");
    const storage = new RepoDocumentStorage(adapter, true, options);
    const removeStoredDocument = subsystem.removeDoc.bind(subsystem);
    subsystem.loadDoc = <T>(documentId: DocumentId) => storage.loadDoc<T>(documentId);
    subsystem.saveDoc = (documentId: DocumentId, doc: A.Doc<unknown>) => storage.saveDoc(documentId, doc);
    subsystem.removeDoc = async (documentId: DocumentId) => {
      storage.forget(documentId);
      await removeStoredDocument(documentId);
    };
    return storage;
  }

  /** The heads this process last loaded or saved for a document (undefined when it has neither). */
  savedHeads(documentId: DocumentId): A.Heads | undefined {
    const heads = this.#savedHeads.get(documentId);
    return heads && [...heads];
  }

  /**
   * Loads a stored document before repo.find creates its handle; the repo's load then takes it from here.
   * Measured: while a DocHandle exists, A.load of a large document triggers about twice as many full garbage
   * collections and takes 15-25% longer, so FestivalStore.openById loads first and finds second.
   */
  async preload(documentId: DocumentId): Promise<void> {
    if (!this.installed) return; // nothing would hand the preloaded document to the repo
    if (!this.#preloaded.has(documentId)) this.#preloaded.set(documentId, this.#loadStored(documentId));
    await this.#preloaded.get(documentId);
  }

  /** Forgets a preloaded document the repo did not take (call after repo.find, whatever its outcome). */
  discardPreloaded(documentId: DocumentId): void {
    this.#preloaded.delete(documentId);
  }

  /** The repo's load: a preloaded document, else every stored chunk loaded now; null when none is stored. */
  async loadDoc<T>(documentId: DocumentId): Promise<A.Doc<T> | null> {
    const preloaded = this.#preloaded.get(documentId);
    this.#preloaded.delete(documentId);
    const doc = ((await preloaded) ?? (await this.#loadStored(documentId))) as A.Doc<T> | null;
    if (doc) answerFirstDiffAsKnown(doc);
    return doc;
  }

  /** Loads every stored chunk of a document, snapshots first, and records its heads; null when none is stored. */
  async #loadStored<T>(documentId: DocumentId): Promise<A.Doc<T> | null> {
    const { chunks, bytes } = await readStoredDocument(this.#adapter, documentId);
    this.#chunks.set(documentId, chunks);
    if (chunks.length === 0) return null;
    const doc = (await this.#open(bytes)) as A.Doc<T>;
    this.#savedHeads.set(documentId, A.getHeads(doc));
    return doc;
  }

  /** Writes what changed since the last load or save: one incremental chunk, or a compacted snapshot. */
  saveDoc(documentId: DocumentId, doc: A.Doc<unknown>): Promise<void> {
    const previous = this.#saving.get(documentId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.#save(documentId, doc));
    this.#saving.set(documentId, next);
    void next.finally(() => {
      if (this.#saving.get(documentId) === next) this.#saving.delete(documentId);
    }).catch(() => undefined);
    return next;
  }

  /** Drops what this process knows about a document's stored chunks (it was deleted). */
  forget(documentId: DocumentId): void {
    this.#savedHeads.delete(documentId);
    this.#chunks.delete(documentId);
  }

  async #save(documentId: DocumentId, doc: A.Doc<unknown>): Promise<void> {
    const heads = A.getHeads(doc);
    const saved = this.#savedHeads.get(documentId);
    if (saved && sameHeads(saved, heads)) return;
    const chunks = this.#chunks.get(documentId) ?? [];
    if (!saved || saved.length === 0 || shouldCompact(chunks)) {
      await this.#saveSnapshot(documentId, doc, heads, chunks);
      return;
    }
    const binary = A.saveSince(doc, saved);
    if (binary.length === 0) return;
    const key = incrementalKey(documentId, binary);
    await this.#adapter.save(key, binary);
    chunks.push({ key, kind: "incremental", size: binary.length });
    this.#chunks.set(documentId, chunks);
    this.#savedHeads.set(documentId, heads);
  }

  /**
   * Replaces the chunks this process knows of with one snapshot. Chunks written by other processes since are
   * not known here and stay. While changes wait for missing history, A.save leaves them out, so then the old
   * incremental chunks (which may hold them) are kept; older snapshots are still replaced (a snapshot holds
   * only applied changes, all of them in the new one), so storage does not grow by a snapshot per save.
   */
  async #saveSnapshot(documentId: DocumentId, doc: A.Doc<unknown>, heads: A.Heads, chunks: StoredChunk[]): Promise<void> {
    const binary = A.save(doc);
    const key = snapshotKey(documentId, heads);
    const snapshotHash = key[2];
    await this.#adapter.save(key, binary);
    const waiting = A.getMissingDeps(doc, []).length > 0;
    const replaced = chunks.filter((chunk) => chunk.key[2] !== snapshotHash && (!waiting || chunk.kind === "snapshot"));
    for (const chunk of replaced) await this.#adapter.remove(chunk.key);
    const kept = chunks.filter((chunk) => !replaced.includes(chunk) && chunk.key[2] !== snapshotHash);
    this.#chunks.set(documentId, [...kept, { key, kind: "snapshot", size: binary.length }]);
    this.#savedHeads.set(documentId, heads);
  }
}

/**
 * DocHandle announces a loaded document by diffing it from no heads to its heads; Automerge answers a diff
 * from the patches recorded on the document when their heads match. Recording "no patches" for that one
 * diff saves computing the whole document's patches (nobody listens to a handle before it is loaded). The
 * record is removed once the handle has taken the document, so later diffs are computed as usual.
 */
function answerFirstDiffAsKnown(doc: A.Doc<unknown>): void {
  const state = Reflect.get(doc, AUTOMERGE_STATE) as AutomergeDocState | undefined;
  if (!state || typeof state !== "object" || !Object.isExtensible(state) || state.mostRecentPatch) return;
  const record = { before: [], after: A.getHeads(doc), patches: [] };
  state.mostRecentPatch = record;
  afterThisTask(() => {
    if (state.mostRecentPatch === record) delete state.mostRecentPatch;
  });
}

/** Runs `fn` once the current task and its promise callbacks are done (setImmediate in Node, a timer in a browser). */
function afterThisTask(fn: () => void): void {
  if (typeof setImmediate === "function") setImmediate(fn);
  else setTimeout(fn, 0);
}

/** automerge-repo's rule: compact a small document always, a larger one once its incremental chunks outgrow its snapshots. */
function shouldCompact(chunks: StoredChunk[]): boolean {
  let snapshotSize = 0;
  let incrementalSize = 0;
  for (const chunk of chunks) {
    if (chunk.kind === "snapshot") snapshotSize += chunk.size;
    else incrementalSize += chunk.size;
  }
  return snapshotSize < 1024 || incrementalSize >= snapshotSize;
}

function sameHeads(a: A.Heads, b: A.Heads): boolean {
  return a.length === b.length && a.every((head, i) => head === b[i]);
}


