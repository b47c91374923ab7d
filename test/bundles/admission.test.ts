// The admission rule on raw Automerge changes: a forged (actor, seq) in the same import as the genuine chain
// waits; a copied attestation write waits until a later signed change shows which one is genuine.
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { type IncomingChange, admitChanges } from "../../bundles/format/admission.js";
import { soleOperationOf, withAttestation } from "../../engine/core/provenance.js";
import type { Festival } from "../../engine/core/schema.js";
import { FESTIVAL_ID, actorId, editVenue, newFestival, newSigner } from "../provenance/festival-fixtures.js";

const ADA = actorId("aa");

function incoming(changes: readonly Uint8Array[]): IncomingChange[] {
  return changes.map((bytes) => {
    const decoded = A.decodeChange(bytes);
    const sole = soleOperationOf(decoded);
    return { ...decoded, operations: decoded.ops.length, sole: () => sole };
  });
}

function lastChange(doc: A.Doc<Festival>): Uint8Array {
  return A.getLastLocalChange(doc) as Uint8Array;
}

function hashOf(bytes: Uint8Array): string {
  return A.decodeChange(bytes).hash;
}

describe("admitChanges", () => {
  it("admits the signed chain and refuses a forged change of the same seq in the same import, whatever the order", () => {
    const key = newSigner();
    const attested = withAttestation(newFestival(ADA), FESTIVAL_ID, key); // seq 1, 2
    const genuine = withAttestation(editVenue(attested, "hall", "Hall"), FESTIVAL_ID, key); // seq 3, 4
    const forged = A.change(A.clone(attested, { actor: ADA }), (draft) => {
      draft.name = new A.ImmutableString("Mallory's Fest");
    }); // seq 3, other content
    const forgedChange = lastChange(forged);
    const changes = A.getAllChanges(genuine);
    for (const order of [[forgedChange, ...changes], [...changes, forgedChange]]) {
      const admission = admitChanges(FESTIVAL_ID, undefined, incoming(order));
      expect([...admission.admitted].sort()).toEqual(changes.map(hashOf).sort());
      expect(admission.unsigned.size).toBe(0);
      expect(admission.conflicts).toEqual([{ hash: hashOf(forgedChange), actor: ADA, seq: 3, held: hashOf(changes[2]) }]);
    }
  });

  it("a copied attestation write held here waits against the genuine one, and is set aside once a later signed change arrives", () => {
    const key = newSigner();
    const created = newFestival(ADA); // seq 1
    const genuine = withAttestation(created, FESTIVAL_ID, key); // seq 2: the attestation write
    const genuineWrite = lastChange(genuine);
    const text = String(genuine.authors[ADA]);
    const copied = A.change(A.clone(created, { actor: ADA }), { message: "copy", time: 1 }, (draft) => {
      draft.authors[ADA] = new A.ImmutableString(text);
    }); // seq 2 as well: the same value, another change
    expect(hashOf(lastChange(copied))).not.toBe(hashOf(genuineWrite));

    const alone = admitChanges(FESTIVAL_ID, copied, incoming([genuineWrite]));
    expect(alone.admitted.size).toBe(0);
    expect(alone.forgeries).toEqual([]);
    expect(alone.unsigned.get(hashOf(genuineWrite))).toMatch(/another change is held here for its actor and seq/);

    const later = withAttestation(editVenue(genuine, "hall", "Hall"), FESTIVAL_ID, key); // seq 3, 4
    const brought = A.getChangesSince(later, A.getHeads(created));
    const withProof = admitChanges(FESTIVAL_ID, copied, incoming(brought));
    expect(withProof.forgeries).toEqual([{ hash: hashOf(lastChange(copied)), actor: ADA, seq: 2, genuine: hashOf(genuineWrite) }]);
    expect([...withProof.admitted].sort()).toEqual(brought.map(hashOf).sort());
  });
});
