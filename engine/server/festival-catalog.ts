// The festivals a running server holds: those the data directory follows, loaded at start, plus every
// festival that arrives from a peer (followed from then on). Keeps names, visibility and sharing current.
import type { DocHandle, DocumentId } from "@automerge/automerge-repo";
import { discoveryKey } from "../../bundles/discovery.js";
import type { Festival, Visibility } from "../schema.js";
import type { FestivalStore } from "../store.js";
import { visibilityOf } from "../views.js";
import { silentLog, type ServerLog } from "./log.js";
import type { FestivalSharing } from "./share-policy.js";
import { syncOnEveryHeadsChange } from "./sync-nudge.js";
import { ownValue } from "../own-value.js";

export interface CatalogEntry {
  id: string;
  name: string;
  description: string;
  visibility: Visibility;
  timeZone: string;
  startDate: string;
  endDate: string;
  discoveryKey: string;
}

/** A document is treated as a festival when it has the festival skeleton; anything else is stored but not followed. */
export function festivalSummary(id: string, doc: unknown): CatalogEntry | undefined {
  if (!doc || typeof doc !== "object") return undefined;
  const festival = doc as Partial<Record<keyof Festival, unknown>>;
  // not the schema number: any writer can set or remove it (see schemaStanding)
  if (festival.name == null || typeof festival.venues !== "object" || typeof festival.events !== "object" || typeof festival.authors !== "object") {
    return undefined;
  }
  const text = (value: unknown) => (value == null ? "" : String(value));
  return {
    id,
    name: text(festival.name),
    description: text(festival.description),
    visibility: visibilityOf(festival.visibility),
    timeZone: text(festival.timeZone),
    startDate: text(festival.startDate),
    endDate: text(festival.endDate),
    discoveryKey: discoveryKey(id),
  };
}

export class FestivalCatalog {
  private readonly entries = new Map<string, CatalogEntry>();
  private readonly tracked = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private readonly log: ServerLog;

  constructor(
    private readonly store: FestivalStore,
    private readonly sharing: FestivalSharing,
    log?: ServerLog,
  ) {
    this.log = log ?? silentLog;
  }

  private readonly pending = new Set<string>();

  /** Loads every followed festival. Festivals arriving from peers are followed as `noticeDocument` reports them. */
  async start(): Promise<void> {
    for (const entry of await this.store.index.list()) {
      this.sharing.setVisibility(entry.id, entry.visibility);
      try {
        const handle = await this.store.repo.find<unknown>(entry.id as DocumentId);
        this.track(handle);
      } catch (error) {
        this.log.warn(`festival ${entry.id} (${entry.name}) is followed but could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  list(): CatalogEntry[] {
    return [...this.entries.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  get(id: string): CatalogEntry | undefined {
    return this.entries.get(id);
  }

  publicIds(): string[] {
    return this.list().filter((e) => e.visibility === "public").map((e) => e.id);
  }

  /** The loaded handle of a festival this server holds. */
  handle(id: string): DocHandle<unknown> | undefined {
    if (!this.entries.has(id)) return undefined;
    const handle = ownValue(this.store.repo.handles, id) as DocHandle<unknown> | undefined;
    return handle?.isReady() ? handle : undefined;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A peer sent a message about this document. The repo opens a handle for it shortly (after its access
   * check); once there, it is followed like any festival here (if it is one).
   */
  noticeDocument(documentId: string): void {
    if (this.tracked.has(documentId) || this.pending.has(documentId)) return;
    this.pending.add(documentId);
    const delays = [0, 20, 100, 500, 2000];
    const attempt = (index: number) => {
      const handle = ownValue(this.store.repo.handles, documentId) as DocHandle<unknown> | undefined;
      if (handle) {
        this.pending.delete(documentId);
        this.track(handle);
      } else if (index < delays.length) {
        setTimeout(() => attempt(index + 1), delays[index]).unref();
      } else {
        this.pending.delete(documentId); // never opened (access denied, or the repo gave up); a later message tries again
      }
    };
    attempt(0);
  }

  private track(handle: DocHandle<unknown>): void {
    if (this.tracked.has(handle.documentId)) return;
    this.tracked.add(handle.documentId);
    // the first heads-changed of a document arriving from a peer comes before the handle counts as ready
    handle.on("heads-changed", ({ doc }) => this.refresh(handle.documentId, doc));
    syncOnEveryHeadsChange(handle);
    if (handle.isReady()) this.refresh(handle.documentId, handle.doc());
  }

  private refresh(documentId: string, doc: unknown): void {
    const summary = festivalSummary(documentId, doc);
    if (!summary) return;
    const previous = this.entries.get(summary.id);
    this.entries.set(summary.id, summary);
    if (this.sharing.setVisibility(summary.id, summary.visibility)) this.store.repo.shareConfigChanged();
    if (previous && previous.name === summary.name && previous.visibility === summary.visibility) return;
    this.store.index
      .put({ id: summary.id, name: summary.name, visibility: summary.visibility })
      .catch((error: unknown) => this.log.warn(`could not record festival ${summary.id} in the index: ${error instanceof Error ? error.message : String(error)}`));
    if (!previous) this.log.info(`following festival "${summary.name}" (${summary.visibility === "public" ? summary.id : summary.discoveryKey.slice(0, 16)})`);
    for (const listener of this.listeners) listener();
  }
}
