// Each stored festival's heads, kept in DATA/stick-heads.json with the names of its storage chunks (hashes of their
// contents): while those are unchanged the heads are too, so a stick sync that finds nothing new loads nothing. Node only.
import fs from "node:fs/promises";
import path from "node:path";
import * as A from "@automerge/automerge";
import type { DocumentId } from "@automerge/automerge-repo";
import * as v from "valibot";
import type { FestivalStore } from "../../engine/node/store.js";
import { writeFileAtomically } from "../../engine/node/storage/atomic-file.js";

const CACHE_FILE = "stick-heads.json";
const MAX_CACHE_BYTES = 16 * 1024 * 1024;
/** Heads seen on sticks and known to be here, kept per festival (the newest ones). */
const MAX_SEEN = 256;
const HASH = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));

const EntrySchema = v.object({
  chunks: v.array(v.string()),
  heads: v.array(HASH),
  seen: v.array(HASH),
});
const CacheSchema = v.object({ version: v.literal(1), festivals: v.record(v.string(), EntrySchema) });

type Entry = v.InferOutput<typeof EntrySchema>;

export interface CachedHeads {
  heads: string[];
  /** every hash known to be applied here: the heads and the stick heads seen with them */
  known: Set<string>;
}

export class FestivalHeadsCache {
  private readonly entries = new Map<string, Entry>();
  private changed = false;

  private constructor(
    private readonly store: FestivalStore,
    private readonly file: string,
  ) {}

  /** Reads the cache; a missing, damaged or foreign file counts as empty (it is only a shortcut). */
  static async open(store: FestivalStore): Promise<FestivalHeadsCache> {
    const cache = new FestivalHeadsCache(store, path.join(store.dataDir, CACHE_FILE));
    try {
      const stats = await fs.stat(cache.file);
      if (stats.size > MAX_CACHE_BYTES) return cache;
      const parsed = v.safeParse(CacheSchema, JSON.parse(await fs.readFile(cache.file, "utf8")));
      if (parsed.success) for (const [id, entry] of Object.entries(parsed.output.festivals)) cache.entries.set(id, entry);
    } catch {
      // no cache yet, or unreadable: every festival is loaded once and the cache written anew
    }
    return cache;
  }

  /** The names of the festival's stored chunks (snapshots and incrementals), sorted: a directory listing, no chunk is read. */
  private async chunkNames(id: string): Promise<string[]> {
    return this.store.storedChunkKeys(id as DocumentId);
  }

  /** The festival's heads when the cache still describes what is stored, else undefined. */
  async valid(id: string): Promise<CachedHeads | undefined> {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    const chunks = await this.chunkNames(id);
    if (chunks.length === 0 || chunks.length !== entry.chunks.length || chunks.some((name, index) => name !== entry.chunks[index])) return undefined;
    return { heads: entry.heads, known: new Set([...entry.heads, ...entry.seen]) };
  }

  /** Remembers the festival as stored now (call after the store has flushed); `seen` are hashes known to be in `doc`. */
  async record(id: string, doc: A.Doc<unknown>, seen: Iterable<string>): Promise<void> {
    const heads = [...A.getHeads(doc)].sort();
    const headSet = new Set(heads);
    const chunks = await this.chunkNames(id);
    const kept = [...new Set(seen)].filter((hash) => !headSet.has(hash)).slice(-MAX_SEEN).sort();
    const old = this.entries.get(id);
    const same = old !== undefined && JSON.stringify(old) === JSON.stringify({ chunks, heads, seen: kept });
    if (same) return;
    this.entries.set(id, { chunks, heads, seen: kept });
    this.changed = true;
  }

  /** Writes the cache when it changed. */
  async save(): Promise<void> {
    if (!this.changed) return;
    const festivals = Object.fromEntries([...this.entries].sort(([left], [right]) => left.localeCompare(right)));
    await writeFileAtomically(this.file, `${JSON.stringify({ version: 1, festivals })}\n`);
    this.changed = false;
  }
}
