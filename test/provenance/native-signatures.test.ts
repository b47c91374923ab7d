// Node's native ed25519 backend for engine/core/keys.ts: the same signatures and the same verdicts as tweetnacl,
// including for keys and signatures tweetnacl treats unusually, so installing it changes nothing but speed.
import { afterEach, describe, expect, it } from "vitest";
import { TWEETNACL_SIGNATURES, generateKeyPair, randomBytes, sign, useSignatureBackend, verify } from "../../engine/core/keys.js";
import { NATIVE_SIGNATURES, useNativeSignatures } from "../../engine/node/native-signatures.js";

/** The order of the ed25519 group, little-endian: adding it to S gives a non-reduced, equivalent scalar. */
const GROUP_ORDER = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);

function withScalarPlusOrder(signature: Uint8Array): Uint8Array {
  const result = Uint8Array.from(signature);
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const sum = result[32 + i] + GROUP_ORDER[i] + carry;
    result[32 + i] = sum & 0xff;
    carry = sum >> 8;
  }
  return result;
}

afterEach(() => useSignatureBackend(null));

describe("native ed25519 signatures", () => {
  it("sign exactly as tweetnacl does", () => {
    for (let round = 0; round < 20; round++) {
      const { secretKey } = generateKeyPair();
      const message = randomBytes(round * 13);
      expect(NATIVE_SIGNATURES.sign(message, secretKey)).toEqual(TWEETNACL_SIGNATURES.sign(message, secretKey));
    }
  });

  it("sign like tweetnacl even with a secret key whose halves do not belong together", () => {
    const { secretKey } = generateKeyPair();
    const other = generateKeyPair();
    const odd = Uint8Array.from([...secretKey.subarray(0, 32), ...other.publicKey]);
    const message = randomBytes(40);
    expect(NATIVE_SIGNATURES.sign(message, odd)).toEqual(TWEETNACL_SIGNATURES.sign(message, odd));
  });

  it("reach tweetnacl's verdict on good, tampered, misattributed and malleated signatures", () => {
    const pair = generateKeyPair();
    const stranger = generateKeyPair();
    const message = randomBytes(64);
    const signature = TWEETNACL_SIGNATURES.sign(message, pair.secretKey);
    const tampered = Uint8Array.from(message);
    tampered[5] ^= 1;
    const flipped = Uint8Array.from(signature);
    flipped[10] ^= 0x40;
    const cases: [Uint8Array, Uint8Array, Uint8Array][] = [
      [message, signature, pair.publicKey],
      [tampered, signature, pair.publicKey],
      [message, flipped, pair.publicKey],
      [message, signature, stranger.publicKey],
      [message, withScalarPlusOrder(signature), pair.publicKey],
      [message, signature, new Uint8Array(32)],
      [message, signature, new Uint8Array(32).fill(0xff)],
    ];
    const verdicts = cases.map(([m, s, k]) => NATIVE_SIGNATURES.verify(m, s, k));
    expect(verdicts).toEqual(cases.map(([m, s, k]) => TWEETNACL_SIGNATURES.verify(m, s, k)));
    expect(verdicts.slice(0, 4)).toEqual([true, false, false, false]);
  });

  it("once installed, serve engine/core/keys.ts sign and verify", () => {
    const pair = generateKeyPair();
    const message = randomBytes(32);
    const expected = sign(message, pair.secretKey);
    useNativeSignatures();
    expect(sign(message, pair.secretKey)).toEqual(expected);
    expect(verify(message, expected, pair.publicKey)).toBe(true);
    expect(verify(message, expected.subarray(1), pair.publicKey)).toBe(false);
    expect(() => sign(message, pair.secretKey.subarray(1))).toThrow(/secret key must be 64 bytes/);
  });
});
