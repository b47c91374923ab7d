// The hub relay: syncs this server's documents with its websocket clients directly on each document's wasm backend,
// taking a burst of incoming messages in one document update and fanning changes out to the clients at a bounded rate.
import * as A from "@automerge/automerge";
import { documentBackend } from "../../engine/internals/automerge-backend.js";
import { onNetworkMessage } from "../../engine/internals/repo-network.js";
import type { DocHandle, DocumentId, Message, PeerId, Repo, StorageAdapterInterface } from "@automerge/automerge-repo";
import { HubSyncStates, persistentStorageId, type StoredSyncState } from "../../engine/internals/node/hub-sync-states.js";
import type { SyncProtocolMessage } from "./sync-messages.js";
import { plainAcknowledgementTaker, type PlainAcknowledgementTaker } from "../../engine/internals/node/plain-acknowledgement.js";
import { wasmSyncStateCodec, wasmSyncStateFactory, wasmSyncStateFields, type BackendSyncState } from "../../engine/internals/node/wasm-sync-state.js";
import { ownValue } from "../../engine/core/own-value.js";
import { keepStandbyReplica } from "../../engine/core/governance/index.js";
import type { Festival } from "../../engine/core/schema.js";

/** Default shortest time between two rounds of one document: a burst within it is taken and fanned out at once. */
export const DEFAULT_HUB_ROUND_MS = 25;
/**
 * Longest wait for a client to acknowledge changes the hub sent before it is sent more: a client that keeps up
 * answers within a round, one that falls behind gets one larger message per answer instead of one per round.
 */
export const ACKNOWLEDGEMENT_WAIT_MS = 15_000;
/** Most messages a pair may send while its stored sync state loads (a load is one small file read). */
const MAX_MESSAGES_WHILE_LOADING = 256;

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
  /** longest wait for a client to answer changes before it is sent more (ms); default ACKNOWLEDGEMENT_WAIT_MS */
  answerWaitMs?: number;
  /** the repo's storage: clients that announce a storageId (and are not ephemeral) keep their sync states there */
  storage?: StorageAdapterInterface;
  /** most sync states stored per document */
  maxStoredSyncStates?: number;
  /** shortest time between two saves of one pair's sync state (ms) */
  syncStateSaveMs?: number;
  /** reports a stored sync state that could not be read or written */
  warn?: (message: string) => void;
  /**
   * Whether a peer may exchange the document with this node now (a members-only festival: only members' proved
   * keys). Asked as each message is taken in and before each is sent; a peer that may not is left to the repo, which
   * answers it as if the document were unavailable.
   */
  mayExchange?: (peerId: string, documentId: string) => boolean;
}

/** What the hub has taken in since it started. */
export interface SyncHubStats {
  /** plain acknowledgements taken in by setting the sync state (no walk over the history) */
  plainAcknowledgements: number;
  /** messages received through Automerge's own receive */
  receivedMessages: number;
}

/** One peer of a document. */
interface HubPeer {
  /** undefined while its stored sync state loads */
  state: BackendSyncState | undefined;
  /** messages received while the stored state loads, in arrival order */
  waiting: Uint8Array[];
  /** where its state is kept across connections, if it is */
  stored: StoredSyncState | undefined;
  /** when the hub last sent it changes it has not answered yet */
  unansweredSince: number | undefined;
}

interface HubDocument {
  readonly id: string;
  readonly handle: DocHandle<unknown>;
  /** the hub's peers of this document and the sync state of each */
  readonly peers: Map<string, HubPeer>;
  /** sync messages received since the last round, in arrival order */
  inbox: Array<{ peerId: string; data: Uint8Array }>;
  /** the document changed (here or elsewhere) since the last fan-out */
  changed: boolean;
  inRound: boolean;
  lastRoundAt: number;
  /** cancels the scheduled round, if one is */
  cancelRound: (() => void) | undefined;
  /** a round for peers whose wait for an answer runs out, if one is due */
  answerDeadline: NodeJS.Timeout | undefined;
  stopListening: () => void;
}

