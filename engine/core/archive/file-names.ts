// Where each page of the static archive lives: fixed folders, and file names made from ids only when an id has
// the shape this engine generates; any other id (a hostile or foreign peer's "../x", "CON", "A" beside "a") is hashed.
import { looksLikeId, type EntityKind } from "../ids.js";

export const INDEX_PAGE = "index.html";
export const STYLE_SHEET = "style.css";

const FOLDERS: Readonly<Record<EntityKind | "day", string>> = { day: "days", venue: "venues", event: "events", person: "people" };

/** FNV-1a 32-bit of the id's UTF-16 code units, as 8 hex digits. */
function hashOf(id: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index += 1) {
    hash ^= id.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/**
 * A page path for every id of one kind, e.g. "events/e_k3j5….html". Generated ids are lowercase base32 behind a
 * prefix, so they are safe on every file system; other ids get "x-<hash>" (a "-2", "-3" after it on a collision).
 * Ids are taken in sorted order, so the same festival always gives the same paths.
 */
export function pagePaths(kind: EntityKind, ids: Iterable<string>): Map<string, string> {
  const paths = new Map<string, string>();
  const taken = new Set<string>();
  const sorted = [...new Set(ids)].sort();
  const foreign: string[] = [];
  for (const id of sorted) {
    if (looksLikeId(id, kind)) {
      taken.add(id);
      paths.set(id, `${FOLDERS[kind]}/${id}.html`);
    } else {
      foreign.push(id);
    }
  }
  for (const id of foreign) {
    const base = `x-${hashOf(id)}`;
    let name = base;
    for (let copy = 2; taken.has(name); copy += 1) name = `${base}-${copy}`;
    taken.add(name);
    paths.set(id, `${FOLDERS[kind]}/${name}.html`);
  }
  return paths;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A festival day's page, "days/2027-07-01.html"; a date that is not YYYY-MM-DD (never, from the schedule model) gets its position. */
export function dayPath(date: string, position: number): string {
  return `${FOLDERS.day}/${DATE.test(date) ? date : `day-${position}`}.html`;
}

/** The link from the page at `from` to the page at `to`, relative, so the archive reads from file:// and any folder. */
export function relativeHref(from: string, to: string): string {
  const depth = from.split("/").length - 1;
  return "../".repeat(depth) + to;
}
