// Turns what a user types (an id, a unique name or an id prefix) into the id of a resource or a booking request.
// Browser-safe; unknown or ambiguous references are refused with the candidates named.
import { PandafestError } from "../errors.js";
import type { Festival } from "../schema.js";
import { textOf } from "../views.js";
import { isMap, lazyMapEntries } from "./model.js";

function resolve(kind: string, ids: readonly string[], labelOf: (id: string) => string, reference: string, listCommand: string): string {
  const ref = reference.trim();
  if (ids.includes(ref)) return ref;
  const lower = ref.toLowerCase();
  const exact = ids.filter((id) => labelOf(id).toLowerCase() === lower && labelOf(id) !== "");
  const byPrefix = ref.length >= 4 ? ids.filter((id) => id.startsWith(ref)) : [];
  const matches = exact.length > 0 ? exact : byPrefix;
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new PandafestError(`unknown ${kind} ${JSON.stringify(reference)}: no ${kind} has that id or name; \`${listCommand}\` lists them`);
  throw new PandafestError(`${kind} ${JSON.stringify(reference)} is ambiguous: ${matches.slice(0, 10).map((id) => `"${labelOf(id)}" (${id})`).join(", ")}; use the id`);
}

export function resolveResourceId(doc: Festival, reference: string): string {
  const resources = lazyMapEntries(doc, "resources");
  const ids = [...resources.keys()].filter((id) => isMap(resources.get(id)));
  return resolve("resource", ids, (id) => textOf((resources.get(id) as { name?: unknown }).name), reference, "pandafest resource list FESTIVAL");
}

/** A request's id from its id or a prefix of it (at least 4 characters). */
export function resolveBookingId(doc: Festival, reference: string): string {
  const bookings = lazyMapEntries(doc, "bookings");
  const ids = [...bookings.keys()].filter((id) => {
    const value = bookings.get(id);
    return isMap(value) && value.bookingId === undefined;
  });
  return resolve("request", ids, () => "", reference, "pandafest bookings FESTIVAL");
}
