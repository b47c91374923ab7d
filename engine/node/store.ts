// The festival store: one data directory's festivals, opened through automerge-repo on crash-safe storage.
// Resolves festival references, wraps edits so they record the member and attest authorship, flushes, and reads views.
import fs from "node:fs/promises";
import path from "node:path";
import * as A from "@automerge/automerge";
import {
  Repo,
  isValidAutomergeUrl,
  isValidDocumentId,
  parseAutomergeUrl,
  stringifyAutomergeUrl,
  type DocHandle,
  type DocumentId,
  type NetworkAdapterInterface,
  type PeerId,
  type SharePolicy,
} from "@automerge/automerge-repo";
import { dataLayout } from "./datadir.js";
import type { FestivalEditor } from "../core/editor.js";
import { PandafestError } from "../core/errors.js";
import { FestivalIndex, type DamagedEntry, type FestivalEntry } from "./festival-index.js";
import { hasIdentity, loadIdentity, type Identity } from "./identity.js";
import { checkSchema } from "../core/schema-version.js";
import { useNativeSignatures } from "./native-signatures.js";
import { ATTESTATION_MESSAGE, attest as attestationChange } from "../core/provenance.js";
import {
  changeAtHeads,
  changesUnderFreshActor,
  editingBase,
  EditsAtBase,
  foundFestival,
  governanceOf,
  latestChangeOf,
  visibleFestival,
  withVisibleAttestation,
  type Mode,
} from "../core/governance/index.js";
import { recordMember } from "../core/members.js";
import { withFirstEpoch } from "../core/membership/manage-members.js";
import { failAtChange } from "./fault-injection.js";
import { internals } from "../internals/node/internals-guard.js";
import { finishInterruptedReplacements, replaceStoredChunks } from "./storage/chunk-replacement.js";
import { RepoDocumentStorage } from "../internals/repo-document-storage.js";
import type { Festival, FestivalView } from "../core/schema.js";
import { festivalSkeleton, type FestivalInput } from "../core/skeleton.js";
import { diskFullError, isDiskFull } from "./storage/atomic-file.js";
import { SafeFileStorageAdapter, type BadChunkReport } from "./storage/safe-file-storage.js";
import { quarantinedChunkFiles } from "./storage/quarantine.js";
import { readStoredDocument } from "../internals/stored-document.js";
import { waitingHistory, type WaitingHistory } from "./storage/waiting-history.js";
import { CHUNK_KINDS, keyToPathParts } from "./storage/storage-keys.js";
import { snapshotKey } from "../internals/storage-key-scheme.js";
import { ViewCache } from "./view-cache.js";
import { festivalSettingsOf, festivalView, visibilityOf } from "../core/views.js";
import { eventConfirmations } from "../core/bookings/confirmed-view.js";
import type { Confirmation } from "../core/bookings/state.js";
import { wasmHeapSteps } from "../internals/node/wasm-heap.js";
import { usePatchedViews } from "../internals/patched-view.js";
import { ownValue } from "../core/own-value.js";
import { addNetworkAdapter, disconnectNetwork } from "../internals/repo-network.js";

export type FestivalHandle = DocHandle<Festival>;

export interface StoreOptions {
  network?: NetworkAdapterInterface[];
  sharePolicy?: SharePolicy;
  onBadChunk?: (report: BadChunkReport) => void;
}

/** A festival's stored history as `check` reports it: quarantined chunk files, and changes waiting for missing ones. */
export interface StorageHealth extends WaitingHistory {
  /** paths of this festival's chunk files in the quarantine directory */
  quarantined: string[];
}

