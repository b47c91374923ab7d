// Importing bundle files: a file picker and a drop zone, one verified import per file, and a message per file
// (what was imported, what is still waiting, or why the file was refused).
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { AppServices } from "../state/app-services.js";
import { importBundle, type ImportReport } from "../state/bundle-transfer.js";
import { festivalHash } from "../state/routes.js";
import { sharedStyles } from "./shared-styles.js";

interface FileOutcome {
  fileName: string;
  report?: ImportReport;
  error?: string;
}

@customElement("pf-bundle-import")
export class PfBundleImport extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .drop {
        border: 2px dashed var(--pf-border);
        border-radius: var(--pf-radius);
        padding: 1rem;
        text-align: center;
      }
      .drop.over {
        border-color: var(--pf-accent);
        background: color-mix(in srgb, var(--pf-accent) 8%, transparent);
      }
      .drop label {
        font-weight: 600;
      }
      .drop input {
        margin-top: 0.5rem;
      }
    `,
  ];

  @property({ attribute: false }) accessor services: AppServices | undefined;
  /** the festival whose screen this is on, if any (other festivals' bundles get a link) */
  @property() accessor festivalId: string | undefined;
  @state() accessor outcomes: FileOutcome[] = [];
  @state() accessor busy = false;
  @state() accessor over = false;

  override render() {
    return html`
      <div
        class="drop ${this.over ? "over" : ""}"
        @dragover=${this.#onDragOver}
        @dragleave=${() => (this.over = false)}
        @drop=${this.#onDrop}
      >
        <label for="bundle-files">Import bundle files</label>
        <div class="muted">Choose .pfb files, or drop them here.</div>
        <input id="bundle-files" type="file" accept=".pfb,application/octet-stream" multiple @change=${this.#onPick} ?disabled=${this.busy} />
      </div>
      ${this.busy ? html`<p role="status" class="muted">Verifying…</p>` : nothing}
      <ul class="plain" aria-live="polite">
        ${this.outcomes.map((outcome) =>
          outcome.error
            ? html`<li class="notice error">${outcome.error}</li>`
            : html`<li class="notice ${outcome.report && outcome.report.waitingFor > 0 ? "warn" : "ok"}">
                ${outcome.report?.message}
                ${outcome.report && outcome.report.festivalId !== this.festivalId
                  ? html` <a href=${festivalHash(outcome.report.festivalId, { screen: "programme" })}>Open it</a>`
                  : nothing}
              </li>`,
        )}
      </ul>
    `;
  }

  #onDragOver(event: DragEvent): void {
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
    this.over = true;
  }

  #onDrop(event: DragEvent): void {
    event.preventDefault();
    this.over = false;
    void this.importFiles([...(event.dataTransfer?.files ?? [])]);
  }

  #onPick(event: Event): void {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = "";
    void this.importFiles(files);
  }

  /** Imports each file in turn; one refused file does not stop the others. */
  async importFiles(files: File[]): Promise<void> {
    const services = this.services;
    if (!services || files.length === 0) return;
    this.busy = true;
    const outcomes: FileOutcome[] = [];
    for (const file of files) {
      try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        const report = await importBundle(services, file.name, bytes);
        outcomes.push({ fileName: file.name, report });
        this.dispatchEvent(new CustomEvent<ImportReport>("imported", { detail: report, bubbles: true, composed: true }));
      } catch (error) {
        outcomes.push({ fileName: file.name, error: error instanceof Error ? error.message : String(error) });
      }
    }
    this.outcomes = outcomes;
    this.busy = false;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-bundle-import": PfBundleImport;
  }
}
