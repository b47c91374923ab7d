// The festival as the screens read it: plain views of settings, venues, events and people, kept up to date
// from Automerge patches so a remote edit re-reads only what it touched (fast on 2,000-event festivals).
import type { Patch } from "@automerge/automerge/slim";
import { eventsTouchedBy, getEvent, storedEvents } from "../../../engine/core/event-shards.js";
import type { EventView, Festival, PersonView, VenueView, Visibility } from "../../../engine/core/schema.js";
import { FESTIVAL_DEFAULTS } from "../../../engine/core/skeleton.js";
import { festivalDayOf, instantMs, isTimeOfDay, localDateTime, usableTimeZone } from "../../../engine/core/time.js";
import { textOf, toEventView, toPersonView, toVenueView } from "../../../engine/core/views.js";

/** The festival's settings; timeZone and dayStartsAt are always usable (odd stored values read as defaults). */
export interface FestivalSettings {
  name: string;
  description: string;
  timeZone: string;
  startDate: string;
  endDate: string;
  dayStartsAt: string;
  visibility: Visibility;
  members: Record<string, string>;
  forkedFrom?: { url: string; name: string };
}

/** An event with its times worked out in the festival's time zone. */
export interface ScheduledEvent extends EventView {
  /** NaN when the stored time is not a valid instant */
  startMs: number;
  endMs: number;
  /** the festival day (YYYY-MM-DD) the event starts on; "" when its start is unreadable */
  day: string;
  /** HH:MM wall-clock times in the festival's time zone */
  startTime: string;
  endTime: string;
}

type Collection = "venues" | "events" | "people";
const COLLECTIONS: readonly Collection[] = ["venues", "events", "people"];

function isCollection(key: unknown): key is Collection {
  return typeof key === "string" && (COLLECTIONS as readonly string[]).includes(key);
}

function own<T>(collection: Record<string, T> | undefined, id: string): T | undefined {
  if (!collection || !Object.prototype.hasOwnProperty.call(collection, id)) return undefined;
  const value = collection[id];
  return typeof value === "object" && value !== null ? value : undefined;
}

function settingsOf(doc: Partial<Festival>): FestivalSettings {
  const members: Record<string, string> = {};
  for (const [key, member] of Object.entries(doc.members ?? {})) members[key] = textOf(member?.name);
  const settings: FestivalSettings = {
    name: textOf(doc.name),
    description: textOf(doc.description),
    timeZone: usableTimeZone(textOf(doc.timeZone)),
    startDate: textOf(doc.startDate),
    endDate: textOf(doc.endDate),
    dayStartsAt: isTimeOfDay(textOf(doc.dayStartsAt)) ? textOf(doc.dayStartsAt) : FESTIVAL_DEFAULTS.dayStartsAt,
    visibility: textOf(doc.visibility) === "public" ? "public" : "private",
    members,
  };
  if (doc.forkedFrom && typeof doc.forkedFrom === "object") {
    settings.forkedFrom = { url: textOf(doc.forkedFrom.url), name: textOf(doc.forkedFrom.name) };
  }
  return settings;
}

export function scheduleEvent(view: EventView, settings: Pick<FestivalSettings, "timeZone" | "dayStartsAt">): ScheduledEvent {
    const startMs = instantMs(view.start) ?? Number.NaN;
  const endMs = instantMs(view.end) ?? Number.NaN;
  const valid = Number.isFinite(startMs);
  return {
    ...view,
    startMs,
    endMs,
    day: valid ? festivalDayOf(startMs, settings.timeZone, settings.dayStartsAt) : "",
    startTime: valid ? localDateTime(startMs, settings.timeZone).time : "",
    endTime: Number.isFinite(endMs) ? localDateTime(endMs, settings.timeZone).time : "",
  };
}

/** What the programme needs of a festival, kept between visits so a large programme shows before the document loads. */
export interface ProgrammeSnapshot {
  settings: FestivalSettings;
  venues: Array<Pick<VenueView, "id" | "name" | "removed">>;
  events: Array<Pick<EventView, "id" | "title" | "venueId" | "start" | "end" | "status">>;
}

/** The plain, cached festival. `version` increases with every update, so derived data can be memoised. */
export class FestivalModel {
  settings: FestivalSettings;
  readonly venues = new Map<string, VenueView>();
  readonly events = new Map<string, ScheduledEvent>();
  readonly people = new Map<string, PersonView>();
  version = 0;

  /** The model of a festival document; without one, an empty model (see fromSnapshot). */
  constructor(doc?: Festival) {
    this.settings = settingsOf(doc ?? {});
    if (doc) for (const collection of COLLECTIONS) this.#reloadCollection(doc, collection);
  }

  /** A read-only model of a snapshot: the programme as it was when the snapshot was taken. */
  static fromSnapshot(snapshot: ProgrammeSnapshot): FestivalModel {
    const model = new FestivalModel();
    model.settings = snapshot.settings;
    for (const venue of snapshot.venues) {
      model.venues.set(venue.id, { ...venue, description: "", address: "", accessibility: "", tags: [] });
    }
    for (const event of snapshot.events) {
      model.events.set(event.id, scheduleEvent({ ...event, description: "", hostIds: [], tags: [] }, model.settings));
    }
    return model;
  }

  snapshot(): ProgrammeSnapshot {
    return {
      settings: this.settings,
      venues: [...this.venues.values()].map(({ id, name, removed }) => ({ id, name, removed })),
      events: [...this.events.values()].map(({ id, title, venueId, start, end, status }) => ({ id, title, venueId, start, end, status })),
    };
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
      this.settings = settingsOf(doc);
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
      for (const [id, event] of storedEvents(doc)) this.events.set(id, scheduleEvent(toEventView(id, event), this.settings));
      return;
    }
    for (const id of Object.keys(doc[collection] ?? {})) this.#reloadItem(doc, collection, id);
  }

  #reloadItem(doc: Festival, collection: Collection, id: string): void {
    if (collection === "venues") {
      const venue = own(doc.venues, id);
      if (venue) this.venues.set(id, toVenueView(id, venue));
      else this.venues.delete(id);
    } else if (collection === "events") {
      const event = getEvent(doc, id);
      if (event) this.events.set(id, scheduleEvent(toEventView(id, event), this.settings));
      else this.events.delete(id);
    } else {
      const person = own(doc.people, id);
      if (person) this.people.set(id, toPersonView(id, person));
      else this.people.delete(id);
    }
  }
}
