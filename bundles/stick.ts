// `stick sync`: two-way sync with a USB stick as a replica: import what it has, write only what it lacks, carry
// festivals for others, compact piles, leave a signed visit record and a README; atomic writes. Node only.
import fs from "node:fs/promises";
import path from "node:path";
import * as A from "@automerge/automerge";
import { PandafestError } from "../engine/errors.js";
import type { Identity } from "../engine/identity.js";
import { randomBytes, toHex } from "../engine/keys.js";
import type { Festival } from "../engine/schema.js";
import type { FestivalStore } from "../engine/store.js";
import { ensureDirectory, writeFileAtomically } from "../engine/storage/atomic-file.js";
import { textOf } from "../engine/views.js";
import { readBundleFile, writeBundleFile } from "./bundle-file.js";
import { CarriedFestivals } from "./carried.js";
import { type BundleReading, readBundle } from "./codec.js";
import { discoveryKey } from "./discovery.js";
import { carrierOf } from "./export.js";
import { type DecodedSource, type PreparedFestival, applyPrepared, groupByFestival, prepareFestival } from "./import.js";
import { type KnownFestivals, knownFestivals } from "./known-festivals.js";
import { checkAutomergeFraming } from "./automerge-payload.js";
import { type CachedHeads, FestivalHeadsCache } from "./heads-cache.js";
import { findLocalFestival } from "./local-festivals.js";
import { festivalVisibility, packFestival } from "./pack.js";
import { BundleRefusal } from "./plan.js";
import { STICK_README } from "./stick-readme.js";
import {
  type StickBundleFile,
  type StickPaths,
  checkMount,
  festivalFolder,
  listStickBundles,
  removeAbandonedTemporaryFiles,
  stickPaths,
} from "./stick-layout.js";
import { encodeVisitRecord, signVisitRecord, visitRecordFileName } from "./visit-record.js";
import { useNativeSha256 } from "./native-hash.js";

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
}

export interface StickSyncSummary {
  stick: string;
  festivals: StickFestivalSummary[];
  /** files on the stick that look like bundles but are not valid (left untouched) */
  refused: { file: string; reason: string }[];
  visitRecord: string;
  durationMs: number;
}

interface StickBundle extends DecodedSource {
  file: StickBundleFile;
}

interface SealedFile {
  discoveryKey: string;
  file: StickBundleFile;
  bytes: Uint8Array;
}

