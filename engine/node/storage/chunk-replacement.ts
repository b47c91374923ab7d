// Replacing every stored chunk of a document by one new snapshot, crash-safe: a journal names the new snapshot and
// the old keys, the snapshot is written, the old keys removed, the journal dropped; an interrupted one is finished at open.
import fs from "node:fs/promises";
import path from "node:path";
import type { StorageKey } from "@automerge/automerge-repo";
import { crashPoint } from "../fault-injection.js";
import { writeFileAtomically } from "./atomic-file.js";
import { listDirectory } from "./list-directory.js";
import type { SafeFileStorageAdapter } from "./safe-file-storage.js";
import { keyStartsWith } from "./storage-keys.js";

interface Journal {
  documentId: string;
  snapshotKey: string[];
  remove: string[][];
}

/** Where replacement journals are kept: next to the storage directory (DATA/replacing/). */
export function replacementJournalDirectory(storage: SafeFileStorageAdapter): string {
  return path.join(path.dirname(storage.baseDirectory), "replacing");
}

function journalFile(storage: SafeFileStorageAdapter, documentId: string): string {
  return path.join(replacementJournalDirectory(storage), `${documentId}.json`);
}

const sameKey = (left: StorageKey, right: StorageKey) => left.length === right.length && keyStartsWith(left, right);

/**
 * Stores `snapshot` under `snapshotKey` as the document's only data, whatever was stored before. A crash at any
 * point leaves the old chunks (the journal is dropped at the next open when the snapshot is not whole) or the
 * new snapshot (the old keys are removed at the next open), never neither.
 */
export async function replaceStoredChunks(
  storage: SafeFileStorageAdapter,
  documentId: string,
  snapshotKey: string[],
  snapshot: Uint8Array,
): Promise<void> {
  const remove = (await storage.loadRange([documentId])).map((chunk) => chunk.key).filter((key) => !sameKey(key, snapshotKey));
  const journal: Journal = { documentId, snapshotKey, remove };
  const file = journalFile(storage, documentId);
  await writeFileAtomically(file, JSON.stringify(journal));
  crashPoint("replace:journal-written");
  await storage.save(snapshotKey, snapshot);
  crashPoint("replace:snapshot-written");
  await finish(storage, journal, file);
}

async function finish(storage: SafeFileStorageAdapter, journal: Journal, file: string): Promise<void> {
  for (const [index, key] of journal.remove.entries()) {
    await storage.remove(key);
    if (index === 0) crashPoint("replace:removing");
  }
  await fs.rm(file, { force: true });
}

function parseJournal(text: string): Journal | undefined {
  try {
    const value = JSON.parse(text) as Partial<Journal>;
    const keyList = (keys: unknown): keys is string[][] => Array.isArray(keys) && keys.every((key) => Array.isArray(key) && key.every((part) => typeof part === "string"));
    if (typeof value.documentId !== "string" || !keyList([value.snapshotKey]) || !keyList(value.remove)) return undefined;
    // only the document's own keys: a damaged journal can never remove another document's data
    const own = (key: string[]) => key[0] === value.documentId;
    if (!own(value.snapshotKey as string[]) || !(value.remove as string[][]).every(own)) return undefined;
    return value as Journal;
  } catch {
    return undefined;
  }
}

/**
 * Finishes replacements a crash interrupted: when the new snapshot is stored whole, the old keys are removed;
 * otherwise the old chunks were never touched and the journal is dropped. A journal that does not parse is left
 * where it is (nothing is removed on its word). Returns the documents whose replacement was finished.
 */
export async function finishInterruptedReplacements(storage: SafeFileStorageAdapter): Promise<string[]> {
  const directory = replacementJournalDirectory(storage);
  const finished: string[] = [];
  for (const name of await listDirectory(directory)) {
    if (!name.endsWith(".json")) continue;
    const file = path.join(directory, name);
    const journal = parseJournal(await fs.readFile(file, "utf8").catch(() => ""));
    if (journal === undefined) continue;
    if ((await storage.load(journal.snapshotKey)) === undefined) {
      await fs.rm(file, { force: true });
      continue;
    }
    await finish(storage, journal, file);
    finished.push(journal.documentId);
  }
  return finished;
}
