// The automerge-repo storage adapter pandafest uses on disk: atomic writes, per-chunk checks on load, no cache.
// A damaged snapshot/incremental chunk is moved to a quarantine directory and reported; every other chunk still loads.
import type { Chunk, StorageAdapterInterface, StorageKey } from "@automerge/automerge-repo";
import { promises as fs } from "node:fs";
import path from "node:path";
import { PandafestError } from "../../core/errors.js";
import { errorCode, isTemporaryFileName, removeStaleTemporaryFile, syncDirectory, writeFileAtomically } from "./atomic-file.js";
import { decodeChunkFile, encodeChunkFile } from "./chunk-file.js";
import { moveToQuarantine } from "./quarantine.js";
import {
  compareKeys,
  contentHashNamedByKey,
  describeKey,
  isDocumentChunkKey,
  keyStartsWith,
  keyToPathParts,
  pathPartsToKey,
} from "./storage-keys.js";

export interface BadChunkReport {
  key: StorageKey;
  /** Where the chunk was stored. */
  file: string;
  /** Where it is now: inside the quarantine directory, or `file` itself when it could not be moved (see reason). */
  movedTo: string;
  reason: string;
}

export interface SafeFileStorageOptions {
  /** Where damaged chunks go; default: `quarantine/` next to the base directory. Must lie outside it. */
  quarantineDirectory?: string;
  /** Called once per damaged chunk found; errors it throws are ignored so loading goes on. */
  onBadChunk?: (report: BadChunkReport) => void;
}

/** Temporary files younger than this may belong to a write in progress (another process) and are left alone. */
export const STALE_TEMPORARY_FILE_AGE_MS = 10 * 60 * 1000;

export class SafeFileStorageAdapter implements StorageAdapterInterface {
  readonly baseDirectory: string;
  readonly quarantineDirectory: string;
  readonly #onBadChunk: ((report: BadChunkReport) => void) | undefined;
  readonly #badChunks: BadChunkReport[] = [];

  constructor(baseDirectory: string, options: SafeFileStorageOptions = {}) {
    this.baseDirectory = path.resolve(baseDirectory);
    this.quarantineDirectory = path.resolve(options.quarantineDirectory ?? path.join(this.baseDirectory, "..", "quarantine"));
    const fromBase = path.relative(this.baseDirectory, this.quarantineDirectory);
    if (fromBase === "" || (!fromBase.startsWith("..") && !path.isAbsolute(fromBase))) {
      throw new PandafestError(
        `The quarantine directory ${this.quarantineDirectory} lies inside the storage directory ${this.baseDirectory}; ` +
          `choose a directory outside it.`,
        { code: "usage" },
      );
    }
    this.#onBadChunk = options.onBadChunk;
  }

  /** Damaged chunks found (and moved aside) since this adapter was created. */
  badChunks(): BadChunkReport[] {
    return this.#badChunks.map((report) => ({ ...report, key: [...report.key] }));
  }

  async load(key: StorageKey): Promise<Uint8Array | undefined> {
    const parts = keyToPathParts(key);
    return this.#readChecked(key, parts);
  }

  async save(key: StorageKey, data: Uint8Array): Promise<void> {
    const parts = keyToPathParts(key);
    const file = isDocumentChunkKey(key) ? await encodeChunkFile(data) : data;
    await writeFileAtomically(path.join(this.baseDirectory, ...parts), file);
  }

  async remove(key: StorageKey): Promise<void> {
    const parts = keyToPathParts(key);
    try {
      await fs.unlink(path.join(this.baseDirectory, ...parts));
    } catch (error) {
      const code = errorCode(error);
      if (code !== "ENOENT" && code !== "EISDIR" && code !== "EPERM") throw error;
    }
  }

  async loadRange(keyPrefix: StorageKey): Promise<Chunk[]> {
    const prefixParts = keyToPathParts(keyPrefix, true);
    const files = await this.#storedFilesUnder(prefixParts);
    const chunks: Chunk[] = [];
    for (const relativeParts of files) {
      const key = pathPartsToKey(relativeParts);
      if (key === undefined || !keyStartsWith(key, keyPrefix)) continue;
      const data = await this.#readChecked(key, relativeParts);
      if (data !== undefined) chunks.push({ key, data });
    }
    return chunks.sort((a, b) => compareKeys(a.key, b.key));
  }

