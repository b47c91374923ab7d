// Who this server is connected to: inbound sockets and outbound --peer links, with the last sync per festival.
// Feeds /api/status and `pandafest peers`, and tells the share policy which peers are ephemeral clients.
export type PeerDirection = "inbound" | "outbound";
export type PeerLinkState = "connecting" | "connected" | "waiting" | "closed";
/** "server": another pandafest node that proved its identity key on this connection (public festivals are announced
 *  to it); "client": a CLI run, a browser tab, any other repo, and anything that only claims to be a node */
export type PeerRole = "server" | "client";

/** The key in a join message's peerMetadata by which a pandafest node tells it is one (a claim: it counts only
 *  once the node authenticated, see node-auth.ts). */
export const ROLE_METADATA_KEY = "pandafestRole";

/** The most festivals remembered per peer; older entries make room. */
const MAX_SYNC_ENTRIES = 1000;

/** What the registry publishes about a link (/api/status): never the peer's id, which would let anyone who reads it pose as that peer. */
export interface PeerSnapshot {
  /** a short label, "peer 7", numbered by this server as links open: tells links apart without naming the peer */
  label: string;
  direction: PeerDirection;
  transport: "websocket";
  /** host:port of an inbound socket, the URL of an outbound link */
  address: string;
  state: PeerLinkState;
  role: PeerRole;
  /** a peer without storage of its own (a CLI run, a browser tab without IndexedDB) */
  ephemeral: boolean;
  connectedAt?: string;
  lastError?: string;
  nextAttemptAt?: string;
  /** documentId -> ISO time of the last sync message from this peer */
  lastSync: Record<string, string>;
}

export class PeerLink {
  state: PeerLinkState = "connecting";
  peerId?: string;
  role: PeerRole = "client";
  /** the identity key (hex) the other end proved it holds on this connection; unset until it authenticated */
  nodeKey?: string;
  /** the identity key a client (a browser) proved on this connection: it stays a client (see node-auth.ts) */
  clientKey?: string;
  ephemeral = false;
  connectedAt?: number;
  lastError?: string;
  nextAttemptAt?: number;
  private readonly syncs = new Map<string, number>();

  constructor(
    private readonly registry: PeerRegistry,
    readonly direction: PeerDirection,
    readonly address: string,
    readonly label: string,
  ) {}

  connected(peerId: string, details: { ephemeral: boolean }): void {
    this.state = "connected";
    this.peerId = peerId;
    this.ephemeral = details.ephemeral;
    this.role = "client";
    this.nodeKey = undefined;
    this.clientKey = undefined;
    this.connectedAt = Date.now();
    this.lastError = undefined;
    this.nextAttemptAt = undefined;
    this.registry.changed();
  }

  /** The other end proved it holds this identity key on this connection: it is a pandafest node. */
  authenticated(publicKey: string): void {
    this.nodeKey = publicKey;
    this.role = "server";
    this.registry.changed();
  }

  /** A client proved it holds this identity key on this connection: members-only festivals of that key may reach it. */
  clientProved(publicKey: string): void {
    this.clientKey = publicKey;
    this.registry.changed();
  }

  /** The identity key proved on this connection (a node's or a client's), if any. */
  get provedKey(): string | undefined {
    return this.nodeKey ?? this.clientKey;
  }

  /** Why this connection may not take a peer id or identity key (see PeerRegistry.claimConflict), if it may not. */
  conflict(claim: { peerId?: string; nodeKey?: string }): string | undefined {
    return this.registry.claimConflict(claim, this);
  }

  synced(documentId: string): void {
    this.syncs.delete(documentId);
    this.syncs.set(documentId, Date.now());
    if (this.syncs.size > MAX_SYNC_ENTRIES) {
      const oldest = this.syncs.keys().next().value;
      if (oldest !== undefined) this.syncs.delete(oldest);
    }
  }

  /** An outbound link lost its connection and will try again at `nextAttemptAt`. */
  waiting(nextAttemptAt: number, error?: string): void {
    this.state = "waiting";
    this.peerId = undefined;
    this.nodeKey = undefined;
    this.clientKey = undefined;
    this.role = "client";
    this.nextAttemptAt = nextAttemptAt;
    if (error) this.lastError = error;
    this.registry.changed();
  }

  connecting(): void {
    this.state = "connecting";
    this.nextAttemptAt = undefined;
  }

  failed(error: string): void {
    this.lastError = error;
  }

  /** The link is gone for good (an inbound socket closed, an outbound link was stopped). */
  close(): void {
    this.state = "closed";
    this.registry.remove(this);
  }

  lastSyncOf(documentId: string): number | undefined {
    return this.syncs.get(documentId);
  }

  snapshot(): PeerSnapshot {
    const iso = (time: number | undefined) => (time === undefined ? undefined : new Date(time).toISOString());
    return {
      label: this.label,
      direction: this.direction,
      transport: "websocket",
      address: this.address,
      state: this.state,
      role: this.role,
      ephemeral: this.ephemeral,
      connectedAt: iso(this.connectedAt),
      lastError: this.lastError,
      nextAttemptAt: iso(this.nextAttemptAt),
      lastSync: Object.fromEntries([...this.syncs].map(([id, time]) => [id, new Date(time).toISOString()])),
    };
  }
}

export class PeerRegistry {
  private readonly links = new Set<PeerLink>();
  private readonly listeners = new Set<() => void>();
  private opened = 0;

  open(direction: PeerDirection, address: string): PeerLink {
    const link = new PeerLink(this, direction, address, `peer ${++this.opened}`);
    this.links.add(link);
    this.changed();
    return link;
  }

  remove(link: PeerLink): void {
    if (this.links.delete(link)) this.changed();
  }

  list(): PeerLink[] {
    return [...this.links];
  }

  /** The connected link of a repo peer id, if any. */
  byPeerId(peerId: string): PeerLink | undefined {
    for (const link of this.links) if (link.peerId === peerId && link.state === "connected") return link;
    return undefined;
  }

  /** The identity key a connected peer proved on its connection (node or client), if it proved one. */
  provedKey(peerId: string): string | undefined {
    return this.byPeerId(peerId)?.provedKey;
  }

  /** Whether a connected peer is an authenticated pandafest node (false for clients, whatever they claim, and unknown peers). */
  isServer(peerId: string): boolean {
    for (const link of this.links) {
      if (link.peerId === peerId && link.state === "connected" && link.nodeKey !== undefined && !link.ephemeral) return true;
    }
    return false;
  }

  /**
   * Why a connection may not take this peer id or identity key, if it may not: an authenticated node already
   * has it on another live connection, or (for a peer id) a link this node dialled itself. The established
   * connection stays; an impostor never displaces it.
   */
  claimConflict(claim: { peerId?: string; nodeKey?: string }, except: PeerLink): string | undefined {
    for (const link of this.links) {
      if (link === except || link.state !== "connected") continue;
      if (claim.peerId !== undefined && link.peerId === claim.peerId && (link.nodeKey !== undefined || link.direction === "outbound")) {
        return `peer id ${claim.peerId} is already connected as an established node`;
      }
      if (claim.nodeKey !== undefined && link.nodeKey === claim.nodeKey) return `identity key ${claim.nodeKey.slice(0, 16)}… is already connected`;
    }
    return undefined;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    for (const listener of this.listeners) listener();
  }
}
