// The hub relay keeps a client's sync state across reconnections: a real server, real repos with storage on disk,
// and what crosses the socket. Stale or unreadable stored states still converge; ephemeral clients leave nothing.
import * as A from "@automerge/automerge";
import { Repo, type Chunk, type DocHandle, type DocumentId, type StorageAdapterInterface, type StorageId, type StorageKey } from "@automerge/automerge-repo";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { afterAll, describe, expect, it } from "vitest";
import { HubSyncStates, persistentStorageId } from "../../engine/internals/node/hub-sync-states.js";
import { PeerClientAdapter } from "../../apps/server/peer-client.js";
import { startServer, type RunningServer } from "../../apps/server/server.js";
import { wasmSyncStateCodec, wasmSyncStateFactory } from "../../engine/internals/node/wasm-sync-state.js";
import { FestivalStore } from "../../engine/node/store.js";
import { cliJson, tempDir } from "../helpers/cli.js";
import { waitFor } from "./lan-helpers.js";

const running: RunningServer[] = [];
afterAll(async () => {
  for (const server of running) await server.close();
});

type Festival = Record<string, unknown>;

async function serverWithFestival(edits: number): Promise<{ server: RunningServer; syncUrl: string; id: string; dataDir: string }> {
  const dataDir = await tempDir();
  await cliJson(dataDir, ["init", "--name", "Ana"]);
  const store = await FestivalStore.open(dataDir);
  const { id, handle } = await store.create({ name: "Open Air", timeZone: "UTC", startDate: "2027-08-01", endDate: "2027-08-02", visibility: "public" });
  for (let index = 0; index < edits; index++) handle.change((doc) => ((doc as unknown as Festival).description = new A.ImmutableString(`draft ${index}`)));
  await store.close();
  const server = await startServer({ dataDir, port: 0, host: "127.0.0.1", staticRoot: null });
  running.push(server);
  return { server, syncUrl: `${server.localUrl.replace("http", "ws")}/sync`, id, dataDir };
}

/** A repo with its storage in a directory, connected to the server; counts the sync bytes it receives. */
class StoredClient {
  received = 0;
  readonly repo: Repo;

  constructor(readonly directory: string, syncUrl: string, introduceAs?: "ephemeral-client") {
    const adapter = new PeerClientAdapter({
      url: syncUrl,
      introduceAs,
      reconnect: false,
      onMessage: (message) => {
        if (message.type === "sync" && "data" in message && message.data instanceof Uint8Array) this.received += message.data.byteLength;
      },
    });
    this.repo = new Repo({ storage: new NodeFSStorageAdapter(directory), network: [adapter], sharePolicy: async () => true });
  }

  /** Opens the festival and waits until it has the server's heads. */
  async catchUp(id: string, server: RunningServer): Promise<DocHandle<Festival>> {
    const handle = await this.repo.find<Festival>(id as DocumentId);
    await waitFor("the client to hold the server's heads", () => sameHeads(handle.doc(), served(server, id).doc()), 20_000);
    return handle;
  }

  /** Waits until the repo has stored its sync state with the server at the heads it holds (it saves it throttled), then shuts down. */
  async close(): Promise<void> {
    const storage = new NodeFSStorageAdapter(this.directory);
    for (const [documentId, handle] of Object.entries(this.repo.handles)) {
      if (!handle.isReady()) continue;
      const heads = [...A.getHeads(handle.doc())].sort().join();
      await waitFor("the client to store its sync state with the server", async () => {
        const states = await storage.loadRange([documentId, "sync-state"]);
        return states.some((chunk) => chunk.data !== undefined && [...A.decodeSyncState(chunk.data).sharedHeads].sort().join() === heads);
      });
    }
    await this.repo.shutdown();
  }
}

function served(server: RunningServer, id: string): DocHandle<Festival> {
  return server.store.repo.handles[id as DocumentId] as DocHandle<Festival>;
}

function sameHeads(a: A.Doc<unknown>, b: A.Doc<unknown>): boolean {
  return [...A.getHeads(a)].sort().join() === [...A.getHeads(b)].sort().join();
}

async function storedSharedHeads(server: RunningServer, id: string, storageId: string): Promise<string | undefined> {
  const bytes = await server.store.storage.load([id, "sync-state", storageId]);
  return bytes ? [...A.decodeSyncState(bytes).sharedHeads].sort().join() : undefined;
}

async function storedSyncStateIds(server: RunningServer, id: string): Promise<string[]> {
  return (await server.store.storage.loadRange([id, "sync-state"])).map((chunk) => chunk.key[2] ?? "").sort();
}

