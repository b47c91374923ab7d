// A plain acknowledgement taken in by setting fields ends in exactly the sync state Automerge's own receive gives:
// random sync sessions (read-only clients, older clients sending V1 without flags), every field compared per message.
import * as A from "@automerge/automerge";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plainAcknowledgementTaker } from "../../engine/internals/node/plain-acknowledgement.js";
import { wasmSyncStateFactory, wasmSyncStateFields, type BackendSyncState, type DocumentBackend, type SyncStateFields } from "../../engine/internals/node/wasm-sync-state.js";

const newSyncState = wasmSyncStateFactory();
const fields = wasmSyncStateFields();
const take = fields && newSyncState ? plainAcknowledgementTaker(fields, newSyncState) : undefined;

/** Every field, in one comparable form (keys sorted, bytes as arrays). */
function canonical(state: SyncStateFields): string {
  return JSON.stringify(state, (_key, value: unknown) => {
    if (value instanceof Uint8Array) return Array.from(value);
    if (value && typeof value === "object" && !Array.isArray(value)) return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
    return value;
  });
}

interface Client {
  backend: DocumentBackend;
  state: BackendSyncState;
  /** the server's sync state for this client */
  serverState: BackendSyncState;
  toClient: Uint8Array[];
  toServer: Uint8Array[];
  /** a client that takes in no changes: its messages carry the read-only flag */
  readOnly: boolean;
  /** a client of an older Automerge: its messages carry no flags (V1 as first specified), so the server answers in V1 */
  legacy: boolean;
}

/** A message as an older Automerge sends it: no flags section, so it announces no capabilities and no read-only. */
function withoutFlags(message: Uint8Array): Uint8Array {
  // Automerge's decoder also hands out the flags as `supportedCapabilities` (not in its types); left out, none are encoded
  const { supportedCapabilities: _flags, ...plain } = A.decodeSyncMessage(message) as A.DecodedSyncMessage & { supportedCapabilities?: unknown };
  const stripped = A.encodeSyncMessage(plain);
  if (stripped.length >= message.length) throw new Error("the message kept its flags");
  return stripped;
}

/** A sync message's version, from its first byte (0x42 for V1, 0x43 for V2, as Automerge's sync spec defines). */
function versionOf(message: Uint8Array): string {
  return message[0] === 0x42 ? "v1" : message[0] === 0x43 ? "v2" : `unknown 0x${message[0].toString(16)}`;
}

/** How each client syncs: read-only or not, current or older Automerge. */
const clientKind = fc.record({ readOnly: fc.boolean(), legacy: fc.boolean() });
/** One step of a session: what happens, to which client. */
const step = fc.record({ action: fc.integer({ min: 0, max: 99 }), client: fc.nat(), key: fc.integer({ min: 0, max: 4 }) });

