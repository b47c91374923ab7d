// `stick sync`: two-way sync with a USB stick as a replica: import what it has, write only what it lacks, carry
// festivals for others within limits, compact piles, leave a visit record and a README; never follows a link. Node only.
import fs from "node:fs/promises";
import path from "node:path";
import * as A from "@automerge/automerge";
import { PandafestError } from "../../engine/core/errors.js";
import type { Identity } from "../../engine/node/identity.js";
import { randomBytes, toHex } from "../../engine/core/keys.js";
import type { Festival } from "../../engine/core/schema.js";
import type { FestivalStore } from "../../engine/node/store.js";
import { ensureDirectory, writeFileAtomically } from "../../engine/node/storage/atomic-file.js";
import { textOf, visibilityOf } from "../../engine/core/views.js";
import { type OpenBundleFile, copyBundleFile, openBundleFile, readBundleFront, readWholeBundle, writeBundleFile } from "../datadir/bundle-file.js";
import { CarriedFestivals, type CarryLimits, DEFAULT_CARRY_LIMITS } from "../datadir/carried.js";
import { type BundleReading, type DecodedBundle, checkSealedFront, readBundle } from "../format/codec.js";
import { discoveryKey } from "../format/discovery.js";
import { carrierOf } from "../datadir/export.js";
import { type PreparedFestival, applyPrepared, prepareFestival } from "../datadir/import.js";
import { type DecodedSource, groupByFestival } from "../format/import-steps.js";
import { type KnownFestivals, knownFestivals } from "../datadir/known-festivals.js";
import { hasMemberKeys, isEncrypted, readHeaderSection, readPrelude } from "../format/layout.js";
import { decodeSealedClearHeader } from "../format/header.js";
import { decodePayloadChanges } from "../format/automerge-payload.js";
import { documentHeads, checkPayloadExpansion } from "../format/payload-expansion.js";
import { type CachedHeads, FestivalHeadsCache } from "../datadir/heads-cache.js";
import { findLocalFestival } from "../datadir/local-festivals.js";
import { packFestival } from "../format/pack.js";
import { BundleRefusal, checkIncrementalChanges } from "../format/plan.js";
import { STICK_README } from "../format/stick-readme.js";
import {
  NO_FOLLOW,
  type StickBundleFile,
  type StickPaths,
  StickPathProblem,
  checkMount,
  checkStickFile,
  checkStickFolder,
  festivalFolder,
  listStickBundles,
  listStickRequests,
  removeAbandonedTemporaryFiles,
  stickPaths,
} from "./stick-layout.js";
import { encodeVisitRecord, signVisitRecord, visitRecordFileName } from "../format/visit-record.js";
import { FestivalKeyNotHeld, memberSealingFor } from "../format/member-keys.js";
import { ReaderKeys } from "../datadir/reader-keys.js";
import { MAX_REQUEST_FILE_BYTES, decodeRequestFile, encodeRequestFile, requestFileName } from "../format/request-file.js";
import { readPendingJoins } from "../../engine/node/pending-joins.js";
import { admissibleRequest, requestName, requestRecorded } from "../../engine/core/membership/invitations.js";
import { recordAccessRequest } from "../../engine/core/membership/manage-members.js";
import type { GovernanceContext } from "../../engine/core/governance/manage.js";
import { useNativeSha256 } from "../datadir/native-hash.js";

/** More bundles than this for one festival are compacted into one full bundle. */
export const COMPACT_ABOVE = 8;

export interface StickProgress {
  done: number;
  total: number;
  phase: "reading" | "importing" | "writing";
}

export interface StickSyncOptions {
  /**
   * Only these festivals (id, URL or name), in both directions; they are followed afterwards. Naming a
   * festival's id here is also how one joins a private festival from a stick. Default: everything on the
   * stick and every followed festival.
   */
  festivals?: readonly string[];
  /** Also put every festival this machine carries (not only followed ones) on the stick. */
  all?: boolean;
  /** How much this machine keeps sealed for others (per festival, in all); defaults to DEFAULT_CARRY_LIMITS. */
  carryLimits?: Partial<CarryLimits>;
  onProgress?: (progress: StickProgress) => void;
  now?: () => number;
}

