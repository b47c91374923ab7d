// Makes every change of a document's heads reach the peers, not only changes that alter what it shows.
// automerge-repo syncs on a handle's "change" event, which it emits only when a change has visible patches.
import type { DocHandle, DocHandleChangePayload } from "@automerge/automerge-repo";
import { emitChangeWithoutPatches } from "../internals/synthetic-change.js";

/**
 * A change that moves the heads without changing the visible document (a concurrent write of the same value,
 * a write that loses a conflict) raises no "change", so automerge-repo would not pass it on: in a chain
 * A - B - C it would stop at B and C's heads would never match. This raises a "change" without patches for
 * such updates, which is what makes the repo sync them. Returns a function that stops it.
 */
export function syncOnEveryHeadsChange<T>(handle: DocHandle<T>): () => void {
  let sawChange = false;
  const onChange = () => {
    sawChange = true;
  };
  const onHeadsChanged = ({ doc }: { doc: DocHandleChangePayload<T>["doc"] }) => {
    sawChange = false;
    // the handle emits "change" (when there are patches) right after "heads-changed", in the same tick
    queueMicrotask(() => {
      if (sawChange) return;
      emitChangeWithoutPatches(handle, doc);
    });
  };
  handle.on("change", onChange);
  handle.on("heads-changed", onHeadsChanged);
  return () => {
    handle.off("change", onChange);
    handle.off("heads-changed", onHeadsChanged);
  };
}
