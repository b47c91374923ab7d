// The programme's shared rendering, for the organiser's programme and the attendee view alike: day tabs, one day's
// grid (sticky venue headers and time column, lanes for overlaps, the now-line, titles clamped to whole lines), and
// the styles of grid, list, badges and tag chips. Each screen supplies what an event card holds and links to.
import { css, html, nothing, type TemplateResult } from "lit";
import { cardRows, gridRow, MIN_COLUMN_REM, ROW_REM, TIME_COLUMN_REM, type GridView } from "../state/grid-geometry.js";
import { assignLanes, dayLabel, nowSlot, type ProgrammeDay } from "../state/programme-days.js";
import type { ScheduledEvent } from "../state/scheduled-event.js";
import { tagHue } from "../state/tag-colours.js";

/** A card's lines, in rem, as the styles below set them: time 0.75rem × 1.2, title 0.85rem × 1.2, a row of chips. */
const TIME_LINE_REM = 0.9;
const TITLE_LINE_REM = 1.02;
const META_LINE_REM = 1;
/** A compact card's line (0.75rem × 1.1), and its vertical margin (no padding) */
const COMPACT_LINE_REM = 0.825;
const COMPACT_CHROME_REM = 0.125;
/** a card's vertical padding and margin */
const CARD_CHROME_REM = 0.425;

/** How an event card fits its slot: short cards show their title alone, small; taller ones the time and title. */
export interface CardFit {
  compact: boolean;
  /** whole lines the title may take */
  titleLines: number;
  /** hosts and tags fit below the title */
  meta: boolean;
}

/** What of an event fits a card `rows` slots high, in whole lines. */
export function cardFit(rows: number): CardFit {
  if (rows <= 2) return { compact: true, titleLines: Math.max(1, Math.floor((rows * ROW_REM - COMPACT_CHROME_REM) / COMPACT_LINE_REM)), meta: false };
  const titleSpace = rows * ROW_REM - CARD_CHROME_REM - TIME_LINE_REM;
  if (titleSpace >= 2 * TITLE_LINE_REM + META_LINE_REM) {
    return { compact: false, titleLines: Math.min(3, Math.floor((titleSpace - META_LINE_REM) / TITLE_LINE_REM)), meta: true };
  }
  return { compact: false, titleLines: Math.max(1, Math.floor(titleSpace / TITLE_LINE_REM)), meta: false };
}

