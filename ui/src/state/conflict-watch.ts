// The festival's concurrent values kept current as changes arrive: found once (when the page has time, a slice at a
// time), then only the fields each change touched are checked again, so the navigation count and markers cost nothing per edit.
import type { Patch } from "@automerge/automerge/slim";
import { attachAuthors, authorsOfActors, itemsWithConflicts, type AuthoredConflict } from "../../../engine/core/conflict-notices.js";
import { conflictFieldOf, conflictsAtFields, searchConflicts, type FieldConflict } from "../../../engine/core/conflicts.js";
import type { ChangeAuthor } from "../../../engine/core/provenance.js";
import type { Festival } from "../../../engine/core/schema.js";
import { pageIdle, runInSlices, SLICE_MS } from "./slices.js";

export interface ConflictState {
  conflicts: AuthoredConflict[];
  /** ids of the events holding at least one */
  events: ReadonlySet<string>;
}

const NONE: ConflictState = { conflicts: [], events: new Set() };

/** The fields changes touched, by path (joined); null when a change cannot be followed field by field. */
type TouchedFields = Map<string, string[]> | null;

const joined = (path: readonly string[]) => path.join("\u0000");

/** The fields `patches` touched (see TouchedFields). */
function touchedFields(patches: readonly Patch[] | null): TouchedFields {
  if (patches === null) return null;
  const fields = new Map<string, string[]>();
  for (const patch of patches) {
    const field = conflictFieldOf(patch.path);
    // an event or person deleted or restored hides or shows the conflicts of all its fields: find them again
    if (field && (field[0] === "events" || field[0] === "people") && field[2] === "removed") return null;
    if (field) fields.set(joined(field), field);
  }
  return fields;
}

export class ConflictWatch {
  /** by path (joined), or undefined until found (and again after a change that could not be followed) */
  #byPath: Map<string, FieldConflict> | undefined;
  /** while a search runs: the fields changes touched meanwhile (checked again once it ends), or null to search anew */
  #touchedDuringSearch: TouchedFields | undefined;
  #authors = new Map<string, ChangeAuthor>();
  /** actors whose author was looked up (found or not): history is read again only for a new one */
  #lookedUp = new Set<string>();
  #state: ConflictState | undefined;

  constructor(
    private readonly visible: () => Festival,
    private readonly history: () => Festival,
    private readonly festivalId: string,
  ) {}

  /** Whether the conflicts are known now (else `findInSlices` must run first). */
  get known(): boolean {
    return this.#byPath !== undefined;
  }

  /**
   * Finds every concurrent value (the costly step), a slice at a time, then their authors in a task of their own.
   * Gives up when `stillWanted` says no, or when a change it cannot follow arrives meanwhile (the next call searches anew).
   * `sliceMs`: how long a slice runs before the page gets its turn.
   */
  async findInSlices(stillWanted: () => boolean, sliceMs = SLICE_MS): Promise<void> {
    if (this.#byPath !== undefined || this.#touchedDuringSearch !== undefined) return;
    const touched: Map<string, string[]> = new Map();
    this.#touchedDuringSearch = touched;
    let found: FieldConflict[] | undefined;
    try {
      found = await runInSlices(searchConflicts(this.visible()), stillWanted, sliceMs);
    } finally {
      const meanwhile = this.#touchedDuringSearch;
      this.#touchedDuringSearch = undefined;
      if (found !== undefined && meanwhile !== null) {
        this.#byPath = new Map(found.map((conflict) => [joined(conflict.path), conflict]));
        this.#recheck(meanwhile);
        this.#state = undefined;
      }
    }
    if (this.#byPath === undefined) return;
    await pageIdle();
    if (stillWanted()) this.state();
  }

  /** After a change: re-checks the fields its patches touched, or (patches null: not followable) forgets all. */
  changed(patches: readonly Patch[] | null): void {
    this.#state = undefined;
    const fields = touchedFields(patches);
    const searching = this.#touchedDuringSearch;
    if (searching !== undefined) {
      if (searching !== null && fields !== null) for (const [key, field] of fields) searching.set(key, field);
      else this.#touchedDuringSearch = null;
      return;
    }
    if (this.#byPath === undefined) return;
    if (fields === null) {
      this.#byPath = undefined;
      return;
    }
    this.#recheck(fields);
  }

  /** Checks `fields` again on the festival as it is now. */
  #recheck(fields: Map<string, string[]>): void {
    const byPath = this.#byPath;
    if (byPath === undefined || fields.size === 0) return;
    for (const key of fields.keys()) byPath.delete(key);
    for (const conflict of conflictsAtFields(this.visible(), fields.values())) byPath.set(joined(conflict.path), conflict);
  }

  /** The conflicts with their authors (empty while not found yet). */
  state(): ConflictState {
    if (this.#byPath === undefined) return NONE;
    if (this.#state) return this.#state;
    const conflicts = [...this.#byPath.values()].sort((a, b) => (joined(a.path) < joined(b.path) ? -1 : 1));
    const actors = conflicts.flatMap((conflict) => conflict.values.map((value) => value.actor));
    if (actors.some((actor) => !this.#lookedUp.has(actor))) {
      this.#authors = authorsOfActors(this.history(), this.festivalId);
      for (const actor of actors) this.#lookedUp.add(actor);
    }
    const authored = attachAuthors(conflicts, this.#authors);
    this.#state = { conflicts: authored, events: itemsWithConflicts(authored, "events") };
    return this.#state;
  }
}
