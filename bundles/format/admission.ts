// Which changes of an import may be applied: only those their actor's own attestation covers (signed by the
// key the actor is bound to, in the same import or already held), so a forgery never takes a genuine change's place. Browser-safe.
import * as A from "@automerge/automerge";
import {
  type ActorCoverage,
  type AttestationWrite,
  type SoleOperation,
  actorCoverages,
  bindActor,
  ownAttestationWrite,
  soleOperationIn,
} from "../../engine/core/provenance.js";
import type { Festival } from "../../engine/core/schema.js";

/** One change an import brings, with what admission needs of it. */
export interface IncomingChange {
  hash: string;
  actor: string;
  seq: number;
  deps: readonly string[];
  /** the counter of its first op, and how many it holds */
  startOp: number;
  operations: number;
  /** its one operation, decoded when asked (only single-op changes can be attestation writes) */
  sole(): SoleOperation | null;
}

/** A change that is held here, but an incoming change of the same (actor, seq) signed by its author is not it. */
export interface HeldForgery {
  hash: string;
  actor: string;
  seq: number;
  /** the signed change that takes its place */
  genuine: string;
}

/** An incoming change that claims an (actor, seq) held here as another change its author signed. */
export interface ConflictingChange {
  hash: string;
  actor: string;
  seq: number;
  held: string;
}

export interface Admission {
  admitted: Set<string>;
  /** incoming changes that wait for their author's signature, with why */
  unsigned: Map<string, string>;
  forgeries: HeldForgery[];
  conflicts: ConflictingChange[];
}

const UNSIGNED_HINT = "it waits until a change signed by its author's key covers it (a change made outside pandafest is never signed)";

function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

/**
 * Whether `ancestor` is among the ancestors of `from` (both incoming). Walks back through incoming changes
 * only (a held change has only held ancestors), and never below `ancestor`: a change built on it starts
 * its ops after ancestor's last op, so a change with startOp at or below that is not on the way.
 */
function isAncestor(ancestor: IncomingChange, from: IncomingChange, incoming: ReadonlyMap<string, IncomingChange>): boolean {
  const lastOp = ancestor.startOp + ancestor.operations - 1;
  const seen = new Set<string>();
  const stack = [...from.deps];
  while (stack.length > 0) {
    const hash = stack.pop() as string;
    if (hash === ancestor.hash) return true;
    if (seen.has(hash)) continue;
    seen.add(hash);
    const change = incoming.get(hash);
    if (change === undefined || change.startOp <= lastOp) continue;
    if (change.actor === ancestor.actor && change.seq <= ancestor.seq) continue;
    stack.push(...change.deps);
  }
  return false;
}

/**
 * The incoming changes of `actor` its signed change `signedHash` vouches for: that change, and below it
 * each incoming change of the actor at the next lower seq that the one above builds on (every change of
 * an actor builds on the actor's previous one, so the chain is the signed one's own history).
 */
function signedChain(signedHash: string, broughtAt: ReadonlyMap<string, readonly IncomingChange[]>, incoming: ReadonlyMap<string, IncomingChange>): Set<string> {
  const signed = new Set<string>();
  let upper = incoming.get(signedHash);
  if (upper === undefined) return signed; // held here: the actor's changes up to it are held too
  signed.add(upper.hash);
  for (let seq = upper.seq - 1; seq >= 1; seq -= 1) {
    const above: IncomingChange = upper;
    const below = (broughtAt.get(String(seq)) ?? []).find((change) => isAncestor(change, above, incoming));
    if (below === undefined) break;
    signed.add(below.hash);
    upper = below;
  }
  return signed;
}

/** A candidate attestation write of one actor: held in `before`, or incoming. */
type Candidate = { seq: number; hash: string; op: () => SoleOperation | null };

/**
 * Decides, per incoming change, whether it may be applied to `before`:
 * - admitted when the latest attestation by its actor's bound key (the key of the actor's earliest valid
 *   own attestation, held or incoming) covers it: the signed change and the actor's changes it builds on, or
 *   the attestation write right after the signed change;
 * - a conflict (refused) when its (actor, seq) is held as another change that the held history's signature
 *   covers, or held as an attestation write while the incoming change is covered by nothing, or when it is
 *   covered by nothing while another change of the import at its (actor, seq) is covered;
 * - when the incoming change is covered more strongly than the held change at its (actor, seq) (the held one
 *   covered by nothing, or only as an attestation write while the incoming one is signed), the held one is
 *   a forgery: listed, so the festival can be rebuilt without it;
 * - otherwise it waits (unsigned), whatever it claims.
 */
