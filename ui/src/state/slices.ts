// Background work spread over tasks of a few tens of milliseconds, yielding to the page between them, so scrolling,
// typing and rendering never wait long behind what the page works out on its own (signatures, concurrent values).

/** Longest stretch of work between two yields to the page (ms). */
export const SLICE_MS = 40;

/** Resolves in a task of its own, after what the page has waiting (input, rendering). */
export const nextTask = (): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Runs `steps` (a generator that pauses between steps) to its end, yielding to the page whenever a slice has run
 * `sliceMs`. Resolves with its result, or undefined once `stillWanted` says no (asked after each yield).
 */
export async function runInSlices<T>(steps: Generator<void, T, void>, stillWanted: () => boolean, sliceMs = SLICE_MS): Promise<T | undefined> {
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await nextTask();
      if (!stillWanted()) return undefined;
      sliceStart = performance.now();
    }
  }
}
