// Helpers shared by the operations: reading the festival safely and writing only the fields that
// actually change (short fields as ImmutableString, lists replaced whole, null clears a field).
import * as A from "@automerge/automerge";
import { PandafestError } from "../errors.js";
import type { FestivalEditor } from "../editor.js";
import { checkSchema } from "../schema-version.js";
import type { Festival, Geo, Link, Short, SourceOrigin } from "../schema.js";
import type { LinkInput, OriginInput } from "../validate.js";
import { linksOf, textOf } from "../views.js";

export function short(text: string): Short {
  return new A.ImmutableString(text);
}

export function shortList(texts: readonly string[]): Short[] {
  return texts.map(short);
}

/** The festival behind an editor, refused when it is not a festival this engine can write. */
export function readFestival(editor: FestivalEditor): Festival {
  const doc = editor.read();
  checkSchema(doc);
  return doc;
}

/** Links as stored: title and url as short fields. */
export function linkList(links: readonly LinkInput[]): Link[] {
  return links.map((link) => ({ title: short(link.title), url: short(link.url) }));
}

/** A source origin as stored (only the identifiers given). */
export function originRecord(origin: OriginInput): SourceOrigin {
  const record: SourceOrigin = {};
  if (origin.guid !== undefined) record.guid = short(origin.guid);
  if (origin.id !== undefined) record.id = origin.id;
  if (origin.code !== undefined) record.code = short(origin.code);
  if (origin.slug !== undefined) record.slug = short(origin.slug);
  if (origin.url !== undefined) record.url = short(origin.url);
  return record;
}

export type EntityLabel = "venue" | "event" | "person";

/** The entry with that id in a collection, or a PandafestError naming what was looked for. */
export function requireEntry<T>(collection: { [id: string]: T }, id: string, label: EntityLabel): T {
  const entry = Object.prototype.hasOwnProperty.call(collection, id) ? collection[id] : undefined;
  if (typeof entry !== "object" || entry === null) {
    throw new PandafestError(`no ${label} with id ${JSON.stringify(id)} in this festival; check the id`);
  }
  return entry;
}

/**
 * The writes one edit needs: `set` holds stored values for keys that change, `remove` the optional
 * keys to clear. Keys whose new value equals the stored one are left out.
 */
export class FieldChanges {
  readonly set = new Map<string, unknown>();
  readonly remove: string[] = [];

  constructor(private readonly stored: object) {}

  private current(key: string): unknown {
    return (this.stored as Record<string, unknown>)[key];
  }

  private has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.stored, key);
  }

  text(key: string, value: string | undefined): this {
    if (value !== undefined && !(this.has(key) && textOf(this.current(key)) === value)) this.set.set(key, short(value));
    return this;
  }

  optionalText(key: string, value: string | null | undefined): this {
    if (value === null) {
      if (this.has(key)) this.remove.push(key);
      return this;
    }
    return this.text(key, value);
  }

  textList(key: string, value: readonly string[] | undefined): this {
    if (value === undefined) return this;
    const current = this.current(key);
    const same =
      Array.isArray(current) &&
      current.length === value.length &&
      current.every((item, index) => textOf(item) === value[index]);
    if (!same) this.set.set(key, shortList(value));
    return this;
  }

  scalar(key: string, value: number | boolean | null | undefined): this {
    if (value === null) {
      if (this.has(key)) this.remove.push(key);
    } else if (value !== undefined && this.current(key) !== value) {
      this.set.set(key, value);
    }
    return this;
  }

  /** A list of links, replaced whole when any title or address differs; an empty list removes the field. */
  links(key: string, value: readonly LinkInput[] | undefined): this {
    if (value === undefined) return this;
    const current = linksOf(this.current(key));
    const same =
      current.length === value.length &&
      current.every((link, index) => link.title === value[index].title && link.url === value[index].url);
    if (same) return this;
    if (value.length === 0) this.remove.push(key);
    else this.set.set(key, linkList(value));
    return this;
  }

  /** A true/false flag stored only when true (false removes it). */
  flag(key: string, value: boolean | undefined): this {
    if (value === undefined || (this.current(key) === true) === value) return this;
    if (value) this.set.set(key, true);
    else this.remove.push(key);
    return this;
  }

  geo(key: string, value: Geo | null | undefined): this {
    if (value === null) {
      if (this.has(key)) this.remove.push(key);
      return this;
    }
    if (value === undefined) return this;
    const current = this.current(key) as Partial<Geo> | undefined;
    if (!current || current.lat !== value.lat || current.lon !== value.lon) {
      this.set.set(key, { lat: value.lat, lon: value.lon });
    }
    return this;
  }

  /** The keys this edit writes or clears, in a stable order. */
  keys(): string[] {
    return [...this.set.keys(), ...this.remove].sort();
  }

  isEmpty(): boolean {
    return this.set.size === 0 && this.remove.length === 0;
  }

  /** Applies the writes to the draft object inside a change (only the changed keys are touched). */
  applyTo(draft: object): void {
    const target = draft as Record<string, unknown>;
    for (const [key, value] of this.set) target[key] = value;
    for (const key of this.remove) delete target[key];
  }
}

/** Runs the edit as one change unless nothing changes; returns the keys written. */
export function commitChanges(
  editor: FestivalEditor,
  changes: FieldChanges,
  locate: (doc: Festival) => object,
  message: string,
): string[] {
  if (changes.isEmpty()) return [];
  const keys = changes.keys();
  editor.change((doc) => changes.applyTo(locate(doc)), `${message}: ${keys.join(", ")}`);
  return keys;
}
