// Planning an import on raw Automerge documents: applies decoded bundles to an in-memory copy of a
// festival, checks the payloads against their headers, and counts changes new / present / waiting. Browser-safe.
import * as A from "@automerge/automerge";
import { changeBytesByHash } from "../../engine/internals/automerge-backend.js";
import { PandafestError, isPandafestError } from "../../engine/core/errors.js";
import { checkChangeSizes } from "../../engine/core/change-limits.js";
import { MAX_FESTIVAL_BYTES, festivalGrowthProblem } from "../../engine/core/festival-size.js";
import { keepStandbyReplica } from "../../engine/core/governance/index.js";
import { checkSchema } from "../../engine/core/schema-version.js";
import { prepareAttestationDecoding, soleOperationIn, verifyHistory } from "../../engine/core/provenance.js";
import type { Festival } from "../../engine/core/schema.js";
import { type PayloadChange, decodePayloadChanges, messageOf } from "./automerge-payload.js";
import { type Admission, type HeldForgery, type IncomingChange, admitChanges } from "./admission.js";
import type { DecodedBundle } from "./codec.js";
import type { BundleHeader, BundleKind } from "./header.js";
import { checkPayloadExpansion } from "./payload-expansion.js";

/** A verified bundle and the name it is reported under (usually its file). */
export interface BundleToApply {
  label: string;
  bundle: DecodedBundle;
}

export interface BundleOutcome {
  label: string;
  header: BundleHeader;
  kind: BundleKind;
  /** changes this bundle brought that the festival did not have */
  new: number;
  /** changes the festival had already (or that an earlier bundle of the same import brought) */
  present: number;
  /** changes kept aside until the history they build on arrives, or their author's signature */
  waiting: number;
  /** of those waiting, the ones that wait for their author's signature */
  unsigned: number;
}

export interface FestivalImportPlan {
  festivalId: string;
  before: A.Doc<Festival> | undefined;
  /** The festival once everything is applied; undefined when nothing could be applied (history missing). */
  after: A.Doc<Festival> | undefined;
  /** Whether `after` holds changes that `before` did not. */
  changed: boolean;
  /** When `after` is exactly one loaded full payload: those bytes, ready to store as a snapshot. */
  snapshot?: Uint8Array;
  /** One per bundle, in the order given. */
  outcomes: BundleOutcome[];
  /** Hashes of the changes the bundles brought that are new here (computed when asked: costly on a large festival). */
  newChangeHashes(): string[];
  /** Hashes of the bundles' changes that wait for history not here yet. */
  waitingHashes: string[];
  /** Changes the waiting ones depend on that are not here. */
  missingDependencies: string[];
  /** Changes the bundles brought that wait for their author's signature, and why. */
  unsigned: UnsignedChange[];
  /**
   * Held changes shown to be forgeries by a signed change of the same (actor, seq), and the held changes
   * built on them: `after` was rebuilt without them. Empty when nothing held was forged.
   */
  setAside: SetAsideChange[];
}

export interface UnsignedChange {
  hash: string;
  actor: string;
  seq: number;
  reason: string;
}

export interface SetAsideChange {
  hash: string;
  bytes: Uint8Array;
  reason: string;
}

/** A bundle refused while planning: the message starts with its label. */
export class BundleRefusal extends PandafestError {
  constructor(
    readonly label: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`${label}: ${reason}`, { code: "input", cause });
    this.name = "BundleRefusal";
  }
}

/** A bundle refused because it brings a change claiming an (actor, seq) held here as another, signed change. */
export class ForgedChangeRefusal extends BundleRefusal {
  constructor(label: string, reason: string) {
    super(label, reason);
    this.name = "ForgedChangeRefusal";
  }
}

function refusal(label: string, error: unknown): BundleRefusal {
  if (error instanceof BundleRefusal) return error;
  const reason = isPandafestError(error) ? error.message : `bundle payload could not be applied: ${messageOf(error)}`;
  return new BundleRefusal(label, reason, error);
}

function sameSet(left: readonly string[], right: readonly string[]): boolean {
  if (left.length !== right.length) return false;
  const set = new Set(left);
  return right.every((item) => set.has(item));
}

