// Compressed copies of the web app's static files: Accept-Encoding negotiation (br, gzip, identity) and an
// in-memory, byte-bounded LRU cache that compresses each file version once, off the event loop.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import zlib from "node:zlib";

export type ContentCoding = "br" | "gzip";

/** Files smaller than this are sent as they are: compression would save next to nothing. */
export const MIN_COMPRESSIBLE_BYTES = 1024;
export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;
/** Moderate settings: a Raspberry Pi compresses the 3.6 MB Automerge wasm well under a second. */
export const BROTLI_QUALITY = 5;
export const GZIP_LEVEL = 6;

const COMPRESSIBLE_EXTENSIONS = new Set([".html", ".js", ".mjs", ".css", ".json", ".wasm", ".svg", ".map", ".webmanifest", ".txt"]);

/** Whether a file's type is worth compressing (text and wasm; not images or fonts, which are already compressed). */
export function isCompressibleType(file: string): boolean {
  return COMPRESSIBLE_EXTENSIONS.has(path.extname(file).toLowerCase());
}

/**
 * The coding to answer with for an Accept-Encoding header: the acceptable one (q > 0) with the highest q,
 * brotli on a tie, then gzip; undefined means identity. `*` stands for codings the header does not name.
 */
export function negotiateContentCoding(acceptEncoding: string | string[] | undefined): ContentCoding | undefined {
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(",") : acceptEncoding;
  if (!header) return undefined;
  const weights = new Map<string, number>();
  for (const item of header.split(",")) {
    const [rawName, ...parameters] = item.split(";");
    const name = rawName.trim().toLowerCase();
    if (name === "") continue;
    let weight = 1;
    for (const parameter of parameters) {
      const [key, value] = parameter.split("=").map((part) => part.trim());
      if (key.toLowerCase() !== "q") continue;
      const parsed = Number(value);
      weight = value !== undefined && value !== "" && Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
    }
    const canonical = name === "x-gzip" ? "gzip" : name;
    weights.set(canonical, Math.max(weights.get(canonical) ?? 0, weight));
  }
  const weightOf = (coding: ContentCoding) => weights.get(coding) ?? weights.get("*") ?? 0;
  const brotli = weightOf("br");
  const gzip = weightOf("gzip");
  if (brotli > 0 && brotli >= gzip) return "br";
  if (gzip > 0) return "gzip";
  return undefined;
}

const brotliCompress = promisify(zlib.brotliCompress);
const gzipCompress = promisify(zlib.gzip);

/** Compresses bytes with the given coding on the libuv thread pool. */
export function compressBytes(bytes: Uint8Array, coding: ContentCoding): Promise<Buffer> {
  if (coding === "br") {
    return brotliCompress(bytes, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
      },
    });
  }
  return gzipCompress(bytes, { level: GZIP_LEVEL });
}

/** The version of a file as stat reports it; a rebuilt file has a new size or mtime and is compressed anew. */
export interface FileVersion {
  size: number;
  mtimeMs: number;
}

export interface CompressedFileStats {
  /** answered from a finished or in-flight compression */
  hits: number;
  /** compressions started */
  compressions: number;
  /** reads or compressions that failed (the caller then sends the file uncompressed) */
  failures: number;
  /** entries dropped to stay within maxBytes */
  evictions: number;
  /** compressed bytes held */
  bytes: number;
  entries: number;
}

interface CacheEntry {
  version: FileVersion;
  result: Promise<Buffer | undefined>;
  /** 0 until the compression finished */
  bytes: number;
}

export interface CompressedFileCacheOptions {
  /** upper bound of the compressed bytes held; least recently used entries go first */
  maxBytes?: number;
  /** replaces compressBytes (tests use it to make compression fail) */
  compress?: (bytes: Uint8Array, coding: ContentCoding) => Promise<Buffer>;
}

/**
 * Compressed file contents by absolute path, coding and version (size + mtimeMs). Concurrent requests for
 * the same version share one compression; a failed one resolves to undefined and is not remembered.
 */
export class CompressedFileCache {
  readonly maxBytes: number;
  private readonly compress: (bytes: Uint8Array, coding: ContentCoding) => Promise<Buffer>;
  /** insertion order is recency order: a hit moves its entry to the end */
  private readonly entries = new Map<string, CacheEntry>();
  private heldBytes = 0;
  private readonly counters = { hits: 0, compressions: 0, failures: 0, evictions: 0 };

  constructor(options: CompressedFileCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_CACHE_BYTES;
    this.compress = options.compress ?? compressBytes;
  }

  get stats(): CompressedFileStats {
    return { ...this.counters, bytes: this.heldBytes, entries: this.entries.size };
  }

  /**
   * The file's bytes compressed with `coding`, for the version `version` describes (from a stat of `file`
   * just before); undefined when reading or compressing failed.
   */
  compressed(file: string, version: FileVersion, coding: ContentCoding): Promise<Buffer | undefined> {
    const key = `${coding}:${path.resolve(file)}`;
    const existing = this.entries.get(key);
    if (existing && existing.version.size === version.size && existing.version.mtimeMs === version.mtimeMs) {
      this.counters.hits++;
      this.entries.delete(key);
      this.entries.set(key, existing);
      return existing.result;
    }
    if (existing) this.remove(key, existing); // an older version of the file
    this.counters.compressions++;
    const entry: CacheEntry = { version: { size: version.size, mtimeMs: version.mtimeMs }, result: Promise.resolve(undefined), bytes: 0 };
    entry.result = this.produce(file, coding).then(
      (compressed) => {
        if (this.entries.get(key) === entry) {
          entry.bytes = compressed.byteLength;
          this.heldBytes += entry.bytes;
          if (entry.bytes > this.maxBytes) this.remove(key, entry);
          else this.evictBeyondLimit();
        }
        return compressed;
      },
      () => {
        this.counters.failures++;
        if (this.entries.get(key) === entry) this.remove(key, entry);
        return undefined;
      },
    );
    this.entries.set(key, entry);
    return entry.result;
  }

  /** Drops everything (compressions in flight still answer their callers). */
  clear(): void {
    this.entries.clear();
    this.heldBytes = 0;
  }

  private async produce(file: string, coding: ContentCoding): Promise<Buffer> {
    return this.compress(await readFile(file), coding);
  }

  private remove(key: string, entry: CacheEntry): void {
    this.entries.delete(key);
    this.heldBytes -= entry.bytes;
  }

  private evictBeyondLimit(): void {
    for (const [key, entry] of this.entries) {
      if (this.heldBytes <= this.maxBytes) return;
      if (entry.bytes === 0) continue; // still compressing
      this.remove(key, entry);
      this.counters.evictions++;
    }
  }
}

/** The cache `pandafest serve` uses for its web app unless given another one. */
export const sharedCompressedFiles = new CompressedFileCache();
