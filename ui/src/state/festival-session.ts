// One open festival in the page: its repo handle, the cached model the screens read, and the editor that
// records the user as a member and attests authorship after local changes (debounced, like the CLI's commit).
import { ImmutableString } from "@automerge/automerge/slim";
import type { DocHandle, DocHandleChangePayload } from "@automerge/automerge-repo/slim";
import type { BrowserIdentity } from "../../../engine/browser-identity.js";
import type { FestivalEditor } from "../../../engine/editor.js";
import { writeAttestation } from "../../../engine/provenance.js";
import type { Festival } from "../../../engine/schema.js";
import { FestivalModel } from "./festival-model.js";

/** How long after the last local change the attestation is written. */
export const ATTESTATION_DELAY_MS = 800;

/** Records the editing user's self-declared name under their public key, writing only when it changed. */
export function recordMember(doc: Festival, identity: BrowserIdentity): void {
  const existing = doc.members[identity.publicKey];
  if (existing && String(existing.name) === identity.name) return;
  doc.members[identity.publicKey] = { name: new ImmutableString(identity.name) };
}

export class FestivalSession {
  readonly model: FestivalModel;
  readonly #listeners = new Set<() => void>();
  #attestationTimer: ReturnType<typeof setTimeout> | undefined;
  #attestationDue = false;
  #closed = false;

  #identity: BrowserIdentity;

  constructor(
    readonly handle: DocHandle<Festival>,
    identity: BrowserIdentity,
  ) {
    this.#identity = identity;
    this.model = new FestivalModel(handle.doc());
    handle.on("change", this.#onChange);
    window.addEventListener("pagehide", this.flushAttestation);
    document.addEventListener("visibilitychange", this.#onVisibility);
  }

  get id(): string {
    return this.handle.documentId;
  }

  doc(): Festival {
    return this.handle.doc();
  }

  /** Calls listener after every change, local or remote; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Who edits: the browser's identity (renaming it takes effect on the next change). */
  get identity(): BrowserIdentity {
    return this.#identity;
  }

  setIdentity(identity: BrowserIdentity): void {
    this.#identity = identity;
  }

  /** The editor operations write through: each change also records this browser's user as a member. */
  readonly editor: FestivalEditor = {
    read: () => this.handle.doc(),
    change: (fn, message) => {
      const identity = this.#identity;
      this.handle.change(
        (doc) => {
          fn(doc);
          recordMember(doc, identity);
        },
        { message },
      );
      this.#scheduleAttestation();
    },
  };

  /** Writes the attestation of the latest local change now (if one is due). */
  readonly flushAttestation = (): void => {
    if (!this.#attestationDue) return;
    this.#attestationDue = false;
    clearTimeout(this.#attestationTimer);
    this.#attestationTimer = undefined;
    writeAttestation(
      { read: () => this.handle.doc(), change: (apply, message) => this.handle.change(apply, { message }) },
      this.handle.documentId,
      this.#identity,
    );
  };

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.flushAttestation();
    this.handle.off("change", this.#onChange);
    window.removeEventListener("pagehide", this.flushAttestation);
    document.removeEventListener("visibilitychange", this.#onVisibility);
    this.#listeners.clear();
  }

  #scheduleAttestation(): void {
    this.#attestationDue = true;
    clearTimeout(this.#attestationTimer);
    this.#attestationTimer = setTimeout(this.flushAttestation, ATTESTATION_DELAY_MS);
  }

  readonly #onVisibility = (): void => {
    if (document.visibilityState === "hidden") this.flushAttestation();
  };

  readonly #onChange = (payload: DocHandleChangePayload<Festival>): void => {
    this.model.update(payload.doc, payload.patches);
    for (const listener of this.#listeners) listener();
  };
}
