// An event's confirmation: how many of its requests for venues and resources are accepted, in words, and whether
// that leaves it tentative. No imports, so the attendee view (no Automerge) shares the rule with the engine.

export interface Confirmation {
  accepted: number;
  requested: number;
}

/** "75% confirmed (3 of 4)", or "" when the event asked for nothing. */
export function confirmationText(confirmation: Confirmation | undefined): string {
  if (confirmation === undefined || confirmation.requested === 0) return "";
  const percent = Math.floor((confirmation.accepted * 100) / confirmation.requested);
  return `${percent}% confirmed (${confirmation.accepted} of ${confirmation.requested})`;
}

/** Whether an event that asked for things is still tentative (not every request accepted). */
export function isTentative(confirmation: Confirmation | undefined): boolean {
  return confirmation !== undefined && confirmation.requested > 0 && confirmation.accepted < confirmation.requested;
}