/** Day tabs: one button per festival day, the shown one selected; nothing for a one-day programme. */
export function renderDayTabs(days: readonly ProgrammeDay[], selected: string, choose: (date: string) => void, counts?: ReadonlyMap<string, number>) {
  if (days.length < 2) return nothing;
  const onKey = (event: KeyboardEvent) => {
    const index = days.findIndex((day) => day.date === selected);
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (step === 0 || index === -1) return;
    event.preventDefault();
    const next = days[(index + step + days.length) % days.length];
    choose(next.date);
    const tabs = (event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('[role="tab"]');
    tabs[(index + step + days.length) % days.length]?.focus();
  };
  return html`<div class="day-tabs" role="tablist" aria-label="Days" @keydown=${onKey}>
    ${days.map((day) => {
      const count = counts?.get(day.date);
      return html`<button
        type="button"
        role="tab"
        id="tab-${day.date}"
        data-date=${day.date}
        aria-selected=${day.date === selected ? "true" : "false"}
        aria-controls="day-panel"
        tabindex=${day.date === selected ? 0 : -1}
        @click=${() => choose(day.date)}
      >
        ${dayLabel(day.date, "short")}${count !== undefined ? html` <span class="count">(${count})</span>` : nothing}
      </button>`;
    })}
  </div>`;
}

/** What a screen puts in the grid for one event, given its place (inline style) and how it fits. */
export type GridCard = (event: ScheduledEvent, place: { style: string; fit: CardFit; venueName: string }) => TemplateResult;

/** The keyboard's cursor on an empty slot (organisers only): where it is, what it says, and what keys do. */
export interface GridSlotCursor {
  column: number;
  slot: number;
  /** what a screen reader hears, and the time shown on the cursor */
  label: string;
  time: string;
  onKeydown: (key: KeyboardEvent) => void;
  onActivate: () => void;
}

/** What the day grid under `root` shows now (the window's size when no grid shows yet). */
export function gridViewOf(root: ParentNode): GridView {
  const box = root.querySelector<HTMLElement>(".grid-scroll");
  const remPx = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  if (!box) return { left: 0, top: 0, width: window.innerWidth, height: window.innerHeight, remPx };
  return { left: box.scrollLeft, top: box.scrollTop, width: box.clientWidth, height: box.clientHeight, remPx };
}

/**
 * One festival day as a grid, venues across and time down, inside its own scroll box so the venue headers and the
 * time column stay in view. `nowMs` draws the now-line when it falls in the day; `shown` names the events whose cards
 * show (default: all of the day's).
 */
export function renderDayGrid(
  day: ProgrammeDay,
  card: GridCard,
  options: { nowMs?: number; shown?: ReadonlySet<string> | null; onGridClick?: (click: MouseEvent) => void; slotCursor?: GridSlotCursor } = {},
) {
  const rows = day.lastSlot - day.firstSlot;
  const row = (slot: number) => gridRow(day, slot);
  const now = options.nowMs === undefined ? undefined : nowSlot(day, options.nowMs);
  return html`<div class="grid-scroll" tabindex="0" role="region" aria-label="Programme of ${dayLabel(day.date)}">
    <div class="grid" style="--columns: ${day.columns.length}; --rows: ${rows}" @click=${options.onGridClick ?? nothing}>
      <div class="corner" style="grid-column: 1; grid-row: 1"></div>
      ${options.slotCursor ? renderSlotCursor(options.slotCursor, row(day.firstSlot + options.slotCursor.slot), day.date) : nothing}
      ${day.columns.map(
        (column, index) => html`<div class="venue-head ${column.missing || column.removed ? "problem" : ""}" style="grid-column: ${index + 2}; grid-row: 1">
          ${column.missing ? "(missing venue)" : column.name}${column.removed ? " (removed)" : ""}
        </div>`,
      )}
      ${day.labels.map(
        (label) => html`<div class="time-label" style="grid-row: ${row(label.slot)} / span 4">${label.text}</div>
          <div class="hour-line" style="grid-row: ${row(label.slot)}"></div>`,
      )}
      ${now === undefined
        ? nothing
        : html`<div class="now-line" data-now style="grid-row: ${Math.floor(now) + 2}; margin-top: ${((now % 1) * ROW_REM).toFixed(3)}rem" aria-hidden="true">
            <span>now</span>
          </div>`}
      ${day.columns.map((column, index) => {
        const lanes = assignLanes(column.events);
        const venueName = column.missing ? "missing venue" : column.name;
        return column.events.map((event) => {
          if (options.shown && !options.shown.has(event.id)) return nothing;
          const { start, end } = cardRows(day, event);
          const lane = lanes.get(event.id) ?? { lane: 0, lanes: 1 };
          const width = 100 / lane.lanes;
          const fit = cardFit(end - start);
          const style = `grid-column: ${index + 2}; grid-row: ${start} / ${end}; margin-left: calc(${lane.lane * width}% + 2px); width: calc(${width}% - 4px); --title-lines: ${fit.titleLines}`;
          return card(event, { style, fit, venueName });
        });
      })}
    </div>
  </div>`;
}

/** One tab stop per day for adding an event by keyboard: arrow keys move it over the slots, Enter starts the event. */
function renderSlotCursor(cursor: GridSlotCursor, gridRow: number, date: string) {
  return html`<button
      type="button"
      class="slot-cursor"
      style="grid-column: ${cursor.column + 2}; grid-row: ${gridRow}"
      aria-label=${cursor.label}
      aria-describedby="slot-help-${date}"
      @keydown=${cursor.onKeydown}
      @click=${(click: MouseEvent) => {
        click.stopPropagation();
        cursor.onActivate();
      }}
    >
      + ${cursor.time}</button
    ><span class="visually-hidden" id="slot-help-${date}">Arrow keys choose the venue and the quarter hour, Page Up and Page Down an hour; Enter adds an event there.</span>`;
}

/** The event's hosts by name and its tags, each in its colour. */
export function renderHostsAndTags(hosts: readonly string[], tags: readonly string[]) {
  if (hosts.length === 0 && tags.length === 0) return nothing;
  return html`<span class="meta">${hosts.length > 0 ? html`<span class="hosts">with ${hosts.join(", ")}</span>` : nothing}${tags.length > 0
    ? html`<span class="tags">${tags.map((tag) => renderTag(tag))}</span>`
    : nothing}</span>`;
}

export function renderTag(tag: string) {
  return html`<span class="tag" data-tag=${tag} style="--tag-hue: ${tagHue(tag)}">${tag}</span>`;
}

/** Cancelled and tentative, as badges (confirmed needs none). */
export function renderStatus(event: ScheduledEvent) {
  return html`${event.status === "cancelled" ? html` <span class="badge cancelled">cancelled</span>` : nothing}${event.status === "tentative"
    ? html` <span class="badge tentative">tentative</span>`
    : nothing}`;
}

export const programmeStyles = css`
  .day-tabs {
    display: flex;
    gap: 0.25rem;
    margin: 0.5rem 0;
    overflow-x: auto;
    max-width: 100%;
    padding-bottom: 2px;
  }
  .day-tabs [role="tab"] {
    flex: none;
    white-space: nowrap;
    border-bottom-width: 3px;
  }
  .day-tabs [role="tab"][aria-selected="true"] {
    border-color: var(--pf-accent);
    background: color-mix(in srgb, var(--pf-accent) 14%, var(--pf-surface));
    font-weight: 600;
  }
  .day-tabs .count {
    color: var(--pf-muted);
    font-weight: normal;
  }
  .grid-scroll {
    overflow: auto;
    /* scrolls inside itself, so the venue headers (top) and the time column (left) stay in view */
    max-height: max(20rem, calc(100dvh - 10rem));
    border: 1px solid var(--pf-border);
    border-radius: var(--pf-radius);
    background: var(--pf-surface);
    overscroll-behavior: contain;
  }
  .grid {
    display: grid;
    grid-template-columns: ${TIME_COLUMN_REM}rem repeat(var(--columns), minmax(${MIN_COLUMN_REM}rem, 1fr));
    grid-template-rows: auto repeat(var(--rows), ${ROW_REM}rem);
    position: relative;
    /* a definite width: the tracks are sized without measuring 2,000 events' contents */
    width: max(100%, calc(${TIME_COLUMN_REM}rem + var(--columns) * ${MIN_COLUMN_REM}rem));
  }
  /* the keyboard's cursor on empty slots: out of sight until it has focus */
  .slot-cursor {
    z-index: 3;
    margin: 0 2px;
    padding: 0 0.4rem;
    min-height: 0;
    font-size: 0.8rem;
    text-align: left;
    border: 2px dashed var(--pf-accent);
    border-radius: var(--pf-radius);
    background: var(--pf-surface);
    color: var(--pf-text);
    opacity: 0;
    pointer-events: none;
  }
  .slot-cursor:focus {
    opacity: 1;
    outline: 3px solid var(--pf-accent);
    outline-offset: 1px;
  }
  .corner,
  .venue-head {
    position: sticky;
    top: 0;
    z-index: 4;
    background: var(--pf-surface);
    border-bottom: 1px solid var(--pf-border);
  }
  .corner {
    left: 0;
    z-index: 5;
  }
  .venue-head {
    padding: 0.35rem 0.5rem;
    font-weight: 600;
    border-left: 1px solid var(--pf-border);
    overflow-wrap: anywhere;
  }
  .venue-head.problem {
    color: var(--pf-danger);
  }
  .time-label {
    grid-column: 1;
    position: sticky;
    left: 0;
    z-index: 3;
    background: var(--pf-surface);
    font-size: 0.75rem;
    color: var(--pf-muted);
    padding: 0 0.3rem;
    border-top: 1px solid var(--pf-border);
    border-right: 1px solid var(--pf-border);
  }
  .hour-line {
    grid-column: 2 / -1;
    border-top: 1px dashed var(--pf-border);
    pointer-events: none;
  }
  .now-line {
    grid-column: 2 / -1;
    align-self: start;
    height: 0;
    border-top: 2px solid var(--pf-danger);
    z-index: 2;
    pointer-events: none;
    position: relative;
  }
  .now-line span {
    position: absolute;
    top: -0.6rem;
    left: 0;
    font-size: 0.65rem;
    line-height: 1;
    padding: 0.05rem 0.25rem;
    border-radius: 3px;
    background: var(--pf-danger);
    color: var(--pf-bg);
  }
  .event {
    position: relative;
    z-index: 1;
    /* a column from the top: a button would centre its content */
    display: flex;
    flex-direction: column;
    justify-content: flex-start;
    align-items: stretch;
    margin: 1px 2px;
    padding: 0.15rem 0.35rem;
    border-radius: 4px;
    border: none;
    border-left: 4px solid var(--pf-accent);
    background: color-mix(in srgb, var(--pf-accent) 12%, var(--pf-surface));
    color: var(--pf-text);
    text-decoration: none;
    text-align: left;
    overflow: hidden;
    font: inherit;
    font-size: 0.85rem;
    line-height: 1.2;
    min-height: 0;
    cursor: pointer;
  }
  .event.compact {
    padding: 0 0.3rem;
    font-size: 0.75rem;
    line-height: 1.1;
  }
  .event.compact .time,
  .event.compact .meta,
  .event.no-meta .meta {
    display: none;
  }
  /* whole lines only: a long title ends with an ellipsis, never half a line */
  .event .title {
    display: -webkit-box;
    -webkit-box-orient: vertical;
    -webkit-line-clamp: var(--title-lines, 3);
    overflow: hidden;
  }
  .event:hover,
  .event:focus-visible {
    z-index: 6;
    overflow: visible;
    min-height: min-content;
    height: auto;
    box-shadow: 0 2px 6px rgb(0 0 0 / 0.25);
  }
  .event:hover .title,
  .event:focus-visible .title {
    -webkit-line-clamp: unset;
  }
  .event:hover .time,
  .event:focus-visible .time,
  .event:hover .meta,
  .event:focus-visible .meta {
    display: block;
  }
  .event .title,
  .list .title {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .event .time {
    display: block;
    color: var(--pf-muted);
    font-size: 0.75rem;
    white-space: nowrap;
    overflow: hidden;
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
  .cancelled .title-text {
    text-decoration: line-through;
  }
  .list {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  .list .time {
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
    color: var(--pf-muted);
  }
  .list .venue {
    color: var(--pf-muted);
    font-size: 0.9rem;
  }
  .meta {
    display: block;
  }
  .hosts {
    font-size: 0.75rem;
    color: var(--pf-muted);
    overflow-wrap: anywhere;
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
`;