export class FestivalStore {
  readonly repo: Repo;
  readonly index: FestivalIndex;
  /** plain views of festivals for read-only commands, next to the index entries */
  readonly viewCache: ViewCache;
  readonly storage: SafeFileStorageAdapter;
  /** how the repo loads and saves festivals: A.load on open, incremental saves since what was loaded */
  readonly documentStorage: RepoDocumentStorage;
  /** festivals edited since the last attestation, by id */
  private readonly touched = new Map<string, FestivalHandle>();
  /**
   * Edits not yet applied, by festival id: a command's changes are made on a copy of the document (same actor) and
   * reach the handle (and so storage and peers) only when the command commits; a failed command discards them.
   */
  private readonly staged = new Map<string, StagedEdits>();
  /** festivals where this run's edits were kept as proposals (see takeProposalNotices) */
  private readonly proposedIn = new Set<string>();
  /** what this process last wrote to (or found in) the festival index, by id: unchanged entries are not read again */
  private readonly indexed = new Map<string, { name: string; visibility: "public" | "private" }>();
  private identityCache: Identity | null | undefined;

  private constructor(readonly dataDir: string, options: StoreOptions) {
    const layout = dataLayout(dataDir);
    this.storage = new SafeFileStorageAdapter(layout.documents, {
      quarantineDirectory: layout.quarantine,
      onBadChunk: options.onBadChunk,
    });
    this.repo = new Repo({
      storage: this.storage,
      network: options.network ?? [],
      sharePolicy: options.sharePolicy ?? (async () => false),
    });
    // reaches into Automerge and automerge-repo (docs/INTERNALS.md): only on the versions they were written for
    usePatchedViews(internals().usable);
    this.documentStorage = internals().usable ? RepoDocumentStorage.install(this.repo, this.storage) : RepoDocumentStorage.detached(this.storage);
    this.index = new FestivalIndex(layout.festivals, { describeStored: (id) => this.describeStored(id) });
    this.viewCache = new ViewCache(layout.festivals);
  }

  static async open(dataDir: string, options: StoreOptions = {}): Promise<FestivalStore> {
    useNativeSignatures(); // same signatures as tweetnacl, a hundred times faster (attestations, history)
    await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
    const store = new FestivalStore(dataDir, options);
    await finishInterruptedReplacements(store.storage); // before any festival is loaded
    return store;
  }

  /** The identity of this data directory, or null when `pandafest init` has not run (yet: a long-lived store asks again). */
  async identity(): Promise<Identity | null> {
    if (this.identityCache === undefined || this.identityCache === null) {
      this.identityCache = (await hasIdentity(this.dataDir)) ? await loadIdentity(this.dataDir) : null;
    }
    return this.identityCache;
  }

  async requireIdentity(): Promise<Identity> {
    const identity = await this.identity();
    if (!identity) {
      throw new PandafestError(`no identity in ${this.dataDir}; run \`pandafest init --name NAME\` first`);
    }
    return identity;
  }

  /** The followed festivals that are stored here (see indexReport for the entries that are not). */
  async list(): Promise<FestivalEntry[]> {
    return (await this.indexReport()).entries;
  }

  /**
   * The festival index checked against documents/: `entries` are the festivals stored here; `dangling` are
   * entries whose festival's documents are missing (they cannot be opened: `forget` removes them); `damaged` are
   * entry files that could not be read, rebuilt from the document when it is stored here and can be read.
   */
  async indexReport(): Promise<{ entries: FestivalEntry[]; dangling: string[]; damaged: DamagedEntry[] }> {
    const scan = await this.index.scan();
    const entries: FestivalEntry[] = [];
    const dangling: string[] = [];
    for (const entry of scan.entries) {
      if (await this.isStored(entry.id as DocumentId)) entries.push(entry);
      else dangling.push(entry.id);
    }
    for (const damaged of scan.damaged) {
      if (!damaged.rebuilt && !(await this.isStored(damaged.id as DocumentId))) dangling.push(damaged.id);
    }
    return { entries, dangling: dangling.sort(), damaged: scan.damaged };
  }

  /**
   * Removes the index entry (and view cache) of a festival whose documents are missing here. A stored festival is
   * refused: its entry is never dangling, and rebuilt should it be damaged.
   */
  async forget(id: string): Promise<void> {
    if (!isValidDocumentId(id)) throw new PandafestError(`${id} is not a festival id; \`pandafest festival list\` names the entries to forget`, { code: "usage" });
    if (await this.isStored(id)) {
      throw new PandafestError(`festival ${id} is stored in ${this.dataDir}; forget only removes an entry whose festival's documents are missing`);
    }
    const report = await this.indexReport();
    if (!report.dangling.includes(id)) throw new PandafestError(`festival ${id} has no entry in ${this.index.directory}; nothing to forget`);
    await this.index.remove(id);
    await this.viewCache.remove(id);
  }

