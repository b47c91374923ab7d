// The /sync websocket endpoint: automerge-repo's server adapter behind a guard that caps frame size,
// validates every frame, bounds connections and messages per connection, and closes only the offending socket.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { cbor } from "@automerge/automerge-repo";
import { WebSocketServerAdapter } from "@automerge/automerge-repo-network-websocket";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { CLOSE_POLICY, DEFAULT_FRAME_LIMITS, FrameGuard, MAX_HANDSHAKE_BYTES, type FrameLimits } from "./frame-guard.js";
import { ConnectionAdmission, DEFAULT_ADMISSION_LIMITS, JOIN_TIMEOUT_MS, type AdmissionLimits, type AdmissionTicket } from "./connection-admission.js";
import { silentLog, throttledWarnings, type ServerLog } from "./log.js";
import { NODE_AUTH_TYPE, NODE_HELLO_TYPE, NodeHandshake, type AuthenticatedLink, type NodeAuthMessage, type NodeHelloMessage, type NodeKey } from "./node-auth.js";
import type { PeerRegistry } from "./peer-registry.js";
import { KNOWS_MESSAGE_TYPE, type KnowsMessage, type SyncProtocolMessage } from "./sync-messages.js";

export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_CONNECTIONS = DEFAULT_ADMISSION_LIMITS.maxConnections;

/** Decides, before any listener runs, whether a frame may be emitted as a message. */
type FrameFilter = (data: RawData, isBinary: boolean) => boolean;

/**
 * The server-side socket class: its "message" events pass the filter first, so automerge-repo's
 * adapter (which listens on the socket directly) only ever sees validated frames. No filter, no messages.
 */
export class GuardedSocket extends WebSocket {
  frameFilter: FrameFilter | undefined;

  /**
   * Caps the frames this socket takes from now on (0: back to the server's cap). A frame over it is refused when its
   * header arrives, before its payload is buffered (ws closes with 1009). This reaches into ws's receiver (listed in
   * docs/INTERNALS.md); when that is not there, the frame guard still refuses the frame once it has arrived.
   */
  capIncomingFrames(bytes: number): void {
    const receiver = (this as unknown as { _receiver?: { _maxPayload?: unknown } })._receiver;
    if (receiver && typeof receiver._maxPayload === "number") receiver._maxPayload = bytes;
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === "message") {
      const [data, isBinary] = args as [RawData, boolean];
      if (!this.frameFilter || !this.frameFilter(data, isBinary)) return false;
    }
    return super.emit(event, ...args);
  }
}

/**
 * The upstream adapter counts as ready only after its first inbound connection, and the repo waits for every
 * adapter before asking peers for a document it lacks: a node nobody has dialled yet could never fetch anything.
 * Listening is ready enough.
 */
class ListeningServerAdapter extends WebSocketServerAdapter {
  private stopped = false;
  /** the last check of every message the repo sends a peer: false drops it (see SyncEndpointOptions.mayExchange) */
  outboundFilter: ((message: { type: string; targetId?: unknown; documentId?: unknown }) => boolean) | undefined;

  override send(message: Parameters<WebSocketServerAdapter["send"]>[0]): void {
    if (this.outboundFilter && !this.outboundFilter(message as { type: string })) return;
    super.send(message);
  }

  /** The repo connects adapters asynchronously; one connecting after the endpoint closed would start a keep-alive timer nothing stops. */
  override connect(...args: Parameters<WebSocketServerAdapter["connect"]>): void {
    if (!this.stopped) super.connect(...args);
  }

  stop(): void {
    this.stopped = true;
  }

  override isReady(): boolean {
    return true;
  }

  override whenReady(): Promise<void> {
    return Promise.resolve();
  }
}

export interface SyncEndpointOptions {
  registry: PeerRegistry;
  log?: ServerLog;
  maxFrameBytes?: number;
  /** open connections from other machines; this machine keeps DEFAULT_ADMISSION_LIMITS.reservedLocal more */
  maxConnections?: number;
  /** the other admission limits (per address, not yet joined) */
  admission?: Partial<AdmissionLimits>;
  /** how long a connection may stay open without joining */
  joinTimeoutMs?: number;
  limits?: FrameLimits;
  /** the festival size bound (festival-size.ts), checked on every sync message */
  festivalGrowth?: (documentId: string, changeBytes: number) => string | undefined;
  /** how often the adapter pings clients; a client that misses a ping is dropped */
  keepAliveMs?: number;
  /** sees every accepted message from a client (after validation, before the adapter) */
  onMessage?: (message: SyncProtocolMessage, peerAddress: string) => void;
  /** a pandafest node sent proofs of the private festivals it holds (these never reach the adapter) */
  onKnows?: (message: KnowsMessage) => void;
  /** this node's identity key: a peer node that says hello is answered with a signed challenge (no key, no nodes) */
  nodeKey?: NodeKey;
  /** a peer proved its identity key on its connection: from now on it is a node (see node-auth.ts) */
  onAuthenticated?: (peerId: string, link: AuthenticatedLink) => void;
  /** offered every accepted message from a client after onMessage; true takes it away from the adapter (the hub relay) */
  claim?: (message: SyncProtocolMessage) => boolean;
  /** a joined peer's connection closed (and it has no newer one) */
  onLeft?: (peerId: string) => void;
  /**
   * Whether a peer may be sent anything of a document (checked on every message that carries one, from the repo
   * and the hub alike, at the moment it is sent): a members-only festival goes to members' proved keys only.
   */
  mayExchange?: (peerId: string, documentId: string) => boolean;
  /** a client (a browser) proved its identity key on its connection; it stays a client */
  onClientProved?: (peerId: string, publicKey: string) => void;
}

