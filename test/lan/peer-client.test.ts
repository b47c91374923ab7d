// The outgoing peer link and the /sync endpoint, in process: reconnection with backoff after the server goes
// away, survival of timeouts, resets and unknown hosts, sending on a closed link, connection and rate limits.
import { cbor, Repo, type DocHandle, type DocumentId } from "@automerge/automerge-repo";
import { createServer } from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { Backoff } from "../../engine/sync/backoff.js";
import type { AdmissionLimits } from "../../apps/server/connection-admission.js";
import type { FrameLimits } from "../../apps/server/frame-guard.js";
import { PeerClientAdapter } from "../../apps/server/peer-client.js";
import { PeerRegistry } from "../../apps/server/peer-registry.js";
import { SyncEndpoint } from "../../apps/server/sync-socket.js";
import { freePort, waitFor } from "./lan-helpers.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A minimal node: a repo without storage behind our /sync endpoint, on 127.0.0.1. */
async function syncNode(repo: Repo, port: number, options: { maxConnections?: number; admission?: Partial<AdmissionLimits>; limits?: FrameLimits } = {}) {
  const endpoint = new SyncEndpoint({ registry: new PeerRegistry(), ...options });
  repo.networkSubsystem.addNetworkAdapter(endpoint.adapter);
  const http = createServer((_request, response) => response.end());
  http.on("upgrade", (request, socket, head) => endpoint.handleUpgrade(request, socket, head));
  await new Promise<void>((resolve) => http.listen(port, "127.0.0.1", resolve));
  const close = async () => {
    endpoint.adapter.disconnect();
    await endpoint.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  return { url: `ws://127.0.0.1:${port}/sync`, close };
}

function linkedRepo(url: string): { repo: Repo; adapter: PeerClientAdapter } {
  const adapter = new PeerClientAdapter({ url, backoff: { initialMs: 30, maxMs: 200 }, handshakeTimeoutMs: 300 });
  const repo = new Repo({ network: [adapter], sharePolicy: async () => true });
  cleanups.push(() => adapter.disconnect());
  return { repo, adapter };
}

describe("PeerClientAdapter", () => {
  it("reconnects when the server comes back, and edits made on both sides meanwhile merge", async () => {
    const serverRepo = new Repo({ network: [], sharePolicy: async () => true });
    const serverHandle = serverRepo.create<{ items: string[] }>({ items: ["first"] });
    const port = await freePort();
    let node = await syncNode(serverRepo, port);
    const { repo, adapter } = linkedRepo(node.url);
    const handle = (await repo.find(serverHandle.documentId)) as DocHandle<{ items: string[] }>;
    expect(handle.doc().items).toEqual(["first"]);

    await node.close();
    await waitFor("the link to notice", () => adapter.state === "waiting");
    handle.change((doc) => void doc.items.push("client, offline"));
    serverHandle.change((doc) => void doc.items.push("server, offline"));
    adapter.send({ type: "sync", senderId: "x", targetId: "y", documentId: handle.documentId, data: new Uint8Array([1]) } as never); // dropped, never thrown

    node = await syncNode(serverRepo, port);
    cleanups.push(() => node.close());
    await waitFor("the link to reconnect", () => adapter.state === "open", 5000);
    const merged = ["client, offline", "first", "server, offline"];
    await waitFor("both edits on both sides", () =>
      JSON.stringify([...handle.doc().items].sort()) === JSON.stringify(merged) && JSON.stringify([...serverHandle.doc().items].sort()) === JSON.stringify(merged),
    );
  });

  it("keeps retrying through unknown hosts, refused and reset connections, and servers that never answer", async () => {
    const held = new Set<net.Socket>();
    const silent = net.createServer((socket) => void held.add(socket)); // accepts, then says nothing
    const resetting = net.createServer((socket) => socket.resetAndDestroy());
    for (const server of [silent, resetting]) {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      cleanups.push(() => {
        for (const socket of held) socket.destroy();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      });
    }
    const port = (server: net.Server) => (server.address() as net.AddressInfo).port;
    const closedPort = await freePort();
    const targets = {
      unresolvable: ["ws://peer.invalid:4321/sync", /ENOTFOUND|EAI_AGAIN|getaddrinfo/],
      refused: [`ws://127.0.0.1:${closedPort}/sync`, /ECONNREFUSED/],
      reset: [`ws://127.0.0.1:${port(resetting)}/sync`, /ECONNRESET|socket hang up/],
      silent: [`ws://127.0.0.1:${port(silent)}/sync`, /timed out|handshake/i],
    } as const;
    for (const [url, expected] of Object.values(targets)) {
      const { adapter } = linkedRepo(url);
      await waitFor(`${url} to fail twice`, () => adapter.describe().attempts >= 2, 8000);
      expect(adapter.describe().lastError).toMatch(expected);
      expect(adapter.state === "waiting" || adapter.state === "connecting").toBe(true);
      expect(() => adapter.send({ type: "sync", senderId: "a", targetId: "b", data: new Uint8Array([1]) } as never)).not.toThrow();
    }
  });
});

describe("SyncEndpoint limits", () => {
  it("refuses connections beyond the cap and closes a connection that sends too fast", async () => {
    const repo = new Repo({ network: [], sharePolicy: async () => true });
    const node = await syncNode(repo, await freePort(), { maxConnections: 2, admission: { reservedLocal: 0 }, limits: { messagesPerSecond: 5, messageBurst: 10 } });
    cleanups.push(() => node.close());
    const open = (): Promise<WebSocket | string> =>
      new Promise((resolve) => {
        const socket = new WebSocket(node.url);
        socket.on("open", () => resolve(socket));
        socket.on("error", (error) => resolve(error.message));
      });
    /** Joins, and resolves once the node answered (a connection that never joins would make way for newer ones). */
    const joined = (socket: WebSocket, senderId: string): Promise<void> =>
      new Promise((resolve) => {
        socket.once("message", () => resolve());
        socket.send(cbor.encode({ type: "join", senderId, peerMetadata: {}, supportedProtocolVersions: ["1"] }));
      });
    const first = await open();
    const second = await open();
    if (typeof first === "string" || typeof second === "string") throw new Error("the first two connections must open");
    await joined(first, "fast");
    await joined(second, "second");
    expect(await open()).toMatch(/503/);
    second.close();
    await waitFor("the freed slot", async () => {
      const again = await open();
      if (typeof again === "string") return false;
      again.close();
      return true;
    });

    const closed = new Promise<{ code: number; reason: string }>((resolve) => first.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    const documentId = repo.create().documentId as DocumentId;
    for (let i = 0; i < 40; i++) first.send(cbor.encode({ type: "doc-unavailable", senderId: "fast", targetId: repo.peerId, documentId }));
    expect(await closed).toEqual({ code: 1008, reason: "too many messages per second" });
  });
});

describe("Backoff", () => {
  it("doubles up to the cap with jitter in [half, all] of the step, and starts over after a reset", () => {
    const low = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
    expect(Array.from({ length: 6 }, () => low.next())).toEqual([50, 100, 200, 400, 500, 500]);
    const high = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0.999999 });
    expect(Array.from({ length: 6 }, () => high.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    high.reset();
    expect(high.next()).toBe(100);
  });
});
