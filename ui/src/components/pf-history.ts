// The History screen: every change of the festival in words, newest first, with its verified author or "unverified"
// and why. Authorship is checked here, in the browser, from the signed attestations inside the document.
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { governanceOf, standingText, type ChangeStanding } from "../../../engine/core/governance/index.js";
import { ChangeDescriber } from "../../../engine/core/change-description.js";
import { historyEntrySteps, signatureNotCheckedYet, unverifiedWords, type HistoryEntry } from "../../../engine/core/history-entries.js";
import { memberNames, memberNamesSoFar } from "../../../engine/core/provenance.js";
import type { FestivalSession } from "../state/festival-session.js";
import { SignatureWatch } from "../state/signature-watch.js";
import { runInSlices } from "../state/slices.js";
import { sharedStyles } from "./shared-styles.js";

const PAGE = 100;

/** Describes the entries' changes one by one (the describer remembers them, so rendering them costs nothing then). */
function* describing(describer: ChangeDescriber, entries: readonly HistoryEntry[]): Generator<void, true, void> {
  for (const entry of entries) {
    describer.describe(entry.record.hash);
    yield;
  }
  return true;
}

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
        font-weight: 600;
      }
      ul.lines {
        margin: 0;
        padding-left: 1.1rem;
      }
      ul.lines.single {
        list-style: none;
        padding-left: 0;
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
  readonly #signatures = new SignatureWatch(this);
  /** what is shown: the entries as read at #recordsRead (festival, version, signature generation; "" before the first read) */
  #entries: HistoryEntry[] = [];
  #describer: ChangeDescriber | undefined;
  #recordsRead = "";
  /** the read under way (version and signature generation), if any */
  #reading: string | undefined;
  /** actors whose changes wait for a signature check (shown as being checked, not as unverified) */
  #unchecked = 0;
  /** each change's standing where not every change counts (empty otherwise), and the names of deciding keys */
  #standings = new Map<string, ChangeStanding>();
  #names = new Map<string, string>();

  override willUpdate(): void {
    const session = this.session;
    if (!session) return;
    const read = `${session.id}:${session.model.version}:${this.#signatures.generation}`;
    if (this.#recordsRead !== read && this.#reading !== read) void this.#read(session, read);
  }

  /**
   * Reads the history and describes the rows shown, a slice at a time (on a large festival, all at once is a long task),
   * then shows them: until then the screen keeps showing what it read before. Authors come from the signatures checked
   * so far; the rest are checked in the background (SignatureWatch) and the history is read again as they are.
   */
  async #read(session: FestivalSession, read: string): Promise<void> {
    this.#reading = read;
    const stillWanted = () => this.#reading === read && this.session === session && this.isConnected;
    const doc = session.doc();
    const mode = this.#signatures.mode(session);
    const entries = await runInSlices(historyEntrySteps(doc, session.id, mode), stillWanted);
    if (entries === undefined) return;
    const sameVersion = this.#describer !== undefined && this.#recordsRead.startsWith(`${session.id}:${session.model.version}:`);
    const describer = sameVersion && this.#describer ? this.#describer : new ChangeDescriber(doc);
    if ((await runInSlices(describing(describer, entries.slice(0, this.shown)), stillWanted)) === undefined) return;
    const governance = governanceOf(doc, session.id);
    let unchecked = 0;
    if (mode === "check") this.#names = memberNames(doc, session.id);
    else {
      const names = memberNamesSoFar(doc, session.id);
      this.#names = names.value;
      unchecked = names.actorsUnchecked;
    }
    // the entries were read a slice at a time while checks went on: some may wait for a check made since
    const waiting = new Set(entries.filter((entry) => signatureNotCheckedYet(entry.record)).map((entry) => entry.record.actor));
    unchecked = Math.max(unchecked, waiting.size);
    this.#standings = new Map(governance.changes.map((standing) => [standing.hash, standing]));
    this.#entries = entries;
    this.#describer = describer;
    this.#unchecked = unchecked;
    this.#recordsRead = read;
    this.#reading = undefined;
    this.#signatures.read(session, unchecked);
    this.requestUpdate();
  }

  /** Shows the next page of older changes once they are described (a slice at a time). */
  async #showOlder(): Promise<void> {
    const describer = this.#describer;
    const read = this.#recordsRead;
    if (describer === undefined) return;
    await runInSlices(describing(describer, this.#entries.slice(this.shown, this.shown + PAGE)), () => this.#recordsRead === read && this.isConnected);
    this.shown += PAGE;
  }

  #standing(hash: string) {
    const text = standingText(this.#standings.get(hash), (key) => this.#names.get(key) || key.slice(0, 8));
    return text === "" ? nothing : html`<span class="badge" data-standing>${text}</span>`;
  }

  #renderChange(entry: HistoryEntry) {
    const record = entry.record;
    const lines = this.#describer?.describe(record.hash).lines ?? [];
    return html`<ul class="lines ${lines.length === 1 ? "single" : ""}" data-change>
        ${lines.map((line) => html`<li>${line}</li>`)}
      </ul>
      <code class="muted" title=${record.hash}>${record.hash.slice(0, 10)}</code> ${this.#standing(record.hash)}`;
  }

  #renderAuthor(entry: HistoryEntry) {
    const record = entry.record;
    if (record.verified && record.author) {
      const signature = entry.signatures.length > 0 ? `; its signature: ${entry.signatures.map((hash) => hash.slice(0, 10)).join(", ")}` : "";
      return html`<span title="verified: signed with this key${signature}">${record.author.name || "unnamed"}</span>
        <code title=${record.author.key}>${record.author.key.slice(0, 8)}</code>`;
    }
    if (signatureNotCheckedYet(record)) return html`<span class="muted" data-signature-unchecked>checking signature…</span>`;
    return html`<span class="unverified">unverified</span> <span class="muted" data-unverified-why>${unverifiedWords(record.reason)}</span>`;
  }

  override render() {
    if (this.#recordsRead === "") return html`<h2>History</h2><p class="muted" role="status">Reading the history…</p>`;
    const entries = this.#entries;
    const checking = entries.filter((entry) => signatureNotCheckedYet(entry.record)).length;
    const unverified = entries.filter((entry) => !entry.record.verified).length - checking;
    return html`
      <h2>History</h2>
      ${this.#unchecked > 0 || checking > 0
        ? html`<p class="muted" role="status" data-checking-signatures>
            Checking signatures… ${checking} change(s) show their author once their signature is checked.
          </p>`
        : nothing}
      <p class="muted">
        ${entries.length} change(s), ${unverified === 0
          ? checking === 0
            ? "all with a verified author"
            : "none unverified so far"
          : `${unverified} unverified (nobody's valid signature says who made them)`}.
        Each change is signed by its author's key; the signature is counted with the change it signs.
      </p>
      <table>
        <thead>
          <tr><th scope="col">When</th><th scope="col">Author</th><th scope="col">Change</th></tr>
        </thead>
        <tbody>
          ${entries.slice(0, this.shown).map(
            (entry) => html`<tr>
              <td>${entry.record.time > 0 ? new Date(entry.record.time).toLocaleString() : "unknown time"}</td>
              <td>${this.#renderAuthor(entry)}</td>
              <td>${this.#renderChange(entry)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${entries.length > this.shown
        ? html`<div class="actions"><button type="button" @click=${() => void this.#showOlder()}>Show ${Math.min(PAGE, entries.length - this.shown)} older</button></div>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-history": PfHistory;
  }
}
