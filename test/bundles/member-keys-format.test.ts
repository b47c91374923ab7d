// Bundles sealed under a private festival's member key (flag member-keys): what packing writes, how members,
// newcomers and removed members read it, epoch 0 unchanged, and bundles crafted by hand per bundles/FORMAT.md with
// forged envelopes, a wrong key id and an envelope for a non-member.
import * as A from "@automerge/automerge";
import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";
import { decodeBundle, encodeBundle, type BundleInput } from "../../bundles/format/codec.js";
import { fromHex, seal, sha256Hex, signDetached, toHex } from "../../bundles/format/crypto.js";
import { discoveryKey } from "../../bundles/format/discovery.js";
import { decodeClearPrivateHeader, decodeMemberKeysClearHeader, encodeHeader, type BundleHeader } from "../../bundles/format/header.js";
import { FLAG_ENCRYPTED, FLAG_MEMBER_KEYS, readHeaderSection, readPrelude } from "../../bundles/format/layout.js";
import { BundleKeys, FestivalKeyNotHeld } from "../../bundles/format/member-keys.js";
import { packFestival } from "../../bundles/format/pack.js";
import {
  createFestivalDoc,
  foundFestival,
  recordMember,
  withVisibleAttestation,
  type Festival,
} from "../../engine/core/index.js";
import { canHoldKey, festivalKeyFor, festivalKeyId, newEpoch, sealKeyTo } from "../../engine/core/membership/index.js";
import { edit, person, record, type Person } from "../governance/governance-helpers.js";

const ada = person("Ada");
const bo = person("Bo");
const cy = person("Cy");
const mallory = person("Mallory");

function carrierOf(who: Person) {
  return { publicKey: fromHex(who.publicKey) as Uint8Array, secretKey: who.secretKey };
}

/** A private organised festival founded by Ada, with Bo (edit) and Cy (edit). */
function privateFestival(): { doc: A.Doc<Festival>; id: string } {
  const start = createFestivalDoc({ name: "Hidden Fest", startDate: "2027-07-01", endDate: "2027-07-03", timeZone: "Europe/Berlin", visibility: "private" });
  const { doc, id } = foundFestival(start, "organised", { also: (draft) => recordMember(draft, ada) });
  let next = withVisibleAttestation(doc, id, ada);
  next = record(next, id, ada, { kind: "grant", key: bo.publicKey, role: "edit" });
  next = record(next, id, ada, { kind: "grant", key: cy.publicKey, role: "edit" });
  return { doc: next, id };
}

/** The festival at epoch 1: a key sealed to Ada, Bo and Cy. */
function atEpochOne(): { doc: A.Doc<Festival>; id: string } {
  const { doc, id } = privateFestival();
  return { doc: record(doc, id, ada, newEpoch([ada.publicKey, bo.publicKey, cy.publicKey], 1).record), id };
}

function lookupOf(id: string) {
  return (key: string) => (key === discoveryKey(id) ? id : undefined);
}

