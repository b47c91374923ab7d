// Compaction while stored changes wait for missing history: the chunks that may hold them stay, and each
// compaction replaces the older snapshot instead of adding one more, so storage does not grow per save.
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import * as A from "@automerge/automerge";
import { Repo, type DocumentId } from "@automerge/automerge-repo";
import { describe, expect, it } from "vitest";
import { RepoDocumentStorage } from "../../engine/internals/repo-document-storage.js";
import { SafeFileStorageAdapter } from "../../engine/node/storage/safe-file-storage.js";
import { keyToPathParts } from "../../engine/node/storage/storage-keys.js";
import { tempDir } from "../helpers/cli.js";

interface Notes {
  base: string;
  notes: Record<string, string>;
}

function openRepo(dataDir: string): Repo {
  const adapter = new SafeFileStorageAdapter(path.join(dataDir, "documents"));
  const repo = new Repo({ storage: adapter, network: [], sharePolicy: async () => false });
  RepoDocumentStorage.install(repo, adapter);
  return repo;
}

/** Varied text that does not compress away, so sizes decide compaction as intended. */
function text(length: number, seed: number): string {
  return Array.from({ length: Math.ceil(length / 8) }, (_, i) => ((i * 2654435761 + seed * 97) >>> 0).toString(36)).join(" ");
}

async function chunkNames(dataDir: string, id: DocumentId, kind: "snapshot" | "incremental"): Promise<string[]> {
  const directory = path.join(dataDir, "documents", ...keyToPathParts([id, kind]));
  return (await readdir(directory).catch(() => [] as string[])).filter((name) => !name.startsWith(".")).sort();
}

describe("compaction while changes wait for missing history", () => {
  it("keeps the waiting changes and one snapshot, however often it compacts", async () => {
    const dataDir = await tempDir("pandafest-waiting-compaction-");
    const first = openRepo(dataDir);
    const handle = first.create<Notes>({ base: text(8000, 1), notes: {} });
    const id = handle.documentId;
    await first.flush([id]);
    const incrementals: string[] = [];
    for (const note of ["n1", "n2", "n3"]) {
      const before = new Set(await chunkNames(dataDir, id, "incremental"));
      handle.change((doc) => {
        doc.notes[note] = note;
      });
      await first.flush([id]);
      incrementals.push(...(await chunkNames(dataDir, id, "incremental")).filter((name) => !before.has(name)));
    }
    await first.shutdown();
    expect(incrementals).toHaveLength(3);
    expect(await chunkNames(dataDir, id, "snapshot")).toHaveLength(1);
    const damaged = path.join(dataDir, "documents", ...keyToPathParts([id, "incremental", incrementals[0]]));
    const intactChunk = new Uint8Array(await readFile(damaged));
    await writeFile(damaged, intactChunk.subarray(0, intactChunk.length - 1));

    const second = openRepo(dataDir);
    const reopened = await second.find<Notes>(id);
    expect(A.getMissingDeps(reopened.doc(), [])).toHaveLength(1); // n2 and n3 wait for n1
    for (let round = 0; round < 4; round++) {
      // each change outweighs the snapshot, so every save compacts
      reopened.change((doc) => {
        doc.base = text(20_000 * (round + 1), round + 2);
      });
      await second.flush([id]);
    }
    await second.shutdown();
    expect(await chunkNames(dataDir, id, "snapshot")).toHaveLength(1);
    expect(await chunkNames(dataDir, id, "incremental")).toEqual(expect.arrayContaining(incrementals.slice(1)));

    const third = openRepo(dataDir);
    const again = await third.find<Notes>(id);
    expect(Object.keys(again.doc().notes)).toEqual([]);
    again.update((doc) => A.loadIncremental(doc, intactChunk));
    expect(Object.keys(again.doc().notes).sort()).toEqual(["n1", "n2", "n3"]);
    await third.shutdown();
  });
});
