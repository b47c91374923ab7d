// Crash-safe file writes: temporary file in the same directory, fsync, rename over the target, fsync the directory.
// Also creates directories durably and recognises (and clears) temporary files a crash left behind.
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";

const TEMP_FILE_SUFFIX = ".tmp";

/** A temporary file name never collides with a stored key: stored names never start with ".". */
export function temporaryFileName(targetName: string): string {
  return `.${targetName}.${randomBytes(6).toString("hex")}${TEMP_FILE_SUFFIX}`;
}

export function isTemporaryFileName(name: string): boolean {
  return name.startsWith(".") && name.endsWith(TEMP_FILE_SUFFIX);
}

/**
 * Replaces `file` with `data` (a string is written as UTF-8) so that after a crash the file holds
 * either the old or the new contents, never a mix. Creates missing directories.
 */
export async function writeFileAtomically(file: string, data: Uint8Array | string): Promise<void> {
  const directory = path.dirname(file);
  await ensureDirectory(directory);
  const temporary = path.join(directory, temporaryFileName(path.basename(file)));
  try {
    const handle = await fs.open(temporary, "wx");
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(directory);
}

/** mkdir -p that also fsyncs the parent of every directory it creates, so new entries survive a crash. */
export async function ensureDirectory(directory: string): Promise<void> {
  try {
    const stats = await fs.stat(directory);
    if (stats.isDirectory()) return;
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
  }
  const parent = path.dirname(directory);
  if (parent !== directory) await ensureDirectory(parent);
  try {
    await fs.mkdir(directory);
  } catch (error) {
    if (errorCode(error) !== "EEXIST") throw error; // created concurrently
    return;
  }
  await syncDirectory(parent);
}

/** Makes renames, creations and removals inside `directory` durable. A no-op where directories cannot be opened (Windows). */
export async function syncDirectory(directory: string): Promise<void> {
  if (process.platform === "win32") return;
  const handle = await fs.open(directory, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes a temporary file last modified more than `maxAgeMs` ago (younger ones may belong to a write in progress). */
export async function removeStaleTemporaryFile(file: string, maxAgeMs: number, now = Date.now()): Promise<boolean> {
  try {
    const stats = await fs.stat(file);
    if (now - stats.mtimeMs < maxAgeMs) return false;
    await fs.rm(file, { force: true });
    return true;
  } catch {
    return false;
  }
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "string") {
    return error.code;
  }
  return undefined;
}
