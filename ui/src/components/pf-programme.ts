// The programme: one festival day at a time (day tabs), on wide screens a grid (venues across, time down, see
// programme-grid.ts), on phones a list. Cancelled and tentative events are marked as such, clashing events and events
// holding concurrent values are flagged; every event links to its form. An empty slot of the grid starts a new event
// there, and the event just saved is shown (its day, scrolled to and marked) with a short note (and Undo when it can be undone).
// A big day's cards show a chunk a frame, those in view first (card-chunks.ts, state/progressive-cards.ts).
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { FestivalModel, ScheduledEvent } from "../state/festival-model.js";
import { dayLabel, openingDay, programmeOf, type ProgrammeDay } from "../state/programme-layout.js";
import { attendeeHref } from "../state/entry-choice.js";
import { hasSavedNote, handOverNewEventSlot, takeSavedNote, type SavedNote } from "../state/programme-handoff.js";
import { festivalHash } from "../state/routes.js";
import { CardChunks } from "./card-chunks.js";
import { gridViewOf, programmeStyles, renderDayGrid, renderDayTabs, renderHostsAndTags } from "./programme-grid.js";
import { eventsNearestFirst } from "../state/grid-geometry.js";
import { sharedStyles } from "./shared-styles.js";
import { isTentative, type Confirmation } from "../../../engine/core/bookings/state.js";
import { clampSlotCursor, moveSlotCursor, slotCursorLabel, slotStartMs, slotTimeText, type SlotCursor } from "../state/slot-cursor.js";

type Layout = "grid" | "list";
const WIDE_QUERY = "(min-width: 760px)";

/** The event's hosts by name (people removed or unknown here are left out) and its tags, each in its colour. */
function hostsAndTags(event: ScheduledEvent, people: ReadonlyMap<string, { name: string }> | undefined) {
  const hosts = event.hostIds.map((id) => people?.get(id)?.name ?? "").filter((name) => name !== "");
  return renderHostsAndTags(hosts, event.tags);
}

/** "2/3 confirmed" for an event not every request of which is accepted (the engine's confirmationsOf). */
function confirmationBadge(confirmation: Confirmation | undefined) {
  if (!isTentative(confirmation) || confirmation === undefined) return nothing;
  return html` <span class="badge tentative" data-confirmation="${confirmation.accepted}/${confirmation.requested}" title="${confirmation.accepted} of ${confirmation.requested} bookings accepted: see Bookings">${confirmation.accepted}/${confirmation.requested} confirmed</span>`;
}

function statusBadges(event: ScheduledEvent, clashing: boolean, conflicted: boolean, confirmation?: Confirmation) {
  return html`${confirmationBadge(confirmation)}${conflicted
    ? html` <span class="badge conflict" data-conflict title="people set a field of this event differently at the same time: see Conflicts">two values</span>`
    : nothing}${event.status === "cancelled" ? html` <span class="badge cancelled">cancelled</span>` : nothing}${event.status === "tentative"
    ? html` <span class="badge tentative">tentative</span>`
    : nothing}${clashing ? html` <span class="badge clash" title="overlaps another event in this venue">clash</span>` : nothing}`;
}

