// Undoing what one author changed: for every field their counting changes set (newest first), the value from
// before, written again as a new change by the one who reverts; a field someone changed since is left alone.
import * as A from "@automerge/automerge";
import type { FestivalEditor } from "../editor.js";
import { PandafestError } from "../errors.js";
import { ATTESTATION_MESSAGE } from "../provenance.js";
import type { Festival } from "../schema.js";
import { requireRole, type GovernanceContext } from "./manage.js";
import { governanceOf } from "./standing.js";

export interface RevertResult {
  /** the author's changes looked at */
  changes: number;
  /** the fields written back, as paths ("venues.v_1.name") */
  restored: string[];
  /** fields left as they are because someone changed them after the author */
  keptNewer: string[];
}

const BOOKKEEPING = new Set(["members", "authors", "governance", "schema"]);

/** The path a patch touches, cut to the field a user edits (or the whole item, when it was made or removed). */
function fieldPath(path: readonly (string | number)[]): string[] | null {
  const parts = path.map(String);
  if (parts.length === 0 || BOOKKEEPING.has(parts[0])) return null;
  if (parts[0] === "eventShards") return parts.length >= 3 ? parts.slice(0, 4) : null;
  if (parts[0] === "events" || parts[0] === "venues" || parts[0] === "people") return parts.length >= 2 ? parts.slice(0, 3) : null;
  return parts.slice(0, 1);
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let current = root;
  for (const part of path) {
    if (typeof current !== "object" || current === null || !Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** A value as plain data, for comparing values read from different document versions. */
function plain(value: unknown): unknown {
  if (A.isImmutableString(value)) return { text: String(value) };
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]));
  return value;
}

/** A copy of a value read from a document version, to be written into another. */
function copied(value: unknown): unknown {
  if (A.isImmutableString(value)) return new A.ImmutableString(String(value));
  if (Array.isArray(value)) return value.map(copied);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, copied(inner)]));
  return value;
}

function writeAt(root: Festival, path: readonly string[], value: unknown): void {
  let parent = root as unknown as Record<string, unknown>;
  for (const part of path.slice(0, -1)) {
    const next = parent[part];
    if (typeof next !== "object" || next === null) return; // the item it belonged to is gone
    parent = next as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (value === undefined) delete parent[last];
  else parent[last] = copied(value);
}

/** Writes back what `author` changed (since `sinceMs`, when given) wherever nobody changed it after them. */
export function revertAuthor(editor: FestivalEditor, context: GovernanceContext, author: string, sinceMs?: number): RevertResult {
  requireRole(context, "edit", "revert changes");
  const governance = governanceOf(context.doc, context.festivalId);
  const changes = governance.changes
    .filter((standing) => standing.status === "counts" && standing.author === author && standing.record === null)
    .map((standing) => governance.metadata[standing.index])
    .filter((change) => change.deps.length > 0 && !(change.message === ATTESTATION_MESSAGE && change.startOp === change.maxOp))
    .filter((change) => sinceMs === undefined || change.time * 1000 >= sinceMs)
    .reverse();
  if (changes.length === 0) {
    throw new PandafestError(`key ${author.slice(0, 12)}… made no change that counts in "${context.festivalName}"${sinceMs === undefined ? "" : " since then"}; nothing to revert`);
  }
  const plan = changes.map((change) => {
    const paths = new Map<string, string[]>();
    for (const patch of A.diff(context.doc, change.deps, [change.hash])) {
      const path = fieldPath(patch.path);
      if (path !== null) paths.set(path.join("."), path);
    }
    return { before: A.view(context.doc, change.deps), after: A.view(context.doc, [change.hash]), paths: [...paths.values()] };
  });
  // decided on the festival as shown now (newest change first), then written in one change
  const shown = editor.read();
  const writes = new Map<string, { path: string[]; value: unknown }>();
  const keptNewer = new Set<string>();
  const current = (path: string[]) => {
    const pending = writes.get(path.join("."));
    return pending === undefined ? valueAt(shown, path) : pending.value;
  };
  for (const { before, after, paths } of plan) {
    for (const path of paths) {
      const key = path.join(".");
      if (JSON.stringify(plain(current(path))) !== JSON.stringify(plain(valueAt(after, path)))) {
        if (!writes.has(key)) keptNewer.add(key);
        continue;
      }
      writes.set(key, { path, value: valueAt(before, path) });
      keptNewer.delete(key);
    }
  }
  if (writes.size > 0) {
    editor.change((draft) => {
      for (const { path, value } of writes.values()) writeAt(draft, path, value);
    }, `revert the changes of ${author}${sinceMs === undefined ? "" : ` since ${new Date(sinceMs).toISOString()}`}`);
  }
  const restored = new Set(writes.keys());
  return { changes: changes.length, restored: [...restored], keptNewer: [...keptNewer] };
}
