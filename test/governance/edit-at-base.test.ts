// Edits at the editing base in a session that holds no replica: made with changeAt on a copy of the whole festival,
// or (changeAt off, or refusing) on a copy at the heads; either way they count, build on what counts alone and are
// credited to their author, and a command's staged edits each build on the one before.
import * as A from "@automerge/automerge";
import { afterAll, describe, expect, it } from "vitest";
import {
  ATTESTATION_MESSAGE,
  addVenue,
  editingBase,
  EditsAtBase,
  festivalView,
  forgetKnownReplicas,
  governanceOf,
  PandafestError,
  recordMember,
  replicaKnownAt,
  signedChangeVisibly,
  useChangeAt,
  verifyHistory,
  type Festival,
} from "../../engine/core/index.js";
import { loadIdentity } from "../../engine/node/identity.js";
import { dataDirWithIdentity, withStore } from "../fork/store-fixtures.js";
import { edit, founded, merged, person, record, replicaOf } from "./governance-helpers.js";

const ada = person("Ada");
const bo = person("Bo");
const mallory = person("Mallory");

const rename = (name: string) => (draft: Festival) => {
  draft.name = new A.ImmutableString(name);
};

/** What members see, read the slow and certain way: the whole document at the counting heads. */
function viewAtCountingHeads(doc: A.Doc<Festival>, id: string) {
  return festivalView(A.view(doc, governanceOf(doc, id).visibleHeads));
}

/** Ada (manager) and Bo (editor) work, Mallory's rename waits as a proposal; `both` as a session loads it from storage. */
function withProposal() {
  const { doc, id } = founded(ada);
  const granted = record(doc, id, ada, { kind: "grant", key: bo.publicKey, role: "edit" });
  const attempt = edit(replicaOf(granted), id, mallory, "rename festival", rename("Hijacked"));
  const both = A.load<Festival>(A.save(merged(granted, attempt)));
  forgetKnownReplicas(); // a session holding no replica
  return { id, both, attempt };
}

/** The changes `after` holds beyond `before`, with their standing there. */
function added(before: A.Doc<Festival>, after: A.Doc<Festival>, id: string) {
  const governance = governanceOf(after, id);
  return A.getChangesMetaSince(after, A.getHeads(before)).map((change) => ({
    ...change,
    status: governance.changes.find((standing) => standing.hash === change.hash)?.status,
  }));
}

const sorted = (heads: readonly string[]) => [...heads].sort();

