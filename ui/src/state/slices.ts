// Background work spread over short slices run when the page is idle, yielding to it between them, so scrolling,
// typing and rendering never wait long behind what the page works out on its own (signatures, concurrent values).

/** Longest stretch of work between two yields to the page (ms). */
export const SLICE_MS = 20;
/** However busy the page, background work gets a slice at least this often (ms). */
const IDLE_TIMEOUT_MS = 1000;

/** What requestIdleCallback tells its callback. */
interface IdleDeadlineLike {
  didTimeout: boolean;
  timeRemaining(): number;
}
type RequestIdleCallback = (callback: (deadline: IdleDeadlineLike) => void, options?: { timeout: number }) => number;

/**
 * Resolves when the page is next idle (its input handled and its frame drawn), with how long it may be kept busy
 * (ms, at most SLICE_MS); without requestIdleCallback (Node, where tests run this), in a task of its own with SLICE_MS.
 */
export function pageIdle(): Promise<number> {
  const whenIdle = (globalThis as { requestIdleCallback?: RequestIdleCallback }).requestIdleCallback;
  if (typeof whenIdle !== "function") return new Promise((resolve) => setTimeout(() => resolve(SLICE_MS), 0));
  return new Promise((resolve) =>
    whenIdle.call(globalThis, (deadline) => resolve(deadline.didTimeout ? SLICE_MS : Math.min(SLICE_MS, deadline.timeRemaining())), { timeout: IDLE_TIMEOUT_MS }),
  );
}

/**
 * Runs `steps` (a generator that pauses between steps) to its end: the first slice now, then one whenever the page is
 * idle, each as long as it allows (at most `sliceMs`, at least one step). Resolves with its result, or undefined once
 * `stillWanted` says no (asked after each yield).
 */
export async function runInSlices<T>(steps: Generator<void, T, void>, stillWanted: () => boolean, sliceMs = SLICE_MS): Promise<T | undefined> {
  let sliceEnd = performance.now() + sliceMs;
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() >= sliceEnd) {
      const allowed = await pageIdle();
      if (!stillWanted()) return undefined;
      sliceEnd = performance.now() + Math.min(sliceMs, allowed);
    }
  }
}