  /** Whether any chunk of the festival is stored here (a directory listing, nothing is read). */
  async isStored(id: DocumentId): Promise<boolean> {
    return (await this.storedChunkKeys(id)).length > 0;
  }

  /** What a stored festival's document says of itself, for rebuilding a damaged index entry. */
  private async describeStored(id: string): Promise<Pick<FestivalEntry, "name" | "visibility"> | undefined> {
    if (!isValidDocumentId(id) || !(await this.isStored(id))) return undefined;
    const { view } = await this.readView(id);
    return { name: view.name, visibility: visibilityOf(view.visibility) };
  }

  async create(input: FestivalInput, options: { mode?: Mode } = {}): Promise<{ id: string; url: string; handle: FestivalHandle }> {
    const identity = await this.requireIdentity();
    // validated before anything is written; the whole skeleton and the creator go into the first change
    const skeleton = festivalSkeleton(input);
    skeleton.members[identity.publicKey] = { name: new A.ImmutableString(identity.name) };
    return this.createFromDoc(() => A.change(A.init<Festival>(), (draft) => Object.assign(draft, skeleton)), options);
  }

  /**
   * Stores a festival built in memory as a new document (forks, schedule imports); when `build` throws, nothing
   * has been written. The document is checked, then founded by this user (organised unless `mode` says open, at
   * `base` when given: changes outside it stay outside), which records them as a member and gives the festival its
   * id, and attested before it is stored.
   */
  async createFromDoc(
    build: () => A.Doc<Festival>,
    options: { mode?: Mode; base?: () => string[] } = {},
  ): Promise<{ id: string; url: string; handle: FestivalHandle }> {
    const identity = await this.requireIdentity();
    const built = build();
    checkSchema(built);
    const founded = foundFestival(built, options.mode ?? "organised", { base: options.base?.(), also: (draft) => recordMember(draft, identity) });
    const id = founded.id;
    let doc = withVisibleAttestation(founded.doc, id, identity);
    if (String(doc.visibility) === "private") doc = withFirstEpoch(doc, id, identity);
    const handle = await this.storeNewFestival(id, doc);
    return { id, url: stringifyAutomergeUrl(id), handle };
  }

  /**
   * Writes a new festival's document, then its index entry, so a festival listed is a festival stored; only then
   * does the repo get a handle (its save then finds the document already written). When a write fails (a full
   * disk) what was written is removed again, nothing is left half-made, and the error is passed on.
   */
  private async storeNewFestival(id: DocumentId, doc: A.Doc<Festival>): Promise<FestivalHandle> {
    try {
      await this.documentStorage.saveDoc(id, doc);
      await this.index.put(indexEntryOf(id, doc));
    } catch (error) {
      this.documentStorage.forget(id);
      await this.storage.removeRange([id]).catch(() => undefined);
      const [fanOut] = keyToPathParts([id]);
      await fs.rmdir(path.join(this.storage.baseDirectory, fanOut)).catch(() => undefined); // only when it is empty now
      if (isDiskFull(error)) throw diskFullError(`could not store the new festival ${JSON.stringify(String(doc.name))}`, this.dataDir, error);
      throw error;
    }
    return this.repo.import<Festival>(A.save(doc), { docId: id });
  }

  /** Opens a festival by id, automerge: URL, or unique prefix of a followed festival's name. */
  async resolve(reference: string): Promise<FestivalHandle> {
    const id = await this.resolveId(reference);
    return this.openById(id);
  }

