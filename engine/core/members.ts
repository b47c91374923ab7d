// Recording who edits: the editing user's self-declared name under their public key, written once and again only
// when it changed. The one rule the store (CLI, server) and the web app's session both apply to every edit.
import * as A from "@automerge/automerge";
import type { Festival } from "./schema.js";

/** Whoever edits: a public key (hex) and the name its holder chose. */
export interface EditingMember {
  publicKey: string;
  name: string;
}

/** Records the editing user as a member, writing only when the recorded name differs. */
export function recordMember(doc: Festival, editor: EditingMember): void {
  const existing = doc.members[editor.publicKey];
  if (existing && String(existing.name) === editor.name) return;
  doc.members[editor.publicKey] = { name: new A.ImmutableString(editor.name) };
}