describe.each([
  ["with changeAt", true],
  ["on a copy at the heads (changeAt off)", false],
])("an edit at the editing base, %s", (_, changeAt) => {
  afterAll(() => useChangeAt(true));

  it("counts, builds only on the counting heads, and is credited to the member", () => {
    useChangeAt(changeAt);
    const { id, both } = withProposal();
    const visibleHeads = governanceOf(both, id).visibleHeads;
    const actorsBefore = A.getChangesMetaSince(both, []).map((change) => change.actor);
    const signed = signedChangeVisibly(both, id, bo, "rename", (draft) => {
      rename("Bo's Fest")(draft);
      recordMember(draft, bo);
    });
    const changes = added(both, signed, id);
    expect(changes.map((change) => change.message)).toEqual(["rename", ATTESTATION_MESSAGE]);
    expect(sorted(changes[0].deps)).toEqual(sorted(visibleHeads));
    expect(changes[1].deps).toEqual([changes[0].hash]);
    expect(changes.map((change) => change.status)).toEqual(["counts", "counts"]);
    // under the session's member actor: new to the festival, sorting after its actors
    expect(new Set(changes.map((change) => change.actor)).size).toBe(1);
    for (const actor of actorsBefore) expect(changes[0].actor > actor, `${changes[0].actor} after ${actor}`).toBe(true);
    const records = verifyHistory(signed, id).filter((entry) => changes.some((change) => change.hash === entry.hash));
    expect(records.map((entry) => [entry.verified, entry.author?.key])).toEqual([
      [true, bo.publicKey],
      [true, bo.publicKey],
    ]);
    expect((viewAtCountingHeads(signed, id)).name).toBe("Bo's Fest");
  });

  it("copies the festival at the counting heads once a session keeps editing (with changeAt, from its third edit)", () => {
    useChangeAt(changeAt);
    const { id, both } = withProposal();
    const byBo = (doc: A.Doc<Festival>, name: string) =>
      signedChangeVisibly(doc, id, bo, "rename", (draft) => {
        rename(name)(draft);
        recordMember(draft, bo);
      });
    const replicaLeft = (doc: A.Doc<Festival>) => replicaKnownAt(doc, editingBase(doc, id) ?? []);
    const first = byBo(both, "One");
    expect(replicaLeft(first), "the first edit leaves a replica only when it copied the festival").toBe(!changeAt);
    const second = byBo(first, "Two");
    expect(replicaLeft(second), "so does the second").toBe(!changeAt);
    const third = byBo(second, "Three");
    expect(replicaLeft(third), "the third leaves one either way").toBe(true);
    const fourth = byBo(third, "Four");
    const changes = added(both, fourth, id);
    expect(changes.map((change) => change.status)).toEqual(Array(8).fill("counts"));
    expect(new Set(changes.map((change) => change.actor)).size).toBe(1);
    expect(viewAtCountingHeads(fourth, id).name).toBe("Four");
  });

  it("continues a session's own proposal under its own actor, building on that proposal", () => {
    useChangeAt(changeAt);
    const { id, both, attempt } = withProposal();
    // Mallory's session: her proposal arrived next to the festival's later changes, and so did another outsider's
    const other = edit(replicaOf(both), id, person("Eve"), "describe", (draft) => {
      draft.description = new A.ImmutableString("Eve's");
    });
    const session = A.merge(A.merge(A.clone(attempt, { actor: A.getActorId(attempt) }), both), other);
    const ownLatest = A.getChangesMetaSince(session, []).filter((change) => change.actor === A.getActorId(attempt)).sort((a, b) => b.seq - a.seq)[0];
    const base = editingBase(session, id);
    expect(base).toContain(ownLatest.hash);
    const signed = signedChangeVisibly(session, id, mallory, "rename again", (draft) => {
      rename("Hijacked twice")(draft);
      recordMember(draft, mallory);
    });
    const changes = added(session, signed, id);
    expect(changes.map((change) => change.actor)).toEqual([A.getActorId(attempt), A.getActorId(attempt)]);
    expect(sorted(changes[0].deps)).toEqual(sorted(base ?? []));
    expect(changes.map((change) => change.status)).not.toContain("counts");
    expect((viewAtCountingHeads(signed, id)).name).toBe("Summer Fest");
  });

  it("stages several edits, each building on the one before, read as they go, then signed", () => {
    useChangeAt(changeAt);
    const { id, both } = withProposal();
    const base = editingBase(both, id);
    if (base === null) throw new Error("the festival has a proposal: the base is not its heads");
    const edits = new EditsAtBase(both, base);
    edits.change("rename", rename("Staged"));
    expect(String(edits.read().name)).toBe("Staged");
    edits.change("describe", (draft) => {
      draft.description = new A.ImmutableString("Two steps");
      recordMember(draft, bo);
    });
    expect(String(edits.read().name)).toBe("Staged");
    expect(String(edits.read().description)).toBe("Two steps");
    edits.sign(id, bo);
    expect(edits.byChangeAt).toBe(changeAt);
    const [after] = A.applyChanges(both, edits.changes());
    edits.finish(true);
    const changes = added(both, after, id);
    expect(changes.map((change) => change.message)).toEqual(["rename", "describe", ATTESTATION_MESSAGE]);
    expect(sorted(changes[0].deps)).toEqual(sorted(base));
    expect(changes[1].deps).toEqual([changes[0].hash]);
    expect(changes[2].deps).toEqual([changes[1].hash]);
    expect(changes.map((change) => change.status)).toEqual(["counts", "counts", "counts"]);
    expect(changes.map((change) => change.actor)).toEqual(Array(3).fill(A.getActorId(both)));
    const view = (viewAtCountingHeads(after, id));
    expect([view.name, view.description]).toEqual(["Staged", "Two steps"]);
  });

  it("applies a command's staged edits through the store on what counts, each on the one before, signed by the user", async () => {
    useChangeAt(changeAt);
    const dataDir = await dataDirWithIdentity("Ada");
    const user = await loadIdentity(dataDir);
    await withStore(dataDir, async (store) => {
      const { id, handle } = await store.create({ name: "Summer Fest", startDate: "2027-07-01", endDate: "2027-07-03", timeZone: "Europe/Berlin" });
      const attempt = edit(A.clone(handle.doc()), id, mallory, "rename festival", rename("Hijacked"));
      handle.update((doc) => A.merge(doc, attempt));
      await store.commit();
      forgetKnownReplicas();
      const before = handle.doc();
      const visibleHeads = governanceOf(before, id).visibleHeads;
      const editor = store.editor(handle, user);
      const barn = addVenue(editor, { name: "Barn" });
      const hall = addVenue(editor, { name: "Hall" });
      expect(Object.keys(editor.read().venues).sort()).toEqual([barn, hall].sort());
      expect(String(editor.read().name)).toBe("Summer Fest");
      await store.commit();
      const changes = added(before, handle.doc(), id);
      expect(changes.map((change) => change.message?.startsWith(ATTESTATION_MESSAGE) ?? false)).toEqual([false, false, true]);
      expect(sorted(changes[0].deps)).toEqual(sorted(visibleHeads));
      expect(changes[1].deps).toEqual([changes[0].hash]);
      expect(changes[2].deps).toEqual([changes[1].hash]);
      expect(changes.map((change) => change.status)).toEqual(["counts", "counts", "counts"]);
      const records = verifyHistory(handle.doc(), id).filter((entry) => changes.some((change) => change.hash === entry.hash));
      expect(records.every((entry) => entry.verified && entry.author?.key === user.publicKey)).toBe(true);
      const shown = (viewAtCountingHeads(handle.doc(), id));
      expect(shown.name).toBe("Summer Fest");
      expect(Object.keys(shown.venues).sort()).toEqual([barn, hall].sort());
    });
  });
});

