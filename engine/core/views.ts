// Plain-JSON views of a festival (ImmutableStrings become strings, events flat) and its settings as readers use
// them, for queries, exports, CLI and UI. Tolerant of odd data from peers: never throws on a missing or mistyped field.
import { ImmutableString, isImmutableString } from "@automerge/automerge";
import { getEvent, storedEvents } from "./event-shards.js";
import { schemaStanding } from "./schema-version.js";
import { usableDayStart, usableTimeZone } from "./time.js";
import type {
  EventStatus,
  EventView,
  Festival,
  FestivalEvent,
  FestivalSettings,
  FestivalView,
  Geo,
  LinkView,
  OriginView,
  Person,
  ScheduleOriginView,
  PersonView,
  Venue,
  VenueView,
  Visibility,
} from "./schema.js";

export { isDeleted, withoutDeleted } from "./deleted.js";

/** The text of a stored short field: ImmutableString or string; anything else reads as "". */
export function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  // the class first (one map check); the mark also knows one made by another copy of Automerge
  if (value instanceof ImmutableString || isImmutableString(value)) return value.val;
  return "";
}

function optionalText(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : textOf(value);
}

function textList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(textOf) : [];
}

function geoOf(value: unknown): Geo | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { lat, lon } = value as { lat?: unknown; lon?: unknown };
  return typeof lat === "number" && typeof lon === "number" ? { lat, lon } : undefined;
}

/** A stored list of links; entries that are not { title, url } are left out (odd data from a peer). */
export function linksOf(value: unknown): LinkView[] {
  if (!Array.isArray(value)) return [];
  const links: LinkView[] = [];
  for (const item of value) {
    if (!isEntry(item)) continue;
    const { title, url } = item as { title?: unknown; url?: unknown };
    const text = textOf(url);
    if (text !== "") links.push({ title: textOf(title), url: text });
  }
  return links;
}

/** A stored SourceOrigin: only the identifiers of the right type are read. */
export function originOf(value: unknown): OriginView {
  const origin: OriginView = {};
  if (!isEntry(value)) return origin;
  const stored = value as Record<string, unknown>;
  for (const key of ["guid", "code", "slug", "url"] as const) {
    const text = optionalText(stored[key]);
    if (text !== undefined && text !== "") origin[key] = text;
  }
  if (typeof stored.id === "number" && Number.isSafeInteger(stored.id) && stored.id > 0) origin.id = stored.id;
  return origin;
}

function scheduleOriginOf(value: unknown): ScheduleOriginView | undefined {
  if (!isEntry(value)) return undefined;
  const stored = value as Record<string, unknown>;
  const origin: ScheduleOriginView = {};
  for (const key of ["acronym", "baseUrl", "version"] as const) {
    const text = optionalText(stored[key]);
    if (text !== undefined && text !== "") origin[key] = text;
  }
  return origin;
}

/** An unknown status (from a newer or faulty peer) reads as "tentative": shown, but not promised. */
export function statusOf(value: unknown): EventStatus {
  const status = textOf(value);
  return status === "confirmed" || status === "cancelled" || status === "tentative" ? status : "tentative";
}

/** Only an exact "public" is public: an unknown value (from a newer or faulty peer) reads as private, so it is never announced. */
export function visibilityOf(value: unknown): Visibility {
  return textOf(value) === "public" ? "public" : "private";
}

/** The values an event view holds for the fields a stored event may leave out (for views built from partial data). */
export function eventViewDefaults(): Pick<EventView, "type" | "subtitle" | "abstract" | "links" | "attachments" | "doNotRecord" | "origin"> {
  return { type: "", subtitle: "", abstract: "", links: [], attachments: [], doNotRecord: false, origin: {} };
}

/** The values a venue view holds for the fields a stored venue may leave out. */
export function venueViewDefaults(): Pick<VenueView, "links" | "online" | "origin"> {
  return { links: [], online: false, origin: {} };
}

export function toVenueView(id: string, venue: Venue): VenueView {
  const view: VenueView = {
    id,
    name: textOf(venue.name),
    description: textOf(venue.description),
    address: textOf(venue.address),
    accessibility: textOf(venue.accessibility),
    tags: textList(venue.tags),
    removed: venue.removed === true,
    links: linksOf(venue.links),
    online: venue.online === true,
    origin: originOf(venue.origin),
  };
  const geo = geoOf(venue.geo);
  if (geo) view.geo = geo;
  if (typeof venue.capacity === "number") view.capacity = venue.capacity;
  return view;
}

