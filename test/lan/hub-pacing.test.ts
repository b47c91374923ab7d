// The hub relay's pacing and acknowledgements through its public interface: a client that has not answered changes
// gets no more until it answers (or the wait runs out), and a plain answer is taken without Automerge's receive.
import * as A from "@automerge/automerge";
import { Repo, type DocumentId } from "@automerge/automerge-repo";
import { afterEach, describe, expect, it } from "vitest";
import { SyncHub, type HubOutgoingMessage } from "../../apps/server/sync-hub.js";
import type { SyncProtocolMessage } from "../../apps/server/sync-messages.js";
import { waitFor } from "./lan-helpers.js";

type Festival = { title: string; count: number };

/** A client of the hub that keeps its own replica and answers only when told to. */
class Client {
  readonly peerId = `client-${Math.random().toString(36).slice(2)}`;
  doc: A.Doc<Festival>;
  state = A.initSyncState();
  readonly inbox: Uint8Array[] = [];

  constructor(
    private readonly hub: SyncHub,
    private readonly documentId: string,
    copy: Uint8Array,
  ) {
    this.doc = A.load<Festival>(copy);
  }

  deliver(message: HubOutgoingMessage): void {
    if (message.type === "sync") this.inbox.push(message.data);
  }

  /** Takes in what arrived and answers it, as automerge-repo does. */
  answer(): void {
    for (const data of this.inbox.splice(0)) [this.doc, this.state] = A.receiveSyncMessage(this.doc, this.state, data);
    this.speak();
  }

  speak(): void {
    const [state, data] = A.generateSyncMessage(this.doc, this.state);
    this.state = state;
    if (!data) return;
    const message = { type: "sync", senderId: this.peerId, targetId: "server", documentId: this.documentId, data } as unknown as SyncProtocolMessage;
    if (!this.hub.claim(message)) throw new Error("the hub did not take the client's message");
  }
}

const hubs: SyncHub[] = [];
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.close();
});

function setUp(answerWaitMs: number) {
  const repo = new Repo({ network: [] });
  const handle = repo.create<Festival>({ title: "start", count: 0 });
  const clients = new Map<string, Client>();
  const hub = new SyncHub({
    repo,
    roundMs: 5,
    answerWaitMs,
    send: (peerId, message) => {
      clients.get(peerId)?.deliver(message);
      return clients.has(peerId);
    },
    refuse: (peerId, reason) => {
      throw new Error(`refused ${peerId}: ${reason}`);
    },
  });
  hubs.push(hub);
  const connect = () => {
    const client = new Client(hub, handle.documentId, A.save(handle.doc()));
    clients.set(client.peerId, client);
    return client;
  };
  return { hub, handle, connect, documentId: handle.documentId as DocumentId };
}

/** A client that has exchanged the first messages with the hub and holds what it holds. */
async function connectedAndInSync(connect: () => Client): Promise<Client> {
  const client = connect();
  client.speak();
  await waitFor("the hub's first answer", () => client.inbox.length > 0);
  client.answer();
  await new Promise((resolve) => setTimeout(resolve, 50));
  client.answer();
  return client;
}

describe("the hub relay", () => {
  it("sends a client nothing more until it answers the changes it was sent, then all it lacks at once", async () => {
    const { hub, handle, connect } = setUp(60_000);
    const client = await connectedAndInSync(connect);

    handle.change((doc) => (doc.count = 1));
    await waitFor("the first change to be sent", () => client.inbox.length > 0);
    const sentBefore = client.inbox.length;
    // the client does not answer; two more changes are made on the server
    handle.change((doc) => (doc.count = 2));
    await new Promise((resolve) => setTimeout(resolve, 50));
    handle.change((doc) => (doc.title = "later"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.inbox.length).toBe(sentBefore);

    const plainBefore = hub.stats.plainAcknowledgements;
    client.answer(); // takes in count = 1 and acknowledges exactly it
    await waitFor("the rest to be sent after the answer", () => client.inbox.length > 0);
    expect(hub.stats.plainAcknowledgements).toBe(plainBefore + 1);
    client.answer();
    expect(client.doc).toEqual({ title: "later", count: 2 });
  });

  it("sends anyway when a client has not answered within the wait", async () => {
    const { handle, connect } = setUp(300);
    const client = await connectedAndInSync(connect);
    handle.change((doc) => (doc.count = 1));
    await waitFor("the first change to be sent", () => client.inbox.length > 0);
    const sentBefore = client.inbox.length;
    handle.change((doc) => (doc.count = 2));
    await waitFor("the wait to run out and the second change to be sent", () => client.inbox.length > sentBefore, 5000);
    client.answer();
    expect(client.doc.count).toBe(2);
  });

  it("keeps sending to a client that answers, and converges with one that edits too", async () => {
    const { hub, handle, connect } = setUp(60_000);
    const [reader, editor] = [connect(), connect()];
    reader.speak();
    editor.speak();
    for (let step = 1; step <= 20; step++) {
      handle.change((doc) => (doc.count = step));
      if (step % 4 === 0) {
        editor.doc = A.change(editor.doc, (doc) => (doc.title = `edit ${step}`));
        editor.speak();
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
      reader.answer();
      editor.answer();
    }
    await waitFor("everyone to agree", () => {
      reader.answer();
      editor.answer();
      const heads = A.getHeads(handle.doc()).join();
      return A.getHeads(reader.doc).join() === heads && A.getHeads(editor.doc).join() === heads;
    });
    expect(reader.doc).toEqual({ title: "edit 20", count: 20 });
    expect(hub.stats.plainAcknowledgements).toBeGreaterThan(5);
    expect(hub.stats.receivedMessages).toBeGreaterThan(0);
  });
});
