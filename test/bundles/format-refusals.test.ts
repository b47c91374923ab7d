// Bundle format: every damaged, truncated, foreign, forged or oversized file is refused with a one-line
// PandafestError, before anything large is allocated.
import { createHash } from "node:crypto";
import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";
import { type DecodeOptions, decodeBundle, discoveryKey, encodeBundle } from "../../bundles/format/format.js";
import { PandafestError } from "../../engine/core/errors.js";
import { fullBundleInput, incrementalBundleInput, makeFestival, newFestivalId, samplePositions } from "./format-fixtures.js";

function refusalOf(bytes: Uint8Array, options: DecodeOptions = {}): PandafestError {
  try {
    decodeBundle(bytes, options);
  } catch (error) {
    expect(error).toBeInstanceOf(PandafestError);
    const refusal = error as PandafestError;
    expect(refusal.message).not.toContain("\n");
    expect(refusal.message.length).toBeGreaterThan(10);
    return refusal;
  }
  throw new Error(`bundle of ${bytes.length} bytes was accepted`);
}

/** Builds a file from parts, as a forger who knows the format would. */
function frame(prelude: Uint8Array, header: Uint8Array, payload: Uint8Array, signature: Uint8Array): Uint8Array {
  const lengths = Buffer.alloc(4);
  lengths.writeUInt32BE(header.length);
  const payloadLength = Buffer.alloc(8);
  payloadLength.writeBigUInt64BE(BigInt(payload.length));
  return Buffer.concat([prelude, lengths, header, payloadLength, payload, signature]);
}

function split(bytes: Uint8Array) {
  const buffer = Buffer.from(bytes);
  const headerLength = buffer.readUInt32BE(14);
  const payloadLength = Number(buffer.readBigUInt64BE(18 + headerLength));
  const payloadStart = 26 + headerLength;
  return {
    prelude: buffer.subarray(0, 14),
    header: buffer.subarray(18, 18 + headerLength),
    payload: buffer.subarray(payloadStart, payloadStart + payloadLength),
    signature: buffer.subarray(payloadStart + payloadLength),
  };
}

const fixture = makeFestival();
const carrier = nacl.sign.keyPair();
const knownFestival: DecodeOptions = { festivalIdFor: (key) => (key === discoveryKey(fixture.festivalId) ? fixture.festivalId : undefined) };
const publicBundle = encodeBundle(fullBundleInput(fixture, "public", carrier));
const privateBundle = encodeBundle(incrementalBundleInput(fixture, "private", carrier));

describe("damaged bytes", () => {
  it.each([
    ["public", publicBundle],
    ["private", privateBundle],
  ])("a %s bundle with any single byte changed, at every position, is refused", (_name, original) => {
    expect(decodeBundle(original, knownFestival).header.festivalId).toBe(fixture.festivalId);
    const masks = [0x01, 0x80, 0xff, 0x20, 0x04];
    for (let position = 0; position < original.length; position++) {
      const damaged = original.slice();
      damaged[position] ^= masks[position % masks.length];
      refusalOf(damaged, knownFestival);
    }
  });

  it("a 1 MB bundle with a byte changed in header, payload or signature is refused, with the right reason", () => {
    const payload = new Uint8Array(1024 * 1024);
    for (let offset = 0; offset < payload.length; offset += 65536) payload.set(nacl.randomBytes(65536), offset);
    const original = encodeBundle({ ...fullBundleInput(fixture, "public", carrier), payload });
    const headerEnd = 18 + Buffer.from(original).readUInt32BE(14);
    const signatureStart = original.length - 64;
    for (const position of samplePositions(headerEnd + 8, signatureStart, 40)) {
      const damaged = original.slice();
      damaged[position] ^= 0x20;
      expect(refusalOf(damaged).message).toBe("payload hash mismatch");
    }
    for (const position of samplePositions(signatureStart, original.length, 16)) {
      const damaged = original.slice();
      damaged[position] ^= 0x20;
      expect(refusalOf(damaged).message).toBe("signature does not match the carrier key");
    }
    for (const position of samplePositions(0, headerEnd + 8, 60)) {
      const damaged = original.slice();
      damaged[position] ^= 0x20;
      refusalOf(damaged);
    }
  });

  it("a bundle cut short at every length is refused as truncated or damaged", () => {
    for (const original of [publicBundle, privateBundle]) {
      for (let length = 0; length < original.length; length++) {
        const message = refusalOf(original.subarray(0, length), knownFestival).message;
        expect(message).toMatch(/empty file|truncated|more than the file holds/);
      }
    }
    const cut = publicBundle.subarray(0, publicBundle.length - 1);
    expect(refusalOf(cut).message).toBe(`bundle is truncated: expected ${publicBundle.length} bytes, found ${cut.length}`);
  });

  it("extra bytes after the end are refused", () => {
    const longer = Buffer.concat([publicBundle, Buffer.from("x")]);
    expect(refusalOf(longer).message).toMatch(/1 unexpected bytes after its end/);
  });
});

