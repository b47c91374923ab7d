// The steps of a bundle import wherever festivals are kept (a data directory, a browser): decode and plan everything
// in memory, keep what waits before writing, write, release what no longer waits, report per file. Browser-safe.
import * as A from "@automerge/automerge";
import { PandafestError } from "../../engine/core/errors.js";
import { memberNames } from "../../engine/core/provenance.js";
import type { Festival } from "../../engine/core/schema.js";
import { textOf } from "../../engine/core/views.js";
import { type DecodeOptions, type FestivalIdLookup, decodeBundle } from "./codec.js";
import { FestivalKeyNotHeld } from "./member-keys.js";
import type { BundleKind } from "./header.js";
import { bundleFileName } from "./naming.js";
import { BundleRefusal, type BundleToApply, type FestivalImportPlan, type FestivalSizeBound, planFestivalImport } from "./plan.js";

/** Bundle bytes and the name they are reported under (a file path, a name on a stick, a file the page was given). */
export interface BundleSource {
  label: string;
  bytes: Uint8Array;
}

/** A source that decoded and verified. */
export interface DecodedSource extends BundleToApply {
  bytes: Uint8Array;
  /** set for a bundle that was waiting from an earlier import (its name where it is kept) */
  pendingName?: string;
}

/**
 * Where bundles whose changes wait for history (or their author's signature) are kept between imports, by festival
 * and bundle file name: DATA/pending/ in a data directory, IndexedDB in a browser.
 */
export interface WaitingBundleStore {
  list(festivalId: string): Promise<ReadonlyArray<{ name: string; bytes: Uint8Array }>>;
  /** keeps a bundle; the same name always holds the same range, so keeping it again may do nothing */
  keep(festivalId: string, name: string, bytes: Uint8Array): Promise<unknown>;
  remove(festivalId: string, name: string): Promise<void>;
}

/** One festival planned in memory: nothing is written yet. */
export interface PlannedFestival {
  id: string;
  plan: FestivalImportPlan;
  /** the bundles planned: those given and those that were waiting */
  inputs: DecodedSource[];
  /** bundles that were waiting and no longer apply, left out of the plan (where they are kept is the caller's to decide) */
  dropped: Array<{ name: string; refusal: BundleRefusal }>;
}

/** One line of an import: what one given bundle brought. */
export interface BundleImportReport {
  file: string;
  festival: string;
  /** the festival's name as it is after the import; null when nothing of it is held */
  festivalName: string | null;
  /** the carrier's public key */
  carrier: string;
  /** the carrier's name in the festival (memberNames: only a name its key wrote itself), when known */
  carrierName: string | null;
  kind: BundleKind;
  new: number;
  present: number;
  waiting: number;
  /** of those waiting, the changes that wait for their author's signature */
  unsigned: number;
}

/** A bundle sealed under a member key this reader does not hold: not bad, it waits (or is carried) until the key arrives. */
export interface LockedSource extends BundleSource {
  festivalId: string;
  keyId: string;
  reason: string;
}

export interface DecodeSourcesOptions {
  /** sources larger than this are refused without being decoded */
  maxBytes?: number;
  /** when given, bundles sealed under a member key this reader does not hold are put here instead of refused */
  locked?: LockedSource[];
}

/** How a reader opens bundles: the discovery key lookup alone, or with the member keys it holds. */
export type BundleReader = FestivalIdLookup | DecodeOptions;

export function decodeOptionsOf(reader: BundleReader): DecodeOptions {
  return typeof reader === "function" ? { festivalIdFor: reader } : reader;
}

/**
 * Decodes every source; failures are returned (one-line reasons naming the source), never thrown. A bundle sealed
 * under a member key is tried again after another bundle's envelope taught the reader that key.
 */
