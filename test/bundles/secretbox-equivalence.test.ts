// The bundle format's in-place secretbox (bundles/format/crypto.ts) makes and opens exactly what tweetnacl's
// nacl.secretbox does, for sizes around the block and padding edges, and refuses damaged boxes and wrong keys.
import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";
import { SEAL_OVERHEAD, openSealed, sealInto } from "../../bundles/format/crypto.js";

describe("sealed sections", () => {
  it("are nacl.secretbox boxes, opened by nacl.secretbox.open and opening its boxes", () => {
    for (const size of [0, 1, 15, 16, 31, 32, 63, 64, 65, 1000, 70_001]) {
      const key = nacl.randomBytes(32);
      const plaintext = nacl.randomBytes(size);
      const target = new Uint8Array(7 + size + SEAL_OVERHEAD + 5).fill(0xaa);
      expect(sealInto(plaintext, key, target, 7)).toBe(size + SEAL_OVERHEAD);
      expect([...target.subarray(0, 7), ...target.subarray(7 + size + SEAL_OVERHEAD)].every((byte) => byte === 0xaa), "nothing written outside").toBe(true);
      const sealed = target.subarray(7, 7 + size + SEAL_OVERHEAD);
      const nonce = sealed.subarray(0, 24);
      expect(nacl.secretbox.open(sealed.subarray(24), nonce, key)).toEqual(plaintext);
      expect(new Uint8Array(sealed.subarray(24))).toEqual(nacl.secretbox(plaintext, nonce, key));
      const copy = new Uint8Array(sealed);
      expect(openSealed(copy, key)).toEqual(plaintext);
      expect(copy, "the input is left as it was").toEqual(new Uint8Array(sealed));
      expect(openSealed(sealed, nacl.randomBytes(32))).toBeUndefined();
      const damaged = new Uint8Array(sealed);
      damaged[damaged.length - 1] ^= 1;
      expect(openSealed(damaged, key)).toBeUndefined();
    }
    expect(openSealed(new Uint8Array(SEAL_OVERHEAD - 1), nacl.randomBytes(32))).toBeUndefined();
  });
});
