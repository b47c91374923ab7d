// The rule that decides which changes of a festival count, on raw Automerge documents: roles, proposals,
// decisions, withdrawals, attestations that arrive late, and refusals of what only a manager may do.
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import {
  changesUnderFreshActor,
  createFestivalDoc,
  foundFestival,
  recordMember,
  withVisibleAttestation,
  festivalView,
  governanceOf,
  hasFoundedMarker,
  proposalsOf,
  proposalChain,
  visibleFestival,
  type Festival,
} from "../../engine/core/index.js";
import { edit, founded, merged, person, record, replicaOf } from "./governance-helpers.js";

const ada = person("Ada");
const bo = person("Bo");
const mallory = person("Mallory");

const shownName = (doc: A.Doc<Festival>, id: string) => festivalView(visibleFestival(doc, id)).name;
const rename = (name: string) => (draft: Festival) => {
  draft.name = new A.ImmutableString(name);
};

describe("who may change an organised festival", () => {
  it("gives its id a founded marker; the founder manages and their edits count", () => {
    const { doc, id } = founded(ada);
    expect(hasFoundedMarker(id)).toBe(true);
    const after = edit(doc, id, ada, "rename", rename("Ada's Fest"));
    const governance = governanceOf(after, id);
    expect(governance.founder).toBe(ada.publicKey);
    expect(governance.roles.get(ada.publicKey)).toBe("manage");
    expect(governance.mode).toBe("organised");
    expect(shownName(after, id)).toBe("Ada's Fest");
  });

  it("knows the founder once the founding change's attestation arrives, after deciding without it", () => {
    const start = createFestivalDoc({ name: "Summer Fest" });
    const { doc, id } = foundFestival(start, "organised", { also: (draft) => recordMember(draft, ada) });
    expect(governanceOf(doc, id).founder).toBeNull();
    const attested = withVisibleAttestation(A.clone(doc, { actor: A.getActorId(doc) }), id, ada);
    expect(governanceOf(attested, id)).toMatchObject({ founder: ada.publicKey, allCount: true });
    expect(shownName(edit(attested, id, ada, "rename", rename("Ada's")), id)).toBe("Ada's");
  });

  it("keeps an outsider's edit out of the festival as a proposal, until a member accepts it", () => {
    const { doc, id } = founded(ada);
    const attempt = edit(replicaOf(doc), id, mallory, "rename festival", rename("Hijacked"));
    const both = merged(doc, attempt);
    expect(shownName(both, id)).toBe("Summer Fest");
    const [proposal] = proposalsOf(both, id);
    expect(proposal).toMatchObject({ status: "proposal", author: mallory.publicKey, authorName: "Mallory" });
    expect(proposal.changes).toContain('festival name → "Hijacked"');

    const accepted = record(both, id, ada, { kind: "accept", hash: proposal.hash });
    expect(shownName(accepted, id)).toBe("Hijacked");
    expect(proposalsOf(accepted, id)).toEqual([]);
    const standing = governanceOf(accepted, id).changes.find((change) => change.hash === proposal.hash);
    expect(standing).toMatchObject({ status: "counts", author: mallory.publicKey, acceptedBy: ada.publicKey });
  });

  it("marks a rejected proposal and keeps it out", () => {
    const { doc, id } = founded(ada);
    const both = merged(doc, edit(replicaOf(doc), id, mallory, "rename festival", rename("Hijacked")));
    const [proposal] = proposalsOf(both, id);
    const rejected = record(both, id, ada, { kind: "reject", hash: proposal.hash });
    expect(shownName(rejected, id)).toBe("Summer Fest");
    expect(proposalsOf(rejected, id)).toEqual([]);
    expect(proposalsOf(rejected, id, { rejected: true })).toMatchObject([{ hash: proposal.hash, status: "rejected", rejectedBy: ada.publicKey }]);
  });

  it("lets a granted editor edit, and makes their edits proposals once the role is withdrawn", () => {
    const { doc, id } = founded(ada);
    const granted = record(doc, id, ada, { kind: "grant", key: bo.publicKey, role: "edit" });
    const byBo = edit(replicaOf(granted), id, bo, "rename", rename("Bo's name"));
    let shared = merged(granted, byBo);
    expect(shownName(shared, id)).toBe("Bo's name");
    shared = record(shared, id, ada, { kind: "withdraw", key: bo.publicKey });
    const later = edit(replicaOf(shared), id, bo, "rename again", rename("Bo again"));
    const all = merged(shared, later);
    expect(shownName(all, id)).toBe("Bo's name");
    expect(proposalsOf(all, id).map((proposal) => proposal.author)).toEqual([bo.publicKey]);
  });

  it("lets a proposer granted a role edit on under a fresh actor, while their proposal waits", () => {
    const { doc, id } = founded(ada);
    const bosReplica = edit(replicaOf(doc), id, bo, "rename", rename("Bo's proposal"));
    let shared = merged(doc, bosReplica);
    shared = record(shared, id, ada, { kind: "grant", key: bo.publicKey, role: "edit" });
    // Bo's replica, same actor as the proposal: an edit on top of it would not count; a fresh actor's does
    const bosNow = A.merge(A.clone(bosReplica, { actor: A.getActorId(bosReplica) }), shared);
    const fresh = changesUnderFreshActor(bosNow, id, bo, "describe", (draft) => {
      draft.description = new A.ImmutableString("Bo, now an editor");
    });
    expect(fresh).not.toBeNull();
    const after = A.applyChanges(bosNow, fresh ?? [])[0];
    expect(festivalView(visibleFestival(after, id))).toMatchObject({ name: "Summer Fest", description: "Bo, now an editor" });
    expect(proposalsOf(after, id).map((proposal) => proposal.author)).toEqual([bo.publicKey]);
    expect(changesUnderFreshActor(after, id, mallory, "x", () => undefined)).toBeNull();
  });

  it("counts a member's edit made concurrently with their removal (judged at its own past)", () => {
    const { doc, id } = founded(ada);
    const granted = record(doc, id, ada, { kind: "grant", key: bo.publicKey, role: "edit" });
    const boEdits = edit(replicaOf(granted), id, bo, "rename", rename("Concurrent"));
    const adaRemoves = record(replicaOf(granted), id, ada, { kind: "withdraw", key: bo.publicKey });
    const all = merged(adaRemoves, boEdits);
    expect(shownName(all, id)).toBe("Concurrent");
    expect(governanceOf(all, id).roles.has(bo.publicKey)).toBe(false);
  });

  it("lets a concurrent withdrawal beat a grant of the same key", () => {
    const { doc, id } = founded(ada);
    const withCarol = record(doc, id, ada, { kind: "grant", key: bo.publicKey, role: "manage" });
    const carolManager = person("Carol");
    const both = record(withCarol, id, ada, { kind: "grant", key: carolManager.publicKey, role: "manage" });
    const grantAgain = record(replicaOf(both), id, ada, { kind: "grant", key: mallory.publicKey, role: "edit" });
    const withdraw = record(replicaOf(both), id, carolManager, { kind: "withdraw", key: mallory.publicKey });
    const all = merged(grantAgain, withdraw);
    expect(governanceOf(all, id).roles.has(mallory.publicKey)).toBe(false);
  });

  it("gives the founder manage again when concurrent withdrawals, each fine at its own past, leave no manager", () => {
    const { doc, id } = founded(ada);
    const withBo = record(doc, id, ada, { kind: "grant", key: bo.publicKey, role: "manage" });
    // apart: Bo withdraws Ada (Bo still manages there); Ada makes Bo an editor (Ada still manages there)
    const boSide = record(replicaOf(withBo), id, bo, { kind: "withdraw", key: ada.publicKey });
    const adaSide = record(replicaOf(withBo), id, ada, { kind: "grant", key: bo.publicKey, role: "edit" });
    expect(governanceOf(boSide, id).roles.get(bo.publicKey)).toBe("manage");
    expect(governanceOf(adaSide, id).roles.get(ada.publicKey)).toBe("manage");
    for (const all of [merged(boSide, adaSide), merged(adaSide, boSide)]) {
      const roles = governanceOf(all, id).roles;
      expect(roles.get(ada.publicKey), "the founder manages again").toBe("manage");
      expect(roles.get(bo.publicKey)).toBe("edit");
    }
  });

  it("refuses a grant by someone without manage, and a withdrawal of the last manager", () => {
    const { doc, id } = founded(ada);
    const selfGrant = record(replicaOf(doc), id, mallory, { kind: "grant", key: mallory.publicKey, role: "manage" });
    const all = merged(doc, selfGrant);
    expect(governanceOf(all, id).roles.has(mallory.publicKey)).toBe(false);
    expect(proposalsOf(all, id)[0]).toMatchObject({ author: mallory.publicKey, status: "proposal" });

    const lastManager = record(doc, id, ada, { kind: "withdraw", key: ada.publicKey });
    expect(governanceOf(lastManager, id).roles.get(ada.publicKey)).toBe("manage");
    expect(governanceOf(lastManager, id).changes.at(-2)?.reason).toMatch(/without a manager/);
  });

  it("keeps a member's change pending until its attestation arrives", () => {
    const { doc, id } = founded(ada);
    const granted = record(doc, id, ada, { kind: "grant", key: bo.publicKey, role: "edit" });
    const bosReplica = replicaOf(granted);
    const unattested = A.change(bosReplica, { message: "rename" }, rename("Unsigned yet"));
    const attestedLater = edit(A.clone(unattested, { actor: A.getActorId(unattested) }), id, bo, "nothing", () => undefined);
    const withoutAttestation = merged(granted, unattested);
    expect(shownName(withoutAttestation, id)).toBe("Summer Fest");
    expect(proposalsOf(withoutAttestation, id)[0]?.status).toBe("pending");
    expect(shownName(merged(withoutAttestation, attestedLater), id)).toBe("Unsigned yet");
  });

  it("accepts a chain of proposals by accepting each change it needs", () => {
    const { doc, id } = founded(ada);
    let attempt = edit(replicaOf(doc), id, mallory, "rename", rename("First"));
    attempt = edit(attempt, id, mallory, "rename", rename("Second"));
    let all = merged(doc, attempt);
    const latest = proposalsOf(all, id).at(-1);
    expect(latest).toBeDefined();
    const chain = proposalChain(all, id, latest?.hash ?? "");
    expect(chain.length).toBeGreaterThanOrEqual(2);
    for (const hash of chain) all = record(all, id, ada, { kind: "accept", hash });
    expect(shownName(all, id)).toBe("Second");
  });

  it("lets anyone edit an open festival, and a manager organise it later", () => {
    const { doc, id } = founded(ada, "open");
    const byMallory = merged(doc, edit(replicaOf(doc), id, mallory, "rename", rename("Open to all")));
    expect(shownName(byMallory, id)).toBe("Open to all");
    const organised = record(byMallory, id, ada, { kind: "mode", mode: "organised" });
    const later = merged(organised, edit(replicaOf(organised), id, mallory, "rename", rename("Not any more")));
    expect(shownName(later, id)).toBe("Open to all");
  });

  it("keeps a fork's history out when it is merged back: its founding is not this festival's, its edits are proposals", () => {
    const { doc, id } = founded(ada);
    // Mallory clones the whole history and founds her own festival on top, as `fork --with-history` does
    const clone = A.clone(doc);
    const fork = foundFestival(clone, "organised", { also: (draft) => recordMember(draft, mallory) });
    const forkDoc = edit(withVisibleAttestation(fork.doc, fork.id, mallory), fork.id, mallory, "rename", rename("Forked"));
    expect(shownName(forkDoc, fork.id)).toBe("Forked");
    expect(governanceOf(forkDoc, fork.id).founder).toBe(mallory.publicKey);
    // the fork's changes carried into the origin
    const all = merged(doc, forkDoc);
    expect(shownName(all, id)).toBe("Summer Fest");
    // signed for the fork's id, her changes are not even verified here; none of them counts
    const ours = new Set(A.getChangesMetaSince(doc, []).map((change) => change.hash));
    const theirs = governanceOf(all, id).changes.filter((change) => !ours.has(change.hash));
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.every((change) => change.status !== "counts" && change.author === null)).toBe(true);
  });

  it("edits a festival loaded from storage whose proposals touched several items, at what counts", () => {
    let { doc, id } = founded(ada);
    for (const name of ["North", "South", "East", "West", "Barn"]) {
      doc = edit(doc, id, ada, "add venue", (draft) => {
        draft.venues[`v_${name.toLowerCase()}`] = { name: new A.ImmutableString(name), description: new A.ImmutableString(""), address: new A.ImmutableString(""), accessibility: new A.ImmutableString(""), tags: [] };
      });
    }
    let theirs = replicaOf(doc);
    for (const key of ["v_north", "v_south", "v_east", "v_west", "v_barn"]) {
      theirs = edit(theirs, id, mallory, "rename", (draft) => {
        draft.venues[key].name = new A.ImmutableString(`Mallory's ${key}`);
      });
    }
    const loaded = A.load<Festival>(A.save(merged(doc, theirs)));
    const edited = edit(loaded, id, ada, "describe", (draft) => {
      draft.venues.v_north.description = new A.ImmutableString("by the lake");
    });
    const shown = festivalView(visibleFestival(edited, id));
    expect(shown.venues.v_north).toMatchObject({ name: "North", description: "by the lake" });
    expect(proposalsOf(edited, id)).toHaveLength(5);
  });

  it("treats a festival made before governance as open", () => {
    const start = A.from<Record<string, unknown>>({ name: new A.ImmutableString("Old") }) as unknown as A.Doc<Festival>;
    const legacy = A.change(start, rename("Anyone"));
    expect(governanceOf(legacy, "2j9Vt5yHhWMXJLqbRoyn9sD6GxSW").allCount).toBe(true);
  });
});
