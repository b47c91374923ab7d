// The browser's automerge-repo: IndexedDB storage (offline, survives reloads), BroadcastChannel between tabs,
// and a websocket to the serving node at /sync that proves the browser's key, never throws on a closed socket,
// reports its state truthfully (heartbeat, online/offline events) and reconnects with backoff.
import { BroadcastChannelNetworkAdapter } from "@automerge/automerge-repo-network-broadcastchannel";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import { IndexedDBStorageAdapter } from "@automerge/automerge-repo-storage-indexeddb";
import { Repo, cbor, type Message, type NetworkAdapterInterface, type PeerId, type PeerMetadata } from "@automerge/automerge-repo/slim";
import { initializeWasm, isWasmInitialized } from "@automerge/automerge/slim";
import { RepoDocumentStorage } from "../internals/repo-document-storage.js";
import { loadInSteps } from "../internals/stepped-load.js";
import { Backoff, type BackoffOptions } from "../sync/backoff.js";
import { nextTask } from "./next-task.js";
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

/** Why the page holds the node for gone: its socket closed, it stopped answering, or the browser lost its network. */
export type OfflineReason = "closed" | "no-answer" | "browser-offline";

export interface ServerConnectionStatus {
  url: string;
  state: ServerConnectionState;
  /** When a message last arrived from the server (ms since 1970), if ever. */
  lastReceivedAt?: number;
  /** When the socket last opened (ms since 1970), if ever. */
  connectedAt?: number;
  /** The public key this connection proved to the node (undefined: none proved; members-only festivals stay away). */
  provedKey?: string;
  /** Connection attempts since the socket was last open (0 while it is). */
  attempts: number;
  /** While waiting to try again: when the next attempt is due (ms since 1970). */
  nextAttemptAt?: number;
  /** While offline: why. */
  offlineReason?: OfflineReason;
}

/** How the page notices a node that went away without closing the socket (a cut cable, a sleeping laptop). */
export interface HeartbeatOptions {
  /** An HTTP URL of the node that answers quickly (its /api/status); any answer, even an error status, is a sign of life. */
  url: string;
  /** How often to ask. Default 3000 ms. */
  intervalMs?: number;
  /** How long an answer may take before the node counts as gone. Default 2500 ms. */
  timeoutMs?: number;
}

export interface ServerConnectionOptions {
  /** The identity to prove on every connection (see setIdentity). */
  identity?: ConnectionIdentity;
  /** Delays between reconnection attempts. Default 1 s doubling up to 15 s, each with jitter. */
  backoff?: BackoffOptions;
  /** Without one, only a closed socket tells the page the node is gone. */
  heartbeat?: HeartbeatOptions;
  /** An attempt whose socket has not opened by then is given up (and retried later). Default 5000 ms. */
  attemptTimeoutMs?: number;
}

export interface BrowserRepoOptions {
  /** The websocket URL of the serving node; null for no server (tabs and storage only). */
  syncUrl: string | null;
  /** IndexedDB database of the documents. Default "pandafest". */
  databaseName?: string;
  /** BroadcastChannel shared by this origin's tabs. Default "pandafest". */
  channelName?: string;
  /** Delays between reconnection attempts; see ServerConnectionOptions. */
  backoff?: BackoffOptions;
  /** The heartbeat; default: the node's /api/status every 3 s (see heartbeatUrlFor). */
  heartbeat?: HeartbeatOptions;
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

const SOCKET_CONNECTING = 0;
const SOCKET_OPEN = 1;
const DEFAULT_TAB_WAIT_MS = 150;
/** A page reconnects to one node (its own machine, or one on the LAN): soon at first, never more than every 15 s. */
export const PAGE_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 15_000 };
const DEFAULT_HEARTBEAT_MS = 3000;
const DEFAULT_HEARTBEAT_TIMEOUT_MS = 2500;
const DEFAULT_ATTEMPT_TIMEOUT_MS = 5000;
/** The retry interval handed to automerge-repo's adapter: its own timers never fire, this class schedules retries. */
const NO_BUILT_IN_RETRY_MS = 2_147_483_647;

