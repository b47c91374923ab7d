// The festival as the programme and the exports show it once bookings exist: an event that asked for its venue or
// resources is tentative until every request is accepted (frab and iCalendar then say so), with each one's confirmation.
import type * as A from "@automerge/automerge";
import type { FestivalView, Festival } from "../schema.js";
import { festivalView } from "../views.js";
import { authorshipOf } from "./authorship.js";
import { lazyMapEntries } from "./model.js";
import { bookingsOf, confirmationsOf, isTentative, type Confirmation } from "./state.js";

/** Per event that asked for its venue or resources, how many of its requests are accepted (none: the festival asked for nothing). */
export function eventConfirmations(doc: A.Doc<Festival>, festivalId: string): Record<string, Confirmation> {
  if (lazyMapEntries(doc, "bookings").size === 0) return {};
  return Object.fromEntries(confirmationsOf(bookingsOf(doc, authorshipOf(doc, festivalId)).bookings));
}

/** festivalView with each "confirmed" event that is not fully booked shown "tentative", and the confirmations it read. */
export function confirmedFestival(doc: A.Doc<Festival>, festivalId: string): { view: FestivalView; confirmations: Record<string, Confirmation> } {
  const view = festivalView(doc);
  const confirmations = eventConfirmations(doc, festivalId);
  for (const [id, event] of Object.entries(view.events)) {
    const confirmation = Object.hasOwn(confirmations, id) ? confirmations[id] : undefined;
    if (event.status === "confirmed" && isTentative(confirmation)) view.events[id] = { ...event, status: "tentative" };
  }
  return { view, confirmations };
}

/** festivalView with each "confirmed" event that is not fully booked shown "tentative" (cancelled stays cancelled). */
export function confirmedFestivalView(doc: A.Doc<Festival>, festivalId: string): FestivalView {
  return confirmedFestival(doc, festivalId).view;
}
