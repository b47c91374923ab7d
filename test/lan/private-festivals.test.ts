// Sharing: public festivals are announced to peer nodes and listed; a private festival at epoch 0 (made before member
// keys) reaches only someone who asks for its exact id. Guessing ids, the directory, /api/status and mDNS reveal nothing.
import * as A from "@automerge/automerge";
import { Repo, type DocHandle, type DocumentId } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import fs from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { discoveryKey } from "../../bundles/format/discovery.js";
import type { Announcement, MdnsBackend } from "../../apps/server/mdns.js";
import { startServer, type RunningServer } from "../../apps/server/server.js";
import { FestivalStore } from "../../engine/node/store.js";
import { cliJson, tempDir } from "../helpers/cli.js";
import { epochZeroPrivateFestival, waitFor } from "./lan-helpers.js";

const running: RunningServer[] = [];
afterAll(async () => {
  for (const server of running) await server.close();
});

/** A guessed id: as valid-looking as a real one, and (with overwhelming probability) nobody's festival. */
function guessId(): DocumentId {
  const handleRepo = new Repo({ network: [] });
  const id = handleRepo.create().documentId;
  void handleRepo.shutdown();
  return id;
}

describe("private festivals", () => {
  it("go only to a peer that asks for the exact id", async () => {
    const dirA = await tempDir();
    await cliJson(dirA, ["init", "--name", "Ana"]);
    const store = await FestivalStore.open(dirA);
    const open = await store.create({ name: "Open Air", timeZone: "UTC", startDate: "2027-08-01", endDate: "2027-08-02", visibility: "public" });
    const secret = await epochZeroPrivateFestival(store, { name: "Secret Garden", timeZone: "UTC", startDate: "2027-08-01", endDate: "2027-08-02" }, { mode: "open" });
    await store.close();

    const announcements: Announcement[] = [];
    const recordingBackend = (): MdnsBackend => ({
      publish: (announcement) => {
        announcements.push(announcement);
        return { stop: () => undefined };
      },
      find: () => ({ stop: () => undefined }),
      destroy: () => undefined,
    });
    const a = await startServer({ dataDir: dirA, port: 0, host: "127.0.0.1", lan: true, mdnsBackend: recordingBackend, staticRoot: null });
    running.push(a);
    const dirB = await tempDir();
    const b = await startServer({ dataDir: dirB, port: 0, peers: [`${a.localUrl.replace("http", "ws")}/sync`], staticRoot: null });
    running.push(b);

    // the public festival is announced to the peer node and arrives on its own
    await waitFor("the public festival to reach B", () => b.catalog.get(open.id)?.name === "Open Air");

    // a public festival made on A afterwards (on A's store, then listed as after a command) reaches B too: by then
    // anything A announced when B connected has arrived
    const indexed = await a.catalog.indexedIds();
    const later = await a.store.create({ name: "Later Fair", timeZone: "UTC", startDate: "2027-09-01", endDate: "2027-09-02", visibility: "public" });
    await a.catalog.catchUpWithIndex(indexed);
    await waitFor("the later public festival to reach B", () => b.catalog.get(later.id)?.name === "Later Fair");

    // the private one does not: not announced, not listed, not in any status, not in the mDNS announcement
    expect(b.catalog.get(secret.id)).toBeUndefined();
    expect(b.store.repo.handles[secret.id as DocumentId]).toBeUndefined();
    for (const server of [a, b]) {
      for (const path of ["/api/festivals", "/api/status", "/"]) {
        const text = await (await fetch(`${server.localUrl}${path}`)).text();
        expect(text).not.toContain(secret.id);
        expect(text).not.toContain("Secret Garden");
      }
    }
    expect(announcements.length).toBeGreaterThan(0);
    const announced = JSON.stringify(announcements);
    expect(announced).not.toContain(secret.id);
    expect(announced).not.toContain(open.id);
    expect(announced).not.toContain(discoveryKey(secret.id));
    expect(announced).toContain(discoveryKey(open.id));
    // nothing of it was written to B's disk either
    const storedOnB = JSON.stringify(await fs.readdir(dirB, { recursive: true }));
    expect(storedOnB).not.toContain(secret.id);

    // a client guessing ids gets nothing, and learns nothing of the private festival
    const guesser = new Repo({ network: [new WebSocketClientAdapter(`${a.localUrl.replace("http", "ws")}/sync`)], sharePolicy: async () => true });
    const guesses = Array.from({ length: 20 }, guessId);
    const outcomes = await Promise.all(guesses.map((id) => guesser.find(id).then(() => "found", () => "unavailable")));
    expect(outcomes).toEqual(guesses.map(() => "unavailable"));
    // (they really were asked for: the server saw a request for every guess)
    expect(a.registry.list().some((link) => guesses.every((id) => link.lastSyncOf(id) !== undefined))).toBe(true);
    expect(Object.keys(guesser.handles)).not.toContain(secret.id);
    await guesser.shutdown().catch(() => undefined); // unavailable handles make upstream's flush throw; nothing to save here

    // asking for the exact id is the capability: the festival comes whole
    const friend = new Repo({ network: [new WebSocketClientAdapter(`${a.localUrl.replace("http", "ws")}/sync`)], sharePolicy: async () => true });
    const handle = await friend.find<{ name: unknown; visibility: unknown }>(secret.id as DocumentId);
    expect(String(handle.doc().name)).toBe("Secret Garden");
    expect(String(handle.doc().visibility)).toBe("private");
    await friend.shutdown();

    // B still knows nothing of it
    expect(b.catalog.get(secret.id)).toBeUndefined();
  });

  it("syncs between nodes that both hold it (after one asked for it by id), and never reaches a node that does not", async () => {
    const dirA = await tempDir();
    await cliJson(dirA, ["init", "--name", "Ana"]);
    const store = await FestivalStore.open(dirA);
    const secret = await epochZeroPrivateFestival(store, { name: "Hidden Meadow", timeZone: "UTC", startDate: "2027-08-01", endDate: "2027-08-02" }, { mode: "open" });
    await store.close();
    const dirB = await tempDir();
    const dirC = await tempDir();
    const syncUrl = (server: RunningServer) => `${server.localUrl.replace("http", "ws")}/sync`;
    const start = async (dataDir: string, peers: string[] = []) => {
      const server = await startServer({ dataDir, port: 0, peers, staticRoot: null });
      running.push(server);
      return server;
    };

    let a = await start(dirA);
    let b = await start(dirB, [syncUrl(a)]);
    const c = await start(dirC, [syncUrl(a)]);
    const linked = (server: RunningServer) => server.registry.list().some((link) => link.direction === "outbound" && link.state === "connected");
    await waitFor("B and C to be connected to A", () => linked(b) && linked(c));
    // someone at B knows the id and asks B for it; B does not hold it, so B asks its peer nodes
    const asker = new Repo({ network: [new WebSocketClientAdapter(syncUrl(b))], sharePolicy: async () => true });
    const asked = await asker.find<{ name: unknown }>(secret.id as DocumentId);
    expect(String(asked.doc().name)).toBe("Hidden Meadow");
    await asker.shutdown();
    await waitFor("B to follow the private festival", () => b.catalog.get(secret.id)?.visibility === "private");

    // both restart (nobody asks any more): A and B prove to each other that they hold it, and keep it in sync
    await b.close();
    await a.close();
    a = await start(dirA);
    b = await start(dirB, [syncUrl(a)]);
    await waitFor("B to be connected to A again", () => linked(b));
    const onA = a.store.repo.handles[secret.id as DocumentId] as DocHandle<{ description: unknown }>;
    onA.change((doc) => {
      doc.description = new A.ImmutableString("moved to the lower field");
    });
    await waitFor("B to receive A's edit to the private festival", () => b.catalog.get(secret.id)?.description === "moved to the lower field");

    // C, connected to A all along, never saw it
    expect(c.catalog.get(secret.id)).toBeUndefined();
    expect(c.store.repo.handles[secret.id as DocumentId]).toBeUndefined();
  });
  it("treats a visibility it does not know (a newer or faulty peer's) as private: not indexed as public, not listed", async () => {
    const dirA = await tempDir();
    await cliJson(dirA, ["init", "--name", "Ana"]);
    const store = await FestivalStore.open(dirA);
    const festival = await store.create({ name: "Odd Fest", timeZone: "UTC", startDate: "2027-08-01", endDate: "2027-08-02", visibility: "public" });
    const { editor } = await store.editorFor(festival.id);
    editor.change((doc) => {
      (doc as unknown as { visibility: A.ImmutableString }).visibility = new A.ImmutableString("unlisted");
    }, "as a newer peer would");
    await store.close();
    const reopened = await FestivalStore.open(dirA);
    expect((await reopened.index.read(festival.id))?.visibility).toBe("private");
    expect((await reopened.readView(festival.id)).view.visibility).toBe("private");
    await reopened.close();

    const a = await startServer({ dataDir: dirA, port: 0, staticRoot: null });
    running.push(a);
    expect(a.catalog.get(festival.id)?.visibility).toBe("private");
    const listed = await (await fetch(`${a.localUrl}/api/festivals`)).text();
    expect(listed).not.toContain(festival.id);
    expect(listed).not.toContain("Odd Fest");
  });
});
