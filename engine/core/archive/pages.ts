// The archive's pages, each a function of the archive model: the index (festival, days, venues, people,
// downloads), a day's programme by venue and time, and the pages of venues, events and people.
import { EXPORT_FILE_NAMES } from "../schedule-export.js";
import type { ArchiveDay, ArchiveEvent, ArchiveModel, ArchivePerson, ArchiveVenue } from "./archive-model.js";
import { eventDetails, eventLine, venueDetails } from "./details.js";
import { INDEX_PAGE, relativeHref } from "./file-names.js";
import { html, paragraphs, userText, type Markup } from "./html.js";
import { page, pageLink } from "./layout.js";
import { dateSpan, dayLabel } from "./when.js";

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function indexPage(model: ArchiveModel): Markup {
  const from = INDEX_PAGE;
  const downloads = [
    { file: EXPORT_FILE_NAMES["frab-xml"], what: "frab schedule.xml (Giggity, ConfClerk, EventFahrplan)" },
    { file: EXPORT_FILE_NAMES["frab-json"], what: "frab schedule.json" },
    { file: EXPORT_FILE_NAMES.ical, what: "iCalendar, for calendar apps" },
  ];
  return page(model, {
    path: from,
    body: html`<h1 dir="auto">${model.name}</h1>
<p class="dates">${dateSpan(model.firstDate, model.lastDate)} · times in ${model.timeZone}</p>
${model.isPrivate ? html`<p class="notice">This is the programme of a private festival: share it only with the people it is meant for.</p>\n` : ""}${model.description.trim() !== "" ? html`<section class="description">${paragraphs(model.description)}</section>\n` : ""}<section aria-labelledby="days"><h2 id="days">Days</h2>
<ul class="index">${model.days.map((day) => html`<li>${pageLink(from, day.path, dayLabel(day.date))} <span class="count">${plural(day.eventCount, "event", "events")}</span></li>\n`)}</ul></section>
<section aria-labelledby="venues"><h2 id="venues">Venues</h2>
${model.venues.length === 0 ? html`<p>No venues.</p>` : html`<ul class="index">${model.venues.map((venue) => html`<li>${pageLink(from, venue.path, userText(venue.name))} <span class="count">${plural(venue.events.length, "event", "events")}</span></li>\n`)}</ul>`}</section>
<section aria-labelledby="people"><h2 id="people">People</h2>
${model.people.length === 0 ? html`<p>No people.</p>` : html`<ul class="index">${model.people.map((person) => html`<li>${pageLink(from, person.path, userText(person.name))}</li>\n`)}</ul>`}</section>
<section aria-labelledby="downloads"><h2 id="downloads">Downloads</h2>
<ul class="index">${downloads.map(({ file, what }) => html`<li><a href="${relativeHref(from, file)}">${file}</a> <span class="count">${what}</span></li>\n`)}</ul></section>`,
  });
}

export function dayPage(model: ArchiveModel, day: ArchiveDay): Markup {
  const from = day.path;
  const position = model.days.indexOf(day);
  const previous = model.days[position - 1];
  const next = model.days[position + 1];
  const venues = day.venues.filter((entry) => entry.events.length > 0);
  return page(model, {
    path: from,
    title: dayLabel(day.date),
    body: html`<h1>${dayLabel(day.date)}</h1>
<p class="dates">${plural(day.eventCount, "event", "events")} · times in ${model.timeZone}</p>
${venues.length === 0 ? html`<p>Nothing is scheduled on this day.</p>\n` : ""}${venues.map(
      (entry) => html`<section class="venue"><h2 dir="auto">${entry.venue ? pageLink(from, entry.venue.path, userText(entry.venue.name)) : userText(entry.venueName)}</h2>
<ul class="events">${entry.events.map((event) => eventLine(event, from, model.timeZone, { showVenue: false, showDay: false }))}</ul></section>\n`,
    )}<nav class="pager" aria-label="Other days">${previous ? html`${pageLink(from, previous.path, `← ${dayLabel(previous.date)}`)} ` : ""}${next ? pageLink(from, next.path, `${dayLabel(next.date)} →`) : ""}</nav>`,
  });
}

function eventList(model: ArchiveModel, from: string, events: readonly ArchiveEvent[], empty: string): Markup {
  if (events.length === 0) return html`<p>${empty}</p>`;
  return html`<ul class="events">${events.map((event) => eventLine(event, from, model.timeZone, { showVenue: true, showDay: true }))}</ul>`;
}

export function venuePage(model: ArchiveModel, venue: ArchiveVenue): Markup {
  return page(model, {
    path: venue.path,
    title: venue.name,
    body: html`<h1 dir="auto">${venue.name}</h1>
${venueDetails(venue)}
<h2>Programme</h2>
${eventList(model, venue.path, venue.events, "No events at this venue.")}`,
  });
}

export function eventPage(model: ArchiveModel, event: ArchiveEvent): Markup {
  return page(model, {
    path: event.path,
    title: event.name,
    body: html`<h1 dir="auto" class="${event.status}">${event.name}</h1>
${eventDetails(event, event.path, model.timeZone)}`,
  });
}

export function personPage(model: ArchiveModel, person: ArchivePerson): Markup {
  return page(model, {
    path: person.path,
    title: person.name,
    body: html`<h1 dir="auto">${person.name}</h1>
${person.bio.trim() !== "" ? html`<section class="description">${paragraphs(person.bio)}</section>\n` : ""}<h2>Events</h2>
${eventList(model, person.path, person.events, "No events in this programme.")}`,
  });
}
