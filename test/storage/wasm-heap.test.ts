// Heap steps: an edit that grew Automerge's wasm heap leads to one free 16 MB block, which later growth uses, so
// the heap grows in large steps (this relies on Automerge copying input into its heap: a bump could change that).
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { HEAP_STEP_BYTES, heapStepFor, WasmHeapSteps, wasmMemoryBytes } from "../../engine/internals/node/wasm-heap.js";

const MB = 1 << 20;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A document holding `bytes` of text: creating it needs that much (and more) wasm heap. */
function documentOf(bytes: number): A.Doc<{ text: A.ImmutableString }> {
  return A.from({ text: new A.ImmutableString("x".repeat(bytes)) });
}

describe("wasm heap steps", () => {
  it("step by 16 MB, or by an eighth of a larger heap", () => {
    expect(heapStepFor(10 * MB)).toBe(16 * MB);
    expect(heapStepFor(128 * MB)).toBe(16 * MB);
    expect(heapStepFor(360 * MB)).toBe(45 * MB);
  });

  it("reserves one step after an edit that grew the heap, and none after one that did not", async () => {
    A.free(documentOf(1024)); // the wasm module is instantiated
    const steps = new WasmHeapSteps();
    steps.afterEdit();
    await nextTurn();
    expect(steps.steps).toBe(0);

    const before = wasmMemoryBytes();
    const grown = documentOf(2 * MB);
    expect(wasmMemoryBytes()).toBeGreaterThan(before); // the edit grew the heap
    steps.afterEdit();
    expect(steps.steps).toBe(0); // not during the edit: once the current work is done
    await nextTurn();
    expect(steps.steps).toBe(1);
    expect(wasmMemoryBytes() - before).toBeGreaterThanOrEqual(HEAP_STEP_BYTES);
    A.free(grown);
  });

  it("lets later growth use the step instead of growing the heap", async () => {
    const steps = new WasmHeapSteps();
    steps.reserveStep();
    const afterStep = wasmMemoryBytes();
    const docs = [documentOf(MB), documentOf(MB), documentOf(MB)];
    expect(wasmMemoryBytes() - afterStep).toBeLessThan(MB);
    steps.afterEdit();
    await nextTurn();
    expect(steps.steps).toBe(1); // nothing grew: no second step
    expect(docs.map((doc) => String(doc.text).length)).toEqual([MB, MB, MB]);
  });
});
