// Plurality: peers that set one field concurrently leave several values; findConflicts reports
// them with their actors, pickConflictValue resolves them, and the quick scan matches a full scan.
import * as A from "@automerge/automerge";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { conflictFieldOf, conflictsAtFields, findConflicts, pickConflictValue } from "../../engine/core/conflicts.js";
import { PandafestError } from "../../engine/core/errors.js";
import { addEvent, addVenue, editEvent, editFestival, editVenue, removeVenue, restoreVenue } from "../../engine/core/operations.js";
import { eventView, festivalView } from "../../engine/core/views.js";
import { actorOf, mergeInto, newFestival, peerOf, storedEvent } from "./helpers.js";

function twoPeers() {
  const origin = newFestival({}, "0000");
  const venueId = addVenue(origin, { name: "Stage", tags: ["loud"] });
  const eventId = addEvent(origin, {
    title: "Opening",
    venueId,
    start: "2027-07-01T20:00:00+02:00",
    end: "2027-07-01T21:00:00+02:00",
  });
  return { alice: peerOf(origin, "aaaa"), bob: peerOf(origin, "bbbb"), venueId, eventId };
}

describe("findConflicts", () => {
  it("reports a field two peers set concurrently, with each value's actor", () => {
    const { alice, bob, eventId } = twoPeers();
    editEvent(alice, eventId, { title: "Grand opening" });
    editEvent(bob, eventId, { title: "Opening night" });
    editFestival(alice, { name: "Lakeside" });
    editFestival(bob, { name: "Seaside" });
    const merged = mergeInto(alice, bob);

    const conflicts = findConflicts(merged.doc);
    expect(conflicts.map((c) => c.path)).toEqual([["events", eventId, "title"], ["name"]]);
    const title = conflicts[0];
    expect(title.values.map((v) => [v.value, v.actor]).sort()).toEqual([
      ["Grand opening", actorOf(alice)],
      ["Opening night", actorOf(bob)],
    ]);
    for (const value of title.values) expect(value.opId).toMatch(new RegExp(`^\\d+@${value.actor}$`));
    expect(title.current).toBe(eventView(merged.doc, eventId)?.title);
    expect(findConflicts(merged.doc, { fullScan: true })).toEqual(conflicts);
  });

  it("reports nothing when edits touch different fields or follow each other", () => {
    const { alice, bob, eventId, venueId } = twoPeers();
    editEvent(alice, eventId, { title: "A" });
    editEvent(bob, eventId, { description: "B" });
    const merged = mergeInto(alice, bob);
    editVenue(merged, venueId, { name: "After the merge" });
    expect(findConflicts(merged.doc)).toEqual([]);
  });

  it("reports whole-list and flag conflicts as plain values", () => {
    const { alice, bob, venueId } = twoPeers();
    editVenue(alice, venueId, { tags: ["quiet"] });
    editVenue(bob, venueId, { tags: ["loud", "late"] });
    removeVenue(alice, venueId);
    removeVenue(bob, venueId);
    restoreVenue(bob, venueId);
    const conflicts = findConflicts(mergeInto(alice, bob).doc);
    const byField = Object.fromEntries(conflicts.map((c) => [c.path[2], c.values.map((v) => v.value)]));
    expect(byField.tags).toEqual(expect.arrayContaining([["quiet"], ["loud", "late"]]));
    expect(byField.removed?.sort()).toEqual([false, true]);
  });

  it("still finds an old conflict after a long linear history", () => {
    const { alice, bob, eventId, venueId } = twoPeers();
    editEvent(alice, eventId, { status: "tentative" });
    editEvent(bob, eventId, { status: "cancelled" });
    const merged = mergeInto(alice, bob);
    for (let i = 0; i < 5; i++) editVenue(merged, venueId, { description: `note ${i}` });
    expect(findConflicts(merged.doc).map((c) => c.path)).toEqual([["events", eventId, "status"]]);
  });
});

describe("conflictsAtFields", () => {
  it("finds from a change's patches alone what a scan finds, and sees a pick resolve it", () => {
    const { alice, bob, eventId, venueId } = twoPeers();
    editEvent(alice, eventId, { title: "Grand opening", status: "tentative" });
    editEvent(bob, eventId, { title: "Opening night" });
    editVenue(alice, venueId, { name: "Big Stage" });
    editVenue(bob, venueId, { name: "Huge Stage", address: "Field 2" });
    editFestival(bob, { name: "Seaside" });
    const before = A.getHeads(alice.doc);
    const merged = mergeInto(alice, bob);
    const touched = (from: A.Heads) =>
      A.diff(merged.doc, from, A.getHeads(merged.doc)).flatMap((patch) => {
        const field = conflictFieldOf(patch.path);
        return field ? [field] : [];
      });
    const fields = touched(before);
    expect(fields).toContainEqual(["events", eventId, "title"]);
    expect(conflictsAtFields(merged.doc, fields)).toEqual(findConflicts(merged.doc));
    expect(findConflicts(merged.doc).map((conflict) => conflict.path)).toEqual([["events", eventId, "title"], ["venues", venueId, "name"]]);

    const beforePick = A.getHeads(merged.doc);
    pickConflictValue(merged, ["events", eventId, "title"], "Opening night");
    expect(conflictsAtFields(merged.doc, touched(beforePick))).toEqual([]);
    expect(conflictFieldOf(["eventShards", "07", eventId, "hostIds", 0])).toEqual(["events", eventId, "hostIds"]);
    expect(conflictFieldOf(["authors", "aaaa"])).toBeNull();
    expect(conflictFieldOf(["timeZone"])).toEqual(["timeZone"]);
  });
});

