// One open festival in the page: its repo handle, the cached model the screens read (and its snapshot for the
// next visit), and the editor that records the user as a member and attests each local change as it is made.
import { applyChanges } from "@automerge/automerge/slim";
import type { DocHandle, DocHandleChangePayload } from "@automerge/automerge-repo/slim";
import type { BrowserIdentity } from "../../../engine/browser/browser-identity.js";
import type { FestivalEditor } from "../../../engine/core/editor.js";
import { recordMember } from "../../../engine/core/members.js";
import { ATTESTATION_MESSAGE, attest } from "../../../engine/core/provenance.js";
import {
  changeAtHeads,
  changesUnderFreshActor,
  editingBase,
  EditsAtBase,
  freshActorBase,
  governanceOf,
  replicaKnownAt,
  sessionEditingCopy,
  signedChangeVisibly,
  visibleFestival,
} from "../../../engine/core/governance/index.js";
import type { Festival } from "../../../engine/core/schema.js";
import { ConflictWatch } from "./conflict-watch.js";
import { FestivalModel } from "./festival-model.js";
import { saveProgrammeSnapshot } from "./view-cache.js";

/** How long after the last change the programme snapshot for the next visit is refreshed. */
const SNAPSHOT_DELAY_MS = 3000;


export class FestivalSession {
  readonly model: FestivalModel;
  /** the concurrent values of the festival as members see it, followed change by change */
  readonly conflicts: ConflictWatch;
  readonly #listeners = new Set<() => void>();
  #snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** the model was last read from a festival whose every change counted (so patches can keep it up to date) */
  #modelComplete: boolean;

  #identity: BrowserIdentity;

  constructor(
    readonly handle: DocHandle<Festival>,
    identity: BrowserIdentity,
  ) {
    this.#identity = identity;
    this.model = new FestivalModel(visibleFestival(handle.doc(), handle.documentId));
    this.#modelComplete = governanceOf(handle.doc(), handle.documentId).allCount;
    this.conflicts = new ConflictWatch(() => this.visible(), () => this.doc(), handle.documentId);
    this.#scheduleSnapshot(500);
    handle.on("change", this.#onChange);
    document.addEventListener("visibilitychange", this.#onVisibility);
  }

  get id(): string {
    return this.handle.documentId;
  }

  /** The whole document: every change, proposals included (history, conflicts, proposals, bundles). */
  doc(): Festival {
    return this.handle.doc();
  }

  /** The festival as its members see it: only the changes that count (engine/core/governance). */
  visible(): Festival {
    return visibleFestival(this.handle.doc(), this.handle.documentId);
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

  /**
   * The editor operations write through: each change also records this browser's user as a member, and is
   * attested in the same tick. The edit and its signature are then saved and sent together: a reload, a closed
   * tab or a lost connection can never leave an edit of this page unsigned (each page load is a new actor, so
   * an edit left unsigned would stay unverified for good, and nodes would not follow a festival holding it).
   */
  readonly editor: FestivalEditor = {
    read: () => this.visible(),
    change: (fn, message) => {
      const identity = this.#identity;
      const apply = (doc: Festival) => {
        fn(doc);
        recordMember(doc, identity);
      };
      const fresh = changesUnderFreshActor(this.handle.doc(), this.handle.documentId, identity, message, apply);
      if (fresh !== null) {
        this.handle.update((doc) => applyChanges(doc, fresh)[0]);
        return;
      }
      // the change and its signature in one update: one addition to the festival, one decision, one render
      this.handle.update((doc) => signedChangeVisibly(doc, this.handle.documentId, identity, message, apply));
    },
  };

  /** One change that builds only on what counts (and this page's own earlier changes). */
  #changeVisibly(apply: (doc: Festival) => void, message: string): void {
    const base = editingBase(this.handle.doc(), this.handle.documentId);
    if (base === null) {
      this.handle.change(apply, { message });
      return;
    }
    const changes = changeAtHeads(this.handle.doc(), base, message, apply);
    if (changes.length > 0) this.handle.update((doc) => applyChanges(doc, changes)[0]);
  }

  /**
   * Runs `edit` with an editor whose changes form one transaction (a form that makes several changes): they are
   * made on a copy of the festival and applied together, then attested, when `edit` returns; when it throws,
   * none is applied and the error is passed on.
   */
  transaction<T>(edit: (editor: FestivalEditor) => T): T {
    const current = this.handle.doc();
    const id = this.handle.documentId;
    // what counts (plus this page's own changes), or what counts under a fresh actor: the edits build only on that
    const fresh = freshActorBase(current, id, this.#identity.publicKey);
    const at = fresh === null ? editingBase(current, id) : fresh.heads;
    const how = at === null || replicaKnownAt(current, at) ? "changeAt" : sessionEditingCopy(current);
    const edits = new EditsAtBase(current, at, fresh?.actor, how);
    const identity = this.#identity;
    const result = edit({
      read: () => edits.read(),
      change: (fn, message) => {
        edits.change(message, (doc) => {
          fn(doc);
          recordMember(doc, identity);
        });
      },
    });
    // a fresh actor's changes are signed with them and applied together
    if (fresh !== null) edits.sign(id, identity);
    const changes = edits.changes();
    edits.finish(); // a copy at the editing base is kept: the signature that follows is written on it
    if (changes.length > 0) {
      this.handle.update((doc) => applyChanges(doc, changes)[0]);
      if (fresh === null) this.#attest(identity);
    }
    return result;
  }

  #attest(identity: BrowserIdentity): void {
    const apply = attest(this.handle.doc(), this.handle.documentId, identity);
    if (apply !== null) this.#changeVisibly(apply, ATTESTATION_MESSAGE);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#snapshotTimer !== undefined) this.#saveSnapshot();
    this.handle.off("change", this.#onChange);
    document.removeEventListener("visibilitychange", this.#onVisibility);
    this.#listeners.clear();
  }

  #scheduleSnapshot(delay = SNAPSHOT_DELAY_MS): void {
    clearTimeout(this.#snapshotTimer);
    this.#snapshotTimer = setTimeout(() => this.#saveSnapshot(), delay);
  }

  #saveSnapshot(): void {
    clearTimeout(this.#snapshotTimer);
    this.#snapshotTimer = undefined;
    saveProgrammeSnapshot(this.id, this.model.snapshot()).catch(() => undefined);
  }

  readonly #onVisibility = (): void => {
    if (document.visibilityState === "hidden" && this.#snapshotTimer !== undefined) this.#saveSnapshot();
  };

  readonly #onChange = (payload: DocHandleChangePayload<Festival>): void => {
    // patches describe the whole document: they bring the model up to date only when every change counted before
    // and counts now; otherwise (a proposal arrived, or a change waiting for its signature now counts) it is read again
    const allCount = governanceOf(payload.doc, this.handle.documentId).allCount;
    if (allCount && this.#modelComplete) this.model.update(payload.doc, payload.patches);
    else this.model.reset(visibleFestival(payload.doc, this.handle.documentId));
    this.conflicts.changed(allCount && this.#modelComplete ? payload.patches : null);
    this.#modelComplete = allCount;
    this.#scheduleSnapshot();
    for (const listener of this.#listeners) listener();
  };
}
