// Opens a stored document's bytes in two steps with a pause for the page between them: Automerge's wasm load, then
// the JS state made from it. A.load does both in one call (about 250 ms on the 2,000-event bench festival in Chromium).
import * as A from "@automerge/automerge";

/*
 * Why: the web app must not block its page for more than 200 ms while it opens a festival. A.load(bytes) is the wasm
 * load (about two thirds) and the materialization of the whole document into JS (a third), in one call. Here the
 * wasm load goes into the handle of an empty document (`loadIncremental`, as automerge-repo opens a stored document,
 * so changes whose history is missing wait as they do there) and the document is materialized after the pause.
 * Reach: the document's wasm handle (`A.getBackend`), its `loadIncremental` and `materialize`, and the root's private
 * state as A.init and A.load write it ({ handle, heads, freeze, patchCallback }). Off (a handle without these
 * methods, or useSteppedLoad(false)): A.loadIncremental(A.init(), bytes), one call.
 */

interface MaterializingHandle {
  loadIncremental(bytes: Uint8Array): number;
  materialize(path: string, heads: undefined, meta: { handle: MaterializingHandle; heads: undefined; freeze: boolean; patchCallback: undefined }): unknown;
}

let enabled = true;

/** Switches the stepped load on or off for this process (off: the public API's one call; tests run both). */
export function useSteppedLoad(on: boolean): void {
  enabled = on;
}

function materializingHandle(handle: unknown): MaterializingHandle | undefined {
  if (!enabled) return undefined;
  const candidate = handle as Partial<MaterializingHandle> | null;
  return typeof candidate?.loadIncremental === "function" && typeof candidate.materialize === "function" ? (candidate as MaterializingHandle) : undefined;
}

/**
 * The document held in `bytes` (stored chunks joined, snapshots first), with `pause()` awaited before the wasm load,
 * between it and the JS state, and after: each step is a task of its own when `pause` waits for the next task.
 */
export async function loadInSteps<T>(bytes: Uint8Array, pause: () => Promise<void>): Promise<A.Doc<T>> {
  await pause();
  const empty = A.init<T>();
  const handle = materializingHandle(A.getBackend(empty));
  if (!handle) {
    const doc = A.loadIncremental(empty, bytes);
    await pause();
    return doc;
  }
  handle.loadIncremental(bytes);
  await pause();
  const doc = handle.materialize("/", undefined, { handle, heads: undefined, freeze: false, patchCallback: undefined }) as A.Doc<T>;
  await pause();
  return doc;
}