describe("pickConflictValue", () => {
  it("resolves a conflict for every peer that merges the pick", () => {
    const { alice, bob, eventId } = twoPeers();
    editEvent(alice, eventId, { title: "Grand opening" });
    editEvent(bob, eventId, { title: "Opening night" });
    const merged = mergeInto(alice, bob);
    pickConflictValue(merged, ["events", eventId, "title"], "Opening night");
    expect(findConflicts(merged.doc)).toEqual([]);
    expect(A.isImmutableString(storedEvent(merged.doc, eventId).title)).toBe(true);
    const bobLater = mergeInto(bob, merged);
    expect(eventView(bobLater.doc, eventId)?.title).toBe("Opening night");
    expect(findConflicts(bobLater.doc)).toEqual([]);
  });

  it("writes back list and boolean values in their stored form", () => {
    const { alice, bob, venueId } = twoPeers();
    editVenue(alice, venueId, { tags: ["quiet"] });
    editVenue(bob, venueId, { tags: ["loud", "late"] });
    const merged = mergeInto(alice, bob);
    pickConflictValue(merged, ["venues", venueId, "tags"], ["loud", "late"]);
    expect(festivalView(merged.doc).venues[venueId].tags).toEqual(["loud", "late"]);
    expect(A.isImmutableString(merged.doc.venues[venueId].tags[0])).toBe(true);
  });

  it("refuses a field without a conflict, a value that is not in it, and a bad path", () => {
    const { alice, bob, eventId } = twoPeers();
    editEvent(alice, eventId, { title: "X" });
    editEvent(bob, eventId, { title: "Y" });
    const merged = mergeInto(alice, bob);
    const heads = A.getHeads(merged.doc);
    expect(() => pickConflictValue(merged, ["name"], "Test festival")).toThrow(/name has no concurrent values now/);
    expect(() => pickConflictValue(merged, ["events", eventId, "title"], "Z")).toThrow(/"Z" is not one of the concurrent values.*choose one of "X", "Y"/);
    expect(() => pickConflictValue(merged, ["events", "e_gone", "title"], "X")).toThrow(/no events item "e_gone"/);
    expect(() => pickConflictValue(merged, ["venues"], {})).toThrow(PandafestError);
    expect(() => pickConflictValue(merged, ["events", eventId], "X")).toThrow(/invalid field path/);
    expect(A.getHeads(merged.doc)).toEqual(heads);
  });
});

describe("quick scan", () => {
  type Step =
    | { kind: "title"; peer: number; event: number; text: string }
    | { kind: "name"; peer: number; text: string }
    | { kind: "tags"; peer: number; event: number; tags: string[] }
    | { kind: "merge"; from: number; to: number };

  const word = fc.constantFrom("a", "b", "c");
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant("title" as const), peer: fc.nat(2), event: fc.nat(2), text: word }),
    fc.record({ kind: fc.constant("name" as const), peer: fc.nat(2), text: word }),
    fc.record({ kind: fc.constant("tags" as const), peer: fc.nat(2), event: fc.nat(2), tags: fc.array(word, { maxLength: 2 }) }),
    fc.record({ kind: fc.constant("merge" as const), from: fc.nat(2), to: fc.nat(2) }),
  );

  it("finds exactly what a full scan finds, whatever the history", () => {
    const origin = newFestival({}, "0000");
    const venueId = addVenue(origin, { name: "Stage" });
    const eventIds = [0, 1, 2].map((i) =>
      addEvent(origin, { title: `E${i}`, venueId, start: "2027-07-01T20:00:00Z", end: "2027-07-01T21:00:00Z" }),
    );
    let runsWithConflicts = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) => {
        const peers = ["aa01", "bb02", "cc03"].map((actor) => peerOf(origin, actor));
        for (const s of steps) {
          if (s.kind === "merge") {
            if (s.from !== s.to) peers[s.to] = mergeInto(peers[s.to], peers[s.from]);
          } else if (s.kind === "name") {
            editFestival(peers[s.peer], { name: `${s.text}${s.peer}` });
          } else if (s.kind === "title") {
            editEvent(peers[s.peer], eventIds[s.event], { title: `${s.text}${s.peer}` });
          } else {
            editEvent(peers[s.peer], eventIds[s.event], { tags: s.tags });
          }
        }
        const all = mergeInto(mergeInto(peers[0], peers[1]), peers[2]);
        const quick = findConflicts(all.doc);
        expect(quick).toEqual(findConflicts(all.doc, { fullScan: true }));
        // past the limit of changes read back one by one, every field is checked instead: the same result
        expect(findConflicts(all.doc, { inspectLimit: 0 })).toEqual(quick);
        if (quick.length > 0) runsWithConflicts++;
      }),
      { numRuns: 30 },
    );
    expect(runsWithConflicts).toBeGreaterThan(0);
  });
});