/**
 * Takes over, per (peer, document), the sync that automerge-repo's DocSynchronizer would do: it claims a client's
 * sync or request message for a document this server holds and keeps that pair's sync state in wasm. Everything else
 * (documents not held yet, other nodes, ephemeral messages, unknown ids) stays with the repo, and a pair the repo
 * started with stays with the repo for as long as the connection lasts, so no peer ever has two sync states here.
 * A client that announces a storageId and is not ephemeral keeps its sync states across connections, as with the
 * repo (same storage key and bytes): a reconnection then starts from the heads both sides share.
 */
export class SyncHub {
  private readonly documents = new Map<string, HubDocument>();
  /** "peerId\0documentId" pairs the repo syncs (the hub never claims them) */
  private readonly repoPairs = new Set<string>();
  private readonly newSyncState: (() => BackendSyncState) | undefined;
  private readonly roundMs: number;
  private readonly answerWaitMs: number;
  private readonly stopRelayingEphemeral: () => void;
  private readonly syncStates: HubSyncStates | undefined;
  private readonly takePlainAcknowledgement: PlainAcknowledgementTaker | undefined;
  private readonly counts: SyncHubStats = { plainAcknowledgements: 0, receivedMessages: 0 };
  private closed = false;

  constructor(private readonly options: SyncHubOptions) {
    this.newSyncState = wasmSyncStateFactory();
    this.roundMs = options.roundMs ?? DEFAULT_HUB_ROUND_MS;
    this.answerWaitMs = options.answerWaitMs ?? ACKNOWLEDGEMENT_WAIT_MS;
    const fields = wasmSyncStateFields();
    this.takePlainAcknowledgement = fields && this.newSyncState ? plainAcknowledgementTaker(fields, this.newSyncState) : undefined;
    const codec = wasmSyncStateCodec();
    if (options.storage && codec) {
      this.syncStates = new HubSyncStates({
        storage: options.storage,
        codec,
        maxPerDocument: options.maxStoredSyncStates,
        saveIntervalMs: options.syncStateSaveMs,
        warn: options.warn,
      });
    }
    this.stopRelayingEphemeral = onNetworkMessage(options.repo, (message: Message) => this.relayEphemeral(message));
  }

  /** Whether the hub can work here (else every message goes to the repo, as without it). */
  get enabled(): boolean {
    return this.newSyncState !== undefined;
  }

  get stats(): SyncHubStats {
    return { ...this.counts };
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
    if (!this.allowed(senderId, documentId)) {
      if (document) this.dropPeer(document, senderId, false);
      this.repoPairs.add(pair);
      return false;
    }
    if (!document?.peers.has(senderId)) {
      const handle = ownValue(this.options.repo.handles, documentId) as DocHandle<unknown> | undefined;
      if (!handle?.isReady()) {
        this.repoPairs.add(pair);
        return false;
      }
      document ??= this.openDocument(documentId, handle);
      this.addPeer(document, senderId);
    }
    const peer = document.peers.get(senderId);
    if (peer && peer.state === undefined) {
      // its stored state is on the way: no message of the pair is taken in on any other state
      if (peer.waiting.length >= MAX_MESSAGES_WHILE_LOADING) {
        this.dropPeer(document, senderId, false);
        this.options.refuse(senderId, `more than ${MAX_MESSAGES_WHILE_LOADING} sync messages for ${documentId} before its sync state loaded`);
      } else {
        peer.waiting.push(data);
      }
      return true;
    }
    document.inbox.push({ peerId: senderId, data });
    this.schedule(document);
    return true;
  }

  /** Whether a peer may exchange the document now (see SyncHubOptions.mayExchange). */
  private allowed(peerId: string, documentId: string): boolean {
    return this.options.mayExchange?.(peerId, documentId) ?? true;
  }

  /**
   * Who may have a document changed: its peers that may no longer exchange it are dropped at once (their later
   * messages go to the repo, which answers them as if it were unavailable).
   */
  recheck(documentId: string): void {
    const document = this.documents.get(documentId);
    if (!document) return;
    for (const peerId of [...document.peers.keys()]) this.refuseAccess(document, peerId);
  }

