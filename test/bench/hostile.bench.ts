// Hostile-load benchmarks: the memory and CPU of a `pandafest serve` process (children/hostile-server.js) under floods
// of requests for unknown ids, joins of 64 MB and sockets that never join, and how soon an honest client is answered.
import * as A from "@automerge/automerge";
import { cbor, generateAutomergeUrl, parseAutomergeUrl } from "@automerge/automerge-repo";
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocket, type RawData } from "ws";
import { DEFAULT_ADMISSION_LIMITS } from "../../apps/server/connection-admission.js";
import { MAX_HANDSHAKE_BYTES } from "../../apps/server/frame-guard.js";
import { DEFAULT_MAX_FRAME_BYTES } from "../../apps/server/sync-socket.js";
import { DEFAULT_UNKNOWN_DOCUMENT_LIMITS } from "../../apps/server/unknown-documents.js";
import type { FromHostileServer, ServerSample, ToHostileServer } from "./children/hostile-server-protocol.js";
import { comparisonRow, figureRow, type BenchContext, type BenchFestival, type BenchRow, type BenchSize, type BenchSuite } from "./harness.js";
import { median } from "./stats.js";

/**
 * load 1: requests for random (valid) document ids the server does not hold, over as many connections as it takes.
 * The issue's 20,000 at large and huge; fewer at small, which keeps the suite within a minute (each request still
 * costs the server 1.5-2.5 ms of CPU: automerge-repo makes a handle and a synchronizer for it before finding it unavailable).
 */
const UNKNOWN_ID_REQUESTS: Record<BenchSize, number> = { small: 5_000, large: 20_000, huge: 20_000 };
const UNKNOWN_ID_MAX_CONNECTIONS = 200;
/** connections sending requests at the same time */
const UNKNOWN_ID_LANES = 4;
/** requests a connection has sent that the server has not yet answered (doc-unavailable): it waits past this */
const REQUEST_WINDOW = 16;
/** how long a connection waits for an answer before it sends on regardless */
const REQUEST_WAIT_MS = 250;
/** load 1 stops sending after this (the run then fails: the load was not applied) */
const FLOOD_DEADLINE_MS = 90_000;
/** load 2: joins whose peerMetadata fills a whole frame (the largest the server receives), on connections of their own */
const OVERSIZED_JOINS = 2;
const OVERSIZED_JOIN_PADDING = DEFAULT_MAX_FRAME_BYTES - 1024;
/** load 3: sockets that connect to /sync and never join */
const IDLE_SOCKETS = 256;
/** idle sockets opened at the same time */
const IDLE_SOCKET_BATCH = 32;
/** how long the server idles before a load (its idle figures), and settles after one */
const IDLE_MS = 2000;
const SETTLE_MS = 2000;
/** the most any one client waits: to be answered, or for its connection to close */
const CLIENT_TIMEOUT_MS = 10_000;
const OVERSIZED_TIMEOUT_MS = 60_000;
const SERVER_TIMEOUT_MS = 60_000;

