// The festival's public programme as compact JSON (/festivals/ID/programme.json): what an attendee's page needs to
// show and search the programme, nothing else (no members, no contacts). Building and tolerant reading; browser-safe.
import { withoutDeleted } from "./deleted.js";
import { effectiveLinksOf, isWebAddress } from "./links.js";
import type { Confirmation } from "./bookings/confirmation.js";
import type { EventStatus, EventView, FestivalView, LinkView } from "./schema.js";

export const PROGRAMME_JSON_VERSION = 1;
export const PROGRAMME_JSON_FILE = "programme.json";
/** Reading refuses more than this many events, venues or hosts (a festival document holds far fewer). */
export const PROGRAMME_JSON_MAX_ITEMS = 50_000;
/** Reading keeps at most this many links per event (the festival document allows 20 per list). */
const MAX_LINKS = 20;
/** Longer texts are cut when read (a hostile or broken answer cannot make the page lay out megabytes). */
const MAX_TEXT = 20_000;

export interface PublicProgramme {
  version: typeof PROGRAMME_JSON_VERSION;
  festival: {
    id: string;
    name: string;
    description: string;
    timeZone: string;
    startDate: string;
    endDate: string;
    dayStartsAt: string;
  };
  /** venues in use or not removed; `removed` marks a removed venue events still name */
  venues: Array<{ id: string; name: string; removed?: true }>;
  /** only the people who host an event, by name */
  hosts: Array<{ id: string; name: string }>;
  /**
   * `links`: the event's links, or its venue's stream when it has none (engine/core/links.ts); `confirmation`: only for
   * an event that asked for its venue or resources, how many of its requests are accepted (engine/core/bookings)
   */
  events: Array<
    Pick<EventView, "id" | "title" | "description" | "venueId" | "start" | "end" | "hostIds" | "tags" | "status" | "type" | "subtitle" | "abstract" | "links"> & {
      confirmation?: Confirmation;
    }
  >;
}

/** Counts of requests read from an answer: whole numbers up to this (the engine reads at most 200,000 requests). */
const MAX_REQUESTS = 200_000;

/** The public programme of a festival view; `confirmations` (engine/core/bookings) per event that asked for anything. */
export function programmeJson(festival: FestivalView, festivalId: string, confirmations: Readonly<Record<string, Confirmation>> = {}): PublicProgramme {
  // deleted events and people are not in the programme
  const view = withoutDeleted(festival);
  const events = Object.values(view.events).map((event) => ({
    id: event.id,
    title: event.title,
    description: event.description,
    venueId: event.venueId,
    start: event.start,
    end: event.end,
    hostIds: event.hostIds,
    tags: event.tags,
    status: event.status,
    type: event.type,
    subtitle: event.subtitle,
    abstract: event.abstract,
    links: effectiveLinksOf(event, view.venues[event.venueId]),
    ...(Object.hasOwn(confirmations, event.id) ? { confirmation: { accepted: confirmations[event.id].accepted, requested: confirmations[event.id].requested } } : {}),
  }));
  const usedVenues = new Set(events.map((event) => event.venueId));
  const hostIds = new Set(events.flatMap((event) => event.hostIds));
  const venues = Object.values(view.venues)
    .filter((venue) => !venue.removed || usedVenues.has(venue.id))
    .map((venue) => (venue.removed ? { id: venue.id, name: venue.name, removed: true as const } : { id: venue.id, name: venue.name }));
  const hosts = Object.values(view.people)
    .filter((person) => hostIds.has(person.id))
    .map((person) => ({ id: person.id, name: person.name }));
  const { name, description, timeZone, startDate, endDate, dayStartsAt } = view;
  return { version: PROGRAMME_JSON_VERSION, festival: { id: festivalId, name, description, timeZone, startDate, endDate, dayStartsAt }, venues, hosts, events };
}

function text(value: unknown): string {
  return typeof value === "string" ? value.slice(0, MAX_TEXT) : "";
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`the programme has no list of ${what}`);
  if (value.length > PROGRAMME_JSON_MAX_ITEMS) throw new Error(`the programme lists ${value.length} ${what}, more than ${PROGRAMME_JSON_MAX_ITEMS}`);
  return value;
}

function texts(value: unknown): string[] {
  return Array.isArray(value) ? value.slice(0, 1000).filter((item): item is string => typeof item === "string").map(text) : [];
}

/** The links of an answer that are web addresses (a hostile answer cannot make the page link javascript: or data:). */
function links(value: unknown): LinkView[] {
  if (!Array.isArray(value)) return [];
  return value
    .slice(0, MAX_LINKS)
    .map(record)
    .filter((link): link is Record<string, unknown> => link !== undefined && typeof link.url === "string" && isWebAddress(link.url))
    .map((link) => ({ title: text(link.title).slice(0, 200), url: text(link.url) }));
}

/** A confirmation as read from an answer: whole counts, accepted at most requested; anything else reads as absent. */
function confirmationOf(value: unknown): { confirmation?: Confirmation } {
  const counts = record(value);
  if (!counts) return {};
  const { accepted, requested } = counts;
  const count = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= MAX_REQUESTS;
  return count(accepted) && count(requested) && accepted <= requested ? { confirmation: { accepted, requested } } : {};
}

/** An event of the programme as the event view the programme screens lay out (fields it does not carry left empty). */
export function eventViewOfProgramme(event: PublicProgramme["events"][number]): EventView {
  const { confirmation: _confirmation, ...fields } = event;
  return { ...fields, attachments: [], doNotRecord: false, origin: {} };
}

function statusOf(value: unknown): EventStatus {
  return value === "confirmed" || value === "cancelled" ? value : "tentative";
}

/**
 * Reads a programme.json answer (or a copy kept on the device). Throws an Error saying what is wrong when it is not
 * one; odd items (not objects, no id) are left out and an unknown status reads as tentative.
 */
export function parsePublicProgramme(value: unknown): PublicProgramme {
  const root = record(value);
  if (!root || root.version !== PROGRAMME_JSON_VERSION) throw new Error(`not a version ${PROGRAMME_JSON_VERSION} programme`);
  const festival = record(root.festival);
  if (!festival || typeof festival.id !== "string") throw new Error("the programme does not name its festival");
  const items = (name: string) => list(root[name], name).map(record).filter((item) => item !== undefined && typeof item.id === "string" && item.id !== "") as Array<Record<string, unknown>>;
  return {
    version: PROGRAMME_JSON_VERSION,
    festival: {
      id: text(festival.id),
      name: text(festival.name),
      description: text(festival.description),
      timeZone: text(festival.timeZone),
      startDate: text(festival.startDate),
      endDate: text(festival.endDate),
      dayStartsAt: text(festival.dayStartsAt),
    },
    venues: items("venues").map((venue) => (venue.removed === true ? { id: text(venue.id), name: text(venue.name), removed: true as const } : { id: text(venue.id), name: text(venue.name) })),
    hosts: items("hosts").map((host) => ({ id: text(host.id), name: text(host.name) })),
    events: items("events").map((event) => ({
      id: text(event.id),
      title: text(event.title),
      description: text(event.description),
      venueId: text(event.venueId),
      start: text(event.start),
      end: text(event.end),
      hostIds: texts(event.hostIds),
      tags: texts(event.tags),
      status: statusOf(event.status),
      type: text(event.type).slice(0, 200),
      subtitle: text(event.subtitle),
      abstract: text(event.abstract),
      links: links(event.links),
      ...confirmationOf(event.confirmation),
    })),
  };
}
