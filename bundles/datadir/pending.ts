// Bundles whose changes wait for history not here yet, kept under DATA/pending/<festival id>/ so that no
// change is lost across restarts; they are applied again on every later import of that festival. Node only.
import fs from "node:fs/promises";
import path from "node:path";
import { isValidDocumentId } from "@automerge/automerge-repo";
import { isTemporaryFileName, syncDirectory, writeFileAtomically } from "../../engine/node/storage/atomic-file.js";
import { listDirectory } from "../../engine/node/storage/list-directory.js";
import { parseBundleFileName } from "../format/naming.js";

export interface PendingBundle {
  festivalId: string;
  /** the bundle's file name (bundleFileName of its range) */
  name: string;
  bytes: Uint8Array;
}

export class PendingBundles {
  readonly directory: string;

  constructor(dataDir: string) {
    this.directory = path.join(dataDir, "pending");
  }

  /** Festivals with bundles waiting here. */
  async festivalIds(): Promise<string[]> {
    return (await listDirectory(this.directory)).filter((name) => isValidDocumentId(name));
  }

  async list(festivalId: string): Promise<PendingBundle[]> {
    if (!isValidDocumentId(festivalId)) return [];
    const directory = path.join(this.directory, festivalId);
    const bundles: PendingBundle[] = [];
    for (const name of await listDirectory(directory)) {
      if (isTemporaryFileName(name) || parseBundleFileName(name) === undefined) continue;
      const buffer = await fs.readFile(path.join(directory, name));
      bundles.push({ festivalId, name, bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) });
    }
    return bundles;
  }

  /** Keeps a bundle (once: the same name always holds the same range). Returns whether it was written. */
  async keep(festivalId: string, name: string, bytes: Uint8Array): Promise<boolean> {
    const file = path.join(this.directory, festivalId, name);
    try {
      await fs.access(file);
      return false;
    } catch {
      await writeFileAtomically(file, bytes);
      return true;
    }
  }

  /** Moves a kept bundle to `directory` (never deleted), with a .reason.txt beside it. Returns its new path. */
  async setAside(festivalId: string, name: string, directory: string, reason: string): Promise<string> {
    const target = path.join(directory, festivalId, name);
    await writeFileAtomically(target, await fs.readFile(path.join(this.directory, festivalId, name)));
    await writeFileAtomically(`${target}.reason.txt`, `${reason}\n`);
    await this.remove(festivalId, name);
    return target;
  }

  async remove(festivalId: string, name: string): Promise<void> {
    const directory = path.join(this.directory, festivalId);
    await fs.rm(path.join(directory, name), { force: true });
    if ((await listDirectory(directory)).length === 0) await fs.rm(directory, { recursive: true, force: true });
    await syncDirectory(this.directory).catch(() => undefined);
  }
}
