// Invitations and access requests: a manager's invitation (a key pair whose secret only the invitation code
// holds), the request a newcomer signs with it and with their own key, and where each request stands.
import type * as A from "@automerge/automerge";
import nacl from "tweetnacl";
import { PandafestError } from "../errors.js";
import { fromHex, isHex, keyPairFromSecretKey, randomBytes, sign, toHex, verify, type KeyPair } from "../keys.js";
import type { Festival } from "../schema.js";
import type { AccessRequestFields, Role } from "../governance/records.js";
import { governanceOf } from "../governance/standing.js";

export const INVITATION_SECRET_BYTES = 16;
const INVITATION_LABEL = new TextEncoder().encode("pandafest-invitation-v1");
const REQUEST_LABEL = "pandafest-access-request-v1";
/** The longest self-declared name a request carries, in UTF-8 bytes. */
export const MAX_REQUEST_NAME_BYTES = 64;
/** Festival ids are base58 (automerge-repo); the secret is 32 hex. */
const CODE_PATTERN = /^([1-9A-HJ-NP-Za-km-z]{1,100})\.([0-9a-f]{32})$/;

/** What an invitation code holds: which festival, and the secret the invitation's key pair comes from. */
export interface Invitation {
  festivalId: string;
  secret: Uint8Array;
}

/** The invitation's ed25519 key pair: its seed is SHA-512("pandafest-invitation-v1" ‖ secret)[0..32]. */
export function invitationKeys(secret: Uint8Array): KeyPair {
  const input = new Uint8Array(INVITATION_LABEL.length + secret.length);
  input.set(INVITATION_LABEL);
  input.set(secret, INVITATION_LABEL.length);
  return keyPairFromSecretKey(nacl.sign.keyPair.fromSeed(nacl.hash(input).subarray(0, 32)).secretKey);
}

export function newInvitation(festivalId: string): Invitation {
  return { festivalId, secret: randomBytes(INVITATION_SECRET_BYTES) };
}

/** The short code: "<festival id>.<secret in hex>". */
export function invitationCode(invitation: Invitation): string {
  return `${invitation.festivalId}.${toHex(invitation.secret)}`;
}

/** The link that opens the invitation in the web app served at `baseUrl`. */
export function invitationLink(baseUrl: string, invitation: Invitation): string {
  return `${baseUrl.replace(/\/+$/, "")}/#/join/${invitationCode(invitation)}`;
}

/** Reads an invitation from its code or from a link that ends in one; a clear error otherwise. */
export function parseInvitation(text: string): Invitation {
  const trimmed = text.trim();
  const code = trimmed.includes("/join/") ? decodeURIComponent(trimmed.slice(trimmed.lastIndexOf("/join/") + 6)) : trimmed;
  const match = CODE_PATTERN.exec(code);
  if (!match) {
    throw new PandafestError(
      `"${text.length > 80 ? `${text.slice(0, 80)}…` : text}" is not an invitation: it is a code "<festival id>.<32 hex digits>" or a link ending in /join/<code>, as \`pandafest invite\` prints it`,
      { code: "usage" },
    );
  }
  return { festivalId: match[1], secret: fromHex(match[2], "invitation secret", INVITATION_SECRET_BYTES) };
}

function requestMessage(festivalId: string, fields: Pick<AccessRequestFields, "key" | "invitation" | "nonce" | "nameHex">): Uint8Array {
  return new TextEncoder().encode([REQUEST_LABEL, festivalId, fields.key, fields.invitation, fields.nonce, fields.nameHex].join("\0"));
}

/** The request a newcomer sends: signed with the invitation's key and with their own. */
export function makeAccessRequest(invitation: Invitation, requester: { publicKey: string; secretKey: Uint8Array }, name: string): AccessRequestFields {
  let nameBytes = new TextEncoder().encode(name.trim());
  while (nameBytes.length > MAX_REQUEST_NAME_BYTES) nameBytes = new TextEncoder().encode(Array.from(new TextDecoder().decode(nameBytes)).slice(0, -1).join(""));
  const keys = invitationKeys(invitation.secret);
  const unsigned = { key: requester.publicKey, invitation: toHex(keys.publicKey), nonce: toHex(randomBytes(16)), nameHex: toHex(nameBytes) };
  const message = requestMessage(invitation.festivalId, unsigned);
  return { ...unsigned, invitationSignature: toHex(sign(message, keys.secretKey)), requesterSignature: toHex(sign(message, requester.secretKey)) };
}

/** Whether both signatures of a request hold for this festival (a request made for another festival does not). */
export function requestSignaturesHold(festivalId: string, request: AccessRequestFields): boolean {
  if (![request.key, request.invitation].every((key) => isHex(key, 32)) || ![request.invitationSignature, request.requesterSignature].every((s) => isHex(s, 64))) return false;
  const message = requestMessage(festivalId, request);
  return (
    verify(message, fromHex(request.invitationSignature), fromHex(request.invitation)) &&
    verify(message, fromHex(request.requesterSignature), fromHex(request.key))
  );
}

export function requestName(request: AccessRequestFields): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(fromHex(request.nameHex));
  } catch {
    return "";
  }
}

