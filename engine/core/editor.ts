// The one interface every operation writes through: read the festival, change it with a message.
// editorForDoc adapts a raw Automerge document (tests, scripts, bundles); a repo DocHandle adapts likewise.
import * as A from "@automerge/automerge";
import type { Festival } from "./schema.js";

export interface FestivalEditor {
  /** The festival as it is now (a frozen Automerge document). */
  read(): Festival;
  /** Applies fn as one Automerge change described by message. */
  change(fn: (doc: Festival) => void, message: string): void;
}

/** An editor over a raw Automerge document; each change replaces `doc` with the new version. */
export interface DocEditor extends FestivalEditor {
  readonly doc: A.Doc<Festival>;
}

export function editorForDoc(doc: A.Doc<Festival>): DocEditor {
  let current = doc;
  return {
    get doc() {
      return current;
    },
    read: () => current,
    change(fn, message) {
      current = A.change(current, { message }, fn);
    },
  };
}
