// Verification rests on each actor's own attestation writes in the history: overwriting, deleting or
// replacing the authors map downgrades nothing, a second key cannot take an actor over, and member names count only from their own key.
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { type ChangeRecord, memberNames, signAttestation, verifyHistory, withAttestation } from "../../engine/core/provenance.js";
import type { Festival } from "../../engine/core/schema.js";
import { FESTIVAL_ID, actorId, editVenue, newFestival, newSigner, openAs } from "./festival-fixtures.js";

const ADA = actorId("aa");
const MALLORY = actorId("dd");

function fromActor(records: ChangeRecord[], actor: string): ChangeRecord[] {
  return records.filter((record) => record.actor === actor);
}

/** Ada's festival with two attested edits, and Mallory's copy of it (Mallory attests her own edits). */
function adaAndMallory() {
  const adaKey = newSigner();
  const malloryKey = newSigner();
  let ada = withAttestation(editVenue(newFestival(ADA), "hall", "Hall", { signer: adaKey, name: "Ada" }), FESTIVAL_ID, adaKey);
  ada = withAttestation(editVenue(ada, "tent", "Tent"), FESTIVAL_ID, adaKey);
  const mallory = withAttestation(editVenue(openAs(ada, MALLORY), "barn", "Barn", { signer: malloryKey, name: "Mallory" }), FESTIVAL_ID, malloryKey);
  return { adaKey, malloryKey, ada, mallory };
}

function asMallory(doc: A.Doc<Festival>, malloryKey: ReturnType<typeof newSigner>, edit: (draft: Festival) => void): A.Doc<Festival> {
  return withAttestation(A.change(doc, edit), FESTIVAL_ID, malloryKey);
}

describe("attestation downgrade", () => {
  it.each([
    ["overwrites authors[ada]", (draft: Festival) => void (draft.authors[ADA] = new A.ImmutableString("v1.nothing"))],
    ["deletes authors[ada]", (draft: Festival) => void delete draft.authors[ADA]],
    ["replaces the whole authors map", (draft: Festival) => void (draft.authors = {})],
  ])("Ada's changes stay verified as hers when another writer %s", (_what, edit) => {
    const { adaKey, malloryKey, mallory } = adaAndMallory();
    const downgraded = asMallory(mallory, malloryKey, edit);
    const fromAda = fromActor(verifyHistory(downgraded, FESTIVAL_ID), ADA);
    expect(fromAda).toHaveLength(5);
    for (const record of fromAda) expect(record).toMatchObject({ verified: true, author: { key: adaKey.publicKey, name: "Ada" } });
  });

  it("a later attestation of Ada's actor by another key does not count, and says the actor is contested", () => {
    const { adaKey, malloryKey, ada } = adaAndMallory();
    // Mallory writes as Ada's actor: one edit, then an attestation of it signed by Mallory's key.
    let forged = A.change(A.clone(ada, { actor: ADA }), (draft) => {
      draft.name = new A.ImmutableString("Mallory's Fest");
    });
    const edit = A.decodeChange(A.getLastLocalChange(forged)!);
    forged = A.change(forged, (draft) => {
      draft.authors[ADA] = new A.ImmutableString(signAttestation(FESTIVAL_ID, ADA, edit.seq, edit.hash, malloryKey));
    });
    const fromAda = fromActor(verifyHistory(forged, FESTIVAL_ID), ADA).sort((left, right) => left.seq - right.seq);
    expect(fromAda.slice(0, 5).every((record) => record.verified && record.author?.key === adaKey.publicKey)).toBe(true);
    for (const record of fromAda.slice(5)) {
      expect(record.verified).toBe(false);
      expect(record.reason).toMatch(/contested: key [0-9a-f]{8} also attested it, but the actor belongs to key/);
    }
  });
});

describe("member names", () => {
  it("a name counts only when written by its own key: a swap shows Ada as Ada and Mallory unnamed", () => {
    const { adaKey, malloryKey, mallory } = adaAndMallory();
    const swapped = asMallory(mallory, malloryKey, (draft) => {
      draft.members[malloryKey.publicKey] = { name: new A.ImmutableString("Ada") };
      draft.members[adaKey.publicKey] = { name: new A.ImmutableString("Mallory") };
    });
    const names = memberNames(swapped, FESTIVAL_ID);
    expect(names.get(adaKey.publicKey)).toBeUndefined(); // Mallory's write hides Ada's name, it cannot replace it
    expect(names.get(malloryKey.publicKey)).toBe("Ada");
    const records = verifyHistory(swapped, FESTIVAL_ID);
    expect(records.some((record) => record.author?.key === adaKey.publicKey && record.author.name === "Mallory")).toBe(false);
  });

  it("two keys that claim one name are told apart by a short key suffix", () => {
    const { adaKey, malloryKey, mallory } = adaAndMallory();
    const claimed = asMallory(mallory, malloryKey, (draft) => {
      draft.members[malloryKey.publicKey] = { name: new A.ImmutableString("Ada") };
    });
    const names = memberNames(claimed, FESTIVAL_ID);
    expect(names.get(adaKey.publicKey)).toBe(`Ada (${adaKey.publicKey.slice(0, 8)})`);
    expect(names.get(malloryKey.publicKey)).toBe(`Ada (${malloryKey.publicKey.slice(0, 8)})`);
  });

  it("a name written by another actor is not shown as the key's name", () => {
    const { adaKey, malloryKey, mallory } = adaAndMallory();
    const renamed = asMallory(mallory, malloryKey, (draft) => {
      draft.members[adaKey.publicKey].name = new A.ImmutableString("Mallory");
    });
    expect(memberNames(renamed, FESTIVAL_ID).get(adaKey.publicKey)).toBeUndefined();
    expect(memberNames(renamed, FESTIVAL_ID).get(malloryKey.publicKey)).toBe("Mallory");
  });
});
