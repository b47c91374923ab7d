// How many times each event was edited, read from the festival's history: the iCalendar SEQUENCE, so calendar
// apps replace an event they hold when it changes or is cancelled. Browser-safe; derived, never stored.
import * as A from "@automerge/automerge";
import type { Festival } from "./schema.js";

/** The message every event edit (editEvent, cancelEvent) writes: "edit event ID: fields". */
const EDIT_MESSAGE = /^edit event (\S+): /;

/**
 * Edits per event id, counted from the change messages in the festival's history. The same history gives the same
 * counts on every peer; an edit only ever adds a change, so an event's count never goes down. Events never edited
 * are absent (SEQUENCE 0). Messages are written by peers: a wrong one can only raise a SEQUENCE, never hide an edit
 * made through pandafest.
 */
export function eventRevisions(doc: Festival): Map<string, number> {
  const counts = new Map<string, number>();
  for (const meta of A.getChangesMetaSince(doc, [])) {
    const match = typeof meta.message === "string" ? EDIT_MESSAGE.exec(meta.message) : null;
    if (match !== null) counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
  }
  return counts;
}
