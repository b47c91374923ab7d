// Checks a festival's attestation signatures in slices of a few tens of milliseconds, yielding to the page between
// them, so reading authors afterwards (conflicts, history, members) finds every check made and blocks nothing.
import type * as A from "@automerge/automerge/slim";
import { pendingSignatureCheckSteps, type SignatureCheck } from "../../../engine/core/provenance.js";
import type { Festival } from "../../../engine/core/schema.js";
import { pageIdle, runInSlices } from "./slices.js";

/** An invalid signature sends verification down another path, which may ask for more checks: at most this many passes. */
const MAX_PASSES = 4;

function* oneByOne(checks: readonly SignatureCheck[]): Generator<void, void, void> {
  for (const check of checks) {
    check();
    yield;
  }
}

/**
 * Makes every signature check that verifying `doc()` would make, a slice at a time (finding them too). `stillWanted` is asked before each
 * slice (the page may have moved on to another festival). Whatever is left after the passes is checked by the
 * verification itself, as before.
 */
export async function checkSignaturesInSlices(doc: () => A.Doc<Festival>, festivalId: string, stillWanted: () => boolean): Promise<void> {
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    if (!stillWanted()) return;
    const checks = await runInSlices(pendingSignatureCheckSteps(doc(), festivalId), stillWanted);
    if (checks === undefined || checks.length === 0) return;
    await pageIdle();
    if (!stillWanted()) return;
    await runInSlices(oneByOne(checks), stillWanted);
    await pageIdle();
  }
}
