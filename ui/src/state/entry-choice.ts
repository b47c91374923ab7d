// Which page a festival link opens: the organiser's app (Automerge, a name, editing) or the light attendee view
// (attend.html, read-only, no name, no Automerge). Organisers are this device's named identity or its followed
// festivals; everyone else reading a shared link gets the attendee view, with "Edit / organise" one click away.
import { listDeviceFestivals } from "./device-festivals.js";

const ORGANISER_KEY = "pandafest:organiser";
const ORGANISE_ONCE_KEY = "pandafest:organise";
const FESTIVAL_ROUTE = /^#\/f\/([A-Za-z0-9_-]{1,100})(?:\/|$)/;
export const ATTENDEE_PAGE = "attend.html";

/** Notes that this device has a named identity: its festival links open the organiser's app from now on. */
export function markOrganiser(): void {
  try {
    localStorage.setItem(ORGANISER_KEY, "1");
  } catch {
    // no storage: links keep opening the attendee view, from which "Edit / organise" still leads here
  }
}

/** The attendee view's address of a festival. */
export function attendeeHref(festivalId: string): string {
  return `${ATTENDEE_PAGE}#/f/${encodeURIComponent(festivalId)}`;
}

/** The organiser's address of a festival, noting that this tab chose to organise it (so it is not sent back). */
export function organiseHref(festivalId: string): string {
  return `./#/f/${encodeURIComponent(festivalId)}/programme`;
}

export function chooseToOrganise(festivalId: string): void {
  try {
    sessionStorage.setItem(ORGANISE_ONCE_KEY, festivalId);
  } catch {
    // without session storage the organiser's app opens anyway when the device has a name
  }
}

/** The attendee view's address when `hash` (the organiser app's) is a festival link that should open there. */
export function attendeeRedirect(hash: string): string | undefined {
  const match = FESTIVAL_ROUTE.exec(hash);
  if (!match) return undefined;
  const festivalId = match[1];
  try {
    if (localStorage.getItem(ORGANISER_KEY) === "1") return undefined;
    if (sessionStorage.getItem(ORGANISE_ONCE_KEY) === festivalId) return undefined;
  } catch {
    return undefined;
  }
  if (listDeviceFestivals().some((festival) => festival.id === festivalId)) return undefined;
  return attendeeHref(festivalId);
}
