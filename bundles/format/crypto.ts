// The cryptographic primitives of the bundle format: SHA-256, labelled hashes, hex, sealed sections, signatures.
// Browser-safe: SHA-256 by @noble/hashes (Node installs its native hash), ed25519 through engine/core/keys.ts,
// tweetnacl for xsalsa20-poly1305 secretbox.
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";
import nacl from "tweetnacl";
import { sign, verify } from "../../engine/core/keys.js";
import { ID_DERIVED_KEY_LABEL, idDerivedKey } from "../../engine/core/membership/keyring.js";

export const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;
export const SIGNATURE_LENGTH = nacl.sign.signatureLength; // 64
export const PUBLIC_KEY_LENGTH = nacl.sign.publicKeyLength; // 32
export const SECRET_KEY_LENGTH = nacl.sign.secretKeyLength; // 64
export const SEAL_NONCE_LENGTH = nacl.secretbox.nonceLength; // 24
/** A sealed section is nonce (24 bytes) followed by the secretbox (16-byte tag + ciphertext). */
export const SEAL_OVERHEAD = SEAL_NONCE_LENGTH + nacl.secretbox.overheadLength; // 40

const utf8 = new TextEncoder();

/** Computes SHA-256. @noble/hashes everywhere by default; Node installs its native hash (bundles/datadir/native-hash.ts). */
export type Sha256Backend = (bytes: Uint8Array) => Uint8Array;

const NOBLE_SHA256: Sha256Backend = (bytes) => sha256(bytes);
let sha256Backend: Sha256Backend = NOBLE_SHA256;

/** Chooses how payloads are hashed from now on (null: back to @noble/hashes). */
export function useSha256Backend(backend: Sha256Backend | null): void {
  sha256Backend = backend ?? NOBLE_SHA256;
}

export function sha256Bytes(bytes: Uint8Array): Uint8Array {
  return sha256Backend(bytes);
}

export function sha256Hex(bytes: Uint8Array): string {
  return bytesToHex(sha256Backend(bytes));
}

/** SHA-256 over the ASCII label followed by the UTF-8 text (no separator: labels are fixed). */
export function labelledHash(label: string, text: string): Uint8Array {
  return sha256
    .create()
    .update(utf8.encode(label))
    .update(utf8.encode(text))
    .digest();
}

export function toHex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}

/** Lower-case hex of even length only; returns undefined for anything else. */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-f]*$/.test(text)) return undefined;
  return hexToBytes(text);
}

export const FESTIVAL_KEY_LABEL = ID_DERIVED_KEY_LABEL;

/** The secretbox key of a private festival at epoch 0: SHA-256("pandafest-bundle-key-v1" || festival id), one rule with engine/core/membership. */
export function festivalSecretKey(festivalId: string): Uint8Array {
  return idDerivedKey(festivalId);
}

/** tweetnacl's crypto_secretbox and crypto_secretbox_open (NaCl's padded interface), which work in place. */
interface SecretboxPrimitives {
  crypto_secretbox(c: Uint8Array, m: Uint8Array, d: number, n: Uint8Array, k: Uint8Array): number;
  crypto_secretbox_open(m: Uint8Array, c: Uint8Array, d: number, n: Uint8Array, k: Uint8Array): number;
}
const primitives = (nacl as unknown as { lowlevel: SecretboxPrimitives }).lowlevel;
/** NaCl's padding: 32 zero bytes before a plaintext, 16 before a box. */
const ZERO_BYTES = 32;
const BOX_ZERO_BYTES = 16;

/**
 * Encrypts into `target` at `offset`: a fresh random nonce, then the secretbox (tag and ciphertext); the same bytes
 * as nacl.secretbox, made in the target itself (crypto_secretbox on 32 zero bytes and the plaintext writes 16 zero
 * bytes, the tag and the ciphertext; it starts 16 bytes before the tag, where the nonce goes last). A large payload is
 * neither copied twice nor allocated again. Returns bytes written.
 */
export function sealInto(plaintext: Uint8Array, key: Uint8Array, target: Uint8Array, offset: number): number {
  const nonce = nacl.randomBytes(SEAL_NONCE_LENGTH);
  const length = ZERO_BYTES + plaintext.length;
  const start = offset + SEAL_NONCE_LENGTH - BOX_ZERO_BYTES;
  if (key.length !== nacl.secretbox.keyLength || start + length > target.length) throw new Error("sealInto: bad key length or no room in the target");
  const region = target.subarray(start, start + length);
  region.fill(0, 0, ZERO_BYTES);
  region.set(plaintext, ZERO_BYTES);
  primitives.crypto_secretbox(region, region, length, nonce, key);
  target.set(nonce, offset);
  return SEAL_OVERHEAD + plaintext.length;
}

export function seal(plaintext: Uint8Array, key: Uint8Array): Uint8Array {
  const sealed = new Uint8Array(plaintext.length + SEAL_OVERHEAD);
  sealInto(plaintext, key, sealed, 0);
  return sealed;
}

/**
 * Opens a sealed section; undefined when it is too short, damaged, or sealed under another key. As nacl.secretbox.open,
 * in one buffer: the box after 16 zero bytes, checked, then decrypted in place; the plaintext is a view of it.
 */
export function openSealed(sealed: Uint8Array, key: Uint8Array): Uint8Array | undefined {
  if (sealed.length < SEAL_OVERHEAD || key.length !== nacl.secretbox.keyLength) return undefined;
  const nonce = sealed.slice(0, SEAL_NONCE_LENGTH);
  const length = BOX_ZERO_BYTES + sealed.length - SEAL_NONCE_LENGTH;
  const buffer = new Uint8Array(length);
  buffer.set(sealed.subarray(SEAL_NONCE_LENGTH), BOX_ZERO_BYTES);
  if (primitives.crypto_secretbox_open(buffer, buffer, length, nonce, key) !== 0) return undefined;
  return buffer.subarray(ZERO_BYTES);
}

/** ed25519 through engine/core/keys.ts, which uses Node's native ed25519 where it is installed, else tweetnacl. */
export function signDetached(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return sign(message, secretKey);
}

export function verifyDetached(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_LENGTH || publicKey.length !== PUBLIC_KEY_LENGTH) return false;
  return verify(message, signature, publicKey);
}
