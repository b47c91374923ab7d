// The festival members see (the document itself, or a replica of the changes that count), and where a new edit
// must stand so it builds only on those (and on the editor's own earlier changes).
import * as A from "@automerge/automerge";
import { patchedView } from "../../internals/patched-view.js";
import { PandafestError } from "../errors.js";
import { ATTESTATION_MESSAGE, attest, rememberChangesMade, withAttestation, type AttestationSigner } from "../provenance.js";
import { roleIncludes } from "./records.js";
import type { Festival } from "../schema.js";
import { chooseMemberActor, chosenMemberActor } from "./member-actor.js";
import { EditsAtBase, type EditingCopy } from "./edit-at-base.js";
import { randomBytes, toHex } from "../keys.js";
import { recordReplica, replicaFromKnown, replicaKnownAt } from "./replica.js";
import { governanceOf, type FestivalGovernance } from "./standing.js";

const views = new WeakMap<object, A.Doc<Festival>>();

/**
 * The festival as its members see it: `doc` itself when every change counts, else the replica of what counts
 * (replica.ts) when one is known or can be kept in step, else `doc` read at the counting heads (a patched view:
 * engine/internals/patched-view.ts). One-off readers take this; a session or a node that keeps reading and
 * editing the festival takes visibleReplica.
 */
export function visibleFestival(doc: A.Doc<Festival>, festivalId: string): A.Doc<Festival> {
  const governance = countingGovernance(doc, festivalId);
  if (governance.allCount) return doc;
  const replica = replicaFromKnown(doc, governance, festivalId);
  if (replica !== undefined) return replica;
  let view = views.get(doc);
  if (view === undefined) {
    view = patchedView(doc, governance.visibleHeads);
    views.set(doc, view);
  }
  return view;
}

/**
 * What members see, as a document of its own from which later versions are kept in step: made once (a copy at
 * the counting heads, when no known replica serves), then extended by what newly counts.
 */
export function visibleReplica(doc: A.Doc<Festival>, festivalId: string): A.Doc<Festival> {
  const governance = countingGovernance(doc, festivalId);
  if (governance.allCount) return doc;
  const replica = replicaFromKnown(doc, governance, festivalId);
  if (replica !== undefined) return replica;
  // under the session's member actor, so its next member edit is made on this replica as it is (replica.ts); a
  // session whose own latest change is a proposal goes on under its own actor (its next edit builds on that change)
  const own = latestChangeIn(governance, A.getActorId(doc));
  const proposing = own >= 0 && governance.changes[own]?.status !== "counts";
  const made = A.clone(A.view(doc, governance.visibleHeads), { actor: proposing ? A.getActorId(doc) : memberActorOf(doc, governance) });
  recordReplica(doc, made);
  return made;
}

/**
 * The session's member actor (member-actor.ts): the one chosen for `doc`'s own actor while its latest change in
 * the festival counts (or it has none), else a new one sorting after every actor of the festival.
 */
function memberActorOf(doc: A.Doc<Festival>, governance: FestivalGovernance): string {
  const own = A.getActorId(doc);
  const known = chosenMemberActor(own);
  if (known !== undefined) {
    const latest = latestChangeIn(governance, known);
    if (latest < 0 || governance.changes[latest]?.status === "counts") return known;
  }
  return chooseMemberActor(own, governance.metadata);
}

/**
 * The actor a signed edit by `key` at `base` is written under: the session's member actor when the edit builds on
 * what counts alone (`base` is the visible heads: the document's own actor has no proposal to continue) and `key`
 * may edit there, so the edit counts; else the document's own actor (undefined), whose line it continues.
 */
export function memberEditActor(doc: A.Doc<Festival>, festivalId: string, key: string, base: readonly string[]): string | undefined {
  const governance = governanceOf(doc, festivalId);
  if (base.join() !== [...governance.visibleHeads].sort().join()) return undefined;
  if (governance.mode !== "open" && !roleIncludes(governance.roles.get(key), "edit")) return undefined;
  return memberActorOf(doc, governance);
}

/** `doc`'s governance, refusing a festival whose founding change has not arrived (nothing of it can be shown). */
function countingGovernance(doc: A.Doc<Festival>, festivalId: string): FestivalGovernance {
  const governance = governanceOf(doc, festivalId);
  if (!governance.allCount && governance.visibleHeads.length === 0) {
    throw new PandafestError(
      `festival ${festivalId} is not complete here: the change that founded it has not arrived, so none of its changes can be shown; ` +
        "sync with a peer, a stick or a bundle that holds it",
      { code: "data" },
    );
  }
  return governance;
}

