// `pandafest serve` as one object, composed of its parts in order: the store, the catalog of followed festivals,
// sync (node-sync.ts), routes, HTTP (node-http.ts), LAN discovery and DATA/server.json. close() stops them in turn.
import { randomBytes } from "node:crypto";
import { PandafestError } from "../../engine/core/errors.js";
import { generateKeyPair, toHex } from "../../engine/core/keys.js";
import { hasIdentity, loadIdentity } from "../../engine/node/identity.js";
import { FestivalStore } from "../../engine/node/store.js";
import { addAccessRequestRoute } from "./access-request-route.js";
import { addApiRoutes } from "./api-routes.js";
import { DEFAULT_PORT, SYNC_PATH } from "./endpoints.js";
import { FestivalCatalog } from "./festival-catalog.js";
import type { FrameLimits } from "./frame-guard.js";
import { RouteTable, sendText, webAppRoot } from "./http.js";
import { addLocalCommandRoute, type LocalCommandRunner } from "./local-commands.js";
import { silentLog, type ServerLog } from "./log.js";
import { LanDiscovery, type MdnsBackend } from "./mdns.js";
import type { NodeKey } from "./node-auth.js";
import { createNodeHttpServer, listenOrExplain, nodeUrls } from "./node-http.js";
import { NodeSync } from "./node-sync.js";
import type { PeerClientAdapter } from "./peer-client.js";
import type { PeerRegistry } from "./peer-registry.js";
import { addArchiveRoutes } from "./archive-routes.js";
import { addScheduleRoutes } from "./schedule-routes.js";
import { findRunningServer, removeServerInfo, writeServerInfo, type ServerInfo } from "./server-info.js";
import { festivalDirectory, statusPage, statusReport } from "./status.js";
import { StoreTurns } from "./store-turns.js";
import { WebOrigin } from "./web-origin.js";

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
  /** runs the commands of CLI processes on this data directory, so this server is its one writer (see local-commands.ts) */
  commands?: LocalCommandRunner;
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
  // the Host names this node answers to are checked first (a malformed --allow-host opens nothing)
  let listeningPort = -1;
  const webOrigin = new WebOrigin({ port: () => listeningPort, boundHost: host, lan: Boolean(options.lan), allowHosts: options.allowHosts });
  await refuseSecondServer(options.dataDir);

  const nodeKey = await serverNodeKey(options.dataDir, log);
  const instanceId = randomBytes(12).toString("hex");
  const startedAt = new Date();
  // the store first (no peers yet), then what follows its festivals, then sync, which connects it to peers
  const store = await FestivalStore.open(options.dataDir, {
    onBadChunk: (report) => log.warn(`a damaged chunk of stored data was moved aside to ${report.movedTo} (${report.reason})`),
  });
  const catalog = new FestivalCatalog(store, log);
  const turns = new StoreTurns();
  const sync = new NodeSync({ ...options, store, catalog, nodeKey, log, turns });
  await catalog.start();
  await sync.refreshPendingJoins();

  const addresses = { publicUrl: "", localUrl: "" };
  const status = () =>
    statusReport({ instanceId, url: addresses.publicUrl, startedAt, lan: Boolean(options.lan), catalog, registry: sync.registry, connections: sync.endpoint.connectionCount });
  const routes = new RouteTable();
  addApiRoutes(routes, { store, catalog, status });
  addAccessRequestRoute(routes, { store, catalog, turns });
  addScheduleRoutes(routes, catalog);
  addArchiveRoutes(routes, catalog);
  const commandToken = options.commands ? randomBytes(32).toString("hex") : undefined;
  const localCommands = options.commands && commandToken ? addLocalCommandRoute(routes, { token: commandToken, store, turns, run: catchingUp(catalog, sync, options.commands) }) : undefined;

  const httpServer = createNodeHttpServer({
    routes,
    staticRoot: options.staticRoot === undefined ? webAppRoot() : (options.staticRoot ?? undefined),
    webOrigin,
    fallbackPage: ({ response }) => sendText(response, 200, statusPage(status(), festivalDirectory(catalog)), "text/html; charset=utf-8"),
    upgradeSync: (request, socket, head) => sync.endpoint.handleUpgrade(request, socket, head),
    warn: (message) => log.warn(message),
  });
  try {
    listeningPort = await listenOrExplain(httpServer, requestedPort, host);
  } catch (error) {
    await sync.close();
    await store.flushAndDisconnect();
    throw error;
  }
  const port = listeningPort;
  Object.assign(addresses, nodeUrls(host, port));
  const { publicUrl, localUrl } = addresses;

  for (const url of peerUrls) sync.addPeer(url);
  const discovery = options.lan ? startDiscovery(instanceId, port, log, options.mdnsBackend, catalog, sync) : undefined;

  const info: ServerInfo = { pid: process.pid, url: publicUrl, localUrl, host, port, instanceId, startedAt: startedAt.toISOString(), commandToken };
  await writeServerInfo(options.dataDir, info);
  log.info(`serving ${options.dataDir} at ${publicUrl} (sync at ${publicUrl.replace(/^http/, "ws")}${SYNC_PATH})`);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      discovery?.stop();
      await localCommands?.drain(); // a command that runs finishes (and commits) before storage is flushed
      await sync.close(); // saves the clients' sync states before storage is flushed
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      try {
        await store.flushAndDisconnect();
      } finally {
        await removeServerInfo(options.dataDir, instanceId);
      }
      log.info("stopped; everything is saved");
    })());

  return { url: publicUrl, localUrl, port, instanceId, store, routes, catalog, registry: sync.registry, addPeer: (url) => sync.addPeer(url), close };
}

/** Two servers on one data directory would be two writers: the second refuses to start. */
async function refuseSecondServer(dataDir: string): Promise<void> {
  const running = await findRunningServer(dataDir);
  if (running) {
    throw new PandafestError(
      `a server is already running on ${dataDir} at ${running.url} (pid ${running.pid}); stop it first, or serve another data directory with --data`,
    );
  }
}

/** Runs a forwarded command; then what it followed or forgot is listed, announced and synced like any festival here. */
function catchingUp(catalog: FestivalCatalog, sync: NodeSync, run: LocalCommandRunner): LocalCommandRunner {
  return async (command, io) => {
    const before = await catalog.indexedIds();
    try {
      return await run(command, io);
    } finally {
      await catalog.catchUpWithIndex(before);
      // a `pandafest join` it ran is asked of peer nodes (read after this turn: the command holds the store's turn)
      void sync.refreshPendingJoins();
    }
  };
}

/** Announces this node's public festivals on the LAN and dials the nodes found there (one connection per pair). */
function startDiscovery(
  instanceId: string,
  port: number,
  log: ServerLog,
  backend: ServeOptions["mdnsBackend"],
  catalog: FestivalCatalog,
  sync: NodeSync,
): LanDiscovery {
  const discovery = new LanDiscovery({
    instanceId,
    port,
    log,
    backend,
    // both nodes see each other; only the one with the smaller instance id dials, so there is one connection
    onNodeFound: (node) => {
      if (instanceId < node.instanceId) sync.addPeer(node.url);
    },
  });
  discovery.start(catalog.publicIds());
  catalog.onChange(() => discovery.update(catalog.publicIds()));
  return discovery;
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