export interface StickFestivalSummary {
  /** the festival id, or null for a private festival this machine cannot read */
  festival: string | null;
  discoveryKey: string;
  name: string | null;
  followed: boolean;
  /** private and unknown here: its bundles are carried sealed, file by file */
  sealed: boolean;
  /** changes imported from the stick */
  in: number;
  /** changes on the stick this machine had already */
  present: number;
  /** changes written to the stick */
  out: number;
  /** changes on the stick (or kept here) waiting for history that has not arrived */
  waiting: number;
  /** bundle files written to the stick (sealed ones included) */
  filesWritten: number;
  /** sealed bundle files taken from the stick to carry */
  filesKept: number;
  /** the festival's bundles on the stick were compacted into one */
  compacted: boolean;
  /** bundle files sealed under a member key this identity does not hold (removed, or not accepted yet): carried sealed */
  locked: number;
  /** this data directory had asked to join the festival and now holds it as a member */
  joined: boolean;
  /** why nothing was written to the stick for this festival, when something should have been */
  notWritten: string | null;
}

/** What happened to access requests (files under pandafest/requests/) in one sync. */
export interface StickRequestsSummary {
  /** requests of this data directory's pending joins written to the stick */
  written: number;
  /** requests of newcomers recorded in festivals held here (they travel to the managers with the festival) */
  recorded: { festival: string; key: string; name: string }[];
  /** request files of festivals held here that were not recorded, and why (left on the stick) */
  refused: { file: string; festival: string; reason: string }[];
  /** request files removed from the stick: their request is recorded in the festival, which carries it on */
  removed: number;
}

export interface StickSyncSummary {
  stick: string;
  festivals: StickFestivalSummary[];
  /** files on the stick that look like bundles but are not valid (left untouched) */
  refused: { file: string; reason: string }[];
  /** files on the stick of festivals carried for others but not taken, each with why (the carry limits) */
  leftBehind: { file: string; reason: string }[];
  /** paths on the stick not used: links (never followed) and files where folders should be; the rest synced */
  problems: { path: string; reason: string }[];
  requests: StickRequestsSummary;
  /** the visit record written, or null when the stick's visits folder could not be used (see problems) */
  visitRecord: string | null;
  durationMs: number;
}

interface StickBundle extends DecodedSource {
  file: StickBundleFile;
}

/**
 * Whether a payload, judged without loading it, ends where its header says: a full one's document names
 * exactly those heads, an incremental one's changes lead there. Decides only whether the stick already
 * holds what it claims; anything else goes through the import, which checks everything.
 */
function payloadNamesItsHeads(bundle: DecodedBundle): boolean {
  try {
    checkPayloadExpansion(bundle.payload);
    if (bundle.kind === "incremental") {
      checkIncrementalChanges(decodePayloadChanges(bundle.payload), bundle.header);
      return true;
    }
    const heads = documentHeads(bundle.payload);
    return heads !== undefined && heads.join() === [...bundle.header.heads].sort().join();
  } catch (error) {
    if (!(error instanceof PandafestError)) throw error;
    return false;
  }
}

/** A sealed bundle on the stick: only its front was read and checked (see checkSealedFront). */
interface SealedFile {
  discoveryKey: string;
  file: StickBundleFile;
  size: number;
}

/** The discovery key of a private bundle whose festival this machine does not know, judged from its front. */
function unknownSealedKey(front: Uint8Array, fileLength: number, known: KnownFestivals): string | undefined {
  try {
    const { flags } = readPrelude(front);
    if (!isEncrypted(flags)) return undefined;
    const key = decodeSealedClearHeader(readHeaderSection(front, fileLength), hasMemberKeys(flags)).discoveryKey;
    return known.lookup(key) === undefined ? key : undefined;
  } catch (error) {
    if (!(error instanceof PandafestError)) throw error;
    return undefined; // reading it whole reports the problem
  }
}

class Progress {
  done = 0;
  total = 0;
  constructor(private readonly report: ((progress: StickProgress) => void) | undefined) {}
  step(phase: StickProgress["phase"]): void {
    this.done += 1;
    this.report?.({ done: this.done, total: Math.max(this.total, this.done), phase });
  }
}

class StickSync {
  private readonly summaries = new Map<string, StickFestivalSummary>();
  private readonly refused: { file: string; reason: string }[] = [];
  private readonly leftBehind: { file: string; reason: string }[] = [];
  private readonly problems = new Map<string, string>();
  private readonly stickBundles = new Map<string, StickBundle[]>();
  private readonly sealedOnStick = new Map<string, SealedFile[]>();
  /** bundles of known festivals sealed under a member key not held (yet): tried again once another bundle taught it */
  private lockedOnStick: Array<{ file: StickBundleFile; bytes: Uint8Array; error: FestivalKeyNotHeld }> = [];
  private readonly requests: StickRequestsSummary = { written: 0, recorded: [], refused: [], removed: 0 };
  /** request files on the stick whose request is recorded in a festival held here, by festival */
  private readonly recordedRequestFiles: Array<{ festival: string; key: string; file: StickBundleFile }> = [];
  private readonly docs = new Map<string, A.Doc<Festival>>();
  private readonly cacheAnswers = new Map<string, Promise<CachedHeads | undefined>>();
  /** heads of festivals judged from the heads cache, not loaded */
  private readonly cachedHeads = new Map<string, string[]>();
  private readonly carried: CarriedFestivals;
  private readonly progress: Progress;
  private readonly now: () => number;

