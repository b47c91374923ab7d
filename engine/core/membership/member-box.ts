// Sealing a festival key to one member: X25519 from the member's ed25519 key (ed2curve), tweetnacl's box from a
// throwaway key pair. The sealed bytes name nobody; only the member's secret key opens them.
/// <reference path="./ed2curve.d.ts" />
import ed2curve from "ed2curve";
import nacl from "tweetnacl";
import { fromHex, toHex } from "../keys.js";

export const FESTIVAL_KEY_BYTES = 32;
/** ephemeral public key (32) ‖ nonce (24) ‖ box of the 32-byte key (16 + 32) */
export const SEALED_KEY_BYTES = nacl.box.publicKeyLength + nacl.box.nonceLength + nacl.box.overheadLength + FESTIVAL_KEY_BYTES;

/** Whether a sealed key can be made for this ed25519 public key (hex): it must be a valid curve point. */
export function canHoldKey(memberPublicKey: string): boolean {
  try {
    return ed2curve.convertPublicKey(fromHex(memberPublicKey, "member key", 32)) !== null;
  } catch {
    return false;
  }
}

/** Seals a 32-byte key so that only the holder of `memberPublicKey` (ed25519, hex) can open it; hex of the sealed bytes. */
export function sealKeyTo(memberPublicKey: string, key: Uint8Array): string {
  if (key.length !== FESTIVAL_KEY_BYTES) throw new Error(`a festival key is ${FESTIVAL_KEY_BYTES} bytes`);
  const recipient = ed2curve.convertPublicKey(fromHex(memberPublicKey, "member key", 32));
  if (recipient === null) throw new Error(`member key ${memberPublicKey.slice(0, 12)}… is not a valid ed25519 key`);
  const ephemeral = nacl.box.keyPair();
  const nonce = nacl.randomBytes(nacl.box.nonceLength);
  const box = nacl.box(key, nonce, recipient, ephemeral.secretKey);
  const sealed = new Uint8Array(SEALED_KEY_BYTES);
  sealed.set(ephemeral.publicKey, 0);
  sealed.set(nonce, nacl.box.publicKeyLength);
  sealed.set(box, nacl.box.publicKeyLength + nacl.box.nonceLength);
  return toHex(sealed);
}

/** Opens a sealed key with a member's ed25519 secret key; undefined when it was sealed to someone else or is damaged. */
export function openSealedKey(sealedHex: string, secretKey: Uint8Array): Uint8Array | undefined {
  if (sealedHex.length !== SEALED_KEY_BYTES * 2) return undefined;
  let sealed: Uint8Array;
  try {
    sealed = fromHex(sealedHex, "sealed key", SEALED_KEY_BYTES);
  } catch {
    return undefined;
  }
  const ephemeral = sealed.subarray(0, nacl.box.publicKeyLength);
  const nonce = sealed.subarray(nacl.box.publicKeyLength, nacl.box.publicKeyLength + nacl.box.nonceLength);
  const box = sealed.subarray(nacl.box.publicKeyLength + nacl.box.nonceLength);
  const opened = nacl.box.open(box, nonce, ephemeral, ed2curve.convertSecretKey(secretKey));
  return opened !== null && opened.length === FESTIVAL_KEY_BYTES ? opened : undefined;
}
