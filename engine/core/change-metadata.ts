// The metadata of every change of a document, listed once per version of the document: verifying authors, finding
// concurrent values and reading history each need it, and listing it costs tens of milliseconds on a festival of
// thousands of changes. Callers must not modify what they are given.
import * as A from "@automerge/automerge";

const listed = new WeakMap<object, { heads: string; metadata: readonly A.ChangeMetadata[] }>();

/** `A.getChangesMetaSince(doc, [])`, remembered for the document object at its current heads. */
export function allChangeMetadata(doc: A.Doc<unknown>): readonly A.ChangeMetadata[] {
  const heads = A.getHeads(doc).join(",");
  const known = listed.get(doc);
  if (known !== undefined && known.heads === heads) return known.metadata;
  const metadata = A.getChangesMetaSince(doc, []);
  listed.set(doc, { heads, metadata });
  return metadata;
}
