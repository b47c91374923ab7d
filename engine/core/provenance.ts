// Authorship of festival changes: signed attestations in doc.authors[actor] and the history verifier.
// Browser-safe (no Node imports): the UI verifies history itself, whichever peer or stick delivered it.
import * as A from "@automerge/automerge";
import { allChangeMetadata } from "./change-metadata.js";
import { changeBytesByHash, changeMetaByHash, documentBackend, keysOf, valuesWithWriters } from "../internals/automerge-backend.js";
import { PandafestError } from "./errors.js";
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, fromHex, sign, toHex, verify } from "./keys.js";
import type { Festival } from "./schema.js";

/*
 * An attestation says: key K vouches that actor X's change number `seq` in festival F has hash h.
 * A change hash commits to all its dependencies, and every change of an actor depends on that actor's
 * previous change, so one attestation vouches for all of X's changes up to seq. It is stored as one
 * ImmutableString, "v1.<key hex>.<seq>.<hash hex>.<signature hex>", written by X itself in the change
 * right after the one it covers (so writing it is a single operation).
 */

export const ATTESTATION_VERSION = "v1";
/** Domain separation: these signatures can never be mistaken for any other pandafest signature. */
export const ATTESTATION_LABEL = "pandafest-attestation-v1";
/** The message of an attestation write. A display hint only: verification never trusts it. */
export const ATTESTATION_MESSAGE = "pandafest: attestation";

const HASH_HEX_LENGTH = 64;
const ATTESTATION_PATTERN = new RegExp(
  `^${ATTESTATION_VERSION}\\.([0-9a-f]{${PUBLIC_KEY_BYTES * 2}})\\.([1-9][0-9]{0,14})\\.([0-9a-f]{${HASH_HEX_LENGTH}})\\.([0-9a-f]{${SIGNATURE_BYTES * 2}})$`,
);
/** Longest well-formed attestation; longer values are refused before any parsing. */
const ATTESTATION_MAX_LENGTH = ATTESTATION_VERSION.length + 4 + PUBLIC_KEY_BYTES * 2 + 15 + HASH_HEX_LENGTH + SIGNATURE_BYTES * 2;

/** What signs attestations: an Identity from engine/node/identity.ts fits. */
export interface AttestationSigner {
  publicKey: string;
  secretKey: Uint8Array;
}

export interface Attestation {
  /** public key (hex) of the signer */
  key: string;
  /** the actor's change this vouches for, and (implicitly) all of that actor's earlier changes */
  seq: number;
  hash: string;
  /** ed25519 signature (hex) of attestationMessage(festival, actor, seq, hash) */
  signature: string;
}

/**
 * The canonical bytes that are signed: the label, festival id, actor, seq (decimal) and change hash,
 * each as UTF-8 preceded by its byte length (4 bytes, big-endian), so no two tuples share an encoding.
 */
export function attestationMessage(festivalId: string, actor: string, seq: number, hash: string): Uint8Array {
  const encoder = new TextEncoder();
  const fields = [ATTESTATION_LABEL, festivalId, actor, String(seq), hash].map((field) => encoder.encode(field));
  const message = new Uint8Array(fields.reduce((total, field) => total + 4 + field.length, 0));
  const view = new DataView(message.buffer);
  let offset = 0;
  for (const field of fields) {
    view.setUint32(offset, field.length);
    message.set(field, offset + 4);
    offset += 4 + field.length;
  }
  return message;
}

/** The attestation string for (festival, actor, seq, hash), signed by signer. */
export function signAttestation(festivalId: string, actor: string, seq: number, hash: string, signer: AttestationSigner): string {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new PandafestError(`an attestation needs a change seq >= 1, got ${seq}`, { code: "usage" });
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new PandafestError(`an attestation needs a 64-digit hex change hash, got "${hash}"`, { code: "usage" });
  const signature = sign(attestationMessage(festivalId, actor, seq, hash), signer.secretKey);
  return [ATTESTATION_VERSION, signer.publicKey, String(seq), hash, toHex(signature)].join(".");
}

/** The parts of an attestation string, or null when it is not a well-formed v1 attestation. */
export function parseAttestation(text: string): Attestation | null {
  if (text.length > ATTESTATION_MAX_LENGTH) return null;
  const match = ATTESTATION_PATTERN.exec(text);
  if (!match) return null;
  const seq = Number(match[2]);
  if (!Number.isSafeInteger(seq)) return null;
  return { key: match[1], seq, hash: match[3], signature: match[4] };
}

/**
 * Recent signature checks: an ed25519 verification costs milliseconds in tweetnacl, and history is
 * verified again after every change, while attestations rarely change. Bounded, oldest dropped first.
 */
