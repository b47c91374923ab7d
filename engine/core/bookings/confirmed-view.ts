// The festival as the programme and the exports show it once bookings exist: an event that asked for its venue or
// resources is tentative until every request is accepted (frab and iCalendar then say so).
import type * as A from "@automerge/automerge";
import type { FestivalView, Festival } from "../schema.js";
import { festivalView } from "../views.js";
import { authorshipOf } from "./authorship.js";
import { lazyMapEntries } from "./model.js";
import { bookingsOf, confirmationsOf, isTentative, type Confirmation } from "./state.js";

/** festivalView with each "confirmed" event that is not fully booked shown "tentative" (cancelled stays cancelled). */
export function confirmedFestivalView(doc: A.Doc<Festival>, festivalId: string): FestivalView {
  const view = festivalView(doc);
  if (lazyMapEntries(doc, "bookings").size === 0) return view;
  const confirmations = confirmationsOf(bookingsOf(doc, authorshipOf(doc, festivalId)).bookings);
  for (const [id, event] of Object.entries(view.events)) {
    if (event.status === "confirmed" && isTentative(confirmations.get(id))) view.events[id] = { ...event, status: "tentative" };
  }
  return view;
}

/** Per event that asked for its venue or resources, how many of its requests are accepted (none: the festival asked for nothing). */
export function eventConfirmations(doc: A.Doc<Festival>, festivalId: string): Record<string, Confirmation> {
  if (lazyMapEntries(doc, "bookings").size === 0) return {};
  return Object.fromEntries(confirmationsOf(bookingsOf(doc, authorshipOf(doc, festivalId)).bookings));
}
