// The bundle header: its fields, their validation, and the canonical JSON bytes that the carrier signs.
// Browser-safe. One header has exactly one valid byte form, so a reader re-serialises and compares.
import { PandafestError } from "../../engine/core/errors.js";
import { SHA256_HEX_PATTERN } from "./crypto.js";
import { discoveryKey } from "./discovery.js";
import { MAX_PAYLOAD_SECTION_LENGTH } from "./layout.js";

/** Everything a bundle says about itself. All hex is lower case. */
export interface BundleHeader {
  /** The automerge-repo DocumentId of the festival (base58). */
  festivalId: string;
  /** discoveryKey(festivalId), 64 hex characters. */
  discoveryKey: string;
  /** When the carrier packed the bundle, milliseconds since 1970 (UTC). */
  createdAt: number;
  /** The carrier's ed25519 public key, 64 hex characters. */
  carrierPublicKey: string;
  /** Heads the receiver must already have; empty for a full bundle. */
  prerequisites: string[];
  /** Heads of the festival once the payload is applied. */
  heads: string[];
  /** Number of Automerge changes in the payload. */
  changeCount: number;
  /** Length of the (plaintext) payload in bytes. */
  payloadLength: number;
  /** SHA-256 of the (plaintext) payload, 64 hex characters. */
  payloadHash: string;
}

/** The header of a private bundle as it is stored in the clear. */
export interface ClearPrivateHeader {
  discoveryKey: string;
  /** Hex of a sealed section (nonce + secretbox) holding the canonical BundleHeader bytes. */
  sealedHeader: string;
}

/**
 * The clear header of a bundle sealed under a member key (flags encrypted and member-keys): the key's public id
 * and the key sealed to each member (envelopes, sorted), beside the discovery key and the sealed header.
 */
export interface MemberKeysClearHeader extends ClearPrivateHeader {
  /** festivalKeyId of the key that seals header, payload and signature: 32 hex */
  keyId: string;
  /** hex of the key sealed to each member (sealKeyTo: 104 bytes each), distinct, in ascending order */
  envelopes: string[];
}

export type BundleKind = "full" | "incremental";

export function bundleKind(header: { prerequisites: readonly string[] }): BundleKind {
  return header.prerequisites.length === 0 ? "full" : "incremental";
}

const BASE58_PATTERN = /^[1-9A-HJ-NP-Za-km-z]{1,100}$/;
const HEX_PATTERN = /^(?:[0-9a-f]{2})*$/;

const HEADER_KEYS = [
  "festivalId",
  "discoveryKey",
  "createdAt",
  "carrierPublicKey",
  "prerequisites",
  "heads",
  "changeCount",
  "payloadLength",
  "payloadHash",
] as const satisfies readonly (keyof BundleHeader)[];

const CLEAR_PRIVATE_KEYS = ["discoveryKey", "sealedHeader"] as const satisfies readonly (keyof ClearPrivateHeader)[];
const MEMBER_KEYS_CLEAR_KEYS = ["discoveryKey", "keyId", "envelopes", "sealedHeader"] as const satisfies readonly (keyof MemberKeysClearHeader)[];
const KEY_ID_PATTERN = /^[0-9a-f]{32}$/;
/** A key sealed to one member: 104 bytes (ephemeral key, nonce, box), as hex. */
const ENVELOPE_PATTERN = /^[0-9a-f]{208}$/;
/** At most this many envelopes (bundles/format/member-keys.ts MAX_ENVELOPES). */
export const MAX_HEADER_ENVELOPES = 256;

function invalid(field: string, expectation: string): never {
  throw new PandafestError(`bundle header field "${field}" ${expectation}`, { code: "input" });
}

function checkString(record: Record<string, unknown>, field: string, pattern: RegExp, expectation: string): string {
  const value = record[field];
  if (typeof value !== "string" || !pattern.test(value)) invalid(field, expectation);
  return value;
}

function checkCount(record: Record<string, unknown>, field: string, maximum: number): number {
  const value = record[field];
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > maximum) {
    invalid(field, `must be a whole number from 0 to ${maximum}`);
  }
  return value;
}

function checkHeads(record: Record<string, unknown>, field: string): string[] {
  const value = record[field];
  const expectation = "must be a list of distinct change hashes (64 lower-case hex characters each)";
  if (!Array.isArray(value)) invalid(field, expectation);
  const heads: string[] = [];
  for (const head of value as unknown[]) {
    if (typeof head !== "string" || !SHA256_HEX_PATTERN.test(head)) invalid(field, expectation);
    heads.push(head);
  }
  if (new Set(heads).size !== heads.length) invalid(field, expectation);
  return heads;
}

function checkExactKeys(record: Record<string, unknown>, keys: readonly string[], what: string): void {
  const present = Object.keys(record);
  const unexpected = present.find((key) => !keys.includes(key));
  if (unexpected !== undefined) {
    throw new PandafestError(`${what} has an unknown field "${unexpected.slice(0, 40)}"`, { code: "input" });
  }
  const missing = keys.find((key) => !Object.prototype.hasOwnProperty.call(record, key));
  if (missing !== undefined) {
    throw new PandafestError(`${what} lacks the field "${missing}"`, { code: "input" });
  }
}