describe("member-keys bundles", () => {
  it("are sealed under the current key with one envelope per member; members read them by key or envelope, others cannot", () => {
    const { doc, id } = atEpochOne();
    const packed = packFestival({ festivalId: id, doc, carrier: carrierOf(ada) });
    expect(packed).not.toBeNull();
    const bytes = (packed as NonNullable<typeof packed>).bytes;
    const prelude = readPrelude(bytes);
    expect(prelude.formatVersion).toBe(1);
    expect(prelude.flags).toBe(FLAG_ENCRYPTED | FLAG_MEMBER_KEYS);
    const clear = decodeMemberKeysClearHeader(readHeaderSection(bytes));
    const current = festivalKeyFor(doc, id, ada);
    expect(clear.keyId).toBe(current?.keyId);
    expect(clear.envelopes).toHaveLength(3);
    expect([...clear.envelopes].sort()).toEqual(clear.envelopes);
    const text = new TextDecoder().decode(bytes);
    for (const secret of [id, ada.publicKey, bo.publicKey, cy.publicKey, "Hidden Fest"]) expect(text).not.toContain(secret);

    // Ada holds the key in her festival: no envelope is opened
    const adaKeys = new BundleKeys(ada);
    adaKeys.addFromFestival(doc, id);
    expect(decodeBundle(bytes, { festivalIdFor: lookupOf(id), keys: adaKeys }).keyId).toBe(clear.keyId);
    // Bo has no festival yet (a newcomer): his envelope opens
    const boKeys = new BundleKeys(bo);
    const read = decodeBundle(bytes, { festivalIdFor: lookupOf(id), keys: boKeys });
    expect(read.header.festivalId).toBe(id);
    expect(read.envelopeCount).toBe(3);
    expect(boKeys.has(id, clear.keyId), "the key opened is remembered").toBe(true);
    // Mallory knows the id but is no member
    expect(() => decodeBundle(bytes, { festivalIdFor: lookupOf(id), keys: new BundleKeys(mallory) })).toThrow(FestivalKeyNotHeld);
    expect(() => decodeBundle(bytes, { festivalIdFor: lookupOf(id), keys: new BundleKeys(mallory) })).toThrow(
      /sealed under a festival key this identity does not hold .*removed from the festival, or before its access request was accepted/,
    );
    // a reader without keys at all (the web app before it passes them): the same clear refusal
    expect(() => decodeBundle(bytes, { festivalIdFor: lookupOf(id) })).toThrow(FestivalKeyNotHeld);
  });

  it("a festival still at epoch 0 writes exactly today's version-1 private bundle", () => {
    const { doc, id } = privateFestival();
    const packed = packFestival({ festivalId: id, doc, carrier: carrierOf(ada) });
    const bytes = (packed as NonNullable<typeof packed>).bytes;
    expect(readPrelude(bytes).flags).toBe(FLAG_ENCRYPTED);
    expect(Object.keys(decodeClearPrivateHeader(readHeaderSection(bytes)))).toEqual(["discoveryKey", "sealedHeader"]);
    expect(decodeBundle(bytes, { festivalIdFor: lookupOf(id) }).header.festivalId).toBe(id);
  });

  it("after a removal the new epoch's bundles do not open for the removed member; older ones still do", () => {
    const { doc, id } = atEpochOne();
    const before = (packFestival({ festivalId: id, doc, carrier: carrierOf(ada) }) as { bytes: Uint8Array }).bytes;
    let after = record(doc, id, ada, { kind: "withdraw", key: cy.publicKey });
    after = record(after, id, ada, newEpoch([ada.publicKey, bo.publicKey], 2).record);
    after = edit(after, id, ada, "secret plans", (draft) => {
      draft.description = new A.ImmutableString("after the removal");
    });
    const later = (packFestival({ festivalId: id, doc: after, carrier: carrierOf(ada) }) as { bytes: Uint8Array }).bytes;
    expect(decodeMemberKeysClearHeader(readHeaderSection(later)).envelopes).toHaveLength(2);

    const cyKeys = new BundleKeys(cy);
    cyKeys.addFromFestival(doc, id); // Cy's replica, from before the removal
    expect(decodeBundle(before, { festivalIdFor: lookupOf(id), keys: cyKeys }).header.festivalId).toBe(id);
    expect(() => decodeBundle(later, { festivalIdFor: lookupOf(id), keys: cyKeys })).toThrow(FestivalKeyNotHeld);

    const boKeys = new BundleKeys(bo);
    boKeys.addFromFestival(doc, id); // Bo still at epoch 1: his envelope in the new bundle opens epoch 2
    expect(decodeBundle(later, { festivalIdFor: lookupOf(id), keys: boKeys }).keyId).toBe(festivalKeyFor(after, id, bo)?.keyId);
  });

  it("packing refuses when the packer does not hold the current key", () => {
    const { doc, id } = atEpochOne();
    expect(() => packFestival({ festivalId: id, doc, carrier: carrierOf(mallory) })).toThrow(/does not hold the current one/);
  });
});

