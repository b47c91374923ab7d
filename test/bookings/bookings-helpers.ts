// Editors for booking tests: a person's replica of a governed festival, edited through the engine's operations
// (each change recorded and attested as the store makes it), and the bookings every replica reads.
import * as A from "@automerge/automerge";
import { authorshipOf, bookingsOf, findBookingClashes, visibleFestival, type Festival, type FestivalEditor } from "../../engine/core/index.js";
import { edit, type Person } from "../governance/governance-helpers.js";

/** Runs `operation` through an editor over `who`'s replica (a fresh actor); returns the new replica and the operation's result. */
export function as<T>(doc: A.Doc<Festival>, id: string, who: Person, operation: (editor: FestivalEditor) => T): { doc: A.Doc<Festival>; result: T } {
  let current = A.clone(doc); // an actor of its own, as each process of the person gets
  const editor: FestivalEditor = {
    read: () => visibleFestival(current, id),
    change: (fn, message) => {
      current = edit(current, id, who, message, fn);
    },
  };
  const result = operation(editor);
  return { doc: current, result };
}

/** What a replica shows of its bookings and clashes, as plain data to compare across replicas. */
export function shown(doc: A.Doc<Festival>, id: string) {
  const visible = visibleFestival(doc, id);
  const festival = bookingsOf(visible, authorshipOf(visible, id));
  return {
    bookings: festival.bookings.map((b) => ({ id: b.id, state: b.state, decidedBy: b.decidedBy, outdated: b.outdated, proposals: b.proposals, signedUp: b.signedUp })),
    broken: festival.broken,
    clashes: findBookingClashes(festival),
  };
}
