// Writing attestations: format, signature, what gets attested and when nothing needs attesting.
// Raw Automerge documents with chosen actor ids, plus an automerge-repo handle as the real editor.
import * as A from "@automerge/automerge";
import { Repo } from "@automerge/automerge-repo";
import { describe, expect, it } from "vitest";
import {
  ATTESTATION_MESSAGE,
  attest,
  attestationFor,
  attestationMessage,
  attestationSignatureValid,
  parseAttestation,
  signAttestation,
  verifyHistory,
  withAttestation,
  writeAttestation,
} from "../../engine/core/provenance.js";
import type { Festival } from "../../engine/core/schema.js";
import { FESTIVAL_ID, actorId, editVenue, newFestival, newSigner, openAs } from "./festival-fixtures.js";

describe("attestation strings", () => {
  it("round-trips and verifies only for the festival and actor it was made for", () => {
    const signer = newSigner();
    const actor = actorId("aa");
    const hash = "ab".repeat(32);
    const text = signAttestation(FESTIVAL_ID, actor, 7, hash, signer);
    expect(text).toMatch(/^v1\.[0-9a-f]{64}\.7\.[0-9a-f]{64}\.[0-9a-f]{128}$/);
    const parsed = parseAttestation(text);
    expect(parsed).toMatchObject({ key: signer.publicKey, seq: 7, hash });
    expect(attestationSignatureValid(parsed!, FESTIVAL_ID, actor)).toBe(true);
    expect(attestationSignatureValid(parsed!, "another-festival", actor)).toBe(false);
    expect(attestationSignatureValid(parsed!, FESTIVAL_ID, actorId("bb"))).toBe(false);
    expect(attestationSignatureValid({ ...parsed!, seq: 8 }, FESTIVAL_ID, actor)).toBe(false);
    expect(attestationSignatureValid({ ...parsed!, key: newSigner().publicKey }, FESTIVAL_ID, actor)).toBe(false);
  });

  it("rejects malformed strings", () => {
    const good = signAttestation(FESTIVAL_ID, actorId("aa"), 1, "00".repeat(32), newSigner());
    for (const bad of ["", "v1", good.replace("v1.", "v2."), good.replace(".1.", ".0."), good.replace(".1.", ".01."), `${good}0`, good.toUpperCase()]) {
      expect(parseAttestation(bad)).toBeNull();
    }
    expect(parseAttestation("x".repeat(100_000))).toBeNull();
  });

  it("signs an unambiguous encoding of the fields", () => {
    const one = attestationMessage("ab", "c", 1, "h");
    const two = attestationMessage("a", "bc", 1, "h");
    expect(one).not.toEqual(two);
    expect(attestationMessage("ab", "c", 1, "h")).toEqual(one);
  });
});

describe("attest", () => {
  it("covers the latest local change and then has nothing more to attest", () => {
    const signer = newSigner();
    const actor = actorId("aa");
    let doc = editVenue(newFestival(actor), "v1", "Main stage");
    const latest = A.decodeChange(A.getLastLocalChange(doc)!);
    const text = attestationFor(doc, FESTIVAL_ID, signer);
    expect(parseAttestation(text!)).toMatchObject({ key: signer.publicKey, seq: latest.seq, hash: latest.hash });

    doc = withAttestation(doc, FESTIVAL_ID, signer);
    expect(String(doc.authors[actor])).toBe(text);
    const write = A.decodeChange(A.getLastLocalChange(doc)!);
    expect(write.seq).toBe(latest.seq + 1);
    expect(write.ops).toHaveLength(1);
    expect(write.message).toBe(ATTESTATION_MESSAGE);
    expect(attestationFor(doc, FESTIVAL_ID, signer)).toBeNull();
    expect(attest(doc, FESTIVAL_ID, signer)).toBeNull();

    doc = editVenue(doc, "v1", "Meadow stage");
    const next = parseAttestation(attestationFor(doc, FESTIVAL_ID, signer)!);
    expect(next?.seq).toBe(write.seq + 1);
  });

  it("finds the latest local change after a peer has built on it", () => {
    const signer = newSigner();
    let mine = editVenue(newFestival(actorId("aa")), "hall", "Hall");
    const latest = A.decodeChange(A.getLastLocalChange(mine)!);
    const theirs = editVenue(openAs(mine, actorId("bb")), "tent", "Tent");
    mine = A.merge(mine, theirs); // my latest change is no longer a head
    expect(A.getHeads(mine)).not.toContain(latest.hash);
    expect(parseAttestation(attestationFor(mine, FESTIVAL_ID, signer)!)).toMatchObject({ seq: latest.seq, hash: latest.hash });
    mine = withAttestation(mine, FESTIVAL_ID, signer);
    expect(attestationFor(mine, FESTIVAL_ID, signer)).toBeNull();
    const records = verifyHistory(mine, FESTIVAL_ID).filter((record) => record.actor === actorId("aa"));
    expect(records.map((record) => record.verified)).toEqual([true, true, true]);
  });

  it("has nothing to attest for a process that has not changed the festival", () => {
    const signer = newSigner();
    const theirs = withAttestation(newFestival(actorId("aa")), FESTIVAL_ID, signer);
    expect(attestationFor(openAs(theirs, actorId("bb")), FESTIVAL_ID, signer)).toBeNull();
  });

  it("refuses a document without an authors map", () => {
    const doc = A.change(A.init<Festival>({ actor: actorId("aa") }), (draft) => {
      draft.schema = 1;
    });
    expect(() => attestationFor(doc, FESTIVAL_ID, newSigner())).toThrow(/no authors map/);
  });

  it("writes through an automerge-repo handle so the history verifies", async () => {
    const repo = new Repo({ network: [] });
    try {
      const signer = newSigner();
      const handle = repo.create<Festival>(newFestival(actorId("aa")));
      const editor = {
        read: () => handle.doc(),
        change: (apply: (draft: Festival) => void, message?: string) => handle.change(apply, { message }),
      };
      editor.change((draft) => {
        draft.venues.hall = { name: new A.ImmutableString("Hall"), description: new A.ImmutableString(""), address: new A.ImmutableString(""), accessibility: new A.ImmutableString(""), tags: [] };
      }, "add hall");
      editor.change((draft) => {
        draft.members[signer.publicKey] = { name: new A.ImmutableString("Kim") };
      }, "join");
      expect(writeAttestation(editor, handle.documentId, signer)).toBe(true);
      expect(writeAttestation(editor, handle.documentId, signer)).toBe(false);
      const records = verifyHistory(handle.doc(), handle.documentId);
      const local = records.filter((record) => record.actor === A.getActorId(handle.doc()));
      expect(local.length).toBeGreaterThanOrEqual(3);
      for (const record of local) expect(record).toMatchObject({ verified: true, author: { key: signer.publicKey, name: "Kim" } });
    } finally {
      await repo.shutdown();
    }
  });
});
