// Importing bundles into a data directory: decode and verify every bundle, plan every festival in memory,
// and only then write (waiting bundles kept under DATA/pending/, documents, festival entries). Node only.
import path from "node:path";
import type * as A from "@automerge/automerge";
import { PandafestError } from "../../engine/core/errors.js";
import { memberNames } from "../../engine/core/provenance.js";
import type { Festival } from "../../engine/core/schema.js";
import type { FestivalStore } from "../../engine/node/store.js";
import { textOf } from "../../engine/core/views.js";
import { readBundleFile } from "./bundle-file.js";
import { CarriedFestivals } from "./carried.js";
import { type DecodedBundle, type FestivalIdLookup, decodeBundle } from "../format/codec.js";
import type { BundleKind } from "../format/header.js";
import { type KnownFestivals, knownFestivals } from "./known-festivals.js";
import { type LocalFestival, findLocalFestival, storeFestival } from "./local-festivals.js";
import { bundleFileName } from "../format/naming.js";
import { festivalVisibility } from "../format/pack.js";
import { PendingBundles } from "./pending.js";
import { BundleRefusal, type BundleToApply, ForgedChangeRefusal, type FestivalImportPlan, type UnsignedChange, planFestivalImport } from "../format/plan.js";
import { setAsideForgeries } from "./set-aside.js";
import { useNativeSha256 } from "./native-hash.js";

/** Bundle bytes and the name they are reported under (a file path, or a name on a stick). */
export interface BundleSource {
  label: string;
  bytes: Uint8Array;
}

/** A source that decoded and verified. */
export interface DecodedSource extends BundleToApply {
  bytes: Uint8Array;
  /** set for bundles that were waiting in DATA/pending/ from an earlier import */
  pendingName?: string;
}

export interface ImportOptions {
  /** Follow the festivals imported (an explicit `bundle import`); a stick only carries them. */
  follow: boolean;
  /** Ids of festivals to read bundles of even when not known here yet: how one joins a private festival. */
  join?: readonly string[];
  /** the most bytes one festival may grow to (default MAX_FESTIVAL_BYTES, engine/core/festival-size.ts) */
  maxFestivalBytes?: number;
}

/** One line of `bundle import`: what one file brought. */
export interface BundleImportReport {
  file: string;
  festival: string;
  festivalName: string | null;
  /** the carrier's public key */
  carrier: string;
  /** the carrier's self-declared name in the festival's members, when known */
  carrierName: string | null;
  kind: BundleKind;
  new: number;
  present: number;
  waiting: number;
  /** of those waiting, the changes that wait for their author's signature */
  unsigned: number;
}

export interface FestivalImportSummary {
  festival: string;
  name: string | null;
  /** the festival was not stored here before */
  created: boolean;
  changed: boolean;
  new: number;
  waiting: number;
  /** changes from bundles that waited here (DATA/pending/) and could now be applied */
  released: number;
  /** changes the waiting ones need that are not here */
  missing: string[];
  /** changes that wait for their author's signature, and why */
  unsigned: UnsignedChange[];
  /** held changes set aside as forgeries (and those built on them), and where they were moved */
  setAside: number;
  quarantined: string | null;
  /** bundles that waited here and turned out to bring a forged change: where they were moved */
  forgedPending: string[];
}

export interface ImportResult {
  files: BundleImportReport[];
  festivals: FestivalImportSummary[];
}

/** A festival planned in memory and ready to be written. */
export interface PreparedFestival {
  id: string;
  local: LocalFestival | undefined;
  plan: FestivalImportPlan;
  inputs: DecodedSource[];
  /** bundles that waited in DATA/pending/ and now bring a forged change: moved to quarantine when applied */
  forgedPending: { name: string; reason: string }[];
}

/** Decodes every source; failures are returned (one-line reasons naming the source), never thrown. */
export function decodeSources(sources: readonly BundleSource[], lookup: FestivalIdLookup): { decoded: DecodedSource[]; refused: BundleRefusal[] } {
  const decoded: DecodedSource[] = [];
  const refused: BundleRefusal[] = [];
  for (const source of sources) {
    try {
      const bundle: DecodedBundle = decodeBundle(source.bytes, { festivalIdFor: lookup });
      decoded.push({ label: source.label, bytes: source.bytes, bundle });
    } catch (error) {
      if (!(error instanceof PandafestError)) throw error;
      refused.push(new BundleRefusal(source.label, error.message, error));
    }
  }
  return { decoded, refused };
}

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

