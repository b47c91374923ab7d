// What the archive shows of one event or venue, wherever it appears: the details block of its own page and its
// line in a list. Add a field (links, streams) here and every page shows it.
import { formatLocalDate, localDateTimeAt } from "../interop/zoned-time.js";
import type { EventStatus } from "../schema.js";
import type { ArchiveEvent, ArchiveVenue } from "./archive-model.js";
import type { LinkView } from "../schema.js";
import { externalLink, html, paragraphs, userText, type Fragment, type Markup } from "./html.js";
import { pageLink } from "./layout.js";
import { dayLabel, fullTime, shortDayLabel, timeRange } from "./when.js";

const STATUS_LABELS: Readonly<Record<EventStatus, string>> = { confirmed: "Confirmed", tentative: "Tentative", cancelled: "Cancelled" };

function statusBadge(status: EventStatus): Markup {
  return status === "confirmed" ? html`` : html` <span class="status ${status}">${STATUS_LABELS[status]}</span>`;
}

function row(label: string, value: Fragment): Markup {
  return html`<dt>${label}</dt><dd>${value}</dd>\n`;
}

function commaList(items: readonly Markup[]): Markup {
  return html`${items.map((item, index) => html`${index > 0 ? ", " : ""}${item}`)}`;
}

function linksOf(links: readonly LinkView[]): Markup {
  return html`<ul class="links">${links.map((link) => html`<li>${externalLink(link.url, link.title || link.url)}</li>`)}</ul>`;
}

function venueOf(event: ArchiveEvent, from: string): Markup {
  return event.venue ? pageLink(from, event.venue.path, userText(event.venue.name)) : userText(event.venueName);
}

function hostsOf(event: ArchiveEvent, from: string): Markup {
  return commaList(event.hosts.map((host) => pageLink(from, host.path, userText(host.name))));
}

/** An event's own page body: when (with the zone), where, who, status, language, tags, then its description. */
export function eventDetails(event: ArchiveEvent, from: string, timeZone: string): Markup {
  return html`${event.subtitle.trim() !== "" ? html`<p class="subtitle">${userText(event.subtitle)}</p>\n` : ""}<dl class="details">
${row("When", fullTime(event.startMs, event.endMs, timeZone))}${row("Programme", pageLink(from, event.day.path, dayLabel(event.day.name)))}${row("Where", venueOf(event, from))}${event.hosts.length > 0 ? row(event.hosts.length === 1 ? "Host" : "Hosts", hostsOf(event, from)) : ""}${row("Status", html`<span class="status ${event.status}">${STATUS_LABELS[event.status]}</span>`)}${event.language ? row("Language", userText(event.language)) : ""}${event.tags.length > 0 ? row("Tags", commaList(event.tags.map((tag) => userText(tag)))) : ""}${event.links.length > 0 ? row("Links", linksOf(event.links)) : ""}</dl>
${event.description.trim() !== "" ? html`<section class="description">${paragraphs(event.description)}</section>` : ""}`;
}

export interface EventLineOptions {
  /** the day's programme lists events under their venue already */
  showVenue: boolean;
  /** a venue's or person's list spans days */
  showDay: boolean;
}

/**
 * An event in a list: time, title (to its page), status when not confirmed, venue and hosts. An event after midnight
 * is listed under its festival day (day start) and names the calendar day it starts on.
 */
export function eventLine(event: ArchiveEvent, from: string, timeZone: string, options: EventLineOptions): Markup {
  const startDate = formatLocalDate(localDateTimeAt(event.startMs, timeZone));
  const when = `${startDate === event.day.name ? "" : `${shortDayLabel(startDate)} `}${timeRange(event.startMs, event.endMs, timeZone)}`;
  return html`<li class="event ${event.status}"><span class="time">${options.showDay ? html`${pageLink(from, event.day.path, shortDayLabel(event.day.name))} ` : ""}${when}</span> <span class="what">${pageLink(from, event.path, userText(event.name), "title")}${statusBadge(event.status)}${options.showVenue ? html` <span class="where">at ${venueOf(event, from)}</span>` : ""}${event.hosts.length > 0 ? html` <span class="who">with ${hostsOf(event, from)}</span>` : ""}</span></li>\n`;
}

/** A venue's own page body: address, accessibility, capacity, whether it was removed, then its description. */
export function venueDetails(venue: ArchiveVenue): Markup {
  const rows = [
    venue.address.trim() !== "" ? row("Address", userText(venue.address)) : "",
    venue.accessibility.trim() !== "" ? row("Accessibility", userText(venue.accessibility)) : "",
    venue.capacity !== undefined ? row("Capacity", String(venue.capacity)) : "",
    venue.online ? row("Kind", "Online (a stream or a call, not a place)") : "",
    venue.links.length > 0 ? row("Links", linksOf(venue.links)) : "",
    venue.removed ? row("Status", "No longer in use") : "",
  ];
  return html`${rows.some((entry) => entry !== "") ? html`<dl class="details">\n${rows}</dl>\n` : ""}${venue.description.trim() !== "" ? html`<section class="description">${paragraphs(venue.description)}</section>` : ""}`;
}