function changeHashes(doc: A.Doc<unknown>): string[] {
  return A.getChangesMetaSince(doc, []).map((change) => change.hash);
}

/** Up to this many lookups ask Automerge hash by hash; beyond, one set of every hash is cheaper. */
const LOOKUPS_BEFORE_SET = 64;

/** Whether a change is applied in `doc` (queued changes are not). */
function membership(doc: A.Doc<unknown> | undefined): (hash: string) => boolean {
  if (doc === undefined) return () => false;
  let all: Set<string> | undefined;
  let lookups = 0;
  return (hash) => {
    if (all !== undefined) return all.has(hash);
    lookups += 1;
    if (lookups <= LOOKUPS_BEFORE_SET) return A.hasHeads(doc, [hash]);
    all = new Set(changeHashes(doc));
    return all.has(hash);
  };
}

/** The changes one bundle carries: decoded (incremental), or (a full payload) its loaded document. */
type Carried = { changes: PayloadChange[] } | { loaded: A.Doc<Festival>; meta: A.ChangeMetadata[] } | { known: true };

/** Loads a full payload and checks it is exactly what the header says (heads, change count). */
function loadFullPayload(bundle: DecodedBundle): A.Doc<Festival> {
  let loaded: A.Doc<Festival>;
  try {
    loaded = A.load<Festival>(bundle.payload);
  } catch (cause) {
    throw new PandafestError(`bundle payload is not valid Automerge data: ${messageOf(cause)}`, { code: "input", cause });
  }
  if (!sameSet(A.getHeads(loaded), bundle.header.heads)) {
    throw new PandafestError("bundle payload does not end at the heads its header names", { code: "input" });
  }
  const count = A.stats(loaded).numChanges;
  if (count !== bundle.header.changeCount) {
    throw new PandafestError(`bundle payload holds ${count} changes but its header says ${bundle.header.changeCount}`, { code: "input" });
  }
  return loaded;
}

/** Checks an incremental payload's changes against the header: count, and the heads they lead to. */
export function checkIncrementalChanges(changes: readonly PayloadChange[], header: BundleHeader): void {
  if (changes.length !== header.changeCount) {
    throw new PandafestError(`bundle payload holds ${changes.length} changes but its header says ${header.changeCount}`, { code: "input" });
  }
  const hashes = new Set(changes.map((change) => change.hash));
  if (hashes.size !== changes.length) throw new PandafestError("bundle payload holds the same change twice", { code: "input" });
  const dependedOn = new Set(changes.flatMap((change) => change.deps));
  const heads = new Set(header.heads);
  const prerequisites = new Set(header.prerequisites);
  const lastChanges = changes.filter((change) => !dependedOn.has(change.hash));
  if (lastChanges.some((change) => !heads.has(change.hash))) {
    throw new PandafestError("bundle payload holds changes beyond the heads its header names", { code: "input" });
  }
  if (header.heads.some((head) => !hashes.has(head) && !prerequisites.has(head))) {
    throw new PandafestError("bundle header names heads that neither its payload nor its prerequisites hold", { code: "input" });
  }
}

/** What the festival size bound (engine/core/festival-size.ts) counts from: the bytes held here, and the bound. */
export interface FestivalSizeBound {
  /** the bytes the festival takes here now (its stored chunks); 0 when not known */
  heldBytes?: number;
  /** default MAX_FESTIVAL_BYTES */
  maxFestivalBytes?: number;
}

/** `bytes + incoming`, or a refusal when that passes the festival size bound. */
function refuseGrowth(bytes: number, incoming: number, size: FestivalSizeBound): number {
  const problem = festivalGrowthProblem(bytes, incoming, size.maxFestivalBytes ?? MAX_FESTIVAL_BYTES);
  if (problem !== undefined) throw new PandafestError(`${problem}; nothing of this bundle was applied`, { code: "input" });
  return bytes + incoming;
}

