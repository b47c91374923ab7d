// Benchmark child of the LAN load test: a group of editing clients, each a whole replica speaking the sync protocol
// with Automerge's wasm backend directly, driven over IPC by the bench (messages in load-editors-protocol.ts).
import * as A from "@automerge/automerge";
import { cbor } from "@automerge/automerge-repo";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { WebSocket, type RawData } from "ws";
import { wasmSyncStateFactory, wasmSyncStateProblem, type BackendSyncState, type DocumentBackend } from "../../../engine/internals/node/wasm-sync-state.js";
import {
  loadEditTitle,
  scheduledEditTime,
  type EditorAssignment,
  type FromLoadEditors,
  type GoMessage,
  type LoadEditorsReport,
  type StartMessage,
  type ToLoadEditors,
} from "./load-editors-protocol.js";

const JOIN_TIMEOUT_MS = 30_000;
/** an edit made more than this after its scheduled time counts as late (the next one is then due) */
const LATE_EDIT_MS = 1000;

function send(message: FromLoadEditors): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function fail(error: unknown): Promise<never> {
  await send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

if (!process.send) {
  process.stderr.write("load-editors.js runs only as a child of the LAN load bench (forked with an IPC channel)\n");
  process.exit(2);
}
process.on("disconnect", () => process.exit(0));
process.on("uncaughtException", (error) => void fail(error));

const counters = { messagesReceived: 0, editsMade: 0, lateMsMax: 0, editsLate: 0, connectionsLost: 0, lastLoss: "" };

/** One editing client: a replica of the festival, its wasm sync state with the server, and its websocket. */
class WasmSyncClient {
  private readonly backend: DocumentBackend;
  private readonly state: BackendSyncState;
  private readonly eventObject: string;
  private readonly socket: WebSocket;
  private readonly peerId = `load-${Math.random().toString(36).slice(2)}`;
  private serverId: string | undefined;
  private readonly pending: Uint8Array[] = [];
  private closing = false;
  /** the server closed the connection after the join */
  lost = false;
  readonly joined: Promise<void>;

  constructor(
    url: string,
    private readonly documentId: string,
    bytes: Uint8Array,
    readonly assignment: EditorAssignment,
    newSyncState: () => BackendSyncState,
  ) {
    this.backend = A.getBackend(A.load(bytes));
    this.state = newSyncState();
    const events = this.backend.getWithType("_root", "events");
    const event = events?.[0] === "map" ? this.backend.getWithType(events[1], assignment.eventId) : null;
    if (event?.[0] !== "map") throw new Error(`event ${assignment.eventId} is missing from the load festival`);
    this.eventObject = event[1];
    this.socket = new WebSocket(url, { perMessageDeflate: false });
    this.joined = new Promise((resolve, reject) => {
      this.socket.on("error", (error) => reject(error));
      this.socket.on("open", () => this.sendFrame({ type: "join", senderId: this.peerId, peerMetadata: { isEphemeral: true }, supportedProtocolVersions: ["1"] }));
      this.socket.on("close", (code: number, reason: Buffer) => {
        const why = `(close code ${code}${reason.length > 0 ? `, "${reason.toString("utf8")}"` : ""})`;
        reject(new Error(`load client ${assignment.index} lost its connection before joining ${why}`));
        if (this.closing || this.lost) return;
        // a client the server dropped (e.g. it answered a keep-alive ping too late) makes no more edits: the count shows it
        this.lost = true;
        counters.connectionsLost++;
        counters.lastLoss = why;
      });
      this.socket.on("message", (data: RawData) => {
        const message = cbor.decode(new Uint8Array(data as Buffer)) as { type: string; senderId: string; data?: Uint8Array };
        if (message.type === "peer") {
          this.serverId = message.senderId;
          this.flush();
          resolve();
        } else if (message.type === "sync" && message.data) {
          counters.messagesReceived++;
          this.pending.push(message.data);
          applyLater(this);
        }
      });
    });
  }

  /** Applies the sync messages received since the last call, then answers them with one message. */
  applyPending(): void {
    for (const data of this.pending.splice(0)) this.backend.receiveSyncMessage(this.state, data);
    this.flush();
  }

  /** Puts the title on the client's own event, commits and sends the change. */
  edit(title: string): void {
    this.backend.put(this.eventObject, "title", title, "str");
    this.backend.commit();
    this.flush();
  }

  close(): void {
    this.closing = true;
    this.socket.terminate();
  }

  private flush(): void {
    if (!this.serverId) return;
    const data = this.backend.generateSyncMessage(this.state);
    if (data) this.sendFrame({ type: "sync", senderId: this.peerId, targetId: this.serverId, documentId: this.documentId, data });
  }

  private sendFrame(message: object): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(cbor.encode(message));
  }
}

