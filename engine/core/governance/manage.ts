// The governance commands as operations on a festival: grant and withdraw roles, switch the mode, accept and
// reject proposals. Each checks first what the rule would refuse, so a user gets a clear error, not a silent proposal.
import type * as A from "@automerge/automerge";
import type { FestivalEditor } from "../editor.js";
import { PandafestError } from "../errors.js";
import type { Festival } from "../schema.js";
import { proposalChain, proposalsOf } from "./proposals.js";
import { roleIncludes, type GovernanceRecord, type Mode, type Role } from "./records.js";
import { governanceOf } from "./standing.js";
import { governanceChange } from "./write.js";

/** Who acts, on which festival: the whole document (history included), its id and the acting key. */
export interface GovernanceContext {
  doc: A.Doc<Festival>;
  festivalId: string;
  actor: string;
  festivalName: string;
}

export function requireRole(context: GovernanceContext, needed: Role, doing: string): void {
  const governance = governanceOf(context.doc, context.festivalId);
  if (!governance.founded) {
    throw new PandafestError(
      `festival "${context.festivalName}" was made before roles existed, so it is open to every editor and cannot be organised in place ` +
        "(nothing in it tells its creator from anyone else); make an organised copy with `pandafest fork FESTIVAL --with-history --name NAME`",
      { code: "usage" },
    );
  }
  if (!roleIncludes(governance.roles.get(context.actor), needed)) {
    const has = governance.roles.get(context.actor);
    throw new PandafestError(
      `you cannot ${doing} in "${context.festivalName}": that needs the ${needed} role and you have ${has === undefined ? "none" : `only ${has}`}; ` +
        "a member who manages it can grant you one (`pandafest member list FESTIVAL` shows them)",
      { code: "usage" },
    );
  }
}

function write(editor: FestivalEditor, record: GovernanceRecord): void {
  const { message, apply } = governanceChange(record);
  editor.change(apply, message);
}

/** Grants `key` the role `role`. */
export function grantRole(editor: FestivalEditor, context: GovernanceContext, key: string, role: Role): void {
  requireRole(context, "manage", "grant roles");
  const governance = governanceOf(context.doc, context.festivalId);
  if (role === "edit" && governance.roles.get(key) === "manage" && managersBesides(governance.roles, key) === 0) {
    throw new PandafestError("that would leave the festival without a manager: grant manage to someone else first", { code: "usage" });
  }
  write(editor, { kind: "grant", key, role });
}

/** Withdraws the role of `key`: its later changes are proposals. */
export function withdrawRole(editor: FestivalEditor, context: GovernanceContext, key: string): void {
  requireRole(context, "manage", "remove members");
  const governance = governanceOf(context.doc, context.festivalId);
  if (!governance.roles.has(key)) throw new PandafestError(`key ${key.slice(0, 12)}… has no role in "${context.festivalName}"; \`pandafest member list FESTIVAL\` shows who has`, { code: "usage" });
  if (governance.roles.get(key) === "manage" && managersBesides(governance.roles, key) === 0) {
    throw new PandafestError("that is the festival's last manager: grant manage to someone else first, so the festival keeps one", { code: "usage" });
  }
  write(editor, { kind: "withdraw", key });
}

function managersBesides(roles: ReadonlyMap<string, Role>, key: string): number {
  return [...roles].filter(([other, role]) => other !== key && role === "manage").length;
}

/** Switches between organised (members only) and open (anyone edits). */
export function setMode(editor: FestivalEditor, context: GovernanceContext, mode: Mode): boolean {
  requireRole(context, "manage", `make the festival ${mode}`);
  if (governanceOf(context.doc, context.festivalId).mode === mode) return false;
  write(editor, { kind: "mode", mode });
  return true;
}

