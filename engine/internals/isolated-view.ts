// A read-only document at some heads made from the document as it is: its wasm handle is copied (no replay) and the
// copy isolated at those heads, and the JS state is the document's own patched back to them. A.view is the fallback.
import * as A from "@automerge/automerge";

/*
 * Why: A.view(doc, heads) materializes the whole document at those heads, which costs about 330 ms on the large
 * bench festival; reading what members see of an organised festival with proposals paid that on every open. Here
 * the handle is forked (4 ms), isolated at the heads (about 60 ms) and the document's JS state patched by the diff
 * from its heads to those (about 70 ms), so most of the JS state is shared with the document.
 * The fork costs memory like a copy of the document (about 20 MB on the large festival) for as long as the view
 * is held. The result is for reading: the web app, the store and the node edit through engine/core/governance.
 * Reach: Automerge's private document state (Symbol.for("_am_meta")) and the wasm handle's fork, updateDiffCursor,
 * isolate and applyPatches (the steps A.clone and A.changeAt take). Off (PANDAFEST_INTERNALS=off, an unknown
 * Automerge version in Node, or a handle without these methods): A.view.
 */

const AUTOMERGE_STATE = Symbol.for("_am_meta");

interface IsolatingHandle {
  fork(actor?: string): IsolatingHandle;
  updateDiffCursor(): void;
  isolate(heads: A.Heads): void;
  applyPatches<T>(doc: T, meta: unknown): T;
}

let enabled = true;

/** Switches isolated views on or off for this process (Node switches them off with the other reaches). */
export function useIsolatedViews(on: boolean): void {
  enabled = on;
}

/** Whether isolatedView makes isolated copies here (false: it is A.view). */
export function isolatedViewsInUse(): boolean {
  return enabled;
}

/** `doc` as it was at `heads`, for reading: an isolated copy when the reach is on, else A.view. */
export function isolatedView<T>(doc: A.Doc<T>, heads: A.Heads): A.Doc<T> {
  const state = (doc as unknown as Record<symbol, unknown>)[AUTOMERGE_STATE] as Record<string, unknown> | undefined;
  const handle = state?.handle as Partial<IsolatingHandle> | undefined;
  const usable =
    enabled &&
    state !== undefined &&
    state.heads === undefined && // a view already: A.view reads it at other heads
    typeof handle?.fork === "function" &&
    typeof handle.updateDiffCursor === "function" &&
    typeof handle.isolate === "function" &&
    typeof handle.applyPatches === "function";
  if (!usable || handle === undefined) return A.view(doc, heads);
  const fork = (handle as IsolatingHandle).fork();
  try {
    fork.updateDiffCursor();
    fork.isolate(heads);
    const { heads: _viewHeads, ...meta } = state;
    return fork.applyPatches(doc, { ...meta, handle: fork });
  } catch {
    (fork as { free?: () => void }).free?.();
    return A.view(doc, heads);
  }
}