  constructor(
    private readonly store: FestivalStore,
    private readonly paths: StickPaths,
    private readonly identity: Identity,
    private readonly known: KnownFestivals,
    private readonly reader: ReaderKeys,
    private readonly only: Set<string> | undefined,
    private readonly options: StickSyncOptions,
    private readonly cache: FestivalHeadsCache,
  ) {
    this.carried = new CarriedFestivals(store.dataDir, {
      perFestival: options.carryLimits?.perFestival ?? DEFAULT_CARRY_LIMITS.perFestival,
      total: options.carryLimits?.total ?? DEFAULT_CARRY_LIMITS.total,
    });
    this.progress = new Progress(options.onProgress);
    this.now = options.now ?? Date.now;
  }

  private summary(key: string, festival: string | null): StickFestivalSummary {
    let entry = this.summaries.get(key);
    if (entry === undefined) {
      entry = {
        festival,
        discoveryKey: key,
        name: null,
        followed: festival !== null && this.known.followed.has(festival),
        sealed: festival === null,
        in: 0,
        present: 0,
        out: 0,
        waiting: 0,
        filesWritten: 0,
        filesKept: 0,
        compacted: false,
        locked: 0,
        joined: false,
        notWritten: null,
      };
      this.summaries.set(key, entry);
    }
    return entry;
  }

  /** Notes a path on the stick that cannot be used; the sync carries on with the rest. */
  notePathProblem(problem: StickPathProblem): void {
    if (!this.problems.has(problem.label)) this.problems.set(problem.label, problem.reason);
  }

  /** Whether a folder on the stick may be written (no link on the way, no file where a folder should be). */
  private async usableFolder(folder: string): Promise<boolean> {
    try {
      await checkStickFolder(this.paths, folder);
      return true;
    } catch (error) {
      if (!(error instanceof StickPathProblem)) throw error;
      this.notePathProblem(error);
      return false;
    }
  }

  /** Opens a bundle file on the stick without following a link; a file that cannot be opened is refused (undefined). */
  private async openOrRefuse(file: { file: string; label: string }): Promise<OpenBundleFile | undefined> {
    try {
      return await openBundleFile(file.file, { noFollow: true });
    } catch (error) {
      if (!(error instanceof PandafestError)) throw error;
      this.refused.push({ file: file.label, reason: error.message.replace(`${file.file}: `, "") });
      return undefined;
    }
  }

  async read(files: readonly StickBundleFile[]): Promise<void> {
    this.progress.total += files.length;
    for (const file of files) {
      this.progress.step("reading");
      const opened = await this.openOrRefuse(file);
      if (opened === undefined) continue;
      try {
        await this.readOne(file, opened);
      } finally {
        await opened.handle.close();
      }
    }
    this.resolveLocked();
  }

  /**
   * Bundles sealed under a member key this identity lacked are read again once another bundle's envelope taught it
   * the key (an older bundle of the epoch a newcomer was just let into); the rest are carried sealed, never lost.
   */
  private resolveLocked(): void {
    for (;;) {
      const retry = this.lockedOnStick.filter(({ error }) => this.reader.keys.has(error.festivalId, error.keyId));
      if (retry.length === 0) break;
      this.lockedOnStick = this.lockedOnStick.filter((entry) => !retry.includes(entry));
      for (const { file, bytes } of retry) this.decodeWhole(file, bytes);
    }
    for (const { file, bytes, error } of this.lockedOnStick) {
      if (this.only !== undefined && !this.only.has(error.festivalId)) continue;
      const key = discoveryKey(error.festivalId);
      const list = this.sealedOnStick.get(key) ?? [];
      list.push({ discoveryKey: key, file, size: bytes.length });
      this.sealedOnStick.set(key, list);
      this.summary(key, error.festivalId).locked += 1;
    }
    this.lockedOnStick = [];
  }

