// Size bounds for what enters a festival from anywhere (sync peers, bundles, local edits): one change, one value.
// Browser-safe (no Node imports); the sync guard, bundle import and the validators all check through here.
import * as A from "@automerge/automerge";
import { inflatedLength } from "./deflate-length.js";

/** The most bytes one encoded change may take (an imported schedule's first change, the largest pandafest makes, stays well below). */
export const MAX_CHANGE_BYTES = 8 * 1024 * 1024;
/** The most UTF-8 bytes one text value (a field) may hold; the longest text the validators allow fits well within. */
export const MAX_VALUE_BYTES = 64 * 1024;

const encoder = new TextEncoder();

/**
 * Why one encoded change is too big, or undefined when it is within bounds: the change as a whole (inflated,
 * when its columns are deflated: a few hundred compressed bytes can hold a text of megabytes), every text or
 * byte value it writes, and all it inserts into one text or list. A change that does not decode is left to
 * Automerge to refuse.
 */
export function changeSizeProblem(change: Uint8Array): string | undefined {
  if (isDocumentChunk(change)) return documentChunkProblem(change);
  if (change.byteLength > MAX_CHANGE_BYTES) {
    return `a change of ${change.byteLength} bytes (at most ${MAX_CHANGE_BYTES} are accepted)`;
  }
  if (isCompressedChange(change)) {
    const body = compressedBody(change);
    const inflated = body === undefined ? undefined : inflatedLength(body, MAX_CHANGE_BYTES);
    if (inflated !== undefined && !inflated.ok) {
      return `a compressed change that ${inflated.reason.replace(/^it /, "")} (at most ${MAX_CHANGE_BYTES} are accepted)`;
    }
  } else if (change.byteLength <= MAX_VALUE_BYTES) {
    return undefined; // an uncompressed change cannot write more value bytes than it holds
  }
  let decoded: A.DecodedChange;
  try {
    decoded = A.decodeChange(change);
  } catch {
    return undefined;
  }
  const insertedInto = new Map<string, number>();
  for (const op of decoded.ops) {
    const size = valueBytes((op as { value?: unknown }).value);
    if (size > MAX_VALUE_BYTES) {
      const where = typeof op.key === "string" ? ` to "${op.key.slice(0, 40)}"` : "";
      return `a change writing ${size} bytes${where} in one value (at most ${MAX_VALUE_BYTES} are accepted)`;
    }
    if (size > 0 && (op as { insert?: boolean }).insert === true) {
      const total = (insertedInto.get(op.obj) ?? 0) + size;
      if (total > MAX_VALUE_BYTES) return `a change inserting more than ${MAX_VALUE_BYTES} bytes into one text or list (at most ${MAX_VALUE_BYTES} are accepted)`;
      insertedInto.set(op.obj, total);
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

/** What a sync message carries: the first change over the size bounds (if any) and the bytes of all its changes. */
export interface SyncMessageSizes {
  problem: string | undefined;
  changeBytes: number;
}

/** The sizes of an Automerge sync message's changes (nothing, when it does not decode: Automerge refuses it). */
export function syncMessageSizes(message: Uint8Array): SyncMessageSizes {
  let changes: Uint8Array[];
  try {
    changes = A.decodeSyncMessage(message).changes;
  } catch {
    return { problem: undefined, changeBytes: 0 };
  }
  return { problem: checkChangeSizes(changes), changeBytes: changes.reduce((total, change) => total + change.byteLength, 0) };
}

/** Why an Automerge sync message carries a change that is too big, or undefined (also when it does not decode). */
export function syncMessageSizeProblem(message: Uint8Array): string | undefined {
  return syncMessageSizes(message).problem;
}

/** A change chunk whose columns are deflated (type 2): its values may be far longer than the chunk. */
function isCompressedChange(chunk: Uint8Array): boolean {
  return chunk.byteLength > 8 && chunk[8] === 2;
}

/** The raw deflate data of a compressed change chunk (after magic, checksum, type and the LEB128 length), or undefined. */
function compressedBody(chunk: Uint8Array): Uint8Array | undefined {
  let length = 0;
  let scale = 1;
  for (let index = 9; index < Math.min(chunk.byteLength, 9 + 5); index++) {
    const byte = chunk[index];
    length += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) {
      const start = index + 1;
      return start + length <= chunk.byteLength ? chunk.subarray(start, start + length) : undefined;
    }
  }
  return undefined;
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
