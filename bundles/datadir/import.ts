// Importing bundles into a data directory: decode and verify every bundle, plan every festival in memory,
// and only then write (waiting bundles kept under DATA/pending/, documents, festival entries). Node only.
import path from "node:path";
import { PandafestError } from "../../engine/core/errors.js";
import type { FestivalStore } from "../../engine/node/store.js";
import { festivalSettingsOf, textOf } from "../../engine/core/views.js";
import { readBundleFile } from "./bundle-file.js";
import { CarriedFestivals } from "./carried.js";
import type { DecodeOptions, FestivalIdLookup } from "../format/codec.js";
import { isMember } from "../../engine/core/membership/access.js";
import { removePendingJoins } from "../../engine/node/pending-joins.js";
import { discoveryKey } from "../format/discovery.js";
import { sha256Hex } from "../format/crypto.js";
import { parseBundleFileName } from "../format/naming.js";
import { ReaderKeys } from "./reader-keys.js";
import {
  type BundleImportReport,
  type BundleSource,
  type DecodedSource,
  type LockedSource,
  type PlannedFestival,
  applyPlanned,
  decodeAndPlan,
  givenOutcomes,
  planFestival,
  refuseAll,
  reportFiles,
} from "../format/import-steps.js";
import { type KnownFestivals, knownFestivals } from "./known-festivals.js";
import { type LocalFestival, findLocalFestival, storeFestival } from "./local-festivals.js";
import { PendingBundles } from "./pending.js";
import { BundleRefusal, ForgedChangeRefusal, type UnsignedChange } from "../format/plan.js";
import { setAsideForgeries } from "./set-aside.js";
import { useNativeSha256 } from "./native-hash.js";

export type { BundleImportReport, BundleSource } from "../format/import-steps.js";

export interface ImportOptions {
  /** Follow the festivals imported (an explicit `bundle import`); a stick only carries them. */
  follow: boolean;
  /** Ids of festivals to read bundles of even when not known here yet: how one joins a private festival. */
  join?: readonly string[];
  /** the most bytes one festival may grow to (default MAX_FESTIVAL_BYTES, engine/core/festival-size.ts) */
  maxFestivalBytes?: number;
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
  /** this data directory had asked to join the festival, and now holds it as a member (the pending join is done) */
  joined: boolean;
}

/** A bundle sealed under a member key this identity does not hold: kept in DATA/pending/ until the key arrives. */
export interface LockedBundle {
  file: string;
  festival: string;
  keyId: string;
  reason: string;
  /** where it is kept, relative to the data directory */
  keptAs: string;
}

export interface ImportResult {
  files: BundleImportReport[];
  festivals: FestivalImportSummary[];
  locked: LockedBundle[];
}

/** A festival planned in memory and ready to be written, with the festival as stored here. */
export interface PreparedFestival extends PlannedFestival {
  local: LocalFestival | undefined;
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
  lookup: FestivalIdLookup | DecodeOptions,
  maxFestivalBytes?: number,
): Promise<PreparedFestival> {
  const local = await findLocalFestival(store, id);
  const planned = await planFestival(id, local?.doc, inputs, new PendingBundles(store.dataDir), {
    lookup,
    waitingLabel: "pending/",
    heldBytes: local?.storedBytes,
    maxFestivalBytes,
  });
  return { ...planned, local };
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
  const identity = known.joins.size > 0 ? await store.identity() : null;
  const joined: string[] = [];
  for (const festival of prepared) {
    const { id, local, plan, dropped } = festival;
    // a bundle that waited here and now brings a forged change is moved to quarantine (another refusal leaves it waiting)
    const forgedMoved: string[] = [];
    for (const { name, refusal } of dropped) {
      if (refusal instanceof ForgedChangeRefusal) forgedMoved.push(await pending.setAside(id, name, path.join(store.quarantineDirectory, "pending"), refusal.reason));
    }
    let quarantined: string | null = null;
    const { released } = await applyPlanned(festival, pending, async () => {
      if (plan.setAside.length > 0 && local !== undefined && plan.after !== undefined) {
        quarantined = await setAsideForgeries(store, id, local, plan.after, plan.setAside);
      } else if (plan.changed && plan.after !== undefined) await storeFestival(store, id, local, plan.after, plan.snapshot);
    });
    const after = plan.after ?? local?.doc;
    if (after !== undefined) {
      const { name, visibility } = festivalSettingsOf(after);
      const entry = { id, name, visibility };
      // a festival asked to join is followed once it is here (read by the key a manager handed over, or by its id)
      if (options.follow || known.followed.has(id) || known.joins.has(id)) {
        await store.index.put(entry);
        known.followed.add(id);
      } else await carried.index.put(entry);
      if (known.joins.has(id) && identity !== null && isMember(after, id, identity.publicKey)) joined.push(id);
    }
    const fromInputs = givenOutcomes(festival);
    summaries.push({
      festival: id,
      name: after === undefined ? null : textOf(after.name),
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
      joined: joined.includes(id),
    });
  }
  await store.flush();
  if (joined.length > 0) {
    await removePendingJoins(store.dataDir, joined);
    for (const id of joined) known.joins.delete(id);
  }
  return summaries;
}

/**
 * Imports bundles: verifies every one (decode, signature, payload applied to an in-memory copy) before
 * anything is written; refuses them all when one is bad. Importing the same bundles again writes nothing.
 */
export async function importBundles(store: FestivalStore, sources: readonly BundleSource[], options: ImportOptions): Promise<ImportResult> {
  useNativeSha256();
  const known = await knownFestivals(store, options.join);
  const reader = await ReaderKeys.open(store, known.lookup);
  await reader.prepare(sources.map((source) => source.bytes));
  const lockedSources: LockedSource[] = [];
  const prepared = await decodeAndPlan(
    sources,
    reader.options,
    (id, inputs) => prepareFestival(store, id, inputs, reader.options, options.maxFestivalBytes),
    { locked: lockedSources },
  );
  const locked = await keepLocked(store, lockedSources);
  const festivals = await applyPrepared(store, prepared, known, options);
  const order = new Map(sources.map((source, index) => [source.label, index]));
  const files = reportFiles(prepared).sort((left, right) => (order.get(left.file) ?? 0) - (order.get(right.file) ?? 0));
  return { files, festivals, locked };
}

/**
 * Keeps bundles sealed under a member key this identity does not hold in DATA/pending/<festival id>/, under their
 * own name when it is a bundle name of that festival, else one made from their bytes: read on a later import once
 * the key arrives (an envelope for this identity in a newer bundle, or the festival handing it over).
 */
async function keepLocked(store: FestivalStore, locked: readonly LockedSource[]): Promise<LockedBundle[]> {
  const pending = new PendingBundles(store.dataDir);
  const kept: LockedBundle[] = [];
  for (const source of locked) {
    const prefix = discoveryKey(source.festivalId).slice(0, 16);
    const own = path.basename(source.label);
    const name = parseBundleFileName(own)?.discoveryKeyPrefix === prefix ? own : `${prefix}-${sha256Hex(source.bytes).slice(0, 12)}-full.pfb`;
    await pending.keep(source.festivalId, name, source.bytes);
    kept.push({ file: source.label, festival: source.festivalId, keyId: source.keyId, reason: source.reason, keptAs: path.join("pending", source.festivalId, name) });
  }
  return kept;
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
