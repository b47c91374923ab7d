// The festival document, schema 2: the shape of every Automerge document pandafest keeps.
// Browser-safe (no Node imports); every other module reads and writes festivals through these types.
import type { ImmutableString } from "@automerge/automerge";

/**
 * The newest document schema this engine knows. Schema 2 keeps events in shard maps (see
 * engine/core/event-shards.ts); documents at schema 1 (one flat events map) are read and written as they are.
 */
export const SCHEMA_VERSION = 2;

/** A short field: last writer wins, never merged character by character. */
export type Short = ImmutableString;

export type Visibility = "public" | "private";
export type EventStatus = "confirmed" | "tentative" | "cancelled";

export interface Geo {
  lat: number;
  lon: number;
}

/** A titled web address: a stream, tickets, a website, a recording, slides. Only http(s) URLs are stored. */
export interface Link {
  title: Short;
  url: Short;
}

/**
 * Where an imported entity came from: the identifiers of the frab/pretalx schedule it was read from. Exports
 * reuse them, so attendees' apps keep their favourites and a second import of the same file exports the same.
 */
export interface SourceOrigin {
  guid?: Short;
  /** the numeric id in the source (a positive integer) */
  id?: number;
  /** pretalx's short code */
  code?: Short;
  slug?: Short;
  url?: Short;
}

/** The schedule a festival was imported from: what frab/pretalx exports carry per conference. */
export interface ScheduleOrigin {
  acronym?: Short;
  baseUrl?: Short;
  version?: Short;
}

export interface Venue {
  name: Short;
  description: Short;
  address: Short;
  geo?: Geo;
  capacity?: number;
  accessibility: Short;
  tags: Short[];
  removed?: boolean;
  /** absent means none; a stream link (see engine/core/links.ts) is the default link of the venue's events */
  links?: Link[];
  /** an online venue: a stream or a video call rather than a place; its events are online events */
  online?: boolean;
  origin?: SourceOrigin;
  /** member keys whose decisions on requests for this venue count (absent: its creator) */
  owners?: Short[];
  /** "START/END" windows when it can be booked (absent: always) */
  availability?: Short[];
}

export interface FestivalEvent {
  title: Short;
  description: Short;
  venueId: Short;
  /** ISO 8601 with an offset, e.g. 2027-07-01T20:00:00+02:00 */
  start: Short;
  end: Short;
  hostIds: Short[];
  tags: Short[];
  language?: Short;
  status: Short; // one of EventStatus
  /** the kind of event as frab names it ("talk", "workshop", ...); absent reads as "" */
  type?: Short;
  subtitle?: Short;
  /** a short summary, kept apart from the description */
  abstract?: Short;
  links?: Link[];
  attachments?: Link[];
  /** the speakers asked not to be recorded */
  doNotRecord?: boolean;
  origin?: SourceOrigin;
  /** deleted (a flag, like a venue's, so it can be restored and a concurrent edit is kept) */
  removed?: boolean;
}

export interface Person {
  name: Short;
  bio: Short;
  contact?: Short;
  origin?: SourceOrigin;
  /** deleted (a flag, so the person can be restored) */
  removed?: boolean;
}

export interface Member {
  name: Short;
}

export interface ForkOrigin {
  url: Short;
  /** the origin's heads when the fork was made */
  heads: Short[];
  name: Short;
  /** the origin's heads at the last `fork pull` (absent until the first pull) */
  pulledHeads?: Short[];
}

/** Events keyed by id. */
export type EventMap = { [id: string]: FestivalEvent };

/** The 64 event shards "00".."63", each holding the events whose id hashes to it (engine/core/event-shards.ts). */
export type EventShards = { [shard: string]: EventMap };

/**
 * The festival as stored. Events are read and written only through engine/core/event-shards.ts. Attestations are compact signed strings (see engine/core/provenance.ts),
 * keyed by Automerge actor id.
 */