const here = path.dirname(fileURLToPath(import.meta.url));
const MB = 1024 * 1024;
const mb = (bytes: number) => bytes / MB;
const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : String(value));

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The server child: forked with an IPC channel, asked for samples, stopped; every wait bounded. */
class HostileServer {
  private readonly inbox: FromHostileServer[] = [];
  private wake: (() => void) | undefined;
  private exitReason: string | undefined;
  private stderr = "";
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on("data", (chunk: Buffer) => {
      if (this.stderr.length < 10_000) this.stderr += chunk.toString("utf8");
    });
    child.on("message", (message) => {
      this.inbox.push(message as FromHostileServer);
      this.wake?.();
    });
    this.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        this.exitReason = `exited with ${code ?? signal}${this.stderr ? `: ${this.stderr.trim().split("\n").slice(0, 10).join("\n")}` : ""}`;
        this.wake?.();
        resolve();
      });
    });
  }

  /** Forks the compiled child on `dataDir` and resolves with its /sync URL once it answers joins. */
  static async start(dataDir: string): Promise<{ server: HostileServer; sync: string }> {
    // --expose-gc only for the notes' sample after a full collection; the rows' samples never force one
    const child = fork(path.join(here, "children", "hostile-server.js"), [dataDir], { stdio: ["ignore", "ignore", "pipe", "ipc"], execArgv: ["--expose-gc"] });
    const server = new HostileServer(child);
    try {
      const ready = await server.next("ready", SERVER_TIMEOUT_MS);
      return { server, sync: ready.sync };
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  /** The server's figures now; after a full garbage collection when `gc`. */
  async sample(gc = false): Promise<ServerSample> {
    this.send({ type: "sample", gc });
    return (await this.next("sample", SERVER_TIMEOUT_MS)).sample;
  }

  /** Asks the server to close (it flushes storage); kills it if it has not exited after a while. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.connected) this.send({ type: "stop" });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 15_000)))]);
    clearTimeout(timer);
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill("SIGKILL");
      await Promise.race([this.exited, delay(5_000)]);
    }
  }

  private send(message: ToHostileServer): void {
    if (!this.child.connected) throw new Error(`the server child (pid ${this.child.pid}) is gone: ${this.exitReason ?? "its IPC channel is closed"}`);
    this.child.send(message);
  }

  private async next<T extends FromHostileServer["type"]>(type: T, timeoutMs: number): Promise<Extract<FromHostileServer, { type: T }>> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const message = this.inbox.shift();
      if (message?.type === "failed") throw new Error(`the server child failed: ${message.message}`);
      if (message?.type === type) return message as Extract<FromHostileServer, { type: T }>;
      if (message) continue; // e.g. "stopped" after a stop that raced a sample
      if (this.exitReason !== undefined) throw new Error(`the server child ${this.exitReason} before sending "${type}"`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`the server child did not send "${type}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}

interface Closed {
  code: number;
  reason: string;
}

/** What the bench reads of the server's messages. */
interface ServerMessage {
  type?: unknown;
  senderId?: unknown;
}

/** A raw /sync client socket: whether it opened, when it closed, and the server's peer id once it answered a join. */
interface RawClient {
  socket: WebSocket;
  /** true once open; false when the upgrade was refused or failed */
  opened: Promise<boolean>;
  closed: Promise<Closed>;
  /** the server's peer id, once it answered with a peer message */
  answered: Promise<string>;
}

/** Opens a websocket to /sync; `onMessage` sees every message the server sends, decoded. */
function connect(url: string, onMessage?: (message: ServerMessage) => void): RawClient {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  socket.on("error", () => undefined); // a refused or reset connection shows in `opened` and `closed`
  const opened = new Promise<boolean>((resolve) => {
    socket.once("open", () => resolve(true));
    socket.once("unexpected-response", (request) => {
      request.destroy();
      resolve(false);
    });
    socket.once("close", () => resolve(false));
  });
  const closed = new Promise<Closed>((resolve) => socket.once("close", (code, reason) => resolve({ code, reason: reason.toString("utf8") })));
  const answered = new Promise<string>((resolve) => {
    socket.on("message", (raw: RawData) => {
      if (!Buffer.isBuffer(raw)) return;
      const message = cbor.decode(new Uint8Array(raw)) as ServerMessage;
      if (message.type === "peer" && typeof message.senderId === "string") resolve(message.senderId);
      onMessage?.(message);
    });
  });
  return { socket, opened, closed, answered };
}

function joinMessage(senderId: string, peerMetadata: Record<string, unknown> = { isEphemeral: true }): Uint8Array {
  return cbor.encode({ type: "join", senderId, peerMetadata, supportedProtocolVersions: ["1"] });
}

/** Resolves with the value, or undefined after timeoutMs. */
async function within<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Opens a connection, joins, and resolves with the server's peer id; undefined when refused, closed or unanswered in time. */
async function joinedClient(url: string, senderId: string, onMessage?: (message: ServerMessage) => void): Promise<{ client: RawClient; serverPeerId: string | undefined }> {
  const client = connect(url, onMessage);
  if (!(await within(client.opened, CLIENT_TIMEOUT_MS))) return { client, serverPeerId: undefined };
  client.socket.send(joinMessage(senderId));
  const serverPeerId = await within(Promise.race([client.answered, client.closed.then(() => undefined)]), CLIENT_TIMEOUT_MS);
  return { client, serverPeerId };
}

/** ms from opening a connection to the server's peer answer to a plain join; Infinity when it is not answered within CLIENT_TIMEOUT_MS. */
async function timeHonestJoin(url: string): Promise<number> {
  const started = performance.now();
  const { client, serverPeerId } = await joinedClient(url, `honest-${Math.random().toString(36).slice(2)}`);
  const elapsed = performance.now() - started;
  client.socket.terminate();
  return serverPeerId === undefined ? Number.POSITIVE_INFINITY : elapsed;
}

/** `warmups` honest joins thrown away, then `runs` timed ones, one after another. */
async function timeHonestJoins(url: string, options: { runs: number; warmups: number }): Promise<number[]> {
  for (let run = 0; run < options.warmups; run++) await timeHonestJoin(url);
  const samples: number[] = [];
  for (let run = 0; run < options.runs; run++) samples.push(await timeHonestJoin(url));
  return samples;
}

function countReason(reasons: Map<string, number>, closed: Closed | undefined): void {
  const key = closed === undefined ? "not closed in time (terminated)" : `${closed.code}${closed.reason ? ` "${closed.reason.replace(/[0-9a-zA-Z]{20,}/g, "ID")}"` : ""}`;
  reasons.set(key, (reasons.get(key) ?? 0) + 1);
}

function describeReasons(reasons: Map<string, number>): string {
  return [...reasons].map(([reason, count]) => `${count} x ${reason}`).join(", ");
}

interface FloodResult {
  sent: number;
  /** requests the server answered with doc-unavailable: the ids it looked for and did not find */
  unavailable: number;
  connections: number;
  /** connections refused, or not answered, before they could send anything */
  unanswered: number;
  /** times a connection sent on after REQUEST_WAIT_MS without an answer */
  stalls: number;
  /** how the connections ended (close code and reason) */
  reasons: Map<string, number>;
}

/**
 * Load 1: `requests` sync requests for random document ids, UNKNOWN_ID_LANES connections at a time, each
 * sending until the server closes it (then the lane opens another, at most UNKNOWN_ID_MAX_CONNECTIONS in all). A
 * connection keeps at most REQUEST_WINDOW requests unanswered, as a client waiting for answers does: sent all at
 * once, the requests after the one that gets it closed would be dropped unread, and the server would see a
 * fraction of the load.
 */
async function floodUnknownIds(url: string, requests: number): Promise<FloodResult> {
  const data = A.generateSyncMessage(A.init(), A.initSyncState())[1];
  if (!data) throw new Error("Automerge made no sync message for an empty document");
  const result: FloodResult = { sent: 0, unavailable: 0, connections: 0, unanswered: 0, stalls: 0, reasons: new Map() };
  const deadline = performance.now() + FLOOD_DEADLINE_MS;
  const lane = async (laneIndex: number): Promise<void> => {
    while (result.sent < requests && result.connections < UNKNOWN_ID_MAX_CONNECTIONS && performance.now() < deadline) {
      result.connections++;
      const senderId = `hoarder-${laneIndex}-${result.connections}`;
      let answers = 0;
      let wake: (() => void) | undefined;
      const { client, serverPeerId } = await joinedClient(url, senderId, (message) => {
        if (message.type !== "doc-unavailable") return;
        answers++;
        result.unavailable++;
        wake?.();
      });
      if (serverPeerId === undefined) {
        result.unanswered++;
        client.socket.terminate();
        countReason(result.reasons, await within(client.closed, CLIENT_TIMEOUT_MS));
        continue;
      }
      void client.closed.then(() => wake?.());
      let sentHere = 0;
      while (client.socket.readyState === WebSocket.OPEN && result.sent < requests && performance.now() < deadline) {
        if (sentHere - answers >= REQUEST_WINDOW) {
          const answered = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), REQUEST_WAIT_MS);
            wake = () => {
              clearTimeout(timer);
              resolve(true);
            };
          });
          wake = undefined;
          if (answered || client.socket.readyState !== WebSocket.OPEN) continue;
          result.stalls++;
        }
        const documentId = parseAutomergeUrl(generateAutomergeUrl()).documentId;
        client.socket.send(cbor.encode({ type: "request", senderId, targetId: serverPeerId, documentId, data }));
        result.sent++;
        sentHere++;
      }
      if (client.socket.readyState === WebSocket.OPEN) client.socket.close(1000, "done");
      const closed = await within(client.closed, CLIENT_TIMEOUT_MS);
      if (closed === undefined) client.socket.terminate();
      countReason(result.reasons, closed);
    }
  };
  await Promise.all(Array.from({ length: UNKNOWN_ID_LANES }, (_, index) => lane(index)));
  return result;
}

