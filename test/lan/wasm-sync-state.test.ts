// The hub's one reach into @automerge/automerge: wasm sync states must fit the public API's documents. Fails when an
// upgrade moves the bindings or gives the public API another wasm instance (the server would then fall back to the repo).
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { wasmSyncStateFactory, wasmSyncStateProblem } from "../../engine/server/wasm-sync-state.js";

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
});