/** The same bounds as sync (engine/core/change-limits.ts): a bundle with a too-big change or value is refused whole. */
function refuseOversizedChanges(changes: Iterable<Uint8Array>): void {
  const problem = checkChangeSizes(changes);
  if (problem !== undefined) throw new PandafestError(`bundle carries ${problem}; nothing of it was applied`, { code: "input" });
}

function kindOrder(bundle: BundleToApply): number {
  return bundle.bundle.kind === "full" ? 0 : 1;
}

function incomingOf(what: Carried): IncomingChange[] {
  if ("known" in what) return [];
  if ("changes" in what) return what.changes.map((change) => ({ ...change, sole: () => change.sole }));
  const { loaded } = what;
  return what.meta.map((change) => ({
    hash: change.hash,
    actor: change.actor,
    seq: change.seq,
    deps: change.deps,
    startOp: change.startOp,
    operations: change.maxOp - change.startOp + 1,
    sole: () => soleOperationIn(loaded, change.hash),
  }));
}

/** Whether every change a loaded full payload holds may be applied (or is held already). */
function wholeAdmitted(what: Carried, admission: Admission): boolean {
  return "meta" in what && what.meta.every((change) => !admission.unsigned.has(change.hash));
}

/**
 * `before` without the held forgeries and every held change built on them (rebuilt from its changes), and
 * the changes set aside, each with why.
 */
function withoutForgeries(before: A.Doc<Festival>, forgeries: readonly HeldForgery[]): { doc: A.Doc<Festival>; setAside: SetAsideChange[] } {
  const meta = A.getChangesMetaSince(before, []);
  const children = new Map<string, string[]>();
  for (const change of meta) for (const dep of change.deps) children.set(dep, [...(children.get(dep) ?? []), change.hash]);
  const reasons = new Map<string, string>();
  const stack: string[] = [];
  for (const forgery of forgeries) {
    reasons.set(
      forgery.hash,
      `claims actor ${forgery.actor} seq ${forgery.seq}, which its author signed as change ${forgery.genuine}: a forgery`,
    );
    stack.push(forgery.hash);
  }
  while (stack.length > 0) {
    const hash = stack.pop() as string;
    for (const child of children.get(hash) ?? []) {
      if (reasons.has(child)) continue;
      reasons.set(child, `built on ${hash}, which was set aside`);
      stack.push(child);
    }
  }
  const kept: Uint8Array[] = [];
  const setAside: SetAsideChange[] = [];
  for (const change of meta) {
    const bytes = changeBytesByHash(before, change.hash);
    if (bytes === null) continue;
    const reason = reasons.get(change.hash);
    if (reason === undefined) kept.push(bytes);
    else setAside.push({ hash: change.hash, bytes, reason });
  }
  const [doc] = A.applyChanges(A.init<Festival>(), kept);
  return { doc, setAside };
}

/**
 * Applies the bundles (all of one festival) to a copy of `before`; `before` itself is never modified.
 * Only changes their author's signature covers are applied (see admitChanges); the others wait. Full
 * bundles go first, so a festival new here starts from a plain load. Throws BundleRefusal naming the
 * first bundle whose payload is not what its header promises, that brings a change claiming an (actor,
 * seq) held here as another, signed change, or that would make the document unreadable (not a
 * festival, newer schema).
 */