  async resolveId(reference: string): Promise<DocumentId> {
    const ref = reference.trim();
    if (isValidAutomergeUrl(ref)) return parseAutomergeUrl(ref).documentId;
    if (isValidDocumentId(ref)) return ref as DocumentId;
    const entries = await this.list();
    const lower = ref.toLowerCase();
    const exact = entries.filter((e) => e.name.toLowerCase() === lower);
    const matches = exact.length > 0 ? exact : entries.filter((e) => e.name.toLowerCase().startsWith(lower));
    if (matches.length === 1) return matches[0].id as DocumentId;
    if (matches.length === 0) {
      throw new PandafestError(
        `unknown festival "${reference}": no festival id, URL or name here matches it; \`pandafest festival list\` shows what this data directory holds`,
      );
    }
    throw new PandafestError(
      `festival "${reference}" is ambiguous: it matches ${matches.map((m) => `"${m.name}" (${m.id})`).join(", ")}; use the id`,
    );
  }

  async openById(id: DocumentId): Promise<FestivalHandle> {
    let handle: FestivalHandle;
    try {
      // loaded before the repo makes a handle for it: faster, see RepoDocumentStorage.preload
      if (!ownValue(this.repo.handles, id)) await this.documentStorage.preload(id);
      handle = await this.repo.find<Festival>(id);
    } catch (error) {
      // not stored here, stored but damaged (chunks in quarantine), or stored and unreadable: three answers
      const stored = await this.isStored(id).catch(() => true);
      const listed = !stored && (await this.index.has(id).catch(() => false));
      const failure = stored ? unreadableFestival(id, this.dataDir, error) : listed ? missingFestival(id, this.dataDir) : unknownFestival(id, this.dataDir);
      throw await this.damagedOr(id, failure);
    } finally {
      this.documentStorage.discardPreloaded(id);
    }
    await this.checkStoredSchema(id, handle.doc());
    return handle;
  }

  /**
   * What a festival's storage lacks: the chunk files of it moved to quarantine (ever), and the stored changes
   * held back because changes they build on are missing. Reads the stored chunks themselves, never the view cache.
   */
  async storageHealth(id: DocumentId): Promise<StorageHealth> {
    const quarantined = await quarantinedChunkFiles(this.storage.quarantineDirectory, keyToPathParts([id]));
    const doc = (await this.openById(id)).doc();
    if (A.getMissingDeps(doc, []).length === 0) return { quarantined, ...waitingHistory(doc, new Uint8Array(0)) };
    const stored = await readStoredDocument(this.storage, id);
    return { quarantined, ...waitingHistory(doc, stored.bytes) };
  }

  /**
   * checkSchema, except that a festival whose chunks went to quarantine and that no longer reads as a festival
   * (its snapshot was damaged) is reported as damaged, naming the quarantined files and how to get it back.
   */
  private async checkStoredSchema(id: DocumentId, doc: A.Doc<Festival>): Promise<void> {
    try {
      checkSchema(doc);
    } catch (error) {
      throw await this.damagedOr(id, error);
    }
  }

  /**
   * The error for a festival that could not be read: when chunk files of it are in quarantine, one naming them
   * and saying how to get the festival back; otherwise `fallback`.
   */
  private async damagedOr(id: DocumentId, fallback: unknown): Promise<unknown> {
    const quarantined = await quarantinedChunkFiles(this.storage.quarantineDirectory, keyToPathParts([id]));
    if (quarantined.length === 0) return fallback;
    return new PandafestError(
      `festival ${id} is damaged: ${quarantined.length} stored chunk file(s) of it failed their integrity check ` +
        `and were moved to ${this.storage.quarantineDirectory} (${quarantined.join(", ")}; a .reason.txt note next ` +
        `to each says why), and what is left does not hold the festival. Get it again from a peer ` +
        `(\`pandafest serve\` with a peer that has it), a stick, or a bundle (\`pandafest bundle import FILE\`).`,
    );
  }

  /**
   * A whole festival document for reading only (no edits), loaded straight from its stored chunks with
   * A.load, without a repo handle. A festival this store already has open is read from its handle, so
   * edits not yet flushed are seen.
   */
  async read(reference: string): Promise<{ id: DocumentId; doc: A.Doc<Festival> }> {
    const id = await this.resolveId(reference);
    const { doc } = await this.loadForReading(id);
    return { id, doc };
  }