async function editOffline(directory: string, id: string, who: string): Promise<void> {
  const repo = new Repo({ storage: new NodeFSStorageAdapter(directory), network: [] });
  const handle = await repo.find<Festival>(id as DocumentId);
  handle.change((doc) => (doc[`offline_${who}`] = new A.ImmutableString("written offline")));
  await repo.shutdown();
}

/**
 * The storage id the client repos on `directory` will use, written before any repo opens it: a repo asks its
 * storage for its id from two places at start, and when none is stored each may make and save its own (the last
 * save wins), so an id read from a first repo may not be the one a later repo finds.
 */
async function storageIdOf(directory: string): Promise<string> {
  const adapter = new NodeFSStorageAdapter(directory);
  const stored = await adapter.load(["storage-adapter-id"]);
  if (stored) return new TextDecoder().decode(stored);
  const storageId = crypto.randomUUID();
  await adapter.save(["storage-adapter-id"], new TextEncoder().encode(storageId));
  return storageId;
}

describe("the hub relay's stored sync states", () => {
  it("let a client with storage reconnect from the heads it shares with the server, with less traffic than a fresh state", async () => {
    const { server, syncUrl, id } = await serverWithFestival(1000);
    const [keptDir, ephemeralDir] = [await tempDir(), await tempDir()];
    const keptStorageId = await storageIdOf(keptDir);

    const kept = new StoredClient(keptDir, syncUrl);
    await kept.catchUp(id, server);
    const serverHeads = () => [...A.getHeads(served(server, id).doc())].sort().join();
    await waitFor("the server to store the client's sync state while connected", async () => (await storedSharedHeads(server, id, keptStorageId)) === serverHeads(), 45_000);
    await kept.close();
    const ephemeral = new StoredClient(ephemeralDir, syncUrl, "ephemeral-client");
    await ephemeral.catchUp(id, server);
    await ephemeral.close();
    const firstSync = { kept: kept.received, ephemeral: ephemeral.received };

    // while they are away the festival moves on at the server, and each client edits its own copy offline (a
    // client that is only behind is caught up from its heads even by a fresh state; one with news of its own is not)
    served(server, id).change((doc) => (doc.description = new A.ImmutableString("final programme")));
    await Promise.all([editOffline(keptDir, id, "kept"), editOffline(ephemeralDir, id, "ephemeral")]);
    // the ephemeral client first: the kept one then also receives its edit, which only works against the kept one
    const ephemeralAgain = new StoredClient(ephemeralDir, syncUrl, "ephemeral-client");
    await ephemeralAgain.catchUp(id, server);
    await ephemeralAgain.close();
    const keptAgain = new StoredClient(keptDir, syncUrl);
    const handle = await keptAgain.catchUp(id, server);
    expect(String(handle.doc().description)).toBe("final programme");
    expect(String(handle.doc().offline_ephemeral)).toBe("written offline");
    expect(String(served(server, id).doc().offline_kept)).toBe("written offline");

    // the same reconnection (with the client's own stored state in both) differs in the server's state: a fresh one
    // makes the server send a filter over the whole history
    expect(keptAgain.received).toBeLessThan(ephemeralAgain.received / 2);
    expect(ephemeralAgain.received).toBeLessThan(firstSync.ephemeral);
    await waitFor("the stored state to move on to the new heads", async () => (await storedSharedHeads(server, id, keptStorageId)) === serverHeads());
    expect(await storedSyncStateIds(server, id)).toEqual([keptStorageId]);
    await keptAgain.close();
  }, 60_000);

  it("converge from a stored state that is stale, unreadable, or ahead of what the client still has", async () => {
    const { server, syncUrl, id } = await serverWithFestival(50);
    const [staleDir, garbageDir, lostDir] = [await tempDir(), await tempDir(), await tempDir()];
    const [staleId, garbageId] = [await storageIdOf(staleDir), await storageIdOf(garbageDir)];
    // shared heads the server never had, and bytes that are no sync state at all
    const foreignHeads = A.getHeads(A.change(A.init<Festival>(), (doc) => (doc.elsewhere = true)));
    await server.store.storage.save([id, "sync-state", staleId], A.encodeSyncState({ ...A.initSyncState(), sharedHeads: foreignHeads }));
    await server.store.storage.save([id, "sync-state", garbageId], new Uint8Array([0x43, 0x01, 0x02, 0x03]));

    const stale = new StoredClient(staleDir, syncUrl);
    const garbage = new StoredClient(garbageDir, syncUrl);
    const [staleHandle, garbageHandle] = await Promise.all([stale.catchUp(id, server), garbage.catchUp(id, server)]);
    staleHandle.change((doc) => (doc.description = new A.ImmutableString("from the stale client")));
    await waitFor("the stale client's edit to reach the server", () => String(served(server, id).doc().description) === "from the stale client");
    await waitFor("the other client to receive it", () => String(garbageHandle.doc().description) === "from the stale client");
    const serverHeads = [...A.getHeads(served(server, id).doc())].sort().join();
    await waitFor("both stored states to be replaced by real ones", async () =>
      (await storedSharedHeads(server, id, staleId)) === serverHeads && (await storedSharedHeads(server, id, garbageId)) === serverHeads);
    await Promise.all([stale.close(), garbage.close()]);

    // a client that lost its copy but kept its storage id: the server's state says it has everything
    const lostStorageId = await new NodeFSStorageAdapter(staleDir).load(["storage-adapter-id"]);
    if (!lostStorageId) throw new Error("the client stored no storage id");
    await new NodeFSStorageAdapter(lostDir).save(["storage-adapter-id"], lostStorageId);
    const lost = new StoredClient(lostDir, syncUrl);
    expect(await storageIdOf(lostDir)).toBe(staleId);
    const lostHandle = await lost.catchUp(id, server);
    expect(String(lostHandle.doc().description)).toBe("from the stale client");
    await lost.close();
  }, 60_000);

  it("leave nothing stored for ephemeral clients, and no more states per festival than the cap", async () => {
    const { server, syncUrl, id, dataDir } = await serverWithFestival(5);
    const clients = [new StoredClient(await tempDir(), syncUrl, "ephemeral-client"), new StoredClient(await tempDir(), syncUrl, "ephemeral-client")];
    await Promise.all(clients.map((client) => client.catchUp(id, server)));
    served(server, id).change((doc) => (doc.description = new A.ImmutableString("seen by both")));
    await Promise.all(clients.map((client) => client.catchUp(id, server)));
    await Promise.all(clients.map((client) => client.close()));
    // closing the server saves every sync state it keeps: after that, what is stored is all there will be
    running.splice(running.indexOf(server), 1);
    await server.close();
    const reopened = await FestivalStore.open(dataDir);
    try {
      expect((await reopened.storage.loadRange([id, "sync-state"])).map((chunk) => chunk.key[2])).toEqual([]);
    } finally {
      await reopened.close();
    }

    // what a client says about itself decides nothing beyond its own state, and only in a safe shape
    const uuid = "3b0c2ad2-8f0e-4c8e-9d3a-0a6a3c2f6b11" as StorageId;
    expect(persistentStorageId({ storageId: uuid })).toBe(uuid);
    expect(persistentStorageId({ storageId: uuid, isEphemeral: true })).toBeUndefined();
    for (const storageId of ["../../escape", ".hidden", "a/b", "x".repeat(65), ""]) expect(persistentStorageId({ storageId: storageId as StorageId })).toBeUndefined();

    const codec = wasmSyncStateCodec();
    const newState = wasmSyncStateFactory();
    if (!codec || !newState) throw new Error("no wasm sync states");
    const storage = new MemoryStorage();
    await storage.save(["doc-a", "sync-state", "earlier"], codec.encode(newState()));
    const states = new HubSyncStates({ storage, codec, maxPerDocument: 3, saveIntervalMs: 0 });
    for (const storageId of ["earlier", "one", "two", "three"]) {
      for (const documentId of ["doc-a", "doc-b"]) {
        const pair = states.pair(documentId, storageId);
        const state = (await pair.load()) ?? newState();
        expect(Array.isArray(state.sharedHeads)).toBe(true);
        pair.changed(state);
        pair.release(true);
        state.free();
      }
    }
    await states.flush();
    expect(storage.keysUnder(["doc-a", "sync-state"])).toEqual(["earlier", "one", "two"]);
    expect(storage.keysUnder(["doc-b", "sync-state"])).toEqual(["earlier", "one", "two"]);
  }, 60_000);
});

/** Storage in memory, for the cap: nothing but what the hub's states write. */
class MemoryStorage implements StorageAdapterInterface {
  private readonly entries = new Map<string, Chunk>();

  async load(key: StorageKey): Promise<Uint8Array | undefined> {
    return this.entries.get(key.join("/"))?.data;
  }

  async save(key: StorageKey, data: Uint8Array): Promise<void> {
    this.entries.set(key.join("/"), { key, data });
  }

  async remove(key: StorageKey): Promise<void> {
    this.entries.delete(key.join("/"));
  }

  async loadRange(prefix: StorageKey): Promise<Chunk[]> {
    return [...this.entries.values()].filter((chunk) => prefix.every((part, index) => chunk.key[index] === part));
  }

  async removeRange(prefix: StorageKey): Promise<void> {
    for (const chunk of await this.loadRange(prefix)) this.entries.delete(chunk.key.join("/"));
  }

  keysUnder(prefix: StorageKey): string[] {
    return [...this.entries.values()].filter((chunk) => prefix.every((part, index) => chunk.key[index] === part)).map((chunk) => chunk.key[prefix.length] ?? "").sort();
  }
}
