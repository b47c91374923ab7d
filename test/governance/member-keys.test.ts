// Member keys of private festivals: keys sealed to members, epochs and the rule for concurrent ones, and the
// invitations and access requests that let a newcomer in (forged, expired, used up and replayed ones refused).
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import {
  accessRequestsOf,
  admissibleRequest,
  canHoldKey,
  festivalKeyFor,
  festivalKeyId,
  idDerivedKey,
  invitationCode,
  invitationKeys,
  keyringOf,
  makeAccessRequest,
  membersLackingKey,
  newEpoch,
  newInvitation,
  openSealedKey,
  parseInvitation,
  sealKeyTo,
  shareRecords,
} from "../../engine/core/membership/index.js";
import { randomBytes, toHex } from "../../engine/core/keys.js";
import { governanceOf, type Festival, type GovernanceRecord } from "../../engine/core/index.js";
import { founded, merged, person, record, replicaOf, type Person } from "./governance-helpers.js";

const ada = person("Ada");
const bo = person("Bo");
const cy = person("Cy");
const dee = person("Dee");
const mallory = person("Mallory");

function withMembers(): { doc: A.Doc<Festival>; id: string } {
  const { doc, id } = founded(ada);
  let next = record(doc, id, ada, { kind: "grant", key: bo.publicKey, role: "edit" });
  next = record(next, id, ada, { kind: "grant", key: cy.publicKey, role: "manage" });
  next = record(next, id, ada, { kind: "grant", key: dee.publicKey, role: "edit" });
  return { doc: next, id };
}

function epochFor(doc: A.Doc<Festival>, id: string, who: Person, members: Person[], number: number): A.Doc<Festival> {
  return record(doc, id, who, newEpoch(members.map((member) => member.publicKey), number).record);
}

describe("sealing a key to a member", () => {
  it("opens with the member's secret key only", () => {
    const key = idDerivedKey("some-festival");
    const sealed = sealKeyTo(bo.publicKey, key);
    expect(openSealedKey(sealed, bo.secretKey)).toEqual(key);
    expect(openSealedKey(sealed, mallory.secretKey)).toBeUndefined();
    const damaged = `${sealed.slice(0, -2)}${sealed.endsWith("00") ? "01" : "00"}`;
    expect(openSealedKey(damaged, bo.secretKey)).toBeUndefined();
  });
});

