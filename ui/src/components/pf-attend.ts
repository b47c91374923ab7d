// The attendee view (attend.html#/f/ID): a festival's programme, read-only, from the node's programme.json. Day tabs,
// venue columns (a list on phones), search and filters, event details, favourites on this device and "my programme".
// No name asked and no Automerge loaded; "Edit / organise" opens the organiser's app.
import { LitElement, css, html, nothing } from "lit";
import { customElement, state } from "lit/decorators.js";
import { AttendeeProgramme, fetchProgramme, programmeUrl, ProgrammeUnavailable } from "../state/attendee-programme.js";
import { chooseToOrganise, organiseHref } from "../state/entry-choice.js";
import { loadFavourites, toggleFavourite } from "../state/favourites.js";
import { dayLabel, layoutDays, openingDay, type ProgrammeDays } from "../state/programme-days.js";
import { eventMatcher, isFiltered, NO_FILTER, type ProgrammeFilter } from "../state/programme-filter.js";
import type { ScheduledEvent } from "../state/scheduled-event.js";
import { CardChunks } from "./card-chunks.js";
import { programmeStyles, renderDayGrid, renderDayTabs, renderHostsAndTags, renderStatus, renderTag } from "./programme-grid.js";
import { sharedStyles } from "./shared-styles.js";
import { isTentative, type Confirmation } from "../../../engine/core/bookings/confirmation.js";

const WIDE_QUERY = "(min-width: 760px)";

/** ": 1 of 2 bookings accepted" for an event that asked for its venue or resources and is not fully confirmed. */
function confirmationWords(confirmation: Confirmation | undefined): string {
  return confirmation && isTentative(confirmation) ? ` (${confirmation.accepted} of ${confirmation.requested} bookings accepted)` : "";
}
const FESTIVAL_ROUTE = /^#\/f\/([A-Za-z0-9_-]{1,100})(?:\/(mine))?\/?$/;
/** The now-line moves on this often. */
const NOW_TICK_MS = 60_000;

type Layout = "grid" | "list";

/** Dispatched (bubbling out of the shadow root) once the first programme, or why there is none, is on screen. */
export const PROGRAMME_SETTLED = "pf-programme-settled";
export interface ProgrammeSettled {
  /** the programme's address when there is one to keep for offline visits */
  programmeUrl?: string;
}

function routeOf(hash: string): { festivalId: string; mine: boolean } | undefined {
  const match = FESTIVAL_ROUTE.exec(hash);
  return match ? { festivalId: match[1], mine: match[2] === "mine" } : undefined;
}

