// The Sync screen: the connection to the serving node (state, last message), the node's own status and peers,
// exporting this festival as a signed bundle file, and importing bundle files.
import { LitElement, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { OfflineReason, ServerConnectionStatus } from "../../../engine/browser/browser-repo.js";
import type { AppServices } from "../state/app-services.js";
import { bundleDownloadName } from "../state/bundle-download-name.js";
import { downloadFile, packFullBundle } from "../state/bundle-transfer.js";
import type { FestivalSession } from "../state/festival-session.js";
import { fetchNodeStatus, type NodeStatus } from "../state/server-api.js";
import { discoveryKey } from "../../../bundles/format/discovery.js";
import "./pf-bundle-import.js";
import { sharedStyles } from "./shared-styles.js";

const STATE_TEXT: Record<ServerConnectionStatus["state"], string> = {
  connecting: "Connecting to the node…",
  online: "Connected to the node",
  offline: "Offline: edits are kept in this browser and sent when the node is back",
};

const OFFLINE_REASON_TEXT: Record<OfflineReason, string> = {
  closed: "The node closed the connection, or is not running.",
  "no-answer": "The node stopped answering.",
  "browser-offline": "This device has no network.",
};

function inSeconds(at: number | undefined): string {
  if (at === undefined) return "";
  const seconds = Math.max(0, Math.round((at - Date.now()) / 1000));
  return seconds === 0 ? "Trying again now." : `Trying again in ${seconds} s.`;
}

function ago(ms: number | undefined): string {
  if (ms === undefined) return "never";
  const seconds = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (seconds < 5) return "just now";
  if (seconds < 120) return `${seconds} seconds ago`;
  return new Date(ms).toLocaleTimeString();
}

@customElement("pf-sync")
export class PfSync extends LitElement {
  static override styles = sharedStyles;

  @property({ attribute: false }) accessor services: AppServices | undefined;
  @property({ attribute: false }) accessor session: FestivalSession | undefined;
  @property({ type: Number }) accessor version = 0;
  @state() accessor status: ServerConnectionStatus | undefined;
  @state() accessor node: NodeStatus | undefined;
  @state() accessor nodeError: string | undefined;
  @state() accessor exported: string | undefined;
  @state() accessor exportError: string | undefined;
  #unsubscribe: (() => void) | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    const server = this.services?.server;
    this.status = server?.status();
    this.#unsubscribe = server?.onStatus((status) => (this.status = status));
    void this.#refreshNode();
    this.#timer = setInterval(() => {
      this.status = this.services?.server?.status();
      // not while the node is known to be away (each failed request is an error in the console)
      if (this.status?.state !== "offline") void this.#refreshNode();
    }, 5000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    clearInterval(this.#timer);
  }

  async #refreshNode(): Promise<void> {
    try {
      this.node = await fetchNodeStatus(AbortSignal.timeout(4000));
      this.nodeError = undefined;
    } catch (error) {
      this.nodeError = error instanceof Error ? error.message : String(error);
    }
  }

  override render() {
    const status = this.status;
    const peers = this.services?.repo.peers ?? [];
    return html`
      <h2>Connection</h2>
      ${status
        ? html`<p class="notice ${status.state === "online" ? "ok" : status.state === "offline" ? "warn" : ""}" role="status" data-state=${status.state}>
            ${STATE_TEXT[status.state]}
          </p>
          ${status.state === "offline"
            ? html`<p>
                ${status.offlineReason ? OFFLINE_REASON_TEXT[status.offlineReason] : nothing} ${inSeconds(status.nextAttemptAt)}
                <button type="button" @click=${() => this.services?.server?.retryNow()}>Try now</button>
              </p>`
            : nothing}
          <ul>
            <li>Node: <code>${status.url}</code></li>
            <li>Last message from the node: ${ago(status.lastReceivedAt)}</li>
            <li>Connected peers of this page (node and other tabs): ${peers.length}</li>
          </ul>`
        : html`<p class="muted">This page has no node to sync with; it keeps everything in this browser.</p>`}
      <h3>The node</h3>
      ${this.nodeError
        ? html`<p class="muted">The node's status is not available (${this.nodeError}).</p>`
        : this.node
          ? this.#renderNode(this.node)
          : html`<p class="muted" role="status">Asking the node…</p>`}
      <h2>Bundles</h2>
      <p>A bundle is one signed file with this whole festival, to carry on a USB stick to people without a network.</p>
      <div class="actions"><button class="primary" type="button" @click=${this.#export}>Export a bundle</button></div>
      ${this.exported ? html`<p class="notice ok" role="status">${this.exported}</p>` : nothing}
      ${this.exportError ? html`<p class="notice error" role="alert">${this.exportError}</p>` : nothing}
      <pf-bundle-import .services=${this.services} .festivalId=${this.session?.id}></pf-bundle-import>
    `;
  }

  #renderNode(node: NodeStatus) {
    const key = this.session ? discoveryKey(this.session.id) : "";
    const servers = node.peers.filter((peer) => peer.role === "server");
    const clients = node.peers.length - servers.length;
    return html`<ul>
        <li>Address: <code>${node.url}</code>${node.lan ? " (announced on the local network)" : ""}</li>
        <li>Holds ${node.publicFestivals} public and ${node.privateFestivals} private festival(s)</li>
        <li>Browser tabs and command-line runs connected: ${clients}</li>
      </ul>
      <h3>Peers of the node</h3>
      ${servers.length === 0
        ? html`<p class="muted">The node is not connected to other nodes.</p>`
        : html`<ul class="plain card-list">
            ${servers.map((peer) => {
              const sync = peer.lastSync.find((entry) => entry.discoveryKey === key);
              return html`<li>
                <code>${peer.address}</code> (${peer.direction}): <strong>${peer.state}</strong>
                ${peer.lastError ? html`<span class="muted">(${peer.lastError})</span>` : nothing}
                <div class="muted">Last sync of this festival: ${sync ? new Date(sync.at).toLocaleString() : "none yet"}</div>
              </li>`;
            })}
          </ul>`}`;
  }

  #export(): void {
    const session = this.session;
    const identity = session?.identity;
    if (!session || !identity) return;
    try {
      const packed = packFullBundle(session.handle, identity);
      const fileName = bundleDownloadName(session.model.settings.name, new Date());
      downloadFile(fileName, packed.bytes);
      this.exportError = undefined;
      this.exported = `Saved ${fileName}: ${packed.changeCount} change(s), signed by you.`;
    } catch (error) {
      this.exported = undefined;
      this.exportError = error instanceof Error ? error.message : String(error);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-sync": PfSync;
  }
}