interface OversizedResult {
  frameBytes: number;
  /** how each connection ended */
  reasons: Map<string, number>;
  /** joins the server answered with peer (none, when the bound holds) */
  answered: number;
}

/** The frames of load 2: joins whose peerMetadata is padded to just under the frame limit. */
function oversizedJoinFrames(): Uint8Array[] {
  const padding = "x".repeat(OVERSIZED_JOIN_PADDING);
  return Array.from({ length: OVERSIZED_JOINS }, (_, index) => joinMessage(`bulky-${index}`, { isEphemeral: true, padding }));
}

/** Load 2: OVERSIZED_JOINS joins, each a whole frame of peerMetadata, sent at once on connections of their own. */
async function oversizedJoins(url: string, frames: readonly Uint8Array[]): Promise<OversizedResult> {
  const result: OversizedResult = { frameBytes: frames[0]?.byteLength ?? 0, reasons: new Map(), answered: 0 };
  await Promise.all(
    frames.map(async (frame) => {
      const client = connect(url);
      void client.answered.then(() => result.answered++);
      if (await within(client.opened, CLIENT_TIMEOUT_MS)) client.socket.send(frame);
      const closed = await within(client.closed, OVERSIZED_TIMEOUT_MS);
      if (closed === undefined) client.socket.terminate();
      countReason(result.reasons, closed);
    }),
  );
  return result;
}