  /**
   * A festival's plain view for reading only (`festival show`, `programme`). When nothing is open here and the
   * festival's stored chunks are exactly those the view cache was computed from (a directory listing, no chunk
   * is read), the cached view is returned; otherwise the festival is loaded, and the cache rewritten. Never for
   * edits, conflicts, history or exports that need the document itself.
   */
  async readView(reference: string): Promise<{ id: DocumentId; heads: string[]; view: FestivalView; confirmations: Record<string, Confirmation>; fromCache: boolean }> {
    const id = await this.resolveId(reference);
    if (!this.openHandle(id)) {
      const chunkKeys = await this.storedChunkKeys(id);
      if (chunkKeys.length === 0) throw await this.damagedOr(id, unknownFestival(id, this.dataDir));
      const cached = await this.viewCache.read(id, chunkKeys);
      if (cached) return { id, ...cached, fromCache: true };
    }
    const { doc, chunkKeys } = await this.loadForReading(id);
    const heads = A.getHeads(doc);
    const staged = this.staged.get(id);
    // this run's own edits show even before they are signed (at commit); otherwise what counts
    const visible = staged === undefined ? visibleFestival(doc, id) : materialized(staged).read();
    const view = festivalView(visible);
    const confirmations = eventConfirmations(visible, id);
    if (chunkKeys) {
      // a cache that cannot be written (read-only data directory, disk full) only costs the next read its shortcut
      await this.viewCache.write(id, chunkKeys, { heads, view, confirmations }).catch(() => undefined);
    }
    return { id, heads, view, confirmations, fromCache: false };
  }

  /**
   * The names of a festival's stored chunks, "snapshot/<hash>" and "incremental/<hash>", sorted: a directory
   * listing, nothing is read. Chunk names are hashes of their contents, so the same list means the same festival.
   */
  async storedChunkKeys(id: DocumentId): Promise<string[]> {
    const keys: string[] = [];
    for (const kind of CHUNK_KINDS) {
      const directory = path.join(this.storage.baseDirectory, ...keyToPathParts([id, kind]));
      await listStoredFiles(directory, kind, keys);
    }
    return keys.sort();
  }

  private openHandle(id: DocumentId): FestivalHandle | undefined {
    const open = ownValue(this.repo.handles, id) as FestivalHandle | undefined;
    return open?.isReady() ? open : undefined;
  }

  // What bundle import, stick sync and a node need of the store, so none of them reaches into its repo or storage.

  /** The festival (or any document a peer sent) as loaded in this store now, when it is ready. */
  loadedHandle(id: string): FestivalHandle | undefined {
    return this.openHandle(id as DocumentId);
  }

  /** The repo's handle of a document, ready or not yet (a document a peer sends arrives on it), if there is one. */
  knownHandle(id: string): DocHandle<unknown> | undefined {
    return ownValue(this.repo.handles, id) as DocHandle<unknown> | undefined;
  }

  /**
   * Which peers this store offers documents to (automerge-repo's share policy); none until a node sets one. With
   * `access`, also which peers may have a document they ask for or send (without it: any peer that knows the id).
   */
  shareWith(policy: SharePolicy, access?: (peerId: PeerId, documentId: DocumentId) => Promise<boolean>): void {
    if (access) this.repo.shareConfig = { announce: policy, access };
    else this.repo.sharePolicy = policy;
  }

  /** The ids of every document loaded and ready now. */
  loadedIds(): DocumentId[] {
    return Object.values(this.repo.handles)
      .filter((handle) => handle.isReady())
      .map((handle) => handle.documentId);
  }

  /** The bytes a festival's stored chunks take, or undefined when none are stored here. */
  async storedBytes(id: string): Promise<number | undefined> {
    const chunks = (await this.storage.loadRange([id])).filter((chunk) => CHUNK_KINDS.includes(chunk.key[1]));
    return chunks.length === 0 ? undefined : chunks.reduce((total, chunk) => total + (chunk.data?.byteLength ?? 0), 0);
  }

