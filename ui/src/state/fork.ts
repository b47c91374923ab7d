// Forking in the browser: a new festival seeded from an open one, keeping what the user chose (venues by
// default; people and events on request), with forkedFrom recording the origin and its heads.
import * as A from "@automerge/automerge/slim";
import type { Festival, FestivalEvent, Person, Venue } from "../../../engine/schema.js";
import { festivalSkeleton } from "../../../engine/skeleton.js";
import type { FestivalModel } from "./festival-model.js";

export interface ForkChoice {
  name: string;
  keepVenues: boolean;
  keepPeople: boolean;
  keepEvents: boolean;
}

const short = (text: string) => new A.ImmutableString(text);

/**
 * Validates the choice now and returns the first change of the fork. Venue ids are kept, so later venue
 * edits in the origin can be pulled in; kept events keep only venues and hosts that are kept too.
 */
export function forkInit(model: FestivalModel, origin: { url: string; heads: string[] }, choice: ForkChoice): (doc: Festival) => void {
  const settings = model.settings;
  const skeleton = festivalSkeleton({
    name: choice.name,
    description: settings.description,
    timeZone: settings.timeZone,
    startDate: settings.startDate,
    endDate: settings.endDate,
    dayStartsAt: settings.dayStartsAt,
    visibility: settings.visibility,
  });
  const venues: Record<string, Venue> = {};
  if (choice.keepVenues) {
    for (const view of model.venues.values()) {
      if (view.removed) continue;
      const venue: Venue = {
        name: short(view.name),
        description: short(view.description),
        address: short(view.address),
        accessibility: short(view.accessibility),
        tags: view.tags.map(short),
      };
      if (view.geo) venue.geo = { lat: view.geo.lat, lon: view.geo.lon };
      if (view.capacity !== undefined) venue.capacity = view.capacity;
      venues[view.id] = venue;
    }
  }
  const people: Record<string, Person> = {};
  if (choice.keepPeople) {
    for (const view of model.people.values()) {
      const person: Person = { name: short(view.name), bio: short(view.bio) };
      if (view.contact !== undefined) person.contact = short(view.contact);
      people[view.id] = person;
    }
  }
  const events: Record<string, FestivalEvent> = {};
  if (choice.keepEvents) {
    for (const view of model.events.values()) {
      if (!(view.venueId in venues)) continue;
      const event: FestivalEvent = {
        title: short(view.title),
        description: short(view.description),
        venueId: short(view.venueId),
        start: short(view.start),
        end: short(view.end),
        hostIds: view.hostIds.filter((id) => id in people).map(short),
        tags: view.tags.map(short),
        status: short(view.status),
      };
      if (view.language !== undefined) event.language = short(view.language);
      events[view.id] = event;
    }
  }
  const forkedFrom = { url: short(origin.url), heads: origin.heads.map(short), name: short(settings.name) };
  return (doc) => {
    Object.assign(doc, { ...skeleton, venues, people, events, forkedFrom });
  };
}
