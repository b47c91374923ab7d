// Three data directories that never sync directly converge by passing one stick around (CLI processes),
// with edits in between, concurrent edits of one field among them.
import { describe, expect, it } from "vitest";
import { cliJson, festivalFixture, tempDir } from "../helpers/cli.js";

interface Shown {
  heads: string[];
  description: string;
  venues: Record<string, { name: string }>;
}

interface Summary {
  festivals: { festival: string | null; in: number; out: number; waiting: number }[];
  refused: unknown[];
}

describe("three machines and one stick (CLI)", () => {
  it("converge to the same heads and the same festival", async () => {
    const a = await festivalFixture("Stick Fest", { open: true });
    const festival = a.festival;
    const stick = await tempDir("pandafest-stick-");
    const b = await tempDir();
    const c = await tempDir();
    await Promise.all([cliJson(b, ["init", "--name", "Bea"]), cliJson(c, ["init", "--name", "Cas"])]);
    const visit = async (dataDir: string): Promise<Summary> => {
      const summary = await cliJson<Summary>(dataDir, ["stick", "sync", stick]);
      expect(summary.refused).toEqual([]);
      expect(summary.festivals.every((entry) => entry.waiting === 0)).toBe(true);
      return summary;
    };

    expect((await visit(a.dataDir)).festivals[0].out).toBeGreaterThan(0); // A
    expect((await visit(b)).festivals[0].in).toBeGreaterThan(0); // B
    await cliJson(b, ["festival", "edit", festival, "--description", "Bea says: by the river"]);
    await cliJson(b, ["venue", "add", festival, "--name", "Barn"]);
    await visit(c); // C
    await cliJson(c, ["festival", "edit", festival, "--description", "Cas says: in the forest"]);
    await cliJson(c, ["venue", "add", festival, "--name", "Tent"]);
    await cliJson(a.dataDir, ["festival", "edit", festival, "--description", "Ada says: on the hill"]);
    await visit(a.dataDir); // A
    const atB = await visit(b); // B
    expect(atB.festivals[0].in).toBeGreaterThan(0);
    expect(atB.festivals[0].out).toBeGreaterThan(0);
    // closing round: no more edits, the last ones reach everyone
    await visit(c);
    await visit(a.dataDir);
    await visit(b);

    const shown = await Promise.all([a.dataDir, b, c].map((dataDir) => cliJson<Shown>(dataDir, ["festival", "show", festival])));
    expect(shown[1]).toEqual(shown[0]);
    expect(shown[2]).toEqual(shown[0]);
    expect(Object.values(shown[0].venues).map((venue) => venue.name).sort()).toEqual(["Barn", "Main Stage", "Tent"]);
    expect(["Bea says: by the river", "Cas says: in the forest", "Ada says: on the hill"]).toContain(shown[0].description);
    expect(shown[0].heads.length).toBeGreaterThan(0);
  });
});
