// The festival as the screens read it: plain views of settings, venues, events and people, kept up to date
// from Automerge patches so a remote edit re-reads only what it touched (fast on 2,000-event festivals).
import type { Patch } from "@automerge/automerge/slim";
import { eventsTouchedBy, storedEvents } from "../../../engine/core/event-shards.js";
import type { EventView, Festival, FestivalSettings, PersonView, VenueView } from "../../../engine/core/schema.js";
import { festivalDayOf, instantMs, localDateTime } from "../../../engine/core/time.js";
import { eventView, eventViewDefaults, festivalSettingsOf, personView, toEventView, venueView, venueViewDefaults } from "../../../engine/core/views.js";
import { scheduleEvent, type ScheduledEvent } from "./scheduled-event.js";

export { scheduleEvent, type ScheduledEvent };

type Collection = "venues" | "events" | "people";
const COLLECTIONS: readonly Collection[] = ["venues", "events", "people"];

function isCollection(key: unknown): key is Collection {
  return typeof key === "string" && (COLLECTIONS as readonly string[]).includes(key);
}

/**
 * What the programme shows of a festival, kept between visits so a large programme shows before the document loads:
 * everything its cards show (hosts and tags too), so the live festival, once loaded, changes only what changed since.
 */
export interface ProgrammeSnapshot {
  settings: FestivalSettings;
  venues: Array<Pick<VenueView, "id" | "name" | "removed">>;
  events: Array<Pick<EventView, "id" | "title" | "venueId" | "start" | "end" | "status" | "hostIds" | "tags">>;
  /** the people hosting an event, by name */
  hosts: Array<Pick<PersonView, "id" | "name">>;
}

/** The plain, cached festival. `version` increases with every update, so derived data can be memoised. */
export class FestivalModel {
  settings: FestivalSettings;
  readonly venues = new Map<string, VenueView>();
  /** the events that are not deleted: what every screen but the list of deleted items shows */
  readonly events = new Map<string, ScheduledEvent>();
  /** the people who are not deleted */
  readonly people = new Map<string, PersonView>();
  /** deleted events and people (engine/core/operations: a flag), kept apart so they show only where they can be restored */
  readonly deletedEvents = new Map<string, ScheduledEvent>();
  readonly deletedPeople = new Map<string, PersonView>();
  version = 0;

  /** The model of a festival document; without one, an empty model (see fromSnapshot). */
  constructor(doc?: Festival) {
    this.settings = festivalSettingsOf(doc ?? {});
    if (doc) for (const collection of COLLECTIONS) this.#reloadCollection(doc, collection);
  }

  /** A read-only model of a snapshot: the programme as it was when the snapshot was taken. */
  static fromSnapshot(snapshot: ProgrammeSnapshot): FestivalModel {
    const model = new FestivalModel();
    model.settings = snapshot.settings;
    for (const venue of snapshot.venues) {
      model.venues.set(venue.id, { ...venue, ...venueViewDefaults(), description: "", address: "", accessibility: "", tags: [] });
    }
    for (const event of snapshot.events) {
      model.events.set(event.id, scheduleEvent({ ...event, ...eventViewDefaults(), description: "" }, model.settings));
    }
    for (const host of snapshot.hosts) model.people.set(host.id, { ...host, bio: "", origin: {} });
    return model;
  }

  snapshot(): ProgrammeSnapshot {
    const events = [...this.events.values()].map(({ id, title, venueId, start, end, status, hostIds, tags }) => ({ id, title, venueId, start, end, status, hostIds, tags }));
    const hostIds = new Set(events.flatMap((event) => event.hostIds));
    return {
      settings: this.settings,
      venues: [...this.venues.values()].map(({ id, name, removed }) => ({ id, name, removed })),
      events,
      hosts: [...hostIds].flatMap((id) => {
        const person = this.people.get(id);
        return person ? [{ id, name: person.name }] : [];
      }),
    };
  }

  /** Reads the whole festival again (when patches do not say what changed in it). */
  reset(doc: Festival): void {
    this.settings = festivalSettingsOf(doc);
    for (const collection of COLLECTIONS) this.#reloadCollection(doc, collection);
    this.version += 1;
  }

  /** Brings the model up to date with doc, re-reading only what the patches touched. */
  update(doc: Festival, patches: readonly Patch[]): void {
    const dirty: Record<Collection, Set<string>> = { venues: new Set(), events: new Set(), people: new Set() };
    const reload = new Set<Collection>();
    let settingsTouched = false;
    for (const patch of patches) {
      const [head, id] = patch.path;
      const events = eventsTouchedBy(patch.path);
      if (events === "all") reload.add("events");
      else if (events !== undefined) dirty.events.add(events.eventId);
      else if (isCollection(head)) {
        if (typeof id === "string") dirty[head].add(id);
        else reload.add(head);
      } else {
        settingsTouched = true;
      }
    }
    if (settingsTouched) {
      const before = this.settings;
      this.settings = festivalSettingsOf(doc);
      if (before.timeZone !== this.settings.timeZone || before.dayStartsAt !== this.settings.dayStartsAt) reload.add("events");
    }
    for (const collection of COLLECTIONS) {
      if (reload.has(collection)) this.#reloadCollection(doc, collection);
      else for (const id of dirty[collection]) this.#reloadItem(doc, collection, id);
    }
    this.version += 1;
  }

  liveVenues(): VenueView[] {
    return [...this.venues.values()].filter((venue) => !venue.removed).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  sortedPeople(): PersonView[] {
    return [...this.people.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  #reloadCollection(doc: Festival, collection: Collection): void {
    this[collection].clear();
    if (collection === "events") {
      this.deletedEvents.clear();
      for (const [id, event] of storedEvents(doc)) this.#placeEvent(id, scheduleEvent(toEventView(id, event), this.settings));
      return;
    }
    if (collection === "people") this.deletedPeople.clear();
    for (const id of Object.keys(doc[collection] ?? {})) this.#reloadItem(doc, collection, id);
  }

  #reloadItem(doc: Festival, collection: Collection, id: string): void {
    if (collection === "venues") {
      const venue = venueView(doc, id);
      if (venue) this.venues.set(id, venue);
      else this.venues.delete(id);
    } else if (collection === "events") {
      const event = eventView(doc, id);
      this.events.delete(id);
      this.deletedEvents.delete(id);
      if (event) this.#placeEvent(id, scheduleEvent(event, this.settings));
    } else {
      const person = personView(doc, id);
      this.people.delete(id);
      this.deletedPeople.delete(id);
      if (person) (person.removed ? this.deletedPeople : this.people).set(id, person);
    }
  }

  #placeEvent(id: string, event: ScheduledEvent): void {
    (event.removed ? this.deletedEvents : this.events).set(id, event);
  }
}
