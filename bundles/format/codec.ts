// Packing and unpacking bundle files: encodeBundle signs (and for private festivals seals) a payload;
// decodeBundle verifies everything and returns it. Browser-safe; the payload is copied once each way.
import { PandafestError } from "../../engine/core/errors.js";
import type { Visibility } from "../../engine/core/schema.js";
import {
  PUBLIC_KEY_LENGTH,
  SEAL_OVERHEAD,
  SECRET_KEY_LENGTH,
  festivalSecretKey,
  fromHex,
  openSealed,
  seal,
  sealInto,
  sha256Hex,
  signDetached,
  toHex,
  verifyDetached,
} from "./crypto.js";
import { discoveryKey } from "./discovery.js";
import {
  type BundleHeader,
  type BundleKind,
  type ClearPrivateHeader,
  type MemberKeysClearHeader,
  bundleKind,
  decodeHeader,
  decodeSealedClearHeader,
  encodeClearPrivateHeader,
  encodeHeader,
  encodeMemberKeysClearHeader,
  validateHeader,
} from "./header.js";
import { type BundleKeys, FestivalKeyNotHeld, type MemberSealing, sealEnvelopes } from "./member-keys.js";
import {
  FLAG_ENCRYPTED,
  FLAG_MEMBER_KEYS,
  hasMemberKeys,
  MAX_HEADER_LENGTH,
  MAX_PAYLOAD_SECTION_LENGTH,
  PRELUDE_LENGTH,
  allocateBundle,
  isEncrypted,
  readBodySections,
  readHeaderSection,
  readPayloadSectionLength,
  readPrelude,
  writePrelude,
} from "./layout.js";

export interface CarrierKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export interface BundleInput {
  festivalId: string;
  visibility: Visibility;
  carrier: CarrierKeyPair;
  prerequisites: readonly string[];
  heads: readonly string[];
  changeCount: number;
  /** Automerge bytes: save() for a full bundle, saveSince(prerequisites) for an incremental one. */
  payload: Uint8Array;
  /** Milliseconds since 1970; defaults to now. */
  createdAt?: number;
  /**
   * A private festival whose bundles go to its members only (memberSealingFor): sealed under this key, with an
   * envelope per member (flag member-keys). Absent: a private festival's bundle is sealed with the id-derived key.
   */
  sealing?: MemberSealing;
}

export interface DecodedBundle {
  formatVersion: number;
  flags: number;
  visibility: Visibility;
  kind: BundleKind;
  header: BundleHeader;
  /** The plaintext payload (its own copy, not a view of the file bytes). */
  payload: Uint8Array;
  /** member-keys bundles: the id of the key it is sealed under, and how many envelopes it carries */
  keyId?: string;
  envelopeCount?: number;
}

/** Tells a reader which festival a private bundle's discovery key belongs to, among those it knows. */
export type FestivalIdLookup = (discoveryKey: string) => string | undefined;

export interface DecodeOptions {
  festivalIdFor?: FestivalIdLookup;
  /** the member keys this reader holds, and its identity to open envelopes with (member-keys bundles) */
  keys?: BundleKeys;
}

function refuse(message: string): never {
  throw new PandafestError(message, { code: "input" });
}

function sameBytes(left: Uint8Array, right: Uint8Array): boolean {
  return left.length === right.length && left.every((byte, index) => byte === right[index]);
}

function checkCarrier(carrier: CarrierKeyPair): void {
  if (carrier.publicKey.length !== PUBLIC_KEY_LENGTH) {
    refuse(`cannot pack bundle: carrier public key must be ${PUBLIC_KEY_LENGTH} bytes`);
  }
  if (carrier.secretKey.length !== SECRET_KEY_LENGTH) {
    refuse(`cannot pack bundle: carrier secret key must be ${SECRET_KEY_LENGTH} bytes (tweetnacl sign key pair)`);
  }
  if (!sameBytes(carrier.secretKey.subarray(PUBLIC_KEY_LENGTH), carrier.publicKey)) {
    refuse("cannot pack bundle: carrier secret key does not belong to the carrier public key");
  }
}

/** The message the carrier signs: the 14 prelude bytes followed by the canonical header bytes. */
function signedMessage(prelude: Uint8Array, header: Uint8Array): Uint8Array {
  const message = new Uint8Array(prelude.length + header.length);
  message.set(prelude, 0);
  message.set(header, prelude.length);
  return message;
}

