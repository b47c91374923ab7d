// The event the programme should show next time it renders (the one just saved), so it opens on that event's day
// instead of the day it showed before. One slot, taken once.
let pending: string | undefined;

/** Asks the programme to show this event's day when it next renders. */
export function showInProgramme(eventId: string): void {
  pending = eventId;
}

/** The event asked for, once; undefined when none is. */
export function takeProgrammeFocus(): string | undefined {
  const eventId = pending;
  pending = undefined;
  return eventId;
}
