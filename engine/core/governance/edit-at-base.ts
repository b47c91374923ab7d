// Edits that must build only on given heads (the editing base: what counts, plus the editor's own latest proposal),
// made on a copy of the whole festival with Automerge's changeAt, or on a copy of the festival at those heads.
import * as A from "@automerge/automerge";
import { holdsChanges } from "../../internals/automerge-backend.js";
import { patchedView } from "../../internals/patched-view.js";
import { PandafestError } from "../errors.js";
import { ATTESTATION_MESSAGE, attest, type AttestationSigner } from "../provenance.js";
import type { Festival } from "../schema.js";
import { rememberReplica, takeReplicaAt } from "./replica.js";

/*
 * Two ways to write at the base. A copy of the festival at those heads (`A.clone(A.view(doc, heads))`) replays every
 * change up to them: 0.8-1.4 s on the large bench festival (25,000 changes); once made it is kept as a replica, and
 * the session's later edits on it cost milliseconds. `A.changeAt(A.clone(doc), heads, ...)` costs no replay: the
 * clone copies the document as it is (about 3 ms), and changeAt isolates the copy at the heads, writes, and
 * integrates it again: isolating and integrating are a diff pass each (about 55 ms there), the change itself a few
 * milliseconds. So an edit and its attestation cost about 250 ms that way, and each later edit the same, as no replica
 * comes of it. Which way a session takes is sessionEditingCopy's choice (visible.ts); a CLI run takes changeAt.
 *
 * changeAt is checked: should Automerge refuse a change (a loaded document once failed with "cannot put key in
 * seq": docs/upstream/automerge-change-at-after-load.md), the copy is dropped (Automerge rolls the change back but
 * leaves the copy isolated) and the edits so far are made again on a copy at the heads. Should the changes made not
 * be the editor's actor's, building on the heads (Automerge writes under a derived actor when the actor has changes
 * the heads do not cover; the editing base always covers its own), they are made again the same way.
 */

let changeAtInUse = true;

/** Switches changeAt off for this process (every edit copies the festival at its heads, as when changeAt refuses); tests run both. */
export function useChangeAt(on: boolean): void {
  changeAtInUse = on;
}

/** One staged edit: a change, or the attestation of the edits before it (worked out again on whichever copy holds them). */
type Step = { message: string; apply: (draft: Festival) => void } | { attestation: { festivalId: string; signer: AttestationSigner } };

/** How edits at a base are made: "changeAt" (no replay), "copy" (a copy of the festival at the base, kept as a replica). */
export type EditingCopy = "changeAt" | "copy";

/**
 * A writable copy of `doc` at `heads`, under `actor` (`doc`'s own unless given): a known replica at those heads when
 * one serves (the copy the actor's last edit was made on, or what members see), else the festival copied at those
 * heads (a replay of its history: see above). What edits are made on when changeAt is off or refuses, or when a
 * session that keeps editing copies the festival once.
 */
export function forkAt(doc: A.Doc<Festival>, heads: readonly string[], actor = A.getActorId(doc)): A.Doc<Festival> {
  return knownReplicaAt(doc, heads, actor) ?? A.clone(A.view(doc, [...heads]), { actor });
}

/** A known replica of `doc` at `heads`, writable under `actor` (taken: see takeReplicaAt), or undefined. */
export function knownReplicaAt(doc: A.Doc<Festival>, heads: readonly string[], actor = A.getActorId(doc)): A.Doc<Festival> | undefined {
  return holdsChanges(doc, heads) ? takeReplicaAt(heads, actor) : undefined;
}

/** Keeps an edited copy (from forkAt) for the next edit at its heads, and as a replica later versions may build on. */
export function rememberFork(fork: A.Doc<Festival>): void {
  rememberReplica(fork);
}

/**
 * Edits of `doc` staged at `heads` (null: at its own heads, on a plain copy), under `actor` (`doc`'s own unless
 * given), each building on the one before. A known replica at the heads serves as the copy; else `how` chooses
 * (see above). The changes are read with `changes()`, then `finish()` is called.
 */
export class EditsAtBase {
  readonly #doc: A.Doc<Festival>;
  readonly #heads: readonly string[] | null;
  readonly #actor: string;
  readonly #steps: Step[] = [];
  /** changeAt's copy of the whole document, and the heads the next change is made at */
  #whole: { doc: A.Doc<Festival>; at: A.Heads } | undefined;
  /** a copy at the heads (or of the whole document when `heads` is null): where it started and where it is now */
  #copy: { base: A.Doc<Festival>; doc: A.Doc<Festival> } | undefined;
  #view: A.Doc<Festival> | undefined;

  constructor(doc: A.Doc<Festival>, heads: readonly string[] | null, actor = A.getActorId(doc), how: EditingCopy = "changeAt") {
    this.#doc = doc;
    this.#heads = heads === null ? null : [...heads].sort();
    this.#actor = actor;
    if (heads === null) {
      const base = A.clone(doc, { actor });
      this.#copy = { base, doc: base };
      return;
    }
    const known = knownReplicaAt(doc, heads, actor);
    if (known !== undefined) this.#copy = { base: known, doc: known };
    else if (how === "copy" || !changeAtInUse) this.#copy = this.#copyAtHeads();
  }