const checkedSignatures = new Map<string, boolean>();
const CHECKED_SIGNATURES_LIMIT = 16384;

/** While pendingSignatureChecks runs (or a "so far" verification): the checks asked for that are not remembered yet. */
let collectedChecks: Map<string, SignatureCheck> | null = null;

/** Checks ed25519 signatures elsewhere (Web Crypto): whether `signature` is `publicKey`'s signature of `message`. */
export type AsyncSignatureVerifier = (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array) => Promise<boolean>;

/** One signature check left to make; making it remembers its result for the next verification. */
export interface SignatureCheck {
  /** makes the check now with the installed backend (tweetnacl in browsers, engine/core/keys.ts) */
  make(): void;
  /**
   * makes it with `verify` (asynchronous, so the page goes on meanwhile) and resolves true once it is made; should
   * `verify` refuse it or fail, nothing is remembered and it resolves false: the installed backend must then confirm
   * the refusal with `make()` (Web Crypto is stricter than tweetnacl about odd encodings, and every peer must reach one
   * verdict). The caller makes those confirmations a few at a time: a festival full of bad signatures (a fork with its
   * origin's history, or a hostile peer's) would otherwise cost one backend check each in a single task.
   */
  makeWith(verify: AsyncSignatureVerifier): Promise<boolean>;
}

function rememberSignature(cacheKey: string, valid: boolean): void {
  if (checkedSignatures.size >= CHECKED_SIGNATURES_LIMIT) {
    const oldest = checkedSignatures.keys().next();
    if (!oldest.done) checkedSignatures.delete(oldest.value);
  }
  checkedSignatures.set(cacheKey, valid);
}

function signatureCheckOf(cacheKey: string, attestation: Attestation, festivalId: string, actor: string): SignatureCheck {
  return {
    make: () => rememberSignature(cacheKey, attestationSignatureValid(attestation, festivalId, actor)),
    makeWith: async (verify) => {
      const [message, signature, key] = attestationSignatureParts(attestation, festivalId, actor);
      let valid = false;
      try {
        valid = (await verify(message, signature, key)) === true;
      } catch {
        valid = false;
      }
      // a "no" (or a failure) is left for the installed backend to confirm (make), as engine/node/native-signatures.ts
      // confirms its own, so every peer reaches one verdict
      if (valid) rememberSignature(cacheKey, true);
      return valid;
    },
  };
}

function attestationSignatureValidCached(attestation: Attestation, text: string, festivalId: string, actor: string): boolean {
  const cacheKey = `${festivalId}\n${actor}\n${text}`;
  const known = checkedSignatures.get(cacheKey);
  if (known !== undefined) return known;
  if (collectedChecks !== null) {
    // collecting: assume valid (the likely case) and go on, so one pass names every check verification will make
    collectedChecks.set(cacheKey, signatureCheckOf(cacheKey, attestation, festivalId, actor));
    return true;
  }
  const valid = attestationSignatureValid(attestation, festivalId, actor);
  rememberSignature(cacheKey, valid);
  return valid;
}

/**
 * The signature checks verifying `doc`'s history would make and has not made yet, each to be made on its own (an
 * ed25519 check costs milliseconds in tweetnacl, hundreds of them block a page for seconds). Found by verifying
 * with every unknown signature taken as valid; when one turns out invalid, verification takes another path and may
 * ask for more, so a caller repeats until none is left (see ui/src/state/signature-slices.ts). Results are
 * remembered as verifyHistory remembers its own, in a bounded cache.
 */