  async removeRange(keyPrefix: StorageKey): Promise<void> {
    const prefixParts = keyToPathParts(keyPrefix, true);
    if (prefixParts.length === 0) {
      const entries = await readDirectory(this.baseDirectory);
      for (const entry of entries) {
        if (entry.name.startsWith(".")) continue;
        await fs.rm(path.join(this.baseDirectory, entry.name), { recursive: true, force: true });
      }
      return;
    }
    const target = path.join(this.baseDirectory, ...prefixParts);
    // nothing there (the repo removes every id it gives up on, most never stored): no removal, no directory fsync
    if (!(await pathExists(target))) return;
    await fs.rm(target, { recursive: true, force: true });
    await syncDirectory(path.dirname(target)).catch(() => undefined);
  }

  /** Reads one stored value; document chunks are checked and, when damaged, quarantined instead of returned. */
  async #readChecked(key: StorageKey, relativeParts: string[]): Promise<Uint8Array | undefined> {
    const file = path.join(this.baseDirectory, ...relativeParts);
    let data: Uint8Array;
    try {
      data = new Uint8Array(await fs.readFile(file));
    } catch (error) {
      const code = errorCode(error);
      if (code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR") return undefined;
      throw error;
    }
    if (!isDocumentChunkKey(key)) return data;
    const decoded = await decodeChunkFile(data, contentHashNamedByKey(key));
    if (decoded.ok) return decoded.data;
    const reason = `${decoded.reason} (file size ${data.length} bytes)`;
    try {
      const movedTo = await moveToQuarantine({
        file,
        relativeParts,
        quarantineDirectory: this.quarantineDirectory,
        description: `automerge-repo storage key ${describeKey(key)}`,
        reason,
      });
      if (movedTo !== undefined) this.#report({ key, file, movedTo, reason });
    } catch (error) {
      // Still left out of the result (so never compacted away), checked again on the next load.
      const why = error instanceof Error ? error.message : String(error);
      this.#report({ key, file, movedTo: file, reason: `${reason}; left in place, moving it to quarantine failed: ${why}` });
    }
    return undefined;
  }

  #report(report: BadChunkReport): void {
    this.#badChunks.push(report);
    try {
      this.#onBadChunk?.({ ...report, key: [...report.key] });
    } catch {
      // A failing listener must not stop the other chunks from loading; the report stays in badChunks().
    }
  }

  /**
   * Relative path components of every stored file at or below the prefix. Skips names starting with
   * "." (temporary files, clearing stale ones on the way) and symbolic links.
   */
  async #storedFilesUnder(prefixParts: string[]): Promise<string[][]> {
    const start = path.join(this.baseDirectory, ...prefixParts);
    let stats;
    try {
      stats = await fs.lstat(start);
    } catch (error) {
      const code = errorCode(error);
      if (code === "ENOENT" || code === "ENOTDIR") return [];
      throw error;
    }
    if (stats.isFile()) return [prefixParts];
    if (!stats.isDirectory()) return [];
    const found: string[][] = [];
    await this.#walk(start, prefixParts, found);
    return found;
  }

  async #walk(directory: string, relativeParts: string[], found: string[][]): Promise<void> {
    const entries = await readDirectory(directory);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const entryPath = path.join(directory, entry.name);
      if (entry.name.startsWith(".")) {
        if (entry.isFile() && isTemporaryFileName(entry.name)) {
          await removeStaleTemporaryFile(entryPath, STALE_TEMPORARY_FILE_AGE_MS);
        }
        continue;
      }
      if (entry.isDirectory()) await this.#walk(entryPath, [...relativeParts, entry.name], found);
      else if (entry.isFile()) found.push([...relativeParts, entry.name]);
    }
  }
}

async function readDirectory(directory: string) {
  try {
    return await fs.readdir(directory, { withFileTypes: true });
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw error;
  }
}

async function pathExists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return false;
    throw error;
  }
}
