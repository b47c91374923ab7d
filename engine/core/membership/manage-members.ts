// The member-key commands as operations on a festival: invitations, recording and deciding access requests,
// new epochs (rekey, and removal from a private festival) and handing the current keys to members who lack them.
import type { FestivalEditor } from "../editor.js";
import { PandafestError } from "../errors.js";
import { grantRole, requireRole, withdrawRole, type GovernanceContext } from "../governance/manage.js";
import { MAX_SEALS_PER_RECORD, type AccessRequestFields, type GovernanceRecord, type Role } from "../governance/records.js";
import { governanceOf } from "../governance/standing.js";
import { signedChangeVisibly, visibleFestival } from "../governance/visible.js";
import { recordMember } from "../members.js";
import type { Festival } from "../schema.js";
import type * as A from "@automerge/automerge";
import { governanceChange } from "../governance/write.js";
import { accessRequestsOf, admissibleRequest, invitationKeys, newInvitation, requestRecorded, type AccessRequest, type Invitation } from "./invitations.js";
import { festivalKeyFor, keyringOf, membersLackingKey, newEpoch, shareRecords } from "./keyring.js";
import { toHex } from "../keys.js";

/** The acting member's key pair (their identity). */
export interface MemberSecret {
  publicKey: string;
  secretKey: Uint8Array;
}

function write(editor: FestivalEditor, record: GovernanceRecord): void {
  const { message, apply } = governanceChange(record);
  editor.change(apply, message);
}

export function isPrivateFestival(context: GovernanceContext): boolean {
  return String(visibleFestival(context.doc, context.festivalId).visibility) === "private";
}

/** Makes an invitation to join with `role`, valid until `expiresAt` (ms) for `uses` newcomers. */
export function inviteMember(editor: FestivalEditor, context: GovernanceContext, options: { role: Role; expiresAt: number; uses: number }): Invitation {
  requireRole(context, "manage", "invite people");
  if (!Number.isSafeInteger(options.uses) || options.uses < 1 || options.uses > 1000) throw new PandafestError("--uses must be a whole number from 1 to 1000", { code: "usage" });
  const invitation = newInvitation(context.festivalId);
  write(editor, { kind: "invite", invitation: toHex(invitationKeys(invitation.secret).publicKey), role: options.role, expiresAt: options.expiresAt, uses: options.uses });
  return invitation;
}

/**
 * Records a newcomer's request in the festival, so it travels to the managers like any change. Refused with the
 * reason when it is forged, for an unknown or expired invitation or used up; false when it is recorded already.
 */
export function recordAccessRequest(editor: FestivalEditor, context: GovernanceContext, request: AccessRequestFields, now: number): boolean {
  const problem = admissibleRequest(context.doc, context.festivalId, request, now);
  if (problem !== undefined) throw new PandafestError(`the access request is refused: ${problem}`, { code: "data" });
  if (requestRecorded(context.doc, context.festivalId, request.key)) return false;
  write(editor, { kind: "request", request });
  return true;
}

/** The request of the key a manager named (whole or at least 8 leading hex digits). */
export function findRequest(context: GovernanceContext, reference: string, now: number): AccessRequest {
  const prefix = reference.trim().toLowerCase();
  if (!/^[0-9a-f]{8,64}$/.test(prefix)) {
    throw new PandafestError(`"${reference}" is not a requester's key: give it, or its first 8 or more hex digits, as \`pandafest requests FESTIVAL\` lists them`, { code: "usage" });
  }
  const matches = accessRequestsOf(context.doc, context.festivalId, now).requests.filter((request) => request.key.startsWith(prefix));
  if (matches.length === 0) throw new PandafestError(`no access request in "${context.festivalName}" is from a key starting with ${prefix}; \`pandafest requests FESTIVAL\` lists them`);
  if (matches.length > 1) throw new PandafestError(`${matches.length} requests are from keys starting with ${prefix}; give more digits`, { code: "usage" });
  return matches[0];
}

