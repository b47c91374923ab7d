// The iCalendar (.ics) export: one VEVENT per event, built with ical-generator. Times are the festival's local
// times with its VTIMEZONE (UTC festivals keep UTC); SEQUENCE counts the event's edits, so calendar apps take them.
import ical, { escape, ICalEventStatus, type ICalEventData, type ICalLocation } from "ical-generator";
import { isOnlineEvent } from "../links.js";
import { ownValue } from "../own-value.js";
import type { EventStatus, FestivalView } from "../schema.js";
import { foldContentLines, unfoldedCalendarText } from "./ical-folding.js";
import { buildScheduleModel } from "./schedule-model.js";
import { vtimezone, zonedProperty } from "./vtimezone.js";

export interface ICalendarExportOptions {
  /** Public http(s) address of the festival's pages: adds a URL to every event without links of its own. */
  baseUrl?: string;
  /** DTSTAMP of every event; defaults to now. */
  stamp?: Date;
  /** SEQUENCE per event id (engine/core/event-revisions.ts); 0 for events not listed */
  revisions?: ReadonlyMap<string, number>;
}

const STATUS: Record<EventStatus, ICalEventStatus> = {
  confirmed: ICalEventStatus.CONFIRMED,
  tentative: ICalEventStatus.TENTATIVE,
  cancelled: ICalEventStatus.CANCELLED,
};

/** ical-generator writes the calendar name and description unescaped; keep them on one escaped line. */
function calendarText(text: string): string {
  return escape(text.replace(/\r\n|\r|\n/g, " "), false);
}

/**
 * ical-generator writes UTC times (`DTSTART:20270108T070000Z`) whatever the host's zone; they are rewritten here
 * as the festival's wall time with TZID, and the VTIMEZONE goes before the first event. Only whole content lines
 * starting with DTSTART: or DTEND: are touched: text values never start a line (folded lines start with a space).
 */
function localise(text: string, timeZone: string, times: ReadonlyMap<string, [number, number]>): string {
  const lines = text.split("\r\n");
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const [start, end] of times.values()) {
    first = Math.min(first, start);
    last = Math.max(last, end);
  }
  if (times.size === 0) return text;
  const out: string[] = [];
  let current: [number, number] | undefined;
  let uid: string | undefined;
  let pending: string[] = [];
  for (const line of lines) {
    if (line === "BEGIN:VEVENT") {
      if (out.every((written) => written !== "BEGIN:VTIMEZONE")) out.push(...vtimezone(timeZone, first, last).trimEnd().split("\r\n"));
      uid = undefined;
      current = undefined;
      pending = [];
      out.push(line);
      continue;
    }
    if (uid === undefined && line.startsWith("UID:")) {
      uid = line.slice(4);
      current = times.get(uid);
    }
    if (line.startsWith("DTSTART:") || line.startsWith("DTEND:")) {
      pending.push(line);
      if (current === undefined) continue;
    }
    if (current !== undefined && pending.length > 0) {
      for (const held of pending) {
        out.push(held.startsWith("DTSTART:") ? zonedProperty("DTSTART", current[0], timeZone) : zonedProperty("DTEND", current[1], timeZone));
      }
      pending = [];
    }
    if (line.startsWith("DTSTART:") || line.startsWith("DTEND:")) continue;
    if (line === "END:VEVENT" && pending.length > 0) {
      out.push(...pending);
      pending = [];
    }
    out.push(line);
  }
  return out.join("\r\n");
}

/** The festival as iCalendar text. Events whose times cannot be read are left out. */
export function toICalendar(view: FestivalView, festivalId: string, options: ICalendarExportOptions = {}): string {
  const model = buildScheduleModel(view, festivalId, { baseUrl: options.baseUrl, cancelled: "mark" });
  const stamp = options.stamp ?? new Date();
  const calendar = ical({
    name: calendarText(view.name),
    prodId: { company: "pandafest", product: "pandafest", language: "EN" },
  });
  if (view.description.trim() !== "") calendar.description(calendarText(view.description));
  const times = new Map<string, [number, number]>();

  for (const day of model.days) {
    for (const { room, events } of day.rooms) {
      const venue = ownValue(view.venues, room.venueId);
      for (const scheduled of events) {
        const event = view.events[scheduled.eventId];
        const hostNames = scheduled.persons.map((person) => person.name);
        const linkLines = scheduled.links.map((link) => `${link.title}: ${link.url}`);
        const description = [
          event.abstract.trim(),
          event.description.trim(),
          hostNames.length > 0 ? `With: ${hostNames.join(", ")}` : "",
          linkLines.join("\n"),
        ]
          .filter((part) => part !== "")
          .join("\n\n");
        const location: ICalLocation = { title: isOnlineEvent(venue) ? `${room.name} (online)` : room.name };
        if (!isOnlineEvent(venue) && venue !== undefined && venue.address.trim() !== "") location.address = venue.address.trim();
        if (!isOnlineEvent(venue) && venue?.geo !== undefined) location.geo = { lat: venue.geo.lat, lon: venue.geo.lon };
        const data: ICalEventData = {
          id: scheduled.guid,
          start: new Date(scheduled.startMs),
          end: new Date(scheduled.endMs),
          stamp,
          sequence: options.revisions?.get(scheduled.eventId) ?? 0,
          summary: event.title,
          status: STATUS[event.status] ?? ICalEventStatus.CONFIRMED,
          location,
          categories: event.tags.filter((tag) => tag.trim() !== "").map((tag) => ({ name: tag.trim() })),
        };
        if (description !== "") data.description = description;
        const url = scheduled.links[0]?.url ?? scheduled.url;
        if (url !== undefined) data.url = url;
        calendar.createEvent(data);
        times.set(scheduled.guid, [scheduled.startMs, scheduled.endMs]);
      }
    }
  }
  const text = unfoldedCalendarText(calendar);
  return foldContentLines(view.timeZone === "UTC" || view.timeZone === "Etc/UTC" ? text : localise(text, view.timeZone, times));
}
