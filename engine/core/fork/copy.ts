// The first change of a fork: a new festival's skeleton with copies of what is kept, under the SAME ids
// as in the origin, and forkedFrom recording the origin's url, heads and name. Browser-safe.
// A fork is a new document at the current schema: kept events go into their shards.
import * as A from "@automerge/automerge";
import { emptyEventShards, shardOf } from "../event-shards.js";
import type { Link, LinkView } from "../schema.js";
import type { Festival, FestivalEvent, FestivalView, ForkOrigin, Person, PersonView, Venue, VenueView, EventView, Visibility } from "../schema.js";
import { festivalSkeleton } from "../skeleton.js";
import { withoutDeleted } from "../views.js";
import type { OwnedItems } from "../bookings/fork-keep.js";
import type { KeepPlan } from "./keep.js";
import { planDateShift, shiftInstant } from "./shift.js";

export interface ForkSource {
  /** the origin as it is (or was, at `heads`) */
  view: FestivalView;
  /** the origin's automerge: URL */
  url: string;
  /** the origin heads the copy is made from */
  heads: string[];
  /** the origin's resources and venue owners and availability (engine/core/bookings/fork-keep.ts), kept when given */
  owned?: OwnedItems;
}

/** How the fork differs from its origin besides what it keeps. */
export interface ForkChoices {
  /** the new edition's first day (YYYY-MM-DD): the dates and every kept event move by as many days as the first day does */
  shiftTo?: string;
  /** the fork's visibility; the origin's when not given */
  visibility?: Visibility;
}

export interface KeptCounts {
  venues: number;
  resources?: number;
  people: number;
  events: number;
}

const short = (text: string) => new A.ImmutableString(text);
const textOfShort = (value: A.ImmutableString | string) => (typeof value === "string" ? value : value.val);

/**
 * Links copy over; the source identifiers (origin) do not: a fork is a new edition, and its exports must not
 * reuse the origin's guids (attendees' apps would mix the two editions' favourites).
 */
function linkRecords(links: readonly LinkView[]): Link[] {
  return links.map((link) => ({ title: short(link.title), url: short(link.url) }));
}

/** A stored venue holding the fields of a venue view (removed only when set). */
export function venueRecord(view: VenueView): Venue {
  const venue: Venue = {
    name: short(view.name),
    description: short(view.description),
    address: short(view.address),
    accessibility: short(view.accessibility),
    tags: view.tags.map(short),
  };
  if (view.geo) venue.geo = { lat: view.geo.lat, lon: view.geo.lon };
  if (view.capacity !== undefined) venue.capacity = view.capacity;
  if (view.removed) venue.removed = true;
  if (view.links.length > 0) venue.links = linkRecords(view.links);
  if (view.online) venue.online = true;
  return venue;
}

export function personRecord(view: PersonView): Person {
  const person: Person = { name: short(view.name), bio: short(view.bio) };
  if (view.contact !== undefined) person.contact = short(view.contact);
  return person;
}

export function eventRecord(view: EventView): FestivalEvent {
  const event: FestivalEvent = {
    title: short(view.title),
    description: short(view.description),
    venueId: short(view.venueId),
    start: short(view.start),
    end: short(view.end),
    hostIds: view.hostIds.map(short),
    tags: view.tags.map(short),
    status: short(view.status),
  };
  if (view.language !== undefined) event.language = short(view.language);
  if (view.type !== "") event.type = short(view.type);
  if (view.subtitle !== "") event.subtitle = short(view.subtitle);
  if (view.abstract !== "") event.abstract = short(view.abstract);
  if (view.links.length > 0) event.links = linkRecords(view.links);
  if (view.attachments.length > 0) event.attachments = linkRecords(view.attachments);
  if (view.doNotRecord) event.doNotRecord = true;
  return event;
}

export function forkOriginRecord(url: string, heads: readonly string[], name: string): ForkOrigin {
  return { url: short(url), heads: heads.map(short), name: short(name) };
}

function byId<T extends { id: string }>(items: Record<string, T>): T[] {
  return Object.values(items).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The fork's contents, validated now (the name and the copied settings), and the change function that
 * writes them into an empty document. What is copied:
 * - venues: every venue not removed, plus removed venues that a kept event is at (still marked removed);
 * - events (when kept): every event, with its venue and hosts;
 * - people: all (when kept), or only the hosts of kept events.
 * Settings (description, time zone, dates, day start, visibility) are the origin's, except that `choices` may
 * move the dates (and the kept events with them, see shift.ts) and set the visibility; members and
 * attestations are not copied (the fork's history starts with the person who forks).
 */
export function forkInit(
  source: ForkSource,
  name: string,
  plan: KeepPlan,
  choices: ForkChoices = {},
): { init: (doc: Festival) => void; kept: KeptCounts; shiftedDays: number } {
  // deleted events and people are not kept, and no kept event names a deleted host
  const view = withoutDeleted(source.view);
  const shift = choices.shiftTo === undefined ? undefined : planDateShift(view, choices.shiftTo);
  const days = shift?.days ?? 0;
  const skeleton = festivalSkeleton({
    name,
    description: view.description,
    timeZone: view.timeZone,
    startDate: shift?.startDate ?? view.startDate,
    endDate: shift?.endDate ?? view.endDate,
    dayStartsAt: view.dayStartsAt,
    visibility: choices.visibility ?? view.visibility,
  });
  const eventShards = emptyEventShards();
  let eventCount = 0;
  const usedVenues = new Set<string>();
  const hosts = new Set<string>();
  if (plan.parts.has("events")) {
    for (const event of byId(view.events)) {
      const moved = days === 0 ? event : { ...event, start: shiftInstant(event.start, days, view.timeZone), end: shiftInstant(event.end, days, view.timeZone) };
      const hostIds = moved.hostIds.filter((hostId) => Object.prototype.hasOwnProperty.call(view.people, hostId));
      eventShards[shardOf(event.id)][event.id] = eventRecord({ ...moved, hostIds });
      eventCount += 1;
      usedVenues.add(event.venueId);
      for (const hostId of hostIds) hosts.add(hostId);
    }
  }
  const venues: Record<string, Venue> = {};
  for (const venue of byId(view.venues)) {
    if (!venue.removed || usedVenues.has(venue.id)) venues[venue.id] = { ...venueRecord(venue), ...(source.owned?.venues[venue.id] ?? {}) };
  }
  const resources = source.owned?.resources ?? {};
  for (const resource of Object.values(resources)) {
    if (resource.venueId !== undefined && !Object.prototype.hasOwnProperty.call(venues, textOfShort(resource.venueId))) delete resource.venueId;
  }
  const people: Record<string, Person> = {};
  for (const person of byId(view.people)) {
    if (plan.parts.has("people") || (plan.hostsOnly && hosts.has(person.id))) people[person.id] = personRecord(person);
  }
  const forkedFrom = forkOriginRecord(source.url, source.heads, view.name);
  const kept: KeptCounts = {
    venues: Object.keys(venues).length,
    people: Object.keys(people).length,
    events: eventCount,
  };
  if (Object.keys(resources).length > 0) kept.resources = Object.keys(resources).length;
  return {
    kept,
    shiftedDays: days,
    init: (doc) => {
      Object.assign(doc, { ...skeleton, venues, people, eventShards, forkedFrom });
      if (Object.keys(resources).length > 0) doc.resources = resources;
    },
  };
}
