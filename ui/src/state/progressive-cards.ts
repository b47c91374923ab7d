// Shows a big festival day's event cards a chunk at a time, those nearest the viewer first, so opening a day of
// hundreds of events never blocks the page for one long task. Small days, and every change once a day is whole, show at once.

/** A day with more cards than this shows them this many at a time, one chunk a frame. */
export const CARDS_AT_ONCE = 120;

export class ProgressiveCards {
  /** the day (and layout) being shown */
  #key: string | undefined;
  /** ids of the cards shown so far; null: the whole day */
  #shown: Set<string> | null = null;

  /**
   * The ids of the cards to show of the day `key` holding `count` events (null: all of them). A new key starts anew with
   * the first chunk of `nearestFirst` (the day's event ids, those the viewer sees first leading).
   */
  shown(key: string, count: number, nearestFirst: () => readonly string[]): ReadonlySet<string> | null {
    if (key !== this.#key) {
      this.#key = key;
      this.#shown = count > CARDS_AT_ONCE ? new Set(nearestFirst().slice(0, CARDS_AT_ONCE)) : null;
    }
    return this.#shown;
  }

  /** Whether cards of the day wait to be shown. */
  get pending(): boolean {
    return this.#shown !== null;
  }

  /** Adds the next chunk of `nearestFirst` not shown yet; once none is left the whole day shows, changes included. */
  advance(nearestFirst: readonly string[]): void {
    const shown = this.#shown;
    if (shown === null) return;
    let added = 0;
    let left = false;
    for (const id of nearestFirst) {
      if (shown.has(id)) continue;
      if (added === CARDS_AT_ONCE) {
        left = true;
        break;
      }
      shown.add(id);
      added += 1;
    }
    if (!left) this.#shown = null;
  }
}