/**
 * Plans one festival: the given bundles plus those still waiting in DATA/pending/. A waiting bundle that
 * no longer applies is left where it is rather than blocking the import; a given one that does not
 * apply throws BundleRefusal.
 */
export async function prepareFestival(
  store: FestivalStore,
  id: string,
  inputs: readonly DecodedSource[],
  lookup: FestivalIdLookup,
  maxFestivalBytes?: number,
): Promise<PreparedFestival> {
  const local = await findLocalFestival(store, id);
  const given = new Set(inputs.map((input) => bundleFileName(input.bundle.header)));
  const earlier: DecodedSource[] = [];
  for (const pending of await new PendingBundles(store.dataDir).list(id)) {
    if (given.has(pending.name)) continue;
    try {
      const bundle = decodeBundle(pending.bytes, { festivalIdFor: lookup });
      if (bundle.header.festivalId === id) earlier.push({ label: `pending/${pending.name}`, bytes: pending.bytes, bundle, pendingName: pending.name });
    } catch {
      // a damaged pending file stays where it is; it never blocks an import
    }
  }
  let candidates = [...inputs, ...earlier];
  const forgedPending: { name: string; reason: string }[] = [];
  for (;;) {
    try {
      return { id, local, plan: planFestivalImport(id, local?.doc, candidates, { heldBytes: local?.storedBytes, maxFestivalBytes }), inputs: candidates, forgedPending };
    } catch (error) {
      const failing = error instanceof BundleRefusal ? candidates.find((source) => source.label === error.label) : undefined;
      if (failing?.pendingName === undefined) throw error;
      if (error instanceof ForgedChangeRefusal) forgedPending.push({ name: failing.pendingName, reason: error.reason });
      candidates = candidates.filter((source) => source !== failing);
    }
  }
}

function festivalName(doc: A.Doc<Festival> | undefined): string | null {
  return doc === undefined ? null : textOf(doc.name);
}

function memberName(doc: A.Doc<Festival> | undefined, festivalId: string, key: string): string | null {
  return doc === undefined ? null : memberNames(doc, festivalId).get(key) ?? null;
}

/**
 * Writes planned festivals: waiting bundles first (so no change can be lost), then the documents, then
 * releases waiting bundles that are now applied, then the festival entries. Writes nothing for a
 * festival the bundles did not change.
 */
export async function applyPrepared(
  store: FestivalStore,
  prepared: readonly PreparedFestival[],
  known: KnownFestivals,
  options: ImportOptions,
): Promise<FestivalImportSummary[]> {
  const pending = new PendingBundles(store.dataDir);
  const carried = new CarriedFestivals(store.dataDir);
  const summaries: FestivalImportSummary[] = [];
  for (const { id, local, plan, inputs, forgedPending } of prepared) {
    const forgedMoved: string[] = [];
    for (const { name, reason } of forgedPending) {
      forgedMoved.push(await pending.setAside(id, name, path.join(store.quarantineDirectory, "pending"), reason));
    }
    const sourceOf = new Map(inputs.map((input) => [input.label, input]));
    for (const outcome of plan.outcomes) {
      const source = sourceOf.get(outcome.label);
      if (outcome.waiting > 0 && source !== undefined && source.pendingName === undefined) {
        await pending.keep(id, bundleFileName(outcome.header), source.bytes);
      }
    }
    let quarantined: string | null = null;
    if (plan.setAside.length > 0 && local !== undefined && plan.after !== undefined) {
      quarantined = await setAsideForgeries(store, id, local, plan.after, plan.setAside);
    } else if (plan.changed && plan.after !== undefined) await storeFestival(store, id, local, plan.after, plan.snapshot);
    let released = 0;
    for (const outcome of plan.outcomes) {
      const source = sourceOf.get(outcome.label);
      if (source?.pendingName === undefined) continue;
      released += outcome.new;
      if (outcome.waiting === 0) await pending.remove(id, source.pendingName);
    }
    const after = plan.after ?? local?.doc;
    if (after !== undefined) {
      const entry = { id, name: textOf(after.name), visibility: festivalVisibility(after) };
      if (options.follow || known.followed.has(id)) await store.index.put(entry);
      else await carried.index.put(entry);
    }
    const fromInputs = plan.outcomes.filter((outcome) => sourceOf.get(outcome.label)?.pendingName === undefined);
    summaries.push({
      festival: id,
      name: festivalName(after),
      created: local === undefined && plan.changed,
      changed: plan.changed,
      new: fromInputs.reduce((total, outcome) => total + outcome.new, 0),
      waiting: plan.waitingHashes.length,
      released,
      missing: plan.missingDependencies,
      unsigned: plan.unsigned,
      setAside: plan.setAside.length,
      quarantined,
      forgedPending: forgedMoved,
    });
  }
  await store.flush();
  return summaries;
}