/** Whether a message the node sends may go to its target (messages about no document, and doc-unavailable, always may). */
export function outboundAllowed(message: { type: string; targetId?: unknown; documentId?: unknown }, mayExchange: ((peerId: string, documentId: string) => boolean) | undefined): boolean {
  if (!mayExchange || message.type === "doc-unavailable") return true;
  if (typeof message.targetId !== "string" || typeof message.documentId !== "string") return true;
  return mayExchange(message.targetId, message.documentId);
}

export class SyncEndpoint {
  readonly adapter: ListeningServerAdapter;
  private readonly server: WebSocketServer;
  private readonly warn: (message: string) => void;
  private readonly admission: ConnectionAdmission;
  /** the open socket of each joined peer, for pandafest's own messages */
  private readonly socketsByPeer = new Map<string, GuardedSocket>();
  private closed = false;

  constructor(private readonly options: SyncEndpointOptions) {
    this.server = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      WebSocket: GuardedSocket,
      perMessageDeflate: false,
    });
    this.admission = new ConnectionAdmission({
      ...DEFAULT_ADMISSION_LIMITS,
      ...options.admission,
      maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    });
    this.warn = throttledWarnings(options.log ?? silentLog);
    // the adapter's typings name ws through isomorphic-ws; the class is the same
    const adapterServer = this.server as unknown as ConstructorParameters<typeof WebSocketServerAdapter>[0];
    this.adapter = new ListeningServerAdapter(adapterServer, options.keepAliveMs ?? 5000);
    if (options.mayExchange) this.adapter.outboundFilter = (message) => outboundAllowed(message, options.mayExchange);
  }

  get connectionCount(): number {
    return this.admission.open;
  }

  /** Takes over an HTTP upgrade request for /sync. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const remoteAddress = request.socket.remoteAddress ?? "?";
    const address = `${remoteAddress}:${request.socket.remotePort ?? "?"}`;
    let upgraded: GuardedSocket | undefined;
    const closeUnjoined = () => {
      this.warn(`sync: closed the connection from ${address}: it had not joined, and newer connections needed its place`);
      if (upgraded) {
        upgraded.frameFilter = () => false;
        closeWithReason(upgraded, CLOSE_POLICY, "no join message in time");
      }
      else socket.destroy();
    };
    const ticket = this.closed ? { refused: "shutting down" } : this.admission.admit(remoteAddress, closeUnjoined);
    if ("refused" in ticket) {
      this.warn(`sync: refused a connection from ${address}: ${ticket.refused}`);
      socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      socket.destroy();
      return;
    }
    socket.on("error", () => undefined); // a reset during the handshake is the client's problem, not ours
    socket.once("close", () => ticket.release());
    this.server.handleUpgrade(request, socket, head, (ws) => {
      upgraded = ws as GuardedSocket;
      this.accept(upgraded, address, ticket);
      this.server.emit("connection", ws, request);
    });
  }

  private accept(socket: GuardedSocket, address: string, ticket: AdmissionTicket): void {
    const link = this.options.registry.open("inbound", address);
    const guard = new FrameGuard({ role: "server", localPeerId: () => this.adapter.peerId, limits: this.options.limits ?? DEFAULT_FRAME_LIMITS, festivalGrowth: this.options.festivalGrowth });
    // until it has joined, a connection may send only small frames: a 64 MB "join" is refused at its header
    socket.capIncomingFrames(MAX_HANDSHAKE_BYTES);
    let refused = false;
    const joinTimeoutMs = this.options.joinTimeoutMs ?? JOIN_TIMEOUT_MS;
    const joinTimer = setTimeout(() => {
      refused = true;
      this.warn(`sync: closed the connection from ${address}: no join within ${Math.round(joinTimeoutMs / 1000)} s`);
      closeWithReason(socket, CLOSE_POLICY, "no join message in time");
    }, joinTimeoutMs);
    joinTimer.unref();
    socket.once("close", () => {
      clearTimeout(joinTimer);
      ticket.release();
    });
    let handshake: NodeHandshake | undefined;
    const refuse = (reason: string): false => {
      refused = true;
      this.warn(`sync: closed the connection from ${address}: ${reason}`);
      closeWithReason(socket, CLOSE_POLICY, reason);
      return false;
    };
    const filter: FrameFilter = (data, isBinary) => {
      if (refused) return false;
      const verdict = guard.inspect(data, isBinary);
      if (!verdict.accept) return refuse(verdict.reason);
      const message = verdict.message;
      if (message.type === KNOWS_MESSAGE_TYPE) {
        // proofs count only from an authenticated node (share-policy.ts checks that again)
        if (link.nodeKey !== undefined) this.options.onKnows?.(message as unknown as KnowsMessage);
        return false;
      }
      if (message.type === NODE_HELLO_TYPE) {
        const nodeKey = this.options.nodeKey;
        const localPeerId = this.adapter.peerId;
        if (!nodeKey || !localPeerId) return refuse("this server does not authenticate nodes");
        if (handshake) return refuse("a second pandafest-hello on the same connection");
        const hello = message as unknown as NodeHelloMessage;
        if (hello.kind === "client" && (link.peerId === undefined || link.peerId !== hello.senderId)) return refuse("a client's pandafest-hello before its join, or under another peer id");
        handshake = NodeHandshake.forHello(nodeKey, localPeerId, hello);
        const answer = handshake.receiveHello(hello);
        if ("problem" in answer) return refuse(answer.problem);
        socket.send(cbor.encode(handshake.hello()));
        socket.send(cbor.encode(answer));
        return false;
      }
      if (message.type === NODE_AUTH_TYPE) {
        if (!handshake) return refuse("pandafest-auth before pandafest-hello");
        const problem = handshake.receiveAuth(message as unknown as NodeAuthMessage);
        const proved = handshake.authenticated;
        if (problem || !proved) return refuse(problem ?? "pandafest-auth refused");
        if (proved.kind === "client") {
          // a browser proved its key: recorded for this connection, and it stays a client (never a node)
          link.clientProved(proved.remotePublicKey);
          const peerId = message.senderId;
          setImmediate(() => this.options.onClientProved?.(peerId, proved.remotePublicKey));
          return false;
        }
        const conflict = link.conflict({ peerId: message.senderId, nodeKey: proved.remotePublicKey });
        if (conflict) return refuse(conflict);
        link.authenticated(proved.remotePublicKey);
        setImmediate(() => this.options.onAuthenticated?.(message.senderId, proved));
        return false;
      }
      if (message.type === "join") {
        clearTimeout(joinTimer);
        ticket.joined();
        socket.capIncomingFrames(this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
        if (message.senderId === this.adapter.peerId) return refuse("join under this node's own peer id");
        const conflict = link.conflict({ peerId: message.senderId });
        if (conflict) return refuse(conflict);
        const metadata = (message as { peerMetadata?: Record<string, unknown> }).peerMetadata;
        // whatever the metadata claims, a peer is a client until it authenticates as a node
        link.connected(message.senderId, { ephemeral: metadata?.isEphemeral === true });
        this.socketsByPeer.set(message.senderId, socket);
        socket.once("close", () => {
          if (this.socketsByPeer.get(message.senderId) !== socket) return;
          this.socketsByPeer.delete(message.senderId);
          this.options.onLeft?.(message.senderId);
        });
      } else if ((message.type === "sync" || message.type === "request") && message.documentId) {
        link.synced(message.documentId);
      }
      this.options.onMessage?.(message, address);
      if (socket.frameFilter !== filter) return false; // onMessage refused the peer: this frame goes no further either
      if (link.role === "client" && this.options.claim?.(message)) return false;
      return true;
    };
    socket.frameFilter = filter;
    socket.on("error", (error: Error & { code?: string }) => {
      refused = true;
      this.warn(`sync: closed the connection from ${address}: ${error.message}${error.code ? ` (${error.code})` : ""}`);
    });
    socket.on("close", () => link.close());
  }

  /** Sends pandafest's own message to a joined peer; false when it is not connected here. */
  sendKnows(peerId: string, proofs: string[]): boolean {
    const senderId = this.adapter.peerId;
    if (!senderId) return false;
    const message: KnowsMessage = { type: KNOWS_MESSAGE_TYPE, senderId, targetId: peerId, proofs };
    return this.send(peerId, message);
  }

  /** Sends a protocol message to a joined peer, past the adapter; false when it is not connected here. */
  send(peerId: string, message: object): boolean {
    const socket = this.socketsByPeer.get(peerId);
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    if (!outboundAllowed(message as { type: string }, this.options.mayExchange)) return true; // not for this peer: dropped
    socket.send(cbor.encode(message));
    return true;
  }

  /** Closes a joined peer's connection because of what it sent (the other connections stay). */
  refuse(peerId: string, reason: string): void {
    const socket = this.socketsByPeer.get(peerId);
    if (!socket) return;
    socket.frameFilter = () => false;
    this.warn(`sync: closed the connection of ${peerId}: ${reason}`);
    closeWithReason(socket, CLOSE_POLICY, reason);
  }

  /** Closes every connection and stops accepting new ones. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.adapter.stop();
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Sends a close frame with a (truncated) reason and makes sure the socket is gone soon even if the peer never answers. */
export function closeWithReason(socket: WebSocket, code: number, reason: string): void {
  const encoder = new TextEncoder();
  let text = reason;
  while (encoder.encode(text).byteLength > 120) text = text.slice(0, -1);
  try {
    socket.close(code, text);
  } catch {
    socket.terminate();
    return;
  }
  setTimeout(() => socket.terminate(), 2000).unref();
}
