// The History screen: every change of the festival, newest first, with its verified author or "unverified"
// and why. Authorship is checked here, in the browser, from the signed attestations inside the document.
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { governanceOf, standingText, type ChangeStanding } from "../../../engine/core/governance/index.js";
import { looksLikeAttestation, memberNames, newestFirst, verifyHistory, type ChangeRecord } from "../../../engine/core/provenance.js";
import type { FestivalSession } from "../state/festival-session.js";
import { sharedStyles } from "./shared-styles.js";

const PAGE = 100;

@customElement("pf-history")
export class PfHistory extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      table {
        border-collapse: collapse;
        width: 100%;
      }
      th,
      td {
        text-align: left;
        padding: 0.35rem 0.5rem;
        border-bottom: 1px solid var(--pf-border);
        vertical-align: top;
      }
      .unverified {
        color: var(--pf-danger);
      }
      @media (max-width: 600px) {
        thead {
          display: none;
        }
        tr {
          display: block;
          padding: 0.4rem 0;
          border-bottom: 1px solid var(--pf-border);
        }
        td {
          display: block;
          border: 0;
          padding: 0.1rem 0;
        }
      }
    `,
  ];

  @property({ attribute: false }) accessor session: FestivalSession | undefined;
  @property({ type: Number }) accessor version = 0;
  @state() accessor shown = PAGE;
  @state() accessor showAttestations = false;
  #records: ChangeRecord[] = [];
  #recordsVersion = -1;
  /** each change's standing where not every change counts (empty otherwise), and the names of deciding keys */
  #standings = new Map<string, ChangeStanding>();
  #names = new Map<string, string>();

  override willUpdate(): void {
    const session = this.session;
    if (session && this.#recordsVersion !== session.model.version) {
      const doc = session.doc();
      this.#records = newestFirst(doc, verifyHistory(doc, session.id));
      const governance = governanceOf(doc, session.id);
      this.#standings = new Map(governance.changes.map((standing) => [standing.hash, standing]));
      this.#names = memberNames(doc, session.id);
      this.#recordsVersion = session.model.version;
    }
  }

  #standing(hash: string) {
    const text = standingText(this.#standings.get(hash), (key) => this.#names.get(key) || key.slice(0, 8));
    return text === "" ? nothing : html`<span class="badge" data-standing>${text}</span>`;
  }

  override render() {
    const records = this.showAttestations ? this.#records : this.#records.filter((record) => !looksLikeAttestation(record));
    const unverified = this.#records.filter((record) => !record.verified).length;
    return html`
      <h2>History</h2>
      <p class="muted">
        ${this.#records.length} change(s), ${unverified === 0 ? "all with a verified author" : `${unverified} unverified`}.
        <label><input type="checkbox" .checked=${this.showAttestations} @change=${(event: Event) => (this.showAttestations = (event.target as HTMLInputElement).checked)} />
          show attestation writes</label>
      </p>
      <table>
        <thead>
          <tr><th scope="col">When</th><th scope="col">Author</th><th scope="col">Change</th></tr>
        </thead>
        <tbody>
          ${records.slice(0, this.shown).map(
            (record) => html`<tr>
              <td>${record.time > 0 ? new Date(record.time).toLocaleString() : "unknown time"}</td>
              <td>
                ${record.verified && record.author
                  ? html`${record.author.name || "unnamed"} <code title=${record.author.key}>${record.author.key.slice(0, 8)}</code>`
                  : html`<span class="unverified">unverified</span> <span class="muted">${record.reason ?? ""}</span>`}
              </td>
              <td>
                ${record.message ?? html`<span class="muted">(no message)</span>`} <code class="muted" title=${record.hash}>${record.hash.slice(0, 10)}</code>
                ${this.#standing(record.hash)}
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${records.length > this.shown
        ? html`<div class="actions"><button type="button" @click=${() => (this.shown += PAGE)}>Show ${Math.min(PAGE, records.length - this.shown)} older</button></div>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-history": PfHistory;
  }
}
