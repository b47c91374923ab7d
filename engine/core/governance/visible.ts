// The festival members see: the document at the heads of the changes that count, and where a new edit must
// stand so it builds only on those (and on the editor's own earlier changes).
import * as A from "@automerge/automerge";
import { PandafestError } from "../errors.js";
import { ATTESTATION_MESSAGE, attest, withAttestation, type AttestationSigner } from "../provenance.js";
import { roleIncludes } from "./records.js";
import type { Festival } from "../schema.js";
import { governanceOf } from "./standing.js";

const views = new WeakMap<object, A.Doc<Festival>>();

/** The festival as its members see it: `doc` itself when every change counts, else `doc` at the counting heads. */
export function visibleFestival(doc: A.Doc<Festival>, festivalId: string): A.Doc<Festival> {
  const governance = governanceOf(doc, festivalId);
  if (governance.allCount) return doc;
  if (governance.visibleHeads.length === 0) {
    throw new PandafestError(
      `festival ${festivalId} is not complete here: the change that founded it has not arrived, so none of its changes can be shown; ` +
        "sync with a peer, a stick or a bundle that holds it",
      { code: "data" },
    );
  }
  let view = views.get(doc);
  if (view === undefined) {
    view = A.view(doc, governance.visibleHeads);
    views.set(doc, view);
  }
  return view;
}

/**
 * The heads a new change by `doc`'s own actor must depend on, or null when it may simply build on everything
 * (every change counts). The visible heads, plus the actor's own latest change when that one does not count
 * (its earlier proposals: Automerge writes an actor's changes in a line).
 */
export function editingBase(doc: A.Doc<Festival>, festivalId: string): string[] | null {
  const governance = governanceOf(doc, festivalId);
  if (governance.allCount) return null;
  const latest = latestChangeOf(governance.metadata, A.getActorId(doc));
  let heads = governance.visibleHeads;
  if (latest >= 0 && governance.changes[latest]?.status !== "counts") {
    // the actor's own latest change, and the visible heads it does not already build on
    const own = governance.metadata[latest].hash;
    const past = ancestorsOf(governance.metadata, own);
    heads = [own, ...heads.filter((head) => !past.has(head))];
  }
  heads = [...heads].sort();
  // Automerge writes a change at other heads under a fresh actor; at the document's own heads it needs none
  return heads.join() === [...A.getHeads(doc)].sort().join() ? null : heads;
}

/** The index of `actor`'s latest change in `metadata` (only those `include` accepts, when given), or -1. */
export function latestChangeOf(metadata: readonly A.ChangeMetadata[], actor: string, include: (change: A.ChangeMetadata) => boolean = () => true): number {
  let latest = -1;
  metadata.forEach((change, index) => {
    if (change.actor === actor && include(change) && (latest < 0 || change.seq > metadata[latest].seq)) latest = index;
  });
  return latest;
}

/** The hashes of every change `hash` depends on, directly or not. */
function ancestorsOf(metadata: readonly A.ChangeMetadata[], hash: string): Set<string> {
  const depsOf = new Map(metadata.map((change) => [change.hash, change.deps]));
  const past = new Set<string>();
  const stack = [...(depsOf.get(hash) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (past.has(next)) continue;
    past.add(next);
    stack.push(...(depsOf.get(next) ?? []));
  }
  return past;
}

/**
 * The last copy made at some heads per actor, at its own heads after the edits made on it: the next edit of that
 * actor usually stands exactly there (its own latest change), so a session or a server editing an organised festival
 * with proposals makes the copy once, not per edit. Bounded, oldest dropped first.
 */
const forks = new Map<string, A.Doc<Festival>>();
const FORKS_LIMIT = 4;

/**
 * A writable copy of `doc` at `heads`, under `doc`'s own actor: what a member edits when some changes do not count.
 * (Automerge's changeAt does the same in place, but on a document loaded from storage it can fail with "cannot put
 * key in seq" and leave the document moved; docs/upstream/automerge-change-at-after-load.md.) A copy remembered at
 * those heads is handed out (and forgotten: the caller changes it, then may remember the result again).
 */
export function forkAt(doc: A.Doc<Festival>, heads: readonly string[]): A.Doc<Festival> {
  const actor = A.getActorId(doc);
  const remembered = forks.get(actor);
  forks.delete(actor);
  if (remembered !== undefined && sameHeads(A.getHeads(remembered), heads) && A.hasHeads(doc, [...heads])) return remembered;
  return A.clone(A.view(doc, [...heads]), { actor });
}

/** Keeps an edited copy (from forkAt) for its actor's next edit at its heads. */
export function rememberFork(fork: A.Doc<Festival>): void {
  const actor = A.getActorId(fork);
  forks.delete(actor);
  forks.set(actor, fork);
  if (forks.size > FORKS_LIMIT) forks.delete(forks.keys().next().value as string);
}

function sameHeads(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && [...left].sort().join() === [...right].sort().join();
}

/** The encoded change that `apply` makes to `doc` as it was at `heads` (none when it changes nothing). */
export function changeAtHeads(doc: A.Doc<Festival>, heads: readonly string[], message: string, apply: (draft: Festival) => void): Uint8Array[] {
  const fork = forkAt(doc, heads);
  const after = A.change(fork, { message }, apply);
  rememberFork(after);
  return A.getChanges(fork, after);
}

/** `doc` with one change by its own actor, made at the editing base (so it builds only on what counts). */
export function changeVisibly(doc: A.Doc<Festival>, festivalId: string, message: string, apply: (draft: Festival) => void): A.Doc<Festival> {
  const base = editingBase(doc, festivalId);
  if (base === null) return A.change(doc, { message }, apply);
  const changes = changeAtHeads(doc, base, message, apply);
  return changes.length === 0 ? doc : A.applyChanges(doc, changes)[0];
}

/** `doc` with its actor's latest change attested, the attestation written at the editing base. */
export function withVisibleAttestation(doc: A.Doc<Festival>, festivalId: string, signer: AttestationSigner): A.Doc<Festival> {
  const apply = attest(doc, festivalId, signer);
  return apply === null ? doc : changeVisibly(doc, festivalId, ATTESTATION_MESSAGE, apply);
}

/**
 * A copy of what counts under a fresh actor, for an edit by `key` when `doc`'s own actor may no longer build on its
 * latest change: that change does not count (a proposal, or its signature after it) while `key` may now edit (granted
 * a role since, or the festival opened). Null when edits are made the usual way. The actor that proposed keeps its
 * proposals, which count once accepted.
 */
export function freshActorCopy(doc: A.Doc<Festival>, festivalId: string, key: string): A.Doc<Festival> | null {
  const governance = governanceOf(doc, festivalId);
  if (governance.allCount || governance.visibleHeads.length === 0) return null;
  const latest = latestChangeOf(governance.metadata, A.getActorId(doc));
  if (latest < 0 || governance.changes[latest]?.status === "counts") return null;
  if (governance.mode !== "open" && !roleIncludes(governance.roles.get(key), "edit")) return null;
  return A.clone(A.view(doc, governance.visibleHeads));
}

/** The changes that make one edit by `signer`, signed, under a fresh actor (see freshActorCopy), or null. */
export function changesUnderFreshActor(
  doc: A.Doc<Festival>,
  festivalId: string,
  signer: AttestationSigner,
  message: string,
  apply: (draft: Festival) => void,
): Uint8Array[] | null {
  const copy = freshActorCopy(doc, festivalId, signer.publicKey);
  if (copy === null) return null;
  return A.getChanges(copy, withAttestation(A.change(copy, { message }, apply), festivalId, signer));
}