  /** Stores a festival not stored here yet as one snapshot (`bytes`: A.save(doc) when already made); the repo loads it as any other. */
  async storeSnapshot(id: string, doc: A.Doc<Festival>, bytes?: Uint8Array): Promise<void> {
    await this.storage.save(snapshotKey(id, A.getHeads(doc)), bytes ?? A.save(doc));
  }

  /**
   * Replaces every stored chunk of a festival by `after`, as one snapshot, crash-safe (a journal: see
   * storage/chunk-replacement.ts). An open handle keeps its document in memory but finds nothing new to save.
   */
  async replaceStored(id: string, after: A.Doc<Festival>): Promise<void> {
    await replaceStoredChunks(this.storage, id, snapshotKey(id, A.getHeads(after)), A.save(after));
  }

  /** Where damaged chunks, refused bundles and set-aside forgeries are kept. */
  get quarantineDirectory(): string {
    return this.storage.quarantineDirectory;
  }

  /** Where festivals' chunks are stored. */
  get documentsDirectory(): string {
    return this.storage.baseDirectory;
  }

  /** This store's peer id in sync (a node compares it with the target of messages addressed to it). */
  get peerId(): PeerId {
    return this.repo.peerId;
  }

  /** Finds a document by id: loaded from storage, or asked of peers. */
  find(id: string): Promise<DocHandle<unknown>> {
    return this.repo.find<unknown>(id as DocumentId);
  }

  /** Makes the repo ask the share policy again (a festival's visibility changed, a peer proved it holds one). */
  shareConfigChanged(): void {
    this.repo.shareConfigChanged();
  }

  /** Syncs with one more peer connection (an outbound node link), from now on. */
  addNetworkAdapter(adapter: NetworkAdapterInterface): void {
    addNetworkAdapter(this.repo, adapter);
  }

  /**
   * Writes every loaded document and disconnects from every peer: a node's close. Not close(): a node never
   * edits (nothing to attest), and automerge-repo's flush-everything throws on the handles peers leave behind
   * for documents this node does not have (requested or guessed ids), which would lose the flush of the rest.
   */
  async flushAndDisconnect(): Promise<void> {
    const ready = this.loadedIds();
    disconnectNetwork(this.repo);
    await this.repo.flush(ready);
  }

  /**
   * The festival from the open handle, else from its stored chunks with A.load; `chunkKeys` names the chunks
   * it was loaded from (undefined when it did not come from them alone).
   */
  private async loadForReading(id: DocumentId): Promise<{ doc: A.Doc<Festival>; chunkKeys?: string[] }> {
    const open = this.openHandle(id);
    if (open) {
      const staged = this.staged.get(id);
      const doc = staged === undefined ? open.doc() : materialized(staged).read(); // this run's own edits, committed or not
      await this.checkStoredSchema(id, doc);
      return { doc };
    }
    const stored = await readStoredDocument(this.storage, id);
    if (stored.chunks.length === 0) throw await this.damagedOr(id, unknownFestival(id, this.dataDir));
    let doc: A.Doc<Festival>;
    try {
      doc = A.load<Festival>(stored.bytes);
    } catch {
      // Should A.load refuse the chunks taken together (changes waiting for missing history), the repo loads them its own way.
      doc = (await this.openById(id)).doc();
      return { doc };
    }
    await this.checkStoredSchema(id, doc);
    return { doc, chunkKeys: stored.chunks.map((chunk) => chunk.key.slice(1).join("/")).sort() };
  }

