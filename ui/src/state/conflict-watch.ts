// The festival's concurrent values kept current as changes arrive: found once (when the page has time), then only the
// fields each change touched are checked again, so the navigation count and markers cost nothing per edit.
import type { Patch } from "@automerge/automerge/slim";
import { attachAuthors, authorsOfActors, itemsWithConflicts, type AuthoredConflict } from "../../../engine/core/conflict-notices.js";
import { conflictFieldOf, conflictsAtFields, findConflicts, type FieldConflict } from "../../../engine/core/conflicts.js";
import type { ChangeAuthor } from "../../../engine/core/provenance.js";
import type { Festival } from "../../../engine/core/schema.js";

export interface ConflictState {
  conflicts: AuthoredConflict[];
  /** ids of the events holding at least one */
  events: ReadonlySet<string>;
}

const NONE: ConflictState = { conflicts: [], events: new Set() };

export class ConflictWatch {
  /** by path (joined), or undefined until found (and again after a change that could not be followed) */
  #byPath: Map<string, FieldConflict> | undefined;
  #authors = new Map<string, ChangeAuthor>();
  /** actors whose author was looked up (found or not): history is read again only for a new one */
  #lookedUp = new Set<string>();
  #state: ConflictState | undefined;

  constructor(
    private readonly visible: () => Festival,
    private readonly history: () => Festival,
    private readonly festivalId: string,
  ) {}

  /** Whether the conflicts are known now (else `find` must run first). */
  get known(): boolean {
    return this.#byPath !== undefined;
  }

  /** Finds every concurrent value (the costly step; run it when the page is idle). */
  find(): void {
    if (this.#byPath !== undefined) return;
    this.#byPath = new Map(findConflicts(this.visible()).map((conflict) => [conflict.path.join("\u0000"), conflict]));
    this.#state = undefined;
  }

  /** After a change: re-checks the fields its patches touched, or (patches null: not followable) forgets all. */
  changed(patches: readonly Patch[] | null): void {
    this.#state = undefined;
    if (this.#byPath === undefined) return;
    if (patches === null) {
      this.#byPath = undefined;
      return;
    }
    const fields = new Map<string, string[]>();
    for (const patch of patches) {
      const field = conflictFieldOf(patch.path);
      // an event or person deleted or restored hides or shows the conflicts of all its fields: find them again
      if (field && (field[0] === "events" || field[0] === "people") && field[2] === "removed") {
        this.#byPath = undefined;
        return;
      }
      if (field) fields.set(field.join("\u0000"), field);
    }
    if (fields.size === 0) return;
    for (const key of fields.keys()) this.#byPath.delete(key);
    for (const conflict of conflictsAtFields(this.visible(), fields.values())) this.#byPath.set(conflict.path.join("\u0000"), conflict);
  }

  /** The conflicts with their authors (empty while not found yet). */
  state(): ConflictState {
    if (this.#byPath === undefined) return NONE;
    if (this.#state) return this.#state;
    const conflicts = [...this.#byPath.values()].sort((a, b) => (a.path.join("\u0000") < b.path.join("\u0000") ? -1 : 1));
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
