// A real server against clients that hoard its resources: sockets that never join, a join with megabytes of
// metadata, and thousands of requests for ids it does not hold. Each is bounded, and honest clients still sync.
import * as A from "@automerge/automerge";
import { cbor, generateAutomergeUrl, parseAutomergeUrl } from "@automerge/automerge-repo";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { ConnectionAdmission, DEFAULT_ADMISSION_LIMITS, isLoopbackAddress } from "../../apps/server/connection-admission.js";
import { startServer, type RunningServer } from "../../apps/server/server.js";
import { FestivalStore } from "../../engine/node/store.js";
import { cliJson, tempDir } from "../helpers/cli.js";
import { waitFor } from "./lan-helpers.js";
import { pace } from "../helpers/pace.js";

const running: RunningServer[] = [];
const sockets: WebSocket[] = [];
afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  for (const server of running) await server.close();
});

async function serverWithFestival(options: { joinTimeoutMs?: number } = {}): Promise<{ server: RunningServer; syncUrl: string; festivalId: string }> {
  const dataDir = await tempDir();
  await cliJson(dataDir, ["init", "--name", "Ana"]);
  const store = await FestivalStore.open(dataDir);
  const festival = await store.create({ name: "Open Air", timeZone: "UTC", startDate: "2027-08-01", endDate: "2027-08-02", visibility: "public" });
  await store.close();
  const server = await startServer({ dataDir, port: 0, host: "127.0.0.1", staticRoot: null, ...options });
  running.push(server);
  return { server, syncUrl: `${server.localUrl.replace("http", "ws")}/sync`, festivalId: festival.id };
}

/** Opens a websocket and resolves once it is open (or rejects when the server refuses the upgrade). */
function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    sockets.push(socket);
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
    socket.once("unexpected-response", (_request, response) => reject(new Error(`refused with ${response.statusCode}`)));
  });
}

function closed(socket: WebSocket): Promise<{ code: number; reason: string }> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve({ code: -1, reason: "already closed" });
  return new Promise((resolve) => socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
}

function join(socket: WebSocket, senderId: string, peerMetadata: Record<string, unknown> = { isEphemeral: true }): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.on("message", (raw: Buffer) => {
      const message = cbor.decode(new Uint8Array(raw)) as { type: string; senderId: string };
      if (message.type === "peer") resolve(message.senderId);
    });
    socket.once("close", (code, reason) => reject(new Error(`closed ${code} ${reason.toString()}`)));
    socket.send(cbor.encode({ type: "join", senderId, peerMetadata, supportedProtocolVersions: ["1"] }));
  });
}

/** Joins and fetches a festival with Automerge's public sync API; resolves with its name. */
async function fetchFestival(syncUrl: string, festivalId: string): Promise<string> {
  const socket = await openSocket(syncUrl);
  const senderId = `honest-${Math.random().toString(36).slice(2)}`;
  const serverId = await join(socket, senderId);
  let doc = A.init<{ name?: string }>();
  let state = A.initSyncState();
  const send = (type: "request" | "sync") => {
    const [next, data] = A.generateSyncMessage(doc, state);
    state = next;
    if (data) socket.send(cbor.encode({ type, senderId, targetId: serverId, documentId: festivalId, data }));
  };
  const name = new Promise<string>((resolve) => {
    socket.on("message", (raw: Buffer) => {
      const message = cbor.decode(new Uint8Array(raw)) as { type: string; documentId?: string; data?: Uint8Array };
      if (message.type !== "sync" || message.documentId !== festivalId || !message.data) return;
      [doc, state] = A.receiveSyncMessage(doc, state, message.data);
      send("sync");
      if (typeof doc.name === "string" || doc.name) resolve(String(doc.name));
    });
  });
  send("request");
  const result = await name;
  socket.terminate();
  return result;
}

