// How large one festival may grow from what others send it (LAN sync, bundles, sticks): the bytes held plus the
// bytes arriving. Browser-safe; the sync frame guard and bundle import both check through here.

/** The most bytes one festival may take (stored form plus changes since); the bench's large festival is a few MB. */
export const MAX_FESTIVAL_BYTES = 64 * 1024 * 1024;

/** Why a festival holding `heldBytes` may not take `incomingBytes` more, or undefined when it may. */
export function festivalGrowthProblem(heldBytes: number, incomingBytes: number, limit = MAX_FESTIVAL_BYTES): string | undefined {
  const total = heldBytes + incomingBytes;
  if (total <= limit) return undefined;
  return `the festival would grow to ${total} bytes (at most ${limit} are held per festival)`;
}

/** How many festivals' sizes are remembered; beyond, the oldest is forgotten and measured again when next needed. */
const REMEMBERED_FESTIVALS = 4096;
/** A festival found over its bound from the running count is measured again, at most this often. */
const REMEASURE_AFTER_MS = 60_000;

interface Tally {
  bytes: number;
  measuredAt: number;
}

/**
 * A running count of each festival's size as sync messages arrive: measured once (`measure`: the bytes it takes
 * now), then each accepted message's change bytes are added. Changes sent twice make the count drift upwards, so
 * a festival the count puts over the bound is measured again before anything is refused.
 */
export class FestivalSizeLedger {
  readonly #tallies = new Map<string, Tally>();

  constructor(
    private readonly measure: (documentId: string) => number,
    private readonly limit = MAX_FESTIVAL_BYTES,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts `incomingBytes` for the festival, or says why they are refused (and counts nothing). */
  admit(documentId: string, incomingBytes: number): string | undefined {
    if (incomingBytes === 0) return undefined;
    let tally = this.#tallies.get(documentId) ?? this.#measured(documentId);
    let problem = festivalGrowthProblem(tally.bytes, incomingBytes, this.limit);
    if (problem !== undefined && this.now() - tally.measuredAt >= REMEASURE_AFTER_MS) {
      tally = this.#measured(documentId);
      problem = festivalGrowthProblem(tally.bytes, incomingBytes, this.limit);
    }
    if (problem === undefined) tally.bytes += incomingBytes;
    this.#remember(documentId, tally);
    return problem;
  }

  #measured(documentId: string): Tally {
    return { bytes: this.measure(documentId), measuredAt: this.now() };
  }

  #remember(documentId: string, tally: Tally): void {
    this.#tallies.delete(documentId);
    this.#tallies.set(documentId, tally);
    if (this.#tallies.size > REMEMBERED_FESTIVALS) {
      const oldest = this.#tallies.keys().next().value;
      if (oldest !== undefined) this.#tallies.delete(oldest);
    }
  }
}