interface IdleSocketsResult {
  opened: number;
  refused: number;
  /** of the opened sockets, how many the server had closed when the honest clients came */
  closedByServer: number;
  /** honest joins timed while the idle sockets were held (after one warm-up) */
  honestMs: number[];
}

/** Load 3: IDLE_SOCKETS sockets that connect and never join; then honest joins, timed while those are held. */
async function idleSockets(url: string, runOptions: { runs: number; warmups: number }): Promise<{ result: IdleSocketsResult; release: () => void }> {
  const clients: RawClient[] = [];
  let opened = 0;
  for (let first = 0; first < IDLE_SOCKETS; first += IDLE_SOCKET_BATCH) {
    const batch = Array.from({ length: Math.min(IDLE_SOCKET_BATCH, IDLE_SOCKETS - first) }, () => connect(url));
    clients.push(...batch);
    for (const wasOpened of await Promise.all(batch.map((client) => within(client.opened, CLIENT_TIMEOUT_MS)))) if (wasOpened) opened++;
  }
  const closedByServer = clients.filter((client) => client.socket.readyState !== WebSocket.OPEN).length - (IDLE_SOCKETS - opened);
  const honestMs = await timeHonestJoins(url, runOptions);
  return {
    result: { opened, refused: IDLE_SOCKETS - opened, closedByServer, honestMs },
    release: () => {
      for (const client of clients) client.socket.terminate();
    },
  };
}

/** What one load did to one server process: samples before, at the end of, and after the load. */
interface LoadMeasurement<T> {
  /** after IDLE_MS with no clients */
  idle: ServerSample;
  /** CPU seconds per wall second while idle */
  idleCpuShare: number;
  /** when the load's last client was done */
  end: ServerSample;
  /** SETTLE_MS after that, its clients gone */
  settled: ServerSample;
  /** then after a full garbage collection (for the notes: what is still held, not merely uncollected) */
  collected: ServerSample;
  loadMs: number;
  /** honest joins after the settle (warm-ups, then runs) */
  honestAfterMs: number[];
  detail: T;
}

/** The load; `release` (if any) lets go of what it holds after the end sample. */
type Load<T> = (sync: string) => Promise<{ detail: T; release?: () => void }>;

