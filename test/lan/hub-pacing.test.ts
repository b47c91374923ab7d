// The hub relay's pacing and acknowledgements through its public interface: a client that has not answered changes
// gets no more until it answers (or the wait runs out), and a plain answer is taken without Automerge's receive.
import * as A from "@automerge/automerge";
import { Repo, type DocumentId } from "@automerge/automerge-repo";
import { afterEach, describe, expect, it } from "vitest";
import { SyncHub, type HubOutgoingMessage } from "../../apps/server/sync-hub.js";
import type { SyncProtocolMessage } from "../../apps/server/sync-messages.js";
import { waitFor } from "./lan-helpers.js";
import { pace } from "../helpers/pace.js";

type Festival = { title: string; count: number };

/**
 * A client of the hub that keeps its own replica and answers only when told to. It starts empty and takes the
 * document from the hub, so the bloom filter it last sent covers no change: the hub can't take a new change for one
 * the client has (a false positive, about 1 in 100 otherwise, which a real client mends by asking, and which would
 * leave a client that does not answer without the change).
 */
class Client {
  readonly peerId = `client-${Math.random().toString(36).slice(2)}`;
  doc = A.init<Festival>();
  state = A.initSyncState();
  readonly inbox: Uint8Array[] = [];

  constructor(
    private readonly hub: SyncHub,
    private readonly documentId: string,
  ) {}

  deliver(message: HubOutgoingMessage): void {
    if (message.type === "sync") this.inbox.push(message.data);
  }

  /** Messages waiting for the client that carry changes. */
  changesWaiting(): number {
    return this.inbox.filter((data) => A.decodeSyncMessage(data).changes.length > 0).length;
  }

  /** Takes in what arrived and answers it, as automerge-repo does; true when it sent an answer. */
  answer(): boolean {
    for (const data of this.inbox.splice(0)) [this.doc, this.state] = A.receiveSyncMessage(this.doc, this.state, data);
    return this.speak();
  }

  /** Sends what the client has to say, if anything; true when it sent. */
  speak(): boolean {
    const [state, data] = A.generateSyncMessage(this.doc, this.state);
    this.state = state;
    if (!data) return false;
    const message = { type: "sync", senderId: this.peerId, targetId: "server", documentId: this.documentId, data } as unknown as SyncProtocolMessage;
    if (!this.hub.claim(message)) throw new Error("the hub did not take the client's message");
    return true;
  }
}

/** Messages the hub has taken in, either way. Its answer to one is sent in the same round, so it is here once this moves. */
function takenIn(hub: SyncHub): number {
  const { plainAcknowledgements, receivedMessages } = hub.stats;
  return plainAcknowledgements + receivedMessages;
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
    const client = new Client(hub, handle.documentId);
    clients.set(client.peerId, client);
    return client;
  };
  return { hub, handle, connect, documentId: handle.documentId as DocumentId };
}

/** The client answers what it was sent, and what comes back, until neither it nor the hub has anything more to say. */
async function settle(hub: SyncHub, client: Client): Promise<void> {
  for (let exchange = 0; client.inbox.length > 0; exchange++) {
    if (exchange === 10) throw new Error("the client and the hub did not settle in 10 exchanges");
    const before = takenIn(hub);
    if (!client.answer()) break;
    await waitFor("the hub to take in the client's answer", () => takenIn(hub) > before);
  }
}

/** A client that has exchanged the first messages with the hub until neither has anything more to say. */
async function connectedAndInSync(hub: SyncHub, connect: () => Client): Promise<Client> {
  const client = connect();
  client.speak();
  await waitFor("the hub's first answer", () => client.inbox.length > 0);
  await settle(hub, client);
  return client;
}

describe("the hub relay", () => {
  it("sends a client nothing more until it answers the changes it was sent, then all it lacks at once", async () => {
    const { hub, handle, connect } = setUp(60_000);
    const client = await connectedAndInSync(hub, connect);
    // a second client that answers everything at once: once it holds a change, the hub's round for it has run
    const witness = await connectedAndInSync(hub, connect);
    const witnessTakes = async (what: string) => {
      await waitFor(`the witness to be sent ${what}`, () => witness.inbox.length > 0);
      await settle(hub, witness);
    };

    handle.change((doc) => (doc.count = 1));
    await waitFor("the first change to be sent", () => client.changesWaiting() > 0);
    await witnessTakes("the first change");
    const sentBefore = client.inbox.length;
    // the client does not answer; two more changes are made on the server, each in rounds of its own
    handle.change((doc) => (doc.count = 2));
    await witnessTakes("the second change");
    expect(witness.doc).toEqual({ title: "start", count: 2 });
    handle.change((doc) => (doc.title = "later"));
    await witnessTakes("the third change");
    expect(witness.doc).toEqual({ title: "later", count: 2 });
    expect(client.inbox.length).toBe(sentBefore);

    const plainBefore = hub.stats.plainAcknowledgements;
    client.answer(); // takes in count = 1 and acknowledges exactly it
    await waitFor("the rest to be sent after the answer", () => client.inbox.length > 0);
    expect(hub.stats.plainAcknowledgements).toBe(plainBefore + 1);
    client.answer();
    expect(client.doc).toEqual({ title: "later", count: 2 });
  });

  it("sends anyway when a client has not answered within the wait", async () => {
    const { hub, handle, connect } = setUp(300);
    const client = await connectedAndInSync(hub, connect);
    handle.change((doc) => (doc.count = 1));
    await waitFor("the first change to be sent", () => client.changesWaiting() > 0);
    const sentBefore = client.changesWaiting();
    handle.change((doc) => (doc.count = 2));
    await waitFor("the wait to run out and the second change to be sent", () => client.changesWaiting() > sentBefore, 5000);
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
      await pace(10);
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
