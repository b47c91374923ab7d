// The view cache: a festival's plain view (as `festival show` and `programme` read it), kept next to its index entry
// with the names of the storage chunks it was computed from. Only a shortcut: anything doubtful reads as a miss.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import * as v from "valibot";
import type { Confirmation } from "../core/bookings/state.js";
import { SCHEMA_VERSION, type FestivalView } from "../core/schema.js";
import { writeFileAtomically } from "./storage/atomic-file.js";

/** Bump when the file layout or the meaning of a cached view changes: older files then read as misses. */
export const VIEW_CACHE_FORMAT = 3; // 2: views carry links, online, type, subtitle, abstract, attachments, doNotRecord, origin; 3: confirmations
export const VIEW_CACHE_SUFFIX = ".view-cache";
const VIEW_CACHE_MAGIC = "pandafest-view-cache";
/** Larger files are not read (a huge festival's view is a few tens of MB). */
const MAX_VIEW_CACHE_BYTES = 512 * 1024 * 1024;

const SHA256_HEX = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
const COUNT = v.pipe(v.number(), v.integer(), v.minValue(0));

/** The first line of a cache file; the second is the view as JSON, `viewBytes` long, hashing to `viewSha256`. */
const HeaderSchema = v.object({
  magic: v.literal(VIEW_CACHE_MAGIC),
  format: v.literal(VIEW_CACHE_FORMAT),
  schemaVersion: v.number(),
  festivalId: v.string(),
  chunkKeys: v.array(v.string()),
  heads: v.array(SHA256_HEX),
  viewBytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  viewSha256: SHA256_HEX,
  /** per event that asked for its venue or resources: accepted and live requests (engine/core/bookings) */
  confirmations: v.record(v.string(), v.object({ accepted: COUNT, requested: COUNT })),
});
type ViewCacheHeader = v.InferOutput<typeof HeaderSchema>;

/** The parts of a view that readers index into; checked so a cached view can never make them throw. */
const ViewShapeSchema = v.looseObject({
  name: v.string(),
  timeZone: v.string(),
  venues: v.record(v.string(), v.looseObject({})),
  events: v.record(v.string(), v.looseObject({})),
  people: v.record(v.string(), v.looseObject({})),
  members: v.record(v.string(), v.looseObject({})),
});

export interface CachedView {
  heads: string[];
  view: FestivalView;
  /** events' booking confirmations (bookings need the document and its signatures, so they are kept with the view) */
  confirmations: Record<string, Confirmation>;
}

/**
 * One file per festival, `<festival id>.view-cache`, in the given directory (the festival index's). `chunkKeys`
 * name what the view was computed from: the festival's stored chunks as "snapshot/<hash>" and
 * "incremental/<hash>", sorted. Chunk names are hashes of their contents (or of the heads a snapshot holds), so
 * the same list means the same document. Edits, merges, bundles and the server never read this cache.
 */
export class ViewCache {
  constructor(readonly directory: string) {}

  fileFor(festivalId: string): string {
    if (festivalId.length === 0 || festivalId.includes("/") || festivalId.includes("\\") || festivalId.startsWith(".")) {
      throw new Error(`not a festival id: ${festivalId}`);
    }
    return path.join(this.directory, `${festivalId}${VIEW_CACHE_SUFFIX}`);
  }

  /**
   * The cached view when the file is intact, was written by this format and schema for this festival, and was
   * computed from exactly `chunkKeys`; otherwise undefined (missing, unreadable, truncated, foreign, stale).
   */
  async read(festivalId: string, chunkKeys: readonly string[]): Promise<CachedView | undefined> {
    try {
      const file = this.fileFor(festivalId);
      const stats = await fs.stat(file);
      if (!stats.isFile() || stats.size > MAX_VIEW_CACHE_BYTES) return undefined;
      const bytes = await fs.readFile(file);
      const newline = bytes.indexOf(0x0a);
      if (newline < 0) return undefined;
      const parsed = v.safeParse(HeaderSchema, JSON.parse(bytes.subarray(0, newline).toString("utf8")));
      if (!parsed.success) return undefined;
      const header = parsed.output;
      if (!describesStoredFestival(header, festivalId, chunkKeys)) return undefined;
      const viewStart = newline + 1;
      const viewEnd = viewStart + header.viewBytes;
      // the view, then one closing newline: anything shorter or longer is a damaged file
      if (bytes.length !== viewEnd + 1 || bytes[viewEnd] !== 0x0a) return undefined;
      const viewBytes = bytes.subarray(viewStart, viewEnd);
      if (sha256Hex(viewBytes) !== header.viewSha256) return undefined;
      const view: unknown = JSON.parse(viewBytes.toString("utf8"));
      if (!v.is(ViewShapeSchema, view)) return undefined;
      return { heads: header.heads, view: view as unknown as FestivalView, confirmations: header.confirmations };
    } catch {
      return undefined; // a cache that cannot be read is no cache
    }
  }

  /** Stores the view computed from `chunkKeys` (atomically: a reader sees the old file or the new, never a mix). */
  async write(festivalId: string, chunkKeys: readonly string[], cached: CachedView): Promise<void> {
    const viewBytes = new TextEncoder().encode(JSON.stringify(cached.view));
    const header: ViewCacheHeader = {
      magic: VIEW_CACHE_MAGIC,
      format: VIEW_CACHE_FORMAT,
      schemaVersion: SCHEMA_VERSION,
      festivalId,
      chunkKeys: [...chunkKeys].sort(),
      heads: [...cached.heads],
      viewBytes: viewBytes.length,
      viewSha256: sha256Hex(viewBytes),
      confirmations: cached.confirmations,
    };
    const headerBytes = new TextEncoder().encode(`${JSON.stringify(header)}\n`);
    const file = new Uint8Array(headerBytes.length + viewBytes.length + 1);
    file.set(headerBytes, 0);
    file.set(viewBytes, headerBytes.length);
    file[file.length - 1] = 0x0a;
    await writeFileAtomically(this.fileFor(festivalId), file);
  }

  /** Removes a festival's cache file, if any. */
  async remove(festivalId: string): Promise<void> {
    await fs.rm(this.fileFor(festivalId), { force: true });
  }
}

function describesStoredFestival(header: ViewCacheHeader, festivalId: string, chunkKeys: readonly string[]): boolean {
  if (header.schemaVersion !== SCHEMA_VERSION || header.festivalId !== festivalId) return false;
  const sorted = [...chunkKeys].sort();
  return header.chunkKeys.length === sorted.length && header.chunkKeys.every((key, index) => key === sorted[index]);
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
