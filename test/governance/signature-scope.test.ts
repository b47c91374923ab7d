// The signatures the governance decision needs, named ahead so a page can check them in the background: the
// authors writing after the founding (not an origin's history), and once they are checked the decision checks none.
import * as A from "@automerge/automerge";
import { afterEach, describe, expect, it } from "vitest";
import { changeVisibly, governanceOf, governanceSignatureScope } from "../../engine/core/governance/index.js";
import { TWEETNACL_SIGNATURES, useSignatureBackend } from "../../engine/core/keys.js";
import { recordMember } from "../../engine/core/members.js";
import { pendingSignatureCheckSteps, withAttestation, type SignatureCheck } from "../../engine/core/provenance.js";
import type { Festival } from "../../engine/core/schema.js";
import { countVerifications } from "../provenance/festival-fixtures.js";
import { edit, founded, person } from "./governance-helpers.js";

afterEach(() => useSignatureBackend(null));

function checksIn(doc: A.Doc<Festival>, id: string): SignatureCheck[] {
  const steps = pendingSignatureCheckSteps(doc, id, governanceSignatureScope(id));
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

describe("the signatures a governance decision needs", () => {
  it("are the later authors', and once checked ahead the decision checks none; a forgery still does not count", async () => {
    const ada = person("Ada");
    const mallory = person("Mallory");
    const { doc: start, id } = founded(ada);
    // an outsider's proposal, and a change whose attestation claims Ada's key but is signed with Mallory's
    const proposal = edit(A.clone(start), id, mallory, "rename", (draft) => {
      draft.name = new A.ImmutableString("Mallory Fest");
    });
    const forged = withAttestation(
      changeVisibly(A.clone(start), id, "forged", (draft) => {
        draft.description = new A.ImmutableString("forged");
        recordMember(draft, ada);
      }),
      id,
      { publicKey: ada.publicKey, secretKey: mallory.secretKey },
    );
    let doc = A.merge(A.merge(A.clone(start), proposal), forged);
    const scope = governanceSignatureScope(id)(A.getChangesMetaSince(doc, []));
    const actors = new Set(scope.map((change) => change.actor));
    expect(actors).toEqual(new Set([A.getActorId(start), A.getActorId(proposal), A.getActorId(forged)]));
    expect(governanceSignatureScope("2ZpmwmpEKDqczCKN7qtnHUxvubpE")(A.getChangesMetaSince(doc, []))).toEqual([]);

    // checked ahead (asynchronously, as Web Crypto does; a refusal confirmed by the installed backend)
    doc = A.load<Festival>(A.save(doc)); // a new document: nothing decided for it yet
    for (let pass = 0; pass < 4; pass++) {
      const checks = checksIn(doc, id);
      if (checks.length === 0) break;
      const made = await Promise.all(checks.map((check) => check.makeWith((message, signature, key) => Promise.resolve(TWEETNACL_SIGNATURES.verify(message, signature, key)))));
      checks.filter((_, index) => !made[index]).forEach((check) => check.make());
    }
    expect(checksIn(doc, id)).toEqual([]);
    const counter = countVerifications();
    const governance = governanceOf(doc, id);
    expect(counter.count).toBe(0);
    const statusOf = (hash: string) => governance.changes.find((change) => change.hash === hash);
    const proposalChange = A.getHeads(proposal).map(statusOf).find((change) => change !== undefined);
    expect(proposalChange?.status).toBe("proposal");
    expect(String(A.view(doc, governance.visibleHeads).name)).toBe("Summer Fest");
    expect(A.view(doc, governance.visibleHeads).description ?? "").not.toBe("forged");
  });
});
