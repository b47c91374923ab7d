// The programme: on wide screens a grid per festival day (venues across, time down), on phones a list.
// Cancelled and tentative events are marked as such, clashing events and events holding concurrent values are
// flagged; every event links to its form. An empty slot of the grid starts a new event there, and the event just saved
// is scrolled to and marked, with a short note (and Undo when the change can be undone).
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { FestivalModel, ScheduledEvent } from "../state/festival-model.js";
import { hasSavedNote, handOverNewEventSlot, takeSavedNote, type SavedNote } from "../state/programme-handoff.js";
import { assignLanes, programmeOf, SLOT_MINUTES, type ProgrammeDay } from "../state/programme-layout.js";
import { festivalHash } from "../state/routes.js";
import { tagHue } from "../state/tag-colours.js";
import { sharedStyles } from "./shared-styles.js";

type Layout = "grid" | "list";
const WIDE_QUERY = "(min-width: 760px)";

function dayLabel(date: string): string {
  const instant = Date.parse(`${date}T12:00:00Z`);
  if (Number.isNaN(instant)) return date;
  return new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(instant);
}

/** The event's hosts by name (people removed or unknown here are left out) and its tags, each in its colour. */
function hostsAndTags(event: ScheduledEvent, people: ReadonlyMap<string, { name: string }> | undefined) {
  const hosts = event.hostIds.map((id) => people?.get(id)?.name ?? "").filter((name) => name !== "");
  if (hosts.length === 0 && event.tags.length === 0) return nothing;
  return html`<span class="meta">${hosts.length > 0 ? html`<span class="hosts">with ${hosts.join(", ")}</span>` : nothing}${event.tags.length > 0
    ? html`<span class="tags">${event.tags.map((tag) => html`<span class="tag" data-tag=${tag} style="--tag-hue: ${tagHue(tag)}">${tag}</span>`)}</span>`
    : nothing}</span>`;
}

function statusBadges(event: ScheduledEvent, clashing: boolean, conflicted: boolean) {
  return html`${conflicted
    ? html` <span class="badge conflict" data-conflict title="people set a field of this event differently at the same time: see Conflicts">two values</span>`
    : nothing}${event.status === "cancelled" ? html` <span class="badge cancelled">cancelled</span>` : nothing}${event.status === "tentative"
    ? html` <span class="badge tentative">tentative</span>`
    : nothing}${clashing ? html` <span class="badge clash" title="overlaps another event in this venue">clash</span>` : nothing}`;
}

