// The people of a festival (hosts, artists, contacts), those deleted (to restore), and the members who edit it; each
// person links to its form.
import { LitElement, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { restorePerson } from "../../../engine/core/operations.js";
import { formErrorsFrom } from "../state/field-errors.js";
import type { FestivalSession } from "../state/festival-session.js";
import { festivalHash } from "../state/routes.js";
import { SignatureWatch } from "../state/signature-watch.js";
import { sharedStyles } from "./shared-styles.js";

@customElement("pf-people")
export class PfPeople extends LitElement {
  static override styles = sharedStyles;

  @property({ attribute: false }) accessor session: FestivalSession | undefined;
  @property({ type: Number }) accessor version = 0;
  /** what the last Restore here did (or why it failed) */
  @state() accessor note: { ok: boolean; words: string } | undefined;

  /** the members' names from the signatures checked so far; the rest are checked in the background */
  readonly #signatures = new SignatureWatch(this);

  #renderDeleted(session: FestivalSession) {
    const deleted = [...session.model.deletedPeople.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    if (deleted.length === 0 && !this.note) return nothing;
    return html`<h3>Deleted people</h3>
      ${this.note ? html`<p class="notice ${this.note.ok ? "ok" : "error"}" role=${this.note.ok ? "status" : "alert"}>${this.note.words}</p>` : nothing}
      ${deleted.length === 0
        ? nothing
        : html`<ul class="plain card-list" data-deleted-people>
            ${deleted.map(
              (person) => html`<li>
                <a href=${festivalHash(session.id, { screen: "person", id: person.id })}><strong>${person.name}</strong></a>
                <button type="button" @click=${() => this.#restore(session, person.id, person.name)}>Restore ${person.name}</button>
              </li>`,
            )}
          </ul>`}`;
  }

  #restore(session: FestivalSession, personId: string, name: string): void {
    try {
      restorePerson(session.editor, personId);
      this.note = { ok: true, words: `Restored ${name}.` };
    } catch (error) {
      this.note = { ok: false, words: formErrorsFrom(error, "person", []).form ?? "" };
    }
  }

  override render() {
    const session = this.session;
    if (!session) return nothing;
    const model = session.model;
    const people = model.sortedPeople();
    // only names each key wrote itself (engine/core/provenance.ts memberNames); a name two keys claim carries a key suffix
    const { value: names, actorsUnchecked: unchecked } = this.#signatures.memberNames(session);
    const members = Object.keys(session.visible().members ?? {})
      .map((key): [string, string] => [key, names.get(key) ?? (unchecked > 0 ? "(checking signatures…)" : "(no name written by this key)")])
      .sort((a, b) => a[1].localeCompare(b[1]));
    return html`
      <div class="actions"><a class="button primary" href=${festivalHash(session.id, { screen: "person", id: "new" })}>Add person</a></div>
      <h2>People</h2>
      ${people.length === 0
        ? html`<p class="muted">No people yet. Hosts named on an event are added here.</p>`
        : html`<ul class="plain card-list">
            ${people.map(
              (person) => html`<li>
                <a href=${festivalHash(session.id, { screen: "person", id: person.id })}><strong>${person.name}</strong></a>
                ${person.bio ? html`<div class="muted">${person.bio.length > 160 ? `${person.bio.slice(0, 160)}…` : person.bio}</div>` : nothing}
              </li>`,
            )}
          </ul>`}
      ${this.#renderDeleted(session)}
      <h3>Members</h3>
      <p class="muted">Everyone who has edited this festival, by the name they chose themselves (signed with their own key) and their key.</p>
      ${unchecked > 0 ? html`<p class="muted" role="status" data-checking-signatures>Checking signatures… names show as they are checked.</p>` : nothing}
      <ul class="plain card-list">
        ${members.map(([key, name]) => html`<li><strong>${name}</strong> <code title=${key}>${key.slice(0, 16)}…</code></li>`)}
      </ul>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-people": PfPeople;
  }
}
