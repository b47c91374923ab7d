// Governance records: the signed facts that say who may change an organised festival (its founding, grants,
// withdrawals, mode switches, acceptances and rejections), each the message of one festival change.
import { documentIdToBinary, parseAutomergeUrl, stringifyAutomergeUrl, type DocumentId } from "@automerge/automerge-repo";
import nacl from "tweetnacl";
import { PandafestError } from "../errors.js";
import { fromHex, PUBLIC_KEY_BYTES } from "../keys.js";

/*
 * A record is the message of a change, "pandafest-governance v1 <verb> <arguments>". The message is part of the
 * change's hash, and the author's attestation signs that hash, so a record is as signed as any change: who wrote it
 * is the change's verified author. The change also mirrors the record into the document (governance[<id>]) so it is
 * never empty; readers never trust that mirror, only the messages in the history.
 */

export type Role = "manage" | "edit";
export type Mode = "organised" | "open";

export type GovernanceRecord =
  | { kind: "found"; mode: Mode }
  | { kind: "grant"; key: string; role: Role }
  | { kind: "withdraw"; key: string }
  | { kind: "mode"; mode: Mode }
  | { kind: "accept"; hash: string }
  | { kind: "reject"; hash: string }
  | { kind: "epoch"; keyId: string; number: number; seals: KeySeal[] }
  | { kind: "share"; keyId: string; seals: KeySeal[] }
  | { kind: "invite"; invitation: string; role: Role; expiresAt: number; uses: number }
  | { kind: "request"; request: AccessRequestFields }
  | { kind: "decline"; key: string };

/** An epoch's key sealed to one member (membership/member-box.ts): who can open it, and the sealed bytes in hex. */
export interface KeySeal {
  member: string;
  sealed: string;
}

/** An access request as its record carries it (membership/invitations.ts checks its two signatures). */
export interface AccessRequestFields {
  /** the requester's public key */
  key: string;
  /** the invitation's public key */
  invitation: string;
  /** 16 random bytes in hex: one request, one nonce */
  nonce: string;
  /** the requester's self-declared name, UTF-8 in hex (at most 64 bytes) */
  nameHex: string;
  /** made with the invitation's secret: whoever sent this holds the invitation */
  invitationSignature: string;
  /** made with the requester's secret: the key is theirs */
  requesterSignature: string;
}

export const GOVERNANCE_PREFIX = "pandafest-governance v1 ";
const KEY_PATTERN = new RegExp(`^[0-9a-f]{${PUBLIC_KEY_BYTES * 2}}$`);
const HASH_PATTERN = /^[0-9a-f]{64}$/;
const KEY_ID_PATTERN = /^[0-9a-f]{32}$/;
const SEALED_PATTERN = /^[0-9a-f]{208}$/; // 104 bytes: ephemeral key, nonce, boxed 32-byte key
const SIGNATURE_PATTERN = /^[0-9a-f]{128}$/;
const NONCE_PATTERN = /^[0-9a-f]{32}$/;
const NAME_HEX_PATTERN = /^(?:[0-9a-f]{2}){0,64}$/;
const COUNT_PATTERN = /^(?:0|[1-9][0-9]{0,14})$/;
/** The most members an epoch or share record seals a key to (one record stays under 80 KB). */
export const MAX_SEALS_PER_RECORD = 256;
/** The longest record message read: a short record, or an epoch sealed to MAX_SEALS_PER_RECORD members. */
const MAX_MESSAGE_LENGTH = GOVERNANCE_PREFIX.length + 64 + MAX_SEALS_PER_RECORD * 274;

export const ROLES: readonly Role[] = ["edit", "manage"];

/** The message that carries `record`. */
export function governanceMessage(record: GovernanceRecord): string {
  switch (record.kind) {
    case "found":
    case "mode":
      return `${GOVERNANCE_PREFIX}${record.kind} ${record.mode}`;
    case "grant":
      return `${GOVERNANCE_PREFIX}grant ${record.key} ${record.role}`;
    case "withdraw":
      return `${GOVERNANCE_PREFIX}withdraw ${record.key}`;
    case "accept":
    case "reject":
      return `${GOVERNANCE_PREFIX}${record.kind} ${record.hash}`;
    case "epoch":
      return `${GOVERNANCE_PREFIX}epoch ${record.keyId} ${record.number}${sealsText(record.seals)}`;
    case "share":
      return `${GOVERNANCE_PREFIX}share ${record.keyId}${sealsText(record.seals)}`;
    case "invite":
      return `${GOVERNANCE_PREFIX}invite ${record.invitation} ${record.role} ${record.expiresAt} ${record.uses}`;
    case "request": {
      const r = record.request;
      return `${GOVERNANCE_PREFIX}request ${r.key} ${r.invitation} ${r.nonce} ${r.nameHex || "-"} ${r.invitationSignature} ${r.requesterSignature}`;
    }
    case "decline":
      return `${GOVERNANCE_PREFIX}decline ${record.key}`;
  }
}

