// Maps automerge-repo storage keys to file paths under a base directory and back, refusing unsafe keys.
// Layout as in automerge-repo's file adapter: [docId, ...rest] -> docId[0..2] / docId[2..] / ...rest.
import type { StorageKey } from "@automerge/automerge-repo";
import { PandafestError } from "../../core/errors.js";

/** Chunk kinds automerge-repo stores under [documentId, kind, hash]. */
export const CHUNK_KINDS: readonly string[] = ["snapshot", "incremental"];

const FAN_OUT_LENGTH = 2;
const FORBIDDEN_CHARACTERS = /[/\\\0]/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The path components (relative to the base directory) for a key, or for a key prefix when
 * `allowEmpty` is true. Throws a PandafestError for a part that could leave the base directory or
 * clash with the file names this storage reserves (anything starting with ".").
 */
export function keyToPathParts(key: StorageKey, allowEmpty = false): string[] {
  if (!Array.isArray(key) || (key.length === 0 && !allowEmpty)) {
    throw new PandafestError("A storage key must be a non-empty array of strings.", { code: "input" });
  }
  key.forEach((part, index) => checkKeyPart(key, part, index));
  if (key.length === 0) return [];
  const [first, ...rest] = key;
  return [first.slice(0, FAN_OUT_LENGTH), first.slice(FAN_OUT_LENGTH), ...rest];
}

/** The key stored at these path components, or undefined when they are not a path this storage writes. */
export function pathPartsToKey(parts: string[]): StorageKey | undefined {
  if (parts.length < 2 || parts[0].length !== FAN_OUT_LENGTH) return undefined;
  const key = [parts[0] + parts[1], ...parts.slice(2)];
  try {
    keyToPathParts(key);
  } catch {
    return undefined;
  }
  return key;
}

/** True for automerge-repo document chunks: [documentId, "snapshot" | "incremental", hash]. */
export function isDocumentChunkKey(key: StorageKey): boolean {
  return key.length === 3 && CHUNK_KINDS.includes(key[1]);
}

/**
 * The SHA-256 (hex) a key says its value has: automerge-repo names incremental chunks
 * [documentId, "incremental", sha256(bytes)]. Snapshots are named by their heads instead.
 */
export function contentHashNamedByKey(key: StorageKey): string | undefined {
  return key.length === 3 && key[1] === "incremental" && SHA256_HEX.test(key[2]) ? key[2] : undefined;
}

export function keyStartsWith(key: StorageKey, prefix: StorageKey): boolean {
  return prefix.length <= key.length && prefix.every((part, i) => key[i] === part);
}

/**
 * A stable order for range results that never depends on directory order: by the last key part,
 * then by the whole key.
 */
export function compareKeys(a: StorageKey, b: StorageKey): number {
  return compareStrings(a[a.length - 1] ?? "", b[b.length - 1] ?? "") || compareStrings(a.join("\0"), b.join("\0"));
}

export function describeKey(key: StorageKey): string {
  return JSON.stringify(key);
}

function checkKeyPart(key: StorageKey, part: unknown, index: number): void {
  const where = `part ${index} of storage key ${describeKey(key)}`;
  if (typeof part !== "string" || part.length === 0) {
    throw new PandafestError(`The ${where} must be a non-empty string.`, { code: "input" });
  }
  if (FORBIDDEN_CHARACTERS.test(part)) {
    throw new PandafestError(`The ${where} contains "/", "\\" or NUL; key parts cannot name other directories.`, {
      code: "input",
    });
  }
  if (part.startsWith(".")) {
    throw new PandafestError(`The ${where} starts with "."; such names are reserved ("..", temporary files).`, {
      code: "input",
    });
  }
  if (index === 0 && (part.length <= FAN_OUT_LENGTH || part[FAN_OUT_LENGTH] === ".")) {
    throw new PandafestError(
      `The ${where} must be at least ${FAN_OUT_LENGTH + 1} characters long and its third character must not be ".".`,
      { code: "input" },
    );
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
