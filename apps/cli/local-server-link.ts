// How a CLI run and a server on the same data directory keep each other's edits: the CLI syncs with the server's /sync,
// pulls the server's newest changes before reading a festival, and before exiting waits until the server holds its own.
import * as A from "@automerge/automerge";
import type { DocHandle, DocumentId, NetworkAdapterInterface, SharePolicy } from "@automerge/automerge-repo";
import { PeerClientAdapter } from "../server/peer-client.js";
import { findRunningServer, type ServerInfo } from "../server/server-info.js";
import { syncOnEveryHeadsChange } from "../../engine/sync/sync-nudge.js";
import type { FestivalStore } from "../../engine/node/store.js";

export interface LocalServerLinkOptions {
  /** where to report that the server could not be reached or did not confirm in time */
  warn: (message: string) => void;
  connectTimeoutMs?: number;
  syncTimeoutMs?: number;
}

const POLL_MS = 15;

export class LocalServerLink {
  readonly adapter: PeerClientAdapter;
  private connected = false;

  private constructor(
    readonly server: ServerInfo,
    private readonly options: LocalServerLinkOptions,
  ) {
    this.adapter = new PeerClientAdapter({
      url: `${server.localUrl.replace(/^http/, "ws")}/sync`,
      introduceAs: "ephemeral-client",
      remoteAsEphemeral: true,
      backoff: { initialMs: 50, maxMs: 1000 },
      handshakeTimeoutMs: options.connectTimeoutMs ?? 3000,
    });
  }

  /** A link to the server running on `dataDir`, or undefined when none runs. */
  static async open(dataDir: string, options: LocalServerLinkOptions): Promise<LocalServerLink | undefined> {
    const server = await findRunningServer(dataDir);
    return server ? new LocalServerLink(server, options) : undefined;
  }

  /** What FestivalStore.open needs: the link as its network, and every festival this run touches offered to the server. */
  storeOptions(): { network: NetworkAdapterInterface[]; sharePolicy: SharePolicy } {
    return { network: [this.adapter], sharePolicy: async () => true };
  }

  /** Waits for the connection and makes every festival the store opens arrive with the server's newest changes. */
  async attach(store: FestivalStore): Promise<void> {
    this.connected = await this.adapter.whenConnected(this.options.connectTimeoutMs ?? 3000);
    if (!this.connected) {
      this.options.warn(
        `warning: the server running on this data directory (${this.server.url}) did not answer; your changes are saved on disk and it sees them after a restart`,
      );
      return;
    }
    const openById = store.openById.bind(store);
    const nudged = new Set<string>();
    store.openById = async (id: DocumentId) => {
      const handle = await openById(id);
      if (!nudged.has(id)) {
        nudged.add(id);
        syncOnEveryHeadsChange(handle);
      }
      await this.pull(handle);
      return handle;
    };
  }

  /** Waits until the handle holds everything the server holds for it (nothing to wait for if the server lacks the festival). */
  async pull(handle: DocHandle<unknown>): Promise<void> {
    if (!this.connected) return;
    const serverHeads = await this.serverHeads(handle.documentId);
    if (!serverHeads) return;
    const done = () => A.hasHeads(handle.doc() as A.Doc<unknown>, serverHeads.heads);
    if (done()) return;
    const arrived = await new Promise<boolean>((resolve) => {
      const finish = (value: boolean) => {
        clearTimeout(timer);
        handle.off("heads-changed", check);
        resolve(value);
      };
      const check = () => {
        if (done()) finish(true);
      };
      const timer = setTimeout(() => finish(false), this.options.syncTimeoutMs ?? 10_000);
      handle.on("heads-changed", check);
    });
    if (!arrived) this.options.warn(`warning: the running server's newest changes to ${handle.documentId} did not arrive in time; showing what is on disk`);
  }

  /** Waits until the server holds every change of every festival this run opened (and so will keep and share them). */
  async push(store: FestivalStore): Promise<void> {
    if (!this.connected) return;
    const deadline = Date.now() + (this.options.syncTimeoutMs ?? 10_000);
    for (const handle of Object.values(store.repo.handles)) {
      if (!handle.isReady()) continue;
      const heads = A.getHeads(handle.doc() as A.Doc<unknown>);
      if (heads.length === 0) continue;
      let confirmed = false;
      while (!confirmed && Date.now() < deadline) {
        const answer = await this.serverHeads(handle.documentId, heads);
        confirmed = answer?.contains === true;
        if (!confirmed) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      if (!confirmed) {
        this.options.warn(`warning: the running server did not confirm your changes to ${handle.documentId} in time; they are saved on disk and it sees them after a restart`);
        return;
      }
    }
  }

  close(): void {
    this.adapter.disconnect();
  }

  private async serverHeads(id: string, contains?: string[]): Promise<{ heads: string[]; contains?: boolean } | undefined> {
    const url = new URL(`/api/heads/${encodeURIComponent(id)}`, this.server.localUrl);
    if (contains) url.searchParams.set("contains", contains.join(","));
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (!response.ok) return undefined;
      return (await response.json()) as { heads: string[]; contains?: boolean };
    } catch {
      return undefined;
    }
  }
}