  /** Whether the edits are made with changeAt on a copy of the whole document (no replica comes of them). */
  get byChangeAt(): boolean {
    return this.#copy === undefined;
  }

  /** One more change, building on the edits before it. */
  change(message: string, apply: (draft: Festival) => void): void {
    this.#take({ message, apply });
  }

  /** The attestation that signs the edits so far (nothing when there is nothing to sign). */
  sign(festivalId: string, signer: AttestationSigner): void {
    this.#take({ attestation: { festivalId, signer } });
  }

  /** The festival as the edits so far leave it, at their heads (read-only when made by changeAt). */
  read(): A.Doc<Festival> {
    if (this.#copy !== undefined) return this.#copy.doc;
    if (this.#view === undefined) {
      this.#view = this.#whole === undefined ? patchedView(this.#doc, [...(this.#heads ?? [])]) : patchedView(this.#whole.doc, this.#whole.at);
    }
    return this.#view;
  }

  /** The encoded changes the edits made, in order (none when they changed nothing). */
  changes(): Uint8Array[] {
    if (this.#copy !== undefined) return A.getChanges(this.#copy.base, this.#copy.doc);
    if (this.#whole === undefined) return [];
    const changes = A.getChanges(this.#doc, this.#whole.doc);
    if (this.#madeAtBase(changes)) return changes;
    this.#dropWhole();
    this.#copy = this.#copyAtHeads();
    return A.getChanges(this.#copy.base, this.#copy.doc);
  }

  /**
   * Done: a copy at the heads is kept as a replica for the next edit (its signature, or the session's next edit);
   * changeAt's copy is freed when `free` (nothing read from it is held any more), else left to the collector.
   */
  finish(free = false): void {
    if (this.#copy !== undefined) {
      if (this.#heads !== null) rememberFork(this.#copy.doc);
    } else if (free) this.#dropWhole();
  }

  #take(step: Step): void {
    this.#view = undefined;
    if (this.#copy === undefined) {
      try {
        this.#changeAt(this.#openWhole(), step);
        this.#steps.push(step);
        return;
      } catch (error) {
        this.#dropWhole();
        // the edit's own refusal: it would refuse on any copy (the steps before it are made again on the next)
        if (error instanceof PandafestError) throw error;
        this.#copy = this.#copyAtHeads();
      }
    }
    this.#copy.doc = applied(this.#copy.doc, step);
    this.#steps.push(step);
  }

  /** changeAt's copy, made (with the steps so far) when there is none. */
  #openWhole(): { doc: A.Doc<Festival>; at: A.Heads } {
    if (this.#whole === undefined) {
      const whole = { doc: A.clone(this.#doc, { actor: this.#actor }), at: [...(this.#heads ?? [])] };
      this.#whole = whole;
      for (const step of this.#steps) this.#changeAt(whole, step);
    }
    return this.#whole;
  }

  #changeAt(whole: { doc: A.Doc<Festival>; at: A.Heads }, step: Step): void {
    const change = "message" in step ? step : attestationStep(whole.doc, step.attestation);
    if (change === null) return;
    const { newDoc, newHeads } = A.changeAt(whole.doc, whole.at, { message: change.message }, change.apply);
    whole.doc = newDoc;
    if (newHeads !== null) whole.at = newHeads;
  }

  /** The changes are the actor's, in one line starting at the heads (so they build on those alone). */
  #madeAtBase(changes: readonly Uint8Array[]): boolean {
    let deps = this.#heads ?? [];
    for (const encoded of changes) {
      const change = A.decodeChange(encoded);
      if (change.actor !== this.#actor || [...change.deps].sort().join() !== deps.join()) return false;
      deps = change.hash === undefined ? [] : [change.hash];
    }
    return true;
  }

  /** A copy at the heads with the steps so far made on it. */
  #copyAtHeads(): { base: A.Doc<Festival>; doc: A.Doc<Festival> } {
    const base = forkAt(this.#doc, this.#heads ?? [], this.#actor);
    return { base, doc: this.#steps.reduce(applied, base) };
  }

  #dropWhole(): void {
    const whole = this.#whole;
    this.#whole = undefined;
    this.#view = undefined;
    if (whole === undefined) return;
    try {
      A.free(whole.doc);
    } catch {
      // freed already
    }
  }
}

function applied(doc: A.Doc<Festival>, step: Step): A.Doc<Festival> {
  const change = "message" in step ? step : attestationStep(doc, step.attestation);
  return change === null ? doc : A.change(doc, { message: change.message }, change.apply);
}

function attestationStep(doc: A.Doc<Festival>, { festivalId, signer }: { festivalId: string; signer: AttestationSigner }): { message: string; apply: (draft: Festival) => void } | null {
  const apply = attest(doc, festivalId, signer);
  return apply === null ? null : { message: ATTESTATION_MESSAGE, apply };
}
