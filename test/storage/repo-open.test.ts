// Opening a stored festival through the repo (resolve): the same document as A.load, a ready handle that diffs and
// saves as usual, and a first save after opening that writes one small incremental chunk, never the whole festival.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import * as A from "@automerge/automerge";
import { Repo, type DocumentId } from "@automerge/automerge-repo";
import { describe, expect, it } from "vitest";
import { createIdentity } from "../../engine/node/identity.js";
import { addEvent, addVenue, editEvent } from "../../engine/core/operations.js";
import { RepoDocumentStorage } from "../../engine/internals/repo-document-storage.js";
import { SafeFileStorageAdapter } from "../../engine/node/storage/safe-file-storage.js";
import { keyToPathParts } from "../../engine/node/storage/storage-keys.js";
import { FestivalStore } from "../../engine/node/store.js";
import { festivalView } from "../../engine/core/views.js";
import { tempDir } from "../helpers/cli.js";

const EVENTS = 80;

/** A data directory holding one festival with a venue and EVENTS events, stored by one session of the store. */
async function storedFestival(): Promise<{ dataDir: string; id: DocumentId; eventIds: string[] }> {
  const dataDir = await tempDir("pandafest-repo-open-");
  await createIdentity(dataDir, "Ada");
  const store = await FestivalStore.open(dataDir);
  try {
    const { id, handle } = await store.create({ name: "Open Air", timeZone: "Europe/Berlin", startDate: "2027-07-01", endDate: "2027-07-03" });
    const editor = store.editor(handle, await store.requireIdentity());
    const venueId = addVenue(editor, { name: "Meadow" });
    const eventIds: string[] = [];
    for (let index = 0; index < EVENTS; index++) {
      eventIds.push(
        addEvent(editor, {
          title: `Talk ${index}`,
          description: `A talk about topic number ${index}, with enough words to make the document a realistic size.`,
          venueId,
          start: `2027-07-0${1 + (index % 3)}T${String(10 + (index % 10)).padStart(2, "0")}:00:00+02:00`,
          end: `2027-07-0${1 + (index % 3)}T${String(10 + (index % 10)).padStart(2, "0")}:45:00+02:00`,
        }),
      );
    }
    await store.commit();
    return { dataDir, id: id as DocumentId, eventIds };
  } finally {
    await store.close();
  }
}

/** Every stored chunk of the festival with its size in bytes, by "kind/name". */
async function chunkFiles(store: FestivalStore, id: DocumentId): Promise<Map<string, number>> {
  const files = new Map<string, number>();
  for (const key of await store.storedChunkKeys(id)) {
    const [kind, name] = key.split("/");
    const file = path.join(store.storage.baseDirectory, ...keyToPathParts([id, kind, name]));
    files.set(key, (await fs.stat(file)).size);
  }
  return files;
}

async function storedBytes(store: FestivalStore, id: DocumentId): Promise<Uint8Array> {
  const chunks = [...(await store.storage.loadRange([id, "snapshot"])), ...(await store.storage.loadRange([id, "incremental"]))];
  return new Uint8Array(Buffer.concat(chunks.map((chunk) => chunk.data ?? new Uint8Array())));
}