describe("epochs", () => {
  it("starts at the id-derived key, and a manager's epoch gives every listed member the same new key", () => {
    const { doc, id } = withMembers();
    const zero = festivalKeyFor(doc, id, mallory);
    expect(zero?.number, "epoch 0 is the id: whoever knows it holds it").toBe(0);
    expect(zero?.keyId).toBe(festivalKeyId(idDerivedKey(id)));

    const rekeyed = epochFor(doc, id, ada, [ada, bo, cy, dee], 1);
    const adaKey = festivalKeyFor(rekeyed, id, ada);
    expect(adaKey?.number).toBe(1);
    expect(festivalKeyFor(rekeyed, id, bo)?.keyId).toBe(adaKey?.keyId);
    expect(festivalKeyFor(rekeyed, id, mallory), "no seal, no key").toBeUndefined();
  });

  it("starts an epoch for everyone else when a granted key is no ed25519 point", () => {
    const { doc, id } = withMembers();
    let bogus = "";
    for (let attempt = 0; attempt < 200 && bogus === ""; attempt++) {
      const candidate = toHex(randomBytes(32));
      if (!canHoldKey(candidate)) bogus = candidate;
    }
    expect(bogus, "a random 32 bytes is no curve point about half the time").not.toBe("");
    const granted = record(doc, id, ada, { kind: "grant", key: bogus, role: "edit" });
    const { record: epoch } = newEpoch([...governanceOf(granted, id).roles.keys()], 1);
    expect(epoch.seals.map((seal) => seal.member).sort()).toEqual([ada, bo, cy, dee].map((who) => who.publicKey).sort());
    const rekeyed = record(granted, id, ada, epoch);
    expect(festivalKeyFor(rekeyed, id, dee)?.number).toBe(1);
    expect(membersLackingKey(rekeyed, id), "a key that can hold nothing is not listed as lacking").toEqual([]);
  });

  it("ignores an epoch written by someone who does not manage", () => {
    const { doc, id } = withMembers();
    const rekeyed = epochFor(doc, id, ada, [ada, bo, cy, dee], 1);
    const hijack = epochFor(replicaOf(rekeyed), id, mallory, [mallory, ada, bo], 2);
    const hijackByEditor = epochFor(replicaOf(rekeyed), id, bo, [ada, bo], 2);
    const both = merged(rekeyed, hijack, hijackByEditor);
    expect(keyringOf(both, id).current.map((epoch) => epoch.number)).toEqual([1]);
    expect(festivalKeyFor(both, id, mallory)).toBeUndefined();
    expect(festivalKeyFor(both, id, ada)?.keyId).toBe(festivalKeyFor(rekeyed, id, ada)?.keyId);
  });

  it("joins concurrent epochs: after two removals made apart, neither removed member can open the key", () => {
    const { doc, id } = withMembers();
    const start = epochFor(doc, id, ada, [ada, bo, cy, dee], 1);
    // apart: Ada removes Bo, Cy removes Dee, each with a new epoch
    let adaSide = record(replicaOf(start), id, ada, { kind: "withdraw", key: bo.publicKey });
    adaSide = epochFor(adaSide, id, ada, [ada, cy, dee], 2);
    let cySide = record(replicaOf(start), id, cy, { kind: "withdraw", key: dee.publicKey });
    cySide = epochFor(cySide, id, cy, [ada, bo, cy], 2);
    const met = merged(adaSide, cySide);
    const again = merged(cySide, adaSide);

    const keyring = keyringOf(met, id);
    expect(keyring.current).toHaveLength(2);
    const adaKey = festivalKeyFor(met, id, ada);
    expect(adaKey).toBeDefined();
    expect(festivalKeyFor(again, id, cy)?.keyId, "every replica decides alike").toBe(adaKey?.keyId);
    expect(festivalKeyFor(met, id, bo), "Bo lacks Ada's epoch").toBeUndefined();
    expect(festivalKeyFor(met, id, dee), "Dee lacks Cy's epoch").toBeUndefined();
    // each side alone still reads its own epoch
    expect(festivalKeyFor(adaSide, id, dee)?.number).toBe(2);

    // a later epoch ends the join
    const settled = epochFor(met, id, ada, [ada, cy], 3);
    expect(keyringOf(settled, id).current.map((epoch) => epoch.number)).toEqual([3]);
    expect(festivalKeyFor(settled, id, cy)?.keyId).toBe(festivalKeyFor(settled, id, ada)?.keyId);
  });

  it("lists a member granted concurrently with a new epoch as lacking its key, until a manager shares it", () => {
    const { doc, id } = withMembers();
    const start = epochFor(doc, id, ada, [ada, bo, cy, dee], 1);
    const eve = person("Eve");
    const granted = record(replicaOf(start), id, cy, { kind: "grant", key: eve.publicKey, role: "edit" });
    const rekeyed = epochFor(replicaOf(start), id, ada, [ada, bo, cy, dee], 2);
    const met = merged(granted, rekeyed);
    expect(membersLackingKey(met, id)).toEqual([eve.publicKey]);
    expect(festivalKeyFor(met, id, eve)).toBeUndefined();
    let shared = met;
    for (const share of shareRecords(met, id, ada, [eve.publicKey])) shared = record(shared, id, ada, share);
    expect(membersLackingKey(shared, id)).toEqual([]);
    expect(festivalKeyFor(shared, id, eve)?.keyId).toBe(festivalKeyFor(shared, id, ada)?.keyId);
  });
});

