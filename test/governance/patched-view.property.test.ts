// The patched view against A.view: random documents edited on several replicas and merged, read at random earlier
// heads, must give the same values, types, object ids and heads, and leave the document itself as it was.
import * as A from "@automerge/automerge";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { patchedView } from "../../engine/internals/patched-view.js";

const OBJECT_ID = Symbol.for("_am_objectId");
const DATATYPE = Symbol.for("_am_datatype_");

type Doc = Record<string, unknown>;

/** One edit, applied to the first map or list found along `path` in the draft (paths are resolved leniently). */
const editStep = fc.record({
  replica: fc.nat(2),
  path: fc.array(fc.nat(5), { maxLength: 3 }),
  key: fc.constantFrom("a", "b", "c", "d"),
  kind: fc.constantFrom("scalar", "string", "text", "splice", "map", "list", "push", "insert", "remove", "delete", "counter", "increment", "date", "bytes", "null"),
  value: fc.integer({ min: -50, max: 50 }),
});
const syncStep = fc.record({ from: fc.nat(2), to: fc.nat(2), sync: fc.constant(true) });
const step = fc.oneof({ weight: 4, arbitrary: editStep }, { weight: 1, arbitrary: syncStep });

/** The container reached by following `path` through whatever maps and lists the draft holds. */
function containerAlong(root: Doc, path: number[]): Doc | unknown[] {
  let node: Doc | unknown[] = root;
  for (const choice of path) {
    const children = (Array.isArray(node) ? node : Object.values(node)).filter((child) => child !== null && typeof child === "object" && (Array.isArray(child) || Object.getPrototypeOf(child) === Object.prototype));
    if (children.length === 0) break;
    node = children[choice % children.length] as Doc | unknown[];
  }
  return node;
}

function applyEdit(draft: Doc, edit: { path: number[]; key: string; kind: string; value: number }): void {
  const node = containerAlong(draft, edit.path);
  if (Array.isArray(node)) {
    const index = node.length === 0 ? 0 : Math.abs(edit.value) % node.length;
    if (edit.kind === "remove" || edit.kind === "delete") {
      if (node.length > 0) node.splice(index, 1);
    } else if (edit.kind === "map") node.splice(index, 0, { n: edit.value });
    else if (edit.kind === "list") node.splice(index, 0, [edit.value]);
    else if (edit.kind === "string") node.splice(index, 0, new A.ImmutableString(`s${edit.value}`));
    else node.splice(index, 0, edit.value);
    return;
  }
  const key = edit.key;
  const current = node[key];
  switch (edit.kind) {
    case "scalar": node[key] = edit.value; break;
    case "string": node[key] = new A.ImmutableString(`v${edit.value}`); break;
    case "text": node[key] = `text ${edit.value}`; break;
    case "splice":
      if (typeof current === "string") A.splice(draft as A.Doc<Doc>, pathTo(draft, node, key), Math.abs(edit.value) % (current.length + 1), edit.value % 2 === 0 ? 1 : 0, `+${edit.value}`);
      else node[key] = `t${edit.value}`;
      break;
    case "map": node[key] = { x: edit.value, inner: { y: new A.ImmutableString("deep") } }; break;
    case "list": node[key] = [edit.value, { z: edit.value }, "text in a list"]; break;
    case "push": if (Array.isArray(current)) current.push(edit.value); else node[key] = [edit.value]; break;
    case "insert": if (Array.isArray(current)) current.unshift({ first: edit.value }); else node[key] = []; break;
    case "remove": if (Array.isArray(current) && current.length > 0) current.splice(0, 1); break;
    case "delete": delete node[key]; break;
    case "counter": node[key] = new A.Counter(edit.value); break;
    case "increment": if (current instanceof A.Counter) current.increment(edit.value); else node[key] = new A.Counter(0); break;
    case "date": node[key] = new Date(1_700_000_000_000 + edit.value * 1000); break;
    case "bytes": node[key] = new Uint8Array([edit.value & 255, 1, 2]); break;
    default: node[key] = null;
  }
}

/** The path from the root of `draft` to `node`'s `key` (found by search: the drafts are small). */
function pathTo(draft: Doc, node: object, key: string): A.Prop[] {
  const search = (current: unknown, path: A.Prop[]): A.Prop[] | undefined => {
    if (current === node) return [...path, key];
    if (current === null || typeof current !== "object") return undefined;
    const entries: [A.Prop, unknown][] = Array.isArray(current) ? current.map((value, index) => [index, value]) : Object.entries(current);
    for (const [prop, child] of entries) {
      const found = search(child, [...path, prop]);
      if (found) return found;
    }
    return undefined;
  };
  const found = search(draft, []);
  if (!found) throw new Error("no path to the edited text");
  return found;
}

/** Everything a reader can see of a value: its data, the class of each scalar, and each object's id and type. */
function described(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof A.ImmutableString) return { immutable: value.val };
  if (value instanceof A.Counter) return { counter: value.value };
  if (value instanceof Date) return { date: value.getTime() };
  if (value instanceof Uint8Array) return { bytes: [...value] };
  const marks = { id: Reflect.get(value, OBJECT_ID) as unknown, type: Reflect.get(value, DATATYPE) as unknown };
  if (Array.isArray(value)) return { ...marks, list: value.map(described) };
  return { ...marks, map: Object.fromEntries(Object.entries(value).map(([key, child]) => [key, described(child)])) };
}

