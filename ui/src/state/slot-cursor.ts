// The keyboard's way to an empty slot of the programme grid: a cursor on one venue column and one time slot, moved
// by arrow keys (a quarter hour, a venue), Page keys (an hour) and Home/End (the day's first and last slot). Pure.
import { localDateTime } from "../../../engine/core/time.js";
import { SLOT_MINUTES, type ProgrammeDay } from "./programme-days.js";

export interface SlotCursor {
  /** index into the day's venue columns */
  column: number;
  /** slot from the top of the day's grid (0 = the grid's first row) */
  slot: number;
}

const SLOTS_PER_HOUR = 60 / SLOT_MINUTES;

/** The cursor kept inside the day's grid (a day with fewer venues or hours than the last one moves it in). */
export function clampSlotCursor(cursor: SlotCursor, day: ProgrammeDay): SlotCursor {
  const rows = day.lastSlot - day.firstSlot;
  return {
    column: Math.max(0, Math.min(day.columns.length - 1, cursor.column)),
    slot: Math.max(0, Math.min(rows - 1, cursor.slot)),
  };
}

/** Where a key moves the cursor, or undefined for a key the cursor does not take (Tab, letters). */
export function moveSlotCursor(cursor: SlotCursor, key: string, day: ProgrammeDay): SlotCursor | undefined {
  const rows = day.lastSlot - day.firstSlot;
  const moves: Record<string, SlotCursor> = {
    ArrowLeft: { ...cursor, column: cursor.column - 1 },
    ArrowRight: { ...cursor, column: cursor.column + 1 },
    ArrowUp: { ...cursor, slot: cursor.slot - 1 },
    ArrowDown: { ...cursor, slot: cursor.slot + 1 },
    PageUp: { ...cursor, slot: cursor.slot - SLOTS_PER_HOUR },
    PageDown: { ...cursor, slot: cursor.slot + SLOTS_PER_HOUR },
    Home: { ...cursor, slot: 0 },
    End: { ...cursor, slot: rows - 1 },
  };
  const moved = Object.hasOwn(moves, key) ? moves[key] : undefined;
  return moved ? clampSlotCursor(moved, day) : undefined;
}

/** When the cursor's slot begins (epoch ms). */
export function slotStartMs(cursor: SlotCursor, day: ProgrammeDay): number {
  return day.dayStartMs + (day.firstSlot + cursor.slot) * SLOT_MINUTES * 60_000;
}

/** The slot's start as the festival's clock reads it: "19:15". */
export function slotTimeText(cursor: SlotCursor, day: ProgrammeDay, timeZone: string): string {
  return localDateTime(slotStartMs(cursor, day), timeZone).time;
}

/** What the cursor says to a screen reader: "Add an event at Main Stage, 19:15". */
export function slotCursorLabel(cursor: SlotCursor, day: ProgrammeDay, timeZone: string): string {
  const column = day.columns[cursor.column];
  const venue = column === undefined ? "no venue" : column.missing ? "the missing venue" : column.name;
  return `Add an event at ${venue}, ${slotTimeText(cursor, day, timeZone)}`;
}