/** The websocket URL of the node that served the page: ws(s)://HOST/sync. */
export function syncUrlFor(location: PageLocation): string {
  const secure = location.protocol === "https:";
  return `${secure ? "wss" : "ws"}://${location.host}/sync`;
}

/** The URL the heartbeat asks, from the node's websocket URL: ws://HOST/sync → http://HOST/api/status. */
export function heartbeatUrlFor(syncUrl: string): string {
  const url = new URL(syncUrl);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.pathname = url.pathname.replace(/\/sync$/, "") + "/api/status";
  return url.toString();
}

/**
 * Makes Automerge usable in this page. The browser build uses Automerge's slim entry, which needs its
 * WebAssembly module loaded first: pass its URL (or bytes). Calling it again is harmless.
 */
export async function prepareAutomerge(wasm: string | Uint8Array): Promise<void> {
  if (!isWasmInitialized()) await initializeWasm(wasm);
}

/** The adapter's socket: the browser's WebSocket in a page, ws's in Node. */
type Socket = NonNullable<WebSocketClientAdapter["socket"]>;

/** The little of a page's window this connection listens to (typed here: the engine is compiled without the DOM). */
interface EventSource {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}
interface PageWindow extends EventSource {
  navigator?: { onLine?: boolean };
  document?: EventSource & { visibilityState?: string };
}

/** The page's window, where there is one (the class also runs in Node, in tests). */
function pageWindow(): PageWindow | undefined {
  const window = (globalThis as { window?: PageWindow }).window;
  return window && typeof window.addEventListener === "function" ? window : undefined;
}

/** Whether the browser says it has no network (never in Node, which does not say). */
function browserSaysOffline(): boolean {
  return pageWindow()?.navigator?.onLine === false;
}

function ignoreEvent(): void {}

