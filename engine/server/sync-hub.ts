// The hub relay: syncs this server's documents with its websocket clients directly on each document's wasm backend,
// taking a burst of incoming messages in one document update and fanning changes out to the clients at a bounded rate.
import * as A from "@automerge/automerge";
import type { DocHandle, DocumentId, Message, Repo } from "@automerge/automerge-repo";
import type { SyncProtocolMessage } from "./sync-messages.js";
import { wasmSyncStateFactory, type BackendSyncState } from "./wasm-sync-state.js";

/** Default shortest time between two rounds of one document: a burst within it is taken and fanned out at once. */
export const DEFAULT_HUB_ROUND_MS = 25;

/** A message the hub sends to one of its peers. */
export type HubOutgoingMessage =
  | { type: "sync"; senderId: string; targetId: string; documentId: string; data: Uint8Array }
  | (Message & { type: "ephemeral" });

export interface SyncHubOptions {
  repo: Repo;
  /** delivers a message to a connected peer; false when it is no longer connected */
  send: (peerId: string, message: HubOutgoingMessage) => boolean;
  /** closes a peer's connection because of what it sent */
  refuse: (peerId: string, reason: string) => void;
  /** shortest time between two rounds of one document (ms) */
  roundMs?: number;
}

interface HubDocument {
  readonly id: string;
  readonly handle: DocHandle<unknown>;
  /** the hub's peers of this document and the sync state of each */
  readonly peers: Map<string, BackendSyncState>;
  /** sync messages received since the last round, in arrival order */
  inbox: Array<{ peerId: string; data: Uint8Array }>;
  /** the document changed (here or elsewhere) since the last fan-out */
  changed: boolean;
  inRound: boolean;
  lastRoundAt: number;
  /** cancels the scheduled round, if one is */
  cancelRound: (() => void) | undefined;
  stopListening: () => void;
}

/**
 * Takes over, per (peer, document), the sync that automerge-repo's DocSynchronizer would do: it claims a client's
 * sync or request message for a document this server holds and keeps that pair's sync state in wasm. Everything else
 * (documents not held yet, other nodes, ephemeral messages, unknown ids) stays with the repo, and a pair the repo
 * started with stays with the repo for as long as the connection lasts, so no peer ever has two sync states here.
 */
export class SyncHub {
  private readonly documents = new Map<string, HubDocument>();
  /** "peerId\0documentId" pairs the repo syncs (the hub never claims them) */
  private readonly repoPairs = new Set<string>();
  private readonly newSyncState: (() => BackendSyncState) | undefined;
  private readonly roundMs: number;
  private readonly stopRelayingEphemeral: () => void;
  private closed = false;

  constructor(private readonly options: SyncHubOptions) {
    this.newSyncState = wasmSyncStateFactory();
    this.roundMs = options.roundMs ?? DEFAULT_HUB_ROUND_MS;
    const relay = (message: Message) => this.relayEphemeral(message);
    options.repo.networkSubsystem.on("message", relay);
    this.stopRelayingEphemeral = () => options.repo.networkSubsystem.off("message", relay);
  }

  /** Whether the hub can work here (else every message goes to the repo, as without it). */
  get enabled(): boolean {
    return this.newSyncState !== undefined;
  }

  /** Number of (peer, document) pairs the hub syncs. */
  get pairCount(): number {
    let count = 0;
    for (const document of this.documents.values()) count += document.peers.size;
    return count;
  }

  /**
   * Offers a validated message from a client; true when the hub handles it (the repo must then not see it).
   * A sync or request for a document this server holds is the hub's; anything else is the repo's.
   */
  claim(message: SyncProtocolMessage): boolean {
    if (this.closed || !this.newSyncState) return false;
    if (message.type !== "sync" && message.type !== "request") return false;
    const { senderId, documentId, data } = message as SyncProtocolMessage & { documentId: string; data: Uint8Array };
    const pair = `${senderId}\0${documentId}`;
    if (this.repoPairs.has(pair)) return false;
    let document = this.documents.get(documentId);
    if (!document?.peers.has(senderId)) {
      const handle = this.options.repo.handles[documentId as DocumentId] as DocHandle<unknown> | undefined;
      if (!handle?.isReady()) {
        this.repoPairs.add(pair);
        return false;
      }
      document ??= this.openDocument(documentId, handle);
      document.peers.set(senderId, this.newSyncState());
    }
    document.inbox.push({ peerId: senderId, data });
    this.schedule(document);
    return true;
  }

  /** A peer's connection closed: forget its sync states. */
  peerLeft(peerId: string): void {
    for (const document of this.documents.values()) this.dropPeer(document, peerId);
    for (const pair of this.repoPairs) if (pair.startsWith(`${peerId}\0`)) this.repoPairs.delete(pair);
  }

