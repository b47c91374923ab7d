// The festivals this data directory follows: one small JSON file per festival under festivals/.
// One file each (not one shared list) so the CLI and a running server never overwrite each other's entries.
import fs from "node:fs/promises";
import path from "node:path";
import { isValidDocumentId } from "@automerge/automerge-repo";
import { writeFileAtomically } from "./storage/atomic-file.js";

export interface FestivalEntry {
  id: string;
  /** the name when last seen here; the document is the truth */
  name: string;
  visibility: "public" | "private";
  addedAt: string;
}

export class FestivalIndex {
  constructor(private readonly directory: string) {}

  private fileFor(id: string): string {
    if (!isValidDocumentId(id)) throw new Error(`not a festival id: ${id}`);
    return path.join(this.directory, `${id}.json`);
  }

  async list(): Promise<FestivalEntry[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const entries: FestivalEntry[] = [];
    for (const name of names.sort()) {
      if (!name.endsWith(".json")) continue;
      const entry = await this.read(name.slice(0, -".json".length));
      if (entry) entries.push(entry);
    }
    return entries;
  }

  async read(id: string): Promise<FestivalEntry | undefined> {
    if (!isValidDocumentId(id)) return undefined;
    try {
      const parsed: unknown = JSON.parse(await fs.readFile(this.fileFor(id), "utf8"));
      if (!parsed || typeof parsed !== "object") return undefined;
      const record = parsed as Record<string, unknown>;
      return {
        id,
        name: typeof record.name === "string" ? record.name : "",
        visibility: record.visibility === "public" ? "public" : "private", // the same rule as a document's (views.ts)
        addedAt: typeof record.addedAt === "string" ? record.addedAt : "",
      };
    } catch {
      return undefined;
    }
  }

  async has(id: string): Promise<boolean> {
    return (await this.read(id)) !== undefined;
  }

  /** Adds or refreshes an entry; writes only when something changed. */
  async put(entry: Omit<FestivalEntry, "addedAt"> & { addedAt?: string }): Promise<void> {
    const existing = await this.read(entry.id);
    if (existing && existing.name === entry.name && existing.visibility === entry.visibility) return;
    const record: FestivalEntry = {
      id: entry.id,
      name: entry.name,
      visibility: entry.visibility,
      addedAt: existing?.addedAt ?? entry.addedAt ?? new Date().toISOString(),
    };
    await writeFileAtomically(this.fileFor(entry.id), new TextEncoder().encode(JSON.stringify(record, null, 2) + "\n"));
  }
}
