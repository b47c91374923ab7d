// What members see as a document of its own: kept in step as changes arrive and count, never holding a change that
// does not count; read without one through a patched view; a standby copy kept before changes arrive.
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import {
  ATTESTATION_MESSAGE,
  festivalView,
  governanceOf,
  keepStandbyReplica,
  proposalsOf,
  recordMember,
  replicaFromKnown,
  signedChangeVisibly,
  visibleFestival,
  visibleReplica,
  type Festival,
} from "../../engine/core/index.js";
import { actorSortingAfter } from "../../engine/core/governance/member-actor.js";
import { patchedView, patchedViewsInUse, usePatchedViews } from "../../engine/internals/patched-view.js";
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

/** A festival where Ada (manager) and Bo (editor) work, and Mallory's rename waits as a proposal. */
function withProposal() {
  const { doc, id } = founded(ada);
  const granted = record(doc, id, ada, { kind: "grant", key: bo.publicKey, role: "edit" });
  const attempt = edit(replicaOf(granted), id, mallory, "rename festival", rename("Hijacked"));
  const both = merged(granted, attempt);
  const [proposal] = proposalsOf(both, id);
  return { id, both, proposal };
}

describe("the replica of what counts", () => {
  it("holds exactly the counting changes, and is kept in step when a proposal is accepted", () => {
    const { id, both, proposal } = withProposal();
    const replica = visibleReplica(both, id);
    expect([...A.getHeads(replica)].sort()).toEqual([...governanceOf(both, id).visibleHeads].sort());
    expect(A.hasHeads(replica, [proposal.hash])).toBe(false);
    expect(festivalView(replica)).toEqual(viewAtCountingHeads(both, id));

    const accepted = record(both, id, ada, { kind: "accept", hash: proposal.hash });
    const governance = governanceOf(accepted, id);
    const next = replicaFromKnown(accepted, governance);
    expect(next, "the accepted version's replica comes from the earlier one, not a new copy").toBeDefined();
    expect(A.hasHeads(next as A.Doc<Festival>, [proposal.hash])).toBe(true);
    expect(festivalView(visibleFestival(accepted, id))).toEqual(viewAtCountingHeads(accepted, id));
    expect(festivalView(visibleFestival(accepted, id)).name).toBe("Hijacked");
    // a replica handed to a reader is never changed under them
    expect(festivalView(replica).name).toBe("Summer Fest");
  });

  it("skips a known replica that its holder freed, and still shows what counts", () => {
    const { id, both, proposal } = withProposal();
    A.free(visibleReplica(both, id));
    const accepted = record(both, id, ada, { kind: "accept", hash: proposal.hash });
    expect(festivalView(visibleFestival(accepted, id))).toEqual(viewAtCountingHeads(accepted, id));
  });

  it("matches the counting heads on both sides of concurrent withdrawals, and after they meet", () => {
    const { doc, id } = founded(ada);
    const granted = record(doc, id, ada, { kind: "grant", key: bo.publicKey, role: "manage" });
    const adaSide = record(replicaOf(granted), id, ada, { kind: "withdraw", key: bo.publicKey });
    const boSide = record(replicaOf(granted), id, bo, { kind: "withdraw", key: ada.publicKey });
    for (const side of [adaSide, boSide]) expect(festivalView(visibleReplica(side, id))).toEqual(viewAtCountingHeads(side, id));
    const met = merged(adaSide, boSide);
    const shown = visibleReplica(met, id);
    const governance = governanceOf(met, id);
    expect([...A.getHeads(shown)].sort()).toEqual([...governance.visibleHeads].sort());
    for (const change of governance.changes) expect(A.hasHeads(shown, [change.hash])).toBe(change.status === "counts");
    expect(festivalView(shown)).toEqual(viewAtCountingHeads(met, id));
  });

  it("builds members' edits on what counts, from the replica, and shows them", () => {
    const { id, both, proposal } = withProposal();
    visibleReplica(both, id);
    const renamed = edit(both, id, bo, "rename", rename("Bo's Fest"));
    const byBo = A.getChangesMetaSince(renamed, A.getHeads(both)).find((change) => change.message === "rename");
    expect(byBo?.deps).not.toContain(proposal.hash);
    expect(festivalView(visibleFestival(renamed, id))).toEqual(viewAtCountingHeads(renamed, id));
    expect(festivalView(visibleFestival(renamed, id)).name).toBe("Bo's Fest");
  });
});

