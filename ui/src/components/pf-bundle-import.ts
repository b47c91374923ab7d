// Importing bundle files: a file picker and a drop zone; a line per file (new, already here, waiting), or
// why the files were refused (then nothing was imported).
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { AppServices } from "../state/app-services.js";
import { importBundleFiles, type FileImportReport } from "../state/bundle-transfer.js";
import { festivalIdFromReference } from "../state/festival-reference.js";
import { festivalHash } from "../state/routes.js";
import { sharedStyles } from "./shared-styles.js";


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
  @state() accessor reports: FileImportReport[] = [];
  @state() accessor error: string | undefined;
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
      ${this.festivalId === undefined
        ? html`<div class="field">
            <label for="join">Private festival id (optional)</label>
            <input id="join" name="join" autocomplete="off" aria-describedby="join-hint" />
            <span id="join-hint" class="hint">A private festival's bundles need its id here: paste the id you were given. Those of a festival with member keys open only for its members.</span>
          </div>`
        : nothing}
      ${this.busy ? html`<p role="status" class="muted">Verifying…</p>` : nothing}
      <div aria-live="polite">
        ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
        <ul class="plain">
          ${this.reports.map(
            (report) => html`<li class="notice ${report.waiting > 0 ? "warn" : "ok"}">
              ${report.message}
              ${report.festival !== this.festivalId ? html` <a href=${festivalHash(report.festival, { screen: "programme" })}>Open it</a>` : nothing}
            </li>`,
          )}
        </ul>
      </div>
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

  /** Imports the files together: all verified first, nothing written when one is refused (like the CLI). */
  async importFiles(files: File[]): Promise<void> {
    const services = this.services;
    if (!services || files.length === 0) return;
    this.busy = true;
    try {
      const read = await Promise.all(files.map(async (file) => ({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })));
      const joinText = this.renderRoot.querySelector<HTMLInputElement>("#join")?.value ?? "";
      const join = joinText.trim() === "" ? [] : [festivalIdFromReference(joinText)];
      if (this.festivalId) join.push(this.festivalId);
      this.reports = await importBundleFiles(services, read, join);
      this.error = undefined;
      for (const report of this.reports) {
        this.dispatchEvent(new CustomEvent<FileImportReport>("imported", { detail: report, bubbles: true, composed: true }));
      }
    } catch (error) {
      this.reports = [];
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-bundle-import": PfBundleImport;
  }
}