export function encodeBundle(input: BundleInput): Uint8Array {
  if (input.visibility !== "public" && input.visibility !== "private") {
    refuse(`cannot pack bundle: visibility must be "public" or "private", not ${JSON.stringify(input.visibility)}`);
  }
  checkCarrier(input.carrier);
  const encrypted = input.visibility === "private";
  const payloadSectionLength = input.payload.length + (encrypted ? SEAL_OVERHEAD : 0);
  if (payloadSectionLength > MAX_PAYLOAD_SECTION_LENGTH) {
    refuse(`cannot pack bundle: payload of ${input.payload.length} bytes is over the ${MAX_PAYLOAD_SECTION_LENGTH}-byte limit`);
  }
  const header = validateHeader({
    festivalId: input.festivalId,
    discoveryKey: discoveryKey(input.festivalId),
    createdAt: input.createdAt ?? Date.now(),
    carrierPublicKey: toHex(input.carrier.publicKey),
    prerequisites: [...input.prerequisites],
    heads: [...input.heads],
    changeCount: input.changeCount,
    payloadLength: input.payload.length,
    payloadHash: sha256Hex(input.payload),
  });
  const sealing = encrypted ? input.sealing : undefined;
  const flags = encrypted ? FLAG_ENCRYPTED | (sealing === undefined ? 0 : FLAG_MEMBER_KEYS) : 0;
  const headerBytes = encodeHeader(header);
  const prelude = new Uint8Array(PRELUDE_LENGTH);
  writePrelude(prelude, flags);
  const signature = signDetached(signedMessage(prelude, headerBytes), input.carrier.secretKey);

  if (!encrypted) {
    checkHeaderFits(headerBytes.length);
    const { bytes, payloadOffset, signatureOffset } = allocateBundle(flags, headerBytes, payloadSectionLength);
    bytes.set(input.payload, payloadOffset);
    bytes.set(signature, signatureOffset);
    return bytes;
  }
  const key = sealing?.key ?? festivalSecretKey(header.festivalId);
  const sealedHeader = toHex(seal(headerBytes, key));
  const clearHeader =
    sealing === undefined
      ? encodeClearPrivateHeader({ discoveryKey: header.discoveryKey, sealedHeader })
      : encodeMemberKeysClearHeader({ discoveryKey: header.discoveryKey, keyId: sealing.keyId, envelopes: sealEnvelopes(sealing), sealedHeader });
  checkHeaderFits(clearHeader.length);
  const { bytes, payloadOffset, signatureOffset } = allocateBundle(flags, clearHeader, payloadSectionLength);
  sealInto(input.payload, key, bytes, payloadOffset);
  sealInto(signature, key, bytes, signatureOffset);
  return bytes;
}

function checkHeaderFits(length: number): void {
  if (length > MAX_HEADER_LENGTH) {
    refuse(`cannot pack bundle: header of ${length} bytes is over the ${MAX_HEADER_LENGTH}-byte limit (too many heads)`);
  }
}

/** What a reader has learnt so far; filled in stage by stage, so inspection can show what was readable. */
export interface BundleReading {
  byteLength: number;
  formatVersion?: number;
  flags?: number;
  visibility?: Visibility;
  discoveryKey?: string;
  headerSectionLength?: number;
  payloadSectionLength?: number;
  /** member-keys bundles: the key id and the number of envelopes, readable by anyone */
  keyId?: string;
  envelopeCount?: number;
  /** Present once the header was read (for private bundles: decrypted). Trust it only if the read completed. */
  header?: BundleHeader;
}

/** The festival id for a private bundle; an answer whose discovery key differs counts as unknown. */
function lookUpFestival(key: string, options: DecodeOptions): string {
  const festivalId = options.festivalIdFor?.(key);
  if (festivalId === undefined || discoveryKey(festivalId) !== key) {
    refuse(`private bundle of a festival not known here (discovery key ${key.slice(0, 16)}…): join the festival to read it`);
  }
  return festivalId;
}

/** The opened parts of a private bundle: its festival key, inner header and signature. */
interface OpenedPrivateBundle {
  key: Uint8Array;
  headerBytes: Uint8Array;
  header: BundleHeader;
  signature: Uint8Array;
}

function isMemberKeysHeader(header: ClearPrivateHeader | MemberKeysClearHeader): header is MemberKeysClearHeader {
  return "keyId" in header;
}

/** The key that opens a private bundle: the id-derived one, or for member-keys a key held or opened from an envelope. */
function bundleKey(festivalId: string, clearHeader: ClearPrivateHeader | MemberKeysClearHeader, options: DecodeOptions): Uint8Array {
  if (!isMemberKeysHeader(clearHeader)) return festivalSecretKey(festivalId);
  const key = options.keys?.keyFor(festivalId, clearHeader.keyId, clearHeader.envelopes);
  if (key === undefined) throw new FestivalKeyNotHeld(festivalId, clearHeader.keyId);
  return key;
}

function openPrivateBundle(
  clearHeader: ClearPrivateHeader | MemberKeysClearHeader,
  signatureSection: Uint8Array,
  options: DecodeOptions,
): OpenedPrivateBundle {
  const festivalId = lookUpFestival(clearHeader.discoveryKey, options);
  const key = bundleKey(festivalId, clearHeader, options);
  const sealedHeader = fromHex(clearHeader.sealedHeader);
  const headerBytes = sealedHeader === undefined ? undefined : openSealed(sealedHeader, key);
  if (headerBytes === undefined) refuse("private bundle header could not be decrypted: the file is damaged");
  const header = decodeHeader(headerBytes);
  if (header.festivalId !== festivalId) refuse("private bundle header names another festival than its discovery key");
  const signature = openSealed(signatureSection, key);
  if (signature === undefined) refuse("private bundle signature could not be decrypted: the file is damaged");
  return { key, headerBytes, header, signature };
}