export function decodeSources(
  sources: readonly BundleSource[],
  reader: BundleReader,
  options: DecodeSourcesOptions = {},
): { decoded: DecodedSource[]; refused: BundleRefusal[] } {
  const decodeOptions = decodeOptionsOf(reader);
  const decoded: DecodedSource[] = [];
  const refused: BundleRefusal[] = [];
  let locked: Array<{ source: BundleSource; error: FestivalKeyNotHeld }> = [];
  const attempt = (source: BundleSource): void => {
    try {
      decoded.push({ label: source.label, bytes: source.bytes, bundle: decodeBundle(source.bytes, decodeOptions) });
    } catch (error) {
      if (error instanceof FestivalKeyNotHeld) locked.push({ source, error });
      else if (error instanceof PandafestError) refused.push(new BundleRefusal(source.label, error.message, error));
      else throw error;
    }
  };
  for (const source of sources) {
    if (options.maxBytes !== undefined && source.bytes.length > options.maxBytes) {
      refused.push(new BundleRefusal(source.label, `${source.bytes.length} bytes is over the ${options.maxBytes}-byte limit for a bundle`));
      continue;
    }
    attempt(source);
  }
  for (;;) {
    const retry = locked.filter(({ error }) => decodeOptions.keys?.has(error.festivalId, error.keyId) === true);
    if (retry.length === 0) break;
    locked = locked.filter((entry) => !retry.includes(entry));
    for (const { source } of retry) attempt(source);
  }
  for (const { source, error } of locked) {
    if (options.locked !== undefined) options.locked.push({ ...source, festivalId: error.festivalId, keyId: error.keyId, reason: error.message });
    else refused.push(new BundleRefusal(source.label, error.message, error));
  }
  return { decoded, refused };
}

/** The sources of each festival, festivals in the order they first appear. */
export function groupByFestival<T extends BundleToApply>(sources: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const source of sources) {
    const id = source.bundle.header.festivalId;
    const group = groups.get(id);
    if (group === undefined) groups.set(id, [source]);
    else group.push(source);
  }
  return groups;
}

/** Thrown when any bundle is refused: one line per refused bundle; nothing was written. */
export function refuseAll(refused: readonly BundleRefusal[]): never {
  const lines = refused.map((refusal) => refusal.message);
  const message = refused.length === 1 ? `${lines[0]}; nothing was imported` : `${lines.join("\n")}\nnothing was imported`;
  throw new PandafestError(message, { code: "input" });
}

/**
 * Decodes every source, then plans each festival with `planOne`, all before anything is written. A source that
 * does not decode, or a given bundle a plan refuses (BundleRefusal), refuses them all: refuseAll throws.
 */
export async function decodeAndPlan<P>(
  sources: readonly BundleSource[],
  reader: BundleReader,
  planOne: (festivalId: string, inputs: DecodedSource[]) => Promise<P>,
  options: DecodeSourcesOptions = {},
): Promise<P[]> {
  const { decoded, refused } = decodeSources(sources, reader, options);
  if (refused.length > 0) refuseAll(refused);
  const planned: P[] = [];
  for (const [id, inputs] of groupByFestival(decoded)) {
    try {
      planned.push(await planOne(id, inputs));
    } catch (error) {
      if (error instanceof BundleRefusal) refuseAll([error]);
      throw error;
    }
  }
  return planned;
}

export interface PlanFestivalOptions extends FestivalSizeBound {
  /** opens private bundles that were waiting */
  lookup: BundleReader;
  /** what a bundle that was waiting is reported as: this followed by its name ("pending/") */
  waitingLabel: string;
}

/**
 * Plans one festival: the given bundles plus those still waiting for it. A waiting bundle that does not decode, or
 * is one of the given ones, is left where it is; one that no longer applies is dropped from the plan (`dropped`)
 * rather than blocking the import. A given bundle that does not apply throws BundleRefusal.
 */