describe("a patched view", () => {
  it("is what A.view gives at the same heads, and leaves the document as it was", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (steps, picks) => {
        const start = A.from<Doc>({ a: 1, b: { c: [1, 2], t: "hello" }, d: new A.Counter(1) });
        const replicas = [start, A.clone(start), A.clone(start)];
        const seenHeads: A.Heads[] = [A.getHeads(start)];
        for (const next of steps) {
          if ("sync" in next) {
            if (next.from !== next.to) replicas[next.to] = A.merge(replicas[next.to], A.clone(replicas[next.from]));
            seenHeads.push(A.getHeads(replicas[next.to]));
          } else {
            replicas[next.replica] = A.change(replicas[next.replica], (draft) => applyEdit(draft, next));
            seenHeads.push(A.getHeads(replicas[next.replica]));
          }
        }
        let doc = A.load<Doc>(A.save(replicas[0]));
        for (const other of replicas.slice(1)) doc = A.merge(doc, A.clone(other));
        const before = described(doc);
        const headsBefore = A.getHeads(doc);
        for (const pick of picks) {
          const heads = seenHeads[pick % seenHeads.length];
          const view = patchedView(doc, heads);
          expect(described(view)).toEqual(described(A.view(doc, heads)));
          expect([...A.getHeads(view)].sort()).toEqual([...heads].sort());
        }
        // a view of two replicas' heads together (heads that no single replica had)
        const mixed = [...new Set([...A.getHeads(replicas[1]), ...A.getHeads(replicas[2])])];
        expect(described(patchedView(doc, mixed))).toEqual(described(A.view(doc, mixed)));
        expect(described(doc)).toEqual(before);
        expect(A.getHeads(doc)).toEqual(headsBefore);
      }),
      { numRuns: 150, seed: 4 },
    );
  });

  it("reads through the document's handle at its heads: conflicts and object ids as A.view reads them", () => {
    const base = A.from<Doc>({ venues: { main: { name: new A.ImmutableString("Hall") } } });
    const left = A.change(A.clone(base), (draft) => {
      (draft.venues as Doc).main = { name: new A.ImmutableString("Left hall"), seats: 10 };
    });
    const right = A.change(A.clone(base), (draft) => {
      delete (draft.venues as Doc).main;
    });
    const both = A.merge(A.clone(left), right);
    for (const heads of [A.getHeads(base), A.getHeads(left), A.getHeads(right)]) {
      const view = patchedView(both, heads);
      expect(described(view)).toEqual(described(A.view(both, heads)));
      expect(A.getConflicts(view.venues as Doc, "main")).toEqual(A.getConflicts(A.view(both, heads).venues as Doc, "main"));
    }
    // a value written on both sides at once: the document holds a conflict, the view at one side's heads none,
    // whichever side's value wins in the document
    for (const [mine, theirs] of [["ff".repeat(16), "00".repeat(16)], ["00".repeat(16), "ff".repeat(16)]]) {
      const start = A.from<Doc>({ m: { k: new A.ImmutableString("a") }, other: { q: 1 } });
      const counted = A.change(A.clone(start, { actor: mine }), (draft) => {
        (draft.m as Doc).k = new A.ImmutableString("mine");
      });
      const proposed = A.change(A.clone(start, { actor: theirs }), (draft) => {
        (draft.m as Doc).k = new A.ImmutableString("theirs");
      });
      const together = A.merge(A.clone(counted), proposed);
      expect(Object.keys(A.getConflicts(together.m as Doc, "k") ?? {})).toHaveLength(2);
      const view = patchedView(together, A.getHeads(counted));
      expect(A.getConflicts(view.m as Doc, "k")).toEqual(A.getConflicts(A.view(together, A.getHeads(counted)).m as Doc, "k"));
      expect(String((view.m as Doc).k)).toBe("mine");
      // what the proposal did not touch is the document's own object, not a copy (A.view copies everything)
      expect(view.other).toBe(together.other);
    }
  });

  it("falls back to A.view for a patch it does not apply (marks on a text)", () => {
    const plain = A.from<Doc>({ note: "hello world", other: { q: 1 } });
    const marked = A.change(A.clone(plain), (draft) => {
      A.mark(draft, ["note"], { start: 0, end: 5, expand: "none" }, "bold", true);
    });
    const both = A.merge(A.clone(plain), marked);
    expect(A.diff(both, A.getHeads(both), A.getHeads(plain)).some((patch) => patch.action === "mark" || patch.action === "unmark")).toBe(true);
    const view = patchedView(both, A.getHeads(plain));
    expect(described(view)).toEqual(described(A.view(both, A.getHeads(plain))));
    expect(A.marks(view, ["note"])).toEqual(A.marks(A.view(both, A.getHeads(plain)), ["note"]));
    expect(view.other).not.toBe(both.other); // A.view's own objects, not the document's
  });
});