export function pendingSignatureChecks(doc: A.Doc<Festival>, festivalId: string): SignatureCheck[] {
  const steps = pendingSignatureCheckSteps(doc, festivalId);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * pendingSignatureChecks a step at a time: it pauses after listing the changes and after each actor, so a page can
 * spread it over several tasks. Verification in between (by another caller) checks signatures as usual. `only`
 * narrows the changes whose actors are looked at (governanceSignatureScope: what the governance decision verifies).
 */
export function* pendingSignatureCheckSteps(
  doc: A.Doc<Festival>,
  festivalId: string,
  only?: (metadata: readonly A.ChangeMetadata[]) => readonly A.ChangeMetadata[],
): Generator<void, SignatureCheck[], void> {
  const collected = new Map<string, SignatureCheck>();
  const all = allChangeMetadata(doc);
  const metadata = only === undefined ? all : only(all);
  yield;
  const steps = actorCoverageSteps(doc, festivalId, metadata, false);
  for (;;) {
    // collecting only while a step runs: whatever runs while this pauses verifies for real
    collectedChecks = collected;
    let step: IteratorResult<void, Map<string, ActorCoverage>>;
    try {
      step = steps.next();
    } finally {
      collectedChecks = null;
    }
    if (step.done) return [...collected.values()];
    yield;
  }
}

/** The signed message, the signature and the key of an attestation of (festivalId, actor): what a check verifies. */
function attestationSignatureParts(attestation: Attestation, festivalId: string, actor: string): [Uint8Array, Uint8Array, Uint8Array] {
  return [
    attestationMessage(festivalId, actor, attestation.seq, attestation.hash),
    fromHex(attestation.signature, "attestation signature", SIGNATURE_BYTES),
    fromHex(attestation.key, "attestation key", PUBLIC_KEY_BYTES),
  ];
}

/** Whether the attestation's signature is its key's, over (festivalId, actor, seq, hash). */
export function attestationSignatureValid(attestation: Attestation, festivalId: string, actor: string): boolean {
  return verify(...attestationSignatureParts(attestation, festivalId, actor));
}

function authorsObjectId(doc: A.Doc<Festival>): string {
  const id = A.getObjectId(doc, "authors");
  if (id === null || id === undefined) {
    throw new PandafestError("this festival has no authors map, so its changes cannot be attested; it was not made by pandafest", {
      code: "data",
    });
  }
  return id;
}

/** Op ids look like "<counter>@<actor hex>". */
export function parseOpId(opId: string): { counter: number; actor: string } | null {
  const match = /^([0-9]+)@([0-9a-f]+)$/.exec(opId);
  return match ? { counter: Number(match[1]), actor: match[2] } : null;
}

/** One value stored at authors[actor]: the op that wrote it, and its text when it is an ImmutableString. */
interface StoredAttestation {
  opId: string;
  text: string | null;
}

/**
 * Every value currently stored at authors[actor]: one, or several after concurrent writes. Read from the
 * document backend because getConflicts leaves out the op id (the writer) when there is a single value.
 */
function attestationValues(doc: A.Doc<Festival>, authorsId: string, actor: string): StoredAttestation[] {
  return valuesWithWriters(doc, authorsId, actor).map(
    (value): StoredAttestation => ({ opId: value.opId, text: value.datatype === "str" ? String(value.value) : null }),
  );
}

/** Where a change sits in its actor's history: enough to attest it and to recognise an attestation write. */
type ChangePosition = Pick<A.ChangeMetadata, "seq" | "hash" | "startOp" | "maxOp">;

/**
 * The latest change of `actor` (this process's actor). A change just made is a head, so the heads'
 * metadata usually answers; only when another peer has already built on it is the last local change
 * decoded (costly for a large import).
 */
function latestChangeOf(doc: A.Doc<Festival>, actor: string): ChangePosition | null {
  let latest: ChangePosition | null = null;
  for (const head of A.getHeads(doc)) {
    const change = changeMetaByHash(doc, head);
    if (change !== null && change.actor === actor && (latest === null || change.seq > latest.seq)) latest = change;
  }
  if (latest !== null) return latest;
  const lastLocal = A.getLastLocalChange(doc);
  if (lastLocal === undefined) return null;
  const decoded = A.decodeChange(lastLocal);
  return { seq: decoded.seq, hash: decoded.hash, startOp: decoded.startOp, maxOp: decoded.startOp + decoded.ops.length - 1 };
}

/**
 * The attestation the current actor should write now, covering its latest change, or null when there
 * is nothing to attest (no change by this actor yet, its latest change is already attested, or it is
 * itself the attestation write).
 */
export function attestationFor(doc: A.Doc<Festival>, festivalId: string, signer: AttestationSigner): string | null {
  const actor = A.getActorId(doc);
  const authorsId = authorsObjectId(doc);
  const latest = latestChangeOf(doc, actor);
  if (latest === null) return null;
  for (const { opId, text } of attestationValues(doc, authorsId, actor)) {
    const writer = parseOpId(opId);
    if (writer === null || writer.actor !== actor || text === null) continue;
    const attestation = parseAttestation(text);
    if (attestation === null) continue;
    const latestIsThisWrite = latest.startOp === latest.maxOp && writer.counter === latest.startOp;
    if (latestIsThisWrite) return null;
    if (attestation.key === signer.publicKey && attestation.seq === latest.seq && attestation.hash === latest.hash) return null;
  }
  return signAttestation(festivalId, actor, latest.seq, latest.hash, signer);
}

/** The change function that writes the current actor's attestation (see attestationFor), or null. */
export function attest(doc: A.Doc<Festival>, festivalId: string, signer: AttestationSigner): ((draft: Festival) => void) | null {
  const value = attestationFor(doc, festivalId, signer);
  if (value === null) return null;
  const actor = A.getActorId(doc);
  return (draft: Festival) => {
    draft.authors[actor] = new A.ImmutableString(value);
  };
}

/** Anything that holds a festival and applies changes to it: an automerge-repo DocHandle-like wrapper. */
export interface AttestableEditor {
  read(): A.Doc<Festival>;
  change(apply: (draft: Festival) => void, message?: string): unknown;
}

/** Attest the editor's latest local change as its own change. Returns whether anything was written. */
export function writeAttestation(editor: AttestableEditor, festivalId: string, signer: AttestationSigner): boolean {
  const apply = attest(editor.read(), festivalId, signer);
  if (apply === null) return false;
  editor.change(apply, ATTESTATION_MESSAGE);
  return true;
}

/** A raw Automerge document with its latest local change attested (the same document when nothing to attest). */
export function withAttestation(doc: A.Doc<Festival>, festivalId: string, signer: AttestationSigner): A.Doc<Festival> {
  const apply = attest(doc, festivalId, signer);
  return apply === null ? doc : A.change(doc, { message: ATTESTATION_MESSAGE }, apply);
}

export interface ChangeAuthor {
  /** public key (hex) */
  key: string;
  /** the key's display name (memberNames): only a name the key wrote itself; "" when it has none */
  name: string;
}

export interface ChangeRecord {
  hash: string;
  actor: string;
  seq: number;
  /** milliseconds since the epoch as the author's clock said (0 when the change carries no time) */
  time: number;
  message: string | null;
  /** number of operations in the change */
  operations: number;
  verified: boolean;
  author: ChangeAuthor | null;
  /** why the change is unverified */
  reason?: string;
}

/** Automerge JS records seconds; some implementations record milliseconds. 1e11 s is the year 5138. */
function timeInMilliseconds(time: number): number {
  return time > 0 && time < 1e11 ? time * 1000 : time;
}

/** The change of `changes` (one actor, sorted by seq) that holds op counter `counter`. */
function changeHoldingOp(changes: readonly A.ChangeMetadata[], counter: number): A.ChangeMetadata | undefined {
  let low = 0;
  let high = changes.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const change = changes[middle];
    if (counter < change.startOp) high = middle - 1;
    else if (counter > change.maxOp) low = middle + 1;
    else return change;
  }
  return undefined;
}

