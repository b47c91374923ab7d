// A private festival's keys: the epochs its managers started (each a random key sealed to every member), which
// of them are current, and the key a member opens from them. Epoch 0 is the key derived from the festival id.
import type * as A from "@automerge/automerge";
import { sha256 } from "@noble/hashes/sha2";
import nacl from "tweetnacl";
import { bytesEqual, randomBytes, toHex } from "../keys.js";
import type { Festival } from "../schema.js";
import type { GovernanceRecord, KeySeal } from "../governance/records.js";
import { governanceOf, type FestivalGovernance } from "../governance/standing.js";
import { canHoldKey, FESTIVAL_KEY_BYTES, openSealedKey, sealKeyTo } from "./member-box.js";

/*
 * The rule. An epoch record ("epoch <key id> <number> <seals>") that counts (its author manages at its past)
 * starts an epoch; a share record hands an epoch's key to more members. The current epochs are the counting epoch
 * records that no other counting epoch record has in its past. When managers start epochs concurrently (two
 * removals while apart), all of them are current and the festival key is made from all their keys together, so
 * whoever lacks any one of them (either removed member) cannot read what is sealed next. A later epoch that has
 * them all in its past ends that. With no epoch record, the festival is at epoch 0: the key derived from its id.
 */

export const ID_DERIVED_KEY_LABEL = "pandafest-bundle-key-v1";
const KEY_ID_LABEL = new TextEncoder().encode("pandafest-epoch-key-v1");
const JOINED_KEY_LABEL = new TextEncoder().encode("pandafest-epoch-join-v1");

/** The key of epoch 0: SHA-256("pandafest-bundle-key-v1" ‖ festival id), as bundles/FORMAT.md gives it. */
export function idDerivedKey(festivalId: string): Uint8Array {
  return sha256.create().update(new TextEncoder().encode(ID_DERIVED_KEY_LABEL)).update(new TextEncoder().encode(festivalId)).digest();
}

/** A key's public name: the first 16 bytes of SHA-512("pandafest-epoch-key-v1" ‖ key), 32 hex. */
export function festivalKeyId(key: Uint8Array): string {
  const input = new Uint8Array(KEY_ID_LABEL.length + key.length);
  input.set(KEY_ID_LABEL);
  input.set(key, KEY_ID_LABEL.length);
  return toHex(nacl.hash(input).subarray(0, 16));
}

export interface Epoch {
  /** the change that started it */
  hash: string;
  keyId: string;
  number: number;
  /** the manager who started it */
  author: string;
}

export interface Keyring {
  /** every epoch that counts, in causal order */
  epochs: Epoch[];
  /** the latest epochs (more than one after concurrent ones); empty at epoch 0 */
  current: Epoch[];
  /** the current epoch's number (0: the id-derived key) */
  number: number;
  /** who holds each epoch's key: key id → member → sealed key (from counting epoch and share records) */
  seals: Map<string, Map<string, string>>;
}

/** The key a member holds for the festival now. */
export interface FestivalKey {
  keyId: string;
  key: Uint8Array;
  number: number;
}

const keyrings = new WeakMap<FestivalGovernance, Keyring>();

/** The festival's epochs and seals, from what counts in `doc` (remembered per governance decision). */
export function keyringOf(doc: A.Doc<Festival>, festivalId: string): Keyring {
  const governance = governanceOf(doc, festivalId);
  const known = keyrings.get(governance);
  if (known !== undefined) return known;
  const epochs: (Epoch & { index: number })[] = [];
  const seals = new Map<string, Map<string, string>>();
  const addSeals = (keyId: string, list: readonly KeySeal[]) => {
    let held = seals.get(keyId);
    if (held === undefined) seals.set(keyId, (held = new Map()));
    for (const seal of list) if (!held.has(seal.member)) held.set(seal.member, seal.sealed);
  };
  for (const standing of governance.changes) {
    const record = standing.record;
    if (standing.status !== "counts" || record === null || standing.author === null) continue;
    if (record.kind === "epoch") {
      epochs.push({ hash: standing.hash, keyId: record.keyId, number: record.number, author: standing.author, index: standing.index });
      addSeals(record.keyId, record.seals);
    } else if (record.kind === "share") addSeals(record.keyId, record.seals);
  }
  const current = epochs.filter((epoch) => !epochs.some((later) => later !== epoch && later.index > epoch.index && inPast(governance, later.index, epoch.index)));
  const keyring: Keyring = {
    epochs: epochs.map(({ index: _index, ...epoch }) => epoch),
    current: current.map(({ index: _index, ...epoch }) => epoch).sort((left, right) => left.keyId.localeCompare(right.keyId)),
    number: current.reduce((highest, epoch) => Math.max(highest, epoch.number), 0),
    seals,
  };
  keyrings.set(governance, keyring);
  return keyring;
}

/** Whether the change at `target` is in the past of the change at `from` (indices in causal order). */
function inPast(governance: FestivalGovernance, from: number, target: number): boolean {
  const metadata = governance.metadata;
  const indexOf = governance.indexOf ?? new Map(metadata.map((change, index) => [change.hash, index]));
  const seen = new Set<number>();
  const stack = [from];
  while (stack.length > 0) {
    const next = stack.pop() as number;
    if (next === target) return true;
    if (seen.has(next) || next < target) continue; // an ancestor comes before its descendants
    seen.add(next);
    for (const dep of metadata[next].deps) {
      const position = indexOf.get(dep);
      if (position !== undefined) stack.push(position);
    }
  }
  return false;
}

