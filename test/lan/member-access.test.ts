// Members-only festivals over the LAN: only peers whose proved key is a member get them (nodes and browser-like
// clients alike), a removed member's connections get nothing made after the removal while the others converge, a
// non-member asking by id gets nothing, and a handshake replayed on another connection is refused.
import { governedFestival } from "../../engine/node/governed-festival.js";
import * as A from "@automerge/automerge";
import { cbor, Repo, type DocHandle, type DocumentId } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { startServer, type RunningServer } from "../../apps/server/server.js";
import { ServerConnection } from "../../engine/browser/browser-repo.js";
import { addMember, rekeyFestival, removeMember } from "../../engine/core/membership/manage-members.js";
import { festivalAudience } from "../../engine/core/membership/access.js";
import type { Festival } from "../../engine/core/schema.js";
import { NodeHandshake, type NodeAuthMessage, type NodeHelloMessage } from "../../engine/sync/peer-auth.js";
import { createIdentity, type Identity } from "../../engine/node/identity.js";
import { FestivalStore } from "../../engine/node/store.js";
import { tempDir } from "../helpers/cli.js";
import { waitFor } from "./lan-helpers.js";

const running: RunningServer[] = [];
const repos: Repo[] = [];
afterAll(async () => {
  for (const repo of repos) await repo.shutdown().catch(() => undefined);
  for (const server of running) await server.close();
});

interface Person {
  dataDir: string;
  identity: Identity;
}

async function person(name: string): Promise<Person> {
  const dataDir = await tempDir();
  return { dataDir, identity: await createIdentity(dataDir, name) };
}


/** A private festival of `founder`'s with these editors, at its own key epoch (members only). */
async function membersOnlyFestival(founder: Person, editors: Person[]): Promise<string> {
  const store = await FestivalStore.open(founder.dataDir);
  const { id } = await store.create({ name: "Members Meadow", timeZone: "UTC", startDate: "2027-08-01", endDate: "2027-08-02", visibility: "private" });
  for (const editor of editors) {
    const { editor: edit, context, identity } = await governedFestival(store, id);
    addMember(edit, context, identity, editor.identity.publicKey, "edit");
    await store.commit();
  }
  const { editor, context } = await governedFestival(store, id);
  rekeyFestival(editor, context);
  await store.commit();
  const handle = await store.find(id);
  expect(festivalAudience(handle.doc() as A.Doc<Festival>, id)).toBe("members");
  await store.close();
  return id;
}

async function serve(dataDir: string, peers: RunningServer[] = []): Promise<RunningServer> {
  const server = await startServer({ dataDir, port: 0, peers: peers.map(syncUrl), staticRoot: null });
  running.push(server);
  return server;
}

const syncUrl = (server: RunningServer) => `${server.localUrl.replace("http", "ws")}/sync`;

/** A browser-like client: a repo whose connection to the node proves `identity` (the web app's ServerConnection). */
function browserLike(server: RunningServer, identity?: Identity): { repo: Repo; connection: ServerConnection } {
  const connection = new ServerConnection(syncUrl(server), { identity, backoff: { initialMs: 300, maxMs: 300 } });
  const repo = new Repo({ network: [connection], sharePolicy: async () => true });
  repos.push(repo);
  return { repo, connection };
}

/** A plain automerge-repo client (no proof). */
function plainClient(server: RunningServer): Repo {
  const repo = new Repo({ network: [new WebSocketClientAdapter(syncUrl(server))], sharePolicy: async () => true });
  repos.push(repo);
  return repo;
}

const headsOf = (handle: DocHandle<unknown>) => A.getHeads(handle.doc() as A.Doc<unknown>);
const holdsAll = (handle: DocHandle<unknown> | undefined, heads: string[]) => handle?.isReady() === true && A.hasHeads(handle.doc() as A.Doc<unknown>, heads);
const description = (handle: DocHandle<unknown> | undefined) => (handle?.isReady() ? String((handle.doc() as { description?: unknown }).description ?? "") : undefined);

function changeDescription(handle: DocHandle<unknown>, text: string): void {
  handle.change((doc) => {
    (doc as { description: unknown }).description = new A.ImmutableString(text);
  });
}

