// The hub's one reach into @automerge/automerge: wasm sync states must fit the public API's documents. Fails when an
// upgrade moves the bindings or gives the public API another wasm instance (the server would then fall back to the repo).
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { wasmSyncStateCodec, wasmSyncStateFactory, wasmSyncStateProblem } from "../../engine/internals/node/wasm-sync-state.js";

describe("wasm sync states", () => {
  it("are available and sync two documents of the public API through their backends", () => {
    expect(wasmSyncStateProblem()).toBeUndefined();
    const newState = wasmSyncStateFactory();
    if (!newState) throw new Error("no wasm sync states");
    let left = A.from<{ items: Record<string, string> }>({ items: {} });
    let right = A.clone(left);
    left = A.change(left, (doc) => (doc.items.a = "from left"));
    right = A.change(right, (doc) => (doc.items.b = "from right"));
    const [leftState, rightState] = [newState(), newState()];
    const leftBackend = A.getBackend(left);
    const rightBackend = A.getBackend(right);
    for (let step = 0; step < 10; step++) {
      const toRight = leftBackend.generateSyncMessage(leftState);
      if (toRight) rightBackend.receiveSyncMessage(rightState, toRight);
      const toLeft = rightBackend.generateSyncMessage(rightState);
      if (toLeft) leftBackend.receiveSyncMessage(leftState, toLeft);
      if (!toRight && !toLeft) break;
    }
    // the JS documents catch up with their backends without a conversion of any sync state
    const [leftNow] = A.applyChanges(left, []);
    const [rightNow] = A.applyChanges(right, []);
    expect(leftNow.items).toEqual({ a: "from left", b: "from right" });
    expect(rightNow.items).toEqual(leftNow.items);
    expect(A.getHeads(leftNow).sort()).toEqual(A.getHeads(rightNow).sort());
    leftState.free();
    rightState.free();
  });

  it("encode to and decode from the bytes the public API (and automerge-repo's storage) uses", () => {
    const newState = wasmSyncStateFactory();
    const codec = wasmSyncStateCodec();
    if (!newState || !codec) throw new Error("no wasm sync state codec");
    let server = A.from<{ items: Record<string, string> }>({ items: {} });
    for (let index = 0; index < 20; index++) server = A.change(server, (doc) => (doc.items[`k${index}`] = `v${index}`));
    let client = A.init<{ items: Record<string, string> }>();
    let clientState = A.initSyncState();
    const serverState = newState();
    const serverBackend = A.getBackend(server);
    for (let step = 0; step < 10; step++) {
      const toClient = serverBackend.generateSyncMessage(serverState);
      if (toClient) [client, clientState] = A.receiveSyncMessage(client, clientState, toClient);
      const [nextState, toServer] = A.generateSyncMessage(client, clientState);
      clientState = nextState;
      if (toServer) serverBackend.receiveSyncMessage(serverState, toServer);
      if (!toClient && !toServer) break;
    }
    const heads = [...A.getHeads(server)].sort();
    // what the wasm state encodes is what the public API decodes, and the other way round
    const bytes = codec.encode(serverState);
    expect([...A.decodeSyncState(bytes).sharedHeads].sort()).toEqual(heads);
    const restored = codec.decode(A.encodeSyncState(A.decodeSyncState(bytes)));
    expect([...codec.encode(restored)]).toEqual([...bytes]);

    // restored states on both sides resume: after an edit on the client, only that edit crosses
    client = A.change(client, (doc) => (doc.items.late = "after reconnecting"));
    let resumedClientState = A.decodeSyncState(A.encodeSyncState(clientState));
    let changesCrossing = 0;
    for (let step = 0; step < 10; step++) {
      const [nextState, toServer] = A.generateSyncMessage(client, resumedClientState);
      resumedClientState = nextState;
      if (toServer) {
        changesCrossing += A.decodeSyncMessage(toServer).changes.length;
        serverBackend.receiveSyncMessage(restored, toServer);
      }
      const toClient = serverBackend.generateSyncMessage(restored);
      if (toClient) {
        changesCrossing += A.decodeSyncMessage(toClient).changes.length;
        [client, resumedClientState] = A.receiveSyncMessage(client, resumedClientState, toClient);
      }
      if (!toClient && !toServer) break;
    }
    expect(changesCrossing).toBe(1);
    expect(A.applyChanges(server, [])[0].items.late).toBe("after reconnecting");
    expect(() => codec.decode(new Uint8Array([1, 2, 3]))).toThrow();
    serverState.free();
    restored.free();
  });
});