@customElement("pf-attend")
export class PfAttend extends LitElement {
  static override styles = [
    sharedStyles,
    programmeStyles,
    css`
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
        padding: 0.5rem 1rem;
        border-bottom: 1px solid var(--pf-border);
        background: var(--pf-surface);
      }
      .brand {
        font-weight: 700;
        color: var(--pf-muted);
        text-decoration: none;
      }
      h1 {
        font-size: 1.35rem;
        margin: 0;
        flex: 1 1 12rem;
        overflow-wrap: anywhere;
      }
      main {
        padding: 0.75rem 1rem 2rem;
        max-width: 100rem;
        margin: 0 auto;
      }
      .description {
        margin: 0 0 0.5rem;
        white-space: pre-line;
        overflow-wrap: anywhere;
      }
      .views,
      .filters {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
        margin: 0.5rem 0;
      }
      .filters label {
        display: flex;
        flex-direction: column;
        font-size: 0.85rem;
        gap: 0.15rem;
        flex: 1 1 9rem;
        min-width: 0;
      }
      .filters input,
      .filters select {
        font: inherit;
        min-height: 2.5rem;
        padding: 0.3rem 0.5rem;
        border: 1px solid var(--pf-border);
        border-radius: var(--pf-radius);
        background: var(--pf-surface);
        color: var(--pf-text);
        width: 100%;
        min-width: 0;
      }
      [aria-pressed="true"],
      [aria-current="page"] {
        background: var(--pf-text);
        color: var(--pf-bg);
      }
      .spacer {
        flex: 1;
      }
      .list li {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 0.25rem;
        margin-bottom: 0.4rem;
        border: 1px solid var(--pf-border);
        border-left: 4px solid var(--pf-accent);
        border-radius: var(--pf-radius);
        background: var(--pf-surface);
      }
      .list li.tentative {
        border-left-color: var(--pf-tentative);
        border-left-style: dashed;
      }
      .list li.cancelled {
        border-left-color: var(--pf-danger);
      }
      .list .open {
        display: grid;
        grid-template-columns: 5.6rem 1fr;
        gap: 0.1rem 0.5rem;
        text-align: left;
        border: none;
        background: none;
        min-width: 0;
        padding: 0.5rem 0.6rem;
      }
      .list .open > :not(.time) {
        grid-column: 2;
        min-width: 0;
      }
      .list .time {
        grid-row: span 3;
        font-size: 0.9rem;
      }
      .star {
        border: none;
        background: none;
        font-size: 1.3rem;
        min-width: 2.75rem;
        color: var(--pf-muted);
      }
      .star[aria-pressed="true"] {
        color: var(--pf-warn);
        background: none;
      }
      .event .fav {
        color: var(--pf-warn);
      }
      dialog {
        max-width: min(40rem, calc(100vw - 1rem));
        width: 100%;
        border: 1px solid var(--pf-border);
        border-radius: var(--pf-radius);
        background: var(--pf-surface);
        color: var(--pf-text);
        padding: 1rem;
      }
      dialog h2 {
        overflow-wrap: anywhere;
      }
      dialog dl {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 0.3rem 0.75rem;
        margin: 0 0 0.75rem;
      }
      dialog dt {
        color: var(--pf-muted);
      }
      dialog dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      .event-abstract,
      .event-description {
        white-space: pre-line;
        overflow-wrap: anywhere;
      }
      .offline {
        color: var(--pf-warn);
        background: var(--pf-warn-bg);
      }
    `,
  ];

  @state() accessor festivalId = "";
  @state() accessor mine = false;
  @state() accessor programme: AttendeeProgramme | undefined;
  @state() accessor problem: ProgrammeUnavailable | undefined;
  @state() accessor filter: ProgrammeFilter = NO_FILTER;
  @state() accessor favourites: ReadonlySet<string> = new Set();
  @state() accessor selectedDay: string | undefined;
  @state() accessor layout: Layout = window.matchMedia(WIDE_QUERY).matches ? "grid" : "list";
  /** a big day's cards, a chunk a frame */
  readonly #chunks = new CardChunks(this);
  @state() accessor details: ScheduledEvent | undefined;
  @state() accessor nowMs = Date.now();
  @state() accessor note = "";
  #layoutChosen = false;
  #media = window.matchMedia(WIDE_QUERY);
  #timer: ReturnType<typeof setInterval> | undefined;
  #days: { programme: AttendeeProgramme; days: ProgrammeDays } | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener("hashchange", this.#onRoute);
    window.addEventListener("storage", this.#onStorage);
    this.#media.addEventListener("change", this.#onMedia);
    this.#timer = setInterval(() => (this.nowMs = Date.now()), NOW_TICK_MS);
    this.#onRoute();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener("hashchange", this.#onRoute);
    window.removeEventListener("storage", this.#onStorage);
    this.#media.removeEventListener("change", this.#onMedia);
    clearInterval(this.#timer);
  }

  readonly #onMedia = (): void => {
    if (!this.#layoutChosen) this.layout = this.#media.matches ? "grid" : "list";
  };

  readonly #onStorage = (): void => {
    if (this.festivalId) this.favourites = loadFavourites(this.festivalId);
  };

  readonly #onRoute = (): void => {
    const route = routeOf(window.location.hash);
    if (!route) {
      this.festivalId = "";
      this.problem = new ProgrammeUnavailable("This link names no festival. A festival's link looks like attend.html#/f/ID.", "not-given");
      return;
    }
    this.mine = route.mine;
    this.filter = { ...this.filter, favouritesOnly: route.mine };
    if (route.festivalId === this.festivalId) return;
    this.festivalId = route.festivalId;
    this.programme = undefined;
    this.problem = undefined;
    this.favourites = loadFavourites(route.festivalId);
    void this.#load(route.festivalId);
  };