describe("invitations and access requests", () => {
  const now = Date.parse("2027-06-01T12:00:00Z");

  function invited(options: { uses?: number; expiresAt?: number } = {}) {
    const { doc, id } = withMembers();
    const invitation = newInvitation(id);
    const invite: GovernanceRecord = {
      kind: "invite",
      invitation: toHex(invitationKeys(invitation.secret).publicKey),
      role: "edit",
      expiresAt: options.expiresAt ?? now + 7 * 86_400_000,
      uses: options.uses ?? 1,
    };
    return { doc: record(doc, id, ada, invite), id, invitation };
  }

  it("reads a code back from itself and from a link", () => {
    const invitation = newInvitation("2PxLn5Kp2nV5yV4K8Lx3GfAbCde");
    const code = invitationCode(invitation);
    expect(parseInvitation(code)).toEqual(invitation);
    expect(parseInvitation(`http://192.168.1.5:4321/#/join/${code}`)).toEqual(invitation);
    expect(() => parseInvitation("nonsense")).toThrow(/not an invitation/);
  });

  it("lists a valid request as pending, and accepting it uses the invitation up", () => {
    const { doc, id, invitation } = invited();
    const newcomer = person("Newcomer");
    const request = makeAccessRequest(invitation, newcomer, "New Comer");
    expect(admissibleRequest(doc, id, request, now)).toBeUndefined();
    const carried = record(doc, id, bo, { kind: "request", request });
    expect(accessRequestsOf(carried, id, now).requests).toMatchObject([{ key: newcomer.publicKey, name: "New Comer", status: "pending", role: "edit" }]);

    const accepted = record(carried, id, ada, { kind: "grant", key: newcomer.publicKey, role: "edit" });
    expect(accessRequestsOf(accepted, id, now).requests[0].status).toBe("accepted");
    const second = makeAccessRequest(invitation, person("Second"), "Second");
    expect(admissibleRequest(accepted, id, second, now)).toMatch(/1 use\(s\), all taken/);
    const late = record(accepted, id, bo, { kind: "request", request: second });
    expect(accessRequestsOf(late, id, now).requests.find((r) => r.name === "Second")).toMatchObject({ status: "refused", reason: expect.stringMatching(/all taken/) });
  });

  it("lets one invitation gather only so many undecided requests", () => {
    const { doc, id, invitation } = invited({ uses: 1 });
    let next = doc;
    for (let index = 0; index < 10; index++) next = record(next, id, bo, { kind: "request", request: makeAccessRequest(invitation, person(`N${index}`), "n") });
    expect(accessRequestsOf(next, id, now).requests.filter((r) => r.status === "pending")).toHaveLength(10);
    expect(admissibleRequest(next, id, makeAccessRequest(invitation, person("Eleventh"), "n"), now)).toMatch(/10 requests with this invitation already wait/);
    const declined = record(next, id, ada, { kind: "decline", key: accessRequestsOf(next, id, now).requests[0].key });
    expect(admissibleRequest(declined, id, makeAccessRequest(invitation, person("Eleventh"), "n"), now), "a decision makes room").toBeUndefined();
  });

  it("refuses forged, foreign, expired and unknown invitations, and counts a replayed request once", () => {
    const { doc, id, invitation } = invited({ uses: 5 });
    const newcomer = person("Newcomer");
    const forged = makeAccessRequest({ festivalId: id, secret: newInvitation(id).secret }, newcomer, "x");
    expect(admissibleRequest(doc, id, forged, now)).toMatch(/no manager of this festival made that invitation/);
    const tampered = { ...makeAccessRequest(invitation, newcomer, "x"), key: mallory.publicKey };
    expect(admissibleRequest(doc, id, tampered, now)).toMatch(/signatures do not hold/);
    const foreign = makeAccessRequest({ festivalId: "3QyMn6Lq3oW6zW5L9My4HgBcDef", secret: invitation.secret }, newcomer, "x");
    expect(admissibleRequest(doc, id, foreign, now)).toMatch(/signatures do not hold/);
    const request = makeAccessRequest(invitation, newcomer, "x");
    expect(admissibleRequest(doc, id, request, now + 8 * 86_400_000)).toMatch(/expired/);

    let replayed = record(doc, id, bo, { kind: "request", request });
    replayed = record(replayed, id, ada, { kind: "request", request });
    replayed = record(replayed, id, mallory, { kind: "request", request: tampered });
    const { requests } = accessRequestsOf(replayed, id, now);
    expect(requests.filter((r) => r.key === newcomer.publicKey)).toHaveLength(1);
    expect(requests.find((r) => r.key === mallory.publicKey)?.status).toBe("refused");
    expect(accessRequestsOf(replayed, id, now + 8 * 86_400_000).requests[0]).toMatchObject({ status: "refused", reason: expect.stringMatching(/expired/) });
    // declined
    const declined = record(replayed, id, ada, { kind: "decline", key: newcomer.publicKey });
    expect(accessRequestsOf(declined, id, now).requests[0].status).toBe("declined");
  });
});