function sealsText(seals: readonly KeySeal[]): string {
  return seals.map((seal) => ` ${seal.member}.${seal.sealed}`).join("");
}

/** Seal tokens "<member>.<sealed>", each member once; undefined when any is malformed or there are none or too many. */
function parseSeals(tokens: readonly string[]): KeySeal[] | undefined {
  if (tokens.length === 0 || tokens.length > MAX_SEALS_PER_RECORD) return undefined;
  const seals: KeySeal[] = [];
  const members = new Set<string>();
  for (const token of tokens) {
    const [member, sealed, extra] = token.split(".");
    if (extra !== undefined || !KEY_PATTERN.test(member) || sealed === undefined || !SEALED_PATTERN.test(sealed) || members.has(member)) return undefined;
    members.add(member);
    seals.push({ member, sealed });
  }
  return seals;
}

function parseCount(text: string | undefined): number | undefined {
  return text !== undefined && COUNT_PATTERN.test(text) ? Number(text) : undefined;
}

/** The record a change message carries, or null when it carries none (or a malformed one, which counts as none). */
export function parseGovernanceMessage(message: string | null | undefined): GovernanceRecord | null {
  if (typeof message !== "string" || !message.startsWith(GOVERNANCE_PREFIX) || message.length > MAX_MESSAGE_LENGTH) return null;
  const parts = message.slice(GOVERNANCE_PREFIX.length).split(" ");
  const [verb, first, second] = parts;
  const isMode = (value: string | undefined): value is Mode => value === "organised" || value === "open";
  const isRole = (value: string | undefined): value is Role => value === "edit" || value === "manage";
  if ((verb === "found" || verb === "mode") && parts.length === 2 && isMode(first)) return { kind: verb, mode: first };
  if (verb === "grant" && parts.length === 3 && KEY_PATTERN.test(first) && isRole(second)) return { kind: "grant", key: first, role: second };
  if (verb === "withdraw" && parts.length === 2 && KEY_PATTERN.test(first)) return { kind: "withdraw", key: first };
  if ((verb === "accept" || verb === "reject") && parts.length === 2 && HASH_PATTERN.test(first)) return { kind: verb, hash: first };
  if (verb === "decline" && parts.length === 2 && KEY_PATTERN.test(first)) return { kind: "decline", key: first };
  if (verb === "epoch" && KEY_ID_PATTERN.test(first)) {
    const number = parseCount(second);
    const seals = parseSeals(parts.slice(3));
    return number === undefined || number < 1 || seals === undefined ? null : { kind: "epoch", keyId: first, number, seals };
  }
  if (verb === "share" && KEY_ID_PATTERN.test(first)) {
    const seals = parseSeals(parts.slice(2));
    return seals === undefined ? null : { kind: "share", keyId: first, seals };
  }
  if (verb === "invite" && parts.length === 5 && KEY_PATTERN.test(first) && isRole(second)) {
    const expiresAt = parseCount(parts[3]);
    const uses = parseCount(parts[4]);
    if (expiresAt === undefined || uses === undefined || uses < 1) return null;
    return { kind: "invite", invitation: first, role: second, expiresAt, uses };
  }
  if (verb === "request" && parts.length === 7) {
    const [, key, invitation, nonce, name, invitationSignature, requesterSignature] = parts;
    const nameHex = name === "-" ? "" : name;
    if (!KEY_PATTERN.test(key) || !KEY_PATTERN.test(invitation) || !NONCE_PATTERN.test(nonce) || name === "" || !NAME_HEX_PATTERN.test(nameHex)) return null;
    if (!SIGNATURE_PATTERN.test(invitationSignature) || !SIGNATURE_PATTERN.test(requesterSignature)) return null;
    return { kind: "request", request: { key, invitation, nonce, nameHex, invitationSignature, requesterSignature } };
  }
  return null;
}

/** What each field of an access request must look like (lower-case hex throughout). */
export const ACCESS_REQUEST_FIELD_PATTERNS: Readonly<Record<keyof AccessRequestFields, RegExp>> = {
  key: KEY_PATTERN,
  invitation: KEY_PATTERN,
  nonce: NONCE_PATTERN,
  nameHex: NAME_HEX_PATTERN,
  invitationSignature: SIGNATURE_PATTERN,
  requesterSignature: SIGNATURE_PATTERN,
};

/**
 * An access request read from untrusted JSON (an HTTP body, a stick file, a line of text): exactly its six fields,
 * each well formed, or the first problem found.
 */
