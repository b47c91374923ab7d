// In-process helpers for the bundle and stick tests: data directories with an identity, festivals built
// through the engine's own store and operations, and quick reads of a festival's state.
import fs from "node:fs/promises";
import path from "node:path";
import * as A from "@automerge/automerge";
import { CarriedFestivals } from "../../bundles/datadir/carried.js";
import { decodeBundle } from "../../bundles/format/codec.js";
import { discoveryKey } from "../../bundles/format/discovery.js";
import { findLocalFestival } from "../../bundles/datadir/local-festivals.js";
import { createIdentity, type Identity } from "../../engine/node/identity.js";
import { addEvent, addVenue, editFestival } from "../../engine/core/operations.js";
import type { Festival } from "../../engine/core/schema.js";
import { FestivalStore } from "../../engine/node/store.js";
import { tempDir } from "../helpers/cli.js";

export async function dataDirWithIdentity(name: string): Promise<{ dataDir: string; identity: Identity }> {
  const dataDir = await tempDir(`pandafest-bundles-${name.toLowerCase()}-`);
  const identity = await createIdentity(dataDir, name);
  // a data directory in use: its storage has been opened once (the repo records its storage id then)
  await withStore(dataDir, async () => undefined);
  return { dataDir, identity };
}

/** Opens the store, runs `work`, and closes it (attests, flushes) even when `work` throws. */
export async function withStore<T>(dataDir: string, work: (store: FestivalStore) => Promise<T>): Promise<T> {
  const store = await FestivalStore.open(dataDir);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

export interface FestivalSpec {
  name: string;
  visibility?: "public" | "private";
  /**
   * A private festival still at key epoch 0 (its id is its key), as festivals made before member keys are: made
   * public, then set private by an edit (a private festival created now starts its own epoch at once).
   */
  epochZero?: boolean;
  venues?: string[];
  events?: { title: string; description?: string }[];
}

/** Creates a followed festival with venues and events (the events take place at the first venue). */
export async function createFestival(dataDir: string, spec: FestivalSpec): Promise<string> {
  return withStore(dataDir, async (store) => {
    const { id } = await store.create({
      name: spec.name,
      visibility: spec.epochZero ? "public" : (spec.visibility ?? "public"),
      timeZone: "Europe/Berlin",
      startDate: "2027-07-01",
      endDate: "2027-07-04",
    });
    const { editor } = await store.editorFor(id);
    if (spec.epochZero) editFestival(editor, { visibility: "private" });
    const venueIds = (spec.venues ?? ["Main Stage"]).map((name) => addVenue(editor, { name }));
    for (const [index, event] of (spec.events ?? []).entries()) {
      addEvent(editor, {
        title: event.title,
        description: event.description ?? "",
        venueId: venueIds[0],
        start: `2027-07-0${1 + (index % 3)}T20:00:00+02:00`,
        end: `2027-07-0${1 + (index % 3)}T21:00:00+02:00`,
      });
    }
    return id;
  });
}

export async function addVenues(dataDir: string, festivalId: string, names: readonly string[]): Promise<void> {
  await withStore(dataDir, async (store) => {
    const { editor } = await store.editorFor(festivalId);
    for (const name of names) addVenue(editor, { name });
  });
}

export async function setDescription(dataDir: string, festivalId: string, description: string): Promise<void> {
  await withStore(dataDir, async (store) => {
    const { editor } = await store.editorFor(festivalId);
    editFestival(editor, { description });
  });
}

/** The festival as this data directory stores it (followed or carried), or undefined. */
export async function festivalDoc(dataDir: string, festivalId: string): Promise<A.Doc<Festival> | undefined> {
  return withStore(dataDir, async (store) => (await findLocalFestival(store, festivalId))?.doc);
}

export async function headsOf(dataDir: string, festivalId: string): Promise<string[]> {
  const doc = await festivalDoc(dataDir, festivalId);
  return doc === undefined ? [] : [...A.getHeads(doc)].sort();
}

/** Every regular file under `dir`, relative, sorted. */
export async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(current: string): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) found.push(path.relative(dir, full));
    }
  }
  await walk(dir);
  return found.sort();
}

/** Decodes a bundle file knowing these festival ids (for private ones). */
export async function decodeFile(file: string, festivalIds: readonly string[]) {
  const bytes = new Uint8Array(await fs.readFile(file));
  const byKey = new Map(festivalIds.map((id) => [discoveryKey(id), id]));
  return decodeBundle(bytes, { festivalIdFor: (key) => byKey.get(key) });
}

export async function carriedSealedKeys(dataDir: string): Promise<string[]> {
  return new CarriedFestivals(dataDir).sealedDiscoveryKeys();
}
