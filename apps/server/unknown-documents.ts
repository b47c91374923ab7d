// Documents peers ask for that this node does not hold: automerge-repo keeps a handle and a synchronizer for each
// such id for ever. These are counted per peer (a peer past its quota is refused) and forgotten, oldest first.
import type { DocumentId, HandleState, Repo } from "@automerge/automerge-repo";

export interface UnknownDocumentLimits {
  /** ids one peer may have asked for that this node does not hold; one more closes its connection */
  perPeer: number;
  /** such ids remembered in all; past it the oldest is forgotten */
  total: number;
}

export const DEFAULT_UNKNOWN_DOCUMENT_LIMITS: UnknownDocumentLimits = { perPeer: 256, total: 4096 };

export class UnknownDocuments {
  /** id -> the peers that asked for it, in the order the ids were first asked for (oldest first) */
  private readonly askers = new Map<string, Set<string>>();
  private readonly byPeer = new Map<string, Set<string>>();

  constructor(
    private readonly repo: Repo,
    private readonly limits: UnknownDocumentLimits = DEFAULT_UNKNOWN_DOCUMENT_LIMITS,
    /** told each id whose handle was dropped, so what else remembers it can let go too */
    private readonly onForgotten: (documentId: string) => void = () => undefined,
  ) {}

  /** How many ids are remembered as asked for and not held. */
  get size(): number {
    return this.askers.size;
  }

  /**
   * A peer asked for (or sent a sync message about) a document. Returns false when the peer is over its quota
   * of documents this node does not hold: the caller closes its connection.
   */
  asked(peerId: string, documentId: string): boolean {
    if (this.holds(documentId)) return true;
    let mine = this.byPeer.get(peerId);
    if (mine?.has(documentId)) return true;
    if (mine) this.dropHeld(mine);
    if ((mine?.size ?? 0) >= this.limits.perPeer) return false;
    if (!mine) this.byPeer.set(peerId, (mine = new Set()));
    mine.add(documentId);
    const peers = this.askers.get(documentId);
    if (peers) peers.add(peerId);
    else this.askers.set(documentId, new Set([peerId]));
    while (this.askers.size > this.limits.total) {
      const oldest = this.askers.keys().next();
      if (oldest.done) break;
      this.forget(oldest.value);
    }
    return true;
  }

  /** The peer left: the ids only it asked for are forgotten. */
  peerLeft(peerId: string): void {
    const mine = this.byPeer.get(peerId);
    if (!mine) return;
    this.byPeer.delete(peerId);
    for (const documentId of mine) {
      const peers = this.askers.get(documentId);
      peers?.delete(peerId);
      if (peers && peers.size === 0) this.forget(documentId);
    }
  }

  private holds(documentId: string): boolean {
    return this.repo.handles[documentId as DocumentId]?.isReady() === true;
  }

  /** Ids that arrived since they were asked for no longer count against a peer. */
  private dropHeld(ids: Set<string>): void {
    for (const documentId of ids) {
      if (!this.holds(documentId)) continue;
      ids.delete(documentId);
      this.askers.delete(documentId);
    }
  }

  /**
   * Stops remembering an id and, once the repo has found it unavailable (in storage and with its peers), drops the
   * repo's handle. repo.removeFromCache throws for a handle that is not ready, so repo.delete does it: it also
   * removes the id's storage, which is safe only because an unavailable id has none (storage was read first).
   *
   * The delete waits one macrotask past the handle settling: the repo's own find is still finishing on that same
   * settling, and a delete before it ends makes it fail, and its failure path creates a fresh handle for the id
   * that never loads (automerge-repo 2.5.6, Repo#loadDocumentWithProgress), which would then be kept for ever.
   */
  private forget(documentId: string): void {
    for (const peerId of this.askers.get(documentId) ?? []) this.byPeer.get(peerId)?.delete(documentId);
    this.askers.delete(documentId);
    const handle = this.repo.handles[documentId as DocumentId];
    if (!handle) return;
    void handle
      .whenReady([...SETTLED_STATES])
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        if (this.askers.has(documentId)) return; // asked for again meanwhile
        if (handle.state !== "unavailable" || this.repo.handles[documentId as DocumentId] !== handle) return;
        this.repo.delete(documentId as DocumentId);
        this.onForgotten(documentId);
      }, () => undefined);
  }
}

const SETTLED_STATES: readonly HandleState[] = ["ready", "unavailable", "deleted", "unloaded"];
