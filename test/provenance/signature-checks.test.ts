// Signature checks named ahead of verification (pendingSignatureChecks), which the web app makes a slice at a time:
// once they are made, verifying history checks no signature itself, and the verdicts are the same, forgeries included.
import * as A from "@automerge/automerge";
import { afterEach, describe, expect, it } from "vitest";
import { TWEETNACL_SIGNATURES, useSignatureBackend } from "../../engine/core/keys.js";
import { pendingSignatureChecks, pendingSignatureCheckSteps, signAttestation, verifyHistory, withAttestation } from "../../engine/core/provenance.js";
import type { Festival } from "../../engine/core/schema.js";
import { FESTIVAL_ID, actorId, editVenue, newFestival, newSigner, openAs } from "./festival-fixtures.js";

/** Counts every ed25519 verification from now on. */
function countVerifications(): { count: number } {
  const counter = { count: 0 };
  useSignatureBackend({
    sign: TWEETNACL_SIGNATURES.sign,
    verify: (message, signature, key) => {
      counter.count += 1;
      return TWEETNACL_SIGNATURES.verify(message, signature, key);
    },
  });
  return counter;
}

/** Makes the checks pass after pass, as the web app does, until none is left; returns how many passes that took. */
function checkUntilDone(doc: A.Doc<Festival>): number {
  for (let pass = 1; pass <= 8; pass++) {
    const checks = pendingSignatureChecks(doc, FESTIVAL_ID);
    if (checks.length === 0) return pass;
    for (const check of checks) check();
  }
  throw new Error("signature checks did not settle in 8 passes");
}

afterEach(() => useSignatureBackend(null));

/**
 * A festival whose actor `name` wrote a venue signed by A, then renamed it, with a later attestation in A's name
 * signed by someone else: verification falls back to A's genuine earlier one.
 */
function festivalWithForgedAttestation(name: string): { doc: A.Doc<Festival>; actor: string; last: A.DecodedChange } {
  const keyA = newSigner();
  const forger = newSigner();
  const actor = actorId(name);
  let doc = withAttestation(editVenue(newFestival(actor), "hall", "Hall", { signer: keyA, name: "Ana" }), FESTIVAL_ID, keyA);
  doc = editVenue(doc, "hall", "Hijacked hall");
  const last = A.decodeChange(A.getLastLocalChange(doc)!);
  const forged = signAttestation(FESTIVAL_ID, actor, last.seq, last.hash, forger).replace(forger.publicKey, keyA.publicKey);
  doc = A.change(doc, (draft) => {
    draft.authors[actor] = new A.ImmutableString(forged);
  });
  return { doc, actor, last };
}

describe("signature checks named ahead of verification", () => {
  it("names each check once, without making it, and verification then makes none", () => {
    const keyA = newSigner();
    const keyB = newSigner();
    let docA = withAttestation(editVenue(newFestival(actorId("a1")), "hall", "Hall", { signer: keyA, name: "Ana" }), FESTIVAL_ID, keyA);
    let docB = withAttestation(editVenue(openAs(docA, actorId("b1")), "tent", "Tent", { signer: keyB, name: "Bo" }), FESTIVAL_ID, keyB);
    docA = withAttestation(editVenue(docA, "hall", "Great Hall"), FESTIVAL_ID, keyA);
    docB = A.merge(docB, docA);

    const counter = countVerifications();
    const checks = pendingSignatureChecks(docB, FESTIVAL_ID);
    expect(checks.length).toBeGreaterThanOrEqual(2); // one actor each at least
    expect(counter.count).toBe(0);
    for (const check of checks) check();
    expect(counter.count).toBe(checks.length);
    expect(pendingSignatureChecks(docB, FESTIVAL_ID)).toEqual([]);

    const records = verifyHistory(docB, FESTIVAL_ID);
    expect(counter.count).toBe(checks.length);
    expect(records.filter((record) => record.actor === actorId("a1")).every((record) => record.verified && record.author?.key === keyA.publicKey)).toBe(true);
    expect(records.filter((record) => record.actor === actorId("b1")).every((record) => record.verified && record.author?.key === keyB.publicKey)).toBe(true);
  });

  it("checks a forged attestation like any other, and verification then gives the same verdict without checking again", () => {
    const { doc, actor, last } = festivalWithForgedAttestation("a2");

    const counter = countVerifications();
    expect(checkUntilDone(doc)).toBeGreaterThanOrEqual(2); // a pass that checks, then one that finds nothing left
    const made = counter.count;
    const records = verifyHistory(doc, FESTIVAL_ID).filter((record) => record.actor === actor);
    expect(counter.count).toBe(made);
    const renamed = records.find((record) => record.seq === last.seq);
    expect(renamed?.verified).toBe(false);
    expect(records.find((record) => record.seq === 1)?.verified).toBe(true);
  });

  it("names the same checks a step at a time, and verification while it pauses checks signatures for real", () => {
    const { doc, actor, last } = festivalWithForgedAttestation("a3");

    const steps = pendingSignatureCheckSteps(doc, FESTIVAL_ID);
    let paused = 0;
    let step = steps.next();
    while (!step.done) {
      paused += 1;
      // someone reads history while the search pauses: the forged attestation is checked, and fails
      if (paused === 1) expect(verifyHistory(doc, FESTIVAL_ID).find((record) => record.seq === last.seq)?.verified).toBe(false);
      step = steps.next();
    }
    expect(paused).toBeGreaterThanOrEqual(2); // after listing the changes, and after the actor
    // the verification above checked (and remembered) every signature: nothing is left to name
    expect(step.value).toEqual([]);
  });
});
