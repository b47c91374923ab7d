// Event operations: add, edit, cancel, delete and restore. Besides field shapes they check what links an event to the
// rest of the festival: its venue exists and is not removed, its hosts exist, it ends after it starts.
import { PandafestError } from "../errors.js";
import { eventMapForNew, eventMapHolding, getEvent } from "../event-shards.js";
import { newId } from "../ids.js";
import type { FestivalEditor } from "../editor.js";
import type { Festival, FestivalEvent } from "../schema.js";
import { instantMs } from "../time.js";
import {
  eventInputProblems,
  eventPatchProblems,
  parseEventInput,
  parseEventPatch,
  previewValue,
  type EventInput,
  type EventPatch,
} from "../validate.js";
import { isDeleted, textOf } from "../views.js";
import { commitChanges, FieldChanges, linkList, originRecord, readFestival, short, shortList } from "./fields.js";

function venueProblem(doc: Festival, venueId: string): PandafestError | undefined {
  const venue = Object.prototype.hasOwnProperty.call(doc.venues, venueId) ? doc.venues[venueId] : undefined;
  if (typeof venue !== "object" || venue === null) {
    return new PandafestError(
      `invalid event venueId ${previewValue(venueId)}: no such venue in this festival; add the venue first or use an existing venue id`,
      { about: { subject: "event", field: "venueId", advice: "Choose a venue of this festival." } },
    );
  }
  if (venue.removed === true) {
    return new PandafestError(
      `invalid event venueId ${previewValue(venueId)}: the venue ${previewValue(textOf(venue.name))} is removed; restore it or choose another venue`,
      { about: { subject: "event", field: "venueId", advice: `${textOf(venue.name)} is removed: restore it or choose another venue.` } },
    );
  }
  return undefined;
}

function hostsProblem(doc: Festival, personIds: readonly string[]): PandafestError | undefined {
  for (const personId of personIds) {
    const person = Object.prototype.hasOwnProperty.call(doc.people, personId) ? doc.people[personId] : undefined;
    if (typeof person !== "object" || person === null) {
      return new PandafestError(
        `invalid event hostIds: ${previewValue(personId)} is not a person in this festival; add the person first`,
        { about: { subject: "event", field: "hostIds", advice: "Add the person first, or choose another host." } },
      );
    }
    if (isDeleted(person)) {
      return new PandafestError(
        `invalid event hostIds: ${previewValue(textOf(person.name))} is deleted; restore them first or choose another host`,
        { about: { subject: "event", field: "hostIds", advice: `${textOf(person.name)} is deleted: restore them first, or choose another host.` } },
      );
    }
  }
  return undefined;
}

function timesProblem(start: string, end: string): PandafestError | undefined {
  const startMs = instantMs(start);
  const endMs = instantMs(end);
  if (startMs === undefined) {
    return new PandafestError(`invalid event start ${previewValue(start)}: not an ISO 8601 date-time with an offset; set a new start`, {
      about: { subject: "event", field: "start" },
    });
  }
  if (endMs === undefined) {
    return new PandafestError(`invalid event end ${previewValue(end)}: not an ISO 8601 date-time with an offset; set a new end`, {
      about: { subject: "event", field: "end" },
    });
  }
  if (endMs <= startMs) {
    return new PandafestError(
      `invalid event end ${previewValue(end)}: it is not after the start ${previewValue(start)}; an event must end after it starts`,
      { about: { subject: "event", field: "end", advice: "Choose an end after the start: an event must end after it starts." } },
    );
  }
  return undefined;
}

function throwIf(problem: PandafestError | undefined): void {
  if (problem !== undefined) throw problem;
}

/** Hosts newly listed on an event (those already on it may stay, even when deleted since). */
function newHosts(event: FestivalEvent | undefined, hostIds: readonly string[]): string[] {
  const current = new Set(event && Array.isArray(event.hostIds) ? event.hostIds.map(textOf) : []);
  return hostIds.filter((personId) => !current.has(personId));
}

/**
 * Every problem of an event's fields at once (at most one per field), by the rules addEvent (no eventId) and
 * editEvent (an eventId) apply one at a time: field shapes first, then the venue, hosts and times of the fields
 * that are well formed. Forms show them all beside their fields.
 */
export function eventProblems(doc: Festival, fields: EventInput | EventPatch, eventId?: string): PandafestError[] {
  const event = eventId === undefined ? undefined : getEvent(doc, eventId);
  if (eventId !== undefined && !event) return [noSuchEvent(eventId)];
  const problems = eventId === undefined ? eventInputProblems(fields) : eventPatchProblems(fields);
  const bad = new Set(problems.map((problem) => problem.about?.field));
  const relational: Array<PandafestError | undefined> = [];
  if (!bad.has("venueId") && fields.venueId !== undefined && fields.venueId !== textOf(event?.venueId)) {
    relational.push(venueProblem(doc, fields.venueId.trim()));
  }
  if (!bad.has("hostIds") && Array.isArray(fields.hostIds)) relational.push(hostsProblem(doc, newHosts(event, fields.hostIds)));
  if (!bad.has("start") && !bad.has("end") && (fields.start !== undefined || fields.end !== undefined)) {
    relational.push(timesProblem((fields.start ?? textOf(event?.start)).trim(), (fields.end ?? textOf(event?.end)).trim()));
  }
  return [...problems, ...relational.filter((problem): problem is PandafestError => problem !== undefined)];
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
  throwIf(venueProblem(doc, fields.venueId));
  throwIf(hostsProblem(doc, fields.hostIds ?? []));
  throwIf(timesProblem(fields.start, fields.end));
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
  if (fields.venueId !== undefined && fields.venueId !== textOf(event.venueId)) throwIf(venueProblem(doc, fields.venueId));
  if (fields.hostIds !== undefined) throwIf(hostsProblem(doc, newHosts(event, fields.hostIds)));
  if (fields.start !== undefined || fields.end !== undefined) {
    throwIf(timesProblem(fields.start ?? textOf(event.start), fields.end ?? textOf(event.end)));
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

/**
 * Deletes an event: a flag (like a removed venue), so it can be restored and a concurrent edit of it is kept.
 * A deleted event is left out of the programme, exports, checks and forks. False if it already was deleted.
 */
export function deleteEvent(editor: FestivalEditor, eventId: string): boolean {
  const event = getEvent(readFestival(editor), eventId);
  if (!event) throw noSuchEvent(eventId);
  if (isDeleted(event)) return false;
  editor.change((draft) => {
    heldEvent(draft, eventId).removed = true;
  }, `delete event ${eventId}`);
  return true;
}

/**
 * Brings a deleted event back as it was. Writes removed=false rather than deleting the flag, so a concurrent
 * delete and restore show up as a conflict instead of the delete silently winning. False if it was not deleted.
 */
export function restoreEvent(editor: FestivalEditor, eventId: string): boolean {
  const event = getEvent(readFestival(editor), eventId);
  if (!event) throw noSuchEvent(eventId);
  if (!isDeleted(event)) return false;
  editor.change((draft) => {
    heldEvent(draft, eventId).removed = false;
  }, `restore event ${eventId}`);
  return true;
}

/** Marks an event cancelled (it stays in the programme, shown as cancelled). False if it already was. */
export function cancelEvent(editor: FestivalEditor, eventId: string): boolean {
  return editEvent(editor, eventId, { status: "cancelled" }).length > 0;
}
