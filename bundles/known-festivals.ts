// Which festivals this data directory knows, by discovery key: the ones it follows, carries or holds
// waiting bundles for. It is how a private bundle (named only by its discovery key) is opened. Node only.
import type { FestivalStore } from "../engine/store.js";
import { CarriedFestivals } from "./carried.js";
import type { FestivalIdLookup } from "./codec.js";
import { discoveryKey } from "./discovery.js";
import { PendingBundles } from "./pending.js";

export interface KnownFestivals {
  lookup: FestivalIdLookup;
  followed: Set<string>;
  carried: Set<string>;
  /** every known festival id */
  ids: Set<string>;
}

/** `joining`: ids of festivals a person names explicitly (a private festival's id is what lets one read it). */
export async function knownFestivals(store: FestivalStore, joining: readonly string[] = []): Promise<KnownFestivals> {
  const followed = new Set((await store.index.list()).map((entry) => entry.id));
  const carried = new Set((await new CarriedFestivals(store.dataDir).index.list()).map((entry) => entry.id));
  const pending = await new PendingBundles(store.dataDir).festivalIds();
  const ids = new Set([...followed, ...carried, ...pending, ...joining]);
  const byKey = new Map([...ids].map((id) => [discoveryKey(id), id]));
  return { lookup: (key) => byKey.get(key), followed, carried, ids };
}