  /** Reads a whole bundle of a known festival: readable ones are kept for the import, locked ones for later. */
  private decodeWhole(file: StickBundleFile, bytes: Uint8Array): void {
    const reading: BundleReading = { byteLength: bytes.length };
    try {
      const bundle = readBundle(bytes, this.reader.options, reading);
      if (!bundle.header.discoveryKey.startsWith(path.basename(file.folder))) {
        this.refused.push({ file: file.label, reason: "bundle lies in the folder of another festival" });
        return;
      }
      const id = bundle.header.festivalId;
      if (this.only !== undefined && !this.only.has(id)) return;
      const list = this.stickBundles.get(id) ?? [];
      list.push({ label: file.label, bytes, bundle, file });
      this.stickBundles.set(id, list);
    } catch (error) {
      if (error instanceof FestivalKeyNotHeld && reading.discoveryKey?.startsWith(path.basename(file.folder))) {
        this.lockedOnStick.push({ file, bytes, error });
        return;
      }
      if (!(error instanceof PandafestError)) throw error;
      this.refused.push({ file: file.label, reason: error.message });
    }
  }

  /** Sealed bundles of festivals unknown here are checked from their front only; the rest are read whole. */
  private async readOne(file: StickBundleFile, opened: OpenBundleFile): Promise<void> {
    const front = await readBundleFront(opened);
    const sealedKey = unknownSealedKey(front, opened.size, this.known);
    if (sealedKey !== undefined) {
      if (this.only !== undefined) return;
      try {
        checkSealedFront(front, opened.size);
      } catch (error) {
        if (!(error instanceof PandafestError)) throw error;
        this.refused.push({ file: file.label, reason: error.message });
        return;
      }
      if (!sealedKey.startsWith(path.basename(file.folder))) {
        this.refused.push({ file: file.label, reason: "bundle lies in the folder of another festival" });
        return;
      }
      const list = this.sealedOnStick.get(sealedKey) ?? [];
      list.push({ discoveryKey: sealedKey, file, size: opened.size });
      this.sealedOnStick.set(sealedKey, list);
      return;
    }
    const bytes = await readWholeBundle(opened);
    await this.reader.prepare([bytes]);
    this.decodeWhole(file, bytes);
  }

  /** The heads cache's answer for a festival, asked once per sync (before anything is written). */
  private cachedHeadsOf(id: string): Promise<CachedHeads | undefined> {
    let answer = this.cacheAnswers.get(id);
    if (answer === undefined) {
      answer = this.cache.valid(id);
      this.cacheAnswers.set(id, answer);
    }
    return answer;
  }

  /**
   * Whether the stick's bundles of a festival hold only changes known here, judged from the heads cache
   * (no festival is loaded). Their payloads are still checked to be intact Automerge data.
   */
  private async bringsNothing(id: string, inputs: readonly StickBundle[]): Promise<boolean> {
    if (this.known.pending.has(id)) return false;
    const cached = await this.cachedHeadsOf(id);
    if (cached === undefined || !inputs.every((input) => input.bundle.header.heads.every((head) => cached.known.has(head)))) return false;
    for (const input of inputs) {
      if (!payloadNamesItsHeads(input.bundle)) return false; // the full import path checks and reports it
    }
    const entry = this.summary(discoveryKey(id), id);
    entry.name = this.known.entries.get(id)?.name ?? null;
    entry.present += inputs.reduce((total, input) => total + input.bundle.header.changeCount, 0);
    return true;
  }

  /** Leaves a festival of others behind when its bundles are more than one festival may take here. */
  private overCarryLimit(id: string, inputs: readonly StickBundle[]): boolean {
    if (this.known.followed.has(id) || this.known.joins.has(id) || this.only?.has(id)) return false;
    const reason = this.carried.readableOverLimit(inputs.reduce((total, input) => total + input.bytes.length, 0));
    if (reason === undefined) return false;
    for (const input of inputs) this.leftBehind.push({ file: input.label, reason });
    return true;
  }

  /** Imports every readable festival on the stick; a bundle that does not apply is reported and skipped. */
  async importReadable(): Promise<void> {
    const prepared: PreparedFestival[] = [];
    const groups = groupByFestival([...this.stickBundles.values()].flat());
    this.progress.total += groups.size;
    for (const [id, inputs] of groups) {
      this.progress.step("importing");
      if (await this.bringsNothing(id, inputs)) continue;
      if (this.overCarryLimit(id, inputs)) continue;
      let candidates = inputs;
      while (candidates.length > 0) {
        try {
          prepared.push(await prepareFestival(this.store, id, candidates, this.reader.options));
          break;
        } catch (error) {
          if (!(error instanceof BundleRefusal)) throw error;
          this.refused.push({ file: error.label, reason: error.reason });
          const remaining = candidates.filter((candidate) => candidate.label !== error.label);
          if (remaining.length === candidates.length) throw error;
          candidates = remaining;
          this.stickBundles.set(id, candidates as StickBundle[]);
        }
      }
    }
    const imported = await applyPrepared(this.store, prepared, this.known, { follow: this.only !== undefined });
    for (const [index, result] of imported.entries()) {
      const { id, plan, local } = prepared[index];
      const doc = plan.after ?? local?.doc;
      if (doc !== undefined) this.docs.set(id, doc);
      const entry = this.summary(discoveryKey(id), id);
      entry.name = result.name;
      entry.in += result.new + result.released;
      entry.present += plan.outcomes.reduce((total, outcome) => total + outcome.present, 0);
      entry.waiting = result.waiting;
      entry.joined = result.joined;
      for (const moved of result.forgedPending) this.refused.push({ file: moved, reason: "a bundle that waited here brings a forged change; moved to quarantine" });
      if (this.only !== undefined) this.known.followed.add(id);
      else if (!this.known.followed.has(id)) this.known.carried.add(id);
    }
  }

