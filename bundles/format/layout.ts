// The byte layout of a bundle file: magic bytes, version, flags, the three sections and the size limits.
// Browser-safe (DataView); it checks that every length is consistent with the file before anything is read.
import { PandafestError } from "../../engine/core/errors.js";
import { SEAL_OVERHEAD, SIGNATURE_LENGTH } from "./crypto.js";

export const BUNDLE_MAGIC = "PNDFBNDL";
const MAGIC_BYTES = new TextEncoder().encode(BUNDLE_MAGIC);

/** The newest bundle format this code writes and reads. */
export const BUNDLE_FORMAT_VERSION = 1;

/** Flag bit 0: the festival is private; header details, payload and signature are sealed. */
export const FLAG_ENCRYPTED = 0x0000_0001;
/**
 * Flag bit 1: sealed under the festival's member key (its current epoch), not the id-derived key; the clear header
 * also carries the key id and the key sealed to each member. Always with FLAG_ENCRYPTED.
 */
export const FLAG_MEMBER_KEYS = 0x0000_0002;
/** Bits 0-15 must be understood by a reader (unknown ones are refused); bits 16-31 may be ignored. */
export const MUST_UNDERSTAND_FLAGS = 0x0000_ffff;
export const KNOWN_FLAGS = FLAG_ENCRYPTED | FLAG_MEMBER_KEYS;

export const MAX_HEADER_LENGTH = 64 * 1024;
export const MAX_PAYLOAD_SECTION_LENGTH = 512 * 1024 * 1024;

/** magic (8) + version (u16) + flags (u32) */
export const PRELUDE_LENGTH = 14;
const HEADER_LENGTH_FIELD = 4;
const PAYLOAD_LENGTH_FIELD = 8;
export const FIXED_FIELDS_LENGTH = PRELUDE_LENGTH + HEADER_LENGTH_FIELD + PAYLOAD_LENGTH_FIELD; // 26

export function isEncrypted(flags: number): boolean {
  return (flags & FLAG_ENCRYPTED) !== 0;
}

export function hasMemberKeys(flags: number): boolean {
  return (flags & FLAG_MEMBER_KEYS) !== 0;
}

/** The last section: a bare ed25519 signature, or for private bundles a sealed one. */
export function signatureSectionLength(flags: number): number {
  return isEncrypted(flags) ? SIGNATURE_LENGTH + SEAL_OVERHEAD : SIGNATURE_LENGTH;
}

export function bundleLength(headerLength: number, payloadSectionLength: number, flags: number): number {
  return FIXED_FIELDS_LENGTH + headerLength + payloadSectionLength + signatureSectionLength(flags);
}

export function writePrelude(target: Uint8Array, flags: number): void {
  target.set(MAGIC_BYTES, 0);
  const view = new DataView(target.buffer, target.byteOffset, PRELUDE_LENGTH);
  view.setUint16(8, BUNDLE_FORMAT_VERSION);
  view.setUint32(10, flags >>> 0);
}

/** Allocates the whole file once and writes prelude, length fields and the header; the caller fills the rest. */
export function allocateBundle(
  flags: number,
  header: Uint8Array,
  payloadSectionLength: number,
): { bytes: Uint8Array; payloadOffset: number; signatureOffset: number } {
  const bytes = new Uint8Array(bundleLength(header.length, payloadSectionLength, flags));
  writePrelude(bytes, flags);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(PRELUDE_LENGTH, header.length);
  bytes.set(header, PRELUDE_LENGTH + HEADER_LENGTH_FIELD);
  const payloadLengthOffset = PRELUDE_LENGTH + HEADER_LENGTH_FIELD + header.length;
  view.setBigUint64(payloadLengthOffset, BigInt(payloadSectionLength));
  const payloadOffset = payloadLengthOffset + PAYLOAD_LENGTH_FIELD;
  return { bytes, payloadOffset, signatureOffset: payloadOffset + payloadSectionLength };
}

export interface BundlePrelude {
  formatVersion: number;
  flags: number;
  /** The 14 prelude bytes exactly as in the file (they are part of the signed message). */
  bytes: Uint8Array;
}

function refuse(message: string): never {
  throw new PandafestError(message, { code: "input" });
}

const MINIMUM_LENGTH = FIXED_FIELDS_LENGTH + SIGNATURE_LENGTH;

function truncated(expected: string, found: number): never {
  refuse(`bundle is truncated: expected ${expected} bytes, found ${found}`);
}

