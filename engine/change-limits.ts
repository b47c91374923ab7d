// Size bounds for what enters a festival from anywhere (sync peers, bundles, local edits): one change, one value.
// Browser-safe (no Node imports); the sync guard, bundle import and the validators all check through here.
import * as A from "@automerge/automerge";

/** The most bytes one encoded change may take (an imported schedule's first change, the largest pandafest makes, stays well below). */
export const MAX_CHANGE_BYTES = 8 * 1024 * 1024;
/** The most UTF-8 bytes one text value (a field) may hold; the longest text the validators allow fits well within. */
export const MAX_VALUE_BYTES = 64 * 1024;

const encoder = new TextEncoder();

/**
 * Why one encoded change is too big, or undefined when it is within bounds: the change as a whole, and every
 * text or byte value it writes. A change that does not decode is left to Automerge to refuse.
 */
export function changeSizeProblem(change: Uint8Array): string | undefined {
  if (isDocumentChunk(change)) return documentChunkProblem(change);
  if (change.byteLength > MAX_CHANGE_BYTES) {
    return `a change of ${change.byteLength} bytes (at most ${MAX_CHANGE_BYTES} are accepted)`;
  }
  let decoded: A.DecodedChange;
  try {
    decoded = A.decodeChange(change);
  } catch {
    return undefined;
  }
  for (const op of decoded.ops) {
    const size = valueBytes((op as { value?: unknown }).value);
    if (size > MAX_VALUE_BYTES) {
      const where = typeof op.key === "string" ? ` to "${op.key.slice(0, 40)}"` : "";
      return `a change writing ${size} bytes${where} in one value (at most ${MAX_VALUE_BYTES} are accepted)`;
    }
  }
  return undefined;
}

/** The first problem among several changes (see changeSizeProblem), or undefined when all are within bounds. */
export function checkChangeSizes(changes: Iterable<Uint8Array>): string | undefined {
  for (const change of changes) {
    const problem = changeSizeProblem(change);
    if (problem) return problem;
  }
  return undefined;
}

/** Why an Automerge sync message carries a change that is too big, or undefined (also when it does not decode). */
export function syncMessageSizeProblem(message: Uint8Array): string | undefined {
  let changes: Uint8Array[];
  try {
    changes = A.decodeSyncMessage(message).changes;
  } catch {
    return undefined;
  }
  return checkChangeSizes(changes);
}

/** Byte 8 of an Automerge chunk is its type: 0 a whole document (sent by sync version 2 to a peer that has nothing), 1 or 2 a change. */
function isDocumentChunk(chunk: Uint8Array): boolean {
  return chunk.byteLength > 8 && chunk[8] === 0;
}

/** A whole document in a sync message is checked change by change, as if its changes had come one by one. */
function documentChunkProblem(chunk: Uint8Array): string | undefined {
  let changes: Uint8Array[];
  try {
    changes = A.getAllChanges(A.load(chunk));
  } catch {
    return undefined;
  }
  for (const change of changes) {
    const problem = changeSizeProblem(change);
    if (problem) return problem;
  }
  return undefined;
}

function valueBytes(value: unknown): number {
  if (typeof value === "string") return value.length * 3 <= MAX_VALUE_BYTES ? value.length : encoder.encode(value).byteLength;
  if (value instanceof Uint8Array) return value.byteLength;
  return 0;
}
