// The iCalendar (.ics) export: one VEVENT per event, built with ical-generator.
// Times are written in UTC (DTSTART:...Z), so they are right in every calendar whatever the host's zone.
import ical, { escape, ICalEventStatus, type ICalEventData, type ICalLocation } from "ical-generator";
import type { EventStatus, FestivalView } from "../schema.js";
import { buildScheduleModel } from "./schedule-model.js";
import { ownValue } from "../own-value.js";

export interface ICalendarExportOptions {
  /** Public http(s) address of the festival's pages: adds a URL to every event. */
  baseUrl?: string;
  /** DTSTAMP of every event; defaults to now. */
  stamp?: Date;
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

/** The festival as iCalendar text. Events whose times cannot be read are left out. */
export function toICalendar(view: FestivalView, festivalId: string, options: ICalendarExportOptions = {}): string {
  const model = buildScheduleModel(view, festivalId, { baseUrl: options.baseUrl, cancelled: "mark" });
  const stamp = options.stamp ?? new Date();
  const calendar = ical({
    name: calendarText(view.name),
    prodId: { company: "pandafest", product: "pandafest", language: "EN" },
  });
  if (view.description.trim() !== "") calendar.description(calendarText(view.description));

  for (const day of model.days) {
    for (const { room, events } of day.rooms) {
      const venue = ownValue(view.venues, room.venueId);
      for (const scheduled of events) {
        const event = view.events[scheduled.eventId];
        const hostNames = scheduled.persons.map((person) => person.name);
        const description = [event.description.trim(), hostNames.length > 0 ? `With: ${hostNames.join(", ")}` : ""]
          .filter((part) => part !== "")
          .join("\n\n");
        const location: ICalLocation = { title: room.name };
        if (venue !== undefined && venue.address.trim() !== "") location.address = venue.address.trim();
        if (venue?.geo !== undefined) location.geo = { lat: venue.geo.lat, lon: venue.geo.lon };
        const data: ICalEventData = {
          id: scheduled.guid,
          start: new Date(scheduled.startMs),
          end: new Date(scheduled.endMs),
          stamp,
          summary: event.title,
          status: STATUS[event.status] ?? ICalEventStatus.CONFIRMED,
          location,
          categories: event.tags.filter((tag) => tag.trim() !== "").map((tag) => ({ name: tag.trim() })),
        };
        if (description !== "") data.description = description;
        if (scheduled.url !== undefined) data.url = scheduled.url;
        calendar.createEvent(data);
      }
    }
  }
  return calendar.toString();
}
