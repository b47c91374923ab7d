// Shows a big festival day's event cards a chunk at a time, those nearest the viewer first, so opening a day of
// hundreds of events never blocks the page for one long task. Small days, and every change once a day is whole, show at once.

/** A day with more cards than this shows them this many at a time, one chunk a frame. */
export const CARDS_AT_ONCE = 120;

export class ProgressiveCards {
  /** the day (and layout) being shown */
  #key: string | undefined;
  /** the day's event ids in the order they show, read once when the day opens */
  #order: readonly string[] = [];
  /** ids of the cards shown so far; null: the whole day */
  #shown: Set<string> | null = null;

  /**
   * The ids of the cards to show of the day `key` holding `count` events (null: all of them). A new key starts anew with
   * the first chunk of `nearestFirst()` (the day's event ids, those the viewer sees first leading).
   */
  shown(key: string, count: number, nearestFirst: () => readonly string[]): ReadonlySet<string> | null {
    if (key !== this.#key) {
      this.#key = key;
      this.#order = count > CARDS_AT_ONCE ? nearestFirst() : [];
      this.#shown = count > CARDS_AT_ONCE ? new Set(this.#order.slice(0, CARDS_AT_ONCE)) : null;
    }
    return this.#shown;
  }

  /** Whether cards of the day wait to be shown. */
  get pending(): boolean {
    return this.#shown !== null;
  }

  /** Adds the next chunk; once none is left the whole day shows, events added since included. */
  advance(): void {
    const shown = this.#shown;
    if (shown === null) return;
    let added = 0;
    for (const id of this.#order) {
      if (shown.has(id)) continue;
      if (added === CARDS_AT_ONCE) return;
      shown.add(id);
      added += 1;
    }
    this.#shown = null;
    this.#order = [];
  }
}