/** Accepts a pending request: grants the invitation's role and, in a private festival, hands over the current keys. */
export function acceptAccessRequest(editor: FestivalEditor, context: GovernanceContext, sharer: MemberSecret, request: AccessRequest): void {
  requireRole(context, "manage", "accept access requests");
  if (request.status !== "pending" || request.role === null) {
    throw new PandafestError(`the request of ${request.key.slice(0, 12)}… is ${request.status}${request.reason ? `: ${request.reason}` : ""}; only a pending request can be accepted`);
  }
  write(editor, { kind: "grant", key: request.key, role: request.role });
  if (isPrivateFestival(context)) shareWith(editor, context, sharer, [request.key]);
}

export function declineAccessRequest(editor: FestivalEditor, context: GovernanceContext, request: AccessRequest): void {
  requireRole(context, "manage", "decline access requests");
  if (request.status !== "pending") throw new PandafestError(`the request of ${request.key.slice(0, 12)}… is ${request.status} already`);
  write(editor, { kind: "decline", key: request.key });
}

/** Hands every current epoch's key that the sharer holds to `members`; the members it could not serve. */
function shareWith(editor: FestivalEditor, context: GovernanceContext, sharer: MemberSecret, members: readonly string[]): void {
  const keyring = keyringOf(context.doc, context.festivalId);
  if (keyring.current.length === 0) return; // epoch 0: the id is the key, nothing to hand over
  if (festivalKeyFor(context.doc, context.festivalId, sharer) === undefined) {
    throw new PandafestError(`you do not hold "${context.festivalName}"'s current key, so you cannot hand it on; another manager can, or start a new epoch with \`pandafest festival rekey\``);
  }
  for (const record of shareRecords(context.doc, context.festivalId, sharer, members)) write(editor, record);
}

/** Hands the current keys to every member who lacks them (after concurrent epochs or grants); the keys served. */
export function shareMissingKeys(editor: FestivalEditor, context: GovernanceContext, sharer: MemberSecret): string[] {
  requireRole(context, "manage", "hand on the festival's key");
  const lacking = membersLackingKey(context.doc, context.festivalId);
  if (lacking.length > 0) shareWith(editor, context, sharer, lacking);
  return lacking;
}

/**
 * Starts a new epoch: a fresh key sealed to every member but `without`. From then on bundles and node sync use it,
 * so whoever does not hold it gets nothing new. Returns the new epoch's number.
 */
export function rekeyFestival(editor: FestivalEditor, context: GovernanceContext, options: { without?: string } = {}): number {
  requireRole(context, "manage", "start a new key epoch");
  const members = [...governanceOf(context.doc, context.festivalId).roles.keys()].filter((member) => member !== options.without);
  if (members.length > MAX_SEALS_PER_RECORD) throw new PandafestError(`a key epoch seals to at most ${MAX_SEALS_PER_RECORD} members; this festival has ${members.length}`);
  const number = keyringOf(context.doc, context.festivalId).number + 1;
  write(editor, newEpoch(members, number).record);
  return number;
}

/** Grants a role; in a private festival also hands the new member the current keys. */
export function addMember(editor: FestivalEditor, context: GovernanceContext, sharer: MemberSecret, key: string, role: Role): void {
  grantRole(editor, context, key, role);
  if (isPrivateFestival(context)) shareWith(editor, context, sharer, [key]);
}

/** Withdraws a member's role; in a private festival also starts a new epoch without them. */
export function removeMember(editor: FestivalEditor, context: GovernanceContext, key: string): { rekeyed: number | null } {
  if (!isPrivateFestival(context)) {
    withdrawRole(editor, context, key);
    return { rekeyed: null };
  }
  // the new epoch first: written while the remover still manages, so it counts even when they remove themselves
  const rekeyed = rekeyFestival(editor, context, { without: key });
  withdrawRole(editor, context, key);
  return { rekeyed };
}

/** A new private festival's first epoch, sealed to its founder, so its id is never its key (written and attested). */
export function withFirstEpoch(doc: A.Doc<Festival>, festivalId: string, founder: MemberSecret & { name: string }): A.Doc<Festival> {
  const { message, apply } = governanceChange(newEpoch([founder.publicKey], 1).record);
  return signedChangeVisibly(doc, festivalId, founder, message, (draft) => {
    apply(draft);
    recordMember(draft, founder);
  });
}
