// The venues of a festival: the live ones, then the removed ones (restorable), each linking to its form.
import { LitElement, html, nothing } from "lit";
import { customElement, property } from "lit/decorators.js";
import type { FestivalSession } from "../state/festival-session.js";
import { festivalHash } from "../state/routes.js";
import { sharedStyles } from "./shared-styles.js";

@customElement("pf-venues")
export class PfVenues extends LitElement {
  static override styles = sharedStyles;

  @property({ attribute: false }) accessor session: FestivalSession | undefined;
  @property({ type: Number }) accessor version = 0;

  override render() {
    const session = this.session;
    if (!session) return nothing;
    const model = session.model;
    const live = model.liveVenues();
    const removed = [...model.venues.values()].filter((venue) => venue.removed).sort((a, b) => a.name.localeCompare(b.name));
    const eventCount = new Map<string, number>();
    for (const event of model.events.values()) eventCount.set(event.venueId, (eventCount.get(event.venueId) ?? 0) + 1);
    const item = (venue: (typeof live)[number]) => html`<li>
      <a href=${festivalHash(session.id, { screen: "venue", id: venue.id })}><strong>${venue.name}</strong></a>
      <span class="muted">${eventCount.get(venue.id) ?? 0} event(s)${venue.capacity !== undefined ? `, capacity ${venue.capacity}` : ""}</span>
      ${venue.address ? html`<div class="muted">${venue.address}</div>` : nothing}
    </li>`;
    return html`
      <div class="actions"><a class="button primary" href=${festivalHash(session.id, { screen: "venue", id: "new" })}>Add venue</a></div>
      <h2>Venues</h2>
      ${live.length === 0 ? html`<p class="muted">No venues yet.</p>` : html`<ul class="plain card-list">${live.map(item)}</ul>`}
      ${removed.length > 0 ? html`<h3>Removed venues</h3><ul class="plain card-list">${removed.map(item)}</ul>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-venues": PfVenues;
  }
}