/** Clients with received sync messages not yet applied, in arrival order. */
const unapplied = new Set<WasmSyncClient>();
let applying = false;
/** How long one turn of applying may hold the event loop before timers (edits) and sockets (pings) get a turn. */
const APPLY_SLICE_MS = 20;

/**
 * Received changes are applied in slices between the event loop's other work, not in the socket's message handler:
 * an editor short of CPU then falls behind in applying (and answers several messages with one), while its edits
 * still go out on time and its sockets still answer the server's keep-alive pings.
 */
function applyLater(client: WasmSyncClient): void {
  unapplied.add(client);
  if (applying) return;
  applying = true;
  setImmediate(applySlice);
}

function applySlice(): void {
  const until = performance.now() + APPLY_SLICE_MS;
  for (const client of unapplied) {
    unapplied.delete(client);
    client.applyPending();
    if (performance.now() >= until) break;
  }
  if (unapplied.size > 0) setImmediate(applySlice);
  else applying = false;
}

/** Messages from the bench, kept until asked for (one may arrive before the child waits for it). */
const inbox: ToLoadEditors[] = [];
let deliver: ((message: ToLoadEditors) => void) | undefined;
process.on("message", (message) => {
  if (deliver) deliver(message as ToLoadEditors);
  else inbox.push(message as ToLoadEditors);
});

function nextMessage(): Promise<ToLoadEditors> {
  const queued = inbox.shift();
  if (queued) return Promise.resolve(queued);
  return new Promise((resolve) => {
    deliver = (message) => {
      deliver = undefined;
      resolve(message);
    };
  });
}

async function joinAll(start: StartMessage): Promise<WasmSyncClient[]> {
  const newSyncState = wasmSyncStateFactory();
  if (!newSyncState) throw new Error(`no wasm sync states: ${wasmSyncStateProblem() ?? "unknown reason"}`);
  const clients: WasmSyncClient[] = [];
  for (const assignment of start.clients) {
    const client = new WasmSyncClient(start.url, start.festivalId, start.bytes, assignment, newSyncState);
    clients.push(client);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      client.joined,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`load client ${assignment.index} did not join within ${JOIN_TIMEOUT_MS} ms`)), JOIN_TIMEOUT_MS))),
    ]).finally(() => clearTimeout(timer));
  }
  return clients;
}

/** Every client makes `seconds` edits on the shared schedule; resolves after the last one. */
function editOnSchedule(clients: WasmSyncClient[], go: GoMessage, clientCount: number, seconds: number): Promise<void> {
  return new Promise((resolve) => {
    let remaining = clients.length;
    if (remaining === 0 || seconds === 0) return resolve();
    for (const client of clients) {
      let edit = 0;
      const scheduleNext = () => {
        const due = scheduledEditTime(go.startAt, client.assignment.index, clientCount, edit);
        setTimeout(() => {
          const now = Date.now();
          counters.lateMsMax = Math.max(counters.lateMsMax, now - due);
          if (now - due > LATE_EDIT_MS) counters.editsLate++;
          if (!client.lost) {
            client.edit(loadEditTitle(client.assignment.index, edit, now));
            counters.editsMade++;
          }
          if (++edit < seconds) scheduleNext();
          else if (--remaining === 0) resolve();
        }, Math.max(0, due - Date.now()));
      };
      scheduleNext();
    }
  });
}

try {
  const start = await nextMessage();
  if (start.type !== "start") throw new Error(`expected "start" first, got "${start.type}"`);
  const clients = await joinAll(start);
  await send({ type: "ready" });
  const go = await nextMessage();
  if (go.type !== "go") throw new Error(`expected "go" after "ready", got "${go.type}"`);
  const cpuBefore = process.cpuUsage();
  counters.messagesReceived = 0;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  await editOnSchedule(clients, go, start.clientCount, start.seconds);
  await send({ type: "done", editsMade: counters.editsMade });
  const request = await nextMessage();
  if (request.type !== "report") throw new Error(`expected "report" after "done", got "${request.type}"`);
  loopDelay.disable();
  const cpu = process.cpuUsage(cpuBefore);
  const report: LoadEditorsReport = {
    editsMade: counters.editsMade,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    messagesReceived: counters.messagesReceived,
    backlogMs: loopDelay.max / 1e6,
    lateMsMax: counters.lateMsMax,
    editsLate: counters.editsLate,
    connectionsLost: counters.connectionsLost,
    lastLoss: counters.lastLoss,
  };
  for (const client of clients) client.close();
  await send({ type: "report", report });
  process.exit(0);
} catch (error) {
  await fail(error);
}
