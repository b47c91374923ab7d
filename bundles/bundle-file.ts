// Reading bundle files from disk with a size bound (never more than the format allows), and writing them
// atomically. Node only.
import fs from "node:fs/promises";
import { PandafestError } from "../engine/errors.js";
import { errorCode, writeFileAtomically } from "../engine/storage/atomic-file.js";
import { MAX_HEADER_LENGTH, MAX_PAYLOAD_SECTION_LENGTH } from "./layout.js";

/** The largest file the format allows: fixed fields, biggest header, biggest payload, sealed signature. */
export const MAX_BUNDLE_FILE_BYTES = 26 + MAX_HEADER_LENGTH + MAX_PAYLOAD_SECTION_LENGTH + 104;

/** The bytes of a bundle file; refuses what is not a regular file or is larger than any bundle can be. */
export async function readBundleFile(file: string): Promise<Uint8Array> {
  let stats;
  try {
    stats = await fs.stat(file);
  } catch (error) {
    const code = errorCode(error);
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String(error);
    throw new PandafestError(`${file}: cannot read it (${why})`, { code: "input", cause: error });
  }
  if (!stats.isFile()) throw new PandafestError(`${file}: not a file`, { code: "input" });
  if (stats.size > MAX_BUNDLE_FILE_BYTES) {
    throw new PandafestError(`${file}: ${stats.size} bytes, larger than any bundle can be (${MAX_BUNDLE_FILE_BYTES})`, { code: "input" });
  }
  const buffer = await fs.readFile(file);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * Writes a bundle so that a crash leaves either no file or the whole file under its name. Shared (as the umask
 * allows), not private: bundles go on sticks and to other people, whose machines read them as other users.
 */
export async function writeBundleFile(file: string, bytes: Uint8Array): Promise<void> {
  await writeFileAtomically(file, bytes, { sharing: "shared" });
}
