// A hostile client throws a few thousand malformed frames at a real server while a healthy automerge-repo
// client keeps editing: each bad frame closes only its own connection, the server stays up, festivals are unharmed.
import * as A from "@automerge/automerge";
import { cbor, Repo, type DocHandle, type DocumentId } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { ROLE_METADATA_KEY } from "../../apps/server/peer-registry.js";
import { cliJson, festivalFixture } from "../helpers/cli.js";
import { killAllServers, serverHasHeads, serverHeads, startServe, waitFor } from "./lan-helpers.js";
import { pace } from "../helpers/pace.js";

const MAX_FRAME = 64 * 1024;

afterAll(() => killAllServers());

interface Attack {
  name: string;
  /** send a valid join first, so the bad frame meets a connection that already introduced itself */
  joinFirst: boolean;
  frame: (addressing: { senderId: string; targetId: string }) => Uint8Array | string;
  /** well addressed and well formed, with hostile content: may be accepted (and must then be harmless) */
  deep?: boolean;
  /** join as another pandafest node (synced through automerge-repo) rather than as a client (the hub relay) */
  asNode?: boolean;
}

/** A well-formed change whose actor's earlier changes do not exist: Automerge 3.5 panics on it. */
function panickingChange(): Uint8Array {
  const template = A.decodeChange(A.getLastLocalChange(A.from({ x: 1 })) as Uint8Array);
  return A.encodeChange({ ...template, actor: randomBytes(16).toString("hex"), seq: 2, startOp: 1, deps: [], hash: undefined });
}

function attacks(festivalId: string): Attack[] {
  const join = (senderId: string) => cbor.encode({ type: "join", senderId, peerMetadata: {}, supportedProtocolVersions: ["1"] });
  const validSync = (senderId: string, data: Uint8Array) => ({ type: "sync", senderId, targetId: "server", documentId: festivalId, data });
  const truncated = cbor.encode(validSync("x", randomBytes(40)));
  const forgedChange = A.encodeSyncMessage({ heads: [], need: [], have: [], changes: [randomBytes(64)] });
  return [
    { name: "random bytes", joinFirst: false, frame: () => randomBytes(1 + Math.floor(Math.random() * 200)) },
    { name: "random bytes after join", joinFirst: true, frame: () => randomBytes(1 + Math.floor(Math.random() * 200)) },
    { name: "CBOR null", joinFirst: false, frame: () => cbor.encode(null) },
    { name: "CBOR null after join", joinFirst: true, frame: () => cbor.encode(null) },
    { name: "truncated CBOR", joinFirst: false, frame: () => truncated.subarray(0, 1 + Math.floor(Math.random() * (truncated.length - 1))) },
    { name: "truncated CBOR after join", joinFirst: true, frame: () => truncated.subarray(0, 1 + Math.floor(Math.random() * (truncated.length - 1))) },
    { name: "oversized frame", joinFirst: false, frame: () => new Uint8Array(MAX_FRAME + 1024) },
    { name: "oversized frame after join", joinFirst: true, frame: () => cbor.encode(validSync("a", new Uint8Array(MAX_FRAME * 2))) },
    { name: "text frame", joinFirst: false, frame: () => JSON.stringify({ type: "join", senderId: "t" }) },
    { name: "array", joinFirst: false, frame: () => cbor.encode([1, 2, 3]) },
    { name: "number", joinFirst: true, frame: () => cbor.encode(42) },
    { name: "unknown type", joinFirst: true, frame: () => cbor.encode({ type: "shutdown", senderId: "a", targetId: "b" }) },
    { name: "join without sender", joinFirst: false, frame: () => cbor.encode({ type: "join" }) },
    { name: "join with bad versions", joinFirst: false, frame: () => cbor.encode({ type: "join", senderId: "v", supportedProtocolVersions: "1" }) },
    { name: "join with bad metadata", joinFirst: false, frame: () => cbor.encode({ type: "join", senderId: "m", peerMetadata: "nope" }) },
    { name: "sync before join", joinFirst: false, frame: () => cbor.encode(validSync("s", A.encodeSyncMessage({ heads: [], need: [], have: [], changes: [] }))) },
    { name: "sync with string data", joinFirst: true, frame: () => cbor.encode({ ...validSync("p", new Uint8Array(1)), data: "abc" }) },
    { name: "sync with garbage data", joinFirst: true, frame: () => cbor.encode(validSync("p", randomBytes(30))) },
    { name: "sync with bad documentId", joinFirst: true, frame: () => cbor.encode({ ...validSync("p", new Uint8Array(1)), documentId: "../../etc" }) },
    { name: "sync with numeric sender", joinFirst: true, frame: () => cbor.encode({ ...validSync("p", new Uint8Array(1)), senderId: 7 }) },
    { name: "misaddressed sync", joinFirst: true, frame: () => cbor.encode(validSync("attacker", forgedChange)) },
    {
      name: "forged change for the festival",
      joinFirst: true,
      deep: true,
      frame: (a) => cbor.encode({ type: "sync", ...a, documentId: festivalId, data: forgedChange }),
    },
    {
      name: "ephemeral with bad payload",
      joinFirst: true,
      frame: (a) => cbor.encode({ type: "ephemeral", ...a, documentId: festivalId, data: new Uint8Array([0xff, 0xff]), count: 1, sessionId: "s" }),
    },
    {
      name: "sync message for a guessed document",
      joinFirst: true,
      deep: true,
      frame: (a) => cbor.encode({ type: "request", ...a, documentId: "4NMNnkMhL8jXrdJ9jamS58PAVdXu", data: forgedChange }),
    },
    {
      name: "change that makes Automerge panic, from a client",
      joinFirst: true,
      deep: true,
      frame: (a) => cbor.encode({ type: "sync", ...a, documentId: festivalId, data: A.encodeSyncMessage({ heads: [], need: [], have: [], changes: [panickingChange()] }) }),
    },
    {
      name: "change that makes Automerge panic, from a node",
      joinFirst: true,
      deep: true,
      asNode: true,
      frame: (a) => cbor.encode({ type: "sync", ...a, documentId: festivalId, data: A.encodeSyncMessage({ heads: [], need: [], have: [], changes: [panickingChange()] }) }),
    },
    { name: "second join", joinFirst: true, frame: () => join("someone-else") },
    { name: "remote heads of wrong shape", joinFirst: true, frame: () => cbor.encode({ type: "remote-heads-changed", senderId: "attacker", targetId: "server", documentId: festivalId, newHeads: { x: 5 } }) },
  ];
}

