// The festival's deleted events, below the programme: folded away, each with its time and venue, a link to its form
// and a Restore button. Restoring goes through the session's editor like any edit (a proposal for a visitor).
import { LitElement, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { restoreEvent } from "../../../engine/core/operations.js";
import { formErrorsFrom, NO_ERRORS, type FormErrors } from "../state/field-errors.js";
import type { FestivalSession } from "../state/festival-session.js";
import { festivalHash } from "../state/routes.js";
import { sharedStyles } from "./shared-styles.js";

@customElement("pf-deleted-events")
export class PfDeletedEvents extends LitElement {
  static override styles = sharedStyles;

  @property({ attribute: false }) accessor session: FestivalSession | undefined;
  @property({ type: Number }) accessor version = 0;
  @state() accessor errors: FormErrors = NO_ERRORS;
  @state() accessor restored: string | undefined;

  override render() {
    const session = this.session;
    if (!session) return nothing;
    const deleted = [...session.model.deletedEvents.values()].sort((a, b) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id));
    if (deleted.length === 0 && !this.restored) return nothing;
    return html`<details data-deleted-events>
      <summary>Deleted events (${deleted.length})</summary>
      <p class="muted">Deleted events are in no programme, export or check. Restoring one brings it back as it was.</p>
      ${this.restored ? html`<p class="notice ok" role="status">${this.restored}</p>` : nothing}
      ${this.errors.form ? html`<p class="notice error" role="alert">${this.errors.form}</p>` : nothing}
      <ul class="plain card-list">
        ${deleted.map(
          (event) => html`<li>
            <a href=${festivalHash(session.id, { screen: "event", id: event.id })}><strong>${event.title}</strong></a>
            <span class="muted">${event.day} ${event.startTime}–${event.endTime}, ${session.model.venues.get(event.venueId)?.name ?? "(missing venue)"}</span>
            <button type="button" @click=${() => this.#restore(event.id, event.title)}>Restore “${event.title}”</button>
          </li>`,
        )}
      </ul>
    </details>`;
  }

  #restore(eventId: string, title: string): void {
    const session = this.session;
    if (!session) return;
    try {
      restoreEvent(session.editor, eventId);
      this.errors = NO_ERRORS;
      this.restored = `Restored “${title}”: it is in the programme again.`;
    } catch (error) {
      this.errors = formErrorsFrom(error, "event", []);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-deleted-events": PfDeletedEvents;
  }
}
