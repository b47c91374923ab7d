// The on-disk form of a value stored under a document-chunk key, and its integrity check on the way back.
// Automerge bytes are stored as they are (their own checksums cover them); any other bytes get a checksummed envelope.
import { checkAutomergeChunks, isFramedAsAutomergeChunks } from "./chunk-check.js";

/**
 * automerge-repo only stores Automerge chunks under [doc, "snapshot" | "incremental", hash], but the
 * storage contract lets a caller store any bytes there. Those are wrapped so they can be checked too:
 * "PFVALUE" 0x01 (format 1), first 4 bytes of SHA-256(payload), payload length (u64 little-endian), payload.
 * The envelope cannot be mistaken for Automerge data, which always starts with 0x85.
 */
export const OPAQUE_ENVELOPE_MAGIC: readonly number[] = [0x50, 0x46, 0x56, 0x41, 0x4c, 0x55, 0x45, 0x01];
const ENVELOPE_HEADER_LENGTH = OPAQUE_ENVELOPE_MAGIC.length + 4 + 8;

export type ChunkFileResult = { ok: true; data: Uint8Array } | { ok: false; reason: string };

/** The bytes to write for a chunk value. */
export async function encodeChunkFile(data: Uint8Array): Promise<Uint8Array> {
  if (isFramedAsAutomergeChunks(data)) return data;
  const file = new Uint8Array(ENVELOPE_HEADER_LENGTH + data.length);
  file.set(OPAQUE_ENVELOPE_MAGIC, 0);
  file.set((await sha256(data)).subarray(0, 4), OPAQUE_ENVELOPE_MAGIC.length);
  new DataView(file.buffer).setBigUint64(OPAQUE_ENVELOPE_MAGIC.length + 4, BigInt(data.length), true);
  file.set(data, ENVELOPE_HEADER_LENGTH);
  return file;
}

/**
 * The stored value, or why the file is damaged (truncated, empty, bytes changed). When the key names
 * the value by its SHA-256 (automerge-repo's incremental chunks), `expectedSha256Hex` also catches a
 * file cut exactly between two chunks, which the chunk check alone cannot see.
 */
export async function decodeChunkFile(file: Uint8Array, expectedSha256Hex?: string): Promise<ChunkFileResult> {
  const decoded = await decodeWithoutContentHash(file);
  if (!decoded.ok || expectedSha256Hex === undefined) return decoded;
  const actual = toHex(await sha256(decoded.data));
  if (actual !== expectedSha256Hex) {
    return { ok: false, reason: `content hash ${actual} differs from the hash ${expectedSha256Hex} the key names` };
  }
  return decoded;
}

async function decodeWithoutContentHash(file: Uint8Array): Promise<ChunkFileResult> {
  if (!startsWith(file, OPAQUE_ENVELOPE_MAGIC)) {
    const check = await checkAutomergeChunks(file);
    return check.ok ? { ok: true, data: file } : { ok: false, reason: check.reason };
  }
  if (file.length < ENVELOPE_HEADER_LENGTH) return { ok: false, reason: "truncated: incomplete envelope header" };
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const declaredLength = view.getBigUint64(OPAQUE_ENVELOPE_MAGIC.length + 4, true);
  const actualLength = BigInt(file.length - ENVELOPE_HEADER_LENGTH);
  if (declaredLength !== actualLength) {
    return {
      ok: false,
      reason: `envelope declares ${declaredLength} payload bytes but the file holds ${actualLength}`,
    };
  }
  const payload = file.slice(ENVELOPE_HEADER_LENGTH);
  const stored = file.subarray(OPAQUE_ENVELOPE_MAGIC.length, OPAQUE_ENVELOPE_MAGIC.length + 4);
  const computed = (await sha256(payload)).subarray(0, 4);
  if (!stored.every((byte, i) => byte === computed[i])) return { ok: false, reason: "envelope checksum mismatch" };
  return { ok: true, data: payload };
}

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  const view = data.buffer instanceof ArrayBuffer ? (data as Uint8Array<ArrayBuffer>) : new Uint8Array(data);
  return new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", view));
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}
