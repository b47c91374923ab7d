// Reading bundle files from disk with a size bound (never more than the format allows), and writing them
// atomically; on a stick without following links, and copying sealed ones by streaming. Node only.
import { constants } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { PandafestError } from "../../engine/core/errors.js";
import { ensureDirectory, errorCode, FILE_MODE, syncDirectory, temporaryFileName, writeFileAtomically, type FileSharing } from "../../engine/node/storage/atomic-file.js";
import { MAX_FRONT_LENGTH, MAX_HEADER_LENGTH, MAX_PAYLOAD_SECTION_LENGTH } from "../format/layout.js";

/** The largest file the format allows: fixed fields, biggest header, biggest payload, sealed signature. */
export const MAX_BUNDLE_FILE_BYTES = 26 + MAX_HEADER_LENGTH + MAX_PAYLOAD_SECTION_LENGTH + 104;

export interface ReadOptions {
  /** refuse the file when it is a symbolic link (files on a stick) */
  noFollow?: boolean;
}

/** An open bundle file: a plain file no larger than any bundle can be. The caller closes it. */
export interface OpenBundleFile {
  handle: fs.FileHandle;
  size: number;
}

function cannotRead(file: string, error: unknown): PandafestError {
  const code = errorCode(error);
  const why =
    code === "ENOENT"
      ? "no such file"
      : code === "EACCES"
        ? "permission denied"
        : code === "ELOOP"
          ? "it is a symbolic link, which pandafest does not follow here"
          : String(error);
  return new PandafestError(`${file}: cannot read it (${why})`, { code: "input", cause: error });
}

/** Opens a bundle file for reading; refuses what is not a regular file or is larger than any bundle can be. */
export async function openBundleFile(file: string, options: ReadOptions = {}): Promise<OpenBundleFile> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | (options.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0));
  } catch (error) {
    throw cannotRead(file, error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new PandafestError(`${file}: not a file`, { code: "input" });
    if (stats.size > MAX_BUNDLE_FILE_BYTES) {
      throw new PandafestError(`${file}: ${stats.size} bytes, larger than any bundle can be (${MAX_BUNDLE_FILE_BYTES})`, { code: "input" });
    }
    return { handle, size: stats.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Reads `length` bytes from `position`, or fewer when the file ends sooner. */
async function readRange(opened: OpenBundleFile, position: number, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(Math.max(0, Math.min(length, opened.size - position)));
  let filled = 0;
  while (filled < bytes.length) {
    const { bytesRead } = await opened.handle.read(bytes, filled, bytes.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === bytes.length ? bytes : bytes.subarray(0, filled);
}

/** The front of an open bundle file: enough for prelude, header and payload length (see layout.ts). */
export function readBundleFront(opened: OpenBundleFile): Promise<Uint8Array> {
  return readRange(opened, 0, MAX_FRONT_LENGTH);
}

/** All bytes of an open bundle file. */
export function readWholeBundle(opened: OpenBundleFile): Promise<Uint8Array> {
  return readRange(opened, 0, opened.size);
}

/** The bytes of a bundle file; refuses what is not a regular file or is larger than any bundle can be. */
export async function readBundleFile(file: string, options: ReadOptions = {}): Promise<Uint8Array> {
  const opened = await openBundleFile(file, options);
  try {
    return await readWholeBundle(opened);
  } finally {
    await opened.handle.close();
  }
}

/**
 * Writes a bundle so that a crash leaves either no file or the whole file under its name. Shared (as the umask
 * allows), not private: bundles go on sticks and to other people, whose machines read them as other users.
 */
export async function writeBundleFile(file: string, bytes: Uint8Array): Promise<void> {
  await writeFileAtomically(file, bytes, { sharing: "shared" });
}

/** Copies go through a buffer of this size: memory stays the same whatever the file's size. */
const COPY_CHUNK_BYTES = 1024 * 1024;

/**
 * Copies an open bundle file to `target` by streaming (never whole in memory), atomically: a temporary
 * file, fsync, rename. Copies exactly the size the file had when opened; refuses when it shrank since.
 */
export async function copyBundleFile(source: OpenBundleFile, target: string, sharing: FileSharing): Promise<void> {
  const directory = path.dirname(target);
  await ensureDirectory(directory, { sharing });
  const temporary = path.join(directory, temporaryFileName(path.basename(target)));
  try {
    const output = await fs.open(temporary, "wx", FILE_MODE[sharing]);
    try {
      const buffer = new Uint8Array(Math.min(COPY_CHUNK_BYTES, Math.max(1, source.size)));
      for (let position = 0; position < source.size; ) {
        const { bytesRead } = await source.handle.read(buffer, 0, Math.min(buffer.length, source.size - position), position);
        if (bytesRead === 0) {
          throw new PandafestError(`${target}: the source shrank while it was copied (${position} bytes, expected ${source.size})`, { code: "input" });
        }
        await output.write(buffer, 0, bytesRead);
        position += bytesRead;
      }
      await output.sync();
    } finally {
      await output.close();
    }
    await fs.rename(temporary, target);
  } catch (error) {
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(directory);
}