describe("when Automerge refuses a change made with changeAt", () => {
  it("makes the edits again on a copy at the heads, with the same result", () => {
    const { id, both } = withProposal();
    const base = editingBase(both, id) ?? [];
    const edits = new EditsAtBase(both, base);
    edits.change("rename", rename("First"));
    let tries = 0;
    edits.change("describe", (draft) => {
      tries += 1;
      draft.description = new A.ImmutableString("Second");
      if (tries === 1) throw new RangeError("cannot put key in seq"); // as Automerge refused once
    });
    expect(tries).toBe(2);
    expect(edits.byChangeAt).toBe(false);
    edits.sign(id, bo);
    const [after] = A.applyChanges(both, edits.changes());
    edits.finish();
    const changes = added(both, after, id);
    expect(changes.map((change) => change.message)).toEqual(["rename", "describe", ATTESTATION_MESSAGE]);
    expect(sorted(changes[0].deps)).toEqual(sorted(base));
    expect(changes[1].deps).toEqual([changes[0].hash]);
    expect(changes.map((change) => change.status)).toEqual(["counts", "counts", "counts"]);
    const view = (viewAtCountingHeads(after, id));
    expect([view.name, view.description]).toEqual(["First", "Second"]);
  });

  it("passes on an edit's own refusal, keeping the edits before it", () => {
    const { id, both } = withProposal();
    const edits = new EditsAtBase(both, editingBase(both, id) ?? []);
    edits.change("rename", rename("Kept"));
    expect(() =>
      edits.change("refused", () => {
        throw new PandafestError("no such venue");
      }),
    ).toThrow("no such venue");
    edits.change("describe", (draft) => {
      draft.description = new A.ImmutableString("After the refusal");
    });
    expect(edits.byChangeAt).toBe(true);
    const [after] = A.applyChanges(both, edits.changes());
    edits.finish(true);
    expect(added(both, after, id).map((change) => change.message)).toEqual(["rename", "describe"]);
  });
});