describe("members-only festivals", { timeout: 120_000 }, () => {
  it("reach member nodes and member browsers; a removed member's node and browser get nothing made after the removal", async () => {
    const [ada, bo, cy, dee] = await Promise.all(["Ada", "Bo", "Cy", "Dee"].map(person));
    const id = await membersOnlyFestival(ada, [bo, cy, dee]);
    const a = await serve(ada.dataDir);
    const b = await serve(bo.dataDir, [a]);
    const c = await serve(cy.dataDir, [a]);
    // member nodes are offered it unasked, as soon as they proved their keys
    await waitFor("Bo's node to receive the festival", () => b.catalog.get(id)?.visibility === "private");
    await waitFor("Cy's node to receive the festival", () => c.catalog.get(id)?.visibility === "private");

    // browsers of members ask for it by id, after proving their keys
    const boBrowser = browserLike(a, bo.identity);
    const deeBrowser = browserLike(a, dee.identity);
    const onBoBrowser = await boBrowser.repo.find(id as DocumentId);
    const onDeeBrowser = await deeBrowser.repo.find(id as DocumentId);
    expect(boBrowser.connection.status().provedKey).toBe(bo.identity.publicKey);
    expect(String((onDeeBrowser.doc() as { name: unknown }).name)).toBe("Members Meadow");
    // the proved key stays a client's: never a node
    expect(a.registry.list().filter((link) => link.clientKey !== undefined).every((link) => link.role === "client")).toBe(true);

    // everyone converges on a change made before the removal
    const onA = a.store.loadedHandle(id) as DocHandle<unknown>;
    changeDescription(onA, "before the removal");
    const before = headsOf(onA);
    for (const [who, handle] of [["Bo's node", () => b.store.loadedHandle(id)], ["Cy's node", () => c.store.loadedHandle(id)], ["Bo's browser", () => onBoBrowser], ["Dee's browser", () => onDeeBrowser]] as const) {
      await waitFor(`${who} to hold the change before the removal`, () => holdsAll(handle() as DocHandle<unknown> | undefined, before));
    }

    // Ada removes Bo (a new epoch without him), then writes more
    {
      const { editor, context } = await governedFestival(a.store, id);
      removeMember(editor, context, bo.identity.publicKey);
      await a.store.commit();
    }
    changeDescription(onA, "after the removal");
    const after = headsOf(onA);
    // Bo's node and browser keep writing; none of it may enter
    const onB = b.store.loadedHandle(id) as DocHandle<unknown>;
    changeDescription(onB, "Bo's node after the removal");
    changeDescription(onBoBrowser, "Bo's browser after the removal");
    const boHeads = [...headsOf(onB), ...headsOf(onBoBrowser)];

    // the remaining members converge on everything made after the removal
    await waitFor("Cy's node to hold what was made after the removal", () => holdsAll(c.store.loadedHandle(id), after));
    await waitFor("Dee's browser to hold what was made after the removal", () => holdsAll(onDeeBrowser, after));
    // and a later change of Cy's (a member) reaches Ada and Dee: the links are alive and syncing
    const onC = c.store.loadedHandle(id) as DocHandle<unknown>;
    changeDescription(onC, "Cy after the removal");
    const cyHeads = headsOf(onC);
    await waitFor("Ada to hold Cy's later change", () => holdsAll(onA, cyHeads));
    await waitFor("Dee's browser to hold Cy's later change", () => holdsAll(onDeeBrowser, cyHeads));

    // Bo's node and browser, still connected, got nothing made after the removal
    expect(b.registry.list().some((link) => link.direction === "outbound" && link.state === "connected" && link.nodeKey === ada.identity.publicKey)).toBe(true);
    expect(boBrowser.connection.status().state).toBe("online");
    for (const handle of [onB, onBoBrowser]) {
      expect(A.hasHeads(handle.doc() as A.Doc<unknown>, after)).toBe(false);
      expect(A.hasHeads(handle.doc() as A.Doc<unknown>, cyHeads)).toBe(false);
      expect(["after the removal", "Cy after the removal"]).not.toContain(description(handle));
    }
    // and nothing Bo wrote after it reached Ada, Cy or Dee
    for (const handle of [onA, onC, onDeeBrowser]) {
      for (const head of boHeads) expect(A.hasHeads(handle.doc() as A.Doc<unknown>, [head])).toBe(false);
    }
  });

  it("gives a non-member asking by id nothing: a plain client, a client proving another key, a node of a non-member", async () => {
    const [ada, bo, mallory] = await Promise.all(["Ada", "Bo", "Mallory"].map(person));
    const id = await membersOnlyFestival(ada, [bo]);
    const a = await serve(ada.dataDir);
    const m = await serve(mallory.dataDir, [a]);
    await waitFor("Mallory's node to be linked to Ada's", () => m.registry.list().some((link) => link.direction === "outbound" && link.nodeKey !== undefined));

    const outcome = (repo: Repo) => repo.find(id as DocumentId).then(() => "found", () => "unavailable");
    expect(await outcome(plainClient(a)), "a plain client that knows the id").toBe("unavailable");
    const malloryBrowser = browserLike(a, mallory.identity);
    expect(await outcome(malloryBrowser.repo), "a client that proved a non-member's key").toBe("unavailable");
    expect(malloryBrowser.connection.status().provedKey).toBe(mallory.identity.publicKey);
    // Mallory's own node, asked by its client, asks Ada's node, which gives a non-member node nothing either
    expect(await outcome(plainClient(m)), "a non-member's node").toBe("unavailable");
    expect(m.catalog.get(id)).toBeUndefined();
    expect(m.store.loadedHandle(id)).toBeUndefined();

    // a member's browser gets it from the same node
    const boBrowser = browserLike(a, bo.identity);
    expect(await outcome(boBrowser.repo)).toBe("found");
  });

  it("refuses a client's handshake replayed on another connection", async () => {
    const [ada, bo] = await Promise.all(["Ada", "Bo"].map(person));
    const id = await membersOnlyFestival(ada, [bo]);
    const a = await serve(ada.dataDir);

    // the first connection: Bo's client proves his key and gets the festival
    const first = await RawClient.open(a, "bo-tab");
    const handshake = new NodeHandshake(bo.identity, "initiator", "bo-tab", first.serverPeerId, "client");
    first.send(handshake.hello());
    const serverHello = (await first.next("pandafest-hello")) as unknown as NodeHelloMessage;
    const auth = handshake.receiveHello(serverHello) as NodeAuthMessage;
    first.send(auth);
    expect(handshake.receiveAuth((await first.next("pandafest-auth")) as unknown as NodeAuthMessage)).toBeUndefined();
    await waitFor("Ada's node to record Bo's key", () => a.registry.list().some((link) => link.clientKey === bo.identity.publicKey));

    // the second connection replays Bo's hello and signature: the node's nonce differs, the signature does not verify
    const second = await RawClient.open(a, "bo-tab-2");
    second.send({ ...handshake.hello(), senderId: "bo-tab-2", targetId: second.serverPeerId });
    await second.next("pandafest-auth");
    second.send({ ...auth, senderId: "bo-tab-2", targetId: second.serverPeerId });
    const closed = await second.whenClosed();
    expect(closed.reason).toMatch(/does not verify/);
    expect(a.registry.list().filter((link) => link.clientKey === bo.identity.publicKey)).toHaveLength(1);

    // and a client that never proved anything asking by id is answered as if the festival were unavailable
    const third = await RawClient.open(a, "nobody");
    third.send({ type: "request", senderId: "nobody", targetId: third.serverPeerId, documentId: id, data: A.generateSyncMessage(A.init(), A.initSyncState())[1] as Uint8Array });
    expect((await third.next("doc-unavailable")).documentId).toBe(id);
    first.close();
    third.close();
  });
});