function shortId(hex: string): string {
  return hex.slice(0, 8);
}

/** The one operation of a single-op change, as far as an attestation write needs it. */
export interface SoleOperation {
  /** object id ("<counter>@<actor>") the op writes into */
  obj: string;
  key: string | null;
  /** the value written when it is a plain (immutable) string, otherwise null */
  text: string | null;
}

/** The sole operation of a decoded change, or null when the change holds more or fewer than one. */
export function soleOperationOf(change: A.DecodedChange): SoleOperation | null {
  if (change.ops.length !== 1) return null;
  const op = change.ops[0];
  const text = op.action === "set" && typeof op.value === "string" && op.datatype === undefined ? op.value : null;
  return { obj: op.obj, key: typeof op.key === "string" ? op.key : null, text };
}

/** A valid attestation write of an actor: the change that wrote it, and what it vouches for. */
export interface AttestationWrite {
  writeSeq: number;
  writeHash: string;
  attestation: Attestation;
}

/**
 * Whether the single-op change (writeSeq, writeHash) of `actor` is a valid attestation of that actor's own
 * changes: it writes the key `actor` of a map (authors[actor]; of whichever map was authors when it was
 * written, so replacing the map hides nothing), the value is a v1 attestation of an earlier seq, signed by
 * its key over (festival, actor, seq, hash), and `hashesAt(seq)` (the actor's changes at that seq where it
 * is checked) holds that hash. This one rule is shared by history verification and bundle import.
 */
export function ownAttestationWrite(
  festivalId: string,
  actor: string,
  write: { seq: number; hash: string },
  op: SoleOperation,
  hashesAt: (seq: number) => readonly string[],
): AttestationWrite | { reason: string } {
  if (op.key !== actor) return { reason: NOT_AN_ATTESTATION };
  if (op.text === null) return { reason: "the attestation for this actor is not a plain string value" };
  const attestation = parseAttestation(op.text);
  if (attestation === null) return { reason: "the attestation for this actor is not a well-formed v1 attestation" };
  if (attestation.seq >= write.seq) return { reason: `the attested change (seq ${attestation.seq}) is not earlier than its attestation` };
  if (!attestationSignatureValidCached(attestation, op.text, festivalId, actor)) {
    return { reason: "the attestation signature does not verify (forged, or made for another festival or actor)" };
  }
  const hashes = hashesAt(attestation.seq);
  if (hashes.length === 0) return { reason: `the attested change (seq ${attestation.seq}) is not in this document` };
  if (!hashes.includes(attestation.hash)) return { reason: `the attested change (seq ${attestation.seq}) has a different hash than the one signed` };
  return { writeSeq: write.seq, writeHash: write.hash, attestation };
}

