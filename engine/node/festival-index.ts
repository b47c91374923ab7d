// The festivals this data directory follows: one small JSON file per festival under festivals/.
// One file each (not one shared list) so the CLI and a running server never overwrite each other's entries.
import fs from "node:fs/promises";
import path from "node:path";
import { isValidDocumentId } from "@automerge/automerge-repo";
import { errorCode, writeFileAtomically } from "./storage/atomic-file.js";
import { listDirectory } from "./storage/list-directory.js";

export interface FestivalEntry {
  id: string;
  /** the name when last seen here; the document is the truth */
  name: string;
  visibility: "public" | "private";
  addedAt: string;
}

/** What a festival's stored document says, for rebuilding its entry; undefined when the festival is not stored. */
export type DescribeStoredFestival = (id: string) => Promise<Pick<FestivalEntry, "name" | "visibility"> | undefined>;

export interface FestivalIndexOptions {
  /** Rebuilds damaged entries from the documents; without it a damaged entry is only reported. */
  describeStored?: DescribeStoredFestival;
}

/** An entry file that could not be read as written, and whether it was rebuilt from the festival's document. */
export interface DamagedEntry {
  id: string;
  file: string;
  reason: string;
  rebuilt: boolean;
}

/** Every entry, and the damaged entry files found on the way (rebuilt ones are among the entries too). */
export interface IndexScan {
  entries: FestivalEntry[];
  damaged: DamagedEntry[];
}

const ENTRY_SUFFIX = ".json";
/** An entry is a few hundred bytes; anything much larger is not one (and is not read into memory). */
const MAX_ENTRY_BYTES = 64 * 1024;

type EntryRead = { entry: FestivalEntry } | { damage: string } | { absent: true };

export class FestivalIndex {
  constructor(
    readonly directory: string,
    private readonly options: FestivalIndexOptions = {},
  ) {}

  private fileFor(id: string): string {
    if (!isValidDocumentId(id)) throw new Error(`not a festival id: ${id}`);
    return path.join(this.directory, `${id}${ENTRY_SUFFIX}`);
  }

  async list(): Promise<FestivalEntry[]> {
    return (await this.scan()).entries;
  }

  /**
   * Every entry file, checked. A damaged one (empty, truncated, not JSON, the wrong id, a missing or wrong field)
   * is rebuilt from the festival's document when it is stored here, and rewritten; either way it is reported.
   * One damaged file never hides another festival.
   */
  async scan(): Promise<IndexScan> {
    const entries: FestivalEntry[] = [];
    const damaged: DamagedEntry[] = [];
    for (const name of await listDirectory(this.directory)) {
      if (!name.endsWith(ENTRY_SUFFIX) || name.startsWith(".")) continue;
      const id = name.slice(0, -ENTRY_SUFFIX.length);
      if (!isValidDocumentId(id)) continue; // not an entry: entries are named after festival ids
      const found = await this.readChecked(id);
      if ("entry" in found) entries.push(found.entry);
      else if ("damage" in found) {
        const rebuilt = await this.rebuild(id);
        damaged.push({ id, file: this.fileFor(id), reason: found.damage, rebuilt: rebuilt !== undefined });
        if (rebuilt) entries.push(rebuilt);
      }
    }
    return { entries, damaged };
  }

  /** The entry for `id`; a damaged one is rebuilt from the festival's document when it is stored here. */
  async read(id: string): Promise<FestivalEntry | undefined> {
    if (!isValidDocumentId(id)) return undefined;
    const found = await this.readChecked(id);
    if ("entry" in found) return found.entry;
    if ("damage" in found) return this.rebuild(id);
    return undefined;
  }

  async has(id: string): Promise<boolean> {
    return (await this.read(id)) !== undefined;
  }

  /** Adds or refreshes an entry; writes only when something changed. */
  async put(entry: Omit<FestivalEntry, "addedAt"> & { addedAt?: string }): Promise<void> {
    const found = await this.readChecked(entry.id);
    const existing = "entry" in found ? found.entry : undefined;
    if (existing && existing.name === entry.name && existing.visibility === entry.visibility) return;
    const record: FestivalEntry = {
      id: entry.id,
      name: entry.name,
      visibility: entry.visibility,
      addedAt: existing?.addedAt ?? entry.addedAt ?? new Date().toISOString(),
    };
    await writeFileAtomically(this.fileFor(entry.id), new TextEncoder().encode(JSON.stringify(record, null, 2) + "\n"));
  }

  /** Removes an entry file, if any. */
  async remove(id: string): Promise<void> {
    await fs.rm(this.fileFor(id), { force: true });
  }

  /** Rebuilds a damaged entry from the document and rewrites it (a failed rewrite is tried again next time). */
  private async rebuild(id: string): Promise<FestivalEntry | undefined> {
    const described = await this.options.describeStored?.(id).catch(() => undefined);
    if (described === undefined) return undefined;
    const entry: FestivalEntry = { id, name: described.name, visibility: described.visibility, addedAt: new Date().toISOString() };
    await writeFileAtomically(this.fileFor(id), new TextEncoder().encode(JSON.stringify(entry, null, 2) + "\n")).catch(() => undefined);
    return entry;
  }

  private async readChecked(id: string): Promise<EntryRead> {
    const file = this.fileFor(id);
    let text: string;
    try {
      const stats = await fs.lstat(file);
      if (!stats.isFile()) return { damage: "not a regular file" };
      if (stats.size > MAX_ENTRY_BYTES) return { damage: `${stats.size} bytes, far larger than an entry` };
      text = await fs.readFile(file, "utf8");
    } catch (error) {
      if (errorCode(error) === "ENOENT") return { absent: true };
      return { damage: `cannot be read (${errorCode(error) ?? String(error)})` };
    }
    return checkEntry(id, text);
  }
}

/** The entry a file's text holds, or what is wrong with it. */
function checkEntry(id: string, text: string): EntryRead {
  if (text.trim().length === 0) return { damage: "empty" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { damage: "not JSON (truncated or overwritten)" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { damage: "not a JSON object" };
  const record = parsed as Record<string, unknown>;
  if (record.id !== id) return { damage: `names another festival (${JSON.stringify(record.id)})` };
  if (typeof record.name !== "string") return { damage: "has no name" };
  if (record.visibility !== "public" && record.visibility !== "private") return { damage: "has no valid visibility" };
  if (typeof record.addedAt !== "string") return { damage: "has no date it was added" };
  return { entry: { id, name: record.name, visibility: record.visibility, addedAt: record.addedAt } };
}
