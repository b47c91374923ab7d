// `pandafest serve` as one object: the store, HTTP (web app, /api), /sync, outbound peers, LAN discovery,
// and DATA/server.json so the CLI finds it. close() stops everything and flushes storage.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import * as A from "@automerge/automerge";
import type { DocumentId } from "@automerge/automerge-repo";
import { PandafestError } from "../../engine/core/errors.js";
import { hasIdentity, loadIdentity } from "../../engine/node/identity.js";
import { generateKeyPair, toHex } from "../../engine/core/keys.js";
import { FestivalSizeLedger, MAX_FESTIVAL_BYTES } from "../../engine/core/festival-size.js";
import { ownValue } from "../../engine/core/own-value.js";
import { internals } from "../../engine/node/internals-guard.js";
import { FestivalStore } from "../../engine/node/store.js";
import { FestivalCatalog } from "./festival-catalog.js";
import type { FrameLimits } from "./frame-guard.js";
import { createRequestHandler, MAX_URL_LENGTH, RouteTable, sendError, sendJson, sendText, webAppRoot } from "./http.js";
import { LanDiscovery, type MdnsBackend } from "./mdns.js";
import { silentLog, type ServerLog } from "./log.js";
import { PeerClientAdapter } from "./peer-client.js";
import { PeerRegistry } from "./peer-registry.js";
import { findRunningServer, removeServerInfo, writeServerInfo, type ServerInfo } from "./server-info.js";
import type { AuthenticatedLink, NodeKey } from "./node-auth.js";
import { FestivalSharing } from "./share-policy.js";
import { addScheduleRoutes } from "./schedule-routes.js";
import { festivalDirectory, statusPage, statusReport } from "./status.js";
import type { KnowsMessage } from "./sync-messages.js";
import { SyncHub } from "./sync-hub.js";
import { UnknownDocuments } from "./unknown-documents.js";
import { wasmSyncStateProblem } from "./wasm-sync-state.js";
import { WebOrigin, type Refusal } from "./web-origin.js";
import { SyncEndpoint } from "./sync-socket.js";
import { DEFAULT_PORT, SYNC_PATH } from "./endpoints.js";

export { DEFAULT_PORT, SYNC_PATH };

export const DEFAULT_HOST = "127.0.0.1";

export interface ServeOptions {
  dataDir: string;
  host?: string;
  /** 0 picks a free port */
  port?: number;
  /** bind all interfaces and announce over mDNS */
  lan?: boolean;
  /** more Host names this node answers to (NAME or NAME:PORT), besides loopback, the bound address and with --lan the machine's */
  allowHosts?: string[];
  /** ws://host:port/sync of other nodes to keep connected to */
  peers?: string[];
  maxFrameBytes?: number;
  maxConnections?: number;
  /** how long a /sync connection may stay open without joining (ms) */
  joinTimeoutMs?: number;
  limits?: FrameLimits;
  /** the most bytes one festival may grow to from what peers send (default MAX_FESTIVAL_BYTES) */
  maxFestivalBytes?: number;
  /** sync clients through automerge-repo alone, without the hub relay (which reaches into Automerge's internals) */
  noHub?: boolean;
  /** shortest time between two hub relay rounds of one festival (ms) */
  hubRoundMs?: number;
  log?: ServerLog;
  /** the built web app to serve; default ui/dist when it exists, null for none */
  staticRoot?: string | null;
  /** mDNS backend (tests replace it) */
  mdnsBackend?: (onError: (error: Error) => void) => MdnsBackend;
}

export interface RunningServer {
  readonly url: string;
  readonly localUrl: string;
  readonly port: number;
  readonly instanceId: string;
  readonly store: FestivalStore;
  /** add routes here (e.g. exports under /festivals/:id/...) */
  readonly routes: RouteTable;
  readonly catalog: FestivalCatalog;
  readonly registry: PeerRegistry;
  /** keeps a connection to another node's /sync, reconnecting as needed */
  addPeer(url: string): PeerClientAdapter;
  close(): Promise<void>;
}