const NOT_AN_ATTESTATION = "not an attestation write";

/**
 * The changes of one actor its key vouches for: `attestedSeq`/`attestedHash` is the latest change signed
 * by the actor's bound key (see bindActor); `throughSeq` also counts the attestation write right after it.
 */
export interface ActorBinding {
  key: string;
  attestedSeq: number;
  attestedHash: string;
  throughSeq: number;
  /** the attestation write counted by throughSeq, when it is counted */
  writeHash?: string;
  /** set when a valid attestation by another key was written after the latest one by the bound key */
  contestedBy?: string;
}

export type ActorCoverage = ActorBinding | { reason: string };

function bindingOf(write: AttestationWrite, contestedBy: string | undefined): ActorBinding {
  const { key, seq, hash } = write.attestation;
  const binding: ActorBinding = { key, attestedSeq: seq, attestedHash: hash, throughSeq: seq };
  if (write.writeSeq === seq + 1) {
    binding.throughSeq = write.writeSeq;
    binding.writeHash = write.writeHash;
  }
  if (contestedBy !== undefined) binding.contestedBy = contestedBy;
  return binding;
}

/**
 * The coverage of an actor from its own attestation-write candidates (its single-op changes, oldest
 * first; `writeAt` decodes one, so it is called as little as possible). The actor belongs to the key of
 * its EARLIEST valid own attestation; the latest attestation by that key says how far it vouches. Valid
 * attestations by other keys do not count: they mark the actor as contested.
 */
export function bindActor<T>(candidates: readonly T[], writeAt: (candidate: T) => AttestationWrite | { reason: string }): ActorCoverage {
  let earliest: AttestationWrite | null = null;
  let earliestIndex = -1;
  const reasons = new Set<string>();
  for (const [index, candidate] of candidates.entries()) {
    const write = writeAt(candidate);
    if ("reason" in write) {
      if (write.reason !== NOT_AN_ATTESTATION) reasons.add(write.reason);
      continue;
    }
    earliest = write;
    earliestIndex = index;
    break;
  }
  if (earliest === null) return { reason: reasons.size > 0 ? [...reasons].join("; ") : "its actor has no attestation" };
  const key = earliest.attestation.key;
  let contestedBy: string | undefined;
  for (let index = candidates.length - 1; index > earliestIndex; index -= 1) {
    const write = writeAt(candidates[index]);
    if ("reason" in write) continue;
    if (write.attestation.key !== key) contestedBy ??= write.attestation.key;
    else return bindingOf(write, contestedBy);
  }
  return bindingOf(earliest, contestedBy);
}

/**
 * What a single-op change holds, per change hash: decoding is the costly part of verification and
 * changes never change, so history verified again after an edit decodes only the new attestation writes.
 * Bounded, oldest dropped first.
 */
const soleOperations = new Map<string, SoleOperation | null>();
const SOLE_OPERATIONS_LIMIT = 16384;

/** How often verification decoded a change (not served from the cache): for tests and measurements. */
export const decodeCounter = { decoded: 0 };

/**
 * Encoded changes of a document by hash, for documents where many attestation writes must be decoded:
 * asking Automerge change by change costs about a millisecond each on a large loaded document, listing
 * every change once costs less than a thousand of those. Keyed by the document's backend; a hash not in
 * the list (a change made since) is asked for one by one.
 */
const listedChanges = new WeakMap<object, Map<string, Uint8Array>>();
/** Above this many actors (about two decodes each), the whole change list is read once. */
const ACTORS_BEFORE_LISTING = 64;

function listChangesOnce(doc: A.Doc<unknown>, metadata: readonly A.ChangeMetadata[]): void {
  const backend = documentBackend(doc);
  if (listedChanges.has(backend)) return;
  const all = A.getAllChanges(doc);
  if (all.length !== metadata.length) return;
  listedChanges.set(backend, new Map(metadata.map((change, index) => [change.hash, all[index]])));
}

function rememberSoleOperation(hash: string, op: SoleOperation | null): void {
  if (soleOperations.size >= SOLE_OPERATIONS_LIMIT) {
    const oldest = soleOperations.keys().next();
    if (!oldest.done) soleOperations.delete(oldest.value);
  }
  soleOperations.set(hash, op);
}

/**
 * Remembers what the encoded `changes` hold (each under the hash its bytes make), so that verifying them once a
 * document holds them decodes nothing more: an edit that hands its changes on as bytes (made on one document, added
 * to another) passes them here.
 */
export function rememberChangesMade(changes: readonly Uint8Array[]): void {
  for (const bytes of changes) {
    const decoded = A.decodeChange(bytes);
    if (decoded.hash !== undefined && !soleOperations.has(decoded.hash)) rememberSoleOperation(decoded.hash, soleOperationOf(decoded));
  }
}