@customElement("pf-programme")
export class PfProgramme extends LitElement {
  static override styles = [
    sharedStyles,
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
      .days-nav {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.75rem;
        margin: 0.5rem 0;
        font-size: 0.95rem;
      }
      section.day {
        margin-bottom: 1.5rem;
        /* days off screen are neither laid out nor painted until scrolled to: big programmes open fast */
        content-visibility: auto;
        contain-intrinsic-size: auto 40rem;
      }
      .grid-scroll {
        overflow-x: auto;
        border: 1px solid var(--pf-border);
        border-radius: var(--pf-radius);
        background: var(--pf-surface);
      }
      .grid {
        display: grid;
        grid-template-columns: 3.5rem repeat(var(--columns), minmax(10rem, 1fr));
        grid-template-rows: auto repeat(var(--rows), 0.95rem);
        position: relative;
        /* a definite width: the tracks are sized without measuring 2,000 events' contents */
        width: max(100%, calc(3.5rem + var(--columns) * 10rem));
      }
      .venue-head {
        position: sticky;
        top: 0;
        z-index: 2;
        padding: 0.35rem 0.5rem;
        font-weight: 600;
        border-bottom: 1px solid var(--pf-border);
        border-left: 1px solid var(--pf-border);
        background: var(--pf-surface);
        overflow-wrap: anywhere;
      }
      .venue-head.problem {
        color: var(--pf-danger);
      }
      .time-label {
        grid-column: 1;
        font-size: 0.75rem;
        color: var(--pf-muted);
        padding: 0 0.3rem;
        border-top: 1px solid var(--pf-border);
      }
      .hour-line {
        grid-column: 2 / -1;
        border-top: 1px dashed var(--pf-border);
        pointer-events: none;
      }
      a.event {
        position: relative;
        z-index: 1;
        display: block;
        margin: 1px 2px;
        padding: 0.15rem 0.35rem;
        border-radius: 4px;
        border-left: 4px solid var(--pf-accent);
        background: color-mix(in srgb, var(--pf-accent) 12%, var(--pf-surface));
        color: var(--pf-text);
        text-decoration: none;
        overflow: hidden;
        font-size: 0.85rem;
        line-height: 1.2;
        min-height: 0;
      }
      a.event:hover,
      a.event:focus-visible {
        z-index: 3;
        overflow: visible;
        min-height: min-content;
        box-shadow: 0 2px 6px rgb(0 0 0 / 0.25);
      }
      a.event .title,
      .list .title {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      a.event .time {
        display: block;
        color: var(--pf-muted);
        font-size: 0.75rem;
      }
      .tentative {
        border-left-style: dashed;
        border-left-color: var(--pf-tentative);
        background: color-mix(in srgb, var(--pf-tentative) 10%, var(--pf-surface));
      }
      .cancelled {
        border-left-color: var(--pf-danger);
        background: var(--pf-surface);
      }
      .cancelled .title {
        text-decoration: line-through;
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
      .list {
        list-style: none;
        padding: 0;
        margin: 0;
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
        font-variant-numeric: tabular-nums;
        color: var(--pf-muted);
      }
      .list .venue {
        color: var(--pf-muted);
        font-size: 0.9rem;
      }
      .meta {
        display: block;
      }
      .list .meta {
        grid-column: 2;
      }
      .hosts {
        font-size: 0.75rem;
        color: var(--pf-muted);
        overflow-wrap: anywhere;
      }
      /* hosts and tags share one line, so a one-hour slot shows them */
      .hosts {
        margin-right: 0.3rem;
      }
      .tags {
        display: inline-flex;
        flex-wrap: wrap;
        gap: 0.2rem;
        vertical-align: baseline;
      }
      /* a light chip with dark text in the tag's hue: readable (well over 4.5:1) in light and dark mode alike */
      .tag {
        font-size: 0.7rem;
        line-height: 1.3;
        padding: 0 0.3rem;
        border-radius: 999px;
        background: hsl(var(--tag-hue) 70% 90%);
        color: hsl(var(--tag-hue) 70% 20%);
        border: 1px solid hsl(var(--tag-hue) 50% 70%);
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
  @state() accessor layout: Layout = window.matchMedia(WIDE_QUERY).matches ? "grid" : "list";
  @state() accessor layoutChosen = false;
  /** the note about the event just saved (handed over by the form), shown until dismissed */
  @state() accessor savedNote: Omit<SavedNote, "festivalId"> | undefined;
  #scrollTo: string | undefined;
  #noteTimer: ReturnType<typeof setTimeout> | undefined;
  #media = window.matchMedia(WIDE_QUERY);

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
    const rendered = this.#rendered;
    if (hasSavedNote(this.festivalId)) return true;
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

  /** Scrolls the event into view (in whichever layout shows); false when it is not in the programme. */
  scrollToEvent(eventId: string): boolean {
    const target = this.renderRoot.querySelector<HTMLElement>(`[data-event-id="${CSS.escape(eventId)}"]`);
    target?.scrollIntoView({ block: "center", inline: "center" });
    return target !== null;
  }

  #showNote(note: SavedNote): void {
    clearTimeout(this.#noteTimer);
    this.savedNote = { eventId: note.eventId, words: note.words, undo: note.undo };
    this.#scrollTo = note.eventId;
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
    if (click.target !== grid) return; // an event, a venue heading or a time label
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
    const startMs = day.dayStartMs + (day.firstSlot + slot) * SLOT_MINUTES * 60_000;
    handOverNewEventSlot({ festivalId: this.festivalId, venueId: day.columns[column].venueId, startMs });
    window.location.hash = festivalHash(this.festivalId, { screen: "event", id: "new" });
  }

  override render() {
    const model = this.model;
    if (!model) return nothing;
    const programme = programmeOf(model);
    const venueCount = model.liveVenues().length;
    const id = this.festivalId;
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
      ${this.savedNote
        ? html`<p class="notice ok saved-note" role="status" data-saved-note>
            <span>${this.savedNote.words}</span>
            ${this.savedNote.undo ? html`<button type="button" @click=${this.#undo}>${this.savedNote.undo.label}</button>` : nothing}
            <button type="button" @click=${this.#dismissNote}>Dismiss</button>
          </p>`
        : nothing}
      <p class="muted" id="summary" role="status">
        ${model.events.size} event${model.events.size === 1 ? "" : "s"} in ${venueCount} venue${venueCount === 1 ? "" : "s"}${programme.clashing.size > 0
          ? html`, <strong>${programme.clashing.size} clashing</strong> (see <a href=${festivalHash(id, { screen: "conflicts" })}>Conflicts</a>)`
          : nothing}${this.conflicted.size > 0
          ? html`, <strong data-conflict-summary>${this.conflicted.size} with two values</strong> (choose one in <a href=${festivalHash(id, { screen: "conflicts" })}>Conflicts</a>)`
          : nothing}
      </p>
      ${venueCount === 0 ? html`<p class="notice">Add a venue first; then events can be placed in it.</p>` : nothing}
      <p class="exports">
        For attendees' apps:
        <a href="festivals/${encodeURIComponent(id)}/schedule.xml">schedule.xml</a> ·
        <a href="festivals/${encodeURIComponent(id)}/schedule.json">schedule.json</a> ·
        <a href="festivals/${encodeURIComponent(id)}/calendar.ics">calendar (.ics)</a>
      </p>
      ${programme.days.length > 1
        ? html`<nav class="days-nav" aria-label="Days">
            ${programme.days.map((day) => html`<a href="#/f/${id}/programme" @click=${(event: Event) => this.#jump(event, day.date)}>${dayLabel(day.date)}</a>`)}
          </nav>`
        : nothing}
      <div class="programme" data-layout=${this.layout}>
        ${programme.days.map((day) => (this.layout === "grid" ? this.#renderGridDay(day, programme.clashing) : this.#renderListDay(day, programme.clashing)))}
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

  #jump(event: Event, date: string): void {
    event.preventDefault();
    const target = this.renderRoot.querySelector<HTMLElement>(`#day-${date}`);
    target?.scrollIntoView({ block: "start" });
    target?.focus();
  }

  #eventHref(event: ScheduledEvent): string {
    return festivalHash(this.festivalId, { screen: "event", id: event.id });
  }

  #renderGridDay(day: ProgrammeDay, clashing: ReadonlySet<string>) {
    const rows = day.lastSlot - day.firstSlot;
    const row = (slot: number) => Math.min(rows, Math.max(0, slot - day.firstSlot)) + 2;
    const slotOf = (ms: number) => Math.floor((ms - day.dayStartMs) / 60_000 / 15);
    return html`<section class="day" aria-labelledby="day-${day.date}">
      <h3 id="day-${day.date}" tabindex="-1">${dayLabel(day.date)}</h3>
      ${day.events.length === 0
        ? html`<p class="muted">Nothing planned.</p>`
        : html`<div class="grid-scroll">
            <div class="grid" style="--columns: ${day.columns.length}; --rows: ${rows}" @click=${(click: MouseEvent) => this.#startEventAt(click, day)}>
              ${day.columns.map(
                (column, index) => html`<div
                  class="venue-head ${column.missing || column.removed ? "problem" : ""}"
                  style="grid-column: ${index + 2}; grid-row: 1"
                >
                  ${column.missing ? "(missing venue)" : column.name}${column.removed ? " (removed)" : ""}
                </div>`,
              )}
              ${day.labels.map(
                (label) => html`<div class="time-label" style="grid-row: ${row(label.slot)} / span 4">${label.text}</div>
                  <div class="hour-line" style="grid-row: ${row(label.slot)}"></div>`,
              )}
              ${day.columns.map((column, index) => {
                const lanes = assignLanes(column.events);
                const venueName = column.missing ? "missing venue" : column.name;
                return column.events.map((event) => {
                  const start = row(slotOf(event.startMs));
                  const endMs = Number.isFinite(event.endMs) && event.endMs > event.startMs ? event.endMs : event.startMs + 15 * 60_000;
                  const end = Math.max(start + 1, row(Math.ceil((endMs - day.dayStartMs) / 60_000 / 15)));
                  const lane = lanes.get(event.id) ?? { lane: 0, lanes: 1 };
                  const width = 100 / lane.lanes;
                  return html`<a
                    class="event ${event.status} ${clashing.has(event.id) ? "clash" : ""} ${this.conflicted.has(event.id) ? "has-conflict" : ""}"
                    href=${this.#eventHref(event)}
                    data-event-id=${event.id}
                    ?data-saved=${this.savedNote?.eventId === event.id}
                    style="grid-column: ${index + 2}; grid-row: ${start} / ${end}; margin-left: calc(${lane.lane * width}% + 2px); width: calc(${width}% - 4px)"
                    ><span class="time">${event.startTime}–${event.endTime}</span><span class="title title-text">${event.title}</span><span class="visually-hidden">
                      at ${venueName}</span
                    >${statusBadges(event, clashing.has(event.id), this.conflicted.has(event.id))}${hostsAndTags(event, this.model?.people)}</a
                  >`;
                });
              })}
            </div>
          </div>`}
    </section>`;
  }

  #renderListDay(day: ProgrammeDay, clashing: ReadonlySet<string>) {
    const venues = this.model?.venues;
    return html`<section class="day" aria-labelledby="day-${day.date}">
      <h3 id="day-${day.date}" tabindex="-1">${dayLabel(day.date)}</h3>
      ${day.events.length === 0
        ? html`<p class="muted">Nothing planned.</p>`
        : html`<ol class="list">
            ${day.events.map((event) => {
              const venue = venues?.get(event.venueId);
              return this.#renderListItem(event, clashing, venue ? `${venue.name}${venue.removed ? " (removed)" : ""}` : "(missing venue)");
            })}
          </ol>`}
    </section>`;
  }

  #renderListItem(event: ScheduledEvent, clashing: ReadonlySet<string>, venueName: string) {
    return html`<li>
      <a
        class="${event.status} ${clashing.has(event.id) ? "clash" : ""} ${this.conflicted.has(event.id) ? "has-conflict" : ""}"
        href=${this.#eventHref(event)}
        data-event-id=${event.id}
        ?data-saved=${this.savedNote?.eventId === event.id}
      >
        <span class="time">${event.startTime}–${event.endTime}</span>
        <span class="title"><span class="title-text">${event.title}</span>${statusBadges(event, clashing.has(event.id), this.conflicted.has(event.id))}</span>
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