describe("foreign files", () => {
  it.each([
    ["an empty file", new Uint8Array(0), /empty file/],
    ["a PNG image", Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489", "hex"), /wrong magic bytes/],
    ["JSON text", Buffer.from(JSON.stringify({ festivalId: fixture.festivalId, heads: [] })), /wrong magic bytes/],
    ["a lone magic", Buffer.from("PNDFBNDL"), /truncated/],
    ["the start of the magic", Buffer.from("PNDF"), /truncated/],
    ["random bytes", Buffer.from(nacl.randomBytes(4096)), /wrong magic bytes/],
  ])("%s is refused", (_name, bytes, reason) => {
    expect(refusalOf(bytes).message).toMatch(reason);
  });
});

describe("forgeries", () => {
  it("a public bundle re-signed by another key, carrier field unchanged, is refused", () => {
    const parts = split(publicBundle);
    const forger = nacl.sign.keyPair();
    const signature = nacl.sign.detached(Buffer.concat([parts.prelude, parts.header]), forger.secretKey);
    expect(refusalOf(frame(parts.prelude, parts.header, parts.payload, signature)).message).toBe(
      "signature does not match the carrier key",
    );
  });

  it("a private bundle re-signed and re-sealed by someone who knows the festival id is refused", () => {
    const parts = split(privateBundle);
    const key = createHash("sha256").update(`pandafest-bundle-key-v1${fixture.festivalId}`).digest();
    const clear = JSON.parse(parts.header.toString("utf8"));
    const sealedHeader = Buffer.from(clear.sealedHeader, "hex");
    const innerHeader = nacl.secretbox.open(sealedHeader.subarray(24), sealedHeader.subarray(0, 24), key);
    expect(innerHeader).not.toBeNull();
    const forger = nacl.sign.keyPair();
    const signature = nacl.sign.detached(Buffer.concat([parts.prelude, innerHeader as Uint8Array]), forger.secretKey);
    const nonce = nacl.randomBytes(24);
    const sealedSignature = Buffer.concat([nonce, nacl.secretbox(signature, nonce, key)]);
    expect(refusalOf(frame(parts.prelude, parts.header, parts.payload, sealedSignature), knownFestival).message).toBe(
      "signature does not match the carrier key",
    );
  });

  it("a correctly signed header that is not canonical or has unknown fields is refused", () => {
    const parts = split(publicBundle);
    const header = JSON.parse(parts.header.toString("utf8"));
    const variants = [
      Buffer.from(JSON.stringify(header, null, 1)),
      Buffer.from(JSON.stringify({ ...header, extra: 1 })),
      Buffer.from(JSON.stringify({ ...header, discoveryKey: discoveryKey(newFestivalId()) })),
      Buffer.from(JSON.stringify({ ...header, heads: [header.heads[0], header.heads[0]] })),
    ];
    const reasons = [/not in canonical form/, /unknown field "extra"/, /does not belong to the festival id/, /distinct change hashes/];
    variants.forEach((variant, index) => {
      const signature = nacl.sign.detached(Buffer.concat([parts.prelude, variant]), carrier.secretKey);
      expect(refusalOf(frame(parts.prelude, variant, parts.payload, signature)).message).toMatch(reasons[index]);
    });
  });

  it("a private bundle's discovery key swapped for another known festival's is refused", () => {
    const other = newFestivalId();
    const parts = split(privateBundle);
    const clear = JSON.parse(parts.header.toString("utf8"));
    const swapped = Buffer.from(JSON.stringify({ ...clear, discoveryKey: discoveryKey(other) }));
    const bothKnown: DecodeOptions = {
      festivalIdFor: (key) => [fixture.festivalId, other].find((id) => discoveryKey(id) === key),
    };
    expect(refusalOf(frame(parts.prelude, swapped, parts.payload, parts.signature), bothKnown).message).toMatch(
      /could not be decrypted/,
    );
  });
});

describe("versions, flags and limits", () => {
  function withPrelude(version: number, flags: number, resign: boolean): Uint8Array {
    const parts = split(publicBundle);
    const prelude = Buffer.from(parts.prelude);
    prelude.writeUInt16BE(version, 8);
    prelude.writeUInt32BE(flags, 10);
    const signature = resign
      ? nacl.sign.detached(Buffer.concat([prelude, parts.header]), carrier.secretKey)
      : parts.signature;
    return frame(prelude, parts.header, parts.payload, signature);
  }

  it("a newer format version is refused with both versions named", () => {
    expect(refusalOf(withPrelude(7, 0, true)).message).toBe(
      "bundle format version 7 is newer than this pandafest understands (1); update pandafest to read it",
    );
    expect(refusalOf(withPrelude(0, 0, true)).message).toMatch(/version 0 is not valid/);
  });

  it("an unknown must-understand flag is refused; an unknown optional flag is ignored but still signed", () => {
    expect(refusalOf(withPrelude(1, 0x0000_0004, true)).message).toMatch(/does not understand \(flags 0x00000004\)/);
    const optional = decodeBundle(withPrelude(1, 0x0001_0000, true));
    expect(optional.flags).toBe(0x0001_0000);
    expect(optional.payload).toEqual(decodeBundle(publicBundle).payload);
    expect(refusalOf(withPrelude(1, 0x0001_0000, false)).message).toBe("signature does not match the carrier key");
  });

  it("huge claimed lengths are refused before anything is allocated", () => {
    const before = process.memoryUsage().arrayBuffers;
    const hugeHeader = Buffer.from(publicBundle);
    hugeHeader.writeUInt32BE(0xffff_ffff, 14);
    expect(refusalOf(hugeHeader).message).toBe("header claims 4294967295 bytes, more than the 65536-byte limit");

    const parts = split(publicBundle);
    const claimFor = (claimed: bigint) => {
      const bytes = Buffer.from(publicBundle);
      bytes.writeBigUInt64BE(claimed, 18 + parts.header.length);
      return bytes;
    };
    expect(refusalOf(claimFor(0xffff_ffff_ffff_ffffn)).message).toBe(
      "payload claims 18446744073709551615 bytes, more than the 536870912-byte limit",
    );
    const underLimit = 500n * 1024n * 1024n;
    expect(refusalOf(claimFor(underLimit)).message).toMatch(/^bundle is truncated: expected 524\d+ bytes, found \d+$/);
    const inHeader = Buffer.from(publicBundle.subarray(0, 100));
    inHeader.writeUInt32BE(60_000, 14);
    expect(refusalOf(inHeader).message).toBe("header claims 60000 bytes, more than the file holds (100 bytes in all)");
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });
});
