// History as people read it: each change with its signature write folded into it, and "unverified" said in
// words. Shared by `pandafest history` and the web app's History screen. Browser-safe.
import * as A from "@automerge/automerge";
import {
  SIGNATURE_NOT_CHECKED_YET,
  newestFirst,
  parseAttestation,
  soleOperationIn,
  verifyHistorySteps,
  type ChangeRecord,
  type UncheckedSignatures,
} from "./provenance.js";
import type { Festival } from "./schema.js";

export interface HistoryEntry {
  record: ChangeRecord;
  /** hashes of the signature writes (attestations) folded into this change: the ones that vouch for it */
  signatures: string[];
}

/** The change a record's signature write vouches for (actor and seq), or null when it is no signature write. */
export function signedBy(doc: Festival, authorsId: string | null, record: ChangeRecord): { actor: string; seq: number } | null {
  if (authorsId === null || record.operations !== 1) return null;
  const op = soleOperationIn(doc, record.hash);
  if (op === null || op.obj !== authorsId || op.key !== record.actor || op.text === null) return null;
  const attestation = parseAttestation(op.text);
  return attestation === null || attestation.seq >= record.seq ? null : { actor: record.actor, seq: attestation.seq };
}

/**
 * The records (in their order) with each signature write folded into the change it signs; a signature write whose
 * change is not among the records stays an entry of its own.
 */
export function foldSignatures(doc: Festival, records: readonly ChangeRecord[]): HistoryEntry[] {
  return drain(foldSignatureSteps(doc, records));
}

/** Records looked at between two pauses of the steps below (a signature write not decoded yet costs a decode). */
const RECORDS_PER_STEP = 250;

function* foldSignatureSteps(doc: Festival, records: readonly ChangeRecord[]): Generator<void, HistoryEntry[], void> {
  const authorsId = A.getObjectId(doc, "authors") ?? null;
  const signs: ReturnType<typeof signedBy>[] = [];
  for (const record of records) {
    signs.push(signedBy(doc, authorsId, record));
    if (signs.length % RECORDS_PER_STEP === 0) yield;
  }
  const byChange = new Map<string, HistoryEntry>();
  records.forEach((record, index) => {
    if (signs[index] === null) byChange.set(`${record.actor}:${record.seq}`, { record, signatures: [] });
  });
  const entries: HistoryEntry[] = [];
  records.forEach((record, index) => {
    const signed = signs[index];
    const target = signed === null ? undefined : byChange.get(`${signed.actor}:${signed.seq}`);
    if (target !== undefined) target.signatures.push(record.hash);
    else entries.push(byChange.get(`${record.actor}:${record.seq}`) ?? { record, signatures: [] });
  });
  return entries;
}

function drain<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Every change of the festival, newest first, signature writes folded into the changes they sign. `unchecked`: whether
 * signatures not checked yet are checked now, or leave their changes waiting (signatureNotCheckedYet).
 */
export function historyEntries(doc: Festival, festivalId: string, unchecked: UncheckedSignatures = "check"): HistoryEntry[] {
  return drain(historyEntrySteps(doc, festivalId, unchecked));
}

/** historyEntries a step at a time (it pauses after each actor verified and every few hundred changes), for a page's slices. */
export function* historyEntrySteps(doc: Festival, festivalId: string, unchecked: UncheckedSignatures = "check"): Generator<void, HistoryEntry[], void> {
  const records = yield* verifyHistorySteps(doc, festivalId, unchecked);
  yield;
  const sorted = newestFirst(doc, records);
  yield;
  return yield* foldSignatureSteps(doc, sorted);
}

/** Whether the record is unverified only because its actor's signature is not checked yet (it may well verify). */
export function signatureNotCheckedYet(record: ChangeRecord): boolean {
  return !record.verified && record.reason === SIGNATURE_NOT_CHECKED_YET;
}

/** Why a change is unverified, in words a person understands (from verifyHistory's reason). */
export function unverifiedWords(reason: string | undefined): string {
  const text = reason ?? "";
  const contested = text.includes("contested")
    ? " Two keys signed changes of the same writer; only the first to sign is trusted for it."
    : "";
  if (text.startsWith("its actor has no attestation")) {
    return "Nobody's key has signed this change, so who made it is not known. pandafest signs every change as it is made: this one came from another program, or its signature has not arrived yet.";
  }
  if (text.startsWith("made after the latest attested change")) {
    return `Its author has not signed this change yet (it came after their latest signature). It shows their name once their next signature arrives.${contested}`;
  }
  if (text === SIGNATURE_NOT_CHECKED_YET) return "Its signature is still being checked; its author shows once it is.";
  if (text.includes("signature does not verify")) {
    return "The signature on this change is not valid (forged, or made for another festival), so who made it is not known.";
  }
  if (text.includes("no authors map")) {
    return "This festival was not made by pandafest, so its changes carry no signatures and their authors are not known.";
  }
  if (text !== "") return `Who made this change cannot be checked: ${text}.`;
  return "Who made this change cannot be checked: it carries no valid signature.";
}
