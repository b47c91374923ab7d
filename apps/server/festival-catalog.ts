// The festivals a running server holds: those the data directory follows, loaded at start, plus festivals that
// arrive from peers and pass the follow rule (followed from then on). Keeps names, visibility and sharing current.
import type * as A from "@automerge/automerge";
import type { DocHandle, DocumentId } from "@automerge/automerge-repo";
import { discoveryKey } from "../../bundles/format/discovery.js";
import { verifyHistory } from "../../engine/core/provenance.js";
import type { Festival, Visibility } from "../../engine/core/schema.js";
import type { FestivalStore } from "../../engine/node/store.js";
import { visibilityOf } from "../../engine/core/views.js";
import { visibleReplica } from "../../engine/core/governance/index.js";
import { silentLog, type ServerLog } from "./log.js";
import { syncOnEveryHeadsChange } from "../../engine/sync/sync-nudge.js";
import { ownValue } from "../../engine/core/own-value.js";

export interface CatalogEntry {
  id: string;
  name: string;
  description: string;
  visibility: Visibility;
  timeZone: string;
  startDate: string;
  endDate: string;
  discoveryKey: string;
}

/** A document is treated as a festival when it has the festival skeleton; anything else is stored but not followed. */
export function festivalSummary(id: string, doc: unknown): CatalogEntry | undefined {
  if (!doc || typeof doc !== "object") return undefined;
  const festival = doc as Partial<Record<keyof Festival, unknown>>;
  // not the schema number: any writer can set or remove it (see schemaStanding)
  if (festival.name == null || typeof festival.venues !== "object" || typeof festival.events !== "object" || typeof festival.authors !== "object") {
    return undefined;
  }
  const text = (value: unknown) => (value == null ? "" : String(value));
  return {
    id,
    name: text(festival.name),
    description: text(festival.description),
    visibility: visibilityOf(festival.visibility),
    timeZone: text(festival.timeZone),
    startDate: text(festival.startDate),
    endDate: text(festival.endDate),
    discoveryKey: discoveryKey(id),
  };
}

/** The festival as its members see it (its name and visibility are never an outsider's), or the document as it is. */
function shownFestival(id: string, doc: unknown): unknown {
  try {
    return visibleReplica(doc as A.Doc<Festival>, id);
  } catch {
    return doc;
  }
}

export class FestivalCatalog {
  private readonly entries = new Map<string, CatalogEntry>();
  private readonly tracked = new Set<string>();
  private readonly listeners = new Set<() => void>();
  /** told every festival's visibility as it is followed or changes (the node's sharing policy listens) */
  private readonly visibilityListeners = new Set<(id: string, visibility: Visibility) => void>();
  private readonly log: ServerLog;
  /** told every version of a tracked document as its heads change (who may have it is re-decided on each) */
  private readonly documentListeners = new Set<(id: string, doc: unknown) => void>();

  constructor(
    private readonly store: FestivalStore,
    log?: ServerLog,
  ) {
    this.log = log ?? silentLog;
  }

  private readonly pending = new Set<string>();
  /** documents another node (authenticated) sent or asked about: followed once they are festivals */
  private readonly fromNodes = new Set<string>();
  /** documents seen that did not pass the follow rule (yet): not listed, announced or indexed */
  private readonly unfollowed = new Set<string>();
  /** festivals that passed the follow rule (or were followed here already at start) */
  private readonly followed = new Set<string>();
  /** the follow decisions under way (one index read each) */
  private readonly deciding = new Set<string>();
  /** the newest document reported while its follow decision was under way */
  private readonly decideAgain = new Map<string, unknown>();

  /** Loads every followed festival. Festivals arriving from peers are followed as `noticeDocument` reports them. */
  async start(): Promise<void> {
    for (const entry of await this.store.index.list()) await this.followIndexed(entry);
  }

  /** The ids the index holds now (see catchUpWithIndex). */
  async indexedIds(): Promise<Set<string>> {
    return new Set((await this.store.index.list()).map((entry) => entry.id));
  }

  /**
   * After a command ran on this server's store: festivals it followed (created, imported, forked, synced from a
   * stick) are loaded and listed, and those it forgot (in the index `before` it, not after) are no longer listed.
   */
  async catchUpWithIndex(before: Set<string>): Promise<void> {
    const now = await this.store.index.list();
    for (const entry of now) if (!this.followed.has(entry.id)) await this.followIndexed(entry);
    const kept = new Set(now.map((entry) => entry.id));
    let dropped = false;
    for (const id of before) {
      if (kept.has(id)) continue;
      this.followed.delete(id);
      dropped = this.entries.delete(id) || dropped;
    }
    if (dropped) for (const listener of this.listeners) listener();
  }