/**
 * The websocket client of automerge-repo, hardened for pages that go offline: sending while the socket is
 * not open drops the message instead of throwing (the sync protocol catches up after reconnecting), the
 * connection state is observable and true (a heartbeat and the browser's online/offline events notice a node
 * that went away without a word), and reconnection backs off exponentially, with jitter.
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
  /** the socket this connection uses; one given up on (closed, silent) is no longer current, whatever it does later */
  #current: Socket | undefined;
  readonly #backoff: Backoff;
  readonly #heartbeat: Required<HeartbeatOptions> | undefined;
  readonly #attemptTimeoutMs: number;
  #attempts = 0;
  #nextAttemptAt: number | undefined;
  #offlineReason: OfflineReason | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #attemptTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  #probing = false;
  #stopped = false;
  #watchingPage = false;

  /**
   * With an identity, every connection first proves it (the handshake of engine/sync/peer-auth.ts, as a client):
   * the repo hears of the node only once the proof is through, so it asks for nothing before the node knows its key.
   */
  constructor(url: string, options: ServerConnectionOptions = {}) {
    super(url, NO_BUILT_IN_RETRY_MS);
    this.#identity = options.identity;
    this.#backoff = new Backoff(options.backoff ?? PAGE_BACKOFF);
    this.#attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
    const heartbeat = options.heartbeat;
    this.#heartbeat = heartbeat && {
      url: heartbeat.url,
      intervalMs: heartbeat.intervalMs ?? DEFAULT_HEARTBEAT_MS,
      timeoutMs: heartbeat.timeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS,
    };
  }

  /**
   * The identity to prove from now on (a name was just chosen). A connection open without a proof is replaced at
   * once by one with it; one that proved the same key stays.
   */
  setIdentity(identity: ConnectionIdentity): void {
    const changed = this.#identity?.publicKey !== identity.publicKey;
    this.#identity = identity;
    const socket = this.#current;
    if (changed && socket && socket.readyState === SOCKET_OPEN && this.#provedKey !== identity.publicKey) {
      this.#giveUp();
      this.#setState("connecting");
      this.#reconnectNow();
    }
  }

  override connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
    this.#stopped = false;
    this.#watchPage();
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#nextAttemptAt = undefined;
    this.#handshake = undefined;
    this.#provedKey = undefined;
    const previous = this.#current;
    if (previous) this.#giveUp();
    super.connect(peerId, peerMetadata);
    const socket = this.socket;
    this.#current = socket;
    if (!socket) return;
    this.#attempts += 1;
    if (this.#state !== "online") this.#setState(this.#state === "offline" ? "offline" : "connecting");
    else this.#notify();
    clearTimeout(this.#attemptTimer);
    this.#attemptTimer = setTimeout(() => {
      if (this.#current === socket && socket.readyState === SOCKET_CONNECTING) this.#lost("no-answer");
    }, this.#attemptTimeoutMs);
    socket.addEventListener("open", () => {
      if (this.#current !== socket) return;
      clearTimeout(this.#attemptTimer);
      this.#connectedAt = Date.now();
      this.#attempts = 0;
      this.#backoff.reset();
      this.#offlineReason = undefined;
      this.#setState("online");
      this.#startHeartbeat();
    });
  }

  /** The socket closed (the base adapter's handler, replaced: the retry is this class's, with backoff). */
  override onClose = (): void => {
    this.#lost("closed");
  };

  override send(message: Message): void {
    const socket = this.#current;
    if (!socket || socket !== this.socket || socket.readyState !== SOCKET_OPEN) return;
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
      if (answer === undefined || "problem" in answer) this.#current?.close();
      else this.#sendRaw(answer);
      return true;
    }
    if (message.type === NODE_AUTH_TYPE) {
      const held = this.#handshake;
      const problem = held ? held.handshake.receiveAuth(message as unknown as NodeAuthMessage) : "pandafest-auth that was not asked for";
      if (problem !== undefined || !held) {
        this.#current?.close();
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
    const socket = this.#current;
    if (!socket || socket.readyState !== SOCKET_OPEN) return;
    try {
      socket.send(cbor.encode(message));
    } catch {
      // closed meanwhile; the next connection proves the key again
    }
  }

  override disconnect(): void {
    this.#stopped = true;
    this.#unwatchPage();
    this.#stopTimers();
    if (this.socket) super.disconnect();
    this.#current = undefined;
    this.remotePeerId = undefined;
    this.#setState("offline");
  }

  /** Tries to reach the node now instead of waiting out the backoff (someone asked to). Nothing to do while online. */
  retryNow(): void {
    if (this.#stopped || this.#state === "online") return;
    this.#backoff.reset();
    this.#reconnectNow();
  }

  status(): ServerConnectionStatus {
    return {
      url: this.url,
      state: this.#state,
      lastReceivedAt: this.#lastReceivedAt,
      connectedAt: this.#connectedAt,
      provedKey: this.#provedKey,
      attempts: this.#attempts,
      nextAttemptAt: this.#nextAttemptAt,
      offlineReason: this.#state === "offline" ? this.#offlineReason : undefined,
    };
  }

  /** Calls listener on every state change, attempt and received message; returns the unsubscribe function. */
  onStatus(listener: (status: ServerConnectionStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The current socket is gone (closed, silent, or the browser lost its network): say so, and try again later. */
  #lost(reason: OfflineReason): void {
    if (this.#stopped || !this.#current) return;
    this.#giveUp();
    this.#offlineReason = browserSaysOffline() ? "browser-offline" : reason;
    this.#setState("offline");
    this.#scheduleRetry();
  }

  /**
   * Lets go of the current socket: no event of it counts any more, the repo hears that the node left, and the socket
   * is closed (a silent one may take long to finish closing; nothing waits for that).
   */
  #giveUp(): void {
    const socket = this.#current;
    this.#current = undefined;
    this.#stopTimers();
    if (!socket) return;
    socket.removeEventListener("open", this.onOpen);
    socket.removeEventListener("close", this.onClose);
    socket.removeEventListener("message", this.onMessage);
    socket.removeEventListener("error", this.onError);
    // closing a socket still connecting reports an error, which Node's ws throws when nobody listens
    socket.addEventListener("error", ignoreEvent);
    if (this.remotePeerId) this.emit("peer-disconnected", { peerId: this.remotePeerId });
    this.remotePeerId = undefined;
    this.#handshake = undefined;
    this.#provedKey = undefined;
    try {
      socket.close();
    } catch {
      // already closed
    }
  }

  #scheduleRetry(): void {
    if (this.#stopped || this.#retryTimer !== undefined) return;
    const delay = this.#backoff.next();
    this.#nextAttemptAt = Date.now() + delay;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#reconnectNow();
    }, delay);
    this.#notify();
  }

  #reconnectNow(): void {
    if (this.#stopped || !this.peerId) return;
    this.connect(this.peerId, this.peerMetadata);
  }

  #startHeartbeat(): void {
    const heartbeat = this.#heartbeat;
    clearInterval(this.#heartbeatTimer);
    if (!heartbeat) return;
    this.#heartbeatTimer = setInterval(() => void this.#probe(), heartbeat.intervalMs);
  }

  /**
   * Asks the node over HTTP whether it is there (every beat, whatever else arrived: a message received just before a
   * cut would otherwise delay the news by a whole beat). No answer in time: the socket is given up and retried.
   */
  async #probe(): Promise<void> {
    const heartbeat = this.#heartbeat;
    const socket = this.#current;
    if (!heartbeat || !socket || this.#state !== "online" || this.#probing) return;
    this.#probing = true;
    try {
      await fetch(heartbeat.url, { method: "HEAD", signal: AbortSignal.timeout(heartbeat.timeoutMs) });
    } catch {
      if (this.#current === socket) this.#lost("no-answer");
    } finally {
      this.#probing = false;
    }
  }

  #stopTimers(): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    clearTimeout(this.#attemptTimer);
    this.#attemptTimer = undefined;
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
    this.#nextAttemptAt = undefined;
  }

  /** The browser says its network is back: try now instead of waiting out the backoff. */
  readonly #onBrowserOnline = (): void => {
    if (this.#state === "online") void this.#probe();
    else {
      this.#backoff.reset();
      this.#reconnectNow();
    }
  };

  /** The browser says it lost its network: the node may still be reachable (it may be this machine), so ask it. */
  readonly #onBrowserOffline = (): void => {
    void this.#probe();
  };

  /** A page shown again may have slept: check the node now rather than at the next beat or retry. */
  readonly #onVisibilityChange = (): void => {
    if (pageWindow()?.document?.visibilityState !== "visible") return;
    if (this.#state === "online") void this.#probe();
    else if (this.#retryTimer !== undefined) this.#reconnectNow();
  };

  #watchPage(): void {
    const window = pageWindow();
    if (!window || this.#watchingPage) return;
    this.#watchingPage = true;
    window.addEventListener("online", this.#onBrowserOnline);
    window.addEventListener("offline", this.#onBrowserOffline);
    window.document?.addEventListener("visibilitychange", this.#onVisibilityChange);
  }

  #unwatchPage(): void {
    const window = pageWindow();
    if (!window || !this.#watchingPage) return;
    this.#watchingPage = false;
    window.removeEventListener("online", this.#onBrowserOnline);
    window.removeEventListener("offline", this.#onBrowserOffline);
    window.document?.removeEventListener("visibilitychange", this.#onVisibilityChange);
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
  const syncUrl = options.syncUrl;
  const server =
    syncUrl === null
      ? undefined
      : new ServerConnection(syncUrl, {
          identity: options.identity,
          backoff: options.backoff,
          heartbeat: options.heartbeat ?? { url: heartbeatUrlFor(syncUrl) },
        });
  if (server) network.push(server);
  const storage = new IndexedDBStorageAdapter(options.databaseName ?? "pandafest");
  const repo = new Repo({ storage, network, sharePolicy: async () => true });
  // a stored festival opens in steps, each a task of its own, and its first save writes only what is new
  RepoDocumentStorage.install(repo, storage, { open: (bytes) => loadInSteps(bytes, nextTask) });
  return { repo, server };
}
