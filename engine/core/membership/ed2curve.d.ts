// Types for ed2curve 0.3.0 (no typings of its own): ed25519 keys converted to their X25519 counterparts.
declare module "ed2curve" {
  /** The X25519 public key of an ed25519 public key; null when the bytes are not a valid point. */
  export function convertPublicKey(publicKey: Uint8Array): Uint8Array | null;
  /** The X25519 secret key of an ed25519 secret key (64 bytes: seed then public key). */
  export function convertSecretKey(secretKey: Uint8Array): Uint8Array;
  const ed2curve: { convertPublicKey: typeof convertPublicKey; convertSecretKey: typeof convertSecretKey };
  export default ed2curve;
}
