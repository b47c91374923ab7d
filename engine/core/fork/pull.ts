// `fork pull`: the venue edits made in the origin since the fork (or the last pull), field by field,
// applied to the fork and listed. Browser-safe: works on festival views and an editor of the fork.
import * as A from "@automerge/automerge";
import type { FestivalEditor } from "../editor.js";
import { PandafestError } from "../errors.js";
import { editVenue } from "../operations.js";
import type { FestivalView, Geo, VenueView } from "../schema.js";
import { parseVenueInput, parseVenuePatch, type VenuePatch } from "../validate.js";
import { textOf } from "../views.js";
import { venueRecord } from "./copy.js";

export const PULLED_VENUE_FIELDS = ["name", "description", "address", "accessibility", "tags", "geo", "capacity"] as const;
export type PulledVenueField = (typeof PULLED_VENUE_FIELDS)[number];
export type VenueFieldValue = string | string[] | Geo | number | null;

export interface FieldUpdate {
  field: PulledVenueField;
  /** the fork's value before the pull */
  from: VenueFieldValue;
  /** the origin's value now, written into the fork */
  to: VenueFieldValue;
}

export interface FieldKept {
  field: PulledVenueField;
  /** the origin's new value, not applied */
  origin: VenueFieldValue;
  /** the fork's own edit, kept */
  fork: VenueFieldValue;
}

export interface VenuePull {
  venueId: string;
  /** the venue's name in the origin now (in the fork when the origin no longer has it) */
  name: string;
  /** a venue added in the origin since (or restored there after being left out of the fork): copied in */
  added: boolean;
  updated: FieldUpdate[];
  /** fields changed in both the origin and the fork since: the fork's value stays, both are listed */
  keptInFork: FieldKept[];
  /** what happened to the venue itself in the origin; never applied to the fork, only reported */
  origin?: "removed" | "restored" | "gone";
}

function fieldValue(venue: VenueView, field: PulledVenueField): VenueFieldValue {
  switch (field) {
    case "tags":
      return [...venue.tags];
    case "geo":
      return venue.geo ? { lat: venue.geo.lat, lon: venue.geo.lon } : null;
    case "capacity":
      return venue.capacity ?? null;
    default:
      return venue[field];
  }
}

function same(a: VenueFieldValue, b: VenueFieldValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function compareNames(a: VenuePull, b: VenuePull): number {
  return a.name.localeCompare(b.name) || (a.venueId < b.venueId ? -1 : a.venueId > b.venueId ? 1 : 0);
}

/**
 * What a pull would do, comparing the origin at the last pulled heads (`base`), the origin now, and the
 * fork. Rules:
 * - a field the origin changed since `base` is written into the fork, unless the fork changed it too
 *   (then the fork keeps its value and both are listed in keptInFork);
 * - a venue removed (or restored) in the origin is reported, never removed (or restored) in the fork;
 * - a venue added in the origin since `base` is added to the fork under the same id; so is a venue the
 *   fork left out because it was removed in the origin, once the origin restores it;
 * - the fork's own venues and everything that is not a venue are left alone.
 * Only venues with something to report are returned.
 */
export function planVenuePull(base: FestivalView, now: FestivalView, fork: FestivalView): VenuePull[] {
  const pulls: VenuePull[] = [];
  for (const [venueId, current] of Object.entries(now.venues)) {
    const before = base.venues[venueId];
    const mine = fork.venues[venueId];
    if (mine === undefined) {
      if (!current.removed && (before === undefined || before.removed)) {
        pulls.push({ venueId, name: current.name, added: true, updated: [], keptInFork: [] });
      }
      continue;
    }
    if (before === undefined) continue; // the fork's own venue with a colliding id cannot happen; ignore
    const pull: VenuePull = { venueId, name: current.name, added: false, updated: [], keptInFork: [] };
    if (!before.removed && current.removed) pull.origin = "removed";
    if (before.removed && !current.removed) pull.origin = "restored";
    for (const field of PULLED_VENUE_FIELDS) {
      const was = fieldValue(before, field);
      const is = fieldValue(current, field);
      const here = fieldValue(mine, field);
      if (same(was, is) || same(here, is)) continue;
      if (same(here, was)) pull.updated.push({ field, from: here, to: is });
      else pull.keptInFork.push({ field, origin: is, fork: here });
    }
    if (pull.origin !== undefined || pull.updated.length > 0 || pull.keptInFork.length > 0) pulls.push(pull);
  }
  for (const [venueId, before] of Object.entries(base.venues)) {
    const mine = fork.venues[venueId];
    if (now.venues[venueId] === undefined && mine !== undefined) {
      pulls.push({ venueId, name: mine.name || before.name, added: false, updated: [], keptInFork: [], origin: "gone" });
    }
  }
  return pulls.sort(compareNames);
}

function patchOf(updates: readonly FieldUpdate[]): VenuePatch {
  const patch: Record<string, VenueFieldValue> = {};
  for (const { field, to } of updates) patch[field] = to;
  return patch as VenuePatch;
}

function venueProblem(pull: VenuePull, error: unknown): PandafestError {
  const reason = error instanceof Error ? error.message : String(error);
  return new PandafestError(`cannot pull venue "${pull.name}" (${pull.venueId}) from the origin: ${reason}`, { code: "data", cause: error });
}

/**
 * Applies a planned pull to the fork (validating every value as a local edit would) and records the
 * origin heads it pulled from in forkedFrom.pulledHeads. Throws before writing anything when a value
 * from the origin is not acceptable.
 */
export function applyVenuePull(editor: FestivalEditor, pulls: readonly VenuePull[], now: FestivalView, originHeads: readonly string[]): void {
  const additions = pulls.filter((pull) => pull.added);
  for (const pull of additions) {
    const venue = now.venues[pull.venueId];
    try {
      parseVenueInput({
        name: venue.name,
        description: venue.description,
        address: venue.address,
        accessibility: venue.accessibility,
        tags: venue.tags,
        ...(venue.geo ? { geo: venue.geo } : {}),
        ...(venue.capacity !== undefined ? { capacity: venue.capacity } : {}),
      });
    } catch (error) {
      throw venueProblem(pull, error);
    }
  }
  const edits = pulls.filter((pull) => pull.updated.length > 0);
  for (const pull of edits) {
    try {
      parseVenuePatch(patchOf(pull.updated));
    } catch (error) {
      throw venueProblem(pull, error);
    }
  }
  for (const pull of edits) editVenue(editor, pull.venueId, patchOf(pull.updated));
  const heads = [...originHeads].sort();
  editor.change((doc) => {
    for (const pull of additions) doc.venues[pull.venueId] = venueRecord({ ...now.venues[pull.venueId], removed: false });
    const origin = doc.forkedFrom;
    if (!origin) throw new PandafestError("this festival is not a fork (it has no forkedFrom)", { code: "usage" });
    const recorded = (origin.pulledHeads ?? []).map(textOf).sort();
    if (recorded.join(",") !== heads.join(",")) origin.pulledHeads = heads.map((head) => new A.ImmutableString(head));
  }, `pull venues from the origin: ${pulls.length === 0 ? "nothing new" : pulls.map((pull) => pull.venueId).join(", ")}`);
}
