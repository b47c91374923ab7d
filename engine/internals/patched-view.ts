// A read-only document at some heads made from the document as it is: its JS state with only what differs at those
// heads patched in (copy on write), reading through the document's own handle at those heads. A.view is the fallback.
import * as A from "@automerge/automerge";

/*
 * Why: A.view(doc, heads) materializes the whole document at those heads, about 250 ms on the large bench festival;
 * reading what members see of an organised festival with proposals paid that on every open. Here Automerge diffs the
 * document's heads against those heads (one pass, about 55 ms), and the patches (a few hundred for 1% proposals) are
 * applied to copies of the objects they touch; every other object is the document's own. The result is what A.view
 * returns, object ids included, and like A.view it reads through the document's handle pinned at the heads: it costs
 * no second copy of the document, and it is for reading (A.clone of it replays, as A.clone of A.view does).
 * Reach: Automerge's private state on the root and on each object (Symbol.for("_am_meta"), "_am_objectId",
 * "_am_datatype_"), and the handle's getWithType for the ids of objects the patches make. Off
 * (PANDAFEST_INTERNALS=off, an unknown Automerge version in Node, a document without that state, or a patch this does
 * not know, such as marks): A.view.
 */

const STATE = Symbol.for("_am_meta");
const OBJECT_ID = Symbol.for("_am_objectId");
const DATATYPE = Symbol.for("_am_datatype_");
const HIDDEN = [OBJECT_ID, DATATYPE, STATE] as const;

type Container = Record<string | number, unknown>;
type DocState = Record<string, unknown> & { handle?: unknown; heads?: A.Heads; freeze?: boolean };

interface TypedReader {
  getWithType(obj: string, prop: A.Prop, heads: A.Heads): [string, unknown] | null | undefined;
}

/** A patch this module does not apply: the caller falls back to A.view. */
class UnknownPatch extends Error {}

let enabled = true;

/** Switches patched views on or off for this process (Node switches them off with the other reaches). */
export function usePatchedViews(on: boolean): void {
  enabled = on;
}

/** Whether patchedView patches the document's state here (false: it is A.view). */
export function patchedViewsInUse(): boolean {
  return enabled;
}

/** `doc` as it was at `heads`, for reading: the document's state patched when the reach is on, else A.view. */
export function patchedView<T>(doc: A.Doc<T>, heads: A.Heads): A.Doc<T> {
  const state = (doc as unknown as Record<symbol, unknown>)[STATE] as DocState | undefined;
  const reader = state?.handle as Partial<TypedReader> | undefined;
  const usable =
    enabled &&
    state !== undefined &&
    state.heads === undefined && // a view already: A.view reads it at other heads
    typeof reader?.getWithType === "function" &&
    (doc as unknown as Record<symbol, unknown>)[OBJECT_ID] === "_root";
  if (!usable || reader === undefined) return A.view(doc, heads);
  try {
    const patches = A.diff(doc, A.getHeads(doc), heads);
    const meta: DocState = { ...state, heads: [...heads] };
    const view = new CopyOnWrite(doc as unknown as Container, meta, reader as TypedReader, [...heads]);
    for (const patch of patches) view.apply(patch);
    return view.finish() as unknown as A.Doc<T>;
  } catch {
    // a patch this does not apply, or anything Automerge refuses on this path: A.view reads it (and says what is wrong)
    return A.view(doc, heads);
  }
}

/** The view's state being built: containers copied from the document on first touch, or made by the patches. */
class CopyOnWrite {
  readonly #root: Container;
  readonly #meta: DocState;
  readonly #reader: TypedReader;
  readonly #heads: A.Heads;
  /** containers that belong to the view (copies, and those the patches made), written in place */
  readonly #owned = new Set<object>();
  /** containers the patches made: their object ids are read at the heads once all patches are in */
  readonly #made = new Set<object>();

  constructor(doc: Container, meta: DocState, reader: TypedReader, heads: A.Heads) {
    this.#meta = meta;
    this.#reader = reader;
    this.#heads = heads;
    this.#root = this.#copy(doc);
  }