/** Checks magic bytes, version and flags. */
export function readPrelude(bytes: Uint8Array): BundlePrelude {
  if (bytes.length === 0) refuse("empty file: not a pandafest bundle");
  const magicLength = Math.min(bytes.length, MAGIC_BYTES.length);
  for (let index = 0; index < magicLength; index++) {
    if (bytes[index] !== MAGIC_BYTES[index]) refuse("not a pandafest bundle (wrong magic bytes)");
  }
  if (bytes.length < PRELUDE_LENGTH) truncated(`at least ${MINIMUM_LENGTH}`, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, PRELUDE_LENGTH);
  const formatVersion = view.getUint16(8);
  const flags = view.getUint32(10);
  if (formatVersion === 0) refuse("bundle format version 0 is not valid: the file is damaged");
  if (formatVersion > BUNDLE_FORMAT_VERSION) {
    refuse(
      `bundle format version ${formatVersion} is newer than this pandafest understands ` +
        `(${BUNDLE_FORMAT_VERSION}); update pandafest to read it`,
    );
  }
  const unknown = flags & MUST_UNDERSTAND_FLAGS & ~KNOWN_FLAGS;
  if (unknown !== 0) {
    refuse(
      `bundle uses features this pandafest does not understand (flags 0x${unknown.toString(16).padStart(8, "0")}); ` +
        "update pandafest to read it",
    );
  }
  if (hasMemberKeys(flags) && !isEncrypted(flags)) refuse("bundle has the member-keys flag without the encrypted flag: the file is damaged");
  return { formatVersion, flags, bytes: bytes.subarray(0, PRELUDE_LENGTH) };
}

/** How many bytes from the start of a file hold everything but payload and signature, at most. */
export const MAX_FRONT_LENGTH = FIXED_FIELDS_LENGTH + MAX_HEADER_LENGTH;

/**
 * Finds the header section; refuses a claimed length beyond the limit or the file before reading it.
 * `bytes` may be only the front of a file of `fileLength` bytes (at least MAX_FRONT_LENGTH of it, or all).
 */
export function readHeaderSection(bytes: Uint8Array, fileLength = bytes.length): Uint8Array {
  if (fileLength < PRELUDE_LENGTH + HEADER_LENGTH_FIELD) truncated(`at least ${MINIMUM_LENGTH}`, fileLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(PRELUDE_LENGTH);
  if (headerLength > MAX_HEADER_LENGTH) {
    refuse(`header claims ${headerLength} bytes, more than the ${MAX_HEADER_LENGTH}-byte limit`);
  }
  const start = PRELUDE_LENGTH + HEADER_LENGTH_FIELD;
  if (start + headerLength > fileLength) {
    refuse(`header claims ${headerLength} bytes, more than the file holds (${fileLength} bytes in all)`);
  }
  return bytes.subarray(start, start + headerLength);
}

export interface BundleSections {
  payloadSection: Uint8Array;
  signatureSection: Uint8Array;
}

/**
 * Checks the payload length field: within the limit, and the file ends exactly where the lengths say.
 * `bytes` may be only the front of a file of `fileLength` bytes (see readHeaderSection).
 */
export function readPayloadSectionLength(bytes: Uint8Array, headerLength: number, flags: number, fileLength = bytes.length): number {
  const lengthOffset = PRELUDE_LENGTH + HEADER_LENGTH_FIELD + headerLength;
  if (lengthOffset + PAYLOAD_LENGTH_FIELD > fileLength) {
    truncated(`at least ${bundleLength(headerLength, 0, flags)}`, fileLength);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const claimed = view.getBigUint64(lengthOffset);
  if (claimed > BigInt(MAX_PAYLOAD_SECTION_LENGTH)) {
    refuse(`payload claims ${claimed} bytes, more than the ${MAX_PAYLOAD_SECTION_LENGTH}-byte limit`);
  }
  const payloadLength = Number(claimed);
  const expected = bundleLength(headerLength, payloadLength, flags);
  if (expected > fileLength) truncated(String(expected), fileLength);
  if (expected < fileLength) {
    refuse(
      `bundle has ${fileLength - expected} unexpected bytes after its end ` +
        `(expected ${expected} bytes, found ${fileLength})`,
    );
  }
  return payloadLength;
}

/** Finds payload and signature sections; the file must end exactly where the lengths say. */
export function readBodySections(bytes: Uint8Array, headerLength: number, flags: number): BundleSections {
  const payloadLength = readPayloadSectionLength(bytes, headerLength, flags);
  const payloadStart = PRELUDE_LENGTH + HEADER_LENGTH_FIELD + headerLength + PAYLOAD_LENGTH_FIELD;
  const signatureStart = payloadStart + payloadLength;
  return {
    payloadSection: bytes.subarray(payloadStart, signatureStart),
    signatureSection: bytes.subarray(signatureStart),
  };
}
