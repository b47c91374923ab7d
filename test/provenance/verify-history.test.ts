// The history verifier: authorship across hops, forged and stale attestations, hostile overwrites,
// ordering and summaries. Peers are raw Automerge documents with their own actor ids and keys.
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import {
  type ChangeRecord,
  attestationFor,
  looksLikeAttestation,
  newestFirst,
  signAttestation,
  verifyHistory,
  verifySummary,
  withAttestation,
} from "../../engine/core/provenance.js";
import type { Festival } from "../../engine/core/schema.js";
import { FESTIVAL_ID, actorId, editVenue, newFestival, newSigner, openAs } from "./festival-fixtures.js";

const ACTOR_A = actorId("aa");
const ACTOR_B = actorId("bb");
const ACTOR_C = actorId("cc");
const ACTOR_H = actorId("ee");

function recordsOf(records: ChangeRecord[], actor: string): ChangeRecord[] {
  return records.filter((record) => record.actor === actor).sort((left, right) => left.seq - right.seq);
}

function setAuthors(doc: A.Doc<Festival>, actor: string, value: string): A.Doc<Festival> {
  return A.change(doc, (draft) => {
    draft.authors[actor] = new A.ImmutableString(value);
  });
}

describe("verifyHistory across hops", () => {
  it("A writes, B carries and writes, C verifies each change as its author's", () => {
    const keyA = newSigner();
    const keyB = newSigner();
    let docA = editVenue(newFestival(ACTOR_A), "hall", "Hall", { signer: keyA, name: "Ana" });
    docA = withAttestation(docA, FESTIVAL_ID, keyA);

    let docB = openAs(docA, ACTOR_B); // B received A's bytes (stick or network)
    docB = editVenue(docB, "meadow", "Meadow", { signer: keyB, name: "Bo" });
    docB = editVenue(docB, "hall", "Big Hall");
    docB = withAttestation(docB, FESTIVAL_ID, keyB);

    docA = editVenue(docA, "tent", "Tent"); // concurrent with B's edits
    docA = withAttestation(docA, FESTIVAL_ID, keyA);

    // C never met A: it gets A's bytes and B's bytes separately.
    let docC = A.init<Festival>({ actor: ACTOR_C });
    docC = A.loadIncremental(docC, A.save(docB));
    docC = A.loadIncremental(docC, A.save(docA));
    const records = verifyHistory(docC, FESTIVAL_ID);

    expect(records).toHaveLength(A.getAllChanges(docC).length);
    const fromA = recordsOf(records, ACTOR_A);
    const fromB = recordsOf(records, ACTOR_B);
    expect(fromA.map((record) => record.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(fromB.map((record) => record.seq)).toEqual([1, 2, 3]);
    for (const record of fromA) expect(record).toMatchObject({ verified: true, author: { key: keyA.publicKey, name: "Ana" } });
    for (const record of fromB) expect(record).toMatchObject({ verified: true, author: { key: keyB.publicKey, name: "Bo" } });
    expect(fromA[0].message).toBe("create festival");
    expect(fromA[0].time).toBeGreaterThan(Date.UTC(2020, 0, 1)); // seconds normalised to milliseconds
    expect(looksLikeAttestation(fromA[2])).toBe(true);
    expect(looksLikeAttestation(fromA[1])).toBe(false);

    expect(verifySummary(records)).toEqual({
      total: 8,
      verified: 8,
      unverified: 0,
      byAuthor: { [keyA.publicKey]: { name: "Ana", changes: 5 }, [keyB.publicKey]: { name: "Bo", changes: 3 } },
    });
  });

  it("reports a change with no attestation, and one made after the attested change", () => {
    const keyA = newSigner();
    let doc = withAttestation(editVenue(newFestival(ACTOR_A), "hall", "Hall"), FESTIVAL_ID, keyA);
    doc = editVenue(doc, "hall", "Hall 2"); // seq 4, never attested
    let other = openAs(doc, ACTOR_B);
    other = editVenue(other, "tent", "Tent"); // B has no identity: never attests
    const records = verifyHistory(other, FESTIVAL_ID);

    const fromA = recordsOf(records, ACTOR_A);
    expect(fromA.map((record) => record.verified)).toEqual([true, true, true, false]);
    expect(fromA[3].author).toBeNull();
    expect(fromA[3].reason).toMatch(/after the latest attested change of its actor \(seq 2\)/);
    const fromB = recordsOf(records, ACTOR_B);
    expect(fromB).toHaveLength(1);
    expect(fromB[0]).toMatchObject({ verified: false, author: null, reason: "its actor has no attestation" });
    expect(verifySummary(records)).toMatchObject({ total: 5, verified: 3, unverified: 2 });
  });

  it("does not count an attestation written together with another edit", () => {
    const keyA = newSigner();
    let doc = editVenue(newFestival(ACTOR_A), "hall", "Hall");
    const attestation = attestationFor(doc, FESTIVAL_ID, keyA)!;
    doc = A.change(doc, (draft) => {
      draft.authors[ACTOR_A] = new A.ImmutableString(attestation);
      draft.venues.hall.name = new A.ImmutableString("Sneaky rename");
    });
    const fromA = recordsOf(verifyHistory(doc, FESTIVAL_ID), ACTOR_A);
    expect(fromA.map((record) => record.verified)).toEqual([false, false, false]);
    expect(fromA[2].reason).toBe("its actor has no attestation");
  });
});

describe("verifyHistory against forgeries", () => {
  function attestedByA() {
    const keyA = newSigner();
    const doc = editVenue(newFestival(ACTOR_A), "hall", "Hall");
    const last = A.decodeChange(A.getLastLocalChange(doc)!);
    return { keyA, doc, last };
  }

  it("refuses a signature by another key that names A's key", () => {
    const { keyA, doc, last } = attestedByA();
    const forger = newSigner();
    const forged = signAttestation(FESTIVAL_ID, ACTOR_A, last.seq, last.hash, forger).replace(forger.publicKey, keyA.publicKey);
    const fromA = recordsOf(verifyHistory(setAuthors(doc, ACTOR_A, forged), FESTIVAL_ID), ACTOR_A);
    for (const record of fromA) {
      expect(record.verified).toBe(false);
      expect(record.reason).toMatch(/signature does not verify/);
    }
  });

  it("refuses an attestation made for another festival", () => {
    const { keyA, doc, last } = attestedByA();
    const elsewhere = signAttestation("another-festival", ACTOR_A, last.seq, last.hash, keyA);
    const records = verifyHistory(setAuthors(doc, ACTOR_A, elsewhere), FESTIVAL_ID);
    expect(records.every((record) => !record.verified && /signature does not verify/.test(record.reason ?? ""))).toBe(true);
  });

  it("refuses a seq beyond the actor's changes and a hash that is not the change's", () => {
    const { keyA, doc, last } = attestedByA();
    const beyond = signAttestation(FESTIVAL_ID, ACTOR_A, last.seq + 5, last.hash, keyA);
    const records = verifyHistory(setAuthors(doc, ACTOR_A, beyond), FESTIVAL_ID);
    expect(records.every((record) => !record.verified && /seq 7\) is not earlier than its attestation/.test(record.reason ?? ""))).toBe(true);

    const otherHash = signAttestation(FESTIVAL_ID, ACTOR_A, last.seq, "0".repeat(64), keyA);
    const again = verifyHistory(setAuthors(A.clone(doc, { actor: ACTOR_A }), ACTOR_A, otherHash), FESTIVAL_ID);
    expect(again.every((record) => !record.verified && /different hash/.test(record.reason ?? ""))).toBe(true);
  });

  it("refuses garbage and text values in authors", () => {
    const { doc } = attestedByA();
    const garbage = recordsOf(verifyHistory(setAuthors(doc, ACTOR_A, "v1.nonsense"), FESTIVAL_ID), ACTOR_A);
    expect(garbage[0].reason).toMatch(/not a well-formed v1 attestation/);
    const asText = A.change(A.clone(doc, { actor: ACTOR_A }), (draft) => {
      (draft.authors as unknown as Record<string, string>)[ACTOR_A] = "collaborative text";
    });
    // collaborative text takes several operations: it is not even a candidate for an attestation write
    expect(recordsOf(verifyHistory(asText, FESTIVAL_ID), ACTOR_A)[0].reason).toBe("its actor has no attestation");
  });

  it("keeps the victim verified while its own attestation is among concurrent values", () => {
    const victimKey = newSigner();
    const hostileKey = newSigner();
    let victim = withAttestation(editVenue(newFestival(ACTOR_A), "hall", "Hall"), FESTIVAL_ID, victimKey);

    // The hostile peer claims A's changes with its own valid signature, written from its own actor.
    let hostile = openAs(victim, ACTOR_H);
    const claimed = A.decodeChange(A.getChangesSince(victim, []).find((change) => A.decodeChange(change).seq === 2)!);
    hostile = setAuthors(hostile, ACTOR_A, signAttestation(FESTIVAL_ID, ACTOR_A, claimed.seq, claimed.hash, hostileKey));

    // Concurrently, the victim keeps working and attesting.
    victim = withAttestation(editVenue(victim, "hall", "Hall 2"), FESTIVAL_ID, victimKey);

    const merged = A.merge(A.clone(victim, { actor: ACTOR_C }), hostile);
    const conflicts = A.getConflicts(merged.authors, ACTOR_A);
    expect(conflicts && Object.keys(conflicts)).toHaveLength(2);
    const records = verifyHistory(merged, FESTIVAL_ID);
    const fromVictim = recordsOf(records, ACTOR_A);
    expect(fromVictim).toHaveLength(5);
    for (const record of fromVictim) expect(record).toMatchObject({ verified: true, author: { key: victimKey.publicKey } });
    expect(records.some((record) => record.author?.key === hostileKey.publicKey)).toBe(false);

    // Alone (after the victim's value was overwritten), the hostile value takes nothing over, and the
    // victim's own attestation writes in the history still vouch for its changes.
    const overwritten = A.merge(openAs(victim, ACTOR_C), hostile);
    const overwrittenTwice = setAuthors(overwritten, ACTOR_A, signAttestation(FESTIVAL_ID, ACTOR_A, claimed.seq, claimed.hash, hostileKey));
    expect(A.getConflicts(overwrittenTwice.authors, ACTOR_A)).toBeUndefined();
    const stolen = recordsOf(verifyHistory(overwrittenTwice, FESTIVAL_ID), ACTOR_A);
    for (const record of stolen) expect(record).toMatchObject({ verified: true, author: { key: victimKey.publicKey } });
  });
});

describe("newestFirst", () => {
  it("orders by time, newest first, then by reverse topological order", () => {
    const key = newSigner();
    let doc = A.change(newFestival(ACTOR_A), { time: 2_000_000_000 }, (draft) => {
      draft.description = new A.ImmutableString("late clock");
    });
    doc = A.change(doc, { time: 1_000_000_000 }, (draft) => {
      draft.name = new A.ImmutableString("early clock");
    });
    doc = A.change(doc, { time: 1_000_000_000 }, (draft) => {
      draft.name = new A.ImmutableString("same second, later in history");
    });
    doc = withAttestation(doc, FESTIVAL_ID, key);
    const records = verifyHistory(doc, FESTIVAL_ID);
    const ordered = newestFirst(doc, records);
    expect(ordered).toHaveLength(records.length);
    for (let i = 1; i < ordered.length; i++) expect(ordered[i - 1].time).toBeGreaterThanOrEqual(ordered[i].time);
    expect(ordered[0].time).toBe(2_000_000_000_000);
    const seconds = ordered.filter((record) => record.time === 1_000_000_000_000).map((record) => record.seq);
    expect(seconds).toEqual([4, 3]);
  });
});
