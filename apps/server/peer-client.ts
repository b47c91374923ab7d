// An outgoing link to another node's /sync (`--peer URL`, mDNS finds, the CLI's link to a local server).
// Never throws or crashes on network trouble: unknown host, refused, reset, timeouts; reconnects with backoff.
import {
  NetworkAdapter,
  cbor,
  type Message,
  type PeerId,
  type PeerMetadata,
} from "@automerge/automerge-repo";
import { WebSocket, type RawData } from "ws";
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from "../../engine/sync/backoff.js";
import { DEFAULT_FRAME_LIMITS, FrameGuard, CLOSE_POLICY, type FrameLimits } from "./frame-guard.js";
import { silentLog, type ServerLog } from "./log.js";
import { NODE_AUTH_TYPE, NODE_HELLO_TYPE, NodeHandshake, type AuthenticatedLink, type NodeAuthMessage, type NodeHelloMessage, type NodeKey } from "./node-auth.js";
import { KNOWS_MESSAGE_TYPE, type KnowsMessage, type SyncProtocolMessage } from "./sync-messages.js";
import { ROLE_METADATA_KEY, type PeerLink } from "./peer-registry.js";
import { DEFAULT_MAX_FRAME_BYTES, closeWithReason, outboundAllowed } from "./sync-socket.js";

export interface PeerClientOptions {
  /** ws://host:port/sync */
  url: string;
  backoff?: BackoffOptions;
  /** an attempt that has not finished its handshake (DNS, TCP, upgrade, join) by then is abandoned */
  handshakeTimeoutMs?: number;
  /** ping interval; a peer that does not answer one ping before the next is considered gone */
  heartbeatMs?: number;
  maxFrameBytes?: number;
  limits?: FrameLimits;
  /** the festival size bound (festival-size.ts), checked on every sync message */
  festivalGrowth?: (documentId: string, changeBytes: number) => string | undefined;
  log?: ServerLog;
  /** the registry entry to keep up to date */
  link?: PeerLink;
  /** how we introduce ourselves: "server" (a pandafest node: it announces public festivals to us), or
   *  "ephemeral-client" (no storage of ours is involved: the other end keeps no sync state for us) */
  introduceAs?: "server" | "ephemeral-client";
  /** treat the other end as having no storage: the repo then neither saves nor loads sync state for it */
  remoteAsEphemeral?: boolean;
  /** try again after the connection is lost (default true) */
  reconnect?: boolean;
  /** sees every accepted message from the other end (after validation, before the repo) */
  onMessage?: (message: SyncProtocolMessage) => void;
  /** the other end (a pandafest node) sent proofs of the private festivals it holds */
  onKnows?: (message: KnowsMessage) => void;
  /** the handshake completed (the repo has been told of the peer) */
  onConnected?: (peerId: string) => void;
  /** this node's identity key: with it, the link authenticates both ends as nodes after connecting */
  nodeKey?: NodeKey;
  /** the other end proved its identity key on this connection (see node-auth.ts) */
  onAuthenticated?: (peerId: string, link: AuthenticatedLink) => void;
  /** whether the other end may be sent anything of a document (checked as each message is sent; see sync-socket.ts) */
  mayExchange?: (peerId: string, documentId: string) => boolean;
}

export type PeerClientState = "idle" | "connecting" | "open" | "waiting" | "stopped";

const PROTOCOL_VERSION = "1";

export class PeerClientAdapter extends NetworkAdapter {
  readonly url: string;
  private socket: WebSocket | undefined;
  private guard: FrameGuard | undefined;
  private handshake: NodeHandshake | undefined;
  private remotePeerId: PeerId | undefined;
  private currentState: PeerClientState = "idle";
  private readonly backoff: Backoff;
  private readonly log: ServerLog;
  private retryTimer: NodeJS.Timeout | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  private ready = false;
  private resolveReady: (() => void) | undefined;
  private readonly readyPromise = new Promise<void>((resolve) => (this.resolveReady = resolve));
  private readonly connectedListeners = new Set<() => void>();