/**
 * The heads a new change by `doc`'s own actor must depend on, or null when it may simply build on everything
 * (every change counts). The visible heads, plus the actor's own latest change when that one does not count
 * (its earlier proposals: Automerge writes an actor's changes in a line).
 */
export function editingBase(doc: A.Doc<Festival>, festivalId: string): string[] | null {
  const governance = governanceOf(doc, festivalId);
  if (governance.allCount) return null;
  const latest = latestChangeIn(governance, A.getActorId(doc));
  let heads = governance.visibleHeads;
  if (latest >= 0 && governance.changes[latest]?.status !== "counts") {
    // the actor's own latest change, and the visible heads it does not already build on
    const own = governance.metadata[latest].hash;
    const reached = countingHeadsReached(governance, latest);
    heads = [own, ...heads.filter((head) => !reached.has(head))];
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

/** Per decision, each actor's latest change (its index in the metadata), made in one pass when first asked. */
const latestByActor = new WeakMap<FestivalGovernance, ReadonlyMap<string, number>>();

/** The index of `actor`'s latest change in `governance.metadata`, or -1 (latestChangeOf, remembered per decision). */
function latestChangeIn(governance: FestivalGovernance, actor: string): number {
  let latest = latestByActor.get(governance);
  if (latest === undefined) {
    const indices = new Map<string, number>();
    const { metadata } = governance;
    for (let index = 0; index < metadata.length; index += 1) {
      const known = indices.get(metadata[index].actor);
      if (known === undefined || metadata[index].seq > metadata[known].seq) indices.set(metadata[index].actor, index);
    }
    latest = indices;
    latestByActor.set(governance, latest);
  }
  return latest.get(actor) ?? -1;
}

/**
 * The visible heads in the past of the change at `index` (one that does not count). A visible head has no counting
 * change after it, so the walk goes back through changes that do not count only: those are few, the festival is not.
 */
function countingHeadsReached(governance: FestivalGovernance, index: number): Set<string> {
  const visible = new Set(governance.visibleHeads);
  const indexOf = indexByHash(governance);
  const reached = new Set<string>();
  const seen = new Set<number>();
  const stack = [index];
  while (stack.length > 0) {
    const next = stack.pop() as number;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const dep of governance.metadata[next].deps) {
      const position = indexOf.get(dep);
      if (position === undefined || position >= governance.metadata.length) continue;
      if (governance.changes[position]?.status === "counts") {
        if (visible.has(dep)) reached.add(dep);
      } else stack.push(position);
    }
  }
  return reached;
}

const indexes = new WeakMap<FestivalGovernance, ReadonlyMap<string, number>>();
function indexByHash(governance: FestivalGovernance): ReadonlyMap<string, number> {
  let index = governance.indexOf ?? indexes.get(governance);
  if (index === undefined) {
    index = new Map(governance.metadata.map((change, position) => [change.hash, position]));
    indexes.set(governance, index);
  }
  return index;
}

/**
 * The encoded change that `apply` makes to `doc` as it was at `heads` (none when it changes nothing), followed by the
 * attestation that signs it when `signedBy` is given; under `actor` when given, else `doc`'s own. Made on a known
 * replica at those heads when there is one, else with changeAt on a copy of the whole document (no replay), or on a
 * copy at the heads when `how` is "copy", kept as a replica for the session's later edits (edit-at-base.ts).
 */
export function changeAtHeads(
  doc: A.Doc<Festival>,
  heads: readonly string[],
  message: string,
  apply: (draft: Festival) => void,
  signedBy?: { festivalId: string; signer: AttestationSigner },
  actor?: string,
  how: EditingCopy = "changeAt",
): Uint8Array[] {
  const edits = new EditsAtBase(doc, heads, actor, how);
  edits.change(message, apply);
  if (signedBy !== undefined) edits.sign(signedBy.festivalId, signedBy.signer);
  const changes = edits.changes();
  edits.finish(true);
  if (signedBy !== undefined) rememberChangesMade(changes); // the decision that takes them in verifies the signature without decoding it again
  return changes;
}

/**
 * Per session (its document's own actor), how many edits it made at the editing base with changeAt, having no
 * replica. Bounded, oldest dropped first.
 */
const editsByChangeAt = new Map<string, number>();
const SESSIONS_LIMIT = 32;
/** How many edits a session makes with changeAt before it copies the festival at the counting heads. */
const EDITS_BEFORE_COPY = 2;

/**
 * How a session's edit at the editing base is made when no replica serves: with changeAt for its first two (about
 * 300 ms each on the large bench festival, the view after it included, against 0.8-1.4 s for copying the festival at
 * the counting heads), then the copy, kept as a replica, so its later edits cost milliseconds. The copy costs about
 * what three edits with changeAt do, so a session that makes one or two edits never pays it, and one that keeps
 * editing pays it once, after it has spent about as much on changeAt (edit-at-base.ts, docs/DESIGN.md). A one-off
 * command (the CLI) does not ask: it always uses changeAt.
 */
export function sessionEditingCopy(doc: A.Doc<Festival>): EditingCopy {
  const session = A.getActorId(doc);
  const made = editsByChangeAt.get(session) ?? 0;
  if (made >= EDITS_BEFORE_COPY) return "copy";
  editsByChangeAt.delete(session);
  editsByChangeAt.set(session, made + 1);
  if (editsByChangeAt.size > SESSIONS_LIMIT) editsByChangeAt.delete(editsByChangeAt.keys().next().value as string);
  return "changeAt";
}

/** `doc` with one change by its own actor, made at the editing base (so it builds only on what counts). */
export function changeVisibly(doc: A.Doc<Festival>, festivalId: string, message: string, apply: (draft: Festival) => void): A.Doc<Festival> {
  const base = editingBase(doc, festivalId);
  if (base === null) return A.change(doc, { message }, apply);
  const changes = changeAtHeads(doc, base, message, apply);
  return changes.length === 0 ? doc : A.applyChanges(doc, changes)[0];
}

/**
 * `doc` with one change and the attestation that signs it, both made at the editing base (see changeVisibly) and
 * added together: one copy, one addition to the festival and one decision, where a change and then its attestation
 * would take two of each. When some changes do not count, a member's edit (one that counts) is written under the
 * session's member actor (member-actor.ts), a proposal under `doc`'s own actor.
 */
export function signedChangeVisibly(doc: A.Doc<Festival>, festivalId: string, signer: AttestationSigner, message: string, apply: (draft: Festival) => void): A.Doc<Festival> {
  const base = editingBase(doc, festivalId);
  if (base === null) {
    const changed = A.change(doc, { message }, apply);
    return changed === doc ? doc : withAttestation(changed, festivalId, signer);
  }
  const actor = memberEditActor(doc, festivalId, signer.publicKey, base);
  const how = replicaKnownAt(doc, base) ? "changeAt" : sessionEditingCopy(doc);
  const changes = changeAtHeads(doc, base, message, apply, { festivalId, signer }, actor, how);
  return changes.length === 0 ? doc : A.applyChanges(doc, changes)[0];
}

/** `doc` with its actor's latest change attested, the attestation written at the editing base. */
export function withVisibleAttestation(doc: A.Doc<Festival>, festivalId: string, signer: AttestationSigner): A.Doc<Festival> {
  const apply = attest(doc, festivalId, signer);
  return apply === null ? doc : changeVisibly(doc, festivalId, ATTESTATION_MESSAGE, apply);
}

/**
 * Where an edit by `key` is made, under a fresh actor, when `doc`'s own actor may no longer build on its latest
 * change: that change does not count (a proposal, or its signature after it) while `key` may now edit (granted a role
 * since, or the festival opened). The edit builds on what counts (the visible heads). Null when edits are made the
 * usual way. The actor that proposed keeps its proposals, which count once accepted.
 */
export function freshActorBase(doc: A.Doc<Festival>, festivalId: string, key: string): { heads: readonly string[]; actor: string } | null {
  const governance = governanceOf(doc, festivalId);
  if (governance.allCount || governance.visibleHeads.length === 0) return null;
  const latest = latestChangeIn(governance, A.getActorId(doc));
  if (latest < 0 || governance.changes[latest]?.status === "counts") return null;
  if (governance.mode !== "open" && !roleIncludes(governance.roles.get(key), "edit")) return null;
  return { heads: governance.visibleHeads, actor: toHex(randomBytes(16)) };
}

/** The changes that make one edit by `signer`, signed, under a fresh actor (see freshActorBase), or null. */
export function changesUnderFreshActor(
  doc: A.Doc<Festival>,
  festivalId: string,
  signer: AttestationSigner,
  message: string,
  apply: (draft: Festival) => void,
): Uint8Array[] | null {
  const base = freshActorBase(doc, festivalId, signer.publicKey);
  if (base === null) return null;
  const edits = new EditsAtBase(doc, base.heads, base.actor);
  edits.change(message, apply);
  edits.sign(festivalId, signer);
  const changes = edits.changes();
  edits.finish(true);
  return changes;
}