/** A --peer value must be a ws:// or wss:// URL; the path defaults to /sync. */
export function parsePeerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PandafestError(`--peer ${value}: not a URL; use ws://HOST:PORT/sync`, { code: "usage" });
  }
  if (url.protocol === "http:") url.protocol = "ws:";
  else if (url.protocol === "https:") url.protocol = "wss:";
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    throw new PandafestError(`--peer ${value}: only ws:// and wss:// URLs are supported, e.g. ws://192.168.1.20:4321/sync`, { code: "usage" });
  }
  if (url.pathname === "/" || url.pathname === "") url.pathname = SYNC_PATH;
  return url.toString();
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const log = options.log ?? silentLog;
  const host = options.host ?? (options.lan ? "0.0.0.0" : DEFAULT_HOST);
  const requestedPort = options.port ?? DEFAULT_PORT;
  const peerUrls = (options.peers ?? []).map(parsePeerUrl);
  let listeningPort = -1;
  const webOrigin = new WebOrigin({ port: () => listeningPort, boundHost: host, lan: Boolean(options.lan), allowHosts: options.allowHosts });

  const running = await findRunningServer(options.dataDir);
  if (running) {
    throw new PandafestError(
      `a server is already running on ${options.dataDir} at ${running.url} (pid ${running.pid}); stop it first, or serve another data directory with --data`,
    );
  }

  const nodeKey = await serverNodeKey(options.dataDir, log);
  const instanceId = randomBytes(12).toString("hex");
  const startedAt = new Date();
  const registry = new PeerRegistry();
  const outbound = new Map<string, PeerClientAdapter>();
  // filled in below, once the store and the catalog exist (callbacks only run after that)
  let store: FestivalStore | undefined;
  let catalog: FestivalCatalog | undefined;
  const holds = (id: string) => catalog?.get(id) !== undefined || (store !== undefined && ownValue(store.repo.handles, id)?.isReady() === true);
  const sharing = new FestivalSharing(registry, holds);
  let hub: SyncHub | undefined;
  let unknownDocuments: UnknownDocuments | undefined;
  /** Counts a peer's interest in a document this node may not hold; false when the peer is past its quota. */
  const noticeAsked = (message: { type: string; senderId: string; documentId?: string }): boolean =>
    !(message.type === "request" || message.type === "sync") || !message.documentId || unknownDocuments?.asked(message.senderId, message.documentId) !== false;
  /** The festival size bound: a festival's saved size, measured when a peer first sends it changes, plus what peers sent since. */
  const festivalSizes = new FestivalSizeLedger((id) => {
    const handle = store === undefined ? undefined : ownValue(store.repo.handles, id);
    return handle?.isReady() === true ? A.save(handle.doc()).byteLength : 0;
  }, options.maxFestivalBytes ?? MAX_FESTIVAL_BYTES);
  const festivalGrowth = (documentId: string, changeBytes: number) => festivalSizes.admit(documentId, changeBytes);
  /** Whether a message came from a peer that authenticated as a node (see node-auth.ts), not from a client. */
  const sentByNode = (peerId: string): "node" | "client" => (registry.byPeerId(peerId)?.role === "server" ? "node" : "client");
  const knows = (message: KnowsMessage) => {
    if (!store || message.targetId !== store.repo.peerId) return;
    if (sharing.acceptProofs(message.senderId, message.proofs).length > 0) store.repo.shareConfigChanged();
  };
  /** A peer node proved its key on its connection: proofs are exchanged, and it may now be offered festivals. */
  const nodeAuthenticated = (peerId: string, link: AuthenticatedLink, sendKnows: (proofs: string[]) => boolean) => {
    sharing.authenticated(peerId, link);
    sendKnows(sharing.proofsFor(peerId));
    store?.repo.shareConfigChanged();
  };
  const endpoint = new SyncEndpoint({
    registry,
    log,
    onMessage: (message) => {
      if (!message.documentId) return;
      if (!noticeAsked(message)) endpoint.refuse(message.senderId, "asked for too many documents this node does not hold");
      catalog?.noticeDocument(message.documentId, sentByNode(message.senderId));
      if (message.type === "request" && registry.byPeerId(message.senderId)?.role === "client") sharing.clientAsked(message.documentId);
    },
    // a client's sync of a festival held here goes through the hub relay; the rest through automerge-repo
    claim: (message) => hub?.claim(message) ?? false,
    onLeft: (peerId) => {
      hub?.peerLeft(peerId);
      unknownDocuments?.peerLeft(peerId);
    },
    onKnows: knows,
    nodeKey,
    onAuthenticated: (peerId, link) => nodeAuthenticated(peerId, link, (proofs) => endpoint.sendKnows(peerId, proofs)),
    maxFrameBytes: options.maxFrameBytes,
    maxConnections: options.maxConnections,
    joinTimeoutMs: options.joinTimeoutMs,
    limits: options.limits,
    festivalGrowth,
  });
  store = await FestivalStore.open(options.dataDir, {
    network: [endpoint.adapter],
    sharePolicy: sharing.announce,
    onBadChunk: (report) => log.warn(`a damaged chunk of stored data was moved aside to ${report.movedTo} (${report.reason})`),
  });
  unknownDocuments = new UnknownDocuments(store.repo);
  // the hub relay reaches into Automerge's internals (docs/INTERNALS.md): off with --no-hub or an unknown version
  const standing = internals();
  if (options.noHub || !standing.usable) {
    log.info(`sync: clients are synced through automerge-repo alone (${options.noHub ? "--no-hub" : standing.usable ? "" : standing.reason})`);
  } else {
    hub = new SyncHub({
      repo: store.repo,
      send: (peerId, message) => endpoint.send(peerId, message),
      refuse: (peerId, reason) => endpoint.refuse(peerId, reason),
      roundMs: options.hubRoundMs,
      storage: store.storage,
      warn: (message) => log.warn(message),
    });
    if (!hub.enabled) log.warn(`sync: clients are synced through automerge-repo alone (${wasmSyncStateProblem() ?? "no wasm sync states"})`);
  }
  catalog = new FestivalCatalog(store, sharing, log);
  await catalog.start();

  const openCatalog = catalog;
  let privateCount = sharing.festivals("private").length;
  openCatalog.onChange(() => {
    // a private festival newly held here: tell the connected nodes, so those that hold it too start syncing it
    const count = sharing.festivals("private").length;
    if (count === privateCount) return;
    privateCount = count;
    for (const link of registry.list()) {
      if (link.state !== "connected" || link.nodeKey === undefined || !link.peerId) continue;
      const proofs = sharing.proofsFor(link.peerId);
      if (link.direction === "inbound") endpoint.sendKnows(link.peerId, proofs);
      else for (const adapter of outbound.values()) if (adapter.connectedPeerId === link.peerId) adapter.sendKnows(proofs);
    }
  });

  const routes = new RouteTable();
  const staticRoot = options.staticRoot === undefined ? webAppRoot() : (options.staticRoot ?? undefined);
  let publicUrl = "";
  let localUrl = "";
  const report = () =>
    statusReport({ instanceId, url: publicUrl, startedAt, lan: Boolean(options.lan), catalog, registry, connections: endpoint.connectionCount });

  routes.get("/api/status", ({ response }) => sendJson(response, 200, report()));
  routes.get("/api/festivals", ({ response }) => sendJson(response, 200, festivalDirectory(catalog)));
  routes.get("/api/heads/:id", ({ response, params, url }) => {
    const handle = ownValue(store.repo.handles, params.id);
    if (!handle || !handle.isReady()) return sendError(response, 404, "this server does not hold that document");
    const doc = handle.doc() as A.Doc<unknown>;
    const heads = A.getHeads(doc);
    const asked = url.searchParams.get("contains");
    if (asked === null) return sendJson(response, 200, { heads });
    const wanted = asked.split(",").filter((h) => h.length > 0);
    if (wanted.length > 256 || !wanted.every((h) => /^[0-9a-f]{64}$/.test(h))) return sendError(response, 400, "contains must be up to 256 comma-separated change hashes");
    sendJson(response, 200, { heads, contains: A.hasHeads(doc, wanted) });
  });
  // what of a festival waits here for history this node lacks (a damaged chunk, a gap): the web app says so
  routes.get("/api/festivals/:id/waiting", async ({ response, params }) => {
    if (catalog.get(params.id) === undefined) return sendError(response, 404, "this server does not follow that festival");
    const health = await store.storageHealth(params.id as DocumentId);
    sendJson(response, 200, { missing: health.missing.length, waiting: health.waiting.length, quarantined: health.quarantined.length });
  });
  addScheduleRoutes(routes, catalog);

  const httpServer: Server = createServer(
    createRequestHandler({
      routes,
      staticRoot,
      webOrigin,
      fallbackPage: ({ response }) => sendText(response, 200, statusPage(report(), festivalDirectory(catalog)), "text/html; charset=utf-8"),
      onError: (error) => log.warn(`http: ${error instanceof Error ? error.message : String(error)}`),
    }),
  );
  httpServer.requestTimeout = 30_000;
  httpServer.headersTimeout = 10_000;
  httpServer.on("clientError", (_error, socket) => socket.destroy());
  httpServer.on("upgrade", (request, socket, head) => {
    const refusal = webOrigin.refusal(request);
    if (refusal) {
      socket.end(rawResponse(refusal));
      socket.destroy();
      return;
    }
    const path = (request.url ?? "").length <= MAX_URL_LENGTH ? (request.url ?? "").split("?")[0] : "";
    if (path !== SYNC_PATH) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      socket.destroy();
      return;
    }
    endpoint.handleUpgrade(request, socket, head);
  });

  try {
    await listen(httpServer, requestedPort, host);
  } catch (error) {
    await endpoint.close();
    await flushAndDisconnect(store);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new PandafestError(`port ${requestedPort} on ${host} is in use; choose another with --port (0 picks a free one)`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new PandafestError(`cannot listen on ${host}: no such local address; check --host`);
    if (code === "EACCES") throw new PandafestError(`not allowed to listen on port ${requestedPort}; ports below 1024 need privileges, choose another with --port`);
    throw error;
  }
  const port = (httpServer.address() as AddressInfo).port;
  listeningPort = port;
  const wildcard = host === "0.0.0.0" || host === "::";
  const loopbackHost = wildcard ? "127.0.0.1" : host;
  localUrl = `http://${urlHost(loopbackHost)}:${port}`;
  publicUrl = `http://${urlHost(wildcard ? lanAddress() ?? "127.0.0.1" : host)}:${port}`;

  const addPeer = (url: string): PeerClientAdapter => {
    const existing = outbound.get(url);
    if (existing) return existing;
    const link = registry.open("outbound", url);
    const adapter = new PeerClientAdapter({
      url,
      link,
      log,
      introduceAs: "server",
      maxFrameBytes: options.maxFrameBytes,
      limits: options.limits,
      festivalGrowth,
      onMessage: (message) => {
        if (!message.documentId) return;
        noticeAsked(message); // another node past its quota is not refused (it was dialled on purpose); its oldest ids are forgotten
        catalog?.noticeDocument(message.documentId, sentByNode(message.senderId));
      },
      onKnows: knows,
      nodeKey,
      onAuthenticated: (peerId, proved) => nodeAuthenticated(peerId, proved, (proofs) => adapter.sendKnows(proofs)),
    });
    adapter.on("peer-disconnected", ({ peerId }) => {
      sharing.forgetPeer(peerId);
      unknownDocuments?.peerLeft(peerId);
    });
    outbound.set(url, adapter);
    store.repo.networkSubsystem.addNetworkAdapter(adapter);
    return adapter;
  };
  endpoint.adapter.on("peer-disconnected", ({ peerId }) => sharing.forgetPeer(peerId));
  for (const url of peerUrls) addPeer(url);

  let discovery: LanDiscovery | undefined;
  if (options.lan) {
    discovery = new LanDiscovery({
      instanceId,
      port,
      log,
      backend: options.mdnsBackend,
      // both nodes see each other; only the one with the smaller instance id dials, so there is one connection
      onNodeFound: (node) => {
        if (instanceId < node.instanceId) addPeer(node.url);
      },
    });
    discovery.start(catalog.publicIds());
    catalog.onChange(() => discovery?.update(catalog.publicIds()));
  }

  const info: ServerInfo = { pid: process.pid, url: publicUrl, localUrl, host, port, instanceId, startedAt: startedAt.toISOString() };
  await writeServerInfo(options.dataDir, info);
  log.info(`serving ${options.dataDir} at ${publicUrl} (sync at ${publicUrl.replace(/^http/, "ws")}${SYNC_PATH})`);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      discovery?.stop();
      for (const adapter of outbound.values()) adapter.disconnect();
      await endpoint.close();
      await hub?.close(); // saves the clients' sync states before storage is flushed
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      try {
        await flushAndDisconnect(store);
      } finally {
        await removeServerInfo(options.dataDir, instanceId);
      }
      log.info("stopped; everything is saved");
    })());

  return {
    url: publicUrl,
    localUrl,
    port,
    instanceId,
    store,
    routes,
    catalog,
    registry,
    addPeer,
    close,
  };
}