  /** Copies sealed bundles from the stick by streaming, within the carry limits; says what was left behind. */
  async keepSealed(): Promise<void> {
    for (const [key, files] of this.sealedOnStick) {
      const entry = this.summary(key, null);
      for (const { file, size } of files) {
        const opened = await this.openOrRefuse(file);
        if (opened === undefined) continue;
        try {
          // checked again on the file as it is now: it is copied from this very handle
          if (opened.size !== size) throw new PandafestError("the file changed during the sync", { code: "input" });
          checkSealedFront(await readBundleFront(opened), opened.size);
          const outcome = await this.carried.keepSealed(key, file.name, opened);
          if (outcome.kept) entry.filesKept += 1;
          else if (outcome.reason !== null) this.leftBehind.push({ file: file.label, reason: outcome.reason });
        } catch (error) {
          if (!(error instanceof PandafestError)) throw error;
          this.refused.push({ file: file.label, reason: error.message });
        } finally {
          await opened.handle.close();
        }
      }
    }
  }

  private async docFor(id: string): Promise<A.Doc<Festival> | undefined> {
    const cached = this.docs.get(id);
    if (cached !== undefined) return cached;
    const local = await findLocalFestival(this.store, id);
    if (local !== undefined) this.docs.set(id, local.doc);
    return local?.doc;
  }

  private festivalsToWrite(): string[] {
    if (this.only !== undefined) return [...this.only];
    const ids = new Set([...this.known.followed, ...this.stickBundles.keys()]);
    if (this.options.all) for (const id of this.known.ids) ids.add(id);
    return [...ids].sort();
  }

  /** Writes, for each festival, the changes the stick lacks: incremental after what it holds, or full. */
  async writeWhatStickLacks(): Promise<void> {
    const ids = this.festivalsToWrite();
    this.progress.total += ids.length;
    const carrier = carrierOf(this.identity);
    for (const id of ids) {
      this.progress.step("writing");
      const onStick = this.stickBundles.get(id) ?? [];
      const hasFull = onStick.some((bundle) => bundle.bundle.kind === "full");
      const onStickHeads = new Set(onStick.flatMap((bundle) => bundle.bundle.header.heads));
      if (!this.docs.has(id) && hasFull) {
        const cached = await this.cachedHeadsOf(id);
        if (cached !== undefined && cached.heads.every((head) => onStickHeads.has(head))) {
          const entry = this.summary(discoveryKey(id), id);
          entry.name ??= this.known.entries.get(id)?.name ?? null;
          this.cachedHeads.set(id, cached.heads);
          continue;
        }
      }
      const doc = await this.docFor(id);
      if (doc === undefined) continue;
      const entry = this.summary(discoveryKey(id), id);
      entry.name = textOf(doc.name);
      const stickHeads = hasFull ? [...onStickHeads].filter((head) => A.hasHeads(doc, [head])) : [];
      const held = new Set(stickHeads);
      if (hasFull && A.getHeads(doc).every((head) => held.has(head))) continue;
      let packed;
      try {
        packed = packFestival({ festivalId: id, doc, carrier, since: stickHeads, createdAt: this.now() });
      } catch (error) {
        if (!(error instanceof PandafestError)) throw error;
        entry.notWritten = error.message; // e.g. sealed under a member key this identity does not hold
        continue;
      }
      if (packed === null) continue;
      const folder = festivalFolder(this.paths, discoveryKey(id));
      const file = path.join(folder, packed.fileName);
      if (onStick.some((bundle) => bundle.file.name === packed.fileName)) continue;
      if (!(await this.usableFolder(folder))) continue;
      await writeBundleFile(file, packed.bytes);
      entry.out += packed.changeCount;
      entry.filesWritten += 1;
      const label = path.relative(this.paths.mount, file);
      if (packed.keyId !== undefined) this.reader.keys.addFromFestival(doc, id);
      const bundle = readBundle(packed.bytes, { festivalIdFor: () => id, keys: this.reader.keys }, { byteLength: packed.bytes.length });
      onStick.push({ label, bytes: packed.bytes, bundle, file: { label, file, name: packed.fileName, folder } });
      this.stickBundles.set(id, onStick);
    }
  }