/** The shortest canonical header there can be; a sealed header is never shorter than this sealed. */
const SHORTEST_HEADER_LENGTH = encodeHeader({
  festivalId: "1",
  discoveryKey: "0".repeat(64),
  createdAt: 0,
  carrierPublicKey: "0".repeat(64),
  prerequisites: [],
  heads: [],
  changeCount: 0,
  payloadLength: 0,
  payloadHash: "0".repeat(64),
}).length;

export interface SealedFront {
  discoveryKey: string;
  headerSectionLength: number;
  payloadSectionLength: number;
}

/**
 * What can be checked of a private bundle without its festival id, from the front of the file only (its
 * first MAX_FRONT_LENGTH bytes, or all of it): prelude, canonical clear header, a sealed header and payload
 * at least as long as sealing makes them, and a file that ends exactly where the lengths say.
 */
export function checkSealedFront(front: Uint8Array, fileLength: number): SealedFront {
  const prelude = readPrelude(front);
  if (!isEncrypted(prelude.flags)) refuse("not a private bundle: it is not sealed");
  const headerSection = readHeaderSection(front, fileLength);
  const clearHeader = decodeSealedClearHeader(headerSection, hasMemberKeys(prelude.flags));
  if (clearHeader.sealedHeader.length < 2 * (SHORTEST_HEADER_LENGTH + SEAL_OVERHEAD)) {
    refuse("private bundle header is too short to hold a sealed header: the file is damaged");
  }
  const payloadSectionLength = readPayloadSectionLength(front, headerSection.length, prelude.flags, fileLength);
  if (payloadSectionLength < SEAL_OVERHEAD) refuse("private bundle payload is too short to be sealed: the file is damaged");
  return { discoveryKey: clearHeader.discoveryKey, headerSectionLength: headerSection.length, payloadSectionLength };
}

/**
 * Reads and verifies a bundle, recording each verified stage in `reading`. Throws PandafestError with a
 * one-line reason at the first problem. Order: framing, header, lengths, decryption, payload, signature.
 */
export function readBundle(bytes: Uint8Array, options: DecodeOptions, reading: BundleReading): DecodedBundle {
  const prelude = readPrelude(bytes);
  reading.formatVersion = prelude.formatVersion;
  reading.flags = prelude.flags;
  const encrypted = isEncrypted(prelude.flags);
  reading.visibility = encrypted ? "private" : "public";

  const headerSection = readHeaderSection(bytes);
  reading.headerSectionLength = headerSection.length;
  const clearHeader = encrypted ? decodeSealedClearHeader(headerSection, hasMemberKeys(prelude.flags)) : undefined;
  const publicHeader = encrypted ? undefined : decodeHeader(headerSection);
  reading.header = publicHeader;
  reading.discoveryKey = clearHeader?.discoveryKey ?? publicHeader?.discoveryKey;
  if (clearHeader !== undefined && isMemberKeysHeader(clearHeader)) {
    reading.keyId = clearHeader.keyId;
    reading.envelopeCount = clearHeader.envelopes.length;
  }

  const { payloadSection, signatureSection } = readBodySections(bytes, headerSection.length, prelude.flags);
  reading.payloadSectionLength = payloadSection.length;

  const opened = clearHeader === undefined ? undefined : openPrivateBundle(clearHeader, signatureSection, options);
  const key = opened?.key;
  const headerBytes = opened?.headerBytes ?? headerSection;
  const signature = opened?.signature ?? signatureSection;
  const header = opened?.header ?? publicHeader;
  if (header === undefined) refuse("bundle header could not be read");
  reading.header = header;

  const payload = key === undefined ? payloadSection : openSealed(payloadSection, key);
  if (payload === undefined) refuse("private bundle payload could not be decrypted: the file is damaged");
  if (payload.length !== header.payloadLength) {
    refuse(`payload is ${payload.length} bytes but the header says ${header.payloadLength}`);
  }
  if (sha256Hex(payload) !== header.payloadHash) refuse("payload hash mismatch");

  // Last, as it is the slowest check on a small bundle (about 6 ms with tweetnacl); all checks must pass.
  const carrierKey = fromHex(header.carrierPublicKey);
  if (carrierKey === undefined || !verifyDetached(signedMessage(prelude.bytes, headerBytes), signature, carrierKey)) {
    refuse("signature does not match the carrier key");
  }

  return {
    formatVersion: prelude.formatVersion,
    flags: prelude.flags,
    visibility: reading.visibility,
    kind: bundleKind(header),
    header,
    // A sealed payload was decrypted into fresh memory; a clear one is copied out of the file bytes.
    payload: key === undefined ? new Uint8Array(payload) : payload,
    ...(reading.keyId === undefined ? {} : { keyId: reading.keyId, envelopeCount: reading.envelopeCount }),
  };
}

/** Fully verifies a bundle file and returns its header and plaintext payload, or throws PandafestError. */
export function decodeBundle(bytes: Uint8Array, options: DecodeOptions = {}): DecodedBundle {
  return readBundle(bytes, options, { byteLength: bytes.length });
}