interface RawMessage {
  type: string;
  senderId?: string;
  targetId?: string;
  documentId?: string;
}

/** A hand-written /sync client: joins, then sends and awaits raw protocol messages. */
class RawClient {
  private readonly received: RawMessage[] = [];
  private readonly waiters = new Set<() => void>();
  private closedWith: { code: number; reason: string } | undefined;
  serverPeerId = "";

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data: Buffer) => {
      this.received.push(cbor.decode(new Uint8Array(data)) as RawMessage);
      for (const waiter of [...this.waiters]) waiter();
    });
    socket.on("close", (code, reason) => {
      this.closedWith = { code, reason: reason.toString() };
      for (const waiter of [...this.waiters]) waiter();
    });
  }

  static async open(server: RunningServer, peerId: string): Promise<RawClient> {
    const socket = new WebSocket(syncUrl(server));
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    const client = new RawClient(socket);
    client.send({ type: "join", senderId: peerId, peerMetadata: { isEphemeral: true }, supportedProtocolVersions: ["1"] });
    client.serverPeerId = (await client.next("peer")).senderId as string;
    return client;
  }

  send(message: object): void {
    this.socket.send(cbor.encode(message));
  }

  /** The first message of this type received (and not yet taken). */
  next(type: string): Promise<RawMessage> {
    return this.until(() => {
      const index = this.received.findIndex((message) => message.type === type);
      return index < 0 ? undefined : this.received.splice(index, 1)[0];
    }, `a ${type} message`);
  }

  whenClosed(): Promise<{ code: number; reason: string }> {
    return this.until(() => this.closedWith, "the connection to close");
  }

  close(): void {
    this.socket.close();
  }

  private until<T>(probe: () => T | undefined, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = probe();
        if (value === undefined) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}`));
      }, 15_000);
      this.waiters.add(check);
      check();
    });
  }
}
