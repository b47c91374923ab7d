// Moves a damaged stored file out of the way, never deleting it, with a note saying what it was and why.
// The quarantine mirrors the storage layout; each moved file gets a unique suffix so nothing is overwritten.
import { randomBytes } from "node:crypto";
import { constants as fsConstants, promises as fs } from "node:fs";
import path from "node:path";
import { ensureDirectory, errorCode, syncDirectory, writeFileAtomically } from "./atomic-file.js";
import { listDirectory } from "./list-directory.js";
import { CHUNK_KINDS } from "./storage-keys.js";

/** The note written next to each quarantined file, saying what it was and why it was moved. */
export const QUARANTINE_NOTE_SUFFIX = ".reason.txt";

export interface QuarantineRequest {
  /** The damaged file. */
  file: string;
  /** Its path components relative to the storage base directory; the quarantine keeps the same layout. */
  relativeParts: string[];
  quarantineDirectory: string;
  /** What the file held, for the note (e.g. the storage key). */
  description: string;
  reason: string;
}

/**
 * Moves the file into the quarantine directory and returns its new path, or undefined when the file
 * is already gone (moved by a concurrent load). Falls back to copy + fsync + unlink across file systems.
 */
export async function moveToQuarantine(request: QuarantineRequest): Promise<string | undefined> {
  const { file, relativeParts, quarantineDirectory } = request;
  const movedAt = new Date();
  const stamp = movedAt.toISOString().replace(/[:.]/g, "-");
  const leaf = relativeParts[relativeParts.length - 1] ?? path.basename(file);
  const directory = path.join(quarantineDirectory, ...relativeParts.slice(0, -1));
  const target = path.join(directory, `${leaf}.${stamp}.${randomBytes(3).toString("hex")}`);
  await ensureDirectory(directory);
  try {
    await fs.rename(file, target);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT") return undefined;
    if (code !== "EXDEV") throw error;
    await copyDurably(file, target);
    await fs.rm(file, { force: true });
  }
  await syncDirectory(directory);
  await syncDirectory(path.dirname(file)).catch(() => undefined);
  const note = [
    `This file was moved here by pandafest because it failed its integrity check.`,
    `what:      ${request.description}`,
    `from:      ${file}`,
    `reason:    ${request.reason}`,
    `moved at:  ${movedAt.toISOString()}`,
    "",
  ].join("\n");
  await writeFileAtomically(`${target}${QUARANTINE_NOTE_SUFFIX}`, new TextEncoder().encode(note));
  return target;
}

async function copyDurably(source: string, target: string): Promise<void> {
  await fs.copyFile(source, target, fsConstants.COPYFILE_EXCL);
  const handle = await fs.open(target, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The quarantined chunk files of one document (its storage path parts), oldest name first; notes left out. */
export async function quarantinedChunkFiles(quarantineDirectory: string, documentParts: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const kind of CHUNK_KINDS) {
    const directory = path.join(quarantineDirectory, ...documentParts, kind);
    for (const name of await listDirectory(directory)) {
      if (!name.endsWith(QUARANTINE_NOTE_SUFFIX) && !name.startsWith(".")) found.push(path.join(directory, name));
    }
  }
  return found;
}
