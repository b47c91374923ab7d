// Nodes prove their identity keys on /sync: a client claiming a node's peer id, role or proofs gets no private
// festival, no proofs and no forwarded requests; an impostor of an authenticated peer is refused, the real link stays.
import * as A from "@automerge/automerge";
import { cbor, Repo, type DocumentId } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { identityPath } from "../../engine/node/identity.js";
import { ROLE_METADATA_KEY } from "../../apps/server/peer-registry.js";
import { startServer, type RunningServer } from "../../apps/server/server.js";
import { FestivalStore } from "../../engine/node/store.js";
import { cliJson, tempDir } from "../helpers/cli.js";
import { epochZeroPrivateFestival, waitFor } from "./lan-helpers.js";

const running: RunningServer[] = [];
afterAll(async () => {
  for (const server of running) await server.close();
});

interface RawMessage {
  type: string;
  senderId?: string;
  targetId?: string;
  documentId?: string;
  proofs?: string[];
}

/** A hand-written /sync client speaking automerge-repo's CBOR protocol, recording all it receives. */
class RawPeer {
  readonly received: RawMessage[] = [];
  closed: { code: number; reason: string } | undefined;
  private constructor(private readonly socket: WebSocket, readonly peerId: string) {}

  static async join(server: RunningServer, peerId: string, claimServerRole: boolean, onMessage?: (peer: RawPeer, message: RawMessage) => void): Promise<RawPeer> {
    const socket = new WebSocket(`${server.localUrl.replace("http", "ws")}/sync`);
    const peer = new RawPeer(socket, peerId);
    socket.on("message", (data: Buffer) => {
      const message = cbor.decode(new Uint8Array(data)) as RawMessage;
      peer.received.push(message);
      onMessage?.(peer, message);
    });
    socket.on("close", (code, reason) => (peer.closed = { code, reason: reason.toString() }));
    socket.on("error", () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    const peerMetadata = claimServerRole ? { [ROLE_METADATA_KEY]: "server" } : {};
    peer.send({ type: "join", senderId: peerId, peerMetadata, supportedProtocolVersions: ["1"] });
    return peer;
  }

  send(message: object): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(cbor.encode(message));
  }

  /** Whether it was answered with "peer" (joined) or closed; waits for one of the two. */
  async outcome(): Promise<"joined" | "closed"> {
    return waitFor("the server to answer the join", () => (this.closed ? "closed" : this.received.some((m) => m.type === "peer") ? "joined" : undefined));
  }

  about(documentId: string): RawMessage[] {
    return this.received.filter((message) => message.documentId === documentId);
  }

  close(): void {
    this.socket.terminate();
  }
}

/** Waits up to `ms` for something that must not happen; true if it did. */
async function happensWithin(ms: number, probe: () => boolean): Promise<boolean> {
  return waitFor("a bounded watch", () => probe(), ms).then(
    () => true,
    () => false,
  );
}

const syncUrl = (server: RunningServer) => `${server.localUrl.replace("http", "ws")}/sync`;

async function start(dataDir: string, peers: string[] = []): Promise<RunningServer> {
  const server = await startServer({ dataDir, port: 0, host: "127.0.0.1", peers, staticRoot: null });
  running.push(server);
  // the repo wires its network adapters asynchronously; a socket accepted before that is never answered
  await waitFor("the repo to connect its /sync adapter", () => server.store.repo.networkSubsystem.adapters.every((adapter) => adapter.peerId !== undefined));
  return server;
}

/** A data directory with an identity and one private festival; optionally a copy holding the same festival, under another key. */
async function privateFestival(name: string): Promise<{ dir: string; id: string; copy: () => Promise<string> }> {
  const dir = await tempDir();
  await cliJson(dir, ["init", "--name", "Ana"]);
  const store = await FestivalStore.open(dir);
  const festival = await epochZeroPrivateFestival(store, { name, timeZone: "UTC", startDate: "2027-08-01", endDate: "2027-08-02" }, { mode: "open" });
  await store.close();
  const copy = async () => {
    const other = await tempDir();
    await fs.cp(dir, other, { recursive: true });
    await fs.rm(identityPath(other));
    await fs.rm(path.join(other, "server.json"), { force: true });
    return other;
  };
  return { dir, id: festival.id, copy };
}

function guessId(): DocumentId {
  const repo = new Repo({ network: [] });
  const id = repo.create().documentId;
  void repo.shutdown();
  return id;
}

