// Set-up for fork and schedule CLI tests: real data directories built in-process through the store and
// the engine's operations (faster than one CLI process per edit), then read back the same way.
import * as A from "@automerge/automerge";
import type { FestivalEditor } from "../../engine/core/editor.js";
import { createIdentity } from "../../engine/node/identity.js";
import type { FestivalView } from "../../engine/core/schema.js";
import { FestivalStore } from "../../engine/node/store.js";
import type { FestivalInput } from "../../engine/core/validate.js";
import { festivalView } from "../../engine/core/views.js";
import { tempDir } from "../helpers/cli.js";

/** A fresh data directory with an identity named `name`. */
export async function dataDirWithIdentity(name = "Ada"): Promise<string> {
  const dataDir = await tempDir("pandafest-fork-");
  await createIdentity(dataDir, name);
  return dataDir;
}

/** Opens the store on dataDir, runs fn, and always closes (attests and flushes) the store. */
export async function withStore<T>(dataDir: string, fn: (store: FestivalStore) => Promise<T>): Promise<T> {
  const store = await FestivalStore.open(dataDir);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Creates a festival and fills it through `build` (engine operations on an editor); returns its id. */
export async function createFestival(
  dataDir: string,
  input: FestivalInput,
  build: (editor: FestivalEditor) => void = () => undefined,
): Promise<string> {
  return withStore(dataDir, async (store) => {
    const { id, handle } = await store.create(input);
    build(store.editor(handle, await store.requireIdentity()));
    return id;
  });
}

/** Edits a stored festival through the engine's operations. */
export async function editFestival(dataDir: string, reference: string, edit: (editor: FestivalEditor) => void): Promise<void> {
  await withStore(dataDir, async (store) => {
    const { editor } = await store.editorFor(reference);
    edit(editor);
  });
}

export interface StoredFestival {
  id: string;
  url: string;
  heads: string[];
  view: FestivalView;
}

/** A stored festival as plain JSON, with its heads. */
export async function readFestival(dataDir: string, reference: string): Promise<StoredFestival> {
  return withStore(dataDir, async (store) => {
    const handle = await store.resolve(reference);
    const doc = handle.doc();
    return { id: handle.documentId, url: handle.url, heads: A.getHeads(doc).sort(), view: festivalView(doc) };
  });
}
