// A node's sync with the world: the /sync endpoint for clients and nodes, outbound links to other nodes, which
// festival goes to whom (sharing, proofs of private ones, members-only ones to members), the hub relay, the bounds on
// what peers may send, and the festivals this data directory asked to join (asked of peer nodes until they arrive).
import * as A from "@automerge/automerge";
import { FestivalSizeLedger, MAX_FESTIVAL_BYTES } from "../../engine/core/festival-size.js";
import { isValidDocumentId } from "@automerge/automerge-repo";
import { readPendingJoins, removePendingJoins } from "../../engine/node/pending-joins.js";
import { FestivalAccess } from "./festival-access.js";
import type { StoreTurns } from "./store-turns.js";
import { internals } from "../../engine/internals/node/internals-guard.js";
import type { FestivalStore } from "../../engine/node/store.js";
import type { FestivalCatalog } from "./festival-catalog.js";
import type { FrameLimits } from "./frame-guard.js";
import type { ServerLog } from "./log.js";
import type { AuthenticatedLink, NodeKey } from "./node-auth.js";
import { PeerClientAdapter } from "./peer-client.js";
import { PeerRegistry } from "./peer-registry.js";
import { FestivalSharing } from "./share-policy.js";
import { SyncHub } from "./sync-hub.js";
import type { KnowsMessage } from "./sync-messages.js";
import { SyncEndpoint } from "./sync-socket.js";
import { UnknownDocuments } from "./unknown-documents.js";
import { wasmSyncStateProblem } from "../../engine/internals/node/wasm-sync-state.js";

export interface NodeSyncOptions {
  store: FestivalStore;
  catalog: FestivalCatalog;
  /** the key this node proves to other nodes */
  nodeKey: NodeKey;
  log: ServerLog;
  maxFrameBytes?: number;
  maxConnections?: number;
  joinTimeoutMs?: number;
  limits?: FrameLimits;
  /** the most bytes one festival may grow to from what peers send */
  maxFestivalBytes?: number;
  /** sync clients through automerge-repo alone, without the hub relay */
  noHub?: boolean;
  hubRoundMs?: number;
  /** the data directory: its pending joins (engine/node/pending-joins.ts) are asked of peer nodes */
  dataDir?: string;
  /** the server's one-at-a-time queue on its store (the pending joins file is read and written in turn) */
  turns?: StoreTurns;
}

export class NodeSync {
  readonly registry = new PeerRegistry();
  readonly sharing: FestivalSharing;
  /** who may have a members-only festival (festival-access.ts) */
  readonly access: FestivalAccess;
  readonly endpoint: SyncEndpoint;
  private readonly outbound = new Map<string, PeerClientAdapter>();
  private readonly unknownDocuments: UnknownDocuments;
  private readonly hub: SyncHub | undefined;
  /** the festival size bound: a festival's saved size, measured when a peer first sends it changes, plus what peers sent since */
  private readonly festivalSizes: FestivalSizeLedger;
  private privateCount = 0;
  /** pending joins this node asked its repo for (each asked once per run; peers are asked again as they connect) */
  private readonly joinsAsked = new Set<string>();
  private joinsRefresh: Promise<void> = Promise.resolve();