export async function planFestival(
  id: string,
  held: A.Doc<Festival> | undefined,
  inputs: readonly DecodedSource[],
  waiting: WaitingBundleStore,
  options: PlanFestivalOptions,
): Promise<PlannedFestival> {
  const given = new Set(inputs.map((input) => bundleFileName(input.bundle.header)));
  const earlier: DecodedSource[] = [];
  const decodeOptions = decodeOptionsOf(options.lookup);
  for (const kept of await waiting.list(id)) {
    if (given.has(kept.name)) continue;
    try {
      const bundle = decodeBundle(kept.bytes, decodeOptions);
      if (bundle.header.festivalId === id) earlier.push({ label: `${options.waitingLabel}${kept.name}`, bytes: kept.bytes, bundle, pendingName: kept.name });
    } catch {
      // a damaged waiting bundle never blocks an import
    }
  }
  let candidates = [...inputs, ...earlier];
  const dropped: PlannedFestival["dropped"] = [];
  const size: FestivalSizeBound = { heldBytes: options.heldBytes, maxFestivalBytes: options.maxFestivalBytes };
  for (;;) {
    try {
      return { id, plan: planFestivalImport(id, held, candidates, size), inputs: candidates, dropped };
    } catch (error) {
      if (!(error instanceof BundleRefusal)) throw error;
      const failing = candidates.find((source) => source.label === error.label);
      if (failing?.pendingName === undefined) throw error;
      dropped.push({ name: failing.pendingName, refusal: error });
      candidates = candidates.filter((source) => source !== failing);
    }
  }
}

/**
 * Writes one planned festival in the order that loses no change: the given bundles whose changes wait are kept
 * first, then `write` stores the festival's new state (the caller's storage, called when there is a plan to write
 * or set aside: see FestivalImportPlan), then the bundles that were waiting and now apply are released. Returns
 * how many changes the bundles that were waiting brought.
 */
export async function applyPlanned(
  planned: PlannedFestival,
  waiting: WaitingBundleStore,
  write: (plan: FestivalImportPlan) => Promise<void> | void,
): Promise<{ released: number }> {
  const { id, plan, inputs } = planned;
  const sourceOf = new Map(inputs.map((input) => [input.label, input]));
  for (const outcome of plan.outcomes) {
    const source = sourceOf.get(outcome.label);
    if (outcome.waiting > 0 && source !== undefined && source.pendingName === undefined) {
      await waiting.keep(id, bundleFileName(outcome.header), source.bytes);
    }
  }
  await write(plan);
  let released = 0;
  for (const outcome of plan.outcomes) {
    const source = sourceOf.get(outcome.label);
    if (source?.pendingName === undefined) continue;
    released += outcome.new;
    if (outcome.waiting === 0) await waiting.remove(id, source.pendingName);
  }
  return { released };
}

/**
 * The state to give a festival that holds `current` now, planned from `before`: `after` itself when nothing changed
 * the festival since it was planned, else `after` merged into what it holds now (an edit made meanwhile is kept).
 */
export function plannedState(current: A.Doc<Festival>, before: A.Doc<Festival> | undefined, after: A.Doc<Festival>): A.Doc<Festival> {
  const unchanged = before !== undefined && A.getHeads(current).join(",") === A.getHeads(before).join(",");
  return unchanged ? after : A.merge(current, A.clone(after));
}

/** What the bundles given brought (not those that were waiting), in the plan's order. */
export function givenOutcomes({ plan, inputs }: PlannedFestival): FestivalImportPlan["outcomes"] {
  const given = new Set(inputs.filter((input) => input.pendingName === undefined).map((input) => input.label));
  return plan.outcomes.filter((outcome) => given.has(outcome.label));
}

/** The per-file lines of an import for the bundles given (not those that were waiting), festival by festival. */
export function reportFiles(planned: readonly PlannedFestival[]): BundleImportReport[] {
  const reports: BundleImportReport[] = [];
  for (const festival of planned) {
    const { id, plan } = festival;
    const doc = plan.after ?? plan.before;
    const names = doc === undefined ? undefined : memberNames(doc, id);
    for (const outcome of givenOutcomes(festival)) {
      reports.push({
        file: outcome.label,
        festival: id,
        festivalName: doc === undefined ? null : textOf(doc.name),
        carrier: outcome.header.carrierPublicKey,
        carrierName: names === undefined ? null : (names.get(outcome.header.carrierPublicKey) ?? null),
        kind: outcome.kind,
        new: outcome.new,
        present: outcome.present,
        waiting: outcome.waiting,
        unsigned: outcome.unsigned,
      });
    }
  }
  return reports;
}
