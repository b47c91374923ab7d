// What a screen hands to the next one when it moves there: the event just saved (the programme scrolls to it, marks
// it and says so, with an optional Undo) and the empty slot clicked in the programme (the new-event form starts there).
// Kept in memory for one festival and taken once, so a reload or a shared link never replays it.

/** A short note for the programme about one event, with what undoes the change when that is possible. */
export interface SavedNote {
  festivalId: string;
  eventId: string;
  /** e.g. "Saved “Opening”." */
  words: string;
  /** undoes the change (restores the previous status, brings a deleted event back); absent when nothing to undo */
  undo?: { label: string; run: () => string };
}

/** Where a new event starts: a venue and an instant (the form shows it on the festival's wall clock). */
export interface NewEventSlot {
  festivalId: string;
  venueId: string;
  startMs: number;
}

let savedNote: SavedNote | undefined;
let newEventSlot: NewEventSlot | undefined;

export function handOverSavedNote(note: SavedNote): void {
  savedNote = note;
}

/** Whether a note waits for this festival's programme (without taking it). */
export function hasSavedNote(festivalId: string): boolean {
  return savedNote?.festivalId === festivalId;
}

export function takeSavedNote(festivalId: string): SavedNote | undefined {
  if (savedNote?.festivalId !== festivalId) return undefined;
  const note = savedNote;
  savedNote = undefined;
  return note;
}

export function handOverNewEventSlot(slot: NewEventSlot): void {
  newEventSlot = slot;
}

export function takeNewEventSlot(festivalId: string): NewEventSlot | undefined {
  if (newEventSlot?.festivalId !== festivalId) return undefined;
  const slot = newEventSlot;
  newEventSlot = undefined;
  return slot;
}
