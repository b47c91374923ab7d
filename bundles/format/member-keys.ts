// Bundles sealed under a private festival's member key (flag member-keys): the key a packer seals with and the
// envelopes that hand it to each member, and the keys a reader holds or opens from envelopes. Browser-safe.
import type * as A from "@automerge/automerge";
import { PandafestError } from "../../engine/core/errors.js";
import type { Festival } from "../../engine/core/schema.js";
import { governanceOf } from "../../engine/core/governance/standing.js";
import { festivalAudience } from "../../engine/core/membership/access.js";
import { festivalKeyFor, festivalKeyId, keyringOf, openEpochKey } from "../../engine/core/membership/keyring.js";
import { FESTIVAL_KEY_BYTES, SEALED_KEY_BYTES } from "../../engine/core/membership/member-box.js";
import { fromHex, toHex } from "../../engine/core/keys.js";
import ed2curve from "ed2curve";
import nacl from "tweetnacl";
import { decodeMemberKeysClearHeader } from "./header.js";
import { hasMemberKeys, readHeaderSection, readPrelude } from "./layout.js";

/** At most this many envelopes in one bundle (as many as an epoch record seals to). */
export const MAX_ENVELOPES = 256;

/** What a packer seals a member-keys bundle with: the festival's current key and the members it goes to. */
export interface MemberSealing {
  keyId: string;
  key: Uint8Array;
  /** ed25519 public keys (hex) of the festival's current members: each gets an envelope */
  members: readonly string[];
}

const EPHEMERAL_BYTES = nacl.box.publicKeyLength; // 32
const NONCE_BYTES = nacl.box.nonceLength; // 24

/** Members' X25519 keys, converted once per process (a field inversion each); null for a key that is no ed25519 point. */
const curveKeys = new Map<string, Uint8Array | null>();

function curveKeyOf(member: string): Uint8Array | null {
  let converted = curveKeys.get(member);
  if (converted === undefined) {
    converted = /^[0-9a-f]{64}$/.test(member) ? ed2curve.convertPublicKey(fromHex(member, "member key", 32)) : null;
    if (curveKeys.size >= 4096) curveKeys.clear();
    curveKeys.set(member, converted);
  }
  return converted;
}

/**
 * Seals `key` to each member: the envelope of sealKeyTo (engine/core/membership/member-box.ts: ephemeral X25519 public
 * key ‖ nonce ‖ box), with one ephemeral key pair for all envelopes of a bundle and a fresh nonce for each, so a reader
 * computes one shared key and tries each envelope cheaply. Sorted, so their order says nothing.
 */
export function sealEnvelopes(sealing: MemberSealing): string[] {
  // a granted key that is no ed25519 point can hold no key (engine/core/membership canHoldKey): it gets no envelope
  const members = [...new Set(sealing.members)].flatMap((member) => {
    const curveKey = curveKeyOf(member);
    return curveKey === null ? [] : [curveKey];
  });
  if (members.length === 0) throw new PandafestError("cannot pack bundle: a member-keys bundle needs at least one member to seal its key to", { code: "input" });
  if (members.length > MAX_ENVELOPES) {
    throw new PandafestError(`cannot pack bundle: the festival has ${members.length} members, more than the ${MAX_ENVELOPES} envelopes a bundle holds`, { code: "input" });
  }
  if (sealing.key.length !== FESTIVAL_KEY_BYTES) throw new PandafestError(`cannot pack bundle: a festival key is ${FESTIVAL_KEY_BYTES} bytes`, { code: "input" });
  const ephemeral = nacl.box.keyPair();
  const envelopes = members.map((member) => {
    const nonce = nacl.randomBytes(NONCE_BYTES);
    const envelope = new Uint8Array(SEALED_KEY_BYTES);
    envelope.set(ephemeral.publicKey, 0);
    envelope.set(nonce, EPHEMERAL_BYTES);
    envelope.set(nacl.box(sealing.key, nonce, member, ephemeral.secretKey), EPHEMERAL_BYTES + NONCE_BYTES);
    return toHex(envelope);
  });
  return envelopes.sort();
}

/**
 * Opens the envelopes sealed to `secretKey` (an ed25519 secret key): one shared key per distinct ephemeral key,
 * then each envelope is a secretbox to try. The keys they hold, in envelope order.
 */
function openEnvelopes(envelopes: readonly string[], secretKey: Uint8Array): Uint8Array[] {
  const curveSecret = ed2curve.convertSecretKey(secretKey);
  const shared = new Map<string, Uint8Array>();
  const opened: Uint8Array[] = [];
  for (const hex of envelopes) {
    if (hex.length !== SEALED_KEY_BYTES * 2) continue;
    const envelope = fromHex(hex, "envelope", SEALED_KEY_BYTES);
    const ephemeralHex = hex.slice(0, EPHEMERAL_BYTES * 2);
    let before = shared.get(ephemeralHex);
    if (before === undefined) {
      before = nacl.box.before(envelope.subarray(0, EPHEMERAL_BYTES), curveSecret);
      shared.set(ephemeralHex, before);
    }
    const key = nacl.box.open.after(envelope.subarray(EPHEMERAL_BYTES + NONCE_BYTES), envelope.subarray(EPHEMERAL_BYTES, EPHEMERAL_BYTES + NONCE_BYTES), before);
    if (key !== null && key.length === FESTIVAL_KEY_BYTES) opened.push(key);
  }
  return opened;
}

