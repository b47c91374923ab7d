// Grows Automerge's WebAssembly heap in large steps: once an edit has grown it, one free block (16 MB, or an eighth
// of a larger heap) is reserved at once, so the next edits find room instead of growing it 64 KB at a time. Node only.
import * as A from "@automerge/automerge";

/** How much free heap one step adds at least; a larger heap steps by an eighth of its size (huge festival: ~45 MB). */
export const HEAP_STEP_BYTES = 16 << 20;
const HEAP_STEP_FRACTION = 8;
const MB = 1 << 20;

/** The next step for a heap of `heapBytes`: 16 MB, or an eighth of the heap in whole megabytes when that is more. */
export function heapStepFor(heapBytes: number): number {
  return Math.max(HEAP_STEP_BYTES, Math.ceil(heapBytes / HEAP_STEP_FRACTION / MB) * MB);
}
/** Growth below this is measurement noise, not a new wasm page. */
const GROWTH_THRESHOLD_BYTES = 64 << 10;

/**
 * The zeros a step copies in, kept for the process's life: a freed 16 MB buffer would leave the process's
 * external-memory count 16 MB above its array-buffer count until the next collection, which reads as growth.
 * Never written, so its pages stay unmapped (or the shared zero page).
 */
let stepZeros: Uint8Array | undefined;

/** Memory outside the JS heap that is not an ArrayBuffer: in practice, Automerge's wasm memory. */
export function wasmMemoryBytes(): number {
  const usage = process.memoryUsage();
  return usage.external - usage.arrayBuffers;
}

/**
 * Why: after a large festival is loaded, edits keep growing the wasm heap a page or two at a time, and V8
 * counts the whole wasm memory as new external memory on every growth and answers with a full collection.
 * Large festival, 500 edits: 84-100 such collections and a p99 of 10-17 ms for change + attestation; with
 * steps, 10-12 collections and a p99 of 4.6-7.3 ms. Huge festival (a 360 MB heap): 16 MB steps left 53
 * collections; steps of an eighth of the heap leave 14, and a p99 of ~7 ms.
 * How: Automerge copies a document's bytes into its heap before parsing them. Zeros are refused at the first
 * byte, and the freed copy stays behind as free heap (wasm memory never shrinks). A free block that is big
 * enough is reused, so a step only grows the heap when the last one has been used up.
 */
export class WasmHeapSteps {
  #lastBytes = wasmMemoryBytes();
  #scheduled = false;
  #steps = 0;

  /** Steps taken so far. */
  get steps(): number {
    return this.#steps;
  }

  /** Call after an edit: when the heap grew since the last call, the next step is reserved once the current work is done. */
  afterEdit(): void {
    if (this.#scheduled) return;
    const bytes = wasmMemoryBytes();
    if (bytes < this.#lastBytes + GROWTH_THRESHOLD_BYTES) {
      this.#lastBytes = bytes;
      return;
    }
    this.#scheduled = true;
    setImmediate(() => {
      this.reserveStep();
      this.#scheduled = false;
    });
  }

  /** Reserves one step of free heap now. */
  reserveStep(): void {
    try {
      const step = heapStepFor(wasmMemoryBytes());
      if (!stepZeros || stepZeros.length < step) stepZeros = new Uint8Array(step);
      A.free(A.load(stepZeros.subarray(0, step)));
    } catch {
      // refused, as intended: the copy has been made and freed
    }
    this.#steps++;
    this.#lastBytes = wasmMemoryBytes();
  }
}

/** The process's one wasm heap. */
export const wasmHeapSteps = new WasmHeapSteps();