/** The proposal a user named by its hash or a unique prefix of it (at least 6 digits). */
export function findProposal(context: GovernanceContext, reference: string, options: { rejected?: boolean } = {}): string {
  const prefix = reference.trim().toLowerCase();
  if (!/^[0-9a-f]{6,64}$/.test(prefix)) {
    throw new PandafestError(`"${reference}" is not a proposal: name one by its hash or at least its first 6 hex digits, as \`pandafest proposals FESTIVAL\` lists them`, { code: "usage" });
  }
  const matches = proposalsOf(context.doc, context.festivalId, options).filter((proposal) => proposal.hash.startsWith(prefix));
  if (matches.length === 0) throw new PandafestError(`no proposal waiting in "${context.festivalName}" starts with ${prefix}; \`pandafest proposals FESTIVAL\` lists them`);
  if (matches.length > 1) throw new PandafestError(`${matches.length} proposals start with ${prefix}; give more digits`, { code: "usage" });
  return matches[0].hash;
}

/**
 * The key a user named, whole (64 hex digits) or by a unique prefix of at least 8 digits, as `history` and
 * `member list` print keys. A prefix is looked up among the festival's verified authors (`among: "authors"`, for
 * revert) or among the keys holding a role (`"members"`, for member remove); it must match exactly one, so a key made
 * to share a prefix with another's gets an error, never the wrong key.
 */
export function findKey(context: GovernanceContext, reference: string, among: "authors" | "members"): string {
  const prefix = reference.trim().toLowerCase();
  if (/^[0-9a-f]{64}$/.test(prefix)) return prefix;
  const where = among === "authors" ? "among its authors" : "among its members";
  const listed = among === "authors" ? "`pandafest history FESTIVAL`" : "`pandafest member list FESTIVAL`";
  if (!/^[0-9a-f]{8,63}$/.test(prefix)) {
    throw new PandafestError(`"${reference}" is not a key: give the whole key (64 hex digits) or at least its first 8, as ${listed} prints it`, { code: "usage" });
  }
  const governance = governanceOf(context.doc, context.festivalId);
  const known = new Set<string>();
  if (among === "authors") {
    for (const change of governance.changes) if (change.author !== null) known.add(change.author);
  } else {
    for (const key of governance.roles.keys()) known.add(key);
  }
  const matches = [...known].filter((key) => key.startsWith(prefix));
  if (matches.length === 0) throw new PandafestError(`no key ${where} in "${context.festivalName}" starts with ${prefix}; ${listed} shows them`);
  if (matches.length > 1) throw new PandafestError(`${matches.length} keys ${where} in "${context.festivalName}" start with ${prefix}; give more digits`, { code: "usage" });
  return matches[0];
}

/**
 * Accepts a proposal and every not-counting change it builds on (each is accepted by name, so it counts with its
 * author kept); returns the hashes accepted.
 */
export function acceptProposal(editor: FestivalEditor, context: GovernanceContext, hash: string): string[] {
  requireRole(context, "edit", "accept proposals");
  const governance = governanceOf(context.doc, context.festivalId);
  const chain = proposalChain(context.doc, context.festivalId, hash);
  for (const needed of chain) {
    const standing = governance.changes.find((change) => change.hash === needed);
    if (standing?.status === "pending") {
      throw new PandafestError(`change ${needed.slice(0, 12)} is not signed by its author yet; it can be decided once its attestation arrives`);
    }
    if (standing?.status === "outside") throw new PandafestError(`change ${needed.slice(0, 12)} does not build on this festival's founding change, so it cannot count here`);
    if (standing?.record !== null && standing?.record !== undefined && standing.record.kind !== "accept" && standing.record.kind !== "reject") {
      requireRole(context, "manage", "accept a change of roles or mode");
    }
  }
  for (const needed of chain) write(editor, { kind: "accept", hash: needed });
  return chain;
}

/** Rejects a proposal: it stays out and is listed as rejected. */
export function rejectProposal(editor: FestivalEditor, context: GovernanceContext, hash: string): void {
  requireRole(context, "edit", "reject proposals");
  write(editor, { kind: "reject", hash });
}