export function toEventView(id: string, event: FestivalEvent): EventView {
  const view: EventView = {
    id,
    title: textOf(event.title),
    description: textOf(event.description),
    venueId: textOf(event.venueId),
    start: textOf(event.start),
    end: textOf(event.end),
    hostIds: textList(event.hostIds),
    tags: textList(event.tags),
    status: statusOf(event.status),
    type: textOf(event.type),
    subtitle: textOf(event.subtitle),
    abstract: textOf(event.abstract),
    links: linksOf(event.links),
    attachments: linksOf(event.attachments),
    doNotRecord: event.doNotRecord === true,
    origin: originOf(event.origin),
  };
  const language = optionalText(event.language);
  if (language !== undefined) view.language = language;
  if (event.removed === true) view.removed = true;
  return view;
}

export function toPersonView(id: string, person: Person): PersonView {
  const view: PersonView = { id, name: textOf(person.name), bio: textOf(person.bio), origin: originOf(person.origin) };
  const contact = optionalText(person.contact);
  if (contact !== undefined) view.contact = contact;
  if (person.removed === true) view.removed = true;
  return view;
}


function isEntry(value: unknown): boolean {
  return typeof value === "object" && value !== null;
}

function ownEntry<T>(collection: { [id: string]: T } | undefined, id: string): T | undefined {
  if (!collection || !Object.prototype.hasOwnProperty.call(collection, id)) return undefined;
  const entry = collection[id];
  return isEntry(entry) ? entry : undefined;
}

export function venueView(doc: Festival, id: string): VenueView | undefined {
  const venue = ownEntry(doc.venues, id);
  return venue && toVenueView(id, venue);
}

export function eventView(doc: Festival, id: string): EventView | undefined {
  const event = getEvent(doc, id);
  return event && toEventView(id, event);
}

export function personView(doc: Festival, id: string): PersonView | undefined {
  const person = ownEntry(doc.people, id);
  return person && toPersonView(id, person);
}

function mapCollection<T, V>(
  collection: { [id: string]: T } | undefined,
  convert: (id: string, item: T) => V,
): Record<string, V> {
  const result: Record<string, V> = {};
  if (!collection) return result;
  for (const id of Object.keys(collection)) {
    const item = collection[id];
    if (isEntry(item)) result[id] = convert(id, item);
  }
  return result;
}

/** Every event of the festival (flat or sharded, see event-shards.ts) as views keyed by id. */
export function eventViews(doc: Festival): Record<string, EventView> {
  const result: Record<string, EventView> = {};
  for (const [id, event] of storedEvents(doc)) result[id] = toEventView(id, event);
  return result;
}

/** What festivalSettingsOf reads: a festival document, its plain view, or any record of the same fields (a cached copy). */
export type SettingsSource = { readonly [field in keyof FestivalSettings]?: unknown };

/**
 * A festival's settings as every reader uses them (the web app, the programme, the index of festivals): odd data
 * from a peer never throws; an unknown time zone reads as UTC, a day start that is not HH:MM as 04:00, and a
 * visibility other than "public" as private.
 */
export function festivalSettingsOf(source: SettingsSource): FestivalSettings {
  const settings: FestivalSettings = {
    name: textOf(source.name),
    description: textOf(source.description),
    timeZone: usableTimeZone(textOf(source.timeZone)),
    startDate: textOf(source.startDate),
    endDate: textOf(source.endDate),
    dayStartsAt: usableDayStart(textOf(source.dayStartsAt)),
    visibility: visibilityOf(source.visibility),
  };
  const origin = source.forkedFrom;
  if (isEntry(origin)) {
    const { url, name } = origin as { url?: unknown; name?: unknown };
    settings.forkedFrom = { url: textOf(url), name: textOf(name) };
  }
  return settings;
}

/** The whole festival as plain JSON (authors' attestations are left out: see provenance). */
export function festivalView(doc: Festival): FestivalView {
  const view: FestivalView = {
    schema: schemaStanding(doc).readAs,
    name: textOf(doc.name),
    description: textOf(doc.description),
    timeZone: textOf(doc.timeZone),
    startDate: textOf(doc.startDate),
    endDate: textOf(doc.endDate),
    dayStartsAt: textOf(doc.dayStartsAt),
    visibility: visibilityOf(doc.visibility),
    venues: mapCollection(doc.venues, toVenueView),
    events: eventViews(doc),
    people: mapCollection(doc.people, toPersonView),
    members: mapCollection(doc.members, (_key, member) => ({ name: textOf(member.name) })),
  };
  if (doc.forkedFrom && isEntry(doc.forkedFrom)) {
    view.forkedFrom = {
      url: textOf(doc.forkedFrom.url),
      heads: textList(doc.forkedFrom.heads),
      name: textOf(doc.forkedFrom.name),
    };
    if (Array.isArray(doc.forkedFrom.pulledHeads)) view.forkedFrom.pulledHeads = textList(doc.forkedFrom.pulledHeads);
  }
  const schedule = scheduleOriginOf(doc.schedule);
  if (schedule !== undefined) view.schedule = schedule;
  return view;
}
