// The browser's automerge-repo: IndexedDB storage (offline, survives reloads), BroadcastChannel between tabs,
// and a websocket to the serving node at /sync that proves the browser's key, never throws on a closed socket
// and reports its state.
import { BroadcastChannelNetworkAdapter } from "@automerge/automerge-repo-network-broadcastchannel";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import { IndexedDBStorageAdapter } from "@automerge/automerge-repo-storage-indexeddb";
import { Repo, cbor, type Message, type NetworkAdapterInterface, type PeerId, type PeerMetadata } from "@automerge/automerge-repo/slim";
import { initializeWasm, isWasmInitialized } from "@automerge/automerge/slim";
import { NODE_AUTH_TYPE, NODE_HELLO_TYPE, NodeHandshake, type NodeAuthMessage, type NodeHelloMessage } from "../sync/peer-auth.js";

/** The key pair a page proves to its node (its BrowserIdentity: see browser-identity.ts). */
export interface ConnectionIdentity {
  publicKey: string;
  secretKey: Uint8Array;
}

/** Where the serving node is, as far as the page knows it (window.location has this shape). */
export interface PageLocation {
  protocol: string;
  host: string;
}

export type ServerConnectionState = "connecting" | "online" | "offline";

export interface ServerConnectionStatus {
  url: string;
  state: ServerConnectionState;
  /** When a message last arrived from the server (ms since 1970), if ever. */
  lastReceivedAt?: number;
  /** When the socket last opened (ms since 1970), if ever. */
  connectedAt?: number;
  /** The public key this connection proved to the node (undefined: none proved; members-only festivals stay away). */
  provedKey?: string;
}

export interface BrowserRepoOptions {
  /** The websocket URL of the serving node; null for no server (tabs and storage only). */
  syncUrl: string | null;
  /** IndexedDB database of the documents. Default "pandafest". */
  databaseName?: string;
  /** BroadcastChannel shared by this origin's tabs. Default "pandafest". */
  channelName?: string;
  /** How long to wait between reconnection attempts. Default 2000 ms. */
  retryIntervalMs?: number;
  /** How long to wait for other tabs to answer before looking elsewhere. Default 150 ms (tabs answer at once). */
  tabWaitMs?: number;
  /**
   * The browser's identity: the connection proves it to the node, which then gives this page the members-only
   * festivals whose member it is. Without one (no name chosen yet) the page gets none of them; see setIdentity.
   */
  identity?: ConnectionIdentity;
}

export interface BrowserRepo {
  repo: Repo;
  /** The connection to the serving node, if there is one. */
  server: ServerConnection | undefined;
}

const SOCKET_OPEN = 1;
const DEFAULT_RETRY_INTERVAL_MS = 2000;
const DEFAULT_TAB_WAIT_MS = 150;

/** The websocket URL of the node that served the page: ws(s)://HOST/sync. */
export function syncUrlFor(location: PageLocation): string {
  const secure = location.protocol === "https:";
  return `${secure ? "wss" : "ws"}://${location.host}/sync`;
}

/**
 * Makes Automerge usable in this page. The browser build uses Automerge's slim entry, which needs its
 * WebAssembly module loaded first: pass its URL (or bytes). Calling it again is harmless.
 */
export async function prepareAutomerge(wasm: string | Uint8Array): Promise<void> {
  if (!isWasmInitialized()) await initializeWasm(wasm);
}

/**
 * The websocket client of automerge-repo, hardened for pages that go offline: sending while the socket is
 * not open drops the message instead of throwing (the sync protocol catches up after reconnecting), and
 * the connection state is observable for the sync screen.
 */
export class ServerConnection extends WebSocketClientAdapter {
  #state: ServerConnectionState = "connecting";
  #lastReceivedAt: number | undefined;
  #connectedAt: number | undefined;
  readonly #listeners = new Set<(status: ServerConnectionStatus) => void>();
  #identity: ConnectionIdentity | undefined;
  /** this socket's handshake, while the node's peer message is held back until it completes */
  #handshake: { handshake: NodeHandshake; peer: Uint8Array } | undefined;
  #provedKey: string | undefined;

  /**
   * With an identity, every connection first proves it (the handshake of engine/sync/peer-auth.ts, as a client):
   * the repo hears of the node only once the proof is through, so it asks for nothing before the node knows its key.
   */
  constructor(url: string, retryInterval?: number, identity?: ConnectionIdentity) {
    super(url, retryInterval);
    this.#identity = identity;
  }

