// Which festivals this data directory knows, by discovery key: the ones it follows, carries, asked to join or
// holds waiting bundles for. It is how a private bundle (named only by its discovery key) is opened. Node only.
import type { FestivalEntry } from "../../engine/node/festival-index.js";
import type { FestivalStore } from "../../engine/node/store.js";
import { CarriedFestivals } from "./carried.js";
import type { FestivalIdLookup } from "../format/codec.js";
import { discoveryKey } from "../format/discovery.js";
import { PendingBundles } from "./pending.js";
import { readPendingJoins } from "../../engine/node/pending-joins.js";

export interface KnownFestivals {
  lookup: FestivalIdLookup;
  followed: Set<string>;
  carried: Set<string>;
  /** festivals with bundles waiting in DATA/pending/ */
  pending: Set<string>;
  /** festivals this data directory asked to join (joins.json): read when their bundles open, then followed */
  joins: Set<string>;
  /** every known festival id */
  ids: Set<string>;
  /** name and visibility as last recorded in the festival lists (followed first) */
  entries: Map<string, Pick<FestivalEntry, "name" | "visibility">>;
}

/** `joining`: ids of festivals a person names explicitly (a private festival's id is what lets one read it). */
export async function knownFestivals(store: FestivalStore, joining: readonly string[] = []): Promise<KnownFestivals> {
  const followedEntries = await store.index.list();
  const carriedEntries = await new CarriedFestivals(store.dataDir).index.list();
  const followed = new Set(followedEntries.map((entry) => entry.id));
  const carried = new Set(carriedEntries.map((entry) => entry.id));
  const pending = new Set(await new PendingBundles(store.dataDir).festivalIds());
  const joins = new Set((await readPendingJoins(store.dataDir)).map((join) => join.festivalId));
  const ids = new Set([...followed, ...carried, ...pending, ...joins, ...joining]);
  const entries = new Map([...carriedEntries, ...followedEntries].map((entry) => [entry.id, { name: entry.name, visibility: entry.visibility }]));
  const byKey = new Map([...ids].map((id) => [discoveryKey(id), id]));
  return { lookup: (key) => byKey.get(key), followed, carried, pending, joins, ids, entries };
}
