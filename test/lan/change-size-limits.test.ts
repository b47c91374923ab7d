// A client writing a change with a value over the size bound (change-limits.ts), against a real in-process server:
// its connection is closed and nothing of it is stored.
import * as A from "@automerge/automerge";
import { cbor, generateAutomergeUrl, parseAutomergeUrl } from "@automerge/automerge-repo";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { MAX_VALUE_BYTES } from "../../engine/core/change-limits.js";
import { startServer, type RunningServer, type ServeOptions } from "../../apps/server/server.js";
import { tempDir } from "../helpers/cli.js";
import { waitFor } from "./lan-helpers.js";
import { pace } from "../helpers/pace.js";

const running: RunningServer[] = [];
const sockets: WebSocket[] = [];
afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  for (const server of running) await server.close();
});

async function serve(options: Partial<ServeOptions> = {}): Promise<{ server: RunningServer; syncUrl: string }> {
  const server = await startServer({ dataDir: await tempDir(), port: 0, host: "127.0.0.1", staticRoot: null, ...options });
  running.push(server);
  // the repo connects its network adapter shortly after start; a join before that goes unanswered
  await waitFor("the sync adapter to be connected", () => server.store.repo.networkSubsystem.adapters.every((adapter) => adapter.peerId !== undefined) || undefined, 5000, 10);
  return { server, syncUrl: `${server.localUrl.replace("http", "ws")}/sync` };
}

interface Connection {
  socket: WebSocket;
  /** resolves true once open, false when the upgrade was refused */
  opened: Promise<boolean>;
  closed: Promise<{ code: number; reason: string }>;
  /** the server's peer id, once it answered a join */
  serverPeerId: Promise<string>;
  send(message: object): void;
}

function connect(syncUrl: string, localAddress = "127.0.0.1"): Connection {
  const socket = new WebSocket(syncUrl, { localAddress });
  sockets.push(socket);
  socket.on("error", () => undefined);
  const opened = new Promise<boolean>((resolve) => {
    socket.once("open", () => resolve(true));
    socket.once("unexpected-response", () => resolve(false));
    socket.once("close", () => resolve(false));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  const serverPeerId = new Promise<string>((resolve) =>
    socket.on("message", (raw: Buffer) => {
      const message = cbor.decode(new Uint8Array(raw)) as { type: string; senderId: string };
      if (message.type === "peer") resolve(message.senderId);
    }),
  );
  return { socket, opened, closed, serverPeerId, send: (message) => socket.send(cbor.encode(message)) };
}

function join(connection: Connection, senderId: string, peerMetadata: object = { isEphemeral: true }): void {
  connection.send({ type: "join", senderId, peerMetadata, supportedProtocolVersions: ["1"] });
}

function randomDocumentId(): string {
  return parseAutomergeUrl(generateAutomergeUrl()).documentId;
}

describe("a change over the size bounds", { timeout: 120_000 }, () => {
  it("closes the connection of a client writing a value over the bound, and stores nothing", async () => {
    const { server, syncUrl } = await serve();
    const client = connect(syncUrl);
    expect(await client.opened).toBe(true);
    join(client, "bulk-writer");
    const serverPeerId = await client.serverPeerId;
    const documentId = randomDocumentId();
    const doc = A.change(A.init<{ field?: A.ImmutableString }>(), (d) => {
      d.field = new A.ImmutableString("x".repeat(MAX_VALUE_BYTES + 1));
    });
    const [, data] = A.generateSyncMessage(doc, A.initSyncState());
    expect(data).not.toBeNull();
    // a sync message carrying the change itself (as a peer that already talked to us would send it)
    const withChange = A.encodeSyncMessage({ ...A.decodeSyncMessage(data as Uint8Array), changes: A.getAllChanges(doc) });
    client.send({ type: "sync", senderId: "bulk-writer", targetId: serverPeerId, documentId, data: withChange });
    const closed = await client.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/refused/);
    expect(server.store.repo.handles[documentId as never]?.isReady() ?? false).toBe(false);
  });

  it("closes the connection of a client growing a festival past the festival bound, and keeps the festival within it", async () => {
    const limit = 48 * 1024;
    const { server, syncUrl } = await serve({ maxFestivalBytes: limit });
    const client = connect(syncUrl);
    expect(await client.opened).toBe(true);
    join(client, "slow-bulk-writer");
    const serverPeerId = await client.serverPeerId;
    const documentId = randomDocumentId();
    let doc = A.init<{ notes: Record<string, A.ImmutableString> }>();
    doc = A.change(doc, (d) => {
      d.notes = {};
    });
    let state = A.initSyncState();
    let sent = 0;
    let closedEarly: { code: number; reason: string } | undefined;
    void client.closed.then((closed) => (closedEarly = closed));
    // each change holds 8 KiB, well within the change and value bounds; together they pass the festival bound
    for (let index = 0; index < 12 && closedEarly === undefined; index++) {
      const previous = A.getHeads(doc);
      doc = A.change(doc, (d) => {
        d.notes[`note-${index}`] = new A.ImmutableString(String(index).padEnd(8 * 1024, "x"));
      });
      const [nextState, data] = A.generateSyncMessage(doc, state);
      state = nextState;
      const changes = index === 0 ? A.getAllChanges(doc) : A.getChanges(A.view(doc, previous), doc);
      const base = data === null ? { heads: A.getHeads(doc), need: [], have: [], changes: [] } : A.decodeSyncMessage(data);
      client.send({ type: "sync", senderId: "slow-bulk-writer", targetId: serverPeerId, documentId, data: A.encodeSyncMessage({ ...base, changes }) });
      sent += 1;
      await pace(30);
    }
    const closed = await client.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/refused/);
    expect(sent).toBeGreaterThan(3);
    expect(sent).toBeLessThan(12);
    const held = server.store.repo.handles[documentId as never];
    const bytes = held?.isReady() ? A.save(held.doc() as A.Doc<unknown>).byteLength : 0;
    expect(bytes).toBeLessThanOrEqual(limit);
  });
});