export interface Festival {
  schema: number;
  name: Short;
  description: Short;
  timeZone: Short;
  startDate: Short; // YYYY-MM-DD
  endDate: Short; // YYYY-MM-DD
  dayStartsAt: Short; // "04:00"
  visibility: Short; // Visibility
  venues: { [id: string]: Venue };
  /** schema 1 kept every event here; from schema 2 it stays empty (new events go into eventShards) */
  events: EventMap;
  /** from schema 2, created whole in the festival's first change; absent in documents written at schema 1 */
  eventShards?: EventShards;
  people: { [id: string]: Person };
  members: { [publicKeyHex: string]: Member };
  authors: { [actorId: string]: Short };
  /** a mirror of the governance records written (engine/core/governance): shown, never trusted */
  governance?: { [recordId: string]: Short };
  forkedFrom?: ForkOrigin;
  /** the frab/pretalx schedule this festival was imported from (absent for festivals made in pandafest) */
  schedule?: ScheduleOrigin;
  /** resources by id, created by the first one added (engine/core/bookings: read together with any made concurrently) */
  resources?: { [id: string]: import("./bookings/model.js").Resource };
  /** booking requests and shifts by id, created like resources */
  bookings?: { [id: string]: import("./bookings/model.js").Booking };
}

/**
 * Plain-JSON views (ImmutableStrings turned into strings), used by queries, exports and the CLI. Events
 * are one flat map here whatever the schema.
 */
/** A link as every reader sees it. */
export interface LinkView {
  title: string;
  url: string;
}

/** A SourceOrigin as plain JSON: only the identifiers the source gave. */
export interface OriginView {
  guid?: string;
  id?: number;
  code?: string;
  slug?: string;
  url?: string;
}

export interface ScheduleOriginView {
  acronym?: string;
  baseUrl?: string;
  version?: string;
}

export interface VenueView {
  id: string;
  name: string;
  description: string;
  address: string;
  geo?: Geo;
  capacity?: number;
  accessibility: string;
  tags: string[];
  removed: boolean;
  links: LinkView[];
  online: boolean;
  origin: OriginView;
}

export interface EventView {
  id: string;
  title: string;
  description: string;
  venueId: string;
  start: string;
  end: string;
  hostIds: string[];
  tags: string[];
  language?: string;
  status: EventStatus;
  /** "" when not set */
  type: string;
  subtitle: string;
  abstract: string;
  links: LinkView[];
  attachments: LinkView[];
  doNotRecord: boolean;
  origin: OriginView;
  /** present (true) only for a deleted event: it is left out of the programme, exports, checks and forks */
  removed?: true;
}

export interface PersonView {
  id: string;
  name: string;
  bio: string;
  contact?: string;
  origin: OriginView;
  /** present (true) only for a deleted person: not listed as a host, in exports or in forks */
  removed?: true;
}

/** A festival's own settings, field by field, as stored (FestivalView) or as readers use them (FestivalSettings). */
interface SettingFields {
  name: string;
  description: string;
  timeZone: string;
  startDate: string;
  endDate: string;
  dayStartsAt: string;
  visibility: Visibility;
}

/**
 * A festival's settings as every reader uses them (festivalSettingsOf in views.ts): the time zone is one this
 * runtime knows ("UTC" when the stored one is unknown), the day start is HH:MM ("04:00" when the stored value is
 * not a time of day), and only an exact "public" is public.
 */
export interface FestivalSettings extends SettingFields {
  /** the festival this one was forked from */
  forkedFrom?: { url: string; name: string };
}

/** The whole festival as plain JSON, settings as stored (see FestivalSettings for them as readers use them). */
export interface FestivalView extends SettingFields {
  schema: number;
  venues: Record<string, VenueView>;
  events: Record<string, EventView>;
  people: Record<string, PersonView>;
  members: Record<string, { name: string }>;
  forkedFrom?: { url: string; heads: string[]; name: string; pulledHeads?: string[] };
  schedule?: ScheduleOriginView;
}