/** One load on a fresh server process holding the festival: idle, load, settle, each measured by the server itself. */
async function underLoad<T>(ctx: BenchContext, festival: BenchFestival, what: string, load: Load<T>): Promise<LoadMeasurement<T>> {
  const dataDir = await ctx.dataDirectory(festival);
  const starting = performance.now();
  const { server, sync } = await HostileServer.start(dataDir);
  ctx.log(`hostile: server started in ${fixed(performance.now() - starting)} ms; ${what}`);
  try {
    const idleStart = await server.sample();
    const idleStarted = performance.now();
    await delay(IDLE_MS);
    const idle = await server.sample();
    const idleCpuShare = (idle.cpuMicros - idleStart.cpuMicros) / 1e6 / ((performance.now() - idleStarted) / 1000);
    const started = performance.now();
    const { detail, release } = await load(sync);
    const end = await server.sample();
    const loadMs = performance.now() - started;
    release?.();
    await delay(SETTLE_MS);
    const settled = await server.sample();
    const collected = await server.sample(true);
    const honestAfterMs = await timeHonestJoins(sync, ctx.runOptions);
    ctx.log(`hostile: load ${fixed(loadMs)} ms, RSS idle ${fixed(mb(idle.rssBytes))} MB, end ${fixed(mb(end.rssBytes))} MB, settled ${fixed(mb(settled.rssBytes))} MB, after a GC ${fixed(mb(collected.rssBytes))} MB`);
    return { idle, idleCpuShare, end, settled, collected, loadMs, honestAfterMs, detail };
  } finally {
    await server.stop();
  }
}

/** The rows every load has: RSS growth at its end and after the settle (against the idle RSS), and the server's CPU. */
function loadRows<T>(
  ctx: BenchContext,
  label: string,
  measured: LoadMeasurement<T>,
  what: string,
): BenchRow[] {
  const { idle, end, settled } = measured;
  const cpuSeconds = (end.cpuMicros - idle.cpuMicros) / 1e6;
  const settleCpuSeconds = (settled.cpuMicros - end.cpuMicros) / 1e6;
  const names = {
    end: `hostile: ${label}, server RSS growth at the end (${ctx.size})`,
    settled: `hostile: ${label}, server RSS growth after a ${SETTLE_MS / 1000} s settle (${ctx.size})`,
    cpu: `hostile: ${label}, server CPU during the load (${ctx.size})`,
  };
  const memory = (sample: ServerSample) =>
    `RSS ${fixed(mb(sample.rssBytes))} MB (heap ${fixed(mb(sample.heapUsedBytes))} MB, array buffers ${fixed(mb(sample.arrayBuffersBytes))} MB), ${sample.handles} repo handles`;
  const baseline =
    `a fresh pandafest serve process (startServer in children/hostile-server.js, 127.0.0.1) holding the ${ctx.size} festival; ${what}. ` +
    `Baseline: the same process's RSS after ${IDLE_MS / 1000} s idle just before the load (${memory(idle)}); ratio = growth / idle RSS`;
  ctx.note(names.end, `${baseline}; at the end of the load (${fixed(measured.loadMs)} ms): ${memory(end)}; peak RSS since start ${fixed(mb(end.maxRssBytes))} MB`);
  ctx.note(
    names.settled,
    `as above, ${SETTLE_MS / 1000} s after the load's clients were gone (no forced GC): ${memory(settled)}; peak RSS since start ${fixed(mb(settled.maxRssBytes))} MB; ` +
      `then, after a forced full GC (not in the rows): ${memory(measured.collected)}; ` +
      `then honest joins were answered in ${measured.honestAfterMs.map((ms) => fixed(ms)).join(", ")} ms`,
  );
  ctx.note(
    names.cpu,
    `user + system CPU of the server process (every thread) from the start of the load until its last client was done, ${fixed(measured.loadMs)} ms of wall time ` +
      `(${fixed(cpuSeconds / (measured.loadMs / 1000), 2)} of a core; idle it used ${fixed(measured.idleCpuShare, 3)}); ${fixed(settleCpuSeconds, 2)} s more during the settle`,
  );
  return [
    comparisonRow(names.end, mb(end.rssBytes - idle.rssBytes), mb(idle.rssBytes), "MB"),
    comparisonRow(names.settled, mb(settled.rssBytes - idle.rssBytes), mb(idle.rssBytes), "MB"),
    figureRow(names.cpu, cpuSeconds, "s"),
  ];
}

