// LAN sync benchmarks: first sync of the festival to a fresh peer and edit-to-visibility latency, each against
// bare automerge-repo with its own websocket adapter (same run, interleaved); and a load test on a real server.
import * as A from "@automerge/automerge";
import { cbor, Repo, type DocHandle, type DocumentId } from "@automerge/automerge-repo";
import { WebSocketClientAdapter, WebSocketServerAdapter } from "@automerge/automerge-repo-network-websocket";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { WebSocket, WebSocketServer } from "ws";
import { getEvent } from "../../engine/event-shards.js";
import { PeerClientAdapter } from "../../engine/server/peer-client.js";
import { startServer, type RunningServer } from "../../engine/server/server.js";
import type { Festival } from "../../engine/schema.js";
import { FestivalStore } from "../../engine/store.js";
import { comparisonRow, figureRow, type BenchContext, type BenchFestival, type BenchRow, type BenchSuite } from "./harness.js";
import { interleave, median, percentile } from "./stats.js";

const LATENCY_EDITS = 200;
const LATENCY_WARMUPS = 10;
const LOAD_CLIENTS = 100;
const LOAD_SECONDS = 30;
const LOAD_OBSERVERS = 3;
const LIGHT_LOAD_CLIENTS = 25;

/** A sync server for the comparisons: where it listens and how to stop it. */
interface SyncTarget {
  kind: "pandafest" | "bare";
  url: string;
  close(): Promise<void>;
}

/** pandafest's node (our storage, guarded /sync, share policy) on a data directory holding the festival. */
export async function startPandafestTarget(ctx: BenchContext, festival: BenchFestival): Promise<SyncTarget> {
  const server: RunningServer = await startServer({ dataDir: await ctx.dataDirectory(festival), port: 0, host: "127.0.0.1", staticRoot: null });
  return { kind: "pandafest", url: `${server.localUrl.replace(/^http/, "ws")}/sync`, close: () => server.close() };
}