export function admitChanges(festivalId: string, before: A.Doc<Festival> | undefined, incoming: readonly IncomingChange[]): Admission {
  const admission: Admission = { admitted: new Set(), unsigned: new Map(), forgeries: [], conflicts: [] };
  const heldMeta = before === undefined ? [] : A.getChangesMetaSince(before, []);
  const heldHashes = new Set(heldMeta.map((change) => change.hash));
  const fresh = new Map<string, IncomingChange>();
  for (const change of incoming) if (!heldHashes.has(change.hash)) fresh.set(change.hash, change);
  if (fresh.size === 0) return admission;
  const heldCoverages: Map<string, ActorCoverage> = before === undefined ? new Map() : actorCoverages(before, festivalId, heldMeta);
  const heldByActor = groupBy(heldMeta, (change) => change.actor);
  for (const changes of heldByActor.values()) changes.sort((left, right) => left.seq - right.seq);

  for (const [actor, brought] of groupBy(fresh.values(), (change) => change.actor)) {
    const held = heldByActor.get(actor) ?? [];
    const heldAt = (seq: number) => (held[seq - 1]?.seq === seq ? held[seq - 1] : undefined);
    const broughtAt = groupBy(brought, (change) => String(change.seq));
    const hashesAt = (seq: number): string[] => {
      const hashes = (broughtAt.get(String(seq)) ?? []).map((change) => change.hash);
      const heldChange = heldAt(seq);
      return heldChange === undefined ? hashes : [heldChange.hash, ...hashes];
    };
    const candidates: Candidate[] = [
      ...held.filter((change) => change.startOp === change.maxOp).map((change) => ({ seq: change.seq, hash: change.hash, op: () => soleOperationIn(before as A.Doc<Festival>, change.hash) })),
      ...brought.filter((change) => change.operations === 1).map((change) => ({ seq: change.seq, hash: change.hash, op: () => change.sole() })),
    ].sort((left, right) => left.seq - right.seq);
    const writeAt = (candidate: Candidate): AttestationWrite | { reason: string } => {
      const op = candidate.op();
      return op === null ? { reason: "not an attestation write" } : ownAttestationWrite(festivalId, actor, candidate, op, hashesAt);
    };
    const coverage = bindActor(candidates, writeAt);
    const heldCoverage = heldCoverages.get(actor);
    /** 2: the held history's signature covers the held change at seq; 1: it is the attestation write right after; 0: neither */
    const heldStrength = (seq: number) =>
      heldCoverage === undefined || "reason" in heldCoverage ? 0 : seq <= heldCoverage.attestedSeq ? 2 : seq <= heldCoverage.throughSeq ? 1 : 0;
    const signed = "reason" in coverage ? new Set<string>() : signedChain(coverage.attestedHash, broughtAt, fresh);
    const isWrite = (hash: string) => !("reason" in coverage) && coverage.writeHash === hash;

    /** A change of the same import at the same (actor, seq) that its author's signature covers. */
    const rival = (change: IncomingChange): string | undefined =>
      (broughtAt.get(String(change.seq)) ?? []).find((other) => other.hash !== change.hash && (signed.has(other.hash) || isWrite(other.hash)))?.hash;

    for (const change of brought) {
      const heldChange = heldAt(change.seq);
      const strength = signed.has(change.hash) ? 2 : isWrite(change.hash) ? 1 : 0;
      if (heldChange !== undefined) {
        const held = heldStrength(change.seq);
        if (held === 2 || (held === 1 && strength === 0)) {
          admission.conflicts.push({ hash: change.hash, actor, seq: change.seq, held: heldChange.hash });
        } else if (strength > held) {
          admission.forgeries.push({ hash: heldChange.hash, actor, seq: change.seq, genuine: change.hash });
          admission.admitted.add(change.hash);
        } else {
          admission.unsigned.set(
            change.hash,
            `another change is held here for its actor and seq (${heldChange.hash.slice(0, 8)}); until its author's signature shows which one is genuine, it waits`,
          );
        }
      } else if (strength > 0) {
        admission.admitted.add(change.hash);
      } else if (rival(change) !== undefined) {
        admission.conflicts.push({ hash: change.hash, actor, seq: change.seq, held: rival(change) as string });
      } else {
        const why =
          "reason" in coverage
            ? coverage.reason
            : `made after the latest change its author signed (seq ${coverage.attestedSeq})${coverage.contestedBy === undefined ? "" : `; another key (${coverage.contestedBy.slice(0, 8)}) also attested this actor, which belongs to key ${coverage.key.slice(0, 8)}`}`;
        admission.unsigned.set(change.hash, `not signed by its author: ${why}; ${UNSIGNED_HINT}`);
      }
    }
  }
  return admission;
}
