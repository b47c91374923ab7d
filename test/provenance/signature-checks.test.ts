// Signature checks named ahead of verification (pendingSignatureChecks), which the web app makes a slice at a time:
// once they are made, verifying history checks no signature itself, and the verdicts are the same, forgeries included.
import * as A from "@automerge/automerge";
import { afterEach, describe, expect, it } from "vitest";
import { TWEETNACL_SIGNATURES, useSignatureBackend } from "../../engine/core/keys.js";
import {
  SIGNATURE_NOT_CHECKED_YET,
  memberNames,
  memberNamesSoFar,
  pendingSignatureChecks,
  pendingSignatureCheckSteps,
  signAttestation,
  verifyHistory,
  withAttestation,
  type AsyncSignatureVerifier,
} from "../../engine/core/provenance.js";
import { webCryptoVerifier } from "../../engine/core/web-crypto-signatures.js";
import type { Festival } from "../../engine/core/schema.js";
import { FESTIVAL_ID, actorId, countVerifications, editVenue, newFestival, newSigner, openAs } from "./festival-fixtures.js";

/** Makes the checks pass after pass, as the web app does, until none is left; returns how many passes that took. */
function checkUntilDone(doc: A.Doc<Festival>): number {
  for (let pass = 1; pass <= 8; pass++) {
    const checks = pendingSignatureChecks(doc, FESTIVAL_ID);
    if (checks.length === 0) return pass;
    for (const check of checks) check.make();
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
    for (const check of checks) check.make();
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

/** Makes the checks with `verify` pass after pass, as the web app does with Web Crypto, until none is left. */
async function checkWithUntilDone(doc: A.Doc<Festival>, verify: AsyncSignatureVerifier): Promise<void> {
  for (let pass = 1; pass <= 8; pass++) {
    const checks = pendingSignatureChecks(doc, FESTIVAL_ID);
    if (checks.length === 0) return;
    const made = await Promise.all(checks.map((check) => check.makeWith(verify)));
    // a refusal is confirmed by the installed backend, as the web app does a few at a time
    checks.filter((_, index) => !made[index]).forEach((check) => check.make());
  }
  throw new Error("signature checks did not settle in 8 passes");
}

/** Mallory's actor writes a venue, names Mallory's key "Ada", and signs it with an attestation claiming Ada's key. */
function festivalSignedWithForgedKey(name: string): { doc: A.Doc<Festival>; actor: string; ada: string } {
  const ada = newSigner();
  const mallory = newSigner();
  const actor = actorId(name);
  let doc = editVenue(newFestival(actor), "hall", "Hall");
  doc = A.change(doc, (draft) => {
    draft.members[ada.publicKey] = { name: new A.ImmutableString("Ada") };
  });
  const last = A.decodeChange(A.getLastLocalChange(doc)!);
  const forged = signAttestation(FESTIVAL_ID, actor, last.seq, last.hash, mallory).replace(mallory.publicKey, ada.publicKey);
  doc = A.change(doc, (draft) => {
    draft.authors[actor] = new A.ImmutableString(forged);
  });
  return { doc, actor, ada: ada.publicKey };
}

describe("authors from the signatures checked so far, the rest checked by Web Crypto", () => {
  it("checks nothing itself, holds back the unchecked actor, and gives checking's verdicts once Web Crypto has checked", async () => {
    const verify = await webCryptoVerifier();
    expect(verify).not.toBeNull(); // Node's Web Crypto has ed25519, so this test checks through it
    const forgery = festivalWithForgedAttestation("c2");
    const keyB = newSigner();
    const doc = withAttestation(editVenue(openAs(forgery.doc, actorId("c1")), "tent", "Tent", { signer: keyB, name: "Bo" }), FESTIVAL_ID, keyB);

    const counter = countVerifications();
    const before = memberNamesSoFar(doc, FESTIVAL_ID);
    const recordsBefore = verifyHistory(doc, FESTIVAL_ID, "defer");
    expect(counter.count).toBe(0);
    expect(before.actorsUnchecked).toBe(2);
    expect(before.value.size).toBe(0);
    expect(recordsBefore.every((record) => !record.verified && record.reason === SIGNATURE_NOT_CHECKED_YET)).toBe(true);

    await checkWithUntilDone(doc, verify!);
    expect(counter.count).toBe(1); // every check went through Web Crypto; its one "no", the forgery, was confirmed
    const after = memberNamesSoFar(doc, FESTIVAL_ID);
    expect(after.actorsUnchecked).toBe(0);
    expect(after.value).toEqual(memberNames(doc, FESTIVAL_ID));
    expect([...after.value.values()].sort()).toEqual(["Ana", "Bo"]);
    const deferred = verifyHistory(doc, FESTIVAL_ID, "defer");
    expect(deferred).toEqual(verifyHistory(doc, FESTIVAL_ID));
    expect(counter.count).toBe(1);
    // the forged attestation's change stays unverified; the genuine one before it verifies
    const forged = deferred.find((record) => record.actor === forgery.actor && record.seq === forgery.last.seq);
    expect(forged?.verified).toBe(false);
    expect(deferred.find((record) => record.actor === forgery.actor && record.seq === 1)?.verified).toBe(true);
  });

  it("never shows a name signed by a forged attestation, before or after Web Crypto checks it", async () => {
    const verify = (await webCryptoVerifier())!;
    const { doc, actor, ada } = festivalSignedWithForgedKey("c3");
    expect(memberNamesSoFar(doc, FESTIVAL_ID).value.get(ada)).toBeUndefined();
    await checkWithUntilDone(doc, verify);
    const after = memberNamesSoFar(doc, FESTIVAL_ID);
    expect(after.actorsUnchecked).toBe(0);
    expect(after.value.get(ada)).toBeUndefined();
    const records = verifyHistory(doc, FESTIVAL_ID, "defer").filter((record) => record.actor === actor);
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(record.verified).toBe(false);
      expect(record.reason).toMatch(/signature does not verify/);
    }
  });

  it("checks with the installed backend when Web Crypto fails, and a verifier's error never counts as valid", async () => {
    const { doc, ada } = festivalSignedWithForgedKey("c4");
    const counter = countVerifications();
    await checkWithUntilDone(doc, () => Promise.reject(new Error("Web Crypto refused")));
    expect(counter.count).toBeGreaterThan(0);
    expect(memberNamesSoFar(doc, FESTIVAL_ID)).toEqual({ value: new Map(), actorsUnchecked: 0 });
    expect(memberNames(doc, FESTIVAL_ID).get(ada)).toBeUndefined();
  });

  it("leaves a refusal unsettled until the installed backend confirms it, one check at a time", async () => {
    const { doc } = festivalSignedWithForgedKey("c5");
    const checks = pendingSignatureChecks(doc, FESTIVAL_ID);
    expect(checks.length).toBeGreaterThan(0);
    const made = await Promise.all(checks.map((check) => check.makeWith(() => Promise.resolve(false))));
    expect(made.every((settled) => !settled)).toBe(true);
    // nothing was remembered: the same checks are still pending, and a forgery is not let through meanwhile
    expect(pendingSignatureChecks(doc, FESTIVAL_ID)).toHaveLength(checks.length);
    const counter = countVerifications();
    for (const check of checks) check.make();
    expect(counter.count).toBe(checks.length);
    expect(pendingSignatureChecks(doc, FESTIVAL_ID)).toEqual([]);
  });
});
