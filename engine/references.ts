// Turns what a user types (an id or a unique name) into the id of a venue, event or person.
// Browser-safe; ambiguous or unknown references are refused with the candidates named.
import { PandafestError } from "./errors.js";
import type { Festival } from "./schema.js";

type Kind = "venue" | "event" | "person";

function resolveIn(
  kind: Kind,
  items: Record<string, unknown>,
  labelOf: (id: string) => string,
  reference: string,
  listCommand: string,
): string {
  const ref = reference.trim();
  if (Object.prototype.hasOwnProperty.call(items, ref)) return ref;
  const lower = ref.toLowerCase();
  const ids = Object.keys(items);
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
  return resolveIn("venue", doc.venues, (id) => String(doc.venues[id].name), reference, "pandafest venue list FESTIVAL");
}

export function resolveEventId(doc: Festival, reference: string): string {
  return resolveIn("event", doc.events, (id) => String(doc.events[id].title), reference, "pandafest event list FESTIVAL");
}

export function resolvePersonId(doc: Festival, reference: string): string {
  return resolveIn("person", doc.people, (id) => String(doc.people[id].name), reference, "pandafest person list FESTIVAL");
}

/** The id of the person with exactly this name, if there is exactly one. */
export function findPersonByName(doc: Festival, name: string): string | undefined {
  const lower = name.trim().toLowerCase();
  const ids = Object.keys(doc.people).filter((id) => String(doc.people[id].name).toLowerCase() === lower);
  return ids.length === 1 ? ids[0] : undefined;
}
