// The one rule for deleted events and people (their `removed` flag): which are deleted, and a view without them.
// No Automerge here, so pages that read a programme as JSON (the attendee view) share the rule (views.ts re-exports it).
import type { FestivalView } from "./schema.js";

/** A stored event or person that is deleted (its `removed` flag is set): kept, restorable, and shown nowhere but among the deleted. */
export function isDeleted(entry: { removed?: unknown } | undefined): boolean {
  return entry !== undefined && entry.removed === true;
}

/** The festival view without its deleted events and people (what the programme, exports and forks are made from). */
export function withoutDeleted(view: FestivalView): FestivalView {
  const live = <T extends { removed?: true }>(items: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.entries(items).filter(([, item]) => item.removed !== true));
  return { ...view, events: live(view.events), people: live(view.people) };
}