/** A member-keys bundle written by hand from bundles/FORMAT.md, with the envelopes and key id given. */
function handmade(options: { id: string; key: Uint8Array; keyId: string; envelopes: string[]; carrier: Person }): Uint8Array {
  const payload = A.save(A.from({ marker: "HANDMADE" }));
  const doc = A.load(payload);
  const header: BundleHeader = {
    festivalId: options.id,
    discoveryKey: discoveryKey(options.id),
    createdAt: 1_780_000_000_000,
    carrierPublicKey: options.carrier.publicKey,
    prerequisites: [],
    heads: A.getHeads(doc),
    changeCount: 1,
    payloadLength: payload.length,
    payloadHash: sha256Hex(payload),
  };
  const headerBytes = encodeHeader(header);
  const prelude = new Uint8Array(14);
  prelude.set(new TextEncoder().encode("PNDFBNDL"));
  new DataView(prelude.buffer).setUint16(8, 1);
  new DataView(prelude.buffer).setUint32(10, 0x3);
  const message = new Uint8Array([...prelude, ...headerBytes]);
  const signature = signDetached(message, options.carrier.secretKey);
  const clear = new TextEncoder().encode(
    JSON.stringify({ discoveryKey: header.discoveryKey, keyId: options.keyId, envelopes: [...options.envelopes].sort(), sealedHeader: toHex(seal(headerBytes, options.key)) }),
  );
  const sealedPayload = seal(payload, options.key);
  const sealedSignature = seal(signature, options.key);
  const file = new Uint8Array(26 + clear.length + sealedPayload.length + sealedSignature.length);
  const view = new DataView(file.buffer);
  file.set(prelude, 0);
  view.setUint32(14, clear.length);
  file.set(clear, 18);
  view.setBigUint64(18 + clear.length, BigInt(sealedPayload.length));
  file.set(sealedPayload, 26 + clear.length);
  file.set(sealedSignature, 26 + clear.length + sealedPayload.length);
  return file;
}

