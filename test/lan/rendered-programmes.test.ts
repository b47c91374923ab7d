// The node's kept programme renderings: one rendering per festival version, a new one for new heads, and within
// their bounds (festivals and bytes) the least recently asked dropped first, the one just rendered always kept.
import { describe, expect, it } from "vitest";
import { RenderedProgrammes } from "../../apps/server/rendered-programmes.js";

describe("RenderedProgrammes", () => {
  it("renders a festival once per version and drops the least recently asked past its byte bound", () => {
    const renders: string[] = [];
    const kept = new RenderedProgrammes(16, 2_500);
    const ask = (id: string, heads: string[]) =>
      kept.get(id, heads, () => {
        renders.push(`${id}@${heads.join(",")}`);
        return `${id}:`.padEnd(1_000, "x");
      });
    ask("a", ["h1"]);
    ask("a", ["h1"]);
    ask("b", ["h1"]);
    expect(renders).toEqual(["a@h1", "b@h1"]);
    ask("a", ["h2"]); // a new version of a: rendered anew, the old one gone
    expect(renders).toEqual(["a@h1", "b@h1", "a@h2"]);
    ask("b", ["h1"]); // b is now the most recently asked
    ask("c", ["h1"]); // three bodies pass 2,500 bytes: a, the least recently asked, is dropped
    ask("b", ["h1"]);
    ask("a", ["h2"]);
    expect(renders).toEqual(["a@h1", "b@h1", "a@h2", "c@h1", "a@h2"]);
    expect(kept.get("d", ["h1"], () => "d".repeat(10_000))?.body.length).toBe(10_000); // larger than the bound, still kept
    expect(kept.get("d", ["h1"], () => undefined)?.body.length).toBe(10_000);
    expect(kept.get("e", ["h1"], () => undefined)).toBeUndefined(); // nothing to render: nothing kept
  });
});