describe("opening a stored festival through the repo", () => {
  it("opens the same document A.load gives, as a handle that diffs and reports changes as usual", async () => {
    const { dataDir, id, eventIds } = await storedFestival();
    const store = await FestivalStore.open(dataDir);
    try {
      const expected = A.load(await storedBytes(store, id));
      const [handle, again] = await Promise.all([store.resolve(id), store.resolve(id)]);
      expect(again).toBe(handle);
      expect(handle.isReady()).toBe(true);
      expect(A.getHeads(handle.doc())).toEqual(A.getHeads(expected));
      expect(festivalView(handle.doc())).toEqual(festivalView(expected as never));
      expect(Object.keys(festivalView(handle.doc()).events).sort()).toEqual([...eventIds].sort());

      // once the handle has the document, a diff from nothing is computed in full again
      await new Promise((resolve) => setImmediate(resolve));
      const fromNothing = A.diff(handle.doc(), [], A.getHeads(handle.doc()));
      expect(fromNothing.length).toBeGreaterThan(EVENTS);

      const seen: number[] = [];
      handle.on("change", ({ patches }) => seen.push(patches.length));
      const { editor } = await store.editorFor(id);
      editEvent(editor, eventIds[0], { title: "Keynote" });
      await store.commit(); // the edit reaches the handle when the command commits, then its attestation
      expect(seen.length).toBe(2);
      expect(seen[0]).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  it("writes only one small incremental chunk for the first edit after opening", async () => {
    const { dataDir, id, eventIds } = await storedFestival();
    const before = await (async () => {
      const store = await FestivalStore.open(dataDir);
      try {
        return await chunkFiles(store, id);
      } finally {
        await store.close();
      }
    })();
    expect([...before.keys()].filter((key) => key.startsWith("snapshot/"))).toHaveLength(1);
    const storedSize = [...before.values()].reduce((total, size) => total + size, 0);
    expect(storedSize).toBeGreaterThan(4_000);

    const store = await FestivalStore.open(dataDir);
    try {
      const { editor } = await store.editorFor(id);
      editEvent(editor, eventIds[7], { title: "Moved to the big tent" });
      await store.commit();
      const after = await chunkFiles(store, id);
      for (const [key, size] of before) expect(after.get(key)).toBe(size); // nothing rewritten or removed
      const added = [...after.keys()].filter((key) => !before.has(key));
      expect(added).toHaveLength(1);
      expect(added[0]).toMatch(/^incremental\/[0-9a-f]{64}$/);
      expect(after.get(added[0])).toBeLessThan(storedSize / 5);
    } finally {
      await store.close();
    }

    const reopened = await FestivalStore.open(dataDir);
    try {
      const view = festivalView((await reopened.resolve(id)).doc());
      expect(view.events[eventIds[7]].title).toBe("Moved to the big tent");
    } finally {
      await reopened.close();
    }
  });

  it("keeps a chunk whose history is missing through loads and compactions, until its history arrives", async () => {
    const directory = await tempDir("pandafest-repo-open-waiting-");
    const documents = path.join(directory, "documents");
    const open = () => {
      const adapter = new SafeFileStorageAdapter(documents, { quarantineDirectory: path.join(directory, "quarantine") });
      const repo = new Repo({ storage: adapter, network: [], saveDebounceRate: 10 });
      RepoDocumentStorage.install(repo, adapter);
      return { adapter, repo };
    };
    const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

    // a small document (its snapshot is under 1 KB, so every save compacts)
    const first = open();
    const created = first.repo.create<{ count: number; notes: string[] }>({ count: 0, notes: [] });
    const id = created.documentId;
    await first.repo.flush();
    // elsewhere, two more changes are made; only the second one's chunk arrives here, later both
    let elsewhere = A.clone(created.doc());
    elsewhere = A.change(elsewhere, (doc) => void doc.notes.push("first"));
    const afterFirst = A.getHeads(elsewhere);
    elsewhere = A.change(elsewhere, (doc) => void doc.notes.push("second"));
    const secondOnly = A.saveSince(elsewhere, afterFirst);
    const bothChanges = A.saveSince(A.clone(elsewhere), A.getHeads(created.doc()));
    await first.adapter.save([id, "incremental", sha256(secondOnly)], secondOnly);
    await first.repo.shutdown();

    const second = open();
    const handle = await second.repo.find<{ count: number; notes: string[] }>(id);
    expect(handle.doc().notes).toEqual([]); // the second change waits for the first
    handle.change((doc) => void (doc.count = 1));
    await second.repo.flush();
    expect(await second.adapter.load([id, "incremental", sha256(secondOnly)])).toEqual(secondOnly);
    await second.adapter.save([id, "incremental", sha256(bothChanges)], bothChanges);
    await second.repo.shutdown();

    const third = open();
    const merged = (await third.repo.find<{ count: number; notes: string[] }>(id)).doc();
    expect(merged.count).toBe(1);
    expect(merged.notes).toEqual(["first", "second"]);
    await third.repo.shutdown();
  });
});