describe("node authentication on /sync", () => {
  it("refuses a client joining under the node's own peer id: no proofs, no private festival", async () => {
    const secret = await privateFestival("Own Id Fest");
    const a = await start(secret.dir);
    // the attacker claims to be the node itself and the server role, and echoes back any proofs it is sent
    const attacker = await RawPeer.join(a, a.store.repo.peerId, true, (peer, message) => {
      if (message.type === "pandafest-knows") peer.send({ type: "pandafest-knows", senderId: peer.peerId, targetId: a.store.repo.peerId, proofs: message.proofs });
    });
    expect(await attacker.outcome()).toBe("closed");
    expect(attacker.closed?.reason).toContain("own peer id");
    expect(attacker.received.filter((m) => m.type === "pandafest-knows")).toEqual([]);
    expect(attacker.about(secret.id)).toEqual([]);

    // under a fresh id, claiming the server role gets it nothing either: no proofs, no announcement
    const claimer = await RawPeer.join(a, "claims-to-be-a-node", true, (peer, message) => {
      if (message.type === "pandafest-knows") peer.send({ type: "pandafest-knows", senderId: peer.peerId, targetId: a.store.repo.peerId, proofs: message.proofs });
    });
    expect(await claimer.outcome()).toBe("joined");
    expect(await happensWithin(1500, () => claimer.received.some((m) => m.type === "pandafest-knows" || m.documentId === secret.id))).toBe(false);
    claimer.close();
  });

  it("gets nothing from node B by replaying what node A sent to a client claiming to be B", async () => {
    const secret = await privateFestival("Replay Fest");
    const a = await start(secret.dir);
    const b = await start(await secret.copy());
    expect(b.catalog.get(secret.id)?.visibility).toBe("private");
    // the attacker knows both peer ids (they used to be published); it is neither node
    const asB = await RawPeer.join(a, b.store.repo.peerId, true);
    expect(await asB.outcome()).toBe("joined");
    // whatever A sends it (nothing, now) is replayed to B by a connection claiming to be A
    const fromA = () => asB.received.filter((m) => m.type === "pandafest-knows").flatMap((m) => m.proofs ?? []);
    await happensWithin(1000, () => fromA().length > 0);
    const asA = await RawPeer.join(b, a.store.repo.peerId, true);
    expect(await asA.outcome()).toBe("joined");
    asA.send({ type: "pandafest-knows", senderId: a.store.repo.peerId, targetId: b.store.repo.peerId, proofs: fromA() });
    expect(await happensWithin(2000, () => asA.about(secret.id).length > 0)).toBe(false);
    expect(fromA()).toEqual([]);
    asB.close();
    asA.close();
  });

  it("authenticates honest nodes and refuses a second connection claiming an authenticated peer's id; the real link never drops", async () => {
    const secret = await privateFestival("Steady Fest");
    const a = await start(secret.dir);
    const b = await start(await secret.copy(), [syncUrl(a)]);
    const link = b.addPeer(syncUrl(a));
    let drops = 0;
    link.on("peer-disconnected", () => drops++);
    const linkTo = (server: RunningServer, peerId: string) => server.registry.list().find((l) => l.state === "connected" && l.peerId === peerId);
    await waitFor("A and B to be linked", () => linkTo(a, b.store.repo.peerId) && linkTo(b, a.store.repo.peerId));
    // each end counts the other as a node only once it proved its identity key on this connection
    await waitFor("A and B to take each other for nodes", () => linkTo(a, b.store.repo.peerId)?.role === "server" && linkTo(b, a.store.repo.peerId)?.role === "server");

    // impostors of B at A, and of A at B (B dialled A), each refused while the established link stays
    for (let round = 0; round < 20; round++) {
      const atA = await RawPeer.join(a, b.store.repo.peerId, round % 2 === 0);
      const atB = await RawPeer.join(b, a.store.repo.peerId, true);
      expect(await atA.outcome()).toBe("closed");
      expect(await atB.outcome()).toBe("closed");
      expect(atA.closed?.reason).toContain("already connected");
    }
    // the private festival both hold keeps syncing over the real link
    const onA = a.store.repo.handles[secret.id as DocumentId];
    onA?.change((doc) => {
      (doc as { description?: unknown }).description = new A.ImmutableString("after the impostors");
    });
    await waitFor("B to receive A's edit", () => b.catalog.get(secret.id)?.description === "after the impostors");
    expect(drops).toBe(0);
    expect(linkTo(a, b.store.repo.peerId)?.nodeKey).toMatch(/^[0-9a-f]{64}$/);
    expect(linkTo(b, a.store.repo.peerId)?.nodeKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it("never forwards a client's request to a client claiming the server role, which therefore cannot answer with a forged document", async () => {
    const dirB = await tempDir();
    const b = await start(dirB);
    const wanted = guessId();
    const forged = A.from({ name: "Forged Fest" });
    const attacker = await RawPeer.join(b, "pretends-to-be-a-node", true, (peer, message) => {
      if (message.type !== "request" || message.documentId !== wanted) return;
      const [, reply] = A.generateSyncMessage(forged, A.initSyncState());
      peer.send({ type: "sync", senderId: peer.peerId, targetId: b.store.repo.peerId, documentId: wanted, data: reply });
    });
    expect(await attacker.outcome(), JSON.stringify(attacker.closed)).toBe("joined");

    const honest = new Repo({ network: [new WebSocketClientAdapter(syncUrl(b))], sharePolicy: async () => true });
    const outcome = await Promise.race([
      honest.find<{ name: unknown }>(wanted).then((handle) => `found ${String(handle.doc().name)}`, () => "unavailable"),
      new Promise<string>((resolve) => setTimeout(() => resolve("no answer"), 10_000).unref()),
    ]);
    expect(outcome).toBe("unavailable");
    expect(attacker.about(wanted)).toEqual([]);
    await honest.shutdown().catch(() => undefined);
    attacker.close();
  });
});