/** The festival key of the current epoch(s) that `secretKey` (a member's ed25519 secret) opens; undefined when it lacks one. */
export function festivalKeyFor(doc: A.Doc<Festival>, festivalId: string, member: { publicKey: string; secretKey: Uint8Array }): FestivalKey | undefined {
  const keyring = keyringOf(doc, festivalId);
  let opened = openedKeys.get(keyring);
  if (opened === undefined) openedKeys.set(keyring, (opened = new Map()));
  const known = opened.get(member.publicKey);
  if (known !== undefined) return known ?? undefined;
  const key = openCurrentKey(keyring, festivalId, member);
  opened.set(member.publicKey, key ?? null);
  return key;
}

/** Keys opened per keyring and member (opening a seal costs a scalar multiplication). */
const openedKeys = new WeakMap<Keyring, Map<string, FestivalKey | null>>();

function openCurrentKey(keyring: Keyring, festivalId: string, member: { publicKey: string; secretKey: Uint8Array }): FestivalKey | undefined {
  if (keyring.current.length === 0) {
    const key = idDerivedKey(festivalId);
    return { keyId: festivalKeyId(key), key, number: 0 };
  }
  const parts: Uint8Array[] = [];
  for (const epoch of keyring.current) {
    const key = openEpochKey(keyring, epoch.keyId, member);
    if (key === undefined) return undefined;
    parts.push(key);
  }
  const key = parts.length === 1 ? parts[0] : joinedKey(parts);
  return { keyId: festivalKeyId(key), key, number: keyring.number };
}

/** One epoch's key as the member's seal opens it (checked against the key id); undefined without a seal. */
export function openEpochKey(keyring: Keyring, keyId: string, member: { publicKey: string; secretKey: Uint8Array }): Uint8Array | undefined {
  const sealed = keyring.seals.get(keyId)?.get(member.publicKey);
  if (sealed === undefined) return undefined;
  const key = openSealedKey(sealed, member.secretKey);
  return key !== undefined && festivalKeyId(key) === keyId ? key : undefined;
}

/** The key of concurrent epochs together: SHA-512("pandafest-epoch-join-v1" ‖ their keys by key id)[0..32]. */
function joinedKey(parts: readonly Uint8Array[]): Uint8Array {
  const input = new Uint8Array(JOINED_KEY_LABEL.length + parts.length * FESTIVAL_KEY_BYTES);
  input.set(JOINED_KEY_LABEL);
  parts.forEach((part, index) => input.set(part, JOINED_KEY_LABEL.length + index * FESTIVAL_KEY_BYTES));
  return nacl.hash(input).subarray(0, FESTIVAL_KEY_BYTES);
}

/** Members (keys with a role now) that lack a seal for some current epoch: a manager should share it with them. */
export function membersLackingKey(doc: A.Doc<Festival>, festivalId: string): string[] {
  const keyring = keyringOf(doc, festivalId);
  const governance = governanceOf(doc, festivalId);
  return [...governance.roles.keys()].filter((member) => canHoldKey(member) && keyring.current.some((epoch) => !keyring.seals.get(epoch.keyId)?.has(member))).sort();
}

/** A new epoch: a fresh random key sealed to each of `members`. */
export function newEpoch(members: readonly string[], number: number): { record: GovernanceRecord & { kind: "epoch" }; key: Uint8Array } {
  const key = randomBytes(FESTIVAL_KEY_BYTES);
  // a granted key that is no ed25519 point can hold nothing; it must not stop everyone else's epoch
  const unique = [...new Set(members)].filter(canHoldKey).sort();
  return { record: { kind: "epoch", keyId: festivalKeyId(key), number, seals: unique.map((member) => ({ member, sealed: sealKeyTo(member, key) })) }, key };
}

/**
 * The share records that hand every current epoch's key to `members` who lack it, made by `sharer` (a manager
 * holding those keys); epochs the sharer cannot open are left out (another manager must share them).
 */
export function shareRecords(doc: A.Doc<Festival>, festivalId: string, sharer: { publicKey: string; secretKey: Uint8Array }, members: readonly string[]): GovernanceRecord[] {
  const keyring = keyringOf(doc, festivalId);
  const records: GovernanceRecord[] = [];
  for (const epoch of keyring.current) {
    const key = openEpochKey(keyring, epoch.keyId, sharer);
    if (key === undefined) continue;
    const lacking = [...new Set(members)].filter((member) => canHoldKey(member) && !keyring.seals.get(epoch.keyId)?.has(member)).sort();
    if (lacking.length > 0) records.push({ kind: "share", keyId: epoch.keyId, seals: lacking.map((member) => ({ member, sealed: sealKeyTo(member, key) })) });
  }
  return records;
}

/** Whether two festival keys are the same key. */
export function sameFestivalKey(left: FestivalKey, right: FestivalKey): boolean {
  return left.keyId === right.keyId && bytesEqual(left.key, right.key);
}
