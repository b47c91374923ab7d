// Checks that bytes are a complete, uncorrupted sequence of Automerge storage chunks (framing and checksums).
// Browser-safe (Web Crypto and DecompressionStream only); used on load to tell torn or damaged chunk files apart.
import { concatBytes } from "../../internals/bytes.js";

/** The four bytes every Automerge chunk starts with. */
export const AUTOMERGE_MAGIC_BYTES: readonly number[] = [0x85, 0x6f, 0x4a, 0x83];

/** Chunk types Automerge 3 writes: a whole document, one change, one deflate-compressed change, a bundle. */
export const AUTOMERGE_CHUNK_TYPES = { document: 0, change: 1, compressedChange: 2, bundle: 3 } as const;

/** Inflating a compressed change stops with an error beyond this many bytes. */
export const DEFAULT_MAX_INFLATED_BYTES = 256 * 1024 * 1024;

const HEADER_PREFIX_LENGTH = 9; // magic (4) + checksum (4) + chunk type (1)
const MAX_LEB128_BYTES = 10;

export interface ChunkSummary {
  /** Byte offset of the chunk's magic bytes. */
  offset: number;
  /** 0 document, 1 change, 2 compressed change, 3 bundle. */
  type: number;
  /** Total length of the chunk including its header. */
  length: number;
}

export type ChunkCheckResult =
  | { ok: true; chunks: ChunkSummary[] }
  | { ok: false; reason: string; offset: number };

export interface ChunkCheckOptions {
  maxInflatedBytes?: number;
}

/**
 * Walks `bytes` chunk by chunk: magic bytes, 4-byte checksum, chunk type, uLEB128 body length, body.
 * Every chunk must be complete and its checksum must equal the first 4 bytes of SHA-256 over
 * type + length + body, as Automerge computes it (for a compressed change: over the type byte of a
 * plain change, the inflated length and the inflated body). Empty input is not a valid chunk file.
 */
export async function checkAutomergeChunks(
  bytes: Uint8Array,
  options: ChunkCheckOptions = {},
): Promise<ChunkCheckResult> {
  if (bytes.length === 0) return { ok: false, reason: "the file is empty", offset: 0 };
  const maxInflatedBytes = options.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES;
  const chunks: ChunkSummary[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const result = await checkOneChunk(bytes, offset, maxInflatedBytes);
    if (!result.ok) return result;
    chunks.push(result.chunk);
    offset += result.chunk.length;
  }
  return { ok: true, chunks };
}

/**
 * Framing only, no hashing: true when `bytes` is a non-empty run of complete chunks with the magic
 * bytes and a known type. Says that the bytes are meant to be Automerge data, not that they are intact.
 */
export function isFramedAsAutomergeChunks(bytes: Uint8Array): boolean {
  return frameAutomergeChunks(bytes) !== undefined;
}

/**
 * Framing only, no hashing: where each chunk of a non-empty run of complete chunks starts, its type and
 * length; undefined when the bytes are not such a run.
 */
export function frameAutomergeChunks(bytes: Uint8Array): ChunkSummary[] | undefined {
  if (bytes.length === 0) return undefined;
  const chunks: ChunkSummary[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < HEADER_PREFIX_LENGTH + 1) return undefined;
    if (!AUTOMERGE_MAGIC_BYTES.every((byte, i) => bytes[offset + i] === byte)) return undefined;
    const type = bytes[offset + 8];
    if (!isKnownChunkType(type)) return undefined;
    const length = readUleb128(bytes, offset + HEADER_PREFIX_LENGTH);
    if (!length.ok) return undefined;
    const chunkLength = HEADER_PREFIX_LENGTH + length.byteCount + length.value;
    chunks.push({ offset, type, length: chunkLength });
    offset += chunkLength;
  }
  return offset === bytes.length ? chunks : undefined;
}

type OneChunkResult = { ok: true; chunk: ChunkSummary } | { ok: false; reason: string; offset: number };

