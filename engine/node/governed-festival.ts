// A festival opened for a governance command: its handle, an editor, the acting identity and the context the
// governance and membership operations judge it in (the whole document, its id and name, who acts).
import type { GovernanceContext } from "../core/governance/manage.js";
import type { FestivalStore } from "./store.js";

/** Opens `reference` (id, URL or name prefix) for a governance command by this data directory's identity. */
export async function governedFestival(store: FestivalStore, reference: string) {
  const { handle, editor, identity } = await store.editorFor(reference);
  const context: GovernanceContext = {
    doc: handle.doc(),
    festivalId: handle.documentId,
    actor: identity.publicKey,
    festivalName: String(store.visible(handle).name),
  };
  return { handle, editor, identity, context };
}
