// Where things sit in a festival day's grid (the programme's rows and columns, in rem), and which event cards are
// nearest the part of the grid in view. Pure: the grid's styles (components/programme-grid.ts) share these sizes.
import { SLOT_MINUTES, type ProgrammeDay } from "./programme-days.js";
import type { ScheduledEvent } from "./scheduled-event.js";

/** Height of one 15-minute row, in rem (the grid's styles and the clamping of titles share it). */
export const ROW_REM = 1.1;
/** Width of the time column, and the least width of a venue column, in rem. */
export const TIME_COLUMN_REM = 3.5;
export const MIN_COLUMN_REM = 10;

/** The grid line where the day's `slot` begins (row 1 holds the venues), kept within the day. */
export function gridRow(day: ProgrammeDay, slot: number): number {
  return Math.min(day.lastSlot - day.firstSlot, Math.max(0, slot - day.firstSlot)) + 2;
}

/** The grid lines a card runs between: its start slot to its end, at least one row. */
export function cardRows(day: ProgrammeDay, event: ScheduledEvent): { start: number; end: number } {
  const row = (slot: number) => gridRow(day, slot);
  const start = row(Math.floor((event.startMs - day.dayStartMs) / 60_000 / SLOT_MINUTES));
  const endMs = Number.isFinite(event.endMs) && event.endMs > event.startMs ? event.endMs : event.startMs + SLOT_MINUTES * 60_000;
  return { start, end: Math.max(start + 1, row(Math.ceil((endMs - day.dayStartMs) / 60_000 / SLOT_MINUTES))) };
}

/** The part of a day's grid in view: its scroll box's offset and size (px), and the size of a rem (px). */
export interface GridView {
  left: number;
  top: number;
  width: number;
  height: number;
  remPx: number;
}

/** The ids of the day's events, those whose cards are in `view` first, then the others by how far from it they are. */
export function eventsNearestFirst(day: ProgrammeDay, view: GridView): string[] {
  const timePx = TIME_COLUMN_REM * view.remPx;
  const columnPx = Math.max(MIN_COLUMN_REM * view.remPx, (view.width - timePx) / Math.max(1, day.columns.length));
  const rowPx = ROW_REM * view.remPx;
  const gap = (from: number, to: number, viewFrom: number, viewSize: number) => Math.max(0, from - (viewFrom + viewSize), viewFrom - to);
  const placed: Array<{ id: string; distance: number }> = [];
  day.columns.forEach((column, index) => {
    const left = timePx + index * columnPx;
    const across = gap(left, left + columnPx, view.left, view.width);
    for (const event of column.events) {
      const { start, end } = cardRows(day, event);
      placed.push({ id: event.id, distance: across + gap((start - 2) * rowPx, (end - 2) * rowPx, view.top, view.height) });
    }
  });
  return placed.sort((a, b) => a.distance - b.distance).map((card) => card.id);
}