  constructor(private readonly options: PeerClientOptions) {
    super();
    this.url = options.url;
    this.backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF);
    this.log = options.log ?? silentLog;
  }

  get state(): PeerClientState {
    return this.currentState;
  }

  /** The other end's peer id while connected. */
  get connectedPeerId(): PeerId | undefined {
    return this.remotePeerId;
  }

  isReady(): boolean {
    return this.ready;
  }

  /** Ready once connected, or after a second without a connection so the repo does not wait on an absent peer. */
  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  /** Resolves when the handshake with the other end completes (now, if it already has). */
  whenConnected(timeoutMs: number): Promise<boolean> {
    if (this.currentState === "open" && this.remotePeerId) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (connected: boolean) => {
        clearTimeout(timer);
        this.connectedListeners.delete(onConnected);
        resolve(connected);
      };
      const onConnected = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      timer.unref();
      this.connectedListeners.add(onConnected);
    });
  }

  connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
    this.peerId = peerId;
    this.peerMetadata = introduction(this.options.introduceAs, peerMetadata);
    if (this.currentState === "stopped") this.currentState = "idle"; // connect after disconnect starts again
    if (this.currentState !== "idle") return;
    setTimeout(() => this.markReady(), 1000).unref();
    this.attempt();
  }

  send(message: Message): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || this.currentState !== "open") return; // resent by the sync protocol after reconnecting
    if ("data" in message && message.data && message.data.byteLength === 0) return;
    if (!outboundAllowed(message, this.options.mayExchange)) return; // a members-only festival, and the other end is no member
    try {
      socket.send(cbor.encode(message));
    } catch (error) {
      this.lastError = errorText(error);
    }
  }

  disconnect(): void {
    if (this.currentState === "stopped") return;
    this.currentState = "stopped";
    this.clearTimers();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.removeAllListeners();
      socket.on("error", () => undefined);
      socket.terminate();
    }
    this.lostPeer();
    this.options.link?.close();
  }

  private attempt(): void {
    if (this.currentState === "stopped") return;
    this.currentState = "connecting";
    this.options.link?.connecting();
    this.guard = new FrameGuard({ role: "client", localPeerId: () => this.peerId, limits: this.options.limits ?? DEFAULT_FRAME_LIMITS, festivalGrowth: this.options.festivalGrowth });
    this.handshake = undefined;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url, {
        maxPayload: this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
        handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000,
        perMessageDeflate: false,
      });
    } catch (error) {
      this.lastError = errorText(error);
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    let alive = true;
    socket.on("open", () => {
      this.sendRaw(socket, { type: "join", senderId: this.peerId, peerMetadata: this.peerMetadata, supportedProtocolVersions: [PROTOCOL_VERSION] });
      this.heartbeatTimer = setInterval(() => {
        if (!alive) {
          this.lastError = "the peer stopped answering pings";
          socket.terminate();
          return;
        }
        alive = false;
        try {
          socket.ping();
        } catch {
          socket.terminate();
        }
      }, this.options.heartbeatMs ?? 15_000);
      this.heartbeatTimer.unref();
    });
    socket.on("pong", () => (alive = true));
    socket.on("message", (data: RawData, isBinary: boolean) => {
      alive = true;
      this.receive(socket, data, isBinary);
    });
    socket.on("error", (error) => {
      this.lastError = errorText(error);
    });
    socket.on("close", () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.lostPeer();
      this.scheduleRetry();
    });
    this.handshakeTimer = setTimeout(() => {
      if (this.socket === socket && this.currentState === "connecting") {
        this.lastError = "no answer to the handshake in time";
        socket.terminate();
      }
    }, (this.options.handshakeTimeoutMs ?? 10_000) + 1000);
    this.handshakeTimer.unref();
  }

  private receive(socket: WebSocket, data: RawData, isBinary: boolean): void {
    if (this.socket !== socket || !this.guard) return;
    const verdict = this.guard.inspect(data, isBinary);
    if (!verdict.accept) {
      this.lastError = `refused a frame: ${verdict.reason}`;
      this.log.warn(`peer ${this.url}: closing: ${verdict.reason}`);
      closeWithReason(socket, CLOSE_POLICY, verdict.reason);
      return;
    }
    const message = verdict.message;
    const refuse = (reason: string) => {
      this.lastError = reason;
      this.log.warn(`peer ${this.url}: closing: ${reason}`);
      closeWithReason(socket, CLOSE_POLICY, reason);
    };
    if (message.type === "peer") {
      if (message.senderId === this.peerId) return refuse("the peer answered with this node's own peer id");
      const conflict = this.options.link?.conflict({ peerId: message.senderId });
      if (conflict) return refuse(conflict);
      clearTimeout(this.handshakeTimer);
      this.currentState = "open";
      this.remotePeerId = message.senderId;
      this.backoff.reset();
      this.lastError = undefined;
      const theirMetadata = (message as { peerMetadata?: PeerMetadata }).peerMetadata ?? {};
      const metadata: PeerMetadata = this.options.remoteAsEphemeral ? { isEphemeral: true } : theirMetadata;
      this.options.link?.connected(message.senderId, { ephemeral: metadata.isEphemeral === true });
      this.log.info(`peer ${this.url}: connected`);
      this.markReady();
      this.safeEmit(() => this.emit("peer-candidate", { peerId: message.senderId, peerMetadata: metadata }));
      for (const listener of [...this.connectedListeners]) listener();
      this.options.onConnected?.(message.senderId);
      if (this.options.nodeKey && this.peerId) {
        this.handshake = new NodeHandshake(this.options.nodeKey, "initiator", this.peerId, message.senderId);
        this.sendRaw(socket, this.handshake.hello());
      }
      return;
    }
    if (message.type === NODE_HELLO_TYPE) {
      if (!this.handshake) return refuse("pandafest-hello that was not asked for");
      const answer = this.handshake.receiveHello(message as unknown as NodeHelloMessage);
      if ("problem" in answer) return refuse(answer.problem);
      this.sendRaw(socket, answer);
      return;
    }
    if (message.type === NODE_AUTH_TYPE) {
      const handshake = this.handshake;
      if (!handshake) return refuse("pandafest-auth that was not asked for");
      const problem = handshake.receiveAuth(message as unknown as NodeAuthMessage);
      const proved = handshake.authenticated;
      if (problem || !proved) return refuse(problem ?? "pandafest-auth refused");
      const conflict = this.options.link?.conflict({ peerId: message.senderId, nodeKey: proved.remotePublicKey });
      if (conflict) return refuse(conflict);
      this.options.link?.authenticated(proved.remotePublicKey);
      this.options.onAuthenticated?.(message.senderId, proved);
      return;
    }
    if (message.type === KNOWS_MESSAGE_TYPE) {
      // proofs count only from a node that authenticated on this connection
      if (this.handshake?.authenticated) this.options.onKnows?.(message as unknown as KnowsMessage);
      return;
    }
    if (message.type === "error") {
      this.lastError = `the peer reported: ${(message as { message?: string }).message ?? "an error"}`;
      return;
    }
    if ((message.type === "sync" || message.type === "request") && message.documentId) {
      this.options.link?.synced(message.documentId);
    }
    this.options.onMessage?.(message);
    this.safeEmit(() => this.emit("message", message));
  }

  /** Sends pandafest's own message to the connected node; false when not connected. */
  sendKnows(proofs: string[]): boolean {
    const socket = this.socket;
    if (!socket || this.currentState !== "open" || !this.remotePeerId || !this.peerId) return false;
    const message: KnowsMessage = { type: KNOWS_MESSAGE_TYPE, senderId: this.peerId, targetId: this.remotePeerId, proofs };
    this.sendRaw(socket, message);
    return true;
  }

  private sendRaw(socket: WebSocket, message: object): void {
    try {
      socket.send(cbor.encode(message));
    } catch (error) {
      this.lastError = errorText(error);
    }
  }

  private lostPeer(): void {
    clearTimeout(this.handshakeTimer);
    clearInterval(this.heartbeatTimer);
    const peerId = this.remotePeerId;
    this.remotePeerId = undefined;
    if (peerId) {
      this.log.info(`peer ${this.url}: disconnected${this.lastError ? ` (${this.lastError})` : ""}`);
      this.safeEmit(() => this.emit("peer-disconnected", { peerId }));
    }
  }

  private scheduleRetry(): void {
    if (this.currentState === "stopped") return;
    if (this.options.reconnect === false) {
      this.currentState = "stopped";
      this.options.link?.close();
      return;
    }
    this.currentState = "waiting";
    const delay = this.backoff.next();
    this.options.link?.waiting(Date.now() + delay, this.lastError);
    this.retryTimer = setTimeout(() => this.attempt(), delay);
    this.retryTimer.unref();
  }

  private clearTimers(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.handshakeTimer);
    clearInterval(this.heartbeatTimer);
  }

  private markReady(): void {
    if (this.ready) return;
    this.ready = true;
    this.resolveReady?.();
  }

  /** The repo's listeners run inside our socket callbacks; whatever they throw must not escape into ws. */
  private safeEmit(emit: () => void): void {
    try {
      emit();
    } catch (error) {
      this.log.warn(`peer ${this.url}: the repo failed on a message: ${errorText(error)}`);
    }
  }

  /** What `pandafest peers` shows about this link. */
  describe(): { url: string; state: PeerClientState; lastError?: string; attempts: number } {
    return { url: this.url, state: this.currentState, lastError: this.lastError, attempts: this.backoff.attempts };
  }
}

function introduction(introduceAs: PeerClientOptions["introduceAs"], repoMetadata: PeerMetadata | undefined): PeerMetadata {
  if (introduceAs === "ephemeral-client") return { isEphemeral: true };
  if (introduceAs === "server") return { ...repoMetadata, [ROLE_METADATA_KEY]: "server" } as PeerMetadata;
  return repoMetadata ?? {};
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