/** A private bundle whose framing is intact but whose festival this machine does not know. */
function isSealedUnknown(reading: BundleReading, known: KnownFestivals, file: StickBundleFile): boolean {
  return (
    reading.visibility === "private" &&
    reading.discoveryKey !== undefined &&
    reading.payloadSectionLength !== undefined &&
    reading.header === undefined &&
    known.lookup(reading.discoveryKey) === undefined &&
    reading.discoveryKey.startsWith(path.basename(file.folder))
  );
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
  private readonly stickBundles = new Map<string, StickBundle[]>();
  private readonly sealedOnStick = new Map<string, SealedFile[]>();
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
    private readonly only: Set<string> | undefined,
    private readonly options: StickSyncOptions,
    private readonly cache: FestivalHeadsCache,
  ) {
    this.carried = new CarriedFestivals(store.dataDir);
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
      };
      this.summaries.set(key, entry);
    }
    return entry;
  }

  async read(files: readonly StickBundleFile[]): Promise<void> {
    this.progress.total += files.length;
    for (const file of files) {
      this.progress.step("reading");
      let bytes: Uint8Array;
      try {
        bytes = await readBundleFile(file.file);
      } catch (error) {
        if (!(error instanceof PandafestError)) throw error;
        this.refused.push({ file: file.label, reason: error.message.replace(`${file.file}: `, "") });
        continue;
      }
      const reading: BundleReading = { byteLength: bytes.length };
      try {
        const bundle = readBundle(bytes, { festivalIdFor: this.known.lookup }, reading);
        if (!bundle.header.discoveryKey.startsWith(path.basename(file.folder))) {
          this.refused.push({ file: file.label, reason: "bundle lies in the folder of another festival" });
          continue;
        }
        const id = bundle.header.festivalId;
        if (this.only !== undefined && !this.only.has(id)) continue;
        const list = this.stickBundles.get(id) ?? [];
        list.push({ label: file.label, bytes, bundle, file });
        this.stickBundles.set(id, list);
      } catch (error) {
        if (!(error instanceof PandafestError)) throw error;
        if (isSealedUnknown(reading, this.known, file) && reading.discoveryKey !== undefined) {
          if (this.only !== undefined) continue;
          const list = this.sealedOnStick.get(reading.discoveryKey) ?? [];
          list.push({ discoveryKey: reading.discoveryKey, file, bytes });
          this.sealedOnStick.set(reading.discoveryKey, list);
        } else {
          this.refused.push({ file: file.label, reason: error.message });
        }
      }
    }
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
      try {
        // the signed payload hash already vouches for the bytes; nothing of it is applied
        checkAutomergeFraming(input.bundle.payload, { checksums: false });
      } catch (error) {
        if (!(error instanceof PandafestError)) throw error;
        return false; // the full import path reports it
      }
    }
    const entry = this.summary(discoveryKey(id), id);
    entry.name = this.known.entries.get(id)?.name ?? null;
    entry.present += inputs.reduce((total, input) => total + input.bundle.header.changeCount, 0);
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
      let candidates = inputs;
      while (candidates.length > 0) {
        try {
          prepared.push(await prepareFestival(this.store, id, candidates, this.known.lookup));
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
      for (const moved of result.forgedPending) this.refused.push({ file: moved, reason: "a bundle that waited here brings a forged change; moved to quarantine" });
      if (this.only !== undefined) this.known.followed.add(id);
      else if (!this.known.followed.has(id)) this.known.carried.add(id);
    }
  }

  async keepSealed(): Promise<void> {
    for (const [key, files] of this.sealedOnStick) {
      const entry = this.summary(key, null);
      for (const { file, bytes } of files) {
        if (await this.carried.keepSealed(key, file.name, bytes)) entry.filesKept += 1;
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
      const packed = packFestival({ festivalId: id, doc, carrier, since: stickHeads, createdAt: this.now() });
      if (packed === null) continue;
      const folder = festivalFolder(this.paths, discoveryKey(id));
      const file = path.join(folder, packed.fileName);
      if (onStick.some((bundle) => bundle.file.name === packed.fileName)) continue;
      await writeBundleFile(file, packed.bytes);
      entry.out += packed.changeCount;
      entry.filesWritten += 1;
      const label = path.relative(this.paths.mount, file);
      const bundle = readBundle(packed.bytes, { festivalIdFor: () => id }, { byteLength: packed.bytes.length });
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
      for (const sealed of await this.carried.sealedBundles(key)) {
        if (present.has(sealed.name)) continue;
        try {
          await fs.access(path.join(folder, sealed.name));
          continue;
        } catch {
          // not on the stick: copy it
        }
        await writeBundleFile(path.join(folder, sealed.name), await readBundleFile(sealed.file));
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
      const packed = packFestival({ festivalId: id, doc, carrier, createdAt: this.now() });
      if (packed === null) continue;
      const folder = festivalFolder(this.paths, discoveryKey(id));
      await writeBundleFile(path.join(folder, packed.fileName), packed.bytes);
      for (const bundle of bundles) {
        if (bundle.file.name !== packed.fileName) await fs.rm(bundle.file.file, { force: true });
      }
      const entry = this.summary(discoveryKey(id), id);
      entry.compacted = true;
      const label = path.join(path.relative(this.paths.mount, folder), packed.fileName);
      const bundle = readBundle(packed.bytes, { festivalIdFor: () => id }, { byteLength: packed.bytes.length });
      this.stickBundles.set(id, [{ label, bytes: packed.bytes, bundle, file: { label, file: path.join(folder, packed.fileName), name: packed.fileName, folder } }]);
    }
  }

  async leaveVisitRecord(): Promise<string> {
    const festivals = [];
    for (const [key, entry] of [...this.summaries].sort(([left], [right]) => left.localeCompare(right))) {
      const id = entry.festival;
      const doc = id === null ? undefined : this.docs.get(id);
      const cached = id === null ? undefined : this.cachedHeads.get(id);
      if (id !== null && doc !== undefined) festivals.push({ festivalId: id, visibility: festivalVisibility(doc), heads: A.getHeads(doc) });
      else if (id !== null && cached !== undefined) {
        festivals.push({ festivalId: id, visibility: this.known.entries.get(id)?.visibility ?? "private", heads: cached });
      } else festivals.push({ discoveryKey: key });
    }
    const record = signVisitRecord({ visitor: this.identity, visitedAt: this.now(), festivals });
    const file = path.join(this.paths.visits, visitRecordFileName(record, toHex(randomBytes(4))));
    await writeFileAtomically(file, encodeVisitRecord(record));
    return file;
  }

  async leaveReadme(): Promise<void> {
    let current: string | undefined;
    try {
      current = await fs.readFile(this.paths.readme, "utf8");
    } catch {
      current = undefined;
    }
    if (current !== STICK_README) await writeFileAtomically(this.paths.readme, STICK_README);
  }

  /** Records the heads of every festival loaded in this sync (after the store flushed), with the stick heads it has. */
  async rememberHeads(): Promise<void> {
    for (const [id, doc] of this.docs) {
      const seen = (this.stickBundles.get(id) ?? []).flatMap((bundle) => bundle.bundle.header.heads).filter((head) => A.hasHeads(doc, [head]));
      await this.cache.record(id, doc, seen);
    }
    await this.cache.save();
  }

  result(visitRecord: string, startedAt: number): StickSyncSummary {
    const festivals = [...this.summaries.values()].sort(
      (left, right) => (left.name ?? "\uffff").localeCompare(right.name ?? "\uffff") || left.discoveryKey.localeCompare(right.discoveryKey),
    );
    for (const entry of festivals) entry.followed = entry.festival !== null && this.known.followed.has(entry.festival);
    return { stick: this.paths.mount, festivals, refused: this.refused, visitRecord, durationMs: Math.round(this.now() - startedAt) };
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
  await ensureDirectory(paths.root);
  await removeAbandonedTemporaryFiles(paths);
  const known = await knownFestivals(store, only === undefined ? [] : [...only]);
  const cache = await FestivalHeadsCache.open(store);
  const sync = new StickSync(store, paths, identity, known, only, options, cache);
  const files = await listStickBundles(paths);
  await sync.read(files);
  await sync.importReadable();
  await sync.keepSealed();
  await sync.writeWhatStickLacks();
  await sync.forwardSealed();
  await sync.compact();
  await sync.leaveReadme();
  const visitRecord = await sync.leaveVisitRecord();
  await store.flush();
  await sync.rememberHeads();
  return sync.result(visitRecord, startedAt);
}
