// The rules of `fork pull`, on in-memory festivals: origin-only field edits are applied, fields both sides
// changed keep the fork's value, removals are reported not applied, new venues are added, bad data writes nothing.
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { editorForDoc, type DocEditor } from "../../engine/core/editor.js";
import { PandafestError } from "../../engine/core/errors.js";
import { forkInit, planKeep, planVenuePull, applyVenuePull } from "../../engine/node/fork/index.js";
import { addVenue, editVenue, removeVenue, restoreVenue } from "../../engine/core/operations.js";
import type { Festival } from "../../engine/core/schema.js";
import { createFestivalDoc } from "../../engine/core/skeleton.js";
import { festivalView } from "../../engine/core/views.js";

const ORIGIN_URL = "automerge:2EnNQ7Wzjjvahte9RSDc3VhH8vh4";

function originWithVenues(): { origin: DocEditor; ids: Record<"a" | "b" | "c" | "d", string> } {
  const origin = editorForDoc(createFestivalDoc({ name: "Origin", timeZone: "Europe/Berlin", startDate: "2027-07-01", endDate: "2027-07-02" }));
  const ids = {
    a: addVenue(origin, { name: "Stage A", capacity: 100 }),
    b: addVenue(origin, { name: "Stage B" }),
    c: addVenue(origin, { name: "Stage C" }),
    d: addVenue(origin, { name: "Stage D", geo: { lat: 1, lon: 2 } }),
  };
  removeVenue(origin, ids.c);
  return { origin, ids };
}

function forkOf(origin: DocEditor): DocEditor {
  const heads = A.getHeads(origin.doc);
  const { init } = forkInit({ view: festivalView(origin.doc), url: ORIGIN_URL, heads }, "Fork", planKeep(undefined));
  return editorForDoc(A.change(A.init<Festival>(), init));
}

function baseOf(fork: DocEditor, origin: DocEditor) {
  const recorded = festivalView(fork.doc).forkedFrom;
  if (!recorded) throw new Error("not a fork");
  return festivalView(A.view(origin.doc, recorded.pulledHeads ?? recorded.heads));
}

describe("fork pull rules", () => {
  it("applies origin-only edits, keeps the fork's own edits, reports removals and adds new venues", () => {
    const { origin, ids } = originWithVenues();
    const fork = forkOf(origin);
    expect(Object.keys(festivalView(fork.doc).venues).sort()).toEqual([ids.a, ids.b, ids.d].sort());

    editVenue(origin, ids.a, { capacity: 200, name: "Stage A (origin)" });
    editVenue(fork, ids.a, { name: "Stage A (fork)" });
    removeVenue(origin, ids.b);
    restoreVenue(origin, ids.c);
    editVenue(origin, ids.d, { geo: null });
    const added = addVenue(origin, { name: "Stage E", tags: ["new"] });
    const own = addVenue(fork, { name: "Fork's own" });

    const now = festivalView(origin.doc);
    const pulls = planVenuePull(baseOf(fork, origin), now, festivalView(fork.doc));
    const byId = Object.fromEntries(pulls.map((pull) => [pull.venueId, pull]));
    expect(Object.keys(byId).sort()).toEqual([ids.a, ids.b, ids.c, ids.d, added].sort());
    expect(byId[ids.a]).toMatchObject({
      updated: [{ field: "capacity", from: 100, to: 200 }],
      keptInFork: [{ field: "name", origin: "Stage A (origin)", fork: "Stage A (fork)" }],
    });
    expect(byId[ids.b]).toMatchObject({ origin: "removed", updated: [], added: false });
    expect(byId[ids.c]).toMatchObject({ added: true });
    expect(byId[ids.d].updated).toEqual([{ field: "geo", from: { lat: 1, lon: 2 }, to: null }]);
    expect(byId[added]).toMatchObject({ added: true, name: "Stage E" });

    applyVenuePull(fork, pulls, now, A.getHeads(origin.doc));
    const after = festivalView(fork.doc);
    expect(after.venues[ids.a]).toMatchObject({ name: "Stage A (fork)", capacity: 200 });
    expect(after.venues[ids.b].removed).toBe(false);
    expect(after.venues[ids.c]).toMatchObject({ name: "Stage C", removed: false });
    expect(after.venues[ids.d].geo).toBeUndefined();
    expect(after.venues[added]).toMatchObject({ name: "Stage E", tags: ["new"] });
    expect(after.venues[own].name).toBe("Fork's own");
    expect(after.forkedFrom?.pulledHeads).toEqual(A.getHeads(origin.doc).sort());

    // pulling again compares from the recorded heads: nothing to do
    expect(planVenuePull(baseOf(fork, origin), festivalView(origin.doc), after)).toEqual([]);
  });

  it("reports a venue that disappeared from the origin and keeps it", () => {
    const { origin, ids } = originWithVenues();
    const fork = forkOf(origin);
    origin.change((doc) => {
      delete doc.venues[ids.b];
    }, "a peer deleted the venue outright");
    const pulls = planVenuePull(baseOf(fork, origin), festivalView(origin.doc), festivalView(fork.doc));
    expect(pulls).toEqual([expect.objectContaining({ venueId: ids.b, origin: "gone" })]);
    applyVenuePull(fork, pulls, festivalView(origin.doc), A.getHeads(origin.doc));
    expect(festivalView(fork.doc).venues[ids.b].name).toBe("Stage B");
  });

  it("refuses unacceptable values from the origin, naming the venue, and writes nothing", () => {
    const { origin, ids } = originWithVenues();
    const fork = forkOf(origin);
    editVenue(origin, ids.d, { capacity: 40 });
    origin.change((doc) => {
      doc.venues[ids.a].name = new A.ImmutableString("x".repeat(500)); // written by a faulty peer
    }, "bad name");
    const headsBefore = A.getHeads(fork.doc);
    const now = festivalView(origin.doc);
    const pulls = planVenuePull(baseOf(fork, origin), now, festivalView(fork.doc));
    let caught: unknown;
    try {
      applyVenuePull(fork, pulls, now, A.getHeads(origin.doc));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PandafestError);
    expect((caught as Error).message).toContain(`cannot pull venue`);
    expect((caught as Error).message).toContain(ids.a);
    expect(A.getHeads(fork.doc)).toEqual(headsBefore);
  });
});
