// ed25519 through Node's crypto (OpenSSL) for engine/core/keys.ts: the same signatures as tweetnacl, about
// 100x faster. Node only; installed by FestivalStore.open. Browsers keep tweetnacl.
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from "node:crypto";
import { TWEETNACL_SIGNATURES, bytesEqual, useSignatureBackend, type SignatureBackend } from "../core/keys.js";

/** DER prefixes of a PKCS#8 ed25519 private key (the 32-byte seed follows) and of an SPKI public key. */
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
/** Keys seen recently (importing a key costs more than a signature check); bounded, oldest dropped first. */
const KEY_CACHE_LIMIT = 4096;

function withPrefix(prefix: Uint8Array, key: Uint8Array): Buffer {
  const der = Buffer.alloc(prefix.length + key.length);
  der.set(prefix);
  der.set(key, prefix.length);
  return der;
}

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= KEY_CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(key, value);
  return value;
}

const privateKeys = new Map<string, KeyObject | null>();
const publicKeys = new Map<string, KeyObject | null>();

/**
 * The private key of a tweetnacl secret key (seed, then public key), or null when its second half is not
 * the seed's public key: tweetnacl signs such a key differently, so it keeps doing that.
 */
function privateKeyOf(secretKey: Uint8Array): KeyObject | null {
  const id = Buffer.from(secretKey).toString("hex");
  const known = privateKeys.get(id);
  if (known !== undefined) return known;
  const key = createPrivateKey({ key: withPrefix(PKCS8_PREFIX, secretKey.subarray(0, 32)), format: "der", type: "pkcs8" });
  const derived = new Uint8Array(createPublicKey(key).export({ format: "der", type: "spki" })).subarray(SPKI_PREFIX.length);
  return remember(privateKeys, id, bytesEqual(derived, secretKey.subarray(32)) ? key : null);
}

function publicKeyOf(publicKey: Uint8Array): KeyObject | null {
  const id = Buffer.from(publicKey).toString("hex");
  const known = publicKeys.get(id);
  if (known !== undefined) return known;
  let key: KeyObject | null;
  try {
    key = createPublicKey({ key: withPrefix(SPKI_PREFIX, publicKey), format: "der", type: "spki" });
  } catch {
    key = null;
  }
  return remember(publicKeys, id, key);
}

export const NATIVE_SIGNATURES: SignatureBackend = {
  sign(message, secretKey) {
    const key = privateKeyOf(secretKey);
    return key === null ? TWEETNACL_SIGNATURES.sign(message, secretKey) : new Uint8Array(nodeSign(null, message, key));
  },
  verify(message, signature, publicKey) {
    const key = publicKeyOf(publicKey);
    let valid = false;
    try {
      valid = key !== null && nodeVerify(null, message, key, signature);
    } catch {
      valid = false;
    }
    // OpenSSL is stricter than tweetnacl about odd encodings (e.g. a non-reduced S): a "no" is confirmed
    // by tweetnacl, so every peer reaches the same verdict whichever library it runs. Forgeries pay twice.
    return valid || TWEETNACL_SIGNATURES.verify(message, signature, publicKey);
  },
};

/** Makes engine/core/keys.ts sign and verify through Node's crypto from now on. */
export function useNativeSignatures(): void {
  useSignatureBackend(NATIVE_SIGNATURES);
}