  /** Copies sealed bundles this machine carries to the stick when it lacks them (store and forward). */
  async forwardSealed(): Promise<void> {
    if (this.only !== undefined) return;
    const keys = this.options.all ? await this.carried.sealedDiscoveryKeys() : [...this.sealedOnStick.keys()];
    for (const key of keys) {
      const present = new Set((this.sealedOnStick.get(key) ?? []).map((sealed) => sealed.file.name));
      const folder = festivalFolder(this.paths, key);
      const bundles = (await this.carried.sealedBundles(key)).filter((sealed) => !present.has(sealed.name));
      if (bundles.length === 0 || !(await this.usableFolder(folder))) continue;
      for (const sealed of bundles) {
        try {
          await fs.lstat(path.join(folder, sealed.name));
          continue;
        } catch {
          // not on the stick: copy it
        }
        const opened = await openBundleFile(sealed.file);
        try {
          await copyBundleFile(opened, path.join(folder, sealed.name), "shared");
        } finally {
          await opened.handle.close();
        }
        this.summary(key, null).filesWritten += 1;
      }
    }
  }

  /** Replaces a pile of more than COMPACT_ABOVE bundles by one full bundle, when this machine holds all they hold. */
  async compact(): Promise<void> {
    const carrier = carrierOf(this.identity);
    for (const [id, bundles] of this.stickBundles) {
      if (bundles.length <= COMPACT_ABOVE) continue;
      const doc = await this.docFor(id);
      if (doc === undefined || !bundles.every((bundle) => A.hasHeads(doc, bundle.bundle.header.heads))) continue;
      let packed;
      try {
        packed = packFestival({ festivalId: id, doc, carrier, createdAt: this.now() });
      } catch (error) {
        if (!(error instanceof PandafestError)) throw error;
        continue; // not this identity's to compact (it cannot seal under the festival's current key)
      }
      if (packed === null) continue;
      const folder = festivalFolder(this.paths, discoveryKey(id));
      if (!(await this.usableFolder(folder))) continue;
      await writeBundleFile(path.join(folder, packed.fileName), packed.bytes);
      for (const bundle of bundles) {
        if (bundle.file.name !== packed.fileName) await fs.rm(bundle.file.file, { force: true });
      }
      const entry = this.summary(discoveryKey(id), id);
      entry.compacted = true;
      const label = path.join(path.relative(this.paths.mount, folder), packed.fileName);
      if (packed.keyId !== undefined) this.reader.keys.addFromFestival(doc, id);
      const bundle = readBundle(packed.bytes, { festivalIdFor: () => id, keys: this.reader.keys }, { byteLength: packed.bytes.length });
      this.stickBundles.set(id, [{ label, bytes: packed.bytes, bundle, file: { label, file: path.join(folder, packed.fileName), name: packed.fileName, folder } }]);
    }
  }

