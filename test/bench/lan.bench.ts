// LAN sync benchmarks: first sync of the festival to a fresh peer and edit-to-visibility latency, each against
// bare automerge-repo with its own websocket adapter (same run, interleaved); and a load test on a real server process.
import * as A from "@automerge/automerge";
import { Repo, type DocHandle, type DocumentId } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getEvent } from "../../engine/core/event-shards.js";
import { PeerClientAdapter } from "../../apps/server/peer-client.js";
import { startServer, type RunningServer } from "../../apps/server/server.js";
import type { Festival } from "../../engine/core/schema.js";
import { FestivalStore } from "../../engine/node/store.js";
import { startBareSyncServer } from "./bare-load-server.js";
import { LoadEditorsProcess } from "./children/load-editors-process.js";
import { loadEditSentAt, loadEditTitle, scheduledEditTime, type EditorAssignment } from "./children/load-editors-protocol.js";
import { comparisonRow, figureRow, type BenchContext, type BenchFestival, type BenchRow, type BenchSuite } from "./harness.js";
import { interleave, median, percentile } from "./stats.js";

const LATENCY_EDITS = 200;
const LATENCY_WARMUPS = 10;
const LOAD_CLIENTS = 100;
const LOAD_SECONDS = 30;
const LOAD_OBSERVERS = 3;
const LIGHT_LOAD_CLIENTS = 25;
/** child processes the editing clients of the load test run in */
const LOAD_EDITOR_PROCESSES = 2;
/** after the last edit, how long arrivals are still counted */
const LOAD_TAIL_MS = 2000;

const here = path.dirname(fileURLToPath(import.meta.url));

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
  const server = await startBareSyncServer(await ctx.tempDirectory("bare-repo-"), festival.festivalId, festival.bytes);
  return { kind: "bare", url: server.url, close: () => server.close() };
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
  /** edits that reached an observer (each observer sees every other client's edits) */
  samples: number;
  /** what `samples` would be if every edit arrived at every observer as its own change */
  samplesExpected: number;
  peakRssMb: number;
  /** edits made by all clients, and clients x seconds */
  editsMade: number;
  editsExpected: number;
  /** CPU per second of wall time from "go" to the end of the tail (1 = one core busy) */
  serverCpuShare: number;
  observersCpuShare: number;
  /** the editing children together */
  editorsCpuShare: number;
  /** the latest an editing client made an edit after its scheduled time, and the longest event-loop block there (ms) */
  editorsLateMsMax: number;
  /** editors' edits made more than a second after their scheduled time */
  editorsEditsLate: number;
  editorsBacklogMs: number;
  /** editing clients the server dropped during the run, and how the last one was closed */
  editorsLost: number;
  editorsLastLoss: string;
  /** sync messages the editing clients received */
  editorsMessages: number;
  /** the editing children's scheduling priority */
  editorsPriority: string;
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