/**
 * The key this node authenticates to other nodes with: the data directory's identity, or, when `pandafest init`
 * was never run there, a key made for this run only (the node is then a new node each time it starts).
 */
async function serverNodeKey(dataDir: string, log: ServerLog): Promise<NodeKey> {
  if (await hasIdentity(dataDir)) {
    const identity = await loadIdentity(dataDir, { warn: (message) => log.warn(message) });
    return { publicKey: identity.publicKey, secretKey: identity.secretKey };
  }
  const pair = generateKeyPair();
  return { publicKey: toHex(pair.publicKey), secretKey: pair.secretKey };
}

/**
 * Writes every loaded festival and disconnects. Not FestivalStore.close(): the server never edits (nothing to
 * attest), and automerge-repo's flush-everything throws on the handles peers leave behind for documents
 * this node does not have (requested or guessed ids), which would lose the flush of everything else.
 */
async function flushAndDisconnect(store: FestivalStore): Promise<void> {
  const ready = Object.values(store.repo.handles).filter((handle) => handle.isReady()).map((handle) => handle.documentId);
  for (const adapter of store.repo.networkSubsystem.adapters) adapter.disconnect();
  await store.repo.flush(ready);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

/** A refusal written straight to a socket that asked for an upgrade (there is no response object yet). */
function rawResponse(refusal: Refusal): string {
  const reason = refusal.status === 421 ? "Misdirected Request" : "Forbidden";
  const length = Buffer.byteLength(refusal.message);
  return `HTTP/1.1 ${refusal.status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${length}\r\n\r\n${refusal.message}`;
}

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** A LAN address of this machine to print, if it has one. */
function lanAddress(): string | undefined {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === "IPv4" && !address.internal) return address.address;
    }
  }
  return undefined;
}
