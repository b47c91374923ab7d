// Ed25519 signature checks through Web Crypto: asynchronous (the browser checks them off the page's main thread) and
// far faster than tweetnacl. Browser-safe; null where the platform's Web Crypto lacks Ed25519 (callers keep keys.ts).
import { TWEETNACL_SIGNATURES, generateKeyPair, toHex } from "./keys.js";
import type { AsyncSignatureVerifier } from "./provenance.js";

const ED25519 = { name: "Ed25519" } as const;
/** Keys imported recently (a key signs many attestations); bounded, oldest dropped first. */
const KEY_CACHE_LIMIT = 4096;

/** The part of Web Crypto's SubtleCrypto used here (typed here: engine code is typed without the DOM's library). */
interface Ed25519Subtle {
  importKey(format: "raw", keyData: ArrayBuffer, algorithm: typeof ED25519, extractable: false, usages: ["verify"]): Promise<ImportedKey>;
  verify(algorithm: typeof ED25519, key: ImportedKey, signature: ArrayBuffer, data: ArrayBuffer): Promise<boolean>;
}
/** A CryptoKey, opaque here. */
type ImportedKey = object;

/** Copies bytes into an ArrayBuffer of their own (what Web Crypto's typings take). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return copy;
}

function verifierOf(subtle: Ed25519Subtle): AsyncSignatureVerifier {
  const keys = new Map<string, Promise<ImportedKey>>();
  const keyOf = (publicKey: Uint8Array): Promise<ImportedKey> => {
    const id = toHex(publicKey);
    const known = keys.get(id);
    if (known !== undefined) return known;
    if (keys.size >= KEY_CACHE_LIMIT) {
      const oldest = keys.keys().next();
      if (!oldest.done) keys.delete(oldest.value);
    }
    const key = subtle.importKey("raw", ownBuffer(publicKey), ED25519, false, ["verify"]);
    // a key that fails to import is tried again next time (the check that asked falls back to the installed backend)
    key.catch(() => keys.delete(id));
    keys.set(id, key);
    return key;
  };
  return async (message, signature, publicKey) => subtle.verify(ED25519, await keyOf(publicKey), ownBuffer(signature), ownBuffer(message));
}

/** Whether `verify` agrees with tweetnacl on a fresh signature and on the same signature altered. */
async function agreesWithTweetnacl(verify: AsyncSignatureVerifier): Promise<boolean> {
  const pair = generateKeyPair();
  const message = new TextEncoder().encode("pandafest: does Web Crypto check ed25519?");
  const signature = TWEETNACL_SIGNATURES.sign(message, pair.secretKey);
  const altered = signature.slice();
  altered[0] ^= 1;
  return (await verify(message, signature, pair.publicKey)) === true && (await verify(message, altered, pair.publicKey)) === false;
}

let detected: Promise<AsyncSignatureVerifier | null> | undefined;

/**
 * Web Crypto's ed25519 verification, or null where it has none (older browsers): tried once on a signature tweetnacl
 * makes, and used only if it accepts that one and refuses it altered.
 */
export function webCryptoVerifier(): Promise<AsyncSignatureVerifier | null> {
  detected ??= (async () => {
    const subtle = (globalThis as { crypto?: { subtle?: Ed25519Subtle } }).crypto?.subtle;
    if (subtle === undefined) return null;
    try {
      const verify = verifierOf(subtle);
      return (await agreesWithTweetnacl(verify)) ? verify : null;
    } catch {
      return null;
    }
  })();
  return detected;
}