export function planFestivalImport(
  festivalId: string,
  before: A.Doc<Festival> | undefined,
  bundles: readonly BundleToApply[],
  size: FestivalSizeBound = {},
): FestivalImportPlan {
  for (const { label, bundle } of bundles) {
    if (bundle.header.festivalId !== festivalId) throw new BundleRefusal(label, `bundle belongs to festival ${bundle.header.festivalId}, not ${festivalId}`);
  }
  const carried = new Map<BundleToApply, Carried>();
  const ordered = [...bundles].sort((left, right) => kindOrder(left) - kindOrder(right) || left.bundle.header.createdAt - right.bundle.header.createdAt);

  for (const entry of ordered) {
    const { bundle } = entry;
    try {
      checkPayloadExpansion(bundle.payload);
      if (before !== undefined && A.hasHeads(before, bundle.header.heads)) {
        // nothing to apply, but the payload must still be what the header says
        if (bundle.kind === "full") loadFullPayload(bundle);
        else checkIncrementalChanges(decodePayloadChanges(bundle.payload), bundle.header);
        carried.set(entry, { known: true });
      } else if (bundle.kind === "full") {
        const loaded = loadFullPayload(bundle);
        refuseOversizedChanges(A.getAllChanges(loaded));
        const meta = A.getChangesMetaSince(loaded, []);
        prepareAttestationDecoding(loaded, meta, new Set(meta.map((change) => change.actor)).size);
        carried.set(entry, { loaded, meta });
      } else {
        const changes = decodePayloadChanges(bundle.payload);
        checkIncrementalChanges(changes, bundle.header);
        refuseOversizedChanges(changes.map((change) => change.bytes));
        carried.set(entry, { changes });
      }
    } catch (error) {
      throw refusal(entry.label, error);
    }
  }

  const admission = admitChanges(
    festivalId,
    before,
    ordered.flatMap((entry) => incomingOf(carried.get(entry) ?? { known: true })),
  );
  if (admission.conflicts.length > 0) {
    const [conflict] = admission.conflicts;
    const entry = ordered.find((candidate) => incomingOf(carried.get(candidate) ?? { known: true }).some((change) => change.hash === conflict.hash));
    throw new ForgedChangeRefusal(
      entry?.label ?? festivalId,
      `change ${conflict.hash.slice(0, 12)} claims actor ${conflict.actor} seq ${conflict.seq}, which its author signed as change ` +
        `${conflict.held.slice(0, 12)}: a forgery or a duplicate; nothing of this bundle was applied, ask its carrier where it came from`,
    );
  }

  // should what arrives not all count, what members see is kept in step from the festival as it was
  if (before !== undefined) keepStandbyReplica(before, festivalId);
  let state = before;
  let setAside: SetAsideChange[] = [];
  if (before !== undefined && admission.forgeries.length > 0) ({ doc: state, setAside } = withoutForgeries(before, admission.forgeries));
  let owned = state !== before;
  let snapshot: Uint8Array | undefined;
  /** the festival's size as the bound counts it: what is held, plus every payload or change applied */
  let bytes = size.heldBytes ?? 0;
  const own = (doc: A.Doc<Festival>): A.Doc<Festival> => {
    if (owned) return doc;
    owned = true;
    return A.clone(doc);
  };

  for (const entry of ordered) {
    const what = carried.get(entry) ?? { known: true };
    if ("known" in what || (state !== undefined && A.hasHeads(state, entry.bundle.header.heads))) continue;
    try {
      if ("loaded" in what && wholeAdmitted(what, admission)) {
        if (state === undefined || (A.getMissingDeps(state, []).length === 0 && A.hasHeads(what.loaded, A.getHeads(state)))) {
          bytes = refuseGrowth(0, entry.bundle.payload.byteLength, size);
          state = what.loaded;
          owned = true;
          snapshot = entry.bundle.payload;
        } else {
          bytes = refuseGrowth(bytes, entry.bundle.payload.byteLength, size);
          state = A.loadIncremental(own(state), entry.bundle.payload);
          snapshot = undefined;
          if (!A.hasHeads(state, entry.bundle.header.heads)) throw new PandafestError("bundle payload could not be applied completely", { code: "input" });
        }
      } else {
        const admitted = "changes" in what
          ? what.changes.filter((change) => admission.admitted.has(change.hash)).map((change) => change.bytes)
          : admittedBytes(what.loaded, what.meta, admission);
        bytes = refuseGrowth(bytes, admitted.reduce((total, change) => total + change.byteLength, 0), size);
        if (admitted.length > 0) [state] = A.applyChanges(own(state ?? A.init<Festival>()), admitted);
        snapshot = undefined;
      }
    } catch (error) {
      throw refusal(entry.label, error);
    }
  }

  const missingDependencies = state === undefined ? [] : A.getMissingDeps(state, []);
  const after = state !== undefined && A.getHeads(state).length > 0 ? state : undefined;
  const changed = after !== undefined && (before === undefined || !sameSet(A.getHeads(before), A.getHeads(after)));
  if (changed && after !== undefined) {
    const firstNew = ordered.find((entry) => !("known" in (carried.get(entry) ?? { known: true }))) ?? ordered[0];
    try {
      checkSchema(after);
    } catch (error) {
      throw refusal(firstNew?.label ?? festivalId, error);
    }
  }

  const inBefore = membership(before);
  const inAfter = membership(after);
  const claimed = new Set<string>();
  const waiting = new Set<string>();
  /** One full bundle making a festival new here, all of it applied: all its changes are new, no hash needs looking at. */
  const firstCarried = bundles.length === 1 ? carried.get(bundles[0]) : undefined;
  const wholeNewFestival =
    before === undefined && after !== undefined && firstCarried !== undefined && wholeAdmitted(firstCarried, admission) && snapshot !== undefined;
  const outcomes = bundles.map((entry): BundleOutcome => {
    const { label, bundle } = entry;
    const outcome: BundleOutcome = { label, header: bundle.header, kind: bundle.kind, new: 0, present: 0, waiting: 0, unsigned: 0 };
    const what = carried.get(entry) ?? { known: true };
    if ("known" in what) {
      outcome.present = bundle.header.changeCount;
      return outcome;
    }
    if (wholeNewFestival && "loaded" in what) {
      outcome.new = bundle.header.changeCount;
      return outcome;
    }
    for (const hash of "changes" in what ? what.changes.map((change) => change.hash) : what.meta.map((change) => change.hash)) {
      if (claimed.has(hash) || inBefore(hash)) outcome.present += 1;
      else if (inAfter(hash)) {
        outcome.new += 1;
        claimed.add(hash);
      } else {
        outcome.waiting += 1;
        if (admission.unsigned.has(hash)) outcome.unsigned += 1;
        waiting.add(hash);
      }
    }
    return outcome;
  });
  const newChangeHashes = (): string[] => (wholeNewFestival && after !== undefined ? changeHashes(after) : [...claimed]);
  const unsigned: UnsignedChange[] = [];
  for (const entry of ordered) {
    for (const change of incomingOf(carried.get(entry) ?? { known: true })) {
      const reason = admission.unsigned.get(change.hash);
      if (reason !== undefined && !unsigned.some((known) => known.hash === change.hash)) unsigned.push({ hash: change.hash, actor: change.actor, seq: change.seq, reason });
    }
  }

  return {
    festivalId,
    before,
    after,
    changed,
    snapshot: changed && before === undefined ? snapshot : undefined,
    outcomes,
    newChangeHashes,
    waitingHashes: [...waiting],
    missingDependencies: waiting.size > 0 ? missingDependencies : [],
    unsigned,
    setAside,
  };
}