  constructor(private readonly options: NodeSyncOptions) {
    const { store, catalog, log } = options;
    this.access = new FestivalAccess(
      (id) => store.loadedHandle(id)?.doc(),
      (peerId) => this.registry.provedKey(peerId),
    );
    const mayExchange = (peerId: string, documentId: string) => this.access.mayExchange(peerId, documentId);
    this.sharing = new FestivalSharing(this.registry, (id) => catalog.get(id) !== undefined || store.loadedHandle(id) !== undefined, this.access);
    this.festivalSizes = new FestivalSizeLedger((id) => {
      const handle = store.loadedHandle(id);
      return handle === undefined ? 0 : A.save(handle.doc()).byteLength;
    }, options.maxFestivalBytes ?? MAX_FESTIVAL_BYTES);
    this.unknownDocuments = new UnknownDocuments(store.repo, undefined, (id) => catalog.forgetUnheld(id));
    this.endpoint = new SyncEndpoint({
      registry: this.registry,
      log,
      onMessage: (message) => {
        if (!message.documentId) return;
        if (!this.noticeAsked(message)) this.endpoint.refuse(message.senderId, "asked for too many documents this node does not hold");
        catalog.noticeDocument(message.documentId, this.sentBy(message.senderId));
        if (message.type === "request" && this.registry.byPeerId(message.senderId)?.role === "client") this.sharing.clientAsked(message.documentId);
      },
      // a client's sync of a festival held here goes through the hub relay; the rest through automerge-repo
      claim: (message) => this.hub?.claim(message) ?? false,
      onLeft: (peerId) => {
        this.hub?.peerLeft(peerId);
        this.unknownDocuments.peerLeft(peerId);
      },
      onKnows: (message) => this.knows(message),
      nodeKey: options.nodeKey,
      onAuthenticated: (peerId, link) => this.authenticated(peerId, link, (proofs) => this.endpoint.sendKnows(peerId, proofs)),
      // a browser proved its key: the members-only festivals it asked for may now be synced with it
      onClientProved: () => store.shareConfigChanged(),
      mayExchange,
      maxFrameBytes: options.maxFrameBytes,
      maxConnections: options.maxConnections,
      joinTimeoutMs: options.joinTimeoutMs,
      limits: options.limits,
      festivalGrowth: (documentId, changeBytes) => this.festivalSizes.admit(documentId, changeBytes),
    });
    this.endpoint.adapter.on("peer-disconnected", ({ peerId }) => this.sharing.forgetPeer(peerId));
    // the hub relay reaches into Automerge's internals (docs/INTERNALS.md): off with --no-hub or an unknown version
    const standing = internals();
    if (options.noHub || !standing.usable) {
      log.info(`sync: clients are synced through automerge-repo alone (${options.noHub ? "--no-hub" : standing.usable ? "" : standing.reason})`);
    } else {
      this.hub = new SyncHub({
        repo: store.repo,
        send: (peerId, message) => this.endpoint.send(peerId, message),
        refuse: (peerId, reason) => this.endpoint.refuse(peerId, reason),
        roundMs: options.hubRoundMs,
        storage: store.storage,
        warn: (message) => log.warn(message),
        mayExchange,
      });
      if (!this.hub.enabled) log.warn(`sync: clients are synced through automerge-repo alone (${wasmSyncStateProblem() ?? "no wasm sync states"})`);
    }
    catalog.onVisibility((id, visibility) => {
      if (this.sharing.setVisibility(id, visibility)) store.shareConfigChanged();
    });
    catalog.onChange(() => {
      this.announcePrivateFestivals();
      if (this.joinsAsked.size > 0) void this.refreshPendingJoins();
    });
    // who may have a festival is re-decided on every change of it: a removed member's connections stop at once
    catalog.onDocument((id, doc) => {
      if (!this.access.noteChange(id, doc)) return;
      this.hub?.recheck(id);
      store.shareConfigChanged();
    });
    store.shareWith(this.sharing.announce, this.sharing.access);
    store.addNetworkAdapter(this.endpoint.adapter);
  }

  /** Keeps a connection to another node's /sync, reconnecting as needed (one per URL). */
  addPeer(url: string): PeerClientAdapter {
    const existing = this.outbound.get(url);
    if (existing) return existing;
    const { store, catalog, log } = this.options;
    const adapter = new PeerClientAdapter({
      url,
      link: this.registry.open("outbound", url),
      log,
      introduceAs: "server",
      maxFrameBytes: this.options.maxFrameBytes,
      limits: this.options.limits,
      festivalGrowth: (documentId, changeBytes) => this.festivalSizes.admit(documentId, changeBytes),
      onMessage: (message) => {
        if (!message.documentId) return;
        this.noticeAsked(message); // another node past its quota is not refused (it was dialled on purpose); its oldest ids are forgotten
        catalog.noticeDocument(message.documentId, this.sentBy(message.senderId));
      },
      onKnows: (message) => this.knows(message),
      nodeKey: this.options.nodeKey,
      onAuthenticated: (peerId, proved) => this.authenticated(peerId, proved, (proofs) => adapter.sendKnows(proofs)),
      mayExchange: (peerId, documentId) => this.access.mayExchange(peerId, documentId),
    });
    adapter.on("peer-disconnected", ({ peerId }) => {
      this.sharing.forgetPeer(peerId);
      this.unknownDocuments.peerLeft(peerId);
    });
    this.outbound.set(url, adapter);
    store.addNetworkAdapter(adapter);
    return adapter;
  }

