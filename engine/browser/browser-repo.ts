// The browser's automerge-repo: IndexedDB storage (offline, survives reloads), BroadcastChannel between tabs,
// and a websocket to the serving node at /sync that never throws on a closed socket and reports its state.
import { BroadcastChannelNetworkAdapter } from "@automerge/automerge-repo-network-broadcastchannel";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import { IndexedDBStorageAdapter } from "@automerge/automerge-repo-storage-indexeddb";
import { Repo, type Message, type NetworkAdapterInterface, type PeerId, type PeerMetadata } from "@automerge/automerge-repo/slim";
import { initializeWasm, isWasmInitialized } from "@automerge/automerge/slim";

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

  override connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
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
    super.receiveMessage(messageBytes);
    this.#notify();
  }

  override disconnect(): void {
    if (this.socket) super.disconnect();
    this.#setState("offline");
  }

  status(): ServerConnectionStatus {
    return { url: this.url, state: this.#state, lastReceivedAt: this.#lastReceivedAt, connectedAt: this.#connectedAt };
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
    options.syncUrl === null ? undefined : new ServerConnection(options.syncUrl, options.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS);
  if (server) network.push(server);
  const repo = new Repo({
    storage: new IndexedDBStorageAdapter(options.databaseName ?? "pandafest"),
    network,
    sharePolicy: async () => true,
  });
  return { repo, server };
}