async function checkOneChunk(bytes: Uint8Array, offset: number, maxInflatedBytes: number): Promise<OneChunkResult> {
  const fail = (reason: string): OneChunkResult => ({ ok: false, reason, offset });
  if (bytes.length - offset < HEADER_PREFIX_LENGTH + 1) {
    return fail(`truncated: chunk header at byte ${offset} is incomplete (${bytes.length - offset} bytes left)`);
  }
  for (let i = 0; i < AUTOMERGE_MAGIC_BYTES.length; i++) {
    if (bytes[offset + i] !== AUTOMERGE_MAGIC_BYTES[i]) return fail(`no Automerge magic bytes at byte ${offset}`);
  }
  const storedChecksum = bytes.subarray(offset + 4, offset + 8);
  const type = bytes[offset + 8];
  if (!isKnownChunkType(type)) {
    return fail(`unknown chunk type ${type} at byte ${offset}`);
  }
  const length = readUleb128(bytes, offset + HEADER_PREFIX_LENGTH);
  if (!length.ok) return fail(`${length.reason} in the chunk header at byte ${offset}`);
  const bodyStart = offset + HEADER_PREFIX_LENGTH + length.byteCount;
  const bodyEnd = bodyStart + length.value;
  if (bodyEnd > bytes.length) {
    return fail(
      `truncated: chunk at byte ${offset} declares ${length.value} body bytes but only ${bytes.length - bodyStart} remain`,
    );
  }

  let hashed: Uint8Array;
  if (type === AUTOMERGE_CHUNK_TYPES.compressedChange) {
    const inflated = await inflateRaw(bytes.subarray(bodyStart, bodyEnd), maxInflatedBytes);
    if (!inflated.ok) return fail(`compressed chunk at byte ${offset} does not inflate: ${inflated.reason}`);
    hashed = concatBytes([Uint8Array.of(AUTOMERGE_CHUNK_TYPES.change), encodeUleb128(inflated.value.length), inflated.value]);
  } else {
    hashed = bytes.subarray(offset + 8, bodyEnd); // type + length + body, contiguous in the chunk
  }
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", toArrayBufferView(hashed)));
  const computedChecksum = digest.subarray(0, 4);
  if (!bytesEqual(storedChecksum, computedChecksum)) {
    return fail(
      `checksum mismatch in chunk at byte ${offset} (stored ${toHex(storedChecksum)}, computed ${toHex(computedChecksum)})`,
    );
  }
  return { ok: true, chunk: { offset, type, length: bodyEnd - offset } };
}

function isKnownChunkType(type: number): boolean {
  return Object.values(AUTOMERGE_CHUNK_TYPES).some((known) => known === type);
}

type Uleb128Result = { ok: true; value: number; byteCount: number } | { ok: false; reason: string };

function readUleb128(bytes: Uint8Array, start: number): Uleb128Result {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_LEB128_BYTES; i++) {
    const index = start + i;
    if (index >= bytes.length) return { ok: false, reason: "truncated: incomplete length" };
    const byte = bytes[index];
    value += (byte & 0x7f) * scale;
    if (!Number.isSafeInteger(value)) return { ok: false, reason: "impossible length" };
    if ((byte & 0x80) === 0) return { ok: true, value, byteCount: i + 1 };
    scale *= 128;
  }
  return { ok: false, reason: "overlong length" };
}

function encodeUleb128(value: number): Uint8Array {
  const out: number[] = [];
  let rest = value;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    out.push(byte);
  } while (rest > 0);
  return Uint8Array.from(out);
}

type InflateResult = { ok: true; value: Uint8Array } | { ok: false; reason: string };

async function inflateRaw(compressed: Uint8Array, maxInflatedBytes: number): Promise<InflateResult> {
  const stream = new DecompressionStream("deflate-raw");
  const writer = stream.writable.getWriter();
  // Failures surface on the reading side; the writer's own promises only need to be settled.
  writer.write(toArrayBufferView(compressed)).catch(() => undefined);
  writer.close().catch(() => undefined);
  const reader = stream.readable.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxInflatedBytes) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, reason: `inflates to more than ${maxInflatedBytes} bytes` };
      }
      parts.push(value);
    }
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  return { ok: true, value: concatBytes(parts) };
}


/** Web APIs want views over a plain ArrayBuffer; copy only when the bytes live elsewhere. */
function toArrayBufferView(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