/** One connection: optionally join (and wait for the server's answer), send one frame, report how it closed. */
function attackOnce(url: string, attack: Attack, senderId: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => {
      socket.terminate();
      resolve(-1);
    }, 5000);
    const send = (targetId: string) => {
      const frame = attack.frame({ senderId, targetId });
      socket.send(frame, { binary: typeof frame !== "string" });
      // a well-formed frame may be accepted: hang up ourselves after a moment
      if (attack.deep) setTimeout(() => socket.close(4000), 100);
    };
    socket.on("error", () => undefined);
    socket.on("open", () => {
      if (!attack.joinFirst) return send("server");
      const peerMetadata = attack.asNode ? { [ROLE_METADATA_KEY]: "server" } : {};
      socket.send(cbor.encode({ type: "join", senderId, peerMetadata, supportedProtocolVersions: ["1"] }));
    });
    socket.on("message", (data: Buffer) => {
      const reply = cbor.decode(data) as { type?: string; senderId?: string };
      if (reply.type === "peer" && reply.senderId) send(reply.senderId);
    });
    socket.on("close", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe("malformed frames", () => {
  it("closes each offending connection, keeps serving a healthy client, and leaves festivals unchanged", async () => {
    const fixture = await festivalFixture("Sturdy Fest", { open: true });
    const other = await cliJson<{ id: string }>(fixture.dataDir, ["festival", "create", "Untouched Fest"]);
    const server = await startServe(fixture.dataDir, ["--max-frame-bytes", String(MAX_FRAME)]);
    const otherHeadsBefore = await serverHeads(server.url, other.id);
    expect(otherHeadsBefore).toBeDefined();

    // a healthy bare automerge-repo client, editing the whole time
    const healthy = new Repo({ network: [new WebSocketClientAdapter(server.sync)], sharePolicy: async () => true });
    let disconnects = 0;
    healthy.networkSubsystem.on("peer-disconnected", () => disconnects++);
    const handle = (await healthy.find(fixture.festival as DocumentId)) as DocHandle<{ venues: Record<string, { capacity?: number }> }>;
    let edits = 0;
    let attacking = true;
    const editing = (async () => {
      while (attacking && edits < 2000) {
        handle.change((doc) => {
          doc.venues[fixture.venue].capacity = 1000 + edits;
        });
        edits++;
        await pace(20);
      }
    })();

    const list = attacks(fixture.festival);
    const rounds = 80; // 29 kinds x 80 = 2320 hostile frames
    const codes = new Map<string, Set<number>>();
    let sent = 0;
    const queue = Array.from({ length: rounds }, (_, round) => list.map((attack) => ({ attack, senderId: `attacker-${round}-${attack.name}` }))).flat();
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const code = await attackOnce(server.sync, job.attack, job.senderId);
        sent++;
        if (!codes.has(job.attack.name)) codes.set(job.attack.name, new Set());
        codes.get(job.attack.name)?.add(code);
      }
    };
    await Promise.all(Array.from({ length: 12 }, worker));
    attacking = false;
    await editing;

    expect(sent).toBeGreaterThanOrEqual(2000);
    // every bad frame was answered by closing that connection: 1008 policy, 1009 too big
    for (const [name, seen] of codes) {
      if (list.find((attack) => attack.name === name)?.deep) continue;
      const expected = name.startsWith("oversized") ? [1009] : [1008];
      expect({ name, codes: [...seen] }).toEqual({ name, codes: expected });
    }
    expect(server.child.exitCode).toBeNull();
    expect(server.log()).toMatch(/closed the connection from 127\.0\.0\.1:\d+: /);

    // the healthy client never lost its connection, and all of its edits (and nothing else) reached the server
    expect(edits).toBeGreaterThan(10);
    expect(disconnects).toBe(0);
    const clientHeads = A.getHeads(handle.doc()).slice().sort();
    await waitFor("the server to hold the healthy client's edits", () => serverHasHeads(server.url, fixture.festival, clientHeads));
    expect(await serverHeads(server.url, fixture.festival)).toEqual(clientHeads);
    expect(await serverHeads(server.url, other.id)).toEqual(otherHeadsBefore);
    await healthy.shutdown();

    const exitCode = await server.stop();
    expect({ exitCode, log: exitCode === 0 ? "" : server.log().slice(-3000) }).toEqual({ exitCode: 0, log: "" });
    const shown = await cliJson<{ heads: string[]; venues: Record<string, { capacity?: number; name: string }> }>(fixture.dataDir, ["festival", "show", fixture.festival]);
    expect(shown.heads.slice().sort()).toEqual(clientHeads);
    expect(shown.venues[fixture.venue]).toMatchObject({ name: "Main Stage", capacity: 1000 + edits - 1 });
  });
});