describe("an edit and its signature in one step", () => {
  it("writes both at the editing base on the replica itself, counts, and leaves a reader's copy as it was", () => {
    const { id, both, proposal } = withProposal();
    const shown = visibleReplica(both, id);
    const signed = signedChangeVisibly(both, id, bo, "rename", (draft) => {
      rename("Bo's Fest")(draft);
      recordMember(draft, bo);
    });
    const added = A.getChangesMetaSince(signed, A.getHeads(both));
    expect(added.map((change) => change.message)).toEqual(["rename", ATTESTATION_MESSAGE]);
    for (const change of added) expect(change.deps).not.toContain(proposal.hash);
    const governance = governanceOf(signed, id);
    for (const change of added) expect(governance.changes.find((standing) => standing.hash === change.hash)?.status).toBe("counts");
    expect(festivalView(visibleFestival(signed, id))).toEqual(viewAtCountingHeads(signed, id));
    expect(festivalView(visibleFestival(signed, id)).name).toBe("Bo's Fest");
    // the replica the edit was made on was the one a reader held: that reader still reads it as it was
    expect(String(shown.name)).not.toBe("Bo's Fest");
    expect(festivalView(shown)).toEqual(viewAtCountingHeads(both, id));
  });

  it("writes a member's edits under one actor new to the festival that sorts after all of its actors, a proposal under the document's own", () => {
    const { id, both } = withProposal();
    const actorsBefore = new Set(A.getChangesMetaSince(both, []).map((change) => change.actor));
    const byBo = (doc: A.Doc<Festival>, name: string) => signedChangeVisibly(doc, id, bo, "rename", (draft) => {
      rename(name)(draft);
      recordMember(draft, bo);
    });
    const first = byBo(both, "Bo's Fest");
    const second = byBo(first, "Bo's Second Fest");
    const added = A.getChangesMetaSince(second, A.getHeads(both));
    expect(added.map((change) => change.message)).toEqual(["rename", ATTESTATION_MESSAGE, "rename", ATTESTATION_MESSAGE]);
    const [memberActor] = new Set(added.map((change) => change.actor));
    expect(new Set(added.map((change) => change.actor)).size).toBe(1);
    expect(memberActor).not.toBe(A.getActorId(both));
    for (const actor of actorsBefore) expect(memberActor > actor, `${memberActor} sorts after ${actor}`).toBe(true);
    const governance = governanceOf(second, id);
    for (const change of added) {
      const standing = governance.changes.find((entry) => entry.hash === change.hash);
      expect(standing?.status).toBe("counts");
      expect(standing?.author).toBe(bo.publicKey);
    }
    expect(festivalView(visibleFestival(second, id)).name).toBe("Bo's Second Fest");

    // someone without a role: under the document's own actor, kept as a proposal
    const proposed = signedChangeVisibly(second, id, mallory, "rename", (draft) => {
      rename("Mallory's Fest")(draft);
      recordMember(draft, mallory);
    });
    const [proposal] = A.getChangesMetaSince(proposed, A.getHeads(second));
    expect(proposal.actor).toBe(A.getActorId(second));
    expect(governanceOf(proposed, id).changes.find((entry) => entry.hash === proposal.hash)?.status).toBe("proposal");
    expect(festivalView(visibleFestival(proposed, id)).name).toBe("Bo's Second Fest");
  });
});

describe("an actor that sorts after a festival's actors", () => {
  it("sorts after the last one, is whole bytes of hex, and is random", () => {
    for (const last of ["", "0123456789abcdef0123456789abcdef", "fffa91b75e2279f9581e16bb4d94c284", "f".repeat(31) + "e", "f".repeat(32), "f".repeat(40) + "ab"]) {
      const actor = actorSortingAfter(last);
      expect(actor > last, `${actor} after ${last}`).toBe(true);
      expect(actor).toMatch(/^([0-9a-f]{2})+$/);
      expect(actor.length).toBeGreaterThanOrEqual(32);
      expect(actorSortingAfter(last)).not.toBe(actor);
      // Automerge accepts it as an actor
      expect(A.getActorId(A.init({ actor }))).toBe(actor);
    }
  });

  it("stays short when a festival holds an actor made long on purpose", () => {
    for (const last of ["f".repeat(2000), "f".repeat(100) + "0a"]) {
      const actor = actorSortingAfter(last);
      expect(actor).toMatch(/^[0-9a-f]{32}$/);
      expect(actorSortingAfter(last)).not.toBe(actor);
    }
  });
});

describe("reading what counts without a replica", () => {
  it("reads the whole document at the counting heads, patched or by A.view, the same and without moving it", () => {
    const { id, both, proposal } = withProposal();
    const heads = [...A.getHeads(both)].sort();
    const governance = governanceOf(both, id);
    const patched = patchedView(both, governance.visibleHeads);
    expect([...A.getHeads(patched)].sort()).toEqual([...governance.visibleHeads].sort());
    expect(festivalView(patched)).toEqual(festivalView(A.view(both, governance.visibleHeads)));
    expect(festivalView(patched).name).toBe("Summer Fest");
    // the document itself is untouched: still at its own heads, the proposal still in it
    expect([...A.getHeads(both)].sort()).toEqual(heads);
    expect(festivalView(both).name).toBe("Hijacked");
    expect(A.hasHeads(both, [proposal.hash])).toBe(true);
    // and it still takes edits
    const renamed = edit(both, id, ada, "rename", rename("Ada's Fest"));
    expect(festivalView(visibleFestival(renamed, id)).name).toBe("Ada's Fest");
  });

  it("falls back to A.view when the reach is off", () => {
    const { id, both } = withProposal();
    const governance = governanceOf(both, id);
    usePatchedViews(false);
    try {
      expect(patchedViewsInUse()).toBe(false);
      expect(festivalView(patchedView(both, governance.visibleHeads))).toEqual(festivalView(A.view(both, governance.visibleHeads)));
    } finally {
      usePatchedViews(true);
    }
  });
});

describe("a standby copy before changes arrive", () => {
  it("serves as the replica when what arrives does not count, and nothing is kept for an open festival", () => {
    const { doc, id } = founded(ada);
    const attempt = edit(replicaOf(doc), id, mallory, "rename festival", rename("Hijacked"));
    keepStandbyReplica(doc, id);
    const both = A.merge(A.clone(doc), attempt);
    const governance = governanceOf(both, id);
    const replica = replicaFromKnown(both, governance, id);
    expect(replica, "the copy kept before the proposal arrived").toBeDefined();
    expect(festivalView(replica as A.Doc<Festival>)).toEqual(viewAtCountingHeads(both, id));

    const open = founded(ada, "open");
    keepStandbyReplica(open.doc, open.id);
    const outsider = merged(open.doc, edit(replicaOf(open.doc), open.id, mallory, "rename", rename("Anyone's")));
    expect(governanceOf(outsider, open.id).allCount).toBe(true);
  });
});