describe("connection limits of /sync", { timeout: 180_000 }, () => {
  it("closes a connection that does not join in time", async () => {
    const { syncUrl } = await serverWithFestival({ joinTimeoutMs: 300 });
    const socket = await openSocket(syncUrl);
    const started = Date.now();
    const { code } = await closed(socket);
    expect(code).toBe(1008);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("lets an honest client sync while 300 sockets sit there without joining", async () => {
    const { syncUrl, festivalId } = await serverWithFestival();
    const idle: WebSocket[] = [];
    for (let index = 0; index < 300; index++) {
      try {
        idle.push(await openSocket(syncUrl));
      } catch {
        // a refused upgrade is fine: what matters is that the honest client below gets in
      }
    }
    expect(await fetchFestival(syncUrl, festivalId)).toBe("Open Air");
    for (const socket of idle) socket.terminate();
  });

  it("refuses a join that carries a megabyte of metadata", async () => {
    const { syncUrl } = await serverWithFestival();
    const socket = await openSocket(syncUrl);
    const result = closed(socket);
    // refused at the frame's header (1009, too big), before the megabyte is buffered
    await expect(join(socket, "bulky", { isEphemeral: true, padding: "x".repeat(1024 * 1024) })).rejects.toThrow(/closed 1009/);
    expect((await result).code).toBe(1009);
  });

  it("closes a client that asks for too many ids it does not hold, and forgets them", async () => {
    const { server, syncUrl, festivalId } = await serverWithFestival();
    const handlesBefore = Object.keys(server.store.repo.handles).length;
    const socket = await openSocket(syncUrl);
    const senderId = "hoarder";
    const serverId = await join(socket, senderId);
    const result = closed(socket);
    const request = A.generateSyncMessage(A.init(), A.initSyncState())[1] as Uint8Array;
    let sent = 0;
    for (; sent < 1000 && socket.readyState === WebSocket.OPEN; sent++) {
      const documentId = parseAutomergeUrl(generateAutomergeUrl()).documentId;
      socket.send(cbor.encode({ type: "request", senderId, targetId: serverId, documentId, data: request }));
      if (sent % 50 === 49) await pace(5);
    }
    const { code, reason } = await result;
    expect(code).toBe(1008);
    expect(reason).toMatch(/too many documents/);
    // once the client is gone, the handles it made the repo keep are dropped again (the one past its quota never reached the repo)
    await waitFor("the unknown ids to be forgotten", () => Object.keys(server.store.repo.handles).length <= handlesBefore, 15_000);
    expect(await fetchFestival(syncUrl, festivalId)).toBe("Open Air");
  });
});

describe("admission", () => {
  it("knows loopback addresses", () => {
    expect(isLoopbackAddress("127.0.0.1")).toBe(true);
    expect(isLoopbackAddress("127.3.4.5")).toBe(true);
    expect(isLoopbackAddress("::1")).toBe(true);
    expect(isLoopbackAddress("::ffff:127.0.0.1")).toBe(true);
    expect(isLoopbackAddress("192.168.1.20")).toBe(false);
    expect(isLoopbackAddress("::ffff:10.0.0.1")).toBe(false);
  });

  it("caps one remote address, keeps room for this machine, and lets the oldest unjoined connection make way", () => {
    const admission = new ConnectionAdmission({ ...DEFAULT_ADMISSION_LIMITS, maxConnections: 4, reservedLocal: 2, maxPerAddress: 2, maxUnjoined: 3, maxUnjoinedPerAddress: 2 });
    const evicted: string[] = [];
    const admit = (address: string, name: string) => admission.admit(address, () => evicted.push(name));
    const a1 = admit("10.0.0.1", "a1");
    const a2 = admit("10.0.0.1", "a2");
    expect("refused" in admit("10.0.0.1", "a3")).toBe(true); // per address
    if ("refused" in a1 || "refused" in a2) throw new Error("refused too early");
    a1.joined();
    a2.joined();
    const b1 = admit("10.0.0.2", "b1");
    const b2 = admit("10.0.0.2", "b2");
    if ("refused" in b1 || "refused" in b2) throw new Error("refused too early");
    b1.joined();
    b2.joined();
    expect("refused" in admit("10.0.0.3", "c1")).toBe(true); // remote connections are full
    const local = [admit("127.0.0.1", "l1"), admit("127.0.0.1", "l2")];
    expect(local.every((ticket) => !("refused" in ticket))).toBe(true); // room kept for this machine
    const l3 = admit("127.0.0.1", "l3"); // over everything: the oldest unjoined (l1) makes way
    expect("refused" in l3).toBe(false);
    expect(evicted).toEqual(["l1"]);
  });
});