  /**
   * Takes newcomers' access requests for festivals followed here: checks each (admissibleRequest) and records it in
   * the festival as this identity (recordAccessRequest), so it reaches the managers with the festival's changes. A
   * request already recorded is noted for removal; one refused stays on the stick, reported.
   */
  async takeRequests(): Promise<void> {
    const listing = await listStickRequests(this.paths);
    for (const problem of listing.problems) this.notePathProblem(problem);
    for (const file of listing.files) {
      const opened = await this.openOrRefuse(file);
      if (opened === undefined) continue;
      let decoded;
      try {
        if (opened.size > MAX_REQUEST_FILE_BYTES) throw new PandafestError(`${opened.size} bytes is more than a request file can be (${MAX_REQUEST_FILE_BYTES})`, { code: "input" });
        decoded = decodeRequestFile(await readWholeBundle(opened), this.known.lookup);
      } catch (error) {
        if (!(error instanceof PandafestError)) throw error;
        this.refused.push({ file: file.label, reason: error.message });
        continue;
      } finally {
        await opened.handle.close();
      }
      if (decoded === undefined) continue; // a request for a festival not known here: left for others
      const { festivalId, request } = decoded;
      if (!this.known.followed.has(festivalId) || (this.only !== undefined && !this.only.has(festivalId))) continue;
      const local = await findLocalFestival(this.store, festivalId);
      if (local === undefined) continue;
      const doc = local.handle.doc();
      if (requestRecorded(doc, festivalId, request.key)) {
        this.recordedRequestFiles.push({ festival: festivalId, key: request.key, file });
        continue;
      }
      if (request.key === this.identity.publicKey) continue; // our own request: a member records it
      const now = this.now();
      const problem = admissibleRequest(doc, festivalId, request, now);
      if (problem !== undefined) {
        this.requests.refused.push({ file: file.label, festival: festivalId, reason: problem });
        continue;
      }
      const editor = this.store.editor(local.handle, this.identity);
      const context: GovernanceContext = { doc, festivalId, actor: this.identity.publicKey, festivalName: String(this.store.visible(local.handle).name) };
      try {
        recordAccessRequest(editor, context, request, now);
        await this.store.commit();
      } catch (error) {
        this.store.discard();
        if (!(error instanceof PandafestError)) throw error;
        this.requests.refused.push({ file: file.label, festival: festivalId, reason: error.message });
        continue;
      }
      this.requests.recorded.push({ festival: festivalId, key: request.key, name: requestName(request) });
      this.recordedRequestFiles.push({ festival: festivalId, key: request.key, file });
      this.docs.set(festivalId, local.handle.doc());
    }
  }

  /** Writes the access request of each festival this data directory asked to join and does not hold yet. */
  async writeRequests(): Promise<void> {
    const joins = await readPendingJoins(this.store.dataDir);
    for (const join of joins) {
      if (this.only !== undefined && !this.only.has(join.festivalId)) continue;
      if (!this.known.joins.has(join.festivalId)) continue; // joined in this sync
      const file = path.join(this.paths.requests, requestFileName(join.festivalId, join.request.key));
      try {
        await checkStickFile(this.paths, file);
      } catch (error) {
        if (!(error instanceof StickPathProblem)) throw error;
        this.notePathProblem(error);
        continue;
      }
      try {
        await fs.lstat(file);
        continue; // written already (the same request always gets the same name)
      } catch {
        // not on the stick yet
      }
      await writeFileAtomically(file, encodeRequestFile(join.festivalId, join.request), { sharing: "shared" });
      this.requests.written += 1;
    }
  }

  /** Removes request files whose request the festival now carries (after the festival was written to the stick). */
  async removeRecordedRequests(): Promise<void> {
    for (const { festival, file } of this.recordedRequestFiles) {
      const entry = this.summaries.get(discoveryKey(festival));
      if (entry?.notWritten !== null && entry?.notWritten !== undefined) continue; // the stick may lack the record
      try {
        await checkStickFile(this.paths, file.file);
        await fs.rm(file.file, { force: true });
        this.requests.removed += 1;
      } catch (error) {
        if (!(error instanceof StickPathProblem)) throw error;
        this.notePathProblem(error);
      }
    }
  }

  /**
   * The member key of a festival judged from the heads cache (not loaded): the key of its member-keys bundle on the
   * stick that ends at those heads (the stick holds what this machine holds), read in this sync.
   */
  private stickKeyOf(id: string, heads: readonly string[]): Uint8Array | undefined {
    const wanted = [...heads].sort().join();
    const bundle = (this.stickBundles.get(id) ?? []).find((candidate) => candidate.bundle.keyId !== undefined && [...candidate.bundle.header.heads].sort().join() === wanted);
    return bundle?.bundle.keyId === undefined ? undefined : this.reader.keys.find(id, bundle.bundle.keyId);
  }

  async leaveVisitRecord(): Promise<string | null> {
    if (!(await this.usableFolder(this.paths.visits))) return null;
    const festivals = [];
    for (const entry of this.summaries.values()) {
      const id = entry.festival;
      const doc = id === null ? undefined : this.docs.get(id);
      const cached = id === null ? undefined : this.cachedHeads.get(id);
      if (id !== null && doc !== undefined) {
        const visibility = visibilityOf(doc.visibility);
        // a festival with member keys seals its entry under its current key: who knows only the id learns nothing
        const sealKey = visibility === "private" ? memberSealKey(doc, id, this.identity) : undefined;
        festivals.push({ festivalId: id, visibility, heads: A.getHeads(doc), ...(sealKey === undefined ? {} : { sealKey }) });
      }
      else if (id !== null && cached !== undefined) {
        const visibility = this.known.entries.get(id)?.visibility ?? "private";
        const sealKey = visibility === "private" ? this.stickKeyOf(id, cached) : undefined;
        festivals.push({ festivalId: id, visibility, heads: cached, ...(sealKey === undefined ? {} : { sealKey }) });
      }
      // a festival carried sealed is left out: its entry could not be sealed, and in clear it would tie this
      // machine's key to a private festival for whoever finds the stick
    }
    const record = signVisitRecord({ visitor: this.identity, visitedAt: this.now(), festivals });
    const file = path.join(this.paths.visits, visitRecordFileName(record, toHex(randomBytes(8))));
    await writeFileAtomically(file, encodeVisitRecord(record), { sharing: "shared" });
    return file;
  }