/** The per-file lines of an import, in the order the sources were given. */
export function reportFiles(prepared: readonly PreparedFestival[]): BundleImportReport[] {
  const reports: BundleImportReport[] = [];
  for (const { plan, local, inputs } of prepared) {
    const doc = plan.after ?? local?.doc;
    const given = new Set(inputs.filter((input) => input.pendingName === undefined).map((input) => input.label));
    for (const outcome of plan.outcomes) {
      if (!given.has(outcome.label)) continue;
      reports.push({
        file: outcome.label,
        festival: plan.festivalId,
        festivalName: festivalName(doc),
        carrier: outcome.header.carrierPublicKey,
        carrierName: memberName(doc, plan.festivalId, outcome.header.carrierPublicKey),
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

/** Thrown when any bundle is refused: one line per refused bundle; nothing was written. */
export function refuseAll(refused: readonly BundleRefusal[]): never {
  const lines = refused.map((refusal) => refusal.message);
  const message = refused.length === 1 ? `${lines[0]}; nothing was imported` : `${lines.join("\n")}\nnothing was imported`;
  throw new PandafestError(message, { code: "input" });
}

/**
 * Imports bundles: verifies every one (decode, signature, payload applied to an in-memory copy) before
 * anything is written; refuses them all when one is bad. Importing the same bundles again writes nothing.
 */
export async function importBundles(store: FestivalStore, sources: readonly BundleSource[], options: ImportOptions): Promise<ImportResult> {
  useNativeSha256();
  const known = await knownFestivals(store, options.join);
  const { decoded, refused } = decodeSources(sources, known.lookup);
  if (refused.length > 0) refuseAll(refused);
  const prepared: PreparedFestival[] = [];
  for (const [id, inputs] of groupByFestival(decoded)) {
    try {
      prepared.push(await prepareFestival(store, id, inputs, known.lookup, options.maxFestivalBytes));
    } catch (error) {
      if (error instanceof BundleRefusal) refuseAll([error]);
      throw error;
    }
  }
  const festivals = await applyPrepared(store, prepared, known, options);
  const order = new Map(sources.map((source, index) => [source.label, index]));
  const files = reportFiles(prepared).sort((left, right) => (order.get(left.file) ?? 0) - (order.get(right.file) ?? 0));
  return { files, festivals };
}

/** importBundles over files on disk; a file that cannot be read is refused like a bad bundle. */
export async function importBundleFiles(store: FestivalStore, files: readonly string[], options: ImportOptions): Promise<ImportResult> {
  if (files.length === 0) throw new PandafestError("no bundle files given: pandafest bundle import FILE...", { code: "usage" });
  const sources: BundleSource[] = [];
  const unreadable: BundleRefusal[] = [];
  for (const file of files) {
    try {
      sources.push({ label: file, bytes: await readBundleFile(file) });
    } catch (error) {
      if (!(error instanceof PandafestError)) throw error;
      unreadable.push(new BundleRefusal(file, error.message.startsWith(`${file}: `) ? error.message.slice(file.length + 2) : error.message, error));
    }
  }
  if (unreadable.length > 0) refuseAll(unreadable);
  const labels = new Set<string>();
  const unique = sources.filter((source) => (labels.has(source.label) ? false : (labels.add(source.label), true)));
  return importBundles(store, unique, options);
}