describe("a plain acknowledgement", () => {
  it("leaves the sync state exactly as Automerge's receive does, and is the only kind of message taken that way", () => {
    if (!newSyncState || !fields || !take) throw new Error("the wasm sync states are not available");
    let acknowledgements = 0;
    let declined = 0;
    /** acknowledgements whose heads also name a change of the client's own, sent before */
    let withOwnChange = 0;
    /** acknowledgements by kind of message: flags saying read-only, and no flags at all */
    let fromReadOnly = 0;
    let withoutFlagsTaken = 0;
    /** versions of the server's messages seen by clients */
    const serverVersions = new Set<string>();
    fc.assert(
      fc.property(fc.array(clientKind, { minLength: 2, maxLength: 4 }), fc.array(step, { minLength: 50, maxLength: 250 }), (kinds, steps) => {
        const serverDoc = A.change(A.init<Record<string, number>>(), (doc) => (doc.start = 0));
        const server = A.getBackend(A.clone(serverDoc));
        const start = server.save();
        const clientState = (readOnly: boolean): BackendSyncState => {
          const fresh = newSyncState();
          if (!readOnly) return fresh;
          const made = fields.write({ ...fields.read(fresh), readOnly: true });
          fresh.free();
          if (!made) throw new Error("a read-only sync state could not be made");
          return made;
        };
        const clients: Client[] = kinds.map(({ readOnly, legacy }) => ({
          backend: A.getBackend(A.load(start)),
          state: clientState(readOnly),
          serverState: newSyncState(),
          toClient: [],
          toServer: [],
          readOnly,
          legacy,
        }));
        const send = (client: Client, message: Uint8Array | null) => {
          if (message) client.toServer.push(client.legacy ? withoutFlags(message) : message);
        };
        steps.forEach(({ action, client: index, key }, counter) => {
          const client = clients[index % clients.length];
          if (action < 12) {
            client.backend.put("_root", `k${key}`, counter);
            client.backend.commit();
          } else if (action < 18) {
            server.put("_root", "server", counter);
            server.commit();
          } else if (action < 40) {
            send(client, client.backend.generateSyncMessage(client.state));
          } else if (action < 65) {
            const message = server.generateSyncMessage(client.serverState);
            if (message) {
              serverVersions.add(versionOf(message));
              client.toClient.push(message);
            }
          } else if (action < 85) {
            const message = client.toClient.shift();
            if (!message) return;
            client.backend.receiveSyncMessage(client.state, message);
            // clients mostly answer at once, as automerge-repo does
            if (action < 80) send(client, client.backend.generateSyncMessage(client.state));
          } else {
            const message = client.toServer.shift();
            if (!message) return;
            const lastSent = [...client.serverState.lastSentHeads].sort().join();
            const taken = take(client.serverState, message, server);
            const expectedChanges = A.decodeSyncMessage(message).changes.length;
            server.receiveSyncMessage(client.serverState, message);
            if (!taken) {
              declined++;
              return;
            }
            acknowledgements++;
            if (client.readOnly && !client.legacy) fromReadOnly++;
            if (client.legacy) withoutFlagsTaken++;
            if ([...A.decodeSyncMessage(message).heads].sort().join() !== lastSent) withOwnChange++;
            expect(expectedChanges).toBe(0);
            expect(canonical(fields.read(taken))).toBe(canonical(fields.read(client.serverState)));
            taken.free();
          }
        });
        for (const client of clients) {
          client.state.free();
          client.serverState.free();
        }
      }),
      { numRuns: 60, seed: 20261124 },
    );
    // the property only means something if both kinds of message occurred
    expect(acknowledgements).toBeGreaterThan(20);
    expect(withOwnChange).toBeGreaterThan(0);
    expect(declined).toBeGreaterThan(acknowledgements);
    expect(fromReadOnly).toBeGreaterThan(0);
    expect(withoutFlagsTaken).toBeGreaterThan(0);
    expect([...serverVersions].sort()).toEqual(["v1", "v2"]);
  });

  // Retried: about one run in a hundred, the Bloom filter in a sync message reports a false positive, the client
  // then believes the server has its new change and does not send it, and the scenario below cannot be built.
  it("is declined for a message with changes, with heads other than what was last sent, or that is not a sync message", { retry: 2 }, () => {
    if (!newSyncState || !fields || !take) throw new Error("the wasm sync states are not available");
    const server = A.getBackend(A.change(A.init<Record<string, number>>(), (doc) => (doc.a = 1)));
    const client = A.getBackend(A.load(server.save()));
    const [serverState, clientState] = [newSyncState(), newSyncState()];
    const exchange = () => {
      for (let round = 0; round < 5; round++) {
        const up = client.generateSyncMessage(clientState);
        if (up) server.receiveSyncMessage(serverState, up);
        const down = server.generateSyncMessage(serverState);
        if (down) client.receiveSyncMessage(clientState, down);
      }
    };
    exchange();
    client.put("_root", "b", 2);
    client.commit();
    const withChange = client.generateSyncMessage(clientState);
    if (!withChange) throw new Error("the client had nothing to send");
    expect(take(serverState, withChange, server)).toBeUndefined();
    expect(take(serverState, new Uint8Array([0x42, 0xff, 0x00]), server)).toBeUndefined();
    // a client that answers with heads the server never sent (it made a change of its own)
    server.receiveSyncMessage(serverState, withChange);
    exchange();
    server.put("_root", "c", 3);
    server.commit();
    const down = server.generateSyncMessage(serverState);
    if (!down) throw new Error("the server had nothing to send");
    client.receiveSyncMessage(clientState, down);
    client.put("_root", "d", 4);
    client.commit();
    const ahead = client.generateSyncMessage(clientState);
    if (!ahead) throw new Error("the client had nothing to send");
    expect(A.decodeSyncMessage(ahead).changes.length).toBeGreaterThan(0);
    expect(take(serverState, ahead, server)).toBeUndefined();
    // the answer to exactly what was sent is taken
    const fresh = A.getBackend(A.load(server.save()));
    const freshState = newSyncState();
    const serverForFresh = newSyncState();
    for (let round = 0; round < 5; round++) {
      const up = fresh.generateSyncMessage(freshState);
      if (up) server.receiveSyncMessage(serverForFresh, up);
      const again = server.generateSyncMessage(serverForFresh);
      if (again) fresh.receiveSyncMessage(freshState, again);
    }
    server.put("_root", "e", 5);
    server.commit();
    const news = server.generateSyncMessage(serverForFresh);
    if (!news) throw new Error("the server had nothing to send");
    fresh.receiveSyncMessage(freshState, news);
    const answer = fresh.generateSyncMessage(freshState);
    if (!answer) throw new Error("the client did not answer");
    const taken = take(serverForFresh, answer, server);
    expect(taken).toBeDefined();
    taken?.free();
    server.receiveSyncMessage(serverForFresh, answer);

    // a client that edits while our message is on its way answers with our heads and its own change (sent before)
    server.put("_root", "f", 6);
    server.commit();
    const crossing = server.generateSyncMessage(serverForFresh);
    if (!crossing) throw new Error("the server had nothing to send");
    fresh.put("_root", "g", 7);
    fresh.commit();
    const own = fresh.generateSyncMessage(freshState);
    if (!own || A.decodeSyncMessage(own).changes.length !== 1) throw new Error("the client did not send its change");
    expect(take(serverForFresh, own, server)).toBeUndefined();
    server.receiveSyncMessage(serverForFresh, own);
    fresh.receiveSyncMessage(freshState, crossing);
    const both = fresh.generateSyncMessage(freshState);
    if (!both) throw new Error("the client did not answer");
    expect(A.decodeSyncMessage(both).heads).toHaveLength(2);
    const takenBoth = take(serverForFresh, both, server);
    if (!takenBoth) throw new Error("an answer naming our heads and the client's own sent change was declined");
    server.receiveSyncMessage(serverForFresh, both);
    expect(fields.read(takenBoth)).toEqual(fields.read(serverForFresh));
    takenBoth.free();
  });
});