  /**
   * The editor commands write through; every change also records this user as a member. Its changes form one
   * transaction, applied to the festival only by `commit` (or `close`); `discard` drops them, so a command that
   * fails part way stores nothing. A command's first change is only kept (nothing is copied): most commands make
   * one, and it is applied at commit as one Automerge change, which Automerge rolls back whole should it throw.
   * A second change, or a read after the first, works on a copy of the festival (same actor, so the attestation
   * that follows covers it), made then: at the editing base when some changes do not count (materialized).
   */
  editor(handle: FestivalHandle, identity: Identity): FestivalEditor {
    const id = handle.documentId;
    const withMember = (fn: (doc: Festival) => void) => (draft: Festival) => {
      fn(draft);
      recordMember(draft, identity);
    };
    return {
      read: () => {
        const staged = this.staged.get(id);
        if (staged === undefined) return visibleFestival(handle.doc(), id);
        return materialized(staged).read();
      },
      change: (fn, message) => {
        failAtChange(); // test hook: PANDAFEST_FAIL_AT_CHANGE
        const staged = this.staged.get(id);
        if (staged === undefined) {
          this.staged.set(id, { handle, first: { fn: withMember(fn), message }, signer: identity });
        } else {
          materialized(staged).change(message, withMember(fn));
        }
        this.touched.set(id, handle);
      },
    };
  }

  /** Festivals where this user's edits were kept as proposals (no role there), since the last call; then forgotten. */
  takeProposalNotices(): { id: string; name: string }[] {
    const notices = [...this.proposedIn].map((id) => {
      const handle = this.openHandle(id as DocumentId);
      return { id, name: handle ? String(visibleFestival(handle.doc(), id).name) : id };
    });
    this.proposedIn.clear();
    return notices;
  }

  /** Drops every edit not yet committed: nothing of them reaches the festival, storage or peers. */
  discard(): void {
    for (const id of this.staged.keys()) this.touched.delete(id);
    this.staged.clear();
  }

  /** Applies the staged edits to their festivals, each festival's in one update. */
  private applyStaged(): void {
    const staged = [...this.staged.values()];
    this.staged.clear();
    for (const edits of staged) {
      if (edits.copy === undefined) {
        const fresh = edits.signer === undefined ? null : changesUnderFreshActor(edits.handle.doc(), edits.handle.documentId, edits.signer, edits.first.message, edits.first.fn);
        if (fresh !== null) edits.handle.update((current) => A.applyChanges(current, fresh)[0]);
        else changeHandleVisibly(edits.handle, edits.first.fn, edits.first.message);
        continue;
      }
      const changes = edits.copy.changes();
      if (changes.length > 0) edits.handle.update((current) => A.applyChanges(current, changes)[0]);
      edits.copy.finish(); // a copy at the editing base is kept: the signature that follows is written on it
    }
  }

  /** The festival as its members see it (engine/core/governance): only the changes that count. */
  visible(handle: FestivalHandle): A.Doc<Festival> {
    return visibleFestival(handle.doc(), handle.documentId);
  }

  async editorFor(reference: string): Promise<{ handle: FestivalHandle; editor: FestivalEditor; identity: Identity }> {
    const identity = await this.requireIdentity();
    const handle = await this.resolve(reference);
    return { handle, editor: this.editor(handle, identity), identity };
  }

  /** Signs attestations for every festival edited since the last call, refreshes the index, and writes to disk. */
  async commit(): Promise<void> {
    await this.attest();
    await this.flush();
  }

  /**
   * Signs attestations for every festival edited since the last call and refreshes the index, without waiting for
   * the disk: the edits are then complete in memory (and sync to peers), and the repo saves them shortly after.
   */
  async attest(): Promise<void> {
    this.applyStaged();
    const identity = this.touched.size > 0 ? await this.identity() : null; // read-only runs need no key
    for (const [id, handle] of this.touched) {
      if (identity) {
        const apply = attestationChange(handle.doc(), id, identity);
        if (apply !== null) changeHandleVisibly(handle, apply, ATTESTATION_MESSAGE);
      }
      if (ownLatestIsProposal(handle.doc(), id)) this.proposedIn.add(id);
      const doc = visibleFestival(handle.doc(), id);
      const entry = indexEntryOf(id, doc);
      const known = this.indexed.get(id);
      if (known && known.name === entry.name && known.visibility === entry.visibility) continue; // the index already says so
      if (await this.index.has(id)) {
        await this.index.put(entry);
        this.indexed.set(id, entry);
      }
    }
    if (this.touched.size > 0 && internals().usable) wasmHeapSteps.afterEdit();
    this.touched.clear();
  }

