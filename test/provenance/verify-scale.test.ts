// The verifier on a large history: 25,000 changes from 20 actors, each actor attested once at the end.
// Checks every change is attributed and that verification reads metadata rather than decoding changes.
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { concatBytes } from "../../engine/internals/bytes.js";
import { newestFirst, verifyHistory, verifySummary, withAttestation } from "../../engine/core/provenance.js";
import type { Festival } from "../../engine/core/schema.js";
import { FESTIVAL_ID, editVenue, newFestival, newSigner, openAs } from "./festival-fixtures.js";

const ACTORS = 20;
const CHANGES_PER_ACTOR = 1250;

function buildHistory() {
  const signers = Array.from({ length: ACTORS }, () => newSigner());
  const founder = withAttestation(newFestival("00".repeat(16)), FESTIVAL_ID, signers[0]);
  const founderHeads = A.getHeads(founder);
  const chunks: Uint8Array[] = [A.save(founder)];
  for (let index = 0; index < ACTORS; index++) {
    let doc: A.Doc<Festival> = openAs(founder, (index + 1).toString(16).padStart(2, "0").repeat(16));
    // Bulk changes without operations keep the build fast; verification cost depends on the change count.
    for (let change = 0; change < CHANGES_PER_ACTOR - 2; change++) doc = A.emptyChange(doc);
    doc = editVenue(doc, `venue-${index}`, `Venue ${index}`, { signer: signers[index], name: `Member ${index}` });
    doc = withAttestation(doc, FESTIVAL_ID, signers[index]);
    chunks.push(A.saveSince(doc, founderHeads));
  }
  // What a peer that received every actor's bundle holds, loaded as pandafest would load it.
  const received = A.loadIncremental(A.init<Festival>({ actor: "ff".repeat(16) }), concatBytes(chunks));
  return { merged: A.load<Festival>(A.save(received)), signers };
}

describe("verifyHistory at scale", () => {
  it("attributes 25,000 changes from 20 actors to their authors", () => {
    const { merged, signers } = buildHistory();
    const expectedChanges = ACTORS * CHANGES_PER_ACTOR + 2;

    // its speed is measured in `npm run bench`; here only what it concludes
    const records = verifyHistory(merged, FESTIVAL_ID);
    const ordered = newestFirst(merged, records);

    expect(records).toHaveLength(expectedChanges);
    expect(ordered).toHaveLength(expectedChanges);
    const summary = verifySummary(records);
    expect(summary.verified).toBe(expectedChanges);
    for (let index = 1; index < ACTORS; index++) {
      expect(summary.byAuthor[signers[index].publicKey]).toEqual({ name: `Member ${index}`, changes: CHANGES_PER_ACTOR });
    }
  });
});
