// Crash-safe file writes: temporary file in the same directory, fsync, rename over the target, fsync the directory.
// Also creates directories durably, private (0700/0600) unless shared, and recognises temporary files a crash left behind.
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { PandafestError } from "../../core/errors.js";

const TEMP_FILE_SUFFIX = ".tmp";

/** Who may read what is written: only this user (the data directory), or anyone the umask allows (a stick, an export). */
export type FileSharing = "private" | "shared";

export interface WriteOptions {
  /** default "private": files 0600, new directories 0700, whatever the umask */
  sharing?: FileSharing;
}

export const FILE_MODE: Record<FileSharing, number> = { private: 0o600, shared: 0o666 };
const DIRECTORY_MODE: Record<FileSharing, number> = { private: 0o700, shared: 0o777 };

/** A temporary file name never collides with a stored key: stored names never start with ".". */
export function temporaryFileName(targetName: string): string {
  return `.${targetName}.${randomBytes(6).toString("hex")}${TEMP_FILE_SUFFIX}`;
}

export function isTemporaryFileName(name: string): boolean {
  return name.startsWith(".") && name.endsWith(TEMP_FILE_SUFFIX);
}

/**
 * Replaces `file` with `data` (a string is written as UTF-8) so that after a crash the file holds
 * either the old or the new contents, never a mix. Creates missing directories. Private by default: the
 * file is 0600 (a umask can only narrow these modes) and new directories 0700.
 */
export async function writeFileAtomically(file: string, data: Uint8Array | string, options: WriteOptions = {}): Promise<void> {
  try {
    await replaceFile(file, data, options.sharing ?? "private");
  } catch (error) {
    if (isDiskFull(error)) throw diskFullError(`could not write ${path.basename(file)}`, path.dirname(file), error);
    throw error;
  }
}

async function replaceFile(file: string, data: Uint8Array | string, sharing: FileSharing): Promise<void> {
  const directory = path.dirname(file);
  await ensureDirectory(directory, { sharing });
  const temporary = path.join(directory, temporaryFileName(path.basename(file)));
  try {
    const handle = await fs.open(temporary, "wx", FILE_MODE[sharing]);
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

/**
 * mkdir -p that also fsyncs the parent of every directory it creates, so new entries survive a crash.
 * Directories it creates are 0700 unless shared (then as the umask allows); existing ones are left as they are.
 */
export async function ensureDirectory(directory: string, options: WriteOptions = {}): Promise<void> {
  try {
    const stats = await fs.stat(directory);
    if (stats.isDirectory()) return;
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
  }
  const parent = path.dirname(directory);
  if (parent !== directory) await ensureDirectory(parent, options);
  try {
    await fs.mkdir(directory, DIRECTORY_MODE[options.sharing ?? "private"]);
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

const DISK_FULL = "disk full:";

/** No space left on the device (ENOSPC), or the user's quota is used up (EDQUOT); also the error diskFullError makes of one. */
export function isDiskFull(error: unknown): boolean {
  if (error instanceof PandafestError) return error.message.startsWith(DISK_FULL) && isDiskFull(error.cause);
  const code = errorCode(error);
  return code === "ENOSPC" || code === "EDQUOT";
}

/** The one message for a full disk: what could not be written, where, and what to do. No stack trace. */
export function diskFullError(what: string, directory: string, cause?: unknown): PandafestError {
  return new PandafestError(`${DISK_FULL} ${what} in ${directory}; free some space and try again`, { code: "data", cause });
}