  /** Drops a peer that may not exchange the document any more; true when it was dropped. */
  private refuseAccess(document: HubDocument, peerId: string): boolean {
    if (this.allowed(peerId, document.id)) return false;
    this.dropPeer(document, peerId, false);
    this.repoPairs.add(`${peerId}\0${document.id}`);
    return true;
  }

  /** A peer's connection closed: save the sync states it keeps, forget them all. */
  peerLeft(peerId: string): void {
    for (const document of this.documents.values()) this.dropPeer(document, peerId, true);
    for (const pair of this.repoPairs) if (pair.startsWith(`${peerId}\0`)) this.repoPairs.delete(pair);
  }

  /**
   * Stops relaying; what was received and not yet taken in is taken in first, so the repo saves it, and resolves
   * once the peers' sync states are saved (before the server flushes and closes its storage).
   */
  async close(): Promise<void> {
    if (!this.closed) {
      this.stopRelayingEphemeral();
      for (const document of [...this.documents.values()]) {
        clearTimer(document);
        for (const [peerId, peer] of document.peers) {
          if (peer.state !== undefined || !this.newSyncState) continue;
          // still loading: its messages' changes are taken in on a fresh state, which is then discarded unsaved
          peer.stored?.release(false);
          peer.stored = undefined;
          peer.state = this.newSyncState();
          for (const data of peer.waiting) document.inbox.push({ peerId, data });
          peer.waiting = [];
        }
        if (document.inbox.length > 0 && document.handle.isReady()) this.round(document);
        for (const peerId of [...document.peers.keys()]) this.dropPeer(document, peerId, true);
        this.closeDocument(document);
      }
      this.closed = true;
      this.repoPairs.clear();
    }
    await this.syncStates?.flush();
  }

  /** A new pair: a fresh sync state, or, for a peer whose states are kept, its stored one once loaded. */
  private addPeer(document: HubDocument, peerId: string): void {
    if (!this.newSyncState) return;
    // the repo records a peer's metadata synchronously as the join passes the socket, before any later message of it
    const metadata = this.options.repo.peerMetadataByPeerId[peerId as PeerId];
    const storageId = this.syncStates ? persistentStorageId(metadata) : undefined;
    if (!this.syncStates || storageId === undefined) {
      document.peers.set(peerId, { state: this.newSyncState(), waiting: [], stored: undefined, unansweredSince: undefined });
      return;
    }
    const stored = this.syncStates.pair(document.id, storageId);
    const peer: HubPeer = { state: undefined, waiting: [], stored, unansweredSince: undefined };
    document.peers.set(peerId, peer);
    void stored.load().then((loaded) => {
      if (this.closed || this.documents.get(document.id) !== document || document.peers.get(peerId) !== peer || !this.newSyncState) {
        loaded?.free();
        return;
      }
      peer.state = loaded ?? this.newSyncState();
      for (const data of peer.waiting) document.inbox.push({ peerId, data });
      peer.waiting = [];
      this.schedule(document);
    });
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
      answerDeadline: undefined,
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
    for (const peer of document.peers.values()) {
      peer.stored?.release(false);
      peer.state?.free();
    }
    document.peers.clear();
    this.documents.delete(document.id);
  }