/** The sole operation of the change `hash` held in `doc` (null when it has several, or is not held). */
export function soleOperationIn(doc: A.Doc<unknown>, hash: string): SoleOperation | null {
  const known = soleOperations.get(hash);
  if (known !== undefined) return known;
  decodeCounter.decoded += 1;
  const listed = listedChanges.get(documentBackend(doc))?.get(hash);
  let op: SoleOperation | null = null;
  if (listed !== undefined) {
    const decoded = A.decodeChange(listed);
    // the list is matched to the metadata by position: trust it only when the hash agrees
    if (decoded.hash === hash) op = soleOperationOf(decoded);
    else {
      const bytes = changeBytesByHash(doc, hash);
      op = bytes === null ? null : soleOperationOf(A.decodeChange(bytes));
    }
  } else {
    const bytes = changeBytesByHash(doc, hash);
    op = bytes === null ? null : soleOperationOf(A.decodeChange(bytes));
  }
  rememberSoleOperation(hash, op);
  return op;
}

/**
 * Prepares `doc` for decoding the attestation writes of its actors: when there are many actors and most
 * of their writes are not decoded yet, lists every change once (see listedChanges).
 */
export function prepareAttestationDecoding(doc: A.Doc<unknown>, metadata: readonly A.ChangeMetadata[], actors: number): void {
  if (actors <= ACTORS_BEFORE_LISTING) return;
  let unknown = 0;
  for (const change of metadata) {
    if (change.startOp === change.maxOp && !soleOperations.has(change.hash)) unknown += 1;
    if (unknown > actors) return listChangesOnce(doc, metadata);
  }
}

/**
 * Coverage of every actor of the document, from the actors' own attestation writes anywhere in the
 * history (never from the current value of the authors map, which any writer can overwrite or delete).
 * Only the actor's single-op changes are candidates (a genuine attestation write is one operation); its
 * message is never looked at.
 */
