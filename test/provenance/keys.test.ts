// Keys: hex encoding, ed25519 signatures, key pair consistency, random bytes.
// Exercised through engine/core/keys.ts only.
import { describe, expect, it } from "vitest";
import { PandafestError } from "../../engine/core/errors.js";
import {
  PUBLIC_KEY_BYTES,
  SECRET_KEY_BYTES,
  fromHex,
  generateKeyPair,
  isHex,
  keyPairFromSecretKey,
  randomBytes,
  sign,
  toHex,
  verify,
} from "../../engine/core/keys.js";

describe("hex", () => {
  it("round-trips random bytes and reads upper case", () => {
    const bytes = randomBytes(300);
    const hex = toHex(bytes);
    expect(hex).toMatch(/^[0-9a-f]{600}$/);
    expect(fromHex(hex)).toEqual(bytes);
    expect(fromHex(hex.toUpperCase())).toEqual(bytes);
    expect(toHex(new Uint8Array([0, 1, 254, 255]))).toBe("0001feff");
  });

  it("refuses bad hex, naming the value", () => {
    expect(() => fromHex("abc", "public key")).toThrow(/public key is not valid hex/);
    expect(() => fromHex("zz", "public key")).toThrow(PandafestError);
    expect(() => fromHex("abcd", "signature", 64)).toThrow(/signature must be 64 bytes/);
    expect(isHex("0a0B")).toBe(true);
    expect(isHex("0a0B", 3)).toBe(false);
  });
});

describe("signatures", () => {
  it("verifies its own signature and rejects any change to message, signature or key", () => {
    const pair = generateKeyPair();
    const other = generateKeyPair();
    expect(pair.publicKey.length).toBe(PUBLIC_KEY_BYTES);
    expect(pair.secretKey.length).toBe(SECRET_KEY_BYTES);
    const message = new TextEncoder().encode("the stage moves to the meadow");
    const signature = sign(message, pair.secretKey);
    expect(verify(message, signature, pair.publicKey)).toBe(true);
    expect(verify(message, signature, other.publicKey)).toBe(false);
    const tampered = message.slice();
    tampered[0] ^= 1;
    expect(verify(tampered, signature, pair.publicKey)).toBe(false);
    const badSignature = signature.slice();
    badSignature[10] ^= 1;
    expect(verify(message, badSignature, pair.publicKey)).toBe(false);
    expect(verify(message, signature.subarray(1), pair.publicKey)).toBe(false);
  });

  it("rebuilds a key pair from its secret key and refuses an inconsistent one", () => {
    const pair = generateKeyPair();
    expect(toHex(keyPairFromSecretKey(pair.secretKey).publicKey)).toBe(toHex(pair.publicKey));
    const mixed = pair.secretKey.slice();
    mixed.set(generateKeyPair().publicKey, 32);
    expect(() => keyPairFromSecretKey(mixed)).toThrow(/inconsistent/);
    expect(() => keyPairFromSecretKey(pair.secretKey.subarray(0, 32))).toThrow(/64 bytes/);
  });

  it("makes distinct keys and random bytes", () => {
    expect(toHex(generateKeyPair().publicKey)).not.toBe(toHex(generateKeyPair().publicKey));
    expect(randomBytes(70000).length).toBe(70000);
    expect(toHex(randomBytes(16))).not.toBe(toHex(randomBytes(16)));
  });
});