/** Validates every field (and that the discovery key belongs to the festival id); returns a clean copy. */
export function validateHeader(record: Record<string, unknown>): BundleHeader {
  checkExactKeys(record, HEADER_KEYS, "bundle header");
  const festivalId = checkString(record, "festivalId", BASE58_PATTERN, "must be an automerge-repo document id");
  const key = checkString(record, "discoveryKey", SHA256_HEX_PATTERN, "must be 64 lower-case hex characters");
  if (key !== discoveryKey(festivalId)) invalid("discoveryKey", "does not belong to the festival id");
  const header: BundleHeader = {
    festivalId,
    discoveryKey: key,
    createdAt: checkCount(record, "createdAt", Number.MAX_SAFE_INTEGER),
    carrierPublicKey: checkString(record, "carrierPublicKey", SHA256_HEX_PATTERN, "must be 64 lower-case hex characters"),
    prerequisites: checkHeads(record, "prerequisites"),
    heads: checkHeads(record, "heads"),
    changeCount: checkCount(record, "changeCount", Number.MAX_SAFE_INTEGER),
    payloadLength: checkCount(record, "payloadLength", MAX_PAYLOAD_SECTION_LENGTH),
    payloadHash: checkString(record, "payloadHash", SHA256_HEX_PATTERN, "must be 64 lower-case hex characters"),
  };
  return header;
}

function validateClearPrivateHeader(record: Record<string, unknown>): ClearPrivateHeader {
  checkExactKeys(record, CLEAR_PRIVATE_KEYS, "private bundle header");
  return {
    discoveryKey: checkString(record, "discoveryKey", SHA256_HEX_PATTERN, "must be 64 lower-case hex characters"),
    sealedHeader: checkString(record, "sealedHeader", HEX_PATTERN, "must be lower-case hex"),
  };
}

function validateMemberKeysClearHeader(record: Record<string, unknown>): MemberKeysClearHeader {
  checkExactKeys(record, MEMBER_KEYS_CLEAR_KEYS, "member-keys bundle header");
  const envelopes = record.envelopes;
  const expectation = `must be a list of 1 to ${MAX_HEADER_ENVELOPES} sealed keys (208 lower-case hex characters each), distinct and in ascending order`;
  if (!Array.isArray(envelopes) || envelopes.length === 0 || envelopes.length > MAX_HEADER_ENVELOPES) invalid("envelopes", expectation);
  const list: string[] = [];
  for (const envelope of envelopes as unknown[]) {
    if (typeof envelope !== "string" || !ENVELOPE_PATTERN.test(envelope)) invalid("envelopes", expectation);
    if (list.length > 0 && list[list.length - 1] >= envelope) invalid("envelopes", expectation);
    list.push(envelope);
  }
  return {
    discoveryKey: checkString(record, "discoveryKey", SHA256_HEX_PATTERN, "must be 64 lower-case hex characters"),
    keyId: checkString(record, "keyId", KEY_ID_PATTERN, "must be 32 lower-case hex characters"),
    envelopes: list,
    sealedHeader: checkString(record, "sealedHeader", HEX_PATTERN, "must be lower-case hex"),
  };
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The canonical bytes: JSON with the keys in the documented order, no white space, UTF-8. */
function canonicalBytes<T extends object>(value: T, keys: readonly (keyof T & string)[]): Uint8Array {
  const ordered: Record<string, unknown> = {};
  for (const key of keys) ordered[key] = value[key];
  return utf8Encoder.encode(JSON.stringify(ordered));
}

export function encodeHeader(header: BundleHeader): Uint8Array {
  return canonicalBytes(header, HEADER_KEYS);
}

export function encodeClearPrivateHeader(header: ClearPrivateHeader): Uint8Array {
  return canonicalBytes(header, CLEAR_PRIVATE_KEYS);
}

export function encodeMemberKeysClearHeader(header: MemberKeysClearHeader): Uint8Array {
  return canonicalBytes(header, MEMBER_KEYS_CLEAR_KEYS);
}

function parseJsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = utf8Decoder.decode(bytes);
  } catch (cause) {
    throw new PandafestError(`${what} is not valid UTF-8 text`, { code: "input", cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new PandafestError(`${what} is not valid JSON`, { code: "input", cause });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new PandafestError(`${what} is not a JSON object`, { code: "input" });
  }
  return parsed as Record<string, unknown>;
}

function requireCanonical(bytes: Uint8Array, canonical: Uint8Array, what: string): void {
  const same = bytes.length === canonical.length && bytes.every((byte, index) => byte === canonical[index]);
  if (!same) throw new PandafestError(`${what} is not in canonical form (the file was altered)`, { code: "input" });
}

export function decodeHeader(bytes: Uint8Array): BundleHeader {
  const header = validateHeader(parseJsonObject(bytes, "bundle header"));
  requireCanonical(bytes, encodeHeader(header), "bundle header");
  return header;
}

export function decodeClearPrivateHeader(bytes: Uint8Array): ClearPrivateHeader {
  const header = validateClearPrivateHeader(parseJsonObject(bytes, "private bundle header"));
  requireCanonical(bytes, encodeClearPrivateHeader(header), "private bundle header");
  return header;
}

export function decodeMemberKeysClearHeader(bytes: Uint8Array): MemberKeysClearHeader {
  const header = validateMemberKeysClearHeader(parseJsonObject(bytes, "member-keys bundle header"));
  requireCanonical(bytes, encodeMemberKeysClearHeader(header), "member-keys bundle header");
  return header;
}

/** The clear header of a sealed bundle, by its flags: with key id and envelopes when `memberKeys`. */
export function decodeSealedClearHeader(bytes: Uint8Array, memberKeys: boolean): ClearPrivateHeader | MemberKeysClearHeader {
  return memberKeys ? decodeMemberKeysClearHeader(bytes) : decodeClearPrivateHeader(bytes);
}
