// Turns what a user types (an id or a unique name) into the id of a venue, event or person.
// Browser-safe; ambiguous or unknown references are refused with the candidates named.
import { PandafestError } from "./errors.js";
import { getEvent, storedEvents } from "./event-shards.js";
import type { Festival } from "./schema.js";

type Kind = "venue" | "event" | "person";

/** The items of one kind: whether an id is one of them, and all their ids. */
interface Items {
  has(id: string): boolean;
  ids(): string[];
}

function itemsOf(collection: Record<string, unknown>): Items {
  return { has: (id) => Object.prototype.hasOwnProperty.call(collection, id), ids: () => Object.keys(collection) };
}

function resolveIn(kind: Kind, items: Items, labelOf: (id: string) => string, reference: string, listCommand: string): string {
  const ref = reference.trim();
  if (items.has(ref)) return ref;
  const lower = ref.toLowerCase();
  const ids = items.ids();
  const exact = ids.filter((id) => labelOf(id).toLowerCase() === lower);
  const byIdPrefix = ref.length >= 4 ? ids.filter((id) => id.startsWith(ref)) : [];
  const matches = exact.length > 0 ? exact : byIdPrefix;
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) {
    throw new PandafestError(`unknown ${kind} "${reference}": no ${kind} has that id or name; \`${listCommand}\` lists them`);
  }
  throw new PandafestError(
    `${kind} "${reference}" is ambiguous: ${matches.map((id) => `"${labelOf(id)}" (${id})`).join(", ")}; use the id`,
  );
}

export function resolveVenueId(doc: Festival, reference: string): string {
  return resolveIn("venue", itemsOf(doc.venues), (id) => String(doc.venues[id].name), reference, "pandafest venue list FESTIVAL");
}

export function resolveEventId(doc: Festival, reference: string): string {
  // An id is looked up directly; only a name or an id prefix needs every event.
  if (getEvent(doc, reference.trim())) return reference.trim();
  const events = storedEvents(doc);
  const items: Items = { has: (id) => events.has(id), ids: () => [...events.keys()] };
  return resolveIn("event", items, (id) => String(events.get(id)?.title), reference, "pandafest event list FESTIVAL");
}

export function resolvePersonId(doc: Festival, reference: string): string {
  return resolveIn("person", itemsOf(doc.people), (id) => String(doc.people[id].name), reference, "pandafest person list FESTIVAL");
}

/** The id of the person with exactly this name, if there is exactly one. */
export function findPersonByName(doc: Festival, name: string): string | undefined {
  const lower = name.trim().toLowerCase();
  const ids = Object.keys(doc.people).filter((id) => String(doc.people[id].name).toLowerCase() === lower);
  return ids.length === 1 ? ids[0] : undefined;
}
