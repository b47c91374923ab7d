// Data directories for benchmarks: a fresh directory with an identity that follows a generated festival,
// stored through FestivalStore (automerge-repo on pandafest's crash-safe storage) exactly as the CLI finds it.
import type { DocumentId } from "@automerge/automerge-repo";
import { createIdentity } from "../../engine/node/identity.js";
import { FestivalStore } from "../../engine/node/store.js";
import type { GeneratedFestival } from "../fixtures/generate-festival.js";

export const BENCH_MEMBER_NAME = "Bench";

/** Fills an empty dataDir: identity, the festival's document (one snapshot chunk), its index entry. */
export async function prepareDataDirectory(dataDir: string, festival: Pick<GeneratedFestival, "festivalId" | "bytes" | "name">): Promise<void> {
  await createIdentity(dataDir, BENCH_MEMBER_NAME);
  const store = await FestivalStore.open(dataDir);
  try {
    store.repo.import(festival.bytes, { docId: festival.festivalId as DocumentId });
    await store.repo.flush();
    await store.index.put({ id: festival.festivalId, name: festival.name, visibility: "public" });
  } finally {
    await store.close();
  }
}