  async #load(festivalId: string): Promise<void> {
    try {
      const programme = await fetchProgramme(festivalId);
      if (festivalId === this.festivalId) this.programme = programme;
    } catch (error) {
      if (festivalId !== this.festivalId) return;
      this.problem = error instanceof ProgrammeUnavailable ? error : new ProgrammeUnavailable(String(error), "unreadable");
    }
    await this.updateComplete;
    const detail: ProgrammeSettled = { programmeUrl: this.programme ? programmeUrl(festivalId) : undefined };
    requestAnimationFrame(() => this.dispatchEvent(new CustomEvent(PROGRAMME_SETTLED, { bubbles: true, composed: true, detail })));
  }

  #laidOut(programme: AttendeeProgramme): ProgrammeDays {
    if (this.#days?.programme !== programme) this.#days = { programme, days: layoutDays(programme) };
    return this.#days.days;
  }

  override updated(): void {
    const name = this.programme?.name;
    document.title = name ? `${this.mine ? "My programme" : "Programme"} · ${name} · pandafest` : "Programme · pandafest";
  }

  override render() {
    const programme = this.programme;
    return html`
      <header>
        <a class="brand" href="./attend.html#/f/${this.festivalId}">pandafest</a>
        <h1>${programme ? programme.name || "(unnamed festival)" : this.problem ? "Festival programme" : "Loading the festival…"}</h1>
        ${programme?.fromCache
          ? html`<span class="badge offline" role="status" title="The node cannot be reached: this is the programme as this device last saw it">offline: as last seen</span>`
          : nothing}
        ${this.festivalId
          ? html`<a class="button" href=${organiseHref(this.festivalId)} @click=${() => chooseToOrganise(this.festivalId)}>Edit / organise</a>`
          : nothing}
      </header>
      <main>
        ${this.problem ? html`<p class="notice error" role="alert">${this.problem.message}</p>` : nothing}
        ${programme ? this.#renderProgramme(programme) : this.problem ? nothing : html`<p class="muted" role="status">Loading the programme…</p>`}
      </main>
      ${this.#renderDetails()}
    `;
  }

  #renderProgramme(programme: AttendeeProgramme) {
    const { days, unscheduled } = this.#laidOut(programme);
    const describe = (event: ScheduledEvent) => `${programme.hostNames(event).join("\n")}\n${programme.venueName(event)}`;
    const matches = eventMatcher(this.filter, this.favourites, describe);
    const counts = new Map(days.map((day) => [day.date, day.events.filter(matches).length]));
    const filtered = isFiltered(this.filter);
    const shownDate = this.selectedDay ?? openingDay(days, this.nowMs);
    const day = days.find((candidate) => candidate.date === shownDate) ?? days[0];
    const matching = day ? day.events.filter(matches) : [];
    // a big day's cards come a chunk a frame, earliest first (card-chunks.ts)
    const chunk = day ? this.#chunks.cards.shown(`${this.festivalId}\u0000${day.date}\u0000${this.layout}\u0000${JSON.stringify(this.filter)}\u0000${this.mine}`, matching.length, () => matching.map((event) => event.id)) : null;
    const shown = chunk === null ? matching : matching.filter((event) => chunk.has(event.id));
    const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
    const hosts = [...programme.hosts.entries()].sort((a, b) => a[1].localeCompare(b[1]));
    return html`
      ${programme.description ? html`<p class="description">${programme.description}</p>` : nothing}
      <div class="views">
        <span role="group" aria-label="Which events">
          <a class="button" href="#/f/${this.festivalId}" aria-current=${this.mine ? nothing : "page"}>Programme</a>
          <a class="button" href="#/f/${this.festivalId}/mine" aria-current=${this.mine ? "page" : nothing}>My programme (${this.favourites.size})</a>
        </span>
        <span class="spacer"></span>
        <span role="group" aria-label="Programme layout">
          <button type="button" aria-pressed=${this.layout === "grid" ? "true" : "false"} @click=${() => this.#choose("grid")}>Grid</button>
          <button type="button" aria-pressed=${this.layout === "list" ? "true" : "false"} @click=${() => this.#choose("list")}>List</button>
        </span>
      </div>
      <div class="filters" role="search">
        <label>Search <input type="search" aria-label="Search" .value=${this.filter.search} @input=${(event: Event) => this.#setFilter({ search: (event.target as HTMLInputElement).value })} /></label>
        <label
          >Venue
          <select aria-label="Venue" @change=${(event: Event) => this.#setFilter({ venueId: (event.target as HTMLSelectElement).value })}>
            <option value="" ?selected=${this.filter.venueId === ""}>All venues</option>
            ${programme.liveVenues().map((venue) => html`<option value=${venue.id} ?selected=${this.filter.venueId === venue.id}>${venue.name}</option>`)}
          </select></label
        >
        <label
          >Tag
          <select aria-label="Tag" @change=${(event: Event) => this.#setFilter({ tag: (event.target as HTMLSelectElement).value })}>
            <option value="" ?selected=${this.filter.tag === ""}>All tags</option>
            ${programme.tags().map((tag) => html`<option value=${tag} ?selected=${this.filter.tag === tag}>${tag}</option>`)}
          </select></label
        >
        <label
          >Host
          <select aria-label="Host" @change=${(event: Event) => this.#setFilter({ hostId: (event.target as HTMLSelectElement).value })}>
            <option value="" ?selected=${this.filter.hostId === ""}>All hosts</option>
            ${hosts.map(([id, name]) => html`<option value=${id} ?selected=${this.filter.hostId === id}>${name}</option>`)}
          </select></label
        >
        ${filtered && !(this.mine && !this.filter.search && !this.filter.venueId && !this.filter.tag && !this.filter.hostId)
          ? html`<button type="button" @click=${() => (this.filter = { ...NO_FILTER, favouritesOnly: this.mine })}>Clear filters</button>`
          : nothing}
      </div>
      <p class="muted" role="status" id="summary">
        ${this.mine && this.favourites.size === 0
          ? "No favourites yet: mark events with ☆ in the programme and they gather here, on this device."
          : `${total} event${total === 1 ? "" : "s"}${filtered ? " match" : ""}${this.mine ? " in your programme" : ""}`}${this.note ? ` · ${this.note}` : ""}
      </p>
      ${renderDayTabs(days, day?.date ?? "", (date) => (this.selectedDay = date), counts)}
      <section id="day-panel" role=${days.length > 1 ? "tabpanel" : nothing} aria-labelledby=${day && days.length > 1 ? `tab-${day.date}` : nothing} data-day=${day?.date ?? ""}>
        ${day ? html`<h2 class="visually-hidden">${dayLabel(day.date)}</h2>` : nothing}
        ${!day || shown.length === 0
          ? html`<p class="muted">${filtered ? "Nothing on this day matches." : "Nothing planned on this day."}</p>`
          : this.layout === "grid"
            ? renderDayGrid(day, (event, place) => this.#renderCard(event, place), { nowMs: this.nowMs, shown: new Set(shown.map((event) => event.id)) })
            : html`<ol class="list">${shown.map((event) => this.#renderListItem(programme, event))}</ol>`}
      </section>
      ${unscheduled.filter(matches).length > 0
        ? html`<section><h2>Without a readable time</h2>
            <ul class="list">${unscheduled.filter(matches).map((event) => this.#renderListItem(programme, event))}</ul></section>`
        : nothing}
    `;
  }

  #renderCard(event: ScheduledEvent, { style, fit, venueName }: Parameters<Parameters<typeof renderDayGrid>[1]>[1]) {
    const favourite = this.favourites.has(event.id);
    return html`<button
      type="button"
      class="event ${event.status} ${fit.compact ? "compact" : ""} ${fit.meta ? "" : "no-meta"}"
      style=${style}
      title=${event.title}
      data-event=${event.id}
      @click=${() => this.#openDetails(event)}
    >
      <span class="time">${event.startTime}–${event.endTime}</span><span class="title"
        >${favourite ? html`<span class="fav" aria-label="favourite">★ </span>` : nothing}<span class="title-text">${event.title}</span>${renderStatus(event)}</span
      ><span class="visually-hidden"> at ${venueName}</span>${renderHostsAndTags(this.programme?.hostNames(event) ?? [], event.tags)}
    </button>`;
  }

  #renderListItem(programme: AttendeeProgramme, event: ScheduledEvent) {
    return html`<li class=${event.status} data-event=${event.id}>
      <button type="button" class="open" @click=${() => this.#openDetails(event)}>
        <span class="time">${event.startTime}–${event.endTime}</span>
        <span class="title"><span class="title-text">${event.title}</span>${renderStatus(event)}</span>
        <span class="venue">${programme.venueName(event)}</span>
        ${renderHostsAndTags(programme.hostNames(event), event.tags)}
      </button>
      ${this.#renderStar(event)}
    </li>`;
  }

  #renderStar(event: ScheduledEvent) {
    const favourite = this.favourites.has(event.id);
    return html`<button
      type="button"
      class="star"
      aria-pressed=${favourite ? "true" : "false"}
      aria-label="Favourite: ${event.title}"
      title=${favourite ? "In your programme (on this device)" : "Add to your programme (on this device)"}
      @click=${() => this.#toggle(event)}
    >
      ${favourite ? "★" : "☆"}
    </button>`;
  }

  /** The one renderer of an event's details. */
  #renderDetails() {
    const event = this.details;
    const programme = this.programme;
    if (!event || !programme) return nothing;
    const hosts = programme.hostNames(event);
    const favourite = this.favourites.has(event.id);
    return html`<dialog aria-labelledby="details-title" @close=${() => (this.details = undefined)}>
      <h2 id="details-title">${event.title || "(untitled event)"}</h2>
      ${event.subtitle ? html`<p class="subtitle">${event.subtitle}</p>` : nothing}
      <dl>
        <dt>When</dt>
        <dd>${event.day ? `${dayLabel(event.day)}, ${event.startTime}–${event.endTime}` : "time not readable"}</dd>
        <dt>Where</dt>
        <dd>${programme.venueName(event)}</dd>
        ${hosts.length > 0 ? html`<dt>Hosts</dt><dd>${hosts.join(", ")}</dd>` : nothing}
        ${event.type ? html`<dt>Type</dt><dd>${event.type}</dd>` : nothing}
        <dt>Status</dt>
        <dd data-status>${event.status === "cancelled" ? "Cancelled" : event.status === "tentative" ? "Tentative: not yet confirmed" : "Confirmed"}${confirmationWords(programme.confirmations.get(event.id))}</dd>
        ${event.tags.length > 0 ? html`<dt>Tags</dt><dd class="tags">${event.tags.map((tag) => renderTag(tag))}</dd>` : nothing}
        ${event.links.length > 0
          ? html`<dt>Links</dt><dd><ul class="links">${event.links.map((link) => html`<li><a href=${link.url} rel="noopener noreferrer" target="_blank">${link.title || link.url}</a></li>`)}</ul></dd>`
          : nothing}
      </dl>
      ${event.abstract ? html`<p class="event-abstract">${event.abstract}</p>` : nothing}
      ${event.description ? html`<p class="event-description">${event.description}</p>` : nothing}
      <div class="actions">
        <button type="button" class=${favourite ? "" : "primary"} aria-pressed=${favourite ? "true" : "false"} @click=${() => this.#toggle(event)}>
          ${favourite ? "★ In my programme" : "☆ Add to my programme"}
        </button>
        <button type="button" @click=${() => this.renderRoot.querySelector("dialog")?.close()}>Close</button>
      </div>
    </dialog>`;
  }

  async #openDetails(event: ScheduledEvent): Promise<void> {
    this.details = event;
    await this.updateComplete;
    const dialog = this.renderRoot.querySelector("dialog");
    if (dialog && !dialog.open) dialog.showModal();
  }

  #toggle(event: ScheduledEvent): void {
    const { favourites, saved } = toggleFavourite(this.festivalId, event.id);
    this.favourites = favourites;
    this.note = saved ? "" : "this device's storage is full: the favourite was not kept";
  }

  #setFilter(change: Partial<ProgrammeFilter>): void {
    this.filter = { ...this.filter, ...change };
  }

  #choose(layout: Layout): void {
    this.layout = layout;
    this.#layoutChosen = true;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-attend": PfAttend;
  }
}
