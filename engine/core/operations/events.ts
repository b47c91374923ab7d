// Event operations: add, edit and cancel. Besides field shapes they check what links an event to the
// rest of the festival: its venue exists and is not removed, its hosts exist, it ends after it starts.
import { PandafestError } from "../errors.js";
import { eventMapForNew, eventMapHolding, getEvent } from "../event-shards.js";
import { newId } from "../ids.js";
import type { FestivalEditor } from "../editor.js";
import type { Festival, FestivalEvent } from "../schema.js";
import { instantMs } from "../time.js";
import { parseEventInput, parseEventPatch, previewValue, type EventInput, type EventPatch } from "../validate.js";
import { textOf } from "../views.js";
import { commitChanges, FieldChanges, linkList, originRecord, readFestival, short, shortList } from "./fields.js";

function requireUsableVenue(doc: Festival, venueId: string): void {
  const venue = Object.prototype.hasOwnProperty.call(doc.venues, venueId) ? doc.venues[venueId] : undefined;
  if (typeof venue !== "object" || venue === null) {
    throw new PandafestError(
      `invalid event venueId ${previewValue(venueId)}: no such venue in this festival; add the venue first or use an existing venue id`,
      { about: { subject: "event", field: "venueId" } },
    );
  }
  if (venue.removed === true) {
    throw new PandafestError(
      `invalid event venueId ${previewValue(venueId)}: the venue ${previewValue(textOf(venue.name))} is removed; restore it or choose another venue`,
      { about: { subject: "event", field: "venueId" } },
    );
  }
}

function requirePeople(doc: Festival, personIds: readonly string[]): void {
  for (const personId of personIds) {
    if (!Object.prototype.hasOwnProperty.call(doc.people, personId)) {
      throw new PandafestError(
        `invalid event hostIds: ${previewValue(personId)} is not a person in this festival; add the person first`,
        { about: { subject: "event", field: "hostIds" } },
      );
    }
  }
}

function requireEndAfterStart(start: string, end: string): void {
  const startMs = instantMs(start);
  const endMs = instantMs(end);
  if (startMs === undefined) {
    throw new PandafestError(`invalid event start ${previewValue(start)}: not an ISO 8601 date-time with an offset; set a new start`, {
      about: { subject: "event", field: "start" },
    });
  }
  if (endMs === undefined) {
    throw new PandafestError(`invalid event end ${previewValue(end)}: not an ISO 8601 date-time with an offset; set a new end`, {
      about: { subject: "event", field: "end" },
    });
  }
  if (endMs <= startMs) {
    throw new PandafestError(
      `invalid event end ${previewValue(end)}: it is not after the start ${previewValue(start)}; an event must end after it starts`,
      { about: { subject: "event", field: "end" } },
    );
  }
}

function noSuchEvent(eventId: string): PandafestError {
  return new PandafestError(`no event with id ${JSON.stringify(eventId)} in this festival; check the id`);
}

/** The event inside a change's draft, written where it lives (the flat map or its shard). */
function heldEvent(draft: Festival, eventId: string): FestivalEvent {
  const map = eventMapHolding(draft, eventId);
  if (!map) throw noSuchEvent(eventId);
  return map[eventId];
}

/** Adds an event at an existing venue and returns its new id. Status defaults to "confirmed". */
export function addEvent(editor: FestivalEditor, input: EventInput): string {
  const fields = parseEventInput(input);
  const doc = readFestival(editor);
  requireUsableVenue(doc, fields.venueId);
  requirePeople(doc, fields.hostIds ?? []);
  requireEndAfterStart(fields.start, fields.end);
  const id = newId("event");
  const event: FestivalEvent = {
    title: short(fields.title),
    description: short(fields.description ?? ""),
    venueId: short(fields.venueId),
    start: short(fields.start),
    end: short(fields.end),
    hostIds: shortList(fields.hostIds ?? []),
    tags: shortList(fields.tags ?? []),
    status: short(fields.status ?? "confirmed"),
  };
  if (fields.language !== undefined) event.language = short(fields.language);
  if (fields.type !== undefined && fields.type !== "") event.type = short(fields.type);
  if (fields.subtitle !== undefined && fields.subtitle !== "") event.subtitle = short(fields.subtitle);
  if (fields.abstract !== undefined && fields.abstract !== "") event.abstract = short(fields.abstract);
  if (fields.links !== undefined && fields.links.length > 0) event.links = linkList(fields.links);
  if (fields.attachments !== undefined && fields.attachments.length > 0) event.attachments = linkList(fields.attachments);
  if (fields.doNotRecord === true) event.doNotRecord = true;
  if (fields.origin !== undefined && Object.keys(fields.origin).length > 0) event.origin = originRecord(fields.origin);
  editor.change((draft) => {
    eventMapForNew(draft, id)[id] = event;
  }, `add event ${id}`);
  return id;
}

/**
 * Changes the given fields of an event (language: null clears it); returns the fields written.
 * A new venue must exist and not be removed, newly listed hosts must exist, and when start or end
 * changes the resulting event must still end after it starts.
 */
export function editEvent(editor: FestivalEditor, eventId: string, patch: EventPatch): string[] {
  const fields = parseEventPatch(patch);
  const doc = readFestival(editor);
  const event = getEvent(doc, eventId);
  if (!event) throw noSuchEvent(eventId);
  if (fields.venueId !== undefined && fields.venueId !== textOf(event.venueId)) {
    requireUsableVenue(doc, fields.venueId);
  }
  if (fields.hostIds !== undefined) {
    const current = new Set(Array.isArray(event.hostIds) ? event.hostIds.map(textOf) : []);
    requirePeople(doc, fields.hostIds.filter((personId) => !current.has(personId)));
  }
  if (fields.start !== undefined || fields.end !== undefined) {
    requireEndAfterStart(fields.start ?? textOf(event.start), fields.end ?? textOf(event.end));
  }
  const changes = new FieldChanges(event)
    .text("title", fields.title)
    .text("description", fields.description)
    .text("venueId", fields.venueId)
    .text("start", fields.start)
    .text("end", fields.end)
    .textList("hostIds", fields.hostIds)
    .textList("tags", fields.tags)
    .optionalText("language", fields.language)
    .text("status", fields.status)
    .text("type", fields.type)
    .text("subtitle", fields.subtitle)
    .text("abstract", fields.abstract)
    .links("links", fields.links)
    .links("attachments", fields.attachments)
    .flag("doNotRecord", fields.doNotRecord);
  return commitChanges(editor, changes, (draft) => heldEvent(draft, eventId), `edit event ${eventId}`);
}

/** Marks an event cancelled (it stays in the programme, shown as cancelled). False if it already was. */
export function cancelEvent(editor: FestivalEditor, eventId: string): boolean {
  return editEvent(editor, eventId, { status: "cancelled" }).length > 0;
}
