// The document title for a route: the screen, the festival's name when one is open, and the app's name,
// e.g. "Programme · Open Air · pandafest", so tabs, history and screen readers say where the page is.
import type { Route } from "./routes.js";

const APP_NAME = "pandafest";

const SCREEN_NAMES: Record<Route["screen"], string> = {
  festivals: "Your festivals",
  join: "Join a festival",
  programme: "Programme",
  venues: "Venues",
  people: "People",
  event: "Event",
  venue: "Venue",
  person: "Person",
  conflicts: "Conflicts",
  history: "History",
  proposals: "Proposals",
  bookings: "Bookings",
  members: "Members",
  sync: "Sync",
  settings: "Settings",
};

/** The screen's name for people: "New event" for an event being added, "Programme" for the programme, ... */
export function screenName(route: Route): string {
  if ((route.screen === "event" || route.screen === "venue" || route.screen === "person") && route.id === "new") return `New ${route.screen}`;
  return SCREEN_NAMES[route.screen];
}

/** `screen · festival · pandafest`; without a festival name (not open yet), `screen · pandafest`. */
export function pageTitle(route: Route, festivalName?: string): string {
  const name = festivalName?.trim();
  return [screenName(route), name === undefined ? undefined : name || "Untitled festival", APP_NAME].filter((part) => part !== undefined).join(" · ");
}