  apply(patch: A.Patch): void {
    const path = patch.path;
    const last = path[path.length - 1];
    switch (patch.action) {
      case "put": {
        const parent = this.#containerAt(path.slice(0, -1));
        parent[last] = this.#adopt(patch.value);
        return;
      }
      case "insert": {
        const list = this.#containerAt(path.slice(0, -1));
        if (!Array.isArray(list) || typeof last !== "number") throw new UnknownPatch("insert outside a list");
        list.splice(last, 0, ...patch.values.map((value) => this.#adopt(value)));
        return;
      }
      case "splice":
        this.#editText(path, (text, index) => text.slice(0, index) + patch.value + text.slice(index));
        return;
      case "del": {
        const length = patch.length ?? 1;
        if (this.#isText(path.slice(0, -1))) {
          this.#editText(path, (text, index) => text.slice(0, index) + text.slice(index + length));
          return;
        }
        const owned = this.#containerAt(path.slice(0, -1));
        if (Array.isArray(owned)) {
          if (typeof last !== "number") throw new UnknownPatch("a list deletion without an index");
          owned.splice(last, length);
        } else delete owned[last];
        return;
      }
      case "inc": {
        const parent = this.#containerAt(path.slice(0, -1));
        const counter = parent[last];
        if (!A.isCounter(counter)) throw new UnknownPatch("an increment of something not a counter");
        parent[last] = new A.Counter((counter as A.Counter).value + patch.value);
        return;
      }
      case "conflict":
        // the value stays; its object becomes the view's own, so A.getConflicts on it reads at the view's heads
        this.#containerAt(path.slice(0, -1));
        return;
      default:
        throw new UnknownPatch(`a ${patch.action} patch`);
    }
  }

  /** The view's root, with the ids of the objects the patches made, frozen when the document is. */
  finish(): Container {
    this.#identifyMade(this.#root);
    if (this.#meta.freeze === true) for (const container of this.#owned) Object.freeze(container);
    return this.#root;
  }

  /** A text's container made the view's own, and the text at `path` replaced by `edit` of it at the index. */
  #editText(path: A.Prop[], edit: (text: string, index: number) => string): void {
    const index = path[path.length - 1];
    const key = path[path.length - 2];
    const parent = this.#containerAt(path.slice(0, -2));
    const text = parent[key];
    if (typeof text !== "string" || typeof index !== "number") throw new UnknownPatch("a text edit of something not text");
    parent[key] = edit(text, index);
  }

  /** The container at `path`, each container on the way made the view's own. */
  #containerAt(path: A.Prop[]): Container {
    let node: Container = this.#root;
    for (let depth = 0; depth < path.length; depth += 1) {
      const prop = path[depth];
      const child = node[prop];
      if (!isContainer(child)) throw new UnknownPatch(`no object at ${path.slice(0, depth + 1).join("/")}`);
      if (this.#owned.has(child)) node = child;
      else {
        const copy = this.#copy(child);
        node[prop] = copy;
        node = copy;
      }
    }
    return node;
  }

  /** Whether the value at `path` is a text (read without copying anything). */
  #isText(path: A.Prop[]): boolean {
    let node: unknown = this.#root;
    for (const prop of path) {
      if (!isContainer(node)) return false;
      node = node[prop];
    }
    return typeof node === "string";
  }

  /** A copy of one of the document's containers, with Automerge's hidden fields and the view's state. */
  #copy(source: Container): Container {
    const copy: Container = Array.isArray(source) ? (source.slice() as unknown as Container) : Object.assign({}, source);
    for (const symbol of HIDDEN) {
      const value = symbol === STATE ? this.#meta : Reflect.get(source, symbol);
      if (value !== undefined) Object.defineProperty(copy, symbol, { value, enumerable: false, configurable: false, writable: false });
    }
    this.#owned.add(copy);
    return copy;
  }

  /** A value a patch brings: an empty map or list it makes becomes the view's own, to be filled by later patches. */
  #adopt(value: unknown): unknown {
    if (!isContainer(value)) return value;
    if (Object.keys(value).length > 0) throw new UnknownPatch("a patch that brings a filled object");
    this.#owned.add(value);
    this.#made.add(value);
    return value;
  }

  /** Gives each container the patches made its object id and type, as read at the heads, and the view's state. */
  #identifyMade(container: Container): void {
    const parentId = Reflect.get(container, OBJECT_ID) as string | undefined;
    const keys: A.Prop[] = Array.isArray(container) ? container.map((_, index) => index) : Object.keys(container);
    for (const key of keys) {
      const child = container[key];
      if (!isContainer(child) || !this.#owned.has(child)) continue;
      if (this.#made.has(child)) {
        if (parentId === undefined) throw new UnknownPatch("an object made inside one without an id");
        const typed = this.#reader.getWithType(parentId, key, this.#heads);
        if (!typed || typeof typed[1] !== "string" || (typed[0] === "list") !== Array.isArray(child)) throw new UnknownPatch("an object the heads do not hold");
        Object.defineProperty(child, OBJECT_ID, { value: typed[1], enumerable: false, configurable: false, writable: false });
        Object.defineProperty(child, DATATYPE, { value: typed[0], enumerable: false, configurable: false, writable: false });
        Object.defineProperty(child, STATE, { value: this.#meta, enumerable: false, configurable: false, writable: false });
      }
      this.#identifyMade(child);
    }
  }
}

/** A map or list of the document (not a scalar object such as a counter, an immutable string, a date or bytes). */
function isContainer(value: unknown): value is Container {
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value) as object | null;
  return prototype === Object.prototype || prototype === null;
}