export type RequestStatus = "pending" | "accepted" | "declined" | "refused";

/** One newcomer's request, as a manager sees it. */
export interface AccessRequest {
  key: string;
  /** self-declared */
  name: string;
  invitation: string;
  /** the role the invitation offers */
  role: Role | null;
  status: RequestStatus;
  /** why it was refused */
  reason?: string;
  /** the change that carried it in */
  hash: string;
}

/** A manager's invitation as the festival records it, with how often it was used. */
export interface InvitationRecord {
  invitation: string;
  role: Role;
  expiresAt: number;
  uses: number;
  used: number;
  by: string;
}

/**
 * Every invitation that counts and every access request in the festival (requests are read wherever they are:
 * a non-member may carry one in). A request is refused when a signature fails, its invitation is not one a
 * manager made, it expired or was used up before the request was accepted; the same key's requests are one.
 */
export function accessRequestsOf(doc: A.Doc<Festival>, festivalId: string, now: number): { invitations: InvitationRecord[]; requests: AccessRequest[] } {
  const governance = governanceOf(doc, festivalId);
  const invitations = new Map<string, InvitationRecord>();
  const declined = new Set<string>();
  const granted = new Set<string>();
  for (const standing of governance.changes) {
    const record = standing.record;
    if (record === null || standing.status !== "counts" || standing.author === null) continue;
    if (record.kind === "invite" && !invitations.has(record.invitation)) {
      invitations.set(record.invitation, { invitation: record.invitation, role: record.role, expiresAt: record.expiresAt, uses: record.uses, used: 0, by: standing.author });
    } else if (record.kind === "decline") declined.add(record.key);
    else if (record.kind === "grant") granted.add(record.key);
  }
  const byKey = new Map<string, AccessRequest>();
  for (const standing of governance.changes) {
    const record = standing.record;
    if (record?.kind !== "request" || standing.status === "outside" || byKey.has(record.request.key)) continue;
    const request = record.request;
    const invitation = invitations.get(request.invitation);
    const entry: AccessRequest = { key: request.key, name: requestName(request), invitation: request.invitation, role: invitation?.role ?? null, status: "pending", hash: standing.hash };
    if (!requestSignaturesHold(festivalId, request)) Object.assign(entry, { status: "refused", reason: "its signatures do not hold: forged, or made for another festival" });
    else if (invitation === undefined) Object.assign(entry, { status: "refused", reason: "no manager of this festival made that invitation" });
    else if (governance.roles.has(request.key) || granted.has(request.key)) {
      entry.status = "accepted";
      invitation.used++;
    } else if (declined.has(request.key)) entry.status = "declined";
    byKey.set(request.key, entry);
  }
  for (const entry of byKey.values()) {
    if (entry.status !== "pending") continue;
    const invitation = invitations.get(entry.invitation) as InvitationRecord;
    if (now > invitation.expiresAt) Object.assign(entry, { status: "refused", reason: `the invitation expired on ${new Date(invitation.expiresAt).toISOString()}` });
    else if (invitation.used >= invitation.uses) Object.assign(entry, { status: "refused", reason: `the invitation was for ${invitation.uses} use(s), all taken` });
  }
  return { invitations: [...invitations.values()], requests: [...byKey.values()] };
}

/** Checks a request before a node records it: its signatures, and an invitation that counts and has not expired. */
export function admissibleRequest(doc: A.Doc<Festival>, festivalId: string, request: AccessRequestFields, now: number): string | undefined {
  if (!requestSignaturesHold(festivalId, request)) return "its signatures do not hold: it is forged, or made for another festival";
  const { invitations, requests } = accessRequestsOf(doc, festivalId, now);
  const invitation = invitations.find((candidate) => candidate.invitation === request.invitation);
  if (invitation === undefined) return "no manager of this festival made that invitation (or it has not reached this node yet)";
  if (now > invitation.expiresAt) return `the invitation expired on ${new Date(invitation.expiresAt).toISOString()}`;
  const earlier = requests.find((candidate) => candidate.key === request.key);
  if (earlier?.status === "accepted") return "that key is a member already";
  if (earlier?.status === "declined") return "a manager declined that key's request";
  if (invitation.used >= invitation.uses) return `the invitation was for ${invitation.uses} use(s), all taken`;
  const waiting = requests.filter((candidate) => candidate.invitation === request.invitation && candidate.status === "pending").length;
  if (earlier === undefined && waiting >= pendingLimit(invitation.uses)) {
    return `${waiting} requests with this invitation already wait for a manager; ask them to decide those first`;
  }
  return undefined;
}

/** How many undecided requests one invitation may gather: whoever holds a code cannot fill the festival with them. */
export function pendingLimit(uses: number): number {
  return Math.max(10, uses * 4);
}

/** Whether the festival already holds a request of this key (a repeat is not recorded again). */
export function requestRecorded(doc: A.Doc<Festival>, festivalId: string, key: string): boolean {
  return governanceOf(doc, festivalId).changes.some((standing) => standing.record?.kind === "request" && standing.record.request.key === key);
}