export function accessRequestFrom(value: unknown): AccessRequestFields | { problem: string } {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return { problem: "it holds no request object" };
  const record = value as Record<string, unknown>;
  const names = Object.keys(ACCESS_REQUEST_FIELD_PATTERNS) as (keyof AccessRequestFields)[];
  const extra = Object.keys(record).find((name) => !(names as string[]).includes(name));
  if (extra !== undefined) return { problem: `request has a field an access request does not hold: "${extra.slice(0, 40)}"` };
  const request = {} as AccessRequestFields;
  for (const name of names) {
    const field = record[name];
    if (typeof field !== "string" || !ACCESS_REQUEST_FIELD_PATTERNS[name].test(field)) {
      return { problem: `request.${name} is missing or malformed (expected lower-case hex matching ${ACCESS_REQUEST_FIELD_PATTERNS[name].source})` };
    }
    request[name] = field;
  }
  return request;
}

/** The role a record needs of its author: managing for who may do what, editing for deciding proposals. */
export function roleNeeded(record: GovernanceRecord | null): Role {
  if (record === null || record.kind === "accept" || record.kind === "reject" || record.kind === "request") return "edit";
  return "manage";
}

/** Whether `role` includes `needed` (manage includes edit). */
export function roleIncludes(role: Role | undefined, needed: Role): boolean {
  if (role === undefined) return false;
  return role === "manage" || needed === "edit";
}

/*
 * A founded festival's id is made from its founding change: two marker bytes ("pf"), then 14 bytes of
 * SHA-512("pandafest-festival-v1" || change hash). Nobody can write another change that yields the same id, so the
 * founding change, and with it the founder, is the same on every replica; a festival whose id lacks the marker was
 * made before governance and stays open.
 */
const FOUNDED_MARKER = [0x70, 0x66];
const FOUNDED_LABEL = new TextEncoder().encode("pandafest-festival-v1");
const ID_BYTES = 16;

/** The id of the festival whose founding change has `hash`. */
export function foundedFestivalId(hash: string): DocumentId {
  const hashBytes = fromHex(hash, "change hash", 32);
  const input = new Uint8Array(FOUNDED_LABEL.length + hashBytes.length);
  input.set(FOUNDED_LABEL);
  input.set(hashBytes, FOUNDED_LABEL.length);
  const digest = nacl.hash(input);
  const id = new Uint8Array(ID_BYTES);
  id.set(FOUNDED_MARKER);
  id.set(digest.subarray(0, ID_BYTES - FOUNDED_MARKER.length), FOUNDED_MARKER.length);
  return parseAutomergeUrl(stringifyAutomergeUrl(id as Parameters<typeof stringifyAutomergeUrl>[0])).documentId;
}

/** Whether `festivalId` has a founded festival's marker (a festival made before governance has it 1 time in 65,536). */
export function hasFoundedMarker(festivalId: string): boolean {
  let bytes: Uint8Array | undefined;
  try {
    bytes = documentIdToBinary(festivalId as DocumentId);
  } catch {
    return false;
  }
  return bytes !== undefined && bytes.length === ID_BYTES && bytes[0] === FOUNDED_MARKER[0] && bytes[1] === FOUNDED_MARKER[1];
}

/** A public key given by a user: 64 hex digits, or a clear error naming what was given. */
export function memberKeyArgument(text: string): string {
  const key = text.trim().toLowerCase();
  if (!KEY_PATTERN.test(key)) {
    throw new PandafestError(`"${text}" is not a member key: a key is 64 hex digits, as \`pandafest whoami\` prints it`, { code: "usage" });
  }
  return key;
}

/** A record in words for history ("new key epoch 2, sealed to 3 members"); other messages are returned as they are. */
export function describeGovernanceMessage(message: string | null): string | null {
  const record = parseGovernanceMessage(message);
  if (record === null) return message;
  const short = (key: string) => `${key.slice(0, 12)}…`;
  switch (record.kind) {
    case "found":
      return `founded the festival (${record.mode})`;
    case "mode":
      return `made the festival ${record.mode}`;
    case "grant":
      return `granted ${record.role} to ${short(record.key)}`;
    case "withdraw":
      return `withdrew the role of ${short(record.key)}`;
    case "accept":
    case "reject":
      return `${record.kind}ed proposal ${record.hash.slice(0, 12)}`;
    case "epoch":
      return `new key epoch ${record.number}, sealed to ${record.seals.length} member(s)`;
    case "share":
      return `handed the key to ${record.seals.map((seal) => short(seal.member)).join(", ")}`;
    case "invite":
      return `invitation for ${record.uses} (${record.role}), until ${new Date(record.expiresAt).toISOString()}`;
    case "request":
      return `access request from ${short(record.request.key)}`;
    case "decline":
      return `declined the request of ${short(record.key)}`;
  }
}
