// A node's sync with the world: the /sync endpoint for clients and nodes, outbound links to other nodes, which
// festival goes to whom (sharing, proofs of private ones), the hub relay, and the bounds on what peers may send.
import * as A from "@automerge/automerge";
import { FestivalSizeLedger, MAX_FESTIVAL_BYTES } from "../../engine/core/festival-size.js";
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
}

export class NodeSync {
  readonly registry = new PeerRegistry();
  readonly sharing: FestivalSharing;
  readonly endpoint: SyncEndpoint;
  private readonly outbound = new Map<string, PeerClientAdapter>();
  private readonly unknownDocuments: UnknownDocuments;
  private readonly hub: SyncHub | undefined;
  /** the festival size bound: a festival's saved size, measured when a peer first sends it changes, plus what peers sent since */
  private readonly festivalSizes: FestivalSizeLedger;
  private privateCount = 0;

  constructor(private readonly options: NodeSyncOptions) {
    const { store, catalog, log } = options;
    this.sharing = new FestivalSharing(this.registry, (id) => catalog.get(id) !== undefined || store.loadedHandle(id) !== undefined);
    this.festivalSizes = new FestivalSizeLedger((id) => {
      const handle = store.loadedHandle(id);
      return handle === undefined ? 0 : A.save(handle.doc()).byteLength;
    }, options.maxFestivalBytes ?? MAX_FESTIVAL_BYTES);
    this.unknownDocuments = new UnknownDocuments(store.repo);
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
      });
      if (!this.hub.enabled) log.warn(`sync: clients are synced through automerge-repo alone (${wasmSyncStateProblem() ?? "no wasm sync states"})`);
    }
    catalog.onVisibility((id, visibility) => {
      if (this.sharing.setVisibility(id, visibility)) store.shareConfigChanged();
    });
    catalog.onChange(() => this.announcePrivateFestivals());
    store.shareWith(this.sharing.announce);
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
    if (this.sharing.acceptProofs(message.senderId, message.proofs).length > 0) store.shareConfigChanged();
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