/**
 * How a festival's bundles are sealed when `packer` packs them: undefined for a public festival or one still at
 * epoch 0 (version-1 bundles, the id-derived key), else its current key and members. Throws when the festival's
 * bundles go to members only and the packer does not hold the current key.
 */
export function memberSealingFor(doc: A.Doc<Festival>, festivalId: string, packer: { publicKey: string; secretKey: Uint8Array }): MemberSealing | undefined {
  if (festivalAudience(doc, festivalId) !== "members") return undefined;
  const current = festivalKeyFor(doc, festivalId, packer);
  if (current === undefined) {
    throw new PandafestError(
      `cannot pack a bundle of ${festivalId}: its bundles are sealed under its members' key, and this identity (${packer.publicKey.slice(0, 12)}…) ` +
        "does not hold the current one (it is not a member, or no manager has handed it the key yet)",
      { code: "input" },
    );
  }
  return { keyId: current.keyId, key: current.key, members: [...governanceOf(doc, festivalId).roles.keys()].sort() };
}

/** Raised when a member-keys bundle is sealed under a key this reader neither holds nor finds an envelope for. */
export class FestivalKeyNotHeld extends PandafestError {
  constructor(
    readonly festivalId: string,
    readonly keyId: string,
  ) {
    super(
      `bundle of festival ${festivalId} is sealed under a festival key this identity does not hold (key ${keyId.slice(0, 16)}…): ` +
        "it was made after this identity was removed from the festival, or before its access request was accepted",
      { code: "input" },
    );
    this.name = "FestivalKeyNotHeld";
  }
}

/**
 * The festival keys a reader holds, by festival and key id: those it adds (its current key, earlier epochs' keys it
 * can open) and those it opened from envelopes sealed to its identity (remembered, so one envelope is opened once
 * per key). Without an identity secret key it opens no envelope.
 */
export class BundleKeys {
  private readonly held = new Map<string, Map<string, Uint8Array>>();

  constructor(private readonly identity?: { publicKey: string; secretKey: Uint8Array }) {}

  add(festivalId: string, key: Uint8Array): string {
    const keyId = festivalKeyId(key);
    let keys = this.held.get(festivalId);
    if (keys === undefined) this.held.set(festivalId, (keys = new Map()));
    keys.set(keyId, key);
    return keyId;
  }

  /** Adds the keys this reader's identity holds in `doc`: the current key and every counting epoch's it can open. */
  addFromFestival(doc: A.Doc<Festival>, festivalId: string): void {
    if (this.identity === undefined) return;
    const current = festivalKeyFor(doc, festivalId, this.identity);
    if (current !== undefined && current.number > 0) this.add(festivalId, current.key);
    const keyring = keyringOf(doc, festivalId);
    for (const epoch of keyring.epochs) {
      if (this.has(festivalId, epoch.keyId)) continue;
      const key = openEpochKey(keyring, epoch.keyId, this.identity);
      if (key !== undefined) this.add(festivalId, key);
    }
  }

  has(festivalId: string, keyId: string): boolean {
    return this.held.get(festivalId)?.has(keyId) ?? false;
  }

  find(festivalId: string, keyId: string): Uint8Array | undefined {
    return this.held.get(festivalId)?.get(keyId);
  }

  /**
   * The key named `keyId`, held or opened from an envelope sealed to this identity. Undefined when neither;
   * throws when an envelope sealed to this identity holds another key than the one named (forged or damaged).
   */
  keyFor(festivalId: string, keyId: string, envelopes: readonly string[]): Uint8Array | undefined {
    const held = this.find(festivalId, keyId);
    if (held !== undefined || this.identity === undefined) return held;
    let mismatch = false;
    for (const key of openEnvelopes(envelopes, this.identity.secretKey)) {
      if (festivalKeyId(key) === keyId) {
        this.add(festivalId, key);
        return key;
      }
      mismatch = true;
    }
    if (mismatch) {
      throw new PandafestError(
        `private bundle's envelope for this identity holds another key than the key id it names (${keyId.slice(0, 16)}…): the file is damaged or forged`,
        { code: "input" },
      );
    }
    return undefined;
  }

  /** The public key of the identity that opens envelopes, when there is one. */
  get reader(): string | undefined {
    return this.identity?.publicKey;
  }
}

/** The key id, envelopes and discovery key of a member-keys bundle, from its front; undefined for any other bundle. */
export function memberKeysFront(bytes: Uint8Array, fileLength = bytes.length): { discoveryKey: string; keyId: string; envelopes: string[] } | undefined {
  try {
    const { flags } = readPrelude(bytes);
    if (!hasMemberKeys(flags)) return undefined;
    return decodeMemberKeysClearHeader(readHeaderSection(bytes, fileLength));
  } catch (error) {
    if (!(error instanceof PandafestError)) throw error;
    return undefined; // decoding it reports the problem
  }
}
