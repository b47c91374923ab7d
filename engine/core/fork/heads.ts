// Heads given on the command line (`--at HEADS`): comma-separated change hashes, checked for shape
// here and for presence in the document by the caller. Browser-safe.
import { PandafestError } from "../errors.js";

const CHANGE_HASH = /^[0-9a-f]{64}$/;
const MAX_HEADS = 256;

/** Parses "hash1,hash2" into a sorted, de-duplicated list of change hashes (64 lowercase hex digits each). */
export function parseHeads(text: string, option = "--at"): string[] {
  const heads = [...new Set(text.split(",").map((part) => part.trim().toLowerCase()).filter((part) => part !== ""))];
  if (heads.length === 0) {
    throw new PandafestError(`${option} is empty; give the change hashes (hex, comma separated) shown by \`pandafest festival show --json\` (heads)`, {
      code: "usage",
    });
  }
  if (heads.length > MAX_HEADS) throw new PandafestError(`${option} lists ${heads.length} heads; at most ${MAX_HEADS} are accepted`, { code: "usage" });
  const bad = heads.find((head) => !CHANGE_HASH.test(head));
  if (bad !== undefined) {
    throw new PandafestError(`${option}: "${bad.slice(0, 80)}" is not a change hash (64 hex digits); \`pandafest festival show --json\` shows the heads`, {
      code: "usage",
    });
  }
  return heads.sort();
}
