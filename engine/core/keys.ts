// Ed25519 key pairs, detached signatures, hex encoding and secure random bytes (tweetnacl, Web Crypto).
// Browser-safe: imports nothing from Node; every byte string is a Uint8Array.
import nacl from "tweetnacl";
import { PandafestError } from "./errors.js";

export const PUBLIC_KEY_BYTES = nacl.sign.publicKeyLength; // 32
export const SECRET_KEY_BYTES = nacl.sign.secretKeyLength; // 64: seed (32) then public key (32)
export const SIGNATURE_BYTES = nacl.sign.signatureLength; // 64
const SEED_BYTES = nacl.sign.seedLength; // 32

export interface KeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

/** Largest request Web Crypto's getRandomValues serves in one call. */
const RANDOM_CHUNK_BYTES = 65536;

/** Cryptographically secure random bytes from globalThis.crypto (Node 20 and browsers). */
export function randomBytes(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new PandafestError(`randomBytes: length must be a non-negative integer, got ${length}`, { code: "usage" });
  }
  const bytes = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += RANDOM_CHUNK_BYTES) {
    globalThis.crypto.getRandomValues(bytes.subarray(offset, Math.min(length, offset + RANDOM_CHUNK_BYTES)));
  }
  return bytes;
}

/** A fresh ed25519 key pair (tweetnacl layout: the secret key is seed followed by public key). */
export function generateKeyPair(): KeyPair {
  const pair = nacl.sign.keyPair.fromSeed(randomBytes(SEED_BYTES));
  return { publicKey: pair.publicKey, secretKey: pair.secretKey };
}

/**
 * The key pair of a 64-byte tweetnacl secret key. Recomputes the public key from the seed, so a
 * secret key whose second half does not match its seed is refused instead of producing bad signatures.
 */
export function keyPairFromSecretKey(secretKey: Uint8Array): KeyPair {
  if (secretKey.length !== SECRET_KEY_BYTES) {
    throw new PandafestError(`a secret key must be ${SECRET_KEY_BYTES} bytes, got ${secretKey.length}`, { code: "data" });
  }
  const pair = nacl.sign.keyPair.fromSeed(secretKey.subarray(0, SEED_BYTES));
  if (!bytesEqual(pair.publicKey, secretKey.subarray(SEED_BYTES))) {
    throw new PandafestError("the secret key is inconsistent: its public half does not match its seed", { code: "data" });
  }
  return { publicKey: pair.publicKey, secretKey: pair.secretKey };
}

/**
 * What makes and checks ed25519 signatures. tweetnacl by default (everywhere, browsers included); Node
 * installs its native ed25519 (engine/node/native-signatures.ts), which gives the same signatures ~100x faster.
 */
export interface SignatureBackend {
  /** called with a 64-byte tweetnacl secret key */
  sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array;
  /** called with a 64-byte signature and a 32-byte public key; never throws */
  verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean;
}

export const TWEETNACL_SIGNATURES: SignatureBackend = {
  sign: (message, secretKey) => nacl.sign.detached(message, secretKey),
  verify: (message, signature, publicKey) => nacl.sign.detached.verify(message, signature, publicKey),
};

let signatureBackend: SignatureBackend = TWEETNACL_SIGNATURES;

/** Chooses how sign and verify work from now on (null: back to tweetnacl). */
export function useSignatureBackend(backend: SignatureBackend | null): void {
  signatureBackend = backend ?? TWEETNACL_SIGNATURES;
}

/** A detached ed25519 signature of message. */
export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  if (secretKey.length !== SECRET_KEY_BYTES) {
    throw new PandafestError(`a secret key must be ${SECRET_KEY_BYTES} bytes, got ${secretKey.length}`, { code: "usage" });
  }
  return signatureBackend.sign(message, secretKey);
}

/** Whether signature is publicKey's signature of message. Wrong lengths are simply not valid (never throws). */
export function verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBLIC_KEY_BYTES) return false;
  return signatureBackend.verify(message, signature, publicKey);
}

const HEX_DIGITS = "0123456789abcdef";

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += HEX_DIGITS[byte >> 4] + HEX_DIGITS[byte & 15];
  return hex;
}

/** Whether text is hex (either case, even length), optionally of exactly byteLength bytes. */
export function isHex(text: string, byteLength?: number): boolean {
  if (byteLength !== undefined && text.length !== byteLength * 2) return false;
  return text.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(text);
}

/**
 * Bytes of a hex string. `what` names the value in the error ("public key", "signature"), so bad
 * input says what was wrong and where it came from.
 */
export function fromHex(hex: string, what = "hex value", byteLength?: number): Uint8Array {
  if (!isHex(hex)) {
    throw new PandafestError(`${what} is not valid hex (expected pairs of 0-9a-f digits)`, { code: "input" });
  }
  if (byteLength !== undefined && hex.length !== byteLength * 2) {
    throw new PandafestError(`${what} must be ${byteLength} bytes (${byteLength * 2} hex digits), got ${hex.length} digits`, {
      code: "input",
    });
  }
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** Byte-wise equality (not constant time: for public values only). */
export function bytesEqual(left: Uint8Array, right: Uint8Array): boolean {
  if (left.length !== right.length) return false;
  for (let i = 0; i < left.length; i++) if (left[i] !== right[i]) return false;
  return true;
}