/** The editing clients (all but the observers), dealt alternately to LOAD_EDITOR_PROCESSES groups. */
function editorGroups(eventIds: readonly string[], clients: number): EditorAssignment[][] {
  const groups: EditorAssignment[][] = Array.from({ length: LOAD_EDITOR_PROCESSES }, () => []);
  for (let index = LOAD_OBSERVERS; index < clients; index++) groups[(index - LOAD_OBSERVERS) % LOAD_EDITOR_PROCESSES].push({ index, eventId: eventIds[index] });
  return groups.filter((group) => group.length > 0);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for the server's ready line ({sync}) on stdout, bounded; rejects when it exits first. */
function serverStarted(child: ReturnType<typeof spawnLoadServer>, exited: Promise<void>, stderr: () => string): Promise<{ sync: string }> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => reject(new Error(`the load server did not start within 60 s: ${stderr()}`)), 60_000);
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (!stdout.includes("\n")) return;
      clearTimeout(timer);
      resolve(JSON.parse(stdout.split("\n")[0]) as { sync: string });
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the load server exited: ${stderr()}`));
    });
  });
}

/**
 * `clients` websocket clients on one festival served by a real server process, each changing its own event once
 * a second for `seconds`. LOAD_OBSERVERS of them are full repos (our peer client) in this process that see every
 * edit; the sent-at time travels inside the edit (same clock), so an arrival gives the propagation time. The rest
 * run in LOAD_EDITOR_PROCESSES children at the lowest CPU priority, as if each had its own machine: the server and
 * the observers always run first, and the edit count shows whether the editors still kept their schedule.
 */
export async function loadTest(ctx: BenchContext, server: LoadServer = "pandafest", clients = LOAD_CLIENTS, seconds = LOAD_SECONDS): Promise<LoadResult> {
  const festival = await loadFestival(ctx, clients);
  const child = spawnLoadServer(ctx, server, festival);
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const observers: PeerClientAdapter[] = [];
  const editors: LoadEditorsProcess[] = [];
  try {
    const started = await serverStarted(child, exited, () => stderr);
    ctx.log(`lan: load on ${server === "bare" ? "bare automerge-repo" : "pandafest serve"}, ${clients} clients for ${seconds} s`);
    const latencies: number[] = [];
    let collecting = true;
    const observerEdits: Array<(title: string) => void> = [];
    for (let i = 0; i < LOAD_OBSERVERS; i++) {
      const adapter = new PeerClientAdapter({ url: started.sync });
      observers.push(adapter);
      const repo = new Repo({ network: [adapter], sharePolicy: async () => true });
      const handle = (await repo.find(festival.festivalId as DocumentId)) as DocHandle<Festival>;
      const ownEvent = festival.eventIds[i];
      handle.on("change", ({ patches }) => {
        if (!collecting) return;
        const now = Date.now();
        for (const patch of patches) {
          if (patch.action !== "put" || patch.path[0] !== "events" || patch.path[2] !== "title" || patch.path[1] === ownEvent) continue;
          const sentAt = loadEditSentAt(String((patch as { value: unknown }).value));
          if (sentAt !== undefined) latencies.push(now - sentAt);
        }
      });
      observerEdits.push((title) =>
        handle.change((doc) => {
          doc.events[ownEvent].title = new A.ImmutableString(title);
        }),
      );
    }
    const script = path.join(here, "children", "load-editors.js");
    const groups = editorGroups(festival.eventIds, clients);
    editors.push(...groups.map(() => LoadEditorsProcess.fork(script)));
    await Promise.all(
      editors.map((editor, g) =>
        editor.start({ url: started.sync, festivalId: festival.festivalId, bytes: festival.bytes, clients: groups[g], clientCount: clients, seconds }, 120_000),
      ),
    );
    await delay(1000); // let the joins settle

    const serverCpuBefore = cpuSeconds(child.pid ?? -1) ?? Number.NaN;
    const observersCpuBefore = process.cpuUsage();
    const editsStarted = performance.now();
    const startAt = Date.now() + 500;
    for (const editor of editors) editor.go(startAt);
    let observerEditsMade = 0;
    const observersDone = new Promise<void>((resolve) => {
      let remaining = observerEdits.length * seconds;
      if (remaining === 0) return resolve();
      observerEdits.forEach((edit, index) => {
        for (let k = 0; k < seconds; k++) {
          setTimeout(() => {
            edit(loadEditTitle(index, k, Date.now()));
            observerEditsMade++;
            if (--remaining === 0) resolve();
          }, scheduledEditTime(startAt, index, clients, k) - Date.now());
        }
      });
    });
    const editorsDone = await Promise.all([...editors.map((editor) => editor.done(seconds * 1000 + 120_000)), observersDone]);
    await delay(LOAD_TAIL_MS); // let the last edits arrive
    collecting = false;
    const wallSeconds = (performance.now() - editsStarted) / 1000;
    const serverCpuShare = ((cpuSeconds(child.pid ?? -1) ?? Number.NaN) - serverCpuBefore) / wallSeconds;
    const observersCpu = process.cpuUsage(observersCpuBefore);
    const reports = await Promise.all(editors.map((editor) => editor.report(30_000)));
    const rss = peakRssMb(child.pid ?? -1) ?? Number.NaN;
    if (stderr.length > 0) ctx.log(`lan: the server under load said:\n${stderr.split("\n").slice(0, 20).join("\n")}`);
    const editsMade = observerEditsMade + reports.reduce((sum, report) => sum + report.editsMade, 0);
    const editsExpected = clients * seconds;
    const lost = reports.reduce((sum, report) => sum + report.connectionsLost, 0);
    ctx.log(`lan: ${editsMade} of ${editsExpected} edits made (${editorsDone.slice(0, -1).join(" + ")} by the editing children; ${lost} of their clients dropped)`);
    if (editsMade < 0.95 * editsExpected) {
      throw new Error(
        `only ${editsMade} of ${editsExpected} edits were made: the load was not applied (${lost > 0 ? `the server dropped ${lost} editing clients` : "the editing clients fell behind their schedule"})`,
      );
    }
    if (latencies.length === 0) throw new Error("no edit reached an observer");
    return {
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      samples: latencies.length,
      samplesExpected: observerEdits.length * (clients - 1) * seconds,
      peakRssMb: rss,
      editsMade,
      editsExpected,
      serverCpuShare,
      observersCpuShare: (observersCpu.user + observersCpu.system) / 1e6 / wallSeconds,
      editorsCpuShare: reports.reduce((sum, report) => sum + report.cpuSeconds, 0) / wallSeconds,
      editorsLateMsMax: Math.max(0, ...reports.map((report) => report.lateMsMax)),
      editorsEditsLate: reports.reduce((sum, report) => sum + report.editsLate, 0),
      editorsBacklogMs: Math.max(0, ...reports.map((report) => report.backlogMs)),
      editorsLost: reports.reduce((sum, report) => sum + report.connectionsLost, 0),
      editorsLastLoss: reports.map((report) => report.lastLoss).filter((loss) => loss.length > 0).join(" "),
      editorsMessages: reports.reduce((sum, report) => sum + report.messagesReceived, 0),
      editorsPriority: [...new Set(editors.map((editor) => editor.priority))].join("; "),
    };
  } finally {
    await Promise.all(editors.map((editor) => editor.stop()));
    for (const adapter of observers) adapter.disconnect();
    child.kill("SIGTERM");
    await Promise.race([exited, delay(10_000)]);
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}

/** What ran where and what it cost, for a load row's note. */
function describeLoad(result: LoadResult, clients: number): string {
  const share = (value: number) => value.toFixed(2);
  const edits =
    result.editsMade < result.editsExpected
      ? `only ${result.editsMade} of ${result.editsExpected} edits made (the editing clients fell behind)`
      : `${result.editsMade} of ${result.editsExpected} edits made`;
  const lost = result.editorsLost > 0 ? `; the server dropped ${result.editorsLost} editing clients ${result.editorsLastLoss}` : "";
  return (
    `${LOAD_OBSERVERS} observing automerge-repo repos (our peer client) in the bench process at normal priority; ` +
    `${clients - LOAD_OBSERVERS} editing clients (wasm-level sync, one replica each) in ${LOAD_EDITOR_PROCESSES} child processes at ${result.editorsPriority}; ` +
    `${edits}${lost}, ${result.editorsEditsLate} of them over 1 s late (at most ${Math.round(result.editorsLateMsMax)} ms), editors' event loop blocked at most ${Math.round(result.editorsBacklogMs)} ms, ` +
    `${result.editorsMessages} sync messages received by the editors; ` +
    `CPU per wall second: server ${share(result.serverCpuShare)}, observers' process ${share(result.observersCpuShare)}, editors' processes ${share(result.editorsCpuShare)}; ` +
    `${result.samples} arrivals at the observers (of ${result.samplesExpected} if every edit arrived on its own)`
  );
}