  async leaveReadme(): Promise<void> {
    try {
      await checkStickFile(this.paths, this.paths.readme);
    } catch (error) {
      if (!(error instanceof StickPathProblem)) throw error;
      this.notePathProblem(error);
      return;
    }
    let current: string | undefined;
    try {
      current = await fs.readFile(this.paths.readme, { encoding: "utf8", flag: fs.constants.O_RDONLY | NO_FOLLOW });
    } catch {
      current = undefined;
    }
    if (current !== STICK_README) await writeFileAtomically(this.paths.readme, STICK_README, { sharing: "shared" });
  }

  /** Records the heads of every festival loaded in this sync (after the store flushed), with the stick heads it has. */
  async rememberHeads(): Promise<void> {
    for (const [id, doc] of this.docs) {
      const seen = (this.stickBundles.get(id) ?? []).flatMap((bundle) => bundle.bundle.header.heads).filter((head) => A.hasHeads(doc, [head]));
      await this.cache.record(id, doc, seen);
    }
    await this.cache.save();
  }

  result(visitRecord: string | null, startedAt: number): StickSyncSummary {
    const festivals = [...this.summaries.values()].sort(
      (left, right) => (left.name ?? "\uffff").localeCompare(right.name ?? "\uffff") || left.discoveryKey.localeCompare(right.discoveryKey),
    );
    for (const entry of festivals) entry.followed = entry.festival !== null && this.known.followed.has(entry.festival);
    const problems = [...this.problems].map(([where, reason]) => ({ path: where, reason }));
    return {
      stick: this.paths.mount,
      festivals,
      refused: this.refused,
      leftBehind: this.leftBehind,
      problems,
      requests: this.requests,
      visitRecord,
      durationMs: Math.round(this.now() - startedAt),
    };
  }
}

/** The current member key of a private festival with member keys, when this identity holds it. */
function memberSealKey(doc: A.Doc<Festival>, festivalId: string, identity: Identity): Uint8Array | undefined {
  try {
    return memberSealingFor(doc, festivalId, identity)?.key;
  } catch (error) {
    if (!(error instanceof PandafestError)) throw error;
    return undefined; // not held: sealed with the id-derived key, as before
  }
}

/** Syncs this data directory with the stick mounted at `mount`; see StickSyncOptions. */
export async function syncStick(store: FestivalStore, mount: string, options: StickSyncOptions = {}): Promise<StickSyncSummary> {
  useNativeSha256();
  const startedAt = (options.now ?? Date.now)();
  const identity = await store.requireIdentity();
  await checkMount(mount);
  const only =
    options.festivals !== undefined && options.festivals.length > 0
      ? new Set(await Promise.all(options.festivals.map((reference) => store.resolveId(reference))))
      : undefined;
  const paths = stickPaths(mount);
  try {
    await checkStickFolder(paths, paths.root);
  } catch (error) {
    if (!(error instanceof StickPathProblem)) throw error;
    throw new PandafestError(`cannot sync with ${paths.mount}: ${error.message}; nothing was read or written`, { code: "input", cause: error });
  }
  await ensureDirectory(paths.root, { sharing: "shared" }); // read on other machines, as other users
  await removeAbandonedTemporaryFiles(paths);
  const known = await knownFestivals(store, only === undefined ? [] : [...only]);
  const reader = await ReaderKeys.open(store, known.lookup);
  const cache = await FestivalHeadsCache.open(store);
  const sync = new StickSync(store, paths, identity, known, reader, only, options, cache);
  const listing = await listStickBundles(paths);
  for (const problem of listing.problems) sync.notePathProblem(problem);
  await sync.read(listing.files);
  await sync.importReadable();
  await sync.takeRequests();
  await sync.keepSealed();
  await sync.writeRequests();
  await sync.writeWhatStickLacks();
  await sync.removeRecordedRequests();
  await sync.forwardSealed();
  await sync.compact();
  await sync.leaveReadme();
  const visitRecord = await sync.leaveVisitRecord();
  await store.flush();
  await sync.rememberHeads();
  return sync.result(visitRecord, startedAt);
}
