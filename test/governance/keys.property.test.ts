// Property: random joins, removals, new epochs and partitions on 3-5 replicas of a private festival: at every
// replica and every moment nobody without a role holds the current key, and replicas that met agree on the keys.
import * as A from "@automerge/automerge";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { governanceOf, type Festival, type GovernanceRecord } from "../../engine/core/index.js";
import { festivalKeyFor, keyringOf, membersLackingKey, newEpoch, shareRecords } from "../../engine/core/membership/index.js";
import { toHex } from "../../engine/core/keys.js";
import { founded, person, record, type Person } from "./governance-helpers.js";

const people: Person[] = [person("Ada"), person("Bo"), person("Cy"), person("Dee"), person("Eve")];

type Step =
  | { kind: "join"; replica: number; who: number; subject: number; role: "edit" | "manage" }
  | { kind: "remove"; replica: number; who: number; subject: number }
  | { kind: "rekey"; replica: number; who: number }
  | { kind: "sync"; from: number; to: number };

const step = (replicas: number): fc.Arbitrary<Step> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("join" as const), replica: fc.nat(replicas - 1), who: fc.nat(4), subject: fc.nat(4), role: fc.constantFrom("edit" as const, "manage" as const) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("remove" as const), replica: fc.nat(replicas - 1), who: fc.nat(4), subject: fc.nat(4) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("rekey" as const), replica: fc.nat(replicas - 1), who: fc.nat(4) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("sync" as const), from: fc.nat(replicas - 1), to: fc.nat(replicas - 1) }) },
  );

const roleOf = (doc: A.Doc<Festival>, id: string, who: Person) => governanceOf(doc, id).roles.get(who.publicKey);

/** Each person writes under an actor of their own on each replica, as each device has its own. */
function actorOf(who: Person, replica: number): string {
  return toHex(new Uint8Array([people.indexOf(who) + 1, replica + 1, ...new Array(14).fill(7)]));
}

function write(doc: A.Doc<Festival>, id: string, who: Person, records: GovernanceRecord[], replica = 0): A.Doc<Festival> {
  if (records.length === 0) return doc;
  const own = A.getActorId(doc) === actorOf(who, replica) ? doc : A.clone(doc, { actor: actorOf(who, replica) });
  return records.reduce((next, one) => record(next, id, who, one), own);
}

/** One step as the CLI would take it, or nothing when the actor may not (no manage role where they are). */
function apply(doc: A.Doc<Festival>, id: string, step: Exclude<Step, { kind: "sync" }>): A.Doc<Festival> {
  const replica = step.replica;
  const who = people[step.who];
  if (roleOf(doc, id, who) !== "manage") return doc;
  const members = () => [...governanceOf(doc, id).roles.keys()];
  const number = keyringOf(doc, id).number + 1;
  if (step.kind === "rekey") return write(doc, id, who, [newEpoch(members(), number).record], replica);
  const subject = people[step.subject];
  if (step.kind === "join") {
    const granted = write(doc, id, who, [{ kind: "grant", key: subject.publicKey, role: step.role }], replica);
    return write(granted, id, who, shareRecords(doc, id, who, [subject.publicKey]), replica);
  }
  if (!governanceOf(doc, id).roles.has(subject.publicKey) || subject === people[0]) return doc; // the founder stays, so a manager remains
  const epoch = newEpoch(members().filter((key) => key !== subject.publicKey), number).record;
  return write(doc, id, who, [epoch, { kind: "withdraw", key: subject.publicKey }], replica);
}

/** Nobody without a role holds the current key; a member either holds it or is listed as lacking it. */
function checkKeys(doc: A.Doc<Festival>, id: string): void {
  const lacking = new Set(membersLackingKey(doc, id));
  for (const who of people) {
    const key = festivalKeyFor(doc, id, who);
    if (roleOf(doc, id, who) === undefined) expect(key, `${who.name} has no role but holds the key`).toBeUndefined();
    else expect(key === undefined, `${who.name}: holds the key unless listed as lacking it`).toBe(lacking.has(who.publicKey));
  }
}

function keysSeen(doc: A.Doc<Festival>, id: string): string {
  const keyring = keyringOf(doc, id);
  return JSON.stringify({ current: keyring.current.map((epoch) => epoch.keyId), held: people.map((who) => festivalKeyFor(doc, id, who)?.keyId ?? null) });
}

describe("member keys under random joins, removals and partitions", () => {
  it("never lets a key reach someone without a role, and replicas that met agree", () => {
    const scenario = fc.integer({ min: 3, max: 5 }).chain((count) => fc.tuple(fc.constant(count), fc.array(step(count), { minLength: 4, maxLength: 18 })));
    fc.assert(
      fc.property(scenario, ([count, steps]) => {
        const { doc: start, id } = founded(people[0]);
        // Ada, Bo and Cy manage, Dee edits, Eve is outside: removals and joins while apart are common
        const granted = write(start, id, people[0], [
          { kind: "grant", key: people[1].publicKey, role: "manage" },
          { kind: "grant", key: people[2].publicKey, role: "manage" },
          { kind: "grant", key: people[3].publicKey, role: "edit" },
        ]);
        const first = write(granted, id, people[0], [newEpoch(people.slice(0, 4).map((who) => who.publicKey), 1).record]);
        const replicas = Array.from({ length: count }, () => A.clone(first));
        for (const next of steps) {
          if (next.kind === "sync") {
            if (next.from !== next.to) replicas[next.to] = A.merge(replicas[next.to], replicas[next.from]);
          }
          else replicas[next.replica] = apply(replicas[next.replica], id, next);
          checkKeys(replicas[next.kind === "sync" ? next.to : next.replica], id);
        }
        // all meet, in two different orders: the same keys everywhere
        const forwards = replicas.slice(1).reduce((left, right) => A.merge(left, right), A.clone(replicas[0]));
        const backwards = [...replicas].reverse().slice(1).reduce((left, right) => A.merge(left, right), A.clone(replicas[replicas.length - 1]));
        checkKeys(forwards, id);
        expect(keysSeen(backwards, id)).toBe(keysSeen(forwards, id));
        // a manager's new epoch gives every member the key and nobody else
        const manager = people.find((who) => roleOf(forwards, id, who) === "manage") as Person;
        const settled = apply(forwards, id, { kind: "rekey", replica: 0, who: people.indexOf(manager) });
        expect(keyringOf(settled, id).current).toHaveLength(1);
        expect(membersLackingKey(settled, id)).toEqual([]);
        checkKeys(settled, id);
      }),
      { numRuns: 40 },
    );
  }, 240_000);
});
