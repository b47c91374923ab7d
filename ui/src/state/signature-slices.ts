// Checks a festival's attestation signatures in the background: found in slices of a few tens of milliseconds, then
// checked in batches by Web Crypto (off the main thread) or, without it, by tweetnacl a slice at a time; screens that
// name authors show what is checked so far and hear when more is (onSignaturesChecked).
import type * as A from "@automerge/automerge/slim";
import { pendingSignatureCheckSteps, type AsyncSignatureVerifier, type SignatureCheck } from "../../../engine/core/provenance.js";
import type { Festival } from "../../../engine/core/schema.js";
import { webCryptoVerifier } from "../../../engine/core/web-crypto-signatures.js";
import { governanceSignatureScope } from "../../../engine/core/governance/standing.js";
import { pageIdle, runInSlices } from "./slices.js";

/** An invalid signature sends verification down another path, which may ask for more checks: at most this many passes. */
const MAX_PASSES = 4;
/** Signatures handed to Web Crypto at once: enough to keep its threads busy, few enough to stop soon when unwanted. */
const WEB_CRYPTO_BATCH = 64;
/** Listeners hear of progress at most this often (ms), and once more when a run has ended. */
const PROGRESS_EVERY_MS = 500;

function* oneByOne(checks: readonly SignatureCheck[]): Generator<void, void, void> {
  for (const check of checks) {
    check.make();
    yield;
  }
}

/** The refusals `checks` (refused by Web Crypto) confirmed by the installed backend, one a step; true at the end. */
function* confirmed(checks: readonly SignatureCheck[]): Generator<void, true, void> {
  for (const check of checks) {
    check.make();
    yield;
  }
  return true;
}

type Listener = (festivalId: string) => void;
const listeners = new Set<Listener>();

/** Calls `listener` with the festival's id when more of its signatures are checked; returns what stops it. */
export function onSignaturesChecked(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function tellListeners(festivalId: string): void {
  for (const listener of [...listeners]) listener(festivalId);
}

/**
 * Makes `checks` with Web Crypto, a batch at a time; the ones it refuses are confirmed by tweetnacl in slices (a few
 * milliseconds each: a festival holding thousands of signatures made for another festival id, as a fork with history
 * does, or a hostile peer's, must not stop the page for seconds). False when no longer wanted.
 */
async function inBatches(checks: readonly SignatureCheck[], verify: AsyncSignatureVerifier, stillWanted: () => boolean, progress: () => void): Promise<boolean> {
  for (let start = 0; start < checks.length; start += WEB_CRYPTO_BATCH) {
    const batch = checks.slice(start, start + WEB_CRYPTO_BATCH);
    const made = await Promise.all(batch.map((check) => check.makeWith(verify)));
    const refused = batch.filter((_, index) => !made[index]);
    if (refused.length > 0 && (await runInSlices(confirmed(refused), stillWanted)) !== true) return false;
    progress();
    if (!stillWanted()) return false;
  }
  return true;
}

/** Which changes' signatures a run checks: those of the whole history, or only those the governance decision needs. */
type Scope = "history" | "governance";

async function checkAll(doc: () => A.Doc<Festival>, festivalId: string, stillWanted: () => boolean, scope: Scope = "history"): Promise<void> {
  const only = scope === "governance" ? governanceSignatureScope(festivalId) : undefined;
  const verify = await webCryptoVerifier();
  let toldAt = performance.now();
  const progress = () => {
    if (performance.now() - toldAt < PROGRESS_EVERY_MS) return;
    toldAt = performance.now();
    tellListeners(festivalId);
  };
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    if (!stillWanted()) return;
    const checks = await runInSlices(pendingSignatureCheckSteps(doc(), festivalId, only), stillWanted);
    if (checks === undefined || checks.length === 0) return;
    if (verify !== null) {
      if (!(await inBatches(checks, verify, stillWanted, progress))) return;
    } else {
      await pageIdle();
      if (!stillWanted()) return;
      await runInSlices(oneByOne(checks), stillWanted);
      progress();
    }
    await pageIdle();
  }
}

/** The run under way per festival, and whoever waits for it (it goes on while any of them still wants it). */
const running = new Map<string, { done: Promise<void>; wanted: Set<() => boolean> }>();

/**
 * Makes every signature check that verifying `doc()` would make, in the background (finding them too), and resolves
 * once they are made or no caller wants them any more (`stillWanted`, asked between slices and batches: the page may
 * have moved on). A call while a run for the festival is under way joins it. Whatever is left after the passes is
 * checked by a verification that checks, as before.
 */
export function checkSignaturesInBackground(doc: () => A.Doc<Festival>, festivalId: string, stillWanted: () => boolean): Promise<void> {
  const current = running.get(festivalId);
  if (current !== undefined) {
    current.wanted.add(stillWanted);
    return current.done;
  }
  const wanted = new Set([stillWanted]);
  const anyWants = () => [...wanted].some((wants) => wants());
  const done = checkAll(doc, festivalId, anyWants).finally(() => {
    running.delete(festivalId);
    tellListeners(festivalId);
  });
  running.set(festivalId, { done, wanted });
  return done;
}

/**
 * Makes the signature checks the governance decision of `doc()` needs (the authors writing after its founding), by Web
 * Crypto in batches where the browser has it, before a session decides: the decision then finds them made, where it
 * would check each with tweetnacl at once (milliseconds each, about 0.7 s for 1% proposals on the large bench
 * festival). Resolves when they are made or `stillWanted` says no; the decision checks whatever is left, as always.
 */
export function checkGovernanceSignatures(doc: () => A.Doc<Festival>, festivalId: string, stillWanted: () => boolean): Promise<void> {
  return checkAll(doc, festivalId, stillWanted, "governance");
}