/** Bare automerge-repo: its NodeFS storage and its own websocket server adapter, holding the same festival. */
export async function startBareTarget(ctx: BenchContext, festival: BenchFestival): Promise<SyncTarget> {
  const http = createServer();
  const wss = new WebSocketServer({ noServer: true });
  http.on("upgrade", (request, socket, head) => wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request)));
  const adapter = new WebSocketServerAdapter(wss as unknown as ConstructorParameters<typeof WebSocketServerAdapter>[0]);
  const repo = new Repo({ storage: new NodeFSStorageAdapter(await ctx.tempDirectory("bare-repo-")), network: [adapter], sharePolicy: async () => false });
  repo.import(festival.bytes, { docId: festival.festivalId as DocumentId });
  await repo.flush();
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    kind: "bare",
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/sync`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await repo.shutdown();
    },
  };
}

/**
 * Disconnects automerge-repo's own client adapter without tripping its fault: it removes its error listener
 * and then closes, so a socket still connecting emits an unheard "error" and takes the process down.
 */
function disconnectUpstreamClient(adapter: WebSocketClientAdapter): void {
  (adapter.socket as unknown as { on?: (event: string, listener: () => void) => void } | undefined)?.on?.("error", () => undefined);
  adapter.disconnect();
}

/** A fresh peer without storage of its own, speaking to the target with the matching client adapter. */
function freshPeer(target: SyncTarget): { repo: Repo; close: () => void } {
  if (target.kind === "pandafest") {
    const adapter = new PeerClientAdapter({ url: target.url });
    return { repo: new Repo({ network: [adapter], sharePolicy: async () => true }), close: () => adapter.disconnect() };
  }
  const adapter = new WebSocketClientAdapter(target.url);
  return { repo: new Repo({ network: [adapter], sharePolicy: async () => true }), close: () => disconnectUpstreamClient(adapter) };
}

function untilHeads(handle: DocHandle<unknown>, heads: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => handle.isReady() && A.hasHeads(handle.doc() as A.Doc<unknown>, heads);
    if (done()) return resolve();
    const timer = setTimeout(() => {
      handle.off("heads-changed", check);
      reject(new Error(`heads did not arrive within ${timeoutMs} ms`));
    }, timeoutMs);
    const check = () => {
      if (!done()) return;
      clearTimeout(timer);
      handle.off("heads-changed", check);
      resolve();
    };
    handle.on("heads-changed", check);
  });
}

/** ms from creating a fresh peer to it holding the whole festival. */
export async function timeFirstSync(target: SyncTarget, festival: BenchFestival, heads: string[]): Promise<number> {
  const started = performance.now();
  const peer = freshPeer(target);
  try {
    const handle = await peer.repo.find(festival.festivalId as DocumentId);
    await untilHeads(handle, heads, 120_000);
    return performance.now() - started;
  } finally {
    peer.close();
  }
}

/** A writer and a reader peer of one server, both holding the festival. */
interface EditSession {
  edit(round: number, index: number): Promise<number>;
  close(): void;
}

async function editSession(target: SyncTarget, festival: BenchFestival): Promise<EditSession> {
  const writer = freshPeer(target);
  const reader = freshPeer(target);
  const write = (await writer.repo.find(festival.festivalId as DocumentId)) as DocHandle<Festival>;
  const read = await reader.repo.find(festival.festivalId as DocumentId);
  await untilHeads(read, A.getHeads(write.doc()), 120_000);
  return {
    /** ms from one edit (an event's title) by the writer until the reader holds it */
    async edit(round, index) {
      const eventId = festival.eventIds[(index * 7919 + round) % festival.eventIds.length];
      const started = performance.now();
      write.change((doc) => {
        const event = getEvent(doc, eventId);
        if (!event) throw new Error(`event ${eventId} is missing from the festival`);
        event.title = new A.ImmutableString(`Latency ${round}.${index}`);
      });
      await untilHeads(read, A.getHeads(write.doc()), 30_000);
      return performance.now() - started;
    },
    close() {
      writer.close();
      reader.close();
    },
  };
}

/**
 * LATENCY_EDITS edits on each target, alternating target every edit (and which goes first every pair),
 * after LATENCY_WARMUPS on each: each edit timed until a second peer of the same server holds it.
 */
export async function timeEditVisibility(subject: SyncTarget, baseline: SyncTarget, festival: BenchFestival): Promise<{ subject: number[]; baseline: number[] }> {
  const ours = await editSession(subject, festival);
  const theirs = await editSession(baseline, festival);
  try {
    for (let index = 0; index < LATENCY_WARMUPS; index++) {
      await ours.edit(0, index);
      await theirs.edit(0, index);
    }
    const samples = { subject: [] as number[], baseline: [] as number[] };
    for (let index = 0; index < LATENCY_EDITS; index++) {
      if (index % 2 === 0) {
        samples.subject.push(await ours.edit(1, index));
        samples.baseline.push(await theirs.edit(1, index));
      } else {
        samples.baseline.push(await theirs.edit(1, index));
        samples.subject.push(await ours.edit(1, index));
      }
    }
    return samples;
  } finally {
    ours.close();
    theirs.close();
  }
}

export async function syncComparisons(ctx: BenchContext, festival: BenchFestival): Promise<BenchRow[]> {
  const heads = A.getHeads(A.load(festival.bytes));
  const ours = await startPandafestTarget(ctx, festival);
  const bare = await startBareTarget(ctx, festival);
  const rows: BenchRow[] = [];
  try {
    ctx.log("lan: first sync to a fresh peer");
    const firstSync = await interleave(() => timeFirstSync(ours, festival, heads), () => timeFirstSync(bare, festival, heads), ctx.runOptions);
    const firstName = `lan: first sync of the festival to a fresh peer (${ctx.size})`;
    ctx.note(firstName, "a peer without storage connects and finds the festival until it holds all heads; baseline: bare automerge-repo (NodeFS storage, its websocket server and client adapters)");
    rows.push(comparisonRow(firstName, median(firstSync.subject), median(firstSync.baseline), "ms", { atMost: 1.1, of: "ratio" }));

    ctx.log(`lan: edit-to-visibility latency, ${LATENCY_EDITS} edits on each, interleaved`);
    const latency = await timeEditVisibility(ours, bare, festival);
    for (const p of [50, 99]) {
      const name = `lan: edit visible on another peer, p${p} of ${LATENCY_EDITS} (${ctx.size})`;
      ctx.note(
        name,
        `one peer changes an event title; time until a second peer of the same server holds it; the percentile over ${LATENCY_EDITS} edits (after ${LATENCY_WARMUPS} warm-up edits), alternating with the baseline edit by edit; baseline: bare automerge-repo`,
      );
      rows.push(comparisonRow(name, percentile(latency.subject, p), percentile(latency.baseline, p), "ms", { atMost: 1.1, of: "ratio" }));
    }
  } finally {
    await ours.close();
    await bare.close();
  }
  return rows;
}

interface LoadResult {
  p50Ms: number;
  p99Ms: number;
  samples: number;
  peakRssMb: number;
  /** CPU the server used during the edits, per second of wall time (1 = one core busy) */
  serverCpuShare: number;
  /** the same for this (client) process */
  clientCpuShare: number;
}

/** CPU seconds (user + system) a process has used so far (Linux /proc); undefined elsewhere. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 per second on Linux)
  } catch {
    return undefined;
  }
}

/** Peak resident memory of a process (Linux /proc), in MB; undefined elsewhere. */
function peakRssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A websocket client speaking the sync protocol with Automerge directly (no repo machinery), starting from a
 * copy of the festival as a browser with storage would: a hundred of them fit in one process next to the server.
 */
class RawSyncClient {
  private doc: A.Doc<Festival>;
  private state = A.initSyncState();
  private serverId: string | undefined;
  private readonly socket: WebSocket;
  private readonly peerId = `load-${Math.random().toString(36).slice(2)}`;
  readonly ready: Promise<void>;

  constructor(url: string, private readonly documentId: string, bytes: Uint8Array) {
    this.doc = A.load<Festival>(bytes);
    this.socket = new WebSocket(url);
    this.socket.on("error", () => undefined);
    this.ready = new Promise((resolve, reject) => {
      this.socket.on("open", () => this.send({ type: "join", senderId: this.peerId, peerMetadata: { isEphemeral: true }, supportedProtocolVersions: ["1"] }));
      this.socket.on("close", () => reject(new Error("a load client lost its connection")));
      this.socket.on("message", (data: Buffer) => {
        const message = cbor.decode(new Uint8Array(data)) as { type: string; senderId: string; data?: Uint8Array };
        if (message.type === "peer") {
          this.serverId = message.senderId;
          this.flush();
          resolve();
        } else if (message.type === "sync" && message.data) {
          [this.doc, this.state] = A.receiveSyncMessage(this.doc, this.state, message.data);
          this.flush();
        }
      });
    });
  }

  edit(change: (doc: Festival) => void): void {
    this.doc = A.change(this.doc, change);
    this.flush();
  }

  close(): void {
    this.socket.removeAllListeners("close");
    this.socket.terminate();
  }

  private flush(): void {
    if (!this.serverId) return;
    const [state, data] = A.generateSyncMessage(this.doc, this.state);
    this.state = state;
    if (data) this.send({ type: "sync", senderId: this.peerId, targetId: this.serverId, documentId: this.documentId, data });
  }

  private send(message: object): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(cbor.encode(message));
  }
}

/** A festival with one event per load client, in a fresh data directory: the load test is about the server, not the festival's size. */
async function loadFestival(ctx: BenchContext, clients: number): Promise<{ dataDir: string; festivalId: string; eventIds: string[]; bytes: Uint8Array }> {
  const text = (value: string) => new A.ImmutableString(value);
  const eventIds = Array.from({ length: clients }, (_, i) => `e_load_${i}`);
  const content: Festival = {
    schema: 1,
    name: text("Load Test Fest"),
    description: text(""),
    timeZone: text("Europe/Berlin"),
    startDate: text("2027-07-01"),
    endDate: text("2027-07-03"),
    dayStartsAt: text("04:00"),
    visibility: text("public"),
    venues: { v_main: { name: text("Main"), description: text(""), address: text(""), accessibility: text(""), tags: [] } },
    events: Object.fromEntries(
      eventIds.map((id, i) => [
        id,
        {
          title: text(`Event ${i}`),
          description: text(""),
          venueId: text("v_main"),
          start: text("2027-07-01T20:00:00+02:00"),
          end: text("2027-07-01T21:00:00+02:00"),
          hostIds: [],
          tags: [],
          status: text("confirmed"),
        },
      ]),
    ),
    people: {},
    members: {},
    authors: {},
  };
  const bytes = A.save(A.from(content as unknown as Record<string, unknown>));
  const dataDir = await ctx.tempDirectory("bench-load-");
  const store = await FestivalStore.open(dataDir);
  const handle = store.repo.import<Festival>(bytes);
  await store.index.put({ id: handle.documentId, name: "Load Test Fest", visibility: "public" });
  await store.close();
  return { dataDir, festivalId: handle.documentId, eventIds, bytes };
}

/** Which server the load test runs against: a real `pandafest serve`, or bare automerge-repo in its own process. */
export type LoadServer = "pandafest" | "bare";

function spawnLoadServer(ctx: BenchContext, server: LoadServer, festival: { dataDir: string; festivalId: string; bytes: Uint8Array }) {
  if (server === "pandafest") {
    return spawn(process.execPath, [path.join(ctx.repoRoot, "bin", "pandafest.js"), "--data", festival.dataDir, "serve", "--port", "0", "--json", "--quiet"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
  }
  const savedFile = path.join(festival.dataDir, "festival.automerge");
  writeFileSync(savedFile, festival.bytes);
  return spawn(process.execPath, [path.join(ctx.repoRoot, "dist", "test", "bench", "bare-load-server.js"), festival.dataDir, festival.festivalId, savedFile], {
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/**
 * `clients` websocket clients on one festival served by a real server process, each changing its own event once
 * a second for `seconds`. LOAD_OBSERVERS of them are full repos (our peer client) that see every edit; the sent-at
 * time travels inside the edit (same clock), so an arrival gives the propagation time.
 */
export async function loadTest(ctx: BenchContext, server: LoadServer = "pandafest", clients = LOAD_CLIENTS, seconds = LOAD_SECONDS): Promise<LoadResult> {
  const festival = await loadFestival(ctx, clients);
  const child = spawnLoadServer(ctx, server, festival);
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const observers: PeerClientAdapter[] = [];
  const editors: RawSyncClient[] = [];
  try {
    const started = await new Promise<{ sync: string }>((resolve, reject) => {
      let stdout = "";
      const timer = setTimeout(() => reject(new Error(`pandafest serve did not start: ${stderr}`)), 60_000);
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
        if (!stdout.includes("\n")) return;
        clearTimeout(timer);
        resolve(JSON.parse(stdout.split("\n")[0]) as { sync: string });
      });
      void exited.then(() => reject(new Error(`pandafest serve exited: ${stderr}`)));
    });
    ctx.log(`lan: load on ${server === "bare" ? "bare automerge-repo" : "pandafest serve"}, ${clients} clients for ${seconds} s`);
    const latencies: number[] = [];
    const PREFIX = "load|";
    const edits: Array<(change: (doc: Festival) => void) => void> = [];
    for (let i = 0; i < LOAD_OBSERVERS; i++) {
      const adapter = new PeerClientAdapter({ url: started.sync });
      observers.push(adapter);
      const repo = new Repo({ network: [adapter], sharePolicy: async () => true });
      const handle = (await repo.find(festival.festivalId as DocumentId)) as DocHandle<Festival>;
      handle.on("change", ({ patches }) => {
        const now = Date.now();
        for (const patch of patches) {
          if (patch.action !== "put" || patch.path[0] !== "events" || patch.path[2] !== "title") continue;
          const [prefix, , , sentAt] = String((patch as { value: unknown }).value).split("|");
          if (`${prefix}|` === PREFIX) latencies.push(now - Number(sentAt));
        }
      });
      edits.push((change) => handle.change(change));
    }
    for (let i = LOAD_OBSERVERS; i < clients; i++) {
      const client = new RawSyncClient(started.sync, festival.festivalId, festival.bytes);
      editors.push(client);
      await client.ready;
      edits.push((change) => client.edit(change));
    }
    const lost = Promise.all(editors.map((client) => client.ready));
    const serverCpuBefore = cpuSeconds(child.pid ?? -1) ?? Number.NaN;
    const clientCpuBefore = process.cpuUsage();
    const editsStarted = performance.now();
    await new Promise<void>((resolve) => {
      let remaining = clients;
      edits.forEach((edit, i) => {
        const eventId = festival.eventIds[i % festival.eventIds.length];
        let count = 0;
        setTimeout(() => {
          const interval = setInterval(() => {
            edit((doc) => {
              doc.events[eventId].title = new A.ImmutableString(`${PREFIX}${i}|${count}|${Date.now()}`);
            });
            if (++count >= seconds) {
              clearInterval(interval);
              if (--remaining === 0) resolve();
            }
          }, 1000);
        }, (i * 1000) / clients);
      });
    });
    await lost;
    await new Promise((resolve) => setTimeout(resolve, 2000)); // let the last edits arrive
    const wallSeconds = (performance.now() - editsStarted) / 1000;
    const serverCpuShare = ((cpuSeconds(child.pid ?? -1) ?? Number.NaN) - serverCpuBefore) / wallSeconds;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const clientCpuShare = (clientCpu.user + clientCpu.system) / 1e6 / wallSeconds;
    const rss = peakRssMb(child.pid ?? -1) ?? Number.NaN;
    if (stderr.length > 0) ctx.log(`lan: the server under load said:\n${stderr.split("\n").slice(0, 20).join("\n")}`);
    if (latencies.length === 0) throw new Error("no edit reached an observer");
    return { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), samples: latencies.length, peakRssMb: rss, serverCpuShare, clientCpuShare };
  } finally {
    for (const client of editors) client.close();
    for (const adapter of observers) adapter.disconnect();
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}

export const lanSuite: BenchSuite = {
  name: "lan",
  description: "LAN sync: first sync and edit visibility against bare automerge-repo; 100 clients on one server",
  async run(ctx) {
    const festival = await ctx.festival();
    const rows = await syncComparisons(ctx, festival);
    // the load test's clients all live in this one process: it runs on a festival of one event per client at every size.
    // Each client holds a whole replica and applies every other client's edits, so the clients' work grows with the
    // square of their number; the same load against bare automerge-repo shows what the machine itself allows.
    const load = await loadTest(ctx, "pandafest");
    const bare = await loadTest(ctx, "bare");
    const light = await loadTest(ctx, "pandafest", LIGHT_LOAD_CLIENTS);
    const p99Name = `lan: propagation under load, ${LOAD_CLIENTS} clients x 1 edit/s for ${LOAD_SECONDS} s, p99`;
    const p50Name = `lan: propagation under load, ${LOAD_CLIENTS} clients, p50`;
    const lightName = `lan: propagation under load, ${LIGHT_LOAD_CLIENTS} clients x 1 edit/s for ${LOAD_SECONDS} s, p99`;
    const rssName = `lan: peak RSS of the server under that load`;
    const how = (clients: number, samples: number) =>
      `${clients} websocket clients in the bench process (${LOAD_OBSERVERS} repos, the rest speaking the sync protocol with Automerge directly), each changing its own event once a second; p99 over ${samples} arrivals at the repos (one run: the percentile is over all arrivals)`;
    ctx.note(p99Name, `a real pandafest serve process; ${how(LOAD_CLIENTS, load.samples)}; CPU per wall second: server ${load.serverCpuShare.toFixed(2)}, clients ${load.clientCpuShare.toFixed(2)}; baseline: the same load on bare automerge-repo in its own process (${bare.samples} arrivals; server ${bare.serverCpuShare.toFixed(2)}, clients ${bare.clientCpuShare.toFixed(2)})`);
    ctx.note(p50Name, "as above, the median");
    ctx.note(lightName, `a real pandafest serve process; ${how(LIGHT_LOAD_CLIENTS, light.samples)}; for reference: where this machine keeps up`);
    ctx.note(rssName, `VmHWM of the pandafest serve process at the end of the ${LOAD_CLIENTS}-client load test; baseline: the bare automerge-repo process`);
    rows.push(comparisonRow(p50Name, load.p50Ms, bare.p50Ms, "ms"));
    rows.push(comparisonRow(p99Name, load.p99Ms, bare.p99Ms, "ms", { atMost: 250 }));
    rows.push(figureRow(lightName, light.p99Ms, "ms"));
    rows.push(comparisonRow(rssName, load.peakRssMb, bare.peakRssMb, "MB", { atMost: 300 }));
    return rows;
  },
};
