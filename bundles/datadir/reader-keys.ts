// The member keys this data directory's identity reads bundles with: for each festival stored here that a
// member-keys bundle names, the keys it holds there, and the keys it opens from envelopes sealed to it. Node only.
import { PandafestError } from "../../engine/core/errors.js";
import type { FestivalStore } from "../../engine/node/store.js";
import type { DecodeOptions, FestivalIdLookup } from "../format/codec.js";
import { BundleKeys, memberKeysFront } from "../format/member-keys.js";
import { findLocalFestival } from "./local-festivals.js";

/**
 * How this data directory reads `sources`: the lookup, and the member keys its identity holds for the festivals
 * their member-keys bundles name (an envelope sealed to it, else the festival stored here, loaded only then).
 */
export class ReaderKeys {
  readonly keys: BundleKeys;
  private readonly loaded = new Set<string>();

  private constructor(
    private readonly store: FestivalStore,
    readonly lookup: FestivalIdLookup,
    identity: { publicKey: string; secretKey: Uint8Array } | null,
  ) {
    this.keys = new BundleKeys(identity ?? undefined);
  }

  static async open(store: FestivalStore, lookup: FestivalIdLookup): Promise<ReaderKeys> {
    return new ReaderKeys(store, lookup, await store.identity());
  }

  get options(): DecodeOptions {
    return { festivalIdFor: this.lookup, keys: this.keys };
  }

  /** Makes sure the key of each member-keys bundle among `fronts` is held when this identity can hold it. */
  async prepare(fronts: Iterable<Uint8Array>): Promise<void> {
    for (const front of fronts) {
      const clear = memberKeysFront(front);
      if (clear === undefined) continue;
      const festivalId = this.lookup(clear.discoveryKey);
      if (festivalId === undefined || this.keys.has(festivalId, clear.keyId)) continue;
      try {
        if (this.keys.keyFor(festivalId, clear.keyId, clear.envelopes) !== undefined) continue;
      } catch (error) {
        if (!(error instanceof PandafestError)) throw error;
        continue; // decoding it reports the forged envelope
      }
      await this.addStored(festivalId);
    }
  }

  /** Adds the keys this identity holds in the festival stored here (once per festival). */
  async addStored(festivalId: string): Promise<void> {
    if (this.loaded.has(festivalId)) return;
    this.loaded.add(festivalId);
    const local = await findLocalFestival(this.store, festivalId);
    if (local !== undefined) this.keys.addFromFestival(local.doc, festivalId);
  }
}
