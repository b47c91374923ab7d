// A "change" event raised on a document handle by pandafest, not by automerge-repo: the repo syncs a document
// only on "change", and raises it only for changes with visible patches (see engine/sync/sync-nudge.ts).
import type { DocHandle, DocHandleChangePayload } from "@automerge/automerge-repo";

/** Raises "change" without patches on `handle` for `doc`, so automerge-repo syncs the heads it moved to. */
export function emitChangeWithoutPatches<T>(handle: DocHandle<T>, doc: DocHandleChangePayload<T>["doc"]): void {
  const payload: DocHandleChangePayload<T> = { handle, doc, patches: [], patchInfo: { before: doc, after: doc, source: "change" } };
  handle.emit("change", payload);
}
