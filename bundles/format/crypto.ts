// The cryptographic primitives of the bundle format: SHA-256, labelled hashes, hex, sealed sections, signatures.
// Browser-safe: SHA-256 by @noble/hashes (Node installs its native hash), ed25519 through engine/core/keys.ts,
// tweetnacl for xsalsa20-poly1305 secretbox.
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";
import nacl from "tweetnacl";
import { sign, verify } from "../../engine/core/keys.js";

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

export const FESTIVAL_KEY_LABEL = "pandafest-bundle-key-v1";

/** The secretbox key of a private festival: SHA-256("pandafest-bundle-key-v1" || festival id). */
export function festivalSecretKey(festivalId: string): Uint8Array {
  return labelledHash(FESTIVAL_KEY_LABEL, festivalId);
}

/** Encrypts into `target` at `offset`: a fresh random nonce, then the secretbox. Returns bytes written. */
export function sealInto(plaintext: Uint8Array, key: Uint8Array, target: Uint8Array, offset: number): number {
  const nonce = nacl.randomBytes(SEAL_NONCE_LENGTH);
  const box = nacl.secretbox(plaintext, nonce, key);
  target.set(nonce, offset);
  target.set(box, offset + SEAL_NONCE_LENGTH);
  return SEAL_NONCE_LENGTH + box.length;
}

export function seal(plaintext: Uint8Array, key: Uint8Array): Uint8Array {
  const sealed = new Uint8Array(plaintext.length + SEAL_OVERHEAD);
  sealInto(plaintext, key, sealed, 0);
  return sealed;
}

/** Opens a sealed section; undefined when it is too short, damaged, or sealed under another key. */
export function openSealed(sealed: Uint8Array, key: Uint8Array): Uint8Array | undefined {
  if (sealed.length < SEAL_OVERHEAD) return undefined;
  const nonce = sealed.subarray(0, SEAL_NONCE_LENGTH);
  const box = sealed.subarray(SEAL_NONCE_LENGTH);
  return nacl.secretbox.open(box, nonce, key) ?? undefined;
}

/** ed25519 through engine/core/keys.ts, which uses Node's native ed25519 where it is installed, else tweetnacl. */
export function signDetached(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return sign(message, secretKey);
}

export function verifyDetached(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_LENGTH || publicKey.length !== PUBLIC_KEY_LENGTH) return false;
  return verify(message, signature, publicKey);
}