  /**
   * The identity to prove from now on (a name was just chosen). A connection open without a proof is closed, and
   * reconnects with one; one that proved the same key stays.
   */
  setIdentity(identity: ConnectionIdentity): void {
    const changed = this.#identity?.publicKey !== identity.publicKey;
    this.#identity = identity;
    if (changed && this.socket && this.socket.readyState === SOCKET_OPEN && this.#provedKey !== identity.publicKey) this.socket.close();
  }

  override connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
    this.#handshake = undefined;
    this.#provedKey = undefined;
    super.connect(peerId, peerMetadata);
    const socket = this.socket;
    if (!socket) return;
    if (this.#state !== "online") this.#setState(this.#state === "offline" ? "offline" : "connecting");
    socket.addEventListener("open", () => {
      if (this.socket !== socket) return;
      this.#connectedAt = Date.now();
      this.#setState("online");
    });
    socket.addEventListener("close", () => {
      if (this.socket === socket) this.#setState("offline");
    });
  }

  override send(message: Message): void {
    if (!this.socket || this.socket.readyState !== SOCKET_OPEN) return;
    try {
      super.send(message);
    } catch {
      // The socket closed between the check and the send; the next connection resynchronises.
    }
  }

  override receiveMessage(messageBytes: Uint8Array): void {
    this.#lastReceivedAt = Date.now();
    if (!this.#handshakeMessage(messageBytes)) super.receiveMessage(messageBytes);
    this.#notify();
  }

  /** Takes the messages of the key handshake; true when the message was one of them (or is held back for it). */
  #handshakeMessage(messageBytes: Uint8Array): boolean {
    // only while this socket's proof is under way: the sync messages after it are not decoded twice
    if (!this.#identity || this.#provedKey !== undefined) return false;
    let message: { type?: unknown; senderId?: unknown };
    try {
      message = cbor.decode(new Uint8Array(messageBytes)) as { type?: unknown; senderId?: unknown };
    } catch {
      return false;
    }
    if (message === null || typeof message !== "object") return false;
    const identity = this.#identity;
    if (message.type === "peer" && identity && this.peerId && typeof message.senderId === "string" && !this.#handshake) {
      const handshake = new NodeHandshake(identity, "initiator", this.peerId, message.senderId, "client");
      this.#handshake = { handshake, peer: new Uint8Array(messageBytes) };
      this.#sendRaw(handshake.hello());
      return true;
    }
    if (message.type === NODE_HELLO_TYPE) {
      const answer = this.#handshake?.handshake.receiveHello(message as unknown as NodeHelloMessage);
      if (answer === undefined || "problem" in answer) this.socket?.close();
      else this.#sendRaw(answer);
      return true;
    }
    if (message.type === NODE_AUTH_TYPE) {
      const held = this.#handshake;
      const problem = held ? held.handshake.receiveAuth(message as unknown as NodeAuthMessage) : "pandafest-auth that was not asked for";
      if (problem !== undefined || !held) {
        this.socket?.close();
        return true;
      }
      this.#provedKey = identity?.publicKey;
      // the node knows our key now: the repo may hear of it and start asking
      super.receiveMessage(held.peer);
      return true;
    }
    return false;
  }

  #sendRaw(message: object): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== SOCKET_OPEN) return;
    try {
      socket.send(cbor.encode(message));
    } catch {
      // closed meanwhile; the next connection proves the key again
    }
  }

  override disconnect(): void {
    if (this.socket) super.disconnect();
    this.#setState("offline");
  }

  status(): ServerConnectionStatus {
    return { url: this.url, state: this.#state, lastReceivedAt: this.#lastReceivedAt, connectedAt: this.#connectedAt, provedKey: this.#provedKey };
  }

  /** Calls listener on every state change and received message; returns the unsubscribe function. */
  onStatus(listener: (status: ServerConnectionStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #setState(state: ServerConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#notify();
  }

  #notify(): void {
    const status = this.status();
    for (const listener of this.#listeners) listener(status);
  }
}

/**
 * The repo of one page. Every document is shared with the other tabs and with the serving node (the
 * page's own machine), so edits made offline reach the node when it is back.
 */
export function createBrowserRepo(options: BrowserRepoOptions): BrowserRepo {
  if (!isWasmInitialized()) {
    throw new Error("Automerge is not ready: await prepareAutomerge(wasmUrl) before creating the repo");
  }
  const network: NetworkAdapterInterface[] = [
    new BroadcastChannelNetworkAdapter({ channelName: options.channelName ?? "pandafest", peerWaitMs: options.tabWaitMs ?? DEFAULT_TAB_WAIT_MS }),
  ];
  const server =
    options.syncUrl === null ? undefined : new ServerConnection(options.syncUrl, options.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS, options.identity);
  if (server) network.push(server);
  const repo = new Repo({
    storage: new IndexedDBStorageAdapter(options.databaseName ?? "pandafest"),
    network,
    sharePolicy: async () => true,
  });
  return { repo, server };
}
