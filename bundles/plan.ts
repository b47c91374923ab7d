// Planning an import on raw Automerge documents: applies decoded bundles to an in-memory copy of a
// festival, checks the payloads against their headers, and counts changes new / present / waiting. Browser-safe.
import * as A from "@automerge/automerge";
import { PandafestError, isPandafestError } from "../engine/errors.js";
import { checkSchema } from "../engine/migrate.js";
import { verifyHistory } from "../engine/provenance.js";
import type { Festival } from "../engine/schema.js";
import { type PayloadChange, decodePayloadChanges, messageOf } from "./automerge-payload.js";
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
  /** changes kept aside until the history they build on arrives */
  waiting: number;
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

/** The changes one bundle carries: their hashes when decoded, or (a full payload) its loaded document. */
type Carried = { hashes: string[] } | { loaded: A.Doc<Festival>; count: number } | { known: true };

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

function kindOrder(bundle: BundleToApply): number {
  return bundle.bundle.kind === "full" ? 0 : 1;
}

/**
 * Applies the bundles (all of one festival) to a copy of `before`; `before` itself is never modified.
 * Full bundles go first, so a festival new here starts from a plain load. Throws BundleRefusal naming
 * the first bundle whose payload is not what its header promises, or that would make the document
 * unreadable (not a festival, newer schema).
 */
export function planFestivalImport(
  festivalId: string,
  before: A.Doc<Festival> | undefined,
  bundles: readonly BundleToApply[],
): FestivalImportPlan {
  for (const { label, bundle } of bundles) {
    if (bundle.header.festivalId !== festivalId) throw new BundleRefusal(label, `bundle belongs to festival ${bundle.header.festivalId}, not ${festivalId}`);
  }
  let state = before;
  let owned = false;
  let snapshot: Uint8Array | undefined;
  const own = (doc: A.Doc<Festival>): A.Doc<Festival> => {
    if (owned) return doc;
    owned = true;
    return A.clone(doc);
  };
  const carried = new Map<BundleToApply, Carried>();
  const ordered = [...bundles].sort((left, right) => kindOrder(left) - kindOrder(right) || left.bundle.header.createdAt - right.bundle.header.createdAt);

  for (const entry of ordered) {
    const { bundle } = entry;
    try {
      checkPayloadExpansion(bundle.payload);
      if (state !== undefined && A.hasHeads(state, bundle.header.heads)) {
        // nothing to apply, but the payload must still be what the header says
        if (bundle.kind === "full") loadFullPayload(bundle);
        else checkIncrementalChanges(decodePayloadChanges(bundle.payload), bundle.header);
        carried.set(entry, { known: true });
        continue;
      }
      if (bundle.kind === "full") {
        const loaded = loadFullPayload(bundle);
        // listing the hashes is costly on a large festival: only when they are needed, and before any
        // later bundle changes the loaded document
        const alone = before === undefined && bundles.length === 1;
        carried.set(entry, alone ? { loaded, count: bundle.header.changeCount } : { hashes: changeHashes(loaded) });
        if (state === undefined || (A.getMissingDeps(state, []).length === 0 && A.hasHeads(loaded, A.getHeads(state)))) {
          state = loaded;
          owned = true;
          snapshot = bundle.payload;
        } else {
          state = A.loadIncremental(own(state), bundle.payload);
          snapshot = undefined;
          if (!A.hasHeads(state, bundle.header.heads)) throw new PandafestError("bundle payload could not be applied completely", { code: "input" });
        }
      } else {
        const changes = decodePayloadChanges(bundle.payload);
        checkIncrementalChanges(changes, bundle.header);
        carried.set(entry, { hashes: changes.map((change) => change.hash) });
        [state] = A.applyChanges(own(state ?? A.init<Festival>()), changes.map((change) => change.bytes));
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
  /** One full bundle making a festival new here: all its changes are new, no hash needs looking at. */
  const wholeNewFestival = before === undefined && bundles.length === 1 && after !== undefined && "loaded" in (carried.get(bundles[0]) ?? {});
  const outcomes = bundles.map((entry): BundleOutcome => {
    const { label, bundle } = entry;
    const outcome: BundleOutcome = { label, header: bundle.header, kind: bundle.kind, new: 0, present: 0, waiting: 0 };
    const what = carried.get(entry) ?? { known: true };
    if ("known" in what) {
      outcome.present = bundle.header.changeCount;
      return outcome;
    }
    if (wholeNewFestival && "loaded" in what) {
      outcome.new = what.count;
      return outcome;
    }
    for (const hash of "hashes" in what ? what.hashes : changeHashes(what.loaded)) {
      if (claimed.has(hash) || inBefore(hash)) outcome.present += 1;
      else if (inAfter(hash)) {
        outcome.new += 1;
        claimed.add(hash);
      } else {
        outcome.waiting += 1;
        waiting.add(hash);
      }
    }
    return outcome;
  });
  const newChangeHashes = (): string[] => (wholeNewFestival && after !== undefined ? changeHashes(after) : [...claimed]);

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
  };
}

export interface UnverifiedChange {
  hash: string;
  actor: string;
  seq: number;
  reason: string;
}

/**
 * The changes the plan brings whose authorship does not verify once merged (no attestation, a
 * signature by the wrong key, or beyond the attested seq): they would show as unverified in history.
 */
export function unverifiedChangesBrought(plan: FestivalImportPlan): UnverifiedChange[] {
  const hashes = plan.after === undefined ? [] : plan.newChangeHashes();
  if (plan.after === undefined || hashes.length === 0) return [];
  const brought = new Set(hashes);
  return verifyHistory(plan.after, plan.festivalId)
    .filter((record) => brought.has(record.hash) && !record.verified)
    .map((record) => ({ hash: record.hash, actor: record.actor, seq: record.seq, reason: record.reason ?? "no valid attestation" }));
}