export const lanSuite: BenchSuite = {
  name: "lan",
  description: "LAN sync: first sync and edit visibility against bare automerge-repo; 100 clients on one server",
  async run(ctx) {
    const festival = await ctx.festival();
    const rows = await syncComparisons(ctx, festival);
    rows.push(...(await loadComparisons(ctx)));
    return rows;
  },
};

/**
 * The load rows: 100 clients on pandafest serve against the same load on bare automerge-repo, and 25 clients.
 * They run on a festival of one event per client at every size: the load test is about the server.
 */
export async function loadComparisons(ctx: BenchContext): Promise<BenchRow[]> {
  const load = await loadTest(ctx, "pandafest");
  const bare = await loadTest(ctx, "bare");
  const light = await loadTest(ctx, "pandafest", LIGHT_LOAD_CLIENTS);
  const p99Name = `lan: propagation under load, ${LOAD_CLIENTS} clients x 1 edit/s for ${LOAD_SECONDS} s, p99`;
  const p50Name = `lan: propagation under load, ${LOAD_CLIENTS} clients, p50`;
  const lightName = `lan: propagation under load, ${LIGHT_LOAD_CLIENTS} clients x 1 edit/s for ${LOAD_SECONDS} s, p99`;
  const rssName = `lan: peak RSS of the server under that load`;
  const each = "each client changes its own event once a second; the percentile is over all arrivals at the observers (one run)";
  ctx.note(p99Name, `a real pandafest serve process; ${each}; ${describeLoad(load, LOAD_CLIENTS)}. Baseline: the same load on bare automerge-repo in its own process: ${describeLoad(bare, LOAD_CLIENTS)}`);
  ctx.note(p50Name, "as above, the median");
  ctx.note(lightName, `a real pandafest serve process; ${each}; ${describeLoad(light, LIGHT_LOAD_CLIENTS)}`);
  ctx.note(rssName, `VmHWM of the pandafest serve process at the end of the ${LOAD_CLIENTS}-client load test; baseline: the bare automerge-repo process`);
  return [
    comparisonRow(p50Name, load.p50Ms, bare.p50Ms, "ms"),
    comparisonRow(p99Name, load.p99Ms, bare.p99Ms, "ms", { atMost: 250 }),
    figureRow(lightName, light.p99Ms, "ms"),
    comparisonRow(rssName, load.peakRssMb, bare.peakRssMb, "MB", { atMost: 300 }),
  ];
}
