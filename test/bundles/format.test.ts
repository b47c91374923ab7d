// Bundle format: round trips, the byte layout read by hand as bundles/FORMAT.md describes it, inspection,
// file names and speed on a 10 MB payload.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as Automerge from "@automerge/automerge";
import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";
import {
  BUNDLE_FORMAT_VERSION,
  bundleFileName,
  decodeBundle,
  discoveryKey,
  encodeBundle,
  inspectBundle,
  parseBundleFileName,
} from "../../bundles/format/format.js";
import { fullBundleInput, incrementalBundleInput, makeFestival, newFestivalId } from "./format-fixtures.js";

function sha256(...parts: (string | Uint8Array)[]): Buffer {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** Splits a bundle per the FORMAT.md table, with no help from the code under test. */
function splitByHand(bytes: Uint8Array) {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = buffer.readUInt32BE(14);
  const payloadLength = Number(buffer.readBigUInt64BE(18 + headerLength));
  const payloadStart = 26 + headerLength;
  return {
    magic: buffer.subarray(0, 8).toString("latin1"),
    version: buffer.readUInt16BE(8),
    flags: buffer.readUInt32BE(10),
    prelude: buffer.subarray(0, 14),
    header: buffer.subarray(18, 18 + headerLength),
    payload: buffer.subarray(payloadStart, payloadStart + payloadLength),
    signature: buffer.subarray(payloadStart + payloadLength),
  };
}

function openByHand(section: Uint8Array, key: Uint8Array): Uint8Array {
  const opened = nacl.secretbox.open(section.subarray(24), section.subarray(0, 24), key);
  if (opened === null) throw new Error("sealed section did not open");
  return opened;
}

describe("bundle round trip", () => {
  it("a public full bundle gives back header and Automerge bytes that load into the same festival", () => {
    const fixture = makeFestival();
    const input = fullBundleInput(fixture, "public");
    const decoded = decodeBundle(encodeBundle(input));
    expect(decoded.visibility).toBe("public");
    expect(decoded.kind).toBe("full");
    expect(decoded.formatVersion).toBe(BUNDLE_FORMAT_VERSION);
    expect(decoded.header).toEqual({
      festivalId: fixture.festivalId,
      discoveryKey: discoveryKey(fixture.festivalId),
      createdAt: input.createdAt,
      carrierPublicKey: Buffer.from(input.carrier.publicKey).toString("hex"),
      prerequisites: [],
      heads: Automerge.getHeads(fixture.doc),
      changeCount: 2,
      payloadLength: input.payload.length,
      payloadHash: sha256(input.payload).toString("hex"),
    });
    expect(decoded.payload).toEqual(input.payload);
    const loaded = Automerge.load<Record<string, unknown>>(decoded.payload);
    expect(Automerge.getHeads(loaded)).toEqual(Automerge.getHeads(fixture.doc));
  });

  it("a private incremental bundle needs the festival id and then applies on top of its prerequisites", () => {
    const fixture = makeFestival();
    const input = incrementalBundleInput(fixture, "private");
    const bytes = encodeBundle(input);
    const known = new Map([[discoveryKey(fixture.festivalId), fixture.festivalId]]);
    const decoded = decodeBundle(bytes, { festivalIdFor: (key) => known.get(key) });
    expect(decoded.visibility).toBe("private");
    expect(decoded.kind).toBe("incremental");
    expect(decoded.header.prerequisites).toEqual(fixture.baseHeads);
    expect(decoded.header.changeCount).toBe(1);
    expect(decoded.payload).toEqual(input.payload);
    const applied = Automerge.loadIncremental(Automerge.clone(fixture.base), decoded.payload);
    expect(Automerge.getHeads(applied)).toEqual(Automerge.getHeads(fixture.doc));

    expect(() => decodeBundle(bytes)).toThrow(/private bundle of a festival not known here/);
    const other = newFestivalId();
    expect(() => decodeBundle(bytes, { festivalIdFor: () => other })).toThrow(/not known here/);
  });

  it("two encodings of the same private bundle differ (fresh nonces) yet decode alike", () => {
    const fixture = makeFestival();
    const input = fullBundleInput(fixture, "private");
    const first = encodeBundle(input);
    const second = encodeBundle(input);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(false);
    const options = { festivalIdFor: () => fixture.festivalId };
    expect(decodeBundle(first, options)).toEqual(decodeBundle(second, options));
  });

  it("refuses to pack bad input with a clear reason", () => {
    const fixture = makeFestival();
    const input = fullBundleInput(fixture, "public");
    expect(() => encodeBundle({ ...input, festivalId: "not/an id" })).toThrow(/festivalId/);
    expect(() => encodeBundle({ ...input, heads: ["ABC"] })).toThrow(/"heads" must be a list of distinct change hashes/);
    expect(() => encodeBundle({ ...input, changeCount: -1 })).toThrow(/changeCount/);
    const stranger = nacl.sign.keyPair();
    expect(() => encodeBundle({ ...input, carrier: { publicKey: input.carrier.publicKey, secretKey: stranger.secretKey } })).toThrow(
      /does not belong to the carrier public key/,
    );
    const manyHeads = Array.from({ length: 1200 }, (_, index) => sha256(String(index)).toString("hex"));
    expect(() => encodeBundle({ ...input, heads: manyHeads })).toThrow(/over the 65536-byte limit/);
  });
});

describe("the byte layout, read by hand", () => {
  it("public: prelude, JSON header, payload and an ed25519 signature over prelude + header", () => {
    const fixture = makeFestival();
    const input = fullBundleInput(fixture, "public");
    const parts = splitByHand(encodeBundle(input));
    expect(parts.magic).toBe("PNDFBNDL");
    expect(parts.version).toBe(1);
    expect(parts.flags).toBe(0);
    const header = JSON.parse(parts.header.toString("utf8"));
    expect(Object.keys(header)).toEqual([
      "festivalId",
      "discoveryKey",
      "createdAt",
      "carrierPublicKey",
      "prerequisites",
      "heads",
      "changeCount",
      "payloadLength",
      "payloadHash",
    ]);
    expect(parts.header.toString("utf8")).toBe(JSON.stringify(header));
    expect(header.discoveryKey).toBe(sha256("pandafest-discovery-v1", fixture.festivalId).toString("hex"));
    expect(header.payloadHash).toBe(sha256(parts.payload).toString("hex"));
    expect(Buffer.from(parts.payload).equals(Buffer.from(input.payload))).toBe(true);
    expect(parts.signature.length).toBe(64);
    const message = Buffer.concat([parts.prelude, parts.header]);
    expect(nacl.sign.detached.verify(message, parts.signature, Buffer.from(header.carrierPublicKey, "hex"))).toBe(true);
  });

  it("private: clear discovery key, sealed header, sealed payload, sealed signature under the festival key", () => {
    const fixture = makeFestival();
    const input = fullBundleInput(fixture, "private");
    const parts = splitByHand(encodeBundle(input));
    expect(parts.flags).toBe(1);
    const clear = JSON.parse(parts.header.toString("utf8"));
    expect(Object.keys(clear)).toEqual(["discoveryKey", "sealedHeader"]);
    expect(clear.discoveryKey).toBe(discoveryKey(fixture.festivalId));
    const key = sha256("pandafest-bundle-key-v1", fixture.festivalId);
    const innerHeader = openByHand(Buffer.from(clear.sealedHeader, "hex"), key);
    const header = JSON.parse(Buffer.from(innerHeader).toString("utf8"));
    expect(header.festivalId).toBe(fixture.festivalId);
    const payload = openByHand(parts.payload, key);
    expect(Buffer.from(payload).equals(Buffer.from(input.payload))).toBe(true);
    expect(header.payloadHash).toBe(sha256(payload).toString("hex"));
    const signature = openByHand(parts.signature, key);
    const message = Buffer.concat([parts.prelude, innerHeader]);
    expect(nacl.sign.detached.verify(message, signature, input.carrier.publicKey)).toBe(true);
  });
});

describe("discovery keys and file names", () => {
  it("the discovery key is the labelled SHA-256 of the id, distinct per festival", () => {
    const first = newFestivalId();
    const second = newFestivalId();
    expect(discoveryKey(first)).toMatch(/^[0-9a-f]{64}$/);
    expect(discoveryKey(first)).toBe(sha256(`pandafest-discovery-v1${first}`).toString("hex"));
    expect(discoveryKey(first)).not.toBe(discoveryKey(second));
  });

  it("names carry a discovery key prefix, a range hash and the kind, never the id", () => {
    const fixture = makeFestival();
    const full = fullBundleInput(fixture, "public");
    const incremental = incrementalBundleInput(fixture, "public");
    const fullName = bundleFileName(full);
    const incrementalName = bundleFileName(incremental);
    expect(fullName).toMatch(/^[0-9a-f]{16}-[0-9a-f]{12}-full\.pfb$/);
    expect(incrementalName).toMatch(/^[0-9a-f]{16}-[0-9a-f]{12}-incr\.pfb$/);
    expect(fullName.startsWith(discoveryKey(fixture.festivalId).slice(0, 16))).toBe(true);
    expect(fullName).not.toContain(fixture.festivalId);
    expect(fullName.slice(0, 16)).toBe(incrementalName.slice(0, 16));
    expect(fullName).not.toBe(incrementalName);
    expect(bundleFileName({ ...full, heads: [...full.heads].reverse() })).toBe(fullName);
    expect(bundleFileName(decodeBundle(encodeBundle(full)).header)).toBe(fullName);
    expect(parseBundleFileName(incrementalName)).toEqual({
      discoveryKeyPrefix: incrementalName.slice(0, 16),
      rangeHashPrefix: incrementalName.slice(17, 29),
      kind: "incremental",
    });
    expect(parseBundleFileName("holiday.png")).toBeUndefined();
  });
});

describe("bundles/FORMAT.md", () => {
  it("its worked examples are what the code computes", () => {
    const format = readFileSync(new URL("../../bundles/FORMAT.md", import.meta.url), "utf8");
    const festivalId = "Skhv2Y5Hu363LxtmmLcAc35phuU";
    const heads = [sha256("example head").toString("hex")];
    const prerequisites = [sha256("example prerequisite").toString("hex")];
    expect(format).toContain(discoveryKey(festivalId));
    for (const name of [
      bundleFileName({ festivalId, prerequisites: [], heads }),
      bundleFileName({ festivalId, prerequisites, heads }),
      ...heads,
      ...prerequisites,
    ]) {
      expect(format).toContain(name);
    }
  });
});

describe("inspectBundle", () => {
  it("shows everything of a good public bundle and marks it verified", () => {
    const fixture = makeFestival();
    const bytes = encodeBundle(fullBundleInput(fixture, "public"));
    const inspection = inspectBundle(bytes);
    expect(inspection.verified).toBe(true);
    expect(inspection.problem).toBeUndefined();
    expect(inspection.kind).toBe("full");
    expect(inspection.header?.festivalId).toBe(fixture.festivalId);
    expect(inspection.byteLength).toBe(bytes.length);
  });

  it("shows only the clear part of a private bundle whose festival is unknown", () => {
    const fixture = makeFestival();
    const bytes = encodeBundle(fullBundleInput(fixture, "private"));
    const inspection = inspectBundle(bytes, { festivalIdFor: () => undefined });
    expect(inspection.verified).toBe(false);
    expect(inspection.problem).toMatch(/not known here/);
    expect(inspection.visibility).toBe("private");
    expect(inspection.discoveryKey).toBe(discoveryKey(fixture.festivalId));
    expect(inspection.payloadSectionLength).toBeGreaterThan(0);
    expect(inspection.header).toBeUndefined();
    const known = inspectBundle(bytes, { festivalIdFor: () => fixture.festivalId });
    expect(known.verified).toBe(true);
    expect(known.header?.festivalId).toBe(fixture.festivalId);
  });

  it("still shows the header of a bundle whose payload was damaged, with the reason", () => {
    const fixture = makeFestival();
    const bytes = encodeBundle(fullBundleInput(fixture, "public"));
    bytes[bytes.length - 70] ^= 0x01;
    const inspection = inspectBundle(bytes);
    expect(inspection.verified).toBe(false);
    expect(inspection.problem).toBe("payload hash mismatch");
    expect(inspection.header?.festivalId).toBe(fixture.festivalId);
    expect(inspectBundle(new Uint8Array(0)).problem).toMatch(/empty file/);
  });
});

describe("large payloads", () => {
  it("packs and unpacks a 10 MB payload intact, public and private", () => {
    const fixture = makeFestival();
    const payload = new Uint8Array(10 * 1024 * 1024);
    for (let offset = 0; offset < payload.length; offset += 65536) payload.set(nacl.randomBytes(65536), offset);
    const options = { festivalIdFor: () => fixture.festivalId };
    for (const visibility of ["public", "private"] as const) {
      const bytes = encodeBundle({ ...fullBundleInput(fixture, visibility), payload });
      const decoded = decodeBundle(bytes, options);
      expect(Buffer.from(decoded.payload).equals(Buffer.from(payload))).toBe(true);
    }
  });
});
