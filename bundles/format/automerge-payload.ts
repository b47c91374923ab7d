// The Automerge bytes inside a bundle payload: splits them into chunks and decodes the changes of an
// incremental payload, strictly (a damaged chunk is an error, never silently skipped). Browser-safe.
import * as A from "@automerge/automerge";
import { PandafestError } from "../../engine/core/errors.js";
import { type SoleOperation, soleOperationOf } from "../../engine/core/provenance.js";
import { sha256Bytes } from "./crypto.js";

/** Every Automerge chunk starts with these four bytes. */
const CHUNK_MAGIC = [0x85, 0x6f, 0x4a, 0x83] as const;
const CHECKSUM_LENGTH = 4;
/** magic (4) + checksum (4) + chunk type (1) */
const CHUNK_PREFIX_LENGTH = 9;
/** A chunk length is a uLEB128 number; payloads are at most 512 MiB, so 5 bytes always suffice. */
const MAX_LENGTH_BYTES = 5;

export const CHUNK_TYPE_DOCUMENT = 0;
export const CHUNK_TYPE_CHANGE = 1;
export const CHUNK_TYPE_COMPRESSED_CHANGE = 2;

export interface AutomergeChunk {
  type: number;
  /** the whole chunk, magic bytes included (a view into the payload) */
  bytes: Uint8Array;
  /** the bytes the checksum covers: type, length and contents */
  checked: Uint8Array;
  /** the contents: what follows the type byte and the length */
  body: Uint8Array;
  checksum: Uint8Array;
}

/** One change of an incremental payload, as Automerge decodes it. */
export interface PayloadChange {
  hash: string;
  actor: string;
  seq: number;
  deps: string[];
  /** the counter of its first op, and how many ops it holds */
  startOp: number;
  operations: number;
  /** its one operation when it holds exactly one (what an attestation write holds), else null */
  sole: SoleOperation | null;
  /** the encoded change, ready for A.applyChanges */
  bytes: Uint8Array;
}

function notAutomerge(detail: string): never {
  throw new PandafestError(`bundle payload is not valid Automerge data: ${detail}`, { code: "input" });
}

/** Splits a payload into its chunks, checking the framing (magic bytes, lengths) only. */
export function splitAutomergeChunks(payload: Uint8Array): AutomergeChunk[] {
  if (payload.length === 0) notAutomerge("it is empty");
  const chunks: AutomergeChunk[] = [];
  let offset = 0;
  while (offset < payload.length) {
    if (payload.length - offset < CHUNK_PREFIX_LENGTH + 1) notAutomerge(`chunk at byte ${offset} is truncated`);
    for (let index = 0; index < CHUNK_MAGIC.length; index++) {
      if (payload[offset + index] !== CHUNK_MAGIC[index]) notAutomerge(`no chunk starts at byte ${offset}`);
    }
    const type = payload[offset + 8];
    let length = 0;
    let position = offset + CHUNK_PREFIX_LENGTH;
    for (let index = 0; ; index++) {
      if (index >= MAX_LENGTH_BYTES || position >= payload.length) notAutomerge(`chunk at byte ${offset} has a bad length`);
      const byte = payload[position++];
      length += (byte & 0x7f) * 2 ** (7 * index);
      if ((byte & 0x80) === 0) break;
    }
    const end = position + length;
    if (end > payload.length) notAutomerge(`chunk at byte ${offset} claims ${length} bytes, more than the payload holds`);
    chunks.push({
      type,
      bytes: payload.subarray(offset, end),
      checked: payload.subarray(offset + 8, end),
      body: payload.subarray(position, end),
      checksum: payload.subarray(offset + 4, offset + 4 + CHECKSUM_LENGTH),
    });
    offset = end;
  }
  return chunks;
}

/**
 * Checks framing and (unless told not to) the checksum of every uncompressed chunk without loading
 * anything: a cheap proof that the payload is intact Automerge data, used when its changes are all known.
 */
export function checkAutomergeFraming(payload: Uint8Array, options: { checksums?: boolean } = {}): void {
  for (const chunk of splitAutomergeChunks(payload)) {
    if (chunk.type !== CHUNK_TYPE_DOCUMENT && chunk.type !== CHUNK_TYPE_CHANGE && chunk.type !== CHUNK_TYPE_COMPRESSED_CHANGE) {
      notAutomerge(`unknown chunk type ${chunk.type}`);
    }
    if (options.checksums ?? true) checkChecksum(chunk);
  }
}

/** Uncompressed chunks carry the first 4 bytes of SHA-256 over type, length and contents. */
function checkChecksum(chunk: AutomergeChunk): void {
  if (chunk.type === CHUNK_TYPE_COMPRESSED_CHANGE) return; // its checksum covers the uncompressed bytes; decoding checks it
  const digest = sha256Bytes(chunk.checked);
  for (let index = 0; index < CHECKSUM_LENGTH; index++) {
    if (digest[index] !== chunk.checksum[index]) notAutomerge("a chunk checksum does not match (the data is damaged)");
  }
}

/** Decodes every change of an incremental payload (change chunks only); throws on any damaged chunk. */
export function decodePayloadChanges(payload: Uint8Array): PayloadChange[] {
  const changes: PayloadChange[] = [];
  for (const chunk of splitAutomergeChunks(payload)) {
    if (chunk.type === CHUNK_TYPE_DOCUMENT) notAutomerge("an incremental bundle must hold changes, not a whole document");
    if (chunk.type !== CHUNK_TYPE_CHANGE && chunk.type !== CHUNK_TYPE_COMPRESSED_CHANGE) notAutomerge(`unknown chunk type ${chunk.type}`);
    checkChecksum(chunk);
    const bytes = chunk.bytes.slice();
    let decoded: A.DecodedChange;
    try {
      decoded = A.decodeChange(bytes);
    } catch (cause) {
      throw new PandafestError(`bundle payload is not valid Automerge data: ${messageOf(cause)}`, { code: "input", cause });
    }
    changes.push({
      hash: decoded.hash,
      actor: decoded.actor,
      seq: decoded.seq,
      deps: [...decoded.deps],
      startOp: decoded.startOp,
      operations: decoded.ops.length,
      sole: soleOperationOf(decoded),
      bytes,
    });
  }
  return changes;
}

export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0].slice(0, 200);
}