/** The encoded changes of a loaded full payload that admission lets through, in history order. */
function admittedBytes(loaded: A.Doc<Festival>, meta: readonly A.ChangeMetadata[], admission: Admission): Uint8Array[] {
  const bytes: Uint8Array[] = [];
  for (const change of meta) {
    if (!admission.admitted.has(change.hash)) continue;
    const encoded = changeBytesByHash(loaded, change.hash);
    if (encoded !== null) bytes.push(encoded);
  }
  return bytes;
}

export interface UnverifiedChange {
  hash: string;
  actor: string;
  seq: number;
  reason: string;
}

/**
 * The changes the bundles bring whose authorship does not verify: those that wait for their author's
 * signature (never applied), and any applied one that still shows as unverified once merged.
 */
export function unverifiedChangesBrought(plan: FestivalImportPlan): UnverifiedChange[] {
  const waiting: UnverifiedChange[] = plan.unsigned.map((change) => ({ ...change }));
  const hashes = plan.after === undefined ? [] : plan.newChangeHashes();
  if (plan.after === undefined || hashes.length === 0) return waiting;
  const brought = new Set(hashes);
  const applied = verifyHistory(plan.after, plan.festivalId)
    .filter((record) => brought.has(record.hash) && !record.verified)
    .map((record) => ({ hash: record.hash, actor: record.actor, seq: record.seq, reason: record.reason ?? "no valid attestation" }));
  return [...waiting, ...applied];
}
