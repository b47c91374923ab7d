// The festivals a running server holds: those the data directory follows, loaded at start, plus every
// festival that arrives from a peer (followed from then on). Keeps names, visibility and sharing current.
import type { DocHandle, DocumentId } from "@automerge/automerge-repo";
import { discoveryKey } from "../../bundles/discovery.js";
import type { Festival, Visibility } from "../schema.js";
import type { FestivalStore } from "../store.js";
import { silentLog, type ServerLog } from "./log.js";
import type { FestivalSharing } from "./share-policy.js";

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
  if (typeof festival.schema !== "number" || festival.name == null || typeof festival.venues !== "object" || typeof festival.events !== "object") {
    return undefined;
  }
  const text = (value: unknown) => (value == null ? "" : String(value));
  return {
    id,
    name: text(festival.name),
    description: text(festival.description),
    visibility: text(festival.visibility) === "private" ? "private" : "public",
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

  /** Loads every followed festival and starts following festivals that arrive from peers. */
  async start(): Promise<void> {
    this.store.repo.on("document", ({ handle }) => this.track(handle as DocHandle<unknown>));
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
    const handle = this.store.repo.handles[id as DocumentId] as DocHandle<unknown> | undefined;
    return handle?.isReady() ? handle : undefined;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private track(handle: DocHandle<unknown>): void {
    if (this.tracked.has(handle.documentId)) return;
    this.tracked.add(handle.documentId);
    handle.on("heads-changed", () => this.refresh(handle));
    if (handle.isReady()) this.refresh(handle);
  }

  private refresh(handle: DocHandle<unknown>): void {
    if (!handle.isReady()) return;
    const summary = festivalSummary(handle.documentId, handle.doc());
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