@customElement("pf-programme")
export class PfProgramme extends LitElement {
  static override styles = [
    sharedStyles,
    programmeStyles,
    css`
      /* hidden while another screen shows, but kept laid out: coming back costs no style or layout work */
      :host([hidden]) {
        display: block;
        content-visibility: hidden;
        contain-intrinsic-size: 0 0;
      }
      .toolbar {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
        margin-bottom: 0.5rem;
      }
      .toolbar .spacer {
        flex: 1;
      }
      [aria-pressed="true"] {
        background: var(--pf-text);
        color: var(--pf-bg);
      }
      .exports {
        font-size: 0.9rem;
      }
      /* an empty slot is a place for a new event */
      .grid {
        cursor: cell;
      }
      .grid > :not(a) {
        cursor: default;
      }
      /* the event just saved, until its note is dismissed */
      [data-saved] {
        outline: 3px solid var(--pf-ok);
        outline-offset: 1px;
        z-index: 3;
      }
      .saved-note {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
      }
      section.day {
        margin-bottom: 1.5rem;
      }
      .badge.conflict {
        background: var(--pf-danger);
        color: var(--pf-bg);
      }
      .has-conflict {
        border-left-color: var(--pf-danger);
      }
      .clash {
        outline: 2px solid var(--pf-warn);
        outline-offset: -2px;
      }
      .list li a {
        display: grid;
        grid-template-columns: 6.5rem 1fr;
        gap: 0.1rem 0.6rem;
        padding: 0.55rem 0.6rem;
        border: 1px solid var(--pf-border);
        border-left: 4px solid var(--pf-accent);
        border-radius: var(--pf-radius);
        background: var(--pf-surface);
        color: var(--pf-text);
        text-decoration: none;
        margin-bottom: 0.4rem;
      }
      .list li a.tentative {
        border-left-color: var(--pf-tentative);
        border-left-style: dashed;
      }
      .list li a.cancelled {
        border-left-color: var(--pf-danger);
      }
      .list .time {
        grid-row: span 2;
      }
      .list .meta {
        grid-column: 2;
      }
    `,
  ];

