// The Conflicts screen: fields two groups set concurrently (every value, its author, a button to keep it),
// events that clash in a venue, and events pointing at removed or missing venues and people.
import { LitElement, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { pickConflictValue } from "../../../engine/core/conflicts.js";
import { fieldLabel } from "../../../engine/core/field-words.js";
import { conflictReport, type AuthoredConflict, type ConflictReport } from "../state/conflict-report.js";
import type { FestivalSession } from "../state/festival-session.js";
import { festivalHash } from "../state/routes.js";
import { sharedStyles } from "./shared-styles.js";

function shown(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "(nothing)";
  return JSON.stringify(value);
}

@customElement("pf-conflicts")
export class PfConflicts extends LitElement {
  static override styles = sharedStyles;

  @property({ attribute: false }) accessor session: FestivalSession | undefined;
  @property({ type: Number }) accessor version = 0;
  @state() accessor message: string | undefined;
  @state() accessor error: string | undefined;
  #report: ConflictReport | undefined;
  #reportVersion = -1;

  override willUpdate(): void {
    const session = this.session;
    if (session && (this.#report === undefined || this.#reportVersion !== session.model.version)) {
      this.#report = conflictReport(session.doc(), session.id, session.visible());
      this.#reportVersion = session.model.version;
    }
  }

  #fieldLabel(conflict: AuthoredConflict): string {
    const session = this.session;
    const label = session ? fieldLabel(session.visible(), conflict.path) : conflict.path.join(".");
    return label.charAt(0).toUpperCase() + label.slice(1);
  }

  override render() {
    const session = this.session;
    const report = this.#report;
    if (!session || !report) return nothing;
    const eventLink = (id: string, title: string) => html`<a href=${festivalHash(session.id, { screen: "event", id })}>${title || id}</a>`;
    return html`
      <h2>Concurrent values</h2>
      ${this.message ? html`<p class="notice ok" role="status">${this.message}</p>` : nothing}
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
      ${report.conflicts.length === 0
        ? html`<p class="muted">No field holds concurrent values.</p>`
        : html`<p>These fields were set differently by people editing at the same time. Every value is kept until someone picks one.</p>
            <ul class="plain card-list">
              ${report.conflicts.map(
                (conflict) => html`<li>
                  <h3>${this.#fieldLabel(conflict)}</h3>
                  <ol>
                    ${conflict.values.map(
                      (value) => html`<li>
                        <strong>${shown(value.value)}</strong>
                        <span class="muted">by ${value.author ? `${value.author.name || "unnamed"} (${value.author.key.slice(0, 8)})` : "an unverified author"}</span>
                        <button type="button" @click=${() => this.#pick(conflict, value.value)}>Keep this value</button>
                      </li>`,
                    )}
                  </ol>
                </li>`,
              )}
            </ul>`}
      <h2>Clashes</h2>
      ${report.clashes.length === 0
        ? html`<p class="muted">No two events overlap in a venue.</p>`
        : html`<ul class="plain card-list">
            ${report.clashes.map(
              (clash) => html`<li>
                ${eventLink(clash.first.id, clash.first.title)} and ${eventLink(clash.second.id, clash.second.title)} overlap by
                ${clash.overlapMinutes} minutes in ${clash.venueName || "a missing venue"}.
              </li>`,
            )}
          </ul>`}
      <h2>Dangling references</h2>
      ${report.dangling.length === 0
        ? html`<p class="muted">Every event points at a venue and hosts that exist.</p>`
        : html`<ul class="plain card-list">
            ${report.dangling.map(
              (item) => html`<li>
                ${eventLink(item.eventId, item.eventTitle)}
                ${item.kind === "venue-removed"
                  ? html`is at a removed venue (<a href=${festivalHash(session.id, { screen: "venue", id: item.refId })}>${session.model.venues.get(item.refId)?.name ?? item.refId}</a>): restore the venue or move the event.`
                  : item.kind === "venue-missing"
                    ? html`is at a venue that does not exist (<code>${item.refId}</code>): move the event to another venue.`
                    : item.kind === "host-deleted"
                      ? html`names a deleted host (<a href=${festivalHash(session.id, { screen: "person", id: item.refId })}>${session.model.deletedPeople.get(item.refId)?.name ?? item.refId}</a>): restore the person or take them off the hosts.`
                      : html`names a host who is not among the people (<code>${item.refId}</code>).`}
              </li>`,
            )}
          </ul>`}
    `;
  }

  #pick(conflict: AuthoredConflict, value: unknown): void {
    const session = this.session;
    if (!session) return;
    try {
      pickConflictValue(session.editor, conflict.path, value);
      this.error = undefined;
      this.message = `${this.#fieldLabel(conflict)} is now ${shown(value)}.`;
    } catch (error) {
      this.message = undefined;
      this.error = error instanceof Error ? error.message : String(error);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-conflicts": PfConflicts;
  }
}
