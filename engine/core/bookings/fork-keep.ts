// What a fork keeps of bookings: every resource not removed and the owners and availability of venues, with owners
// written out (a fork starts a new history, so "its creator" could not be read there). Requests are never kept.
import type * as A from "@automerge/automerge";
import type { Festival, Short } from "../schema.js";
import { textOf } from "../views.js";
import { short, shortList } from "../operations/fields.js";
import { authorshipOf } from "./authorship.js";
import { BOOKING_LIMITS, isMap, lazyMapEntries, textListOf, type Resource } from "./model.js";
import { ownersOf } from "./owners.js";
import { quantityOf } from "./state.js";

export interface OwnedItems {
  resources: Record<string, Resource>;
  venues: Record<string, { owners?: Short[]; availability?: Short[] }>;
}

/** The resources and venue ownership of `doc` (the origin as members see it), ready to write into a fork. */
export function ownedItemsOf(doc: A.Doc<Festival>, festivalId: string): OwnedItems {
  const authorship = authorshipOf(doc, festivalId);
  const resources: Record<string, Resource> = {};
  for (const [id, value] of lazyMapEntries(doc, "resources")) {
    if (!isMap(value) || value.removed === true) continue;
    const owners = ownersOf(value, authorship);
    const resource: Resource = {
      name: short(textOf(value.name)),
      description: short(textOf(value.description)),
      quantity: quantityOf(value.quantity),
      tags: shortList(textListOf(value.tags, 64)),
    };
    if (value.venueId !== undefined) resource.venueId = short(textOf(value.venueId));
    if (owners.length > 0) resource.owners = shortList(owners);
    const windows = textListOf(value.availability, BOOKING_LIMITS.availabilityWindows);
    if (windows.length > 0) resource.availability = shortList(windows);
    resources[id] = resource;
  }
  const venues: OwnedItems["venues"] = {};
  for (const [id, venue] of Object.entries(doc.venues)) {
    if (!isMap(venue)) continue;
    const owners = ownersOf(venue, authorship);
    const windows = textListOf((venue as { availability?: unknown }).availability, BOOKING_LIMITS.availabilityWindows);
    const extra: { owners?: Short[]; availability?: Short[] } = {};
    if (owners.length > 0) extra.owners = shortList(owners);
    if (windows.length > 0) extra.availability = shortList(windows);
    if (extra.owners || extra.availability) venues[id] = extra;
  }
  return { resources, venues };
}
