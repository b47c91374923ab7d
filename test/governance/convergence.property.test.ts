// Property: random grants, withdrawals, edits, proposals and decisions on 3-5 replicas that merge at random
// converge to the same visible festival on every replica, whatever order the changes arrived in.
import * as A from "@automerge/automerge";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usePatchedViews } from "../../engine/internals/patched-view.js";
import { decideAfresh, festivalView, governanceOf, proposalsOf, visibleFestival, type Festival } from "../../engine/core/index.js";
import { edit, founded, person, record, type Person } from "./governance-helpers.js";

const people: Person[] = [person("Ada"), person("Bo"), person("Cy"), person("Mallory")];

type Step =
  | { kind: "edit"; replica: number; who: number; value: number }
  | { kind: "grant"; replica: number; who: number; subject: number; role: "edit" | "manage" }
  | { kind: "withdraw"; replica: number; who: number; subject: number }
  | { kind: "decide"; replica: number; who: number; accept: boolean }
  | { kind: "sync"; from: number; to: number };

const replicaCount = fc.integer({ min: 3, max: 5 });
const step = (replicas: number): fc.Arbitrary<Step> =>
  fc.oneof(
    fc.record({ kind: fc.constant("edit" as const), replica: fc.nat(replicas - 1), who: fc.nat(3), value: fc.nat(999) }),
    fc.record({ kind: fc.constant("grant" as const), replica: fc.nat(replicas - 1), who: fc.nat(3), subject: fc.nat(3), role: fc.constantFrom("edit" as const, "manage" as const) }),
    fc.record({ kind: fc.constant("withdraw" as const), replica: fc.nat(replicas - 1), who: fc.nat(3), subject: fc.nat(3) }),
    fc.record({ kind: fc.constant("decide" as const), replica: fc.nat(replicas - 1), who: fc.nat(3), accept: fc.boolean() }),
    fc.record({ kind: fc.constant("sync" as const), from: fc.nat(replicas - 1), to: fc.nat(replicas - 1) }),
  );

/** What members see, comparable: the plain view and the heads it stands at. */
function seen(doc: A.Doc<Festival>, id: string): string {
  const governance = governanceOf(doc, id);
  const view = festivalView(visibleFestival(doc, id));
  // the replica kept in step (or copied) shows what the whole document shows at the counting heads
  if (!governance.allCount) expect(view).toEqual(festivalView(A.view(doc, governance.visibleHeads)));
  // and the decision extended from earlier versions is the one made from nothing
  const standings = (decided: typeof governance) => decided.changes.map((change) => `${change.hash}:${change.status}:${change.author ?? ""}`).sort();
  expect(standings(governance)).toEqual(standings(decideAfresh(doc, id)));
  return JSON.stringify({ view, heads: governance.visibleHeads });
}

/** A stable pseudo-random rank of a change for a shuffle. */
function hashOf(change: Uint8Array, salt: number): number {
  let hash = salt | 0;
  for (let index = 0; index < change.length; index += 7) hash = (Math.imul(hash, 31) + change[index]) | 0;
  return hash;
}

describe.each([
  { views: "patched views", patched: true },
  { views: "A.view (the reach switched off)", patched: false },
])("governance convergence, reading with $views", ({ patched }) => {
  beforeAll(() => usePatchedViews(patched));
  afterAll(() => usePatchedViews(true));

  it("every replica that holds the same changes shows the same festival, whatever the order they arrived in", () => {
    const scenario = replicaCount.chain((count) => fc.tuple(fc.constant(count), fc.array(step(count), { minLength: 5, maxLength: 25 }), fc.array(fc.nat(), { minLength: count, maxLength: count })));
    fc.assert(
      fc.property(scenario, ([count, steps, order]) => {
        const { doc: start, id } = founded(people[0]);
        const replicas = Array.from({ length: count }, () => A.clone(start));
        for (const next of steps) {
          if (next.kind === "sync") {
            if (next.from !== next.to) replicas[next.to] = A.merge(replicas[next.to], A.clone(replicas[next.from]));
            continue;
          }
          const who = people[next.who];
          const replica = A.clone(replicas[next.replica], { actor: A.getActorId(replicas[next.replica]) });
          if (next.kind === "edit") {
            replicas[next.replica] = edit(replica, id, who, "edit", (draft) => {
              draft.description = new A.ImmutableString(`by ${who.name}: ${next.value}`);
            });
          } else if (next.kind === "grant") {
            replicas[next.replica] = record(replica, id, who, { kind: "grant", key: people[next.subject].publicKey, role: next.role });
          } else if (next.kind === "withdraw") {
            replicas[next.replica] = record(replica, id, who, { kind: "withdraw", key: people[next.subject].publicKey });
          } else {
            const waiting = proposalsOf(replica, id);
            if (waiting.length === 0) continue;
            replicas[next.replica] = record(replica, id, who, { kind: next.accept ? "accept" : "reject", hash: waiting[0].hash });
          }
        }
        // every replica receives everything, each in its own order
        const results = replicas.map((_, index) => {
          const arrival = replicas.map((__, other) => (other + index + (order[index] ?? 0)) % count);
          let doc = A.clone(replicas[arrival[0]]);
          for (const other of arrival.slice(1)) doc = A.merge(doc, A.clone(replicas[other]));
          return seen(doc, id);
        });
        // and one that took every change alone, in a shuffled order (Automerge holds each until its dependencies arrive)
        let everything = A.clone(replicas[0]);
        for (const other of replicas.slice(1)) everything = A.merge(everything, A.clone(other));
        const shuffled = [...A.getAllChanges(everything)].sort((left, right) => hashOf(left, order[0] ?? 0) - hashOf(right, order[0] ?? 0));
        let oneByOne = A.init<Festival>();
        for (const change of shuffled) {
          [oneByOne] = A.applyChanges(oneByOne, [change]);
          governanceOf(oneByOne, id); // decided change by change, each decision extended from the last
        }
        results.push(seen(oneByOne, id));
        expect(new Set(results).size).toBe(1);
      }),
      { numRuns: 40, seed: 15 },
    );
  });
});