  /** Stops relaying; what was received and not yet taken in is taken in first, so the repo saves it. */
  close(): void {
    if (this.closed) return;
    this.stopRelayingEphemeral();
    for (const document of [...this.documents.values()]) {
      clearTimer(document);
      if (document.inbox.length > 0 && document.handle.isReady()) this.round(document);
      this.closeDocument(document);
    }
    this.closed = true;
    this.repoPairs.clear();
  }

  private openDocument(id: string, handle: DocHandle<unknown>): HubDocument {
    const document: HubDocument = {
      id,
      handle,
      peers: new Map(),
      inbox: [],
      changed: false,
      inRound: false,
      lastRoundAt: 0,
      cancelRound: undefined,
      stopListening: () => undefined,
    };
    // changes from anywhere (the hub's own rounds, the repo's peers, local edits) reach the hub's peers
    const onHeadsChanged = () => {
      document.changed = true;
      if (!document.inRound) this.schedule(document);
    };
    const onGone = () => this.closeDocument(document);
    handle.on("heads-changed", onHeadsChanged);
    handle.on("delete", onGone);
    document.stopListening = () => {
      handle.off("heads-changed", onHeadsChanged);
      handle.off("delete", onGone);
    };
    this.documents.set(id, document);
    return document;
  }

  private closeDocument(document: HubDocument): void {
    clearTimer(document);
    document.stopListening();
    for (const state of document.peers.values()) state.free();
    document.peers.clear();
    this.documents.delete(document.id);
  }

  private dropPeer(document: HubDocument, peerId: string): void {
    const state = document.peers.get(peerId);
    if (!state) return;
    document.peers.delete(peerId);
    document.inbox = document.inbox.filter((entry) => entry.peerId !== peerId);
    state.free();
  }

  /** Runs a round at once when the document was quiet for `roundMs`, else when that much time has passed since the last. */
  private schedule(document: HubDocument): void {
    if (document.cancelRound !== undefined || this.closed) return;
    const wait = document.lastRoundAt + this.roundMs - performance.now();
    const run = () => {
      document.cancelRound = undefined;
      this.round(document);
    };
    if (wait <= 0) {
      const immediate = setImmediate(run);
      document.cancelRound = () => clearImmediate(immediate);
    } else {
      const timeout = setTimeout(run, wait);
      document.cancelRound = () => clearTimeout(timeout);
    }
  }

  /**
   * One round: every message received since the last round goes into the document in a single handle update
   * (so the JS document, storage and the repo's other peers hear of it once), each sender gets an answer, and
   * when the document changed every peer of the hub gets what it lacks.
   */
  private round(document: HubDocument): void {
    if (!document.handle.isReady()) return this.closeDocument(document);
    document.lastRoundAt = performance.now();
    const inbox = document.inbox;
    document.inbox = [];
    const answered = new Set<string>();
    const refused = new Map<string, string>();
    if (inbox.length > 0) {
      document.inRound = true;
      try {
        document.handle.update((doc) => {
          // marks `doc` as the state before this round (the handle compares it with the result), and gives the live successor
          const [live] = A.applyChanges(doc, []);
          const backend = A.getBackend(live);
          for (const { peerId, data } of inbox) {
            const state = document.peers.get(peerId);
            if (!state || refused.has(peerId)) continue;
            try {
              backend.receiveSyncMessage(state, data);
              answered.add(peerId);
            } catch (error) {
              refused.set(peerId, `sync message for ${document.id} could not be applied (${error instanceof Error ? error.message : String(error)})`);
            }
          }
          return A.applyChanges(live, [])[0];
        });
      } finally {
        document.inRound = false;
      }
    }
    for (const [peerId, reason] of refused) {
      this.dropPeer(document, peerId);
      this.options.refuse(peerId, reason);
    }
    const backend = A.getBackend(document.handle.doc());
    const recipients = document.changed ? [...document.peers.keys()] : [...answered];
    document.changed = false;
    for (const peerId of recipients) {
      const state = document.peers.get(peerId);
      if (!state) continue;
      const data = backend.generateSyncMessage(state);
      if (!data) continue;
      const senderId = this.options.repo.peerId;
      if (!this.options.send(peerId, { type: "sync", senderId, targetId: peerId, documentId: document.id, data })) this.dropPeer(document, peerId);
    }
  }

  /** Ephemeral messages (from the hub's peers or any other) reach the hub's other peers of the document, as the repo does for its own. */
  private relayEphemeral(message: Message): void {
    if (message.type !== "ephemeral" || this.closed) return;
    const document = this.documents.get(message.documentId as string);
    if (!document) return;
    for (const peerId of document.peers.keys()) {
      if (peerId === message.senderId) continue;
      this.options.send(peerId, { ...message, targetId: peerId } as HubOutgoingMessage);
    }
  }
}

function clearTimer(document: HubDocument): void {
  document.cancelRound?.();
  document.cancelRound = undefined;
}