  /**
   * Writes every loaded festival to disk. Handles that never became ready (an id asked for but not stored
   * here) are skipped: automerge-repo's own flush would throw on them.
   */
  async flush(): Promise<void> {
    const ready = Object.values(this.repo.handles)
      .filter((handle) => handle.isReady())
      .map((handle) => handle.documentId);
    await this.repo.flush(ready);
  }

  async close(): Promise<void> {
    await this.commit();
    disconnectNetwork(this.repo);
  }
}


/** A command's edits of one festival not yet applied: its first change, and the staged copy once there is more to it. */
interface StagedEdits {
  handle: FestivalHandle;
  /** who edits: a one-change command whose actor may no longer build on its own latest change is made (and signed) under a fresh actor */
  signer?: Identity;
  first: { fn: (doc: Festival) => void; message: string };
  copy?: EditsAtBase;
}

/**
 * The staged edits' copy (made now when there is none yet, with the first change made): of the whole festival when
 * every change counts, else at the editing base, so the edits build only on what counts and each on the one before.
 * With no replica at the base the edits are made with changeAt (edit-at-base.ts): a run is one command, so copying
 * the festival at the base (a replay) would not pay.
 */
function materialized(edits: StagedEdits): EditsAtBase {
  if (edits.copy === undefined) {
    const current = edits.handle.doc();
    edits.copy = new EditsAtBase(current, editingBase(current, edits.handle.documentId));
    edits.copy.change(edits.first.message, edits.first.fn);
  }
  return edits.copy;
}

/** One change to a handle's festival, at the editing base when some changes do not count. */
function changeHandleVisibly(handle: FestivalHandle, apply: (draft: Festival) => void, message: string): void {
  const at = editingBase(handle.doc(), handle.documentId);
  if (at === null) {
    handle.change(apply, { message });
    return;
  }
  const changes = changeAtHeads(handle.doc(), at, message, apply);
  if (changes.length > 0) handle.update((current) => A.applyChanges(current, changes)[0]);
}

/** Whether this process's latest change of the festival does not count (kept as a proposal or pending). */
function ownLatestIsProposal(doc: A.Doc<Festival>, id: string): boolean {
  const governance = governanceOf(doc, id);
  if (governance.allCount) return false;
  const latest = latestChangeOf(governance.metadata, A.getActorId(doc), (change) => change.message !== ATTESTATION_MESSAGE);
  return latest >= 0 && governance.changes[latest]?.status !== "counts";
}

function unknownFestival(id: string, dataDir: string): PandafestError {
  return new PandafestError(`unknown festival ${id}: it is not stored in ${dataDir}`);
}

function missingFestival(id: string, dataDir: string): PandafestError {
  return new PandafestError(
    `festival ${id} is followed in ${dataDir} but none of its data is stored there (removed or lost); ` +
      `get it again from a peer, a stick or a bundle, or run \`pandafest festival forget ${id}\` to stop following it`,
    { code: "data" },
  );
}

function unreadableFestival(id: string, dataDir: string, cause: unknown): PandafestError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new PandafestError(
    `festival ${id} is stored in ${dataDir} but could not be read (${reason}); check that its files under documents/ ` +
      "are readable by you, run `pandafest check`, or get it again from a peer, a stick or a bundle",
    { code: "data", cause },
  );
}

/** Adds "<prefix>/<relative path>" for every stored file under directory (skipping temporary files and links). */
async function listStoredFiles(directory: string, prefix: string, found: string[]): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(directory, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return;
    throw error;
  }
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    if (entry.isFile()) found.push(`${prefix}/${entry.name}`);
    else if (entry.isDirectory()) await listStoredFiles(path.join(directory, entry.name), `${prefix}/${entry.name}`, found);
  }
}

export function festivalUrl(id: string): string {
  return stringifyAutomergeUrl(id as DocumentId);
}

/** A festival's entry in the index, as its document says now (only an exact "public" is listed as public). */
function indexEntryOf(id: string, doc: Festival): { id: string; name: string; visibility: "public" | "private" } {
  const { name, visibility } = festivalSettingsOf(doc);
  return { id, name, visibility };
}

export { recordMember };
