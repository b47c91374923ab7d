// The web app's stepped load of a stored festival: with the reach and with the public-API fallback it gives the same
// document as A.load (content, heads, a later change merges the same), and it pauses for the page between its steps.
import * as A from "@automerge/automerge";
import { afterAll, describe, expect, it } from "vitest";
import { loadInSteps, useSteppedLoad } from "../../engine/internals/stepped-load.js";

type Doc = {
  title: string;
  venues: Record<string, { name: A.ImmutableString; tags: string[] }>;
  days: number[];
};

function storedBytes(): { bytes: Uint8Array; doc: A.Doc<Doc> } {
  let doc = A.from<Doc>({ title: "Sommerfest", venues: {}, days: [1, 2] });
  for (let i = 0; i < 50; i++) {
    doc = A.change(doc, (draft) => {
      draft.venues[`v_${i}`] = { name: new A.ImmutableString(`Venue ${i}`), tags: ["a", "b"] };
      A.splice(draft, ["title"], draft.title.length, 0, "!");
    });
  }
  const other = A.change(A.clone(doc), (draft) => draft.days.push(3));
  // a snapshot, then one more change stored on its own, as chunks on disk are joined
  return { bytes: new Uint8Array([...A.save(doc), ...A.saveSince(other, A.getHeads(doc))]), doc: A.merge(A.clone(doc), other) };
}

describe.each([true, false])("loadInSteps (the reach %s)", (reach) => {
  afterAll(() => useSteppedLoad(true));

  it("gives the document A.load gives, pausing between its steps", async () => {
    useSteppedLoad(reach);
    const { bytes, doc: expected } = storedBytes();
    let pauses = 0;
    const loaded = await loadInSteps<Doc>(bytes, async () => {
      pauses += 1;
    });
    expect(pauses).toBeGreaterThanOrEqual(reach ? 3 : 2);
    expect(A.toJS(loaded)).toEqual(A.toJS(expected));
    expect(A.getHeads(loaded).sort()).toEqual(A.getHeads(expected).sort());
    // the loaded document is a working document: a change on it merges like one on A.load's
    const edited = A.change(loaded, (draft) => {
      draft.venues.v_0.tags.push("c");
    });
    const merged = A.merge(A.load<Doc>(bytes), edited);
    expect(merged.venues.v_0.tags).toEqual(["a", "b", "c"]);
    expect(merged.title).toBe(expected.title);
  });
});