export const hostileSuite: BenchSuite = {
  name: "hostile",
  description: "pandafest serve's memory and CPU under hostile loads (unknown ids, 64 MB joins, idle sockets), and an honest client's wait",
  async run(ctx) {
    const festival = await ctx.festival();
    const rows: BenchRow[] = [];

    const requests = UNKNOWN_ID_REQUESTS[ctx.size];
    const flood = await underLoad(ctx, festival, `${requests} requests for unknown ids`, async (sync) => ({ detail: await floodUnknownIds(sync, requests) }));
    const { sent, unavailable, connections, unanswered, stalls, reasons } = flood.detail;
    ctx.log(`hostile: ${sent} requests sent over ${connections} connections, ${unavailable} answered doc-unavailable, ${stalls} stalls (${describeReasons(reasons)})`);
    if (sent < requests) throw new Error(`only ${sent} of ${requests} requests were sent over ${connections} connections: the load was not applied (${describeReasons(reasons)})`);
    rows.push(
      ...loadRows(
        ctx,
        `${requests} requests for unknown ids`,
        flood,
        `${sent} sync requests for random valid document ids (parseAutomergeUrl(generateAutomergeUrl()).documentId) over ${connections} connections, ` +
          `${UNKNOWN_ID_LANES} at a time, each sending until the server closed it (the server allows ${DEFAULT_UNKNOWN_DOCUMENT_LIMITS.perPeer} unknown ids per peer, ` +
          `${DEFAULT_UNKNOWN_DOCUMENT_LIMITS.total} in all) with at most ${REQUEST_WINDOW} requests unanswered; ${unavailable} requests answered doc-unavailable; ` +
          `${stalls} times a connection sent on after ${REQUEST_WAIT_MS} ms without an answer; ${unanswered} connections unanswered; how they ended: ${describeReasons(reasons)}. ` +
          `Before the bounds this load took the server from 110 MB to 970 MB RSS and 340 s of CPU`,
      ),
    );

    // built before the server starts: the bench's own work is not in the server's figures
    const frames = oversizedJoinFrames();
    const oversized = await underLoad(ctx, festival, `${OVERSIZED_JOINS} joins of ${fixed(mb(frames[0].byteLength), 1)} MB`, async (sync) => ({
      detail: await oversizedJoins(sync, frames),
    }));
    frames.length = 0;
    ctx.log(`hostile: oversized joins ended: ${describeReasons(oversized.detail.reasons)}; ${oversized.detail.answered} answered`);
    rows.push(
      ...loadRows(
        ctx,
        `${OVERSIZED_JOINS} joins of 64 MB`,
        oversized,
        `${OVERSIZED_JOINS} join messages of ${oversized.detail.frameBytes} bytes (peerMetadata padded to just under the ${DEFAULT_MAX_FRAME_BYTES}-byte frame limit, ` +
          `so the server receives each whole before refusing it as a first message over ${MAX_HANDSHAKE_BYTES} bytes), sent at once on connections of their own; ` +
          `how they ended: ${describeReasons(oversized.detail.reasons)}; ${oversized.detail.answered} answered with peer`,
      ),
    );

    const idle = await underLoad(ctx, festival, `${IDLE_SOCKETS} sockets that never join`, async (sync) => {
      const { result, release } = await idleSockets(sync, ctx.runOptions);
      return { detail: result, release };
    });
    const held = idle.detail;
    ctx.log(`hostile: ${held.opened} idle sockets opened, ${held.refused} refused, ${held.closedByServer} closed by the server before the honest joins`);
    rows.push(
      ...loadRows(
        ctx,
        `${IDLE_SOCKETS} sockets that never join`,
        idle,
        `${IDLE_SOCKETS} websockets opened to /sync (${IDLE_SOCKET_BATCH} at a time) that never send anything, then ${ctx.runOptions.warmups} + ${ctx.runOptions.runs} honest joins while they are held: ` +
          `${held.opened} opened, ${held.refused} refused, ${held.closedByServer} of them closed by the server before the honest joins ` +
          `(it keeps at most ${DEFAULT_ADMISSION_LIMITS.maxUnjoined} connections that have not joined, the oldest making way)`,
      ),
    );
    const honestName = `hostile: an honest join answered, ${IDLE_SOCKETS} idle sockets held (${ctx.size})`;
    ctx.note(
      honestName,
      `ms from opening a websocket to /sync to the server's peer answer to a plain join (raw ws client), median of ${ctx.runOptions.runs} after ${ctx.runOptions.warmups} warm-up, ` +
        `one after another while the idle sockets are held; samples ${held.honestMs.map((ms) => fixed(ms)).join(", ")}. ` +
        `Baseline: the same on the same server process with no load, ${SETTLE_MS / 1000} s after the idle sockets were closed (warmed up as the server under load was); ` +
        `samples ${idle.honestAfterMs.map((ms) => fixed(ms)).join(", ")}`,
    );
    rows.push(comparisonRow(honestName, median(held.honestMs), median(idle.honestAfterMs), "ms"));
    return rows;
  },
};