  @property({ attribute: false }) accessor model: FestivalModel | undefined;
  @property() accessor festivalId = "";
  /** whether the programme is the screen shown; while not, it does not re-render (it catches up when shown) */
  @property({ type: Boolean }) accessor active = true;
  @property({ type: Number }) accessor version = 0;
  /** ids of the events with a field holding concurrent values (marked, and counted in the summary) */
  @property({ attribute: false }) accessor conflicted: ReadonlySet<string> = new Set();
  /** per event that asked for its venue or resources: how many requests are accepted (not fully: marked tentative) */
  @property({ attribute: false }) accessor confirmations: ReadonlyMap<string, Confirmation> = new Map();
  @state() accessor layout: Layout = window.matchMedia(WIDE_QUERY).matches ? "grid" : "list";
  @state() accessor layoutChosen = false;
  /** the day shown (a date); unset: the day running now during the festival, else the first */
  @state() accessor selectedDay: string | undefined;
  /** where the keyboard's cursor for a new event stands in the day's grid */
  @state() accessor slotCursor: SlotCursor = { column: 0, slot: 0 };
  /** the note about the event just saved (handed over by the form), shown until dismissed */
  @state() accessor savedNote: Omit<SavedNote, "festivalId"> | undefined;
  #scrollTo: string | undefined;
  #noteTimer: ReturnType<typeof setTimeout> | undefined;
  #media = window.matchMedia(WIDE_QUERY);
  /** a big day's cards, a chunk a frame */
  readonly #chunks = new CardChunks(this, () => this.active);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#media.addEventListener("change", this.#onMedia);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#media.removeEventListener("change", this.#onMedia);
  }

  readonly #onMedia = (): void => {
    if (!this.layoutChosen) this.layout = this.#media.matches ? "grid" : "list";
  };

  #rendered: { model: FestivalModel | undefined; version: number; festivalId: string } | undefined;

  protected override shouldUpdate(changed: Map<PropertyKey, unknown>): boolean {
    if (!this.active) return false;
    if (hasSavedNote(this.festivalId) || this.#chunks.cards.pending) return true;
    const rendered = this.#rendered;
    const onlyShown = changed.size === 1 && changed.has("active");
    return !(onlyShown && rendered && rendered.model === this.model && rendered.version === this.version && rendered.festivalId === this.festivalId);
  }

  protected override willUpdate(): void {
    const note = takeSavedNote(this.festivalId);
    if (note) this.#showNote(note);
  }

  protected override updated(): void {
    this.#rendered = { model: this.model, version: this.version, festivalId: this.festivalId };
    // kept until the event shows (an undone deletion brings it back a render later)
    if (this.#scrollTo !== undefined && this.scrollToEvent(this.#scrollTo)) this.#scrollTo = undefined;
  }

  /** The day's event ids, those the viewer sees first leading, and the event just saved before all (it is scrolled to). */
  #nearestFirst(day: ProgrammeDay): string[] {
    const ids = this.layout === "grid" ? eventsNearestFirst(day, gridViewOf(this.renderRoot)) : day.events.map((event) => event.id);
    const saved = this.savedNote?.eventId;
    return saved !== undefined && ids.includes(saved) ? [saved, ...ids.filter((id) => id !== saved)] : ids;
  }

  /** Scrolls the event into view (in whichever layout shows); false when it is not in the programme shown. */
  scrollToEvent(eventId: string): boolean {
    const target = this.renderRoot.querySelector<HTMLElement>(`[data-event-id="${CSS.escape(eventId)}"]`);
    target?.scrollIntoView({ block: "center", inline: "center" });
    return target !== null;
  }

  #showNote(note: SavedNote): void {
    clearTimeout(this.#noteTimer);
    this.savedNote = { eventId: note.eventId, words: note.words, undo: note.undo };
    this.#scrollTo = note.eventId;
    // the programme opens on the day of the event just saved
    const day = this.model?.events.get(note.eventId)?.day ?? "";
    if (day !== "") this.selectedDay = day;
    // a plain "saved" goes after a while; a note with Undo stays until dismissed (no time limit on undoing)
    if (!note.undo) this.#noteTimer = setTimeout(() => (this.savedNote = undefined), 8000);
  }

  #dismissNote(): void {
    this.savedNote = undefined;
    this.#scrollTo = undefined;
  }

  #undo(): void {
    const note = this.savedNote;
    if (!note?.undo) return;
    this.#showNote({ festivalId: this.festivalId, eventId: note.eventId, words: note.undo.run() });
  }

  /** A click on an empty slot of a day's grid: the new-event form, with that venue and start time filled in. */
  #startEventAt(click: MouseEvent, day: ProgrammeDay): void {
    const grid = click.currentTarget as HTMLElement;
    if (click.target !== grid) return; // an event, a venue heading, a time label or the now-line
    const heads = [...grid.querySelectorAll<HTMLElement>(".venue-head")];
    const column = heads.findIndex((head) => {
      const box = head.getBoundingClientRect();
      return click.clientX >= box.left && click.clientX < box.right;
    });
    if (column < 0 || column >= day.columns.length) return;
    const box = grid.getBoundingClientRect();
    const headHeight = heads[column].offsetHeight;
    const rows = day.lastSlot - day.firstSlot;
    const slot = Math.floor(((click.clientY - box.top - headHeight) / (box.height - headHeight)) * rows);
    if (slot < 0 || slot >= rows) return;
    this.#startEventInSlot({ column, slot }, day);
  }

  #startEventInSlot(cursor: SlotCursor, day: ProgrammeDay): void {
    handOverNewEventSlot({ festivalId: this.festivalId, venueId: day.columns[cursor.column].venueId, startMs: slotStartMs(cursor, day) });
    window.location.hash = festivalHash(this.festivalId, { screen: "event", id: "new" });
  }

  /** Arrow, Page and Home/End keys on the slot cursor move it (and scroll it into view) instead of the page. */
  #moveSlotCursor(key: KeyboardEvent, day: ProgrammeDay): void {
    const moved = moveSlotCursor(clampSlotCursor(this.slotCursor, day), key.key, day);
    if (!moved) return;
    key.preventDefault();
    this.slotCursor = moved;
    const button = key.currentTarget as HTMLElement;
    void this.updateComplete.then(() => button.scrollIntoView({ block: "nearest", inline: "nearest" }));
  }

  override render() {
    const model = this.model;
    if (!model) return nothing;
    const programme = programmeOf(model);
    const shownDate = this.selectedDay ?? openingDay(programme.days, Date.now());
    const day = programme.days.find((candidate) => candidate.date === shownDate) ?? programme.days[0];
    const venueCount = model.liveVenues().length;
    const id = this.festivalId;
    const shown = day ? this.#chunks.cards.shown(`${id}\u0000${day.date}\u0000${this.layout}`, day.events.length, () => this.#nearestFirst(day)) : null;
    return html`
      <div class="toolbar">
        <a class="button primary" href=${festivalHash(id, { screen: "event", id: "new" })}>Add event</a>
        <a class="button" href=${festivalHash(id, { screen: "venue", id: "new" })}>Add venue</a>
        <span class="spacer"></span>
        <span role="group" aria-label="Programme layout">
          <button type="button" aria-pressed=${this.layout === "grid" ? "true" : "false"} @click=${() => this.#choose("grid")}>Grid</button>
          <button type="button" aria-pressed=${this.layout === "list" ? "true" : "false"} @click=${() => this.#choose("list")}>List</button>
        </span>
      </div>
      <p class="muted" id="summary" role="status">
        ${model.events.size} event${model.events.size === 1 ? "" : "s"} in ${venueCount} venue${venueCount === 1 ? "" : "s"}${programme.clashing.size > 0
          ? html`, <strong>${programme.clashing.size} clashing</strong> (see <a href=${festivalHash(id, { screen: "conflicts" })}>Conflicts</a>)`
          : nothing}${this.conflicted.size > 0
          ? html`, <strong data-conflict-summary>${this.conflicted.size} with two values</strong> (choose one in <a href=${festivalHash(id, { screen: "conflicts" })}>Conflicts</a>)`
          : nothing}
      </p>
      ${this.savedNote
        ? html`<p class="notice ok saved-note" role="status" data-saved-note>
            <span>${this.savedNote.words}</span>
            ${this.savedNote.undo ? html`<button type="button" @click=${this.#undo}>${this.savedNote.undo.label}</button>` : nothing}
            <button type="button" @click=${this.#dismissNote}>Dismiss</button>
          </p>`
        : nothing}
      ${venueCount === 0 ? html`<p class="notice">Add a venue first; then events can be placed in it.</p>` : nothing}
      <p class="exports">
        For attendees: <a href=${attendeeHref(id)}>the programme to share</a> (read-only, no name asked) · their apps:
        <a href="festivals/${encodeURIComponent(id)}/schedule.xml">schedule.xml</a> ·
        <a href="festivals/${encodeURIComponent(id)}/schedule.json">schedule.json</a> ·
        <a href="festivals/${encodeURIComponent(id)}/calendar.ics">calendar (.ics)</a>
      </p>
      ${renderDayTabs(programme.days, day?.date ?? "", (date) => (this.selectedDay = date))}
      <div class="programme" id="day-panel" role=${programme.days.length > 1 ? "tabpanel" : nothing} aria-labelledby=${day && programme.days.length > 1 ? `tab-${day.date}` : nothing} data-layout=${this.layout} data-day-events=${day?.events.length ?? 0}>
        ${day ? (this.layout === "grid" ? this.#renderGridDay(day, programme.clashing, shown) : this.#renderListDay(day, programme.clashing, shown)) : nothing}
      </div>
      ${programme.unscheduled.length > 0
        ? html`<section class="day"><h3>Without a readable time</h3>
            <ul class="list">${programme.unscheduled.map((event) => this.#renderListItem(event, programme.clashing, model.venues.get(event.venueId)?.name ?? ""))}</ul>
          </section>`
        : nothing}
    `;
  }

  #choose(layout: Layout): void {
    this.layout = layout;
    this.layoutChosen = true;
  }

  /** The card's status class: a confirmed event not fully booked is drawn tentative. */
  #statusClass(event: ScheduledEvent): string {
    return event.status === "confirmed" && isTentative(this.confirmations.get(event.id)) ? "tentative" : event.status;
  }

  #eventHref(event: ScheduledEvent): string {
    return festivalHash(this.festivalId, { screen: "event", id: event.id });
  }

  #gridSlotCursor(day: ProgrammeDay) {
    const cursor = clampSlotCursor(this.slotCursor, day);
    const timeZone = this.model?.settings.timeZone ?? "UTC";
    return {
      ...cursor,
      label: slotCursorLabel(cursor, day, timeZone),
      time: slotTimeText(cursor, day, timeZone),
      onKeydown: (key: KeyboardEvent) => this.#moveSlotCursor(key, day),
      onActivate: () => this.#startEventInSlot(cursor, day),
    };
  }

  #renderGridDay(day: ProgrammeDay, clashing: ReadonlySet<string>, shown: ReadonlySet<string> | null) {
    return html`<section class="day" aria-labelledby="day-${day.date}">
      <h3 id="day-${day.date}" tabindex="-1">${dayLabel(day.date)}</h3>
      ${day.events.length === 0
        ? html`<p class="muted">Nothing planned.</p>`
        : renderDayGrid(
            day,
            (event, { style, fit, venueName }) => html`<a
              class="event ${this.#statusClass(event)} ${fit.compact ? "compact" : ""} ${fit.meta ? "" : "no-meta"} ${clashing.has(event.id) ? "clash" : ""} ${this.conflicted.has(event.id)
                ? "has-conflict"
                : ""}"
              href=${this.#eventHref(event)}
              data-event-id=${event.id}
              ?data-saved=${this.savedNote?.eventId === event.id}
              title=${event.title}
              style=${style}
              ><span class="time">${event.startTime}–${event.endTime}</span><span class="title"
                ><span class="title-text">${event.title}</span>${statusBadges(event, clashing.has(event.id), this.conflicted.has(event.id), this.confirmations.get(event.id))}</span
              ><span class="visually-hidden"> at ${venueName}</span>${hostsAndTags(event, this.model?.people)}</a
            >`,
            { nowMs: Date.now(), shown, onGridClick: (click) => this.#startEventAt(click, day), slotCursor: this.#gridSlotCursor(day) },
          )}
    </section>`;
  }

  #renderListDay(day: ProgrammeDay, clashing: ReadonlySet<string>, shown: ReadonlySet<string> | null) {
    const venues = this.model?.venues;
    return html`<section class="day" aria-labelledby="day-${day.date}">
      <h3 id="day-${day.date}" tabindex="-1">${dayLabel(day.date)}</h3>
      ${day.events.length === 0
        ? html`<p class="muted">Nothing planned.</p>`
        : html`<ol class="list">
            ${(shown ? day.events.filter((event) => shown.has(event.id)) : day.events).map((event) => {
              const venue = venues?.get(event.venueId);
              return this.#renderListItem(event, clashing, venue ? `${venue.name}${venue.removed ? " (removed)" : ""}` : "(missing venue)");
            })}
          </ol>`}
    </section>`;
  }

  #renderListItem(event: ScheduledEvent, clashing: ReadonlySet<string>, venueName: string) {
    return html`<li>
      <a
        class="${this.#statusClass(event)} ${clashing.has(event.id) ? "clash" : ""} ${this.conflicted.has(event.id) ? "has-conflict" : ""}"
        href=${this.#eventHref(event)}
        data-event-id=${event.id}
        ?data-saved=${this.savedNote?.eventId === event.id}
      >
        <span class="time">${event.startTime}–${event.endTime}</span>
        <span class="title"><span class="title-text">${event.title}</span>${statusBadges(event, clashing.has(event.id), this.conflicted.has(event.id), this.confirmations.get(event.id))}</span>
        <span class="venue">${venueName}</span>
        ${hostsAndTags(event, this.model?.people)}
      </a>
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-programme": PfProgramme;
  }
}
