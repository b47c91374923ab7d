// `fork pull` for bookings: the origin's edits to resources (name, description, quantity, tags, owners,
// availability) and to venues' owners and availability since the fork or the last pull, field by field, like venues.
import type { FestivalEditor } from "../editor.js";
import { PandafestError } from "../errors.js";
import { short, shortList } from "../operations/fields.js";
import type { OwnedItems } from "./fork-keep.js";
import { labelInput, ownersInput, proseInput, quantityInput, tagsInput, windowsInput } from "./input.js";
import { lazyMapForNew, type Resource } from "./model.js";
import { editResource, setVenueOwnership } from "./operations.js";
import { textOf } from "../views.js";

export const PULLED_RESOURCE_FIELDS = ["name", "description", "quantity", "tags", "owners", "availability"] as const;
export const PULLED_OWNERSHIP_FIELDS = ["owners", "availability"] as const;
export type PulledOwnedField = (typeof PULLED_RESOURCE_FIELDS)[number];
export type OwnedFieldValue = string | string[] | number;

export interface OwnedFieldUpdate {
  field: PulledOwnedField;
  from: OwnedFieldValue;
  to: OwnedFieldValue;
}

export interface OwnedFieldKept {
  field: PulledOwnedField;
  /** the origin's new value, not applied */
  origin: OwnedFieldValue;
  /** the fork's own edit, kept */
  fork: OwnedFieldValue;
}

export interface OwnedPull {
  kind: "resource" | "venue";
  id: string;
  /** the resource's name in the origin now (empty for a venue: its name is pulled with the venue) */
  name: string;
  /** a resource added in the origin since: copied in */
  added: boolean;
  updated: OwnedFieldUpdate[];
  keptInFork: OwnedFieldKept[];
  /** a resource removed in the origin (or gone from it) since: reported, never removed here */
  origin?: "removed";
}

type Item = Record<string, unknown>;

function valueOf(item: Item | undefined, field: PulledOwnedField): OwnedFieldValue {
  const value = item?.[field];
  if (Array.isArray(value)) return value.map(textOf);
  if (typeof value === "number") return value;
  if (value === undefined) return field === "quantity" ? 1 : field === "owners" || field === "availability" || field === "tags" ? [] : "";
  return textOf(value);
}

const same = (a: OwnedFieldValue, b: OwnedFieldValue) => JSON.stringify(a) === JSON.stringify(b);

function compareFields(kind: OwnedPull["kind"], id: string, name: string, base: Item, now: Item, fork: Item, fields: readonly PulledOwnedField[]): OwnedPull | null {
  const pull: OwnedPull = { kind, id, name, added: false, updated: [], keptInFork: [] };
  for (const field of fields) {
    const was = valueOf(base, field);
    const is = valueOf(now, field);
    const here = valueOf(fork, field);
    if (same(was, is) || same(here, is)) continue;
    if (same(here, was)) pull.updated.push({ field, from: here, to: is });
    else pull.keptInFork.push({ field, origin: is, fork: here });
  }
  return pull.updated.length > 0 || pull.keptInFork.length > 0 ? pull : null;
}

/**
 * What a pull does to resources and venue ownership, from the origin's kept items at the last pulled heads (`base`),
 * now, and the fork's: a field the origin changed is written into the fork unless the fork changed it too (then both
 * are listed and the fork's stays); a resource added in the origin is copied in; one removed there is reported.
 */
export function planOwnedPull(base: OwnedItems, now: OwnedItems, fork: OwnedItems, forkVenueIds: ReadonlySet<string>): OwnedPull[] {
  const pulls: OwnedPull[] = [];
  for (const [id, current] of Object.entries(now.resources)) {
    const before = base.resources[id] as unknown as Item | undefined;
    const mine = fork.resources[id] as unknown as Item | undefined;
    const name = textOf(current.name);
    if (mine === undefined) {
      if (before === undefined) pulls.push({ kind: "resource", id, name, added: true, updated: [], keptInFork: [] });
      continue;
    }
    const pull = compareFields("resource", id, name, before ?? mine, current as unknown as Item, mine, PULLED_RESOURCE_FIELDS);
    if (pull) pulls.push(pull);
  }
  for (const [id, before] of Object.entries(base.resources)) {
    if (now.resources[id] === undefined && fork.resources[id] !== undefined) {
      pulls.push({ kind: "resource", id, name: textOf(before.name), added: false, updated: [], keptInFork: [], origin: "removed" });
    }
  }
  for (const id of forkVenueIds) {
    const pull = compareFields("venue", id, "", base.venues[id] ?? {}, now.venues[id] ?? {}, fork.venues[id] ?? {}, PULLED_OWNERSHIP_FIELDS);
    if (pull) pulls.push(pull);
  }
  return pulls.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function problem(pull: OwnedPull, error: unknown): PandafestError {
  const reason = error instanceof Error ? error.message : String(error);
  return new PandafestError(`cannot pull ${pull.kind} "${pull.name || pull.id}" (${pull.id}) from the origin: ${reason}`, { code: "data", cause: error });
}

/** A resource from the origin as a local add would write it, or a clear error (hand-made origins are not trusted). */
function resourceToAdd(pull: OwnedPull, item: Resource): Resource {
  try {
    const resource: Resource = {
      name: short(labelInput("resource name", textOf(item.name))),
      description: short(proseInput("description", textOf(item.description))),
      quantity: quantityInput(item.quantity),
      tags: shortList(tagsInput((item.tags ?? []).map(textOf))),
    };
    if (item.owners !== undefined) resource.owners = shortList(ownersInput(item.owners.map(textOf)));
    if (item.availability !== undefined) resource.availability = shortList(windowsInput(item.availability.map(textOf)));
    return resource;
  } catch (error) {
    throw problem(pull, error);
  }
}

/** Applies a planned pull to the fork; values are validated as local edits are, and nothing is written when one is refused. */
export function applyOwnedPull(editor: FestivalEditor, pulls: readonly OwnedPull[], now: OwnedItems): void {
  const additions = pulls.filter((pull) => pull.added).map((pull) => [pull.id, resourceToAdd(pull, now.resources[pull.id])] as const);
  const edits = pulls.filter((pull) => pull.updated.length > 0);
  for (const pull of edits) {
    try {
      for (const { field, to } of pull.updated) {
        if (field === "name") labelInput("resource name", to as string);
        else if (field === "description") proseInput("description", to as string);
        else if (field === "quantity") quantityInput(to as number);
        else if (field === "tags") tagsInput(to as string[]);
        else if (field === "owners") ownersInput(to as string[]);
        else windowsInput(to as string[]);
      }
    } catch (error) {
      throw problem(pull, error);
    }
  }
  if (additions.length > 0) {
    editor.change((draft) => {
      const resources = lazyMapForNew(draft, "resources");
      for (const [id, resource] of additions) resources[id] = resource;
    }, `pull resources from the origin: ${additions.map(([id]) => id).join(", ")}`);
  }
  for (const pull of edits) {
    const patch = Object.fromEntries(pull.updated.map(({ field, to }) => [field, to]));
    if (pull.kind === "resource") editResource(editor, pull.id, patch);
    else setVenueOwnership(editor, pull.id, patch);
  }
}