  /** Stops dialling, closes every connection and saves the hub's sync states (before storage is flushed). */
  async close(): Promise<void> {
    for (const adapter of this.outbound.values()) adapter.disconnect();
    await this.endpoint.close();
    await this.hub?.close();
  }

  /** Counts a peer's interest in a document this node may not hold; false when the peer is past its quota. */
  private noticeAsked(message: { type: string; senderId: string; documentId?: string }): boolean {
    return !(message.type === "request" || message.type === "sync") || !message.documentId || this.unknownDocuments.asked(message.senderId, message.documentId) !== false;
  }

  /** Whether a message came from a peer that authenticated as a node (see node-auth.ts), not from a client. */
  private sentBy(peerId: string): "node" | "client" {
    return this.registry.byPeerId(peerId)?.role === "server" ? "node" : "client";
  }

  /** A peer node's proofs of the private festivals it holds: those it proved may now be offered to it. */
  private knows(message: KnowsMessage): void {
    const { store } = this.options;
    if (message.targetId !== store.peerId) return;
    this.sharing.acceptProofs(message.senderId, message.proofs);
    // festivals it proved may be offered to it, and those this node wants (asked for, or waits to join) asked of it
    store.shareConfigChanged();
  }

  /**
   * Reads the data directory's pending joins: those whose festival arrived are removed from joins.json, the others
   * are asked of the peer nodes that prove they hold them (as a client's ask is), and fetched once they may be.
   */
  refreshPendingJoins(): Promise<void> {
    const { dataDir, turns, store, catalog, log } = this.options;
    if (dataDir === undefined) return Promise.resolve();
    const refresh = async () => {
      const joins = await readPendingJoins(dataDir);
      const arrived = joins.filter((join) => catalog.get(join.festivalId) !== undefined).map((join) => join.festivalId);
      if (arrived.length > 0 && (await removePendingJoins(dataDir, arrived))) {
        for (const id of arrived) log.info(`joined festival ${id.slice(0, 8)}…: it arrived from a peer node`);
      }
      for (const id of arrived) this.joinsAsked.delete(id);
      const waiting = joins.map((join) => join.festivalId).filter((id) => !arrived.includes(id) && isValidDocumentId(id));
      this.sharing.setWanted(waiting);
      let asked = false;
      for (const id of waiting) {
        if (this.joinsAsked.has(id)) continue;
        this.joinsAsked.add(id);
        asked = true;
        // the repo asks the peer nodes the share policy allows (those that proved they hold it); unavailable for now is fine
        store.find(id).catch(() => undefined);
      }
      if (asked) store.shareConfigChanged();
    };
    const run = () => refresh().catch((error: unknown) => log.warn(`pending joins: ${error instanceof Error ? error.message : String(error)}`));
    this.joinsRefresh = this.joinsRefresh.then(() => (turns ? turns.run(run) : run()));
    return this.joinsRefresh;
  }

  /** A peer node proved its key on its connection: proofs are exchanged, and it may now be offered festivals. */
  private authenticated(peerId: string, link: AuthenticatedLink, sendKnows: (proofs: string[]) => boolean): void {
    this.sharing.authenticated(peerId, link);
    sendKnows(this.sharing.proofsFor(peerId));
    this.options.store.shareConfigChanged();
  }

  /** A private festival newly held here: tell the connected nodes, so those that hold it too start syncing it. */
  private announcePrivateFestivals(): void {
    const count = this.sharing.festivals("private").length;
    if (count === this.privateCount) return;
    this.privateCount = count;
    for (const link of this.registry.list()) {
      if (link.state !== "connected" || link.nodeKey === undefined || !link.peerId) continue;
      const proofs = this.sharing.proofsFor(link.peerId);
      if (link.direction === "inbound") this.endpoint.sendKnows(link.peerId, proofs);
      else for (const adapter of this.outbound.values()) if (adapter.connectedPeerId === link.peerId) adapter.sendKnows(proofs);
    }
  }
}