  private async followIndexed(entry: { id: string; name: string; visibility: "public" | "private" }): Promise<void> {
    this.followed.add(entry.id);
    this.tellVisibility(entry.id, entry.visibility);
    try {
      const handle = await this.store.find(entry.id);
      this.track(handle);
    } catch (error) {
      this.log.warn(`festival ${entry.id} (${entry.name}) is followed but could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  list(): CatalogEntry[] {
    return [...this.entries.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  get(id: string): CatalogEntry | undefined {
    return this.entries.get(id);
  }

  publicIds(): string[] {
    return this.list().filter((e) => e.visibility === "public").map((e) => e.id);
  }

  /** The loaded handle of a festival this server holds. */
  handle(id: string): DocHandle<unknown> | undefined {
    if (!this.entries.has(id)) return undefined;
    return this.store.loadedHandle(id);
  }

  /** Calls `listener` with each festival's visibility when it is followed and whenever it changes. */
  onVisibility(listener: (id: string, visibility: Visibility) => void): void {
    this.visibilityListeners.add(listener);
  }

  private tellVisibility(id: string, visibility: Visibility): void {
    for (const listener of this.visibilityListeners) listener(id, visibility);
  }

  /** Calls `listener` with every tracked document as it is first tracked and on every change of its heads. */
  onDocument(listener: (id: string, doc: unknown) => void): void {
    this.documentListeners.add(listener);
  }

  private tellDocument(id: string, doc: unknown): void {
    for (const listener of this.documentListeners) listener(id, doc);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A peer sent a message about this document. The repo opens a handle for it shortly (after its access
   * check); once there, it is followed like any festival here (if it is one).
   */
  noticeDocument(documentId: string, from: "node" | "client" = "client"): void {
    if (from === "node" && !this.followed.has(documentId)) {
      this.fromNodes.add(documentId);
      // a festival seen from a client first and now from a node is followed
      const handle = this.store.knownHandle(documentId);
      if (handle?.isReady()) this.refresh(documentId, handle.doc());
    }
    if (this.tracked.has(documentId) || this.pending.has(documentId)) return;
    this.pending.add(documentId);
    const delays = [0, 20, 100, 500, 2000];
    const attempt = (index: number) => {
      const handle = this.store.knownHandle(documentId);
      if (handle) {
        this.pending.delete(documentId);
        this.track(handle);
      } else if (index < delays.length) {
        setTimeout(() => attempt(index + 1), delays[index]).unref();
      } else {
        this.pending.delete(documentId); // never opened (access denied, or the repo gave up); a later message tries again
      }
    };
    attempt(0);
  }

  /** A document a peer asked for and this node never held was given up on: nothing about it is kept here either. */
  forgetUnheld(documentId: string): void {
    if (this.followed.has(documentId) || this.entries.has(documentId)) return;
    this.tracked.delete(documentId);
    this.pending.delete(documentId);
    this.fromNodes.delete(documentId);
  }

  private track(handle: DocHandle<unknown>): void {
    if (this.tracked.has(handle.documentId)) return;
    this.tracked.add(handle.documentId);
    // the first heads-changed of a document arriving from a peer comes before the handle counts as ready
    handle.on("heads-changed", ({ doc }) => {
      this.tellDocument(handle.documentId, doc);
      this.refresh(handle.documentId, doc);
    });
    syncOnEveryHeadsChange(handle);
    if (handle.isReady()) {
      this.tellDocument(handle.documentId, handle.doc());
      this.refresh(handle.documentId, handle.doc());
    }
  }

  /** How many documents were seen and not followed (planted by clients, or not festivals made by pandafest). */
  get unfollowedCount(): number {
    return this.unfollowed.size;
  }

  private refresh(documentId: string, doc: unknown): void {
    const summary = festivalSummary(documentId, shownFestival(documentId, doc));
    if (!summary) return;
    if (this.followed.has(summary.id)) this.update(summary);
    else void this.decideToFollow(documentId, doc);
  }

  /**
   * The follow rule for a festival this node does not follow yet. It is followed (listed, announced to nodes,
   * recorded in the index) when somebody on this node follows it (the index: the CLI wrote it), when an
   * authenticated node sent it, or when every change in it is signed by its author (made by pandafest: the
   * web app, another node's CLI). A document a bare client wrote is kept as automerge-repo stores it, but
   * never listed or passed on: a client cannot plant festivals that every node then copies.
   */
  private async decideToFollow(documentId: string, reported: unknown): Promise<void> {
    if (this.deciding.has(documentId)) {
      this.decideAgain.set(documentId, reported);
      return;
    }
    this.deciding.add(documentId);
    try {
      const inIndex = this.fromNodes.has(documentId) || (await this.store.index.has(documentId).catch(() => false));
      // the document may have changed while the index was read: decide on the newest document reported. (The
      // first heads-changed of a document arriving from a peer comes before its handle counts as ready.)
      const handle = this.store.knownHandle(documentId);
      const doc = handle?.isReady() ? handle.doc() : (this.decideAgain.get(documentId) ?? reported);
      this.decideAgain.delete(documentId);
      const current = festivalSummary(documentId, doc);
      if (current === undefined) return;
      const follow = inIndex || this.fromNodes.has(documentId) || verifyHistory(doc as Festival, documentId).every((change) => change.verified);
      if (!follow) {
        if (!this.unfollowed.has(documentId)) this.log.info(`not following document ${documentId.slice(0, 8)}…: a client wrote it, and not every change is signed by its author`);
        this.unfollowed.add(documentId);
        return;
      }
      this.unfollowed.delete(documentId);
      this.followed.add(documentId);
      this.update(current);
    } finally {
      this.deciding.delete(documentId);
      // a change arrived while deciding: decide again on it (an edit and its attestation may arrive apart)
      const again = this.decideAgain.get(documentId);
      if (again !== undefined && !this.followed.has(documentId)) void this.decideToFollow(documentId, again);
      else this.decideAgain.delete(documentId);
    }
  }

  private update(summary: CatalogEntry): void {
    const previous = this.entries.get(summary.id);
    this.entries.set(summary.id, summary);
    this.tellVisibility(summary.id, summary.visibility);
    if (previous && previous.name === summary.name && previous.visibility === summary.visibility) return;
    this.store.index
      .put({ id: summary.id, name: summary.name, visibility: summary.visibility })
      .catch((error: unknown) => this.log.warn(`could not record festival ${summary.id} in the index: ${error instanceof Error ? error.message : String(error)}`));
    if (!previous) this.log.info(`following festival "${summary.name}" (${summary.visibility === "public" ? summary.id : summary.discoveryKey.slice(0, 16)})`);
    for (const listener of this.listeners) listener();
  }
}
