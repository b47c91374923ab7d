// The attendee view's festival: the node's programme.json read into the shape the programme layout reads, with the
// hosts by id. Read-only and free of Automerge, so reading a programme needs none of the organiser's app.
import type { Confirmation } from "../../../engine/core/bookings/confirmation.js";
import { eventViewOfProgramme, parsePublicProgramme, PROGRAMME_JSON_FILE, type PublicProgramme } from "../../../engine/core/programme-json.js";
import { usableDayStart, usableTimeZone } from "../../../engine/core/time.js";
import type { ProgrammeSource } from "./programme-days.js";
import { scheduleEvent, type ScheduledEvent } from "./scheduled-event.js";

export class AttendeeProgramme implements ProgrammeSource {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly settings: ProgrammeSource["settings"];
  readonly events = new Map<string, ScheduledEvent>();
  readonly venues = new Map<string, { name: string; removed: boolean }>();
  readonly hosts = new Map<string, string>();
  /** per event that asked for its venue or resources: how many of its requests are accepted */
  readonly confirmations = new Map<string, Confirmation>();

  /**
   * @param fromCache the service worker answered with the copy kept from an earlier visit (the node is unreachable)
   */
  constructor(
    programme: PublicProgramme,
    readonly fromCache = false,
  ) {
    const { festival } = programme;
    this.id = festival.id;
    this.name = festival.name;
    this.description = festival.description;
    this.settings = {
      timeZone: usableTimeZone(festival.timeZone),
      dayStartsAt: usableDayStart(festival.dayStartsAt),
      startDate: festival.startDate,
      endDate: festival.endDate,
    };
    for (const venue of programme.venues) this.venues.set(venue.id, { name: venue.name, removed: venue.removed === true });
    for (const host of programme.hosts) this.hosts.set(host.id, host.name);
    for (const event of programme.events) {
      this.events.set(event.id, scheduleEvent(eventViewOfProgramme(event), this.settings));
      if (event.confirmation) this.confirmations.set(event.id, event.confirmation);
    }
  }

  liveVenues(): Array<{ id: string; name: string }> {
    return [...this.venues.entries()]
      .filter(([, venue]) => !venue.removed)
      .map(([id, venue]) => ({ id, name: venue.name }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  /** The names of the event's hosts this programme knows. */
  hostNames(event: ScheduledEvent): string[] {
    return event.hostIds.map((id) => this.hosts.get(id) ?? "").filter((name) => name !== "");
  }

  venueName(event: ScheduledEvent): string {
    const venue = this.venues.get(event.venueId);
    return venue ? `${venue.name}${venue.removed ? " (removed)" : ""}` : "(missing venue)";
  }

  /** Every tag used, sorted. */
  tags(): string[] {
    const tags = new Set<string>();
    for (const event of this.events.values()) for (const tag of event.tags) tags.add(tag);
    return [...tags].sort((a, b) => a.localeCompare(b));
  }
}

/** Why the attendee view shows no programme: the node does not give it (unknown, private elsewhere) or is unreachable. */
export class ProgrammeUnavailable extends Error {
  constructor(
    message: string,
    readonly reason: "not-given" | "unreachable" | "unreadable",
  ) {
    super(message);
  }
}

/** The address of a festival's programme.json on the node that served this page. */
export function programmeUrl(festivalId: string): string {
  return new URL(`festivals/${encodeURIComponent(festivalId)}/${PROGRAMME_JSON_FILE}`, document.baseURI).href;
}

/**
 * Fetches the festival's programme from the node that served this page (the service worker answers with the last
 * copy when offline). Throws ProgrammeUnavailable saying why there is none.
 */
export async function fetchProgramme(festivalId: string): Promise<AttendeeProgramme> {
  let response: Response;
  try {
    response = await fetch(programmeUrl(festivalId), { credentials: "same-origin" });
  } catch {
    throw new ProgrammeUnavailable("The node that shares this festival cannot be reached, and this device has not kept its programme from an earlier visit.", "unreachable");
  }
  if (response.status === 404 || response.status === 403) {
    throw new ProgrammeUnavailable("This node shares no public programme of this festival. If you organise it, open it to edit (you will be asked for your name).", "not-given");
  }
  if (!response.ok) throw new ProgrammeUnavailable(`The node could not give this festival's programme (HTTP ${response.status}).`, "unreadable");
  try {
    const programme = parsePublicProgramme(await response.json());
    if (programme.festival.id !== festivalId) throw new Error("it names another festival");
    return new AttendeeProgramme(programme, response.headers.get("x-pandafest-from-cache") === "1");
  } catch (error) {
    throw new ProgrammeUnavailable(`The node's programme of this festival cannot be read: ${error instanceof Error ? error.message : String(error)}.`, "unreadable");
  }
}