export function actorCoverages(doc: A.Doc<Festival>, festivalId: string, metadata = allChangeMetadata(doc), unchecked: UncheckedSignatures = "check"): Map<string, ActorCoverage> {
  const steps = actorCoverageSteps(doc, festivalId, metadata, true, unchecked);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * What verification does with a signature it has not checked yet: "check" it now (milliseconds each in tweetnacl), or
 * "defer" it: an actor whose binding needs one counts as unverified, with the reason SIGNATURE_NOT_CHECKED_YET, until
 * it is checked (pendingSignatureChecks names the checks, ui/src/state/signature-slices.ts makes them in the
 * background). Deferring never shows more as verified than checking does: it only holds back.
 */
export type UncheckedSignatures = "check" | "defer";

/** The reason of a change whose actor's attestation signature is not checked yet (verification with "defer"). */
export const SIGNATURE_NOT_CHECKED_YET = "its attestation signature is not checked yet";

/** Binds an actor as bindActor does, or, deferring, says its signatures are not checked yet when it needs one that is not. */
function bindActorWith<T>(unchecked: UncheckedSignatures, candidates: readonly T[], writeAt: (candidate: T) => AttestationWrite | { reason: string }): ActorCoverage {
  if (unchecked === "check") return bindActor(candidates, writeAt);
  const outer = collectedChecks;
  const needed = new Map<string, SignatureCheck>();
  collectedChecks = needed;
  let coverage: ActorCoverage;
  try {
    coverage = bindActor(candidates, writeAt);
  } finally {
    collectedChecks = outer;
  }
  return needed.size === 0 ? coverage : { reason: SIGNATURE_NOT_CHECKED_YET };
}

/**
 * actorCoverages an actor at a time (it pauses after each). `listChanges`: read every change at once when many must be
 * decoded (faster in all, but one long step); without, each is read on its own.
 */
function* actorCoverageSteps(
  doc: A.Doc<Festival>,
  festivalId: string,
  metadata: readonly A.ChangeMetadata[],
  listChanges: boolean,
  unchecked: UncheckedSignatures = "check",
): Generator<void, Map<string, ActorCoverage>, void> {
  const changesByActor = new Map<string, A.ChangeMetadata[]>();
  for (const change of metadata) {
    const changes = changesByActor.get(change.actor);
    if (changes === undefined) changesByActor.set(change.actor, [change]);
    else changes.push(change);
  }
  const authorsId = A.getObjectId(doc, "authors") ?? null;
  const coverages = new Map<string, ActorCoverage>();
  if (authorsId === null) {
    for (const actor of changesByActor.keys()) coverages.set(actor, { reason: "the festival has no authors map" });
    return coverages;
  }
  // an actor's candidates: its single-op changes (a genuine attestation write is one operation)
  const candidatesByActor = new Map<string, A.ChangeMetadata[]>();
  for (const [actor, changes] of changesByActor) {
    changes.sort((left, right) => left.seq - right.seq);
    candidatesByActor.set(actor, changes.filter((change) => change.startOp === change.maxOp));
  }
  if (listChanges && firstDecodesMostlyUnknown(candidatesByActor)) listChangesOnce(doc, metadata);
  for (const [actor, changes] of changesByActor) {
    const hashesAt = (seq: number) => (changes[seq - 1]?.seq === seq ? [changes[seq - 1].hash] : []);
    const writeAt = (change: A.ChangeMetadata) => {
      const op = soleOperationIn(doc, change.hash);
      return op === null ? { reason: NOT_AN_ATTESTATION } : ownAttestationWrite(festivalId, actor, change, op, hashesAt);
    };
    coverages.set(actor, bindActorWith(unchecked, candidatesByActor.get(actor) ?? [], writeAt));
    yield;
  }
  return coverages;
}

/**
 * Whether listing every change pays: many actors, and most of what bindActor decodes first (each actor's first and
 * last candidate) is not decoded yet (verified before, or found by pendingSignatureChecks, they are).
 */
function firstDecodesMostlyUnknown(candidatesByActor: ReadonlyMap<string, readonly A.ChangeMetadata[]>): boolean {
  if (candidatesByActor.size <= ACTORS_BEFORE_LISTING) return false;
  let unknown = 0;
  for (const candidates of candidatesByActor.values()) {
    const ends = candidates.length > 1 ? [candidates[0], candidates[candidates.length - 1]] : candidates;
    for (const change of ends) if (!soleOperations.has(change.hash)) unknown += 1;
  }
  return unknown > candidatesByActor.size;
}

/**
 * Every change in the document, in causal order, with its verified author or the reason it is
 * unverified. Reads change metadata and decodes only the actors' attestation writes (remembered per
 * change hash); signatures are checked once per attestation (and remembered).
 */
export function verifyHistory(doc: A.Doc<Festival>, festivalId: string, unchecked: UncheckedSignatures = "check"): ChangeRecord[] {
  const steps = verifyHistorySteps(doc, festivalId, unchecked);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** verifyHistory a step at a time: it pauses after listing the changes and after each actor, so a page can spread it over several tasks. */
export function* verifyHistorySteps(doc: A.Doc<Festival>, festivalId: string, unchecked: UncheckedSignatures = "check"): Generator<void, ChangeRecord[], void> {
  const metadata = allChangeMetadata(doc);
  yield;
  const coverageByActor = yield* actorCoverageSteps(doc, festivalId, metadata, true, unchecked);
  const names = memberNamesFrom(doc, coverageByActor, metadata);
  const authorByKey = new Map<string, ChangeAuthor>();
  const authorFor = (key: string): ChangeAuthor => {
    let author = authorByKey.get(key);
    if (author === undefined) {
      author = { key, name: names.get(key) ?? "" };
      authorByKey.set(key, author);
    }
    return author;
  };

  const noAttestation: ActorCoverage = { reason: "its actor has no attestation" };
  return metadata.map((change): ChangeRecord => {
    const coverage = coverageByActor.get(change.actor) ?? noAttestation;
    const covered = !("reason" in coverage) && change.seq <= coverage.throughSeq;
    const record: ChangeRecord = {
      hash: change.hash,
      actor: change.actor,
      seq: change.seq,
      time: timeInMilliseconds(change.time),
      message: change.message,
      operations: change.maxOp - change.startOp + 1,
      verified: covered,
      author: covered ? authorFor(coverage.key) : null,
    };
    if ("reason" in coverage) record.reason = coverage.reason;
    else if (!covered) {
      record.reason = `made after the latest attested change of its actor (seq ${coverage.attestedSeq}), not covered by a signature`;
      if (coverage.contestedBy !== undefined) {
        record.reason += `; its actor is contested: key ${shortId(coverage.contestedBy)} also attested it, but the actor belongs to key ${shortId(coverage.key)}`;
      }
    }
    return record;
  });
}

/**
 * Display names of member keys. A name counts only when the op that wrote members[key].name came from a
 * change verified as that key's own (its actor bound to the key and the change covered); a name claimed by
 * several keys is shown with a short key suffix, "Ada (3f2a1b9c)". Keys without such a name are absent.
 */
export function memberNames(doc: A.Doc<Festival>, festivalId: string): Map<string, string> {
  const metadata = allChangeMetadata(doc);
  return memberNamesFrom(doc, actorCoverages(doc, festivalId, metadata), metadata);
}

/** What a verification that defers unchecked signatures found, and how many actors wait for a signature check. */
export interface KnownSoFar<T> {
  value: T;
  /** actors whose attestation signatures are not all checked yet (their changes and names count once they are) */
  actorsUnchecked: number;
}

function actorsUnchecked(coverages: ReadonlyMap<string, ActorCoverage>): number {
  let count = 0;
  for (const coverage of coverages.values()) if ("reason" in coverage && coverage.reason === SIGNATURE_NOT_CHECKED_YET) count += 1;
  return count;
}

/**
 * memberNames from the signatures checked so far, checking none (so it never blocks a page for long): a key's name is
 * left out while the signature binding its writer is unchecked, as if it had none.
 */
export function memberNamesSoFar(doc: A.Doc<Festival>, festivalId: string): KnownSoFar<Map<string, string>> {
  const metadata = allChangeMetadata(doc);
  const coverages = actorCoverages(doc, festivalId, metadata, "defer");
  return { value: memberNamesFrom(doc, coverages, metadata), actorsUnchecked: actorsUnchecked(coverages) };
}

/** A key's display name from memberNames, or "" when it has none that counts. */
export function displayName(names: ReadonlyMap<string, string>, key: string): string {
  return names.get(key) ?? "";
}

function memberNamesFrom(doc: A.Doc<Festival>, coverages: ReadonlyMap<string, ActorCoverage>, metadata: readonly A.ChangeMetadata[]): Map<string, string> {
  const names = new Map<string, string>();
  const membersId = A.getObjectId(doc, "members");
  if (membersId === null || membersId === undefined) return names;
  let changesByActor: Map<string, A.ChangeMetadata[]> | undefined;
  const changesOf = (actor: string): A.ChangeMetadata[] => {
    if (changesByActor === undefined) {
      changesByActor = new Map();
      for (const change of metadata) {
        const list = changesByActor.get(change.actor);
        if (list === undefined) changesByActor.set(change.actor, [change]);
        else list.push(change);
      }
      for (const list of changesByActor.values()) list.sort((left, right) => left.seq - right.seq);
    }
    return changesByActor.get(actor) ?? [];
  };
  for (const key of keysOf(doc, membersId)) {
    const memberId = A.getObjectId(doc.members, key);
    if (memberId === null || memberId === undefined) continue;
    for (const value of valuesWithWriters(doc, memberId, "name")) {
      if (value.datatype !== "str") continue;
      const writer = parseOpId(value.opId);
      if (writer === null) continue;
      const coverage = coverages.get(writer.actor);
      if (coverage === undefined || "reason" in coverage || coverage.key !== key) continue;
      const change = changeHoldingOp(changesOf(writer.actor), writer.counter);
      if (change === undefined || change.seq > coverage.throughSeq) continue;
      const name = String(value.value).trim();
      if (name !== "") names.set(key, name);
      break;
    }
  }
  const keysByName = new Map<string, string[]>();
  for (const [key, name] of names) {
    const keys = keysByName.get(name);
    if (keys === undefined) keysByName.set(name, [key]);
    else keys.push(key);
  }
  for (const [name, keys] of keysByName) {
    if (keys.length > 1) for (const key of keys) names.set(key, `${name} (${shortId(key)})`);
  }
  return names;
}

/** A display hint: the change looks like an attestation write (its message and a single operation). */
export function looksLikeAttestation(record: ChangeRecord): boolean {
  return record.message === ATTESTATION_MESSAGE && record.operations === 1;
}

export interface VerifySummary {
  total: number;
  verified: number;
  unverified: number;
  /** verified changes per author key */
  byAuthor: Record<string, { name: string; changes: number }>;
}

export function verifySummary(records: readonly ChangeRecord[]): VerifySummary {
  const summary: VerifySummary = { total: records.length, verified: 0, unverified: 0, byAuthor: {} };
  for (const record of records) {
    if (!record.verified || record.author === null) {
      summary.unverified += 1;
      continue;
    }
    summary.verified += 1;
    const entry = (summary.byAuthor[record.author.key] ??= { name: record.author.name, changes: 0 });
    entry.changes += 1;
  }
  return summary;
}

/**
 * Records sorted newest first: by time, descending; changes with equal times (times have one-second
 * resolution) in reverse of Automerge's topological history order, which is the same on every peer.
 */
export function newestFirst(doc: A.Doc<unknown>, records: readonly ChangeRecord[]): ChangeRecord[] {
  const rank = new Map<string, number>();
  A.topoHistoryTraversal(doc).forEach((hash, index) => rank.set(hash, index));
  const rankOf = (record: ChangeRecord) => rank.get(record.hash) ?? -1;
  return [...records].sort((left, right) => right.time - left.time || rankOf(right) - rankOf(left));
}