  /** Forgets a peer of the document; `save` keeps its sync state (not for a peer refused for what it sent). */
  private dropPeer(document: HubDocument, peerId: string, save: boolean): void {
    const peer = document.peers.get(peerId);
    if (!peer) return;
    document.peers.delete(peerId);
    document.inbox = document.inbox.filter((entry) => entry.peerId !== peerId);
    peer.stored?.release(save);
    peer.state?.free();
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
    // a peer that may no longer have the document (a member removed) gives it nothing and gets nothing from now on
    for (const peerId of [...document.peers.keys()]) this.refuseAccess(document, peerId);
    const inbox = document.inbox;
    document.inbox = [];
    const answered = new Set<string>();
    const refused = new Map<string, string>();
    if (inbox.length > 0) {
      document.inRound = true;
      try {
        document.handle.update((doc) => {
          // should what arrives not all count, what members see is kept in step from the festival as it was
          keepStandbyReplica(doc as A.Doc<Festival>, document.id);
          // marks `doc` as the state before this round (the handle compares it with the result), and gives the live successor
          const [live] = A.applyChanges(doc, []);
          const backend = documentBackend(live);
          for (const { peerId, data } of inbox) {
            const peer = document.peers.get(peerId);
            const state = peer?.state;
            if (!peer || !state || refused.has(peerId)) continue;
            peer.unansweredSince = undefined;
            try {
              const acknowledged = this.takePlainAcknowledgement?.(state, data, backend);
              if (acknowledged) {
                peer.state = acknowledged;
                peer.stored?.changed(acknowledged); // it must not keep the state freed next
                state.free();
                this.counts.plainAcknowledgements++;
              } else {
                backend.receiveSyncMessage(state, data);
                this.counts.receivedMessages++;
              }
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
      this.dropPeer(document, peerId, false);
      this.options.refuse(peerId, reason);
    }
    for (const peerId of answered) {
      const peer = document.peers.get(peerId);
      if (peer?.state) peer.stored?.changed(peer.state);
    }
    const backend = documentBackend(document.handle.doc());
    const recipients = document.changed ? [...document.peers.keys()] : [...answered];
    document.changed = false;
    const now = performance.now();
    let nextDeadline = Number.POSITIVE_INFINITY;
    for (const peerId of recipients) {
      const peer = document.peers.get(peerId);
      const state = peer?.state;
      if (!peer || !state) continue;
      if (this.refuseAccess(document, peerId)) continue;
      if (peer.unansweredSince !== undefined && now - peer.unansweredSince < this.answerWaitMs) {
        // it has changes from us it has not taken in yet; its answer brings it into a round, with all it lacks by then
        nextDeadline = Math.min(nextDeadline, peer.unansweredSince + this.answerWaitMs);
        continue;
      }
      const data = backend.generateSyncMessage(state);
      if (!data) continue;
      const senderId = this.options.repo.peerId;
      if (!this.options.send(peerId, { type: "sync", senderId, targetId: peerId, documentId: document.id, data })) {
        this.dropPeer(document, peerId, true);
        continue;
      }
      // a client answers a message that gives it changes (its heads move); it may not answer one that does not
      peer.unansweredSince = carriesChanges(data) ? now : undefined;
    }
    if (nextDeadline !== Number.POSITIVE_INFINITY) this.roundAt(document, nextDeadline);
  }

  /** Makes sure a round that reaches every peer runs by `deadline` (a peer that did not answer is sent to then). */
  private roundAt(document: HubDocument, deadline: number): void {
    if (document.answerDeadline !== undefined) return;
    document.answerDeadline = setTimeout(() => {
      document.answerDeadline = undefined;
      if (this.closed || this.documents.get(document.id) !== document) return;
      document.changed = true;
      this.schedule(document);
    }, Math.max(0, deadline - performance.now()));
    document.answerDeadline.unref();
  }

  /** Ephemeral messages (from the hub's peers or any other) reach the hub's other peers of the document, as the repo does for its own. */
  private relayEphemeral(message: Message): void {
    if (message.type !== "ephemeral" || this.closed) return;
    const document = this.documents.get(message.documentId as string);
    if (!document) return;
    for (const peerId of document.peers.keys()) {
      if (peerId === message.senderId || !this.allowed(peerId, document.id)) continue;
      this.options.send(peerId, { ...message, targetId: peerId } as HubOutgoingMessage);
    }
  }
}

function clearTimer(document: HubDocument): void {
  document.cancelRound?.();
  document.cancelRound = undefined;
  if (document.answerDeadline !== undefined) clearTimeout(document.answerDeadline);
  document.answerDeadline = undefined;
}

/** Whether a sync message we generated gives the peer changes (or, in a version 2 message, a whole document). */
function carriesChanges(message: Uint8Array): boolean {
  try {
    return A.decodeSyncMessage(message).changes.length > 0;
  } catch {
    return false;
  }
}