describe("member-keys bundles made by hand", () => {
  const id = "2Lq8Pk3mZxWv7aSdFgHjKz9Yb";
  const key = nacl.randomBytes(32);
  const keyId = festivalKeyId(key);

  it("one made by the documented steps reads like one pandafest packed", () => {
    const bytes = handmade({ id, key, keyId, envelopes: [sealKeyTo(bo.publicKey, key), sealKeyTo(ada.publicKey, key)], carrier: ada });
    const bundle = decodeBundle(bytes, { festivalIdFor: lookupOf(id), keys: new BundleKeys(bo) });
    expect(bundle.header.carrierPublicKey).toBe(ada.publicKey);
    expect(bundle.keyId).toBe(keyId);
  });

  it("refuses a forged envelope (it opens to another key than the key id names)", () => {
    const other = nacl.randomBytes(32);
    const bytes = handmade({ id, key, keyId, envelopes: [sealKeyTo(bo.publicKey, other)], carrier: ada });
    expect(() => decodeBundle(bytes, { festivalIdFor: lookupOf(id), keys: new BundleKeys(bo) })).toThrow(/envelope for this identity holds another key .* damaged or forged/);
    // garbage in an envelope is no envelope for anybody
    const garbage = handmade({ id, key, keyId, envelopes: ["ab".repeat(104)], carrier: ada });
    expect(() => decodeBundle(garbage, { festivalIdFor: lookupOf(id), keys: new BundleKeys(bo) })).toThrow(FestivalKeyNotHeld);
  });

  it("refuses a wrong key id: to a member holding that id's key, the sections do not open", () => {
    const held = nacl.randomBytes(32);
    const bytes = handmade({ id, key, keyId: festivalKeyId(held), envelopes: [sealKeyTo(bo.publicKey, key)], carrier: ada });
    const keys = new BundleKeys(bo);
    keys.add(id, held);
    expect(() => decodeBundle(bytes, { festivalIdFor: lookupOf(id), keys })).toThrow(/could not be decrypted: the file is damaged/);
    // and to a member without it, the envelope's key does not match the id
    expect(() => decodeBundle(bytes, { festivalIdFor: lookupOf(id), keys: new BundleKeys(bo) })).toThrow(/damaged or forged/);
  });

  it("an envelope for a non-member opens only for them; nobody else learns anything from it", () => {
    const bytes = handmade({ id, key, keyId, envelopes: [sealKeyTo(ada.publicKey, key), sealKeyTo(mallory.publicKey, key)], carrier: ada });
    const clear = decodeMemberKeysClearHeader(readHeaderSection(bytes));
    expect(clear.envelopes.join("")).not.toContain(mallory.publicKey);
    expect(() => decodeBundle(bytes, { festivalIdFor: lookupOf(id), keys: new BundleKeys(cy) })).toThrow(FestivalKeyNotHeld);
    // whoever holds a key can hand it on (the format cannot stop that); the carrier's signature still holds
    expect(decodeBundle(bytes, { festivalIdFor: lookupOf(id), keys: new BundleKeys(mallory) }).header.carrierPublicKey).toBe(ada.publicKey);
  });

  it("refuses a clear header that is not canonical: envelopes out of order, an empty list, a key id of the wrong length", () => {
    const good = handmade({ id, key, keyId, envelopes: [sealKeyTo(bo.publicKey, key), sealKeyTo(ada.publicKey, key)], carrier: ada });
    const clear = decodeMemberKeysClearHeader(readHeaderSection(good));
    const variants: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...clear, envelopes: [...clear.envelopes].reverse() }, /"envelopes" must be .* ascending order/],
      [{ ...clear, envelopes: [] }, /"envelopes" must be a list of 1 to 256/],
      [{ ...clear, keyId: `${clear.keyId}00` }, /"keyId" must be 32 lower-case hex/],
      [{ discoveryKey: clear.discoveryKey, sealedHeader: clear.sealedHeader }, /lacks the field "keyId"/],
    ];
    for (const [variant, problem] of variants) {
      const bytes = new TextEncoder().encode(JSON.stringify(variant));
      expect(() => decodeMemberKeysClearHeader(bytes)).toThrow(problem);
    }
  });

  it("refuses the member-keys flag without the encrypted flag, and names a flag it does not know", () => {
    const bytes = handmade({ id, key, keyId, envelopes: [sealKeyTo(bo.publicKey, key)], carrier: ada });
    const noEncryption = new Uint8Array(bytes);
    new DataView(noEncryption.buffer).setUint32(10, FLAG_MEMBER_KEYS);
    expect(() => decodeBundle(noEncryption)).toThrow(/member-keys flag without the encrypted flag/);
    const unknown = new Uint8Array(bytes);
    new DataView(unknown.buffer).setUint32(10, 0x7);
    expect(() => decodeBundle(unknown)).toThrow(/features this pandafest does not understand \(flags 0x00000004\); update pandafest to read it/);
  });
});

describe("encodeBundle with sealing", () => {
  it("needs a member to seal to", () => {
    const key = nacl.randomBytes(32);
    const input: BundleInput = {
      festivalId: "2Lq8Pk3mZxWv7aSdFgHjKz9Yb",
      visibility: "private",
      carrier: carrierOf(ada),
      prerequisites: [],
      heads: [],
      changeCount: 0,
      payload: new Uint8Array(0),
      sealing: { keyId: festivalKeyId(key), key, members: [] },
    };
    expect(() => encodeBundle(input)).toThrow(/needs at least one member/);
    // a granted key that is no ed25519 point gets no envelope, and stops nobody else's
    let bogus = "";
    for (let attempt = 0; attempt < 200 && bogus === ""; attempt++) {
      const candidate = toHex(nacl.randomBytes(32));
      if (!canHoldKey(candidate)) bogus = candidate;
    }
    expect(() => encodeBundle({ ...input, sealing: { keyId: festivalKeyId(key), key, members: [bogus] } })).toThrow(/needs at least one member/);
    const bytes = encodeBundle({ ...input, sealing: { keyId: festivalKeyId(key), key, members: [bogus, bo.publicKey] } });
    expect(decodeMemberKeysClearHeader(readHeaderSection(bytes)).envelopes).toHaveLength(1);
    expect(decodeBundle(bytes, { festivalIdFor: lookupOf(input.festivalId), keys: new BundleKeys(bo) }).keyId).toBe(festivalKeyId(key));
  });
});
