// Which events the attendee view shows: a search over titles, descriptions, hosts, venues and tags, and filters by
// venue, tag, host and favourites. Pure; the same rule for the grid, the list and "my programme".
import type { ScheduledEvent } from "./scheduled-event.js";

export interface ProgrammeFilter {
  /** words that must all appear (any case) in the event's text */
  search: string;
  venueId: string;
  tag: string;
  hostId: string;
  /** only the favourites (the "my programme" view) */
  favouritesOnly: boolean;
}

export const NO_FILTER: ProgrammeFilter = { search: "", venueId: "", tag: "", hostId: "", favouritesOnly: false };

export function isFiltered(filter: ProgrammeFilter): boolean {
  return filter.search.trim() !== "" || filter.venueId !== "" || filter.tag !== "" || filter.hostId !== "" || filter.favouritesOnly;
}

/** A test for events; `describe` gives the text searched in besides the event's own (host and venue names). */
export function eventMatcher(filter: ProgrammeFilter, favourites: ReadonlySet<string>, describe: (event: ScheduledEvent) => string): (event: ScheduledEvent) => boolean {
  const words = filter.search.toLocaleLowerCase().split(/\s+/).filter((word) => word !== "").slice(0, 20);
  return (event) => {
    if (filter.favouritesOnly && !favourites.has(event.id)) return false;
    if (filter.venueId !== "" && event.venueId !== filter.venueId) return false;
    if (filter.tag !== "" && !event.tags.includes(filter.tag)) return false;
    if (filter.hostId !== "" && !event.hostIds.includes(filter.hostId)) return false;
    if (words.length === 0) return true;
    const text = `${event.title}\n${event.description}\n${event.tags.join("\n")}\n${describe(event)}`.toLocaleLowerCase();
    return words.every((word) => text.includes(word));
  };
}
