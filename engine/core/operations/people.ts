// Person operations: the people who host events (name, bio, optional contact); delete (a flag) and restore.
// Each validates its input before it writes, and writes only the fields that change.
import { PandafestError } from "../errors.js";
import { eventMapHolding, storedEvents } from "../event-shards.js";
import { newId } from "../ids.js";
import type { FestivalEditor } from "../editor.js";
import type { Festival, Person } from "../schema.js";
import { parsePersonInput, parsePersonPatch, type PersonInput, type PersonPatch } from "../validate.js";
import { isDeleted, textOf } from "../views.js";
import { commitChanges, FieldChanges, originRecord, readFestival, requireEntry, short, shortList } from "./fields.js";

/** Adds a person and returns the new id. */
export function addPerson(editor: FestivalEditor, input: PersonInput): string {
  const fields = parsePersonInput(input);
  readFestival(editor);
  const id = newId("person");
  const person: Person = { name: short(fields.name), bio: short(fields.bio ?? "") };
  if (fields.contact !== undefined) person.contact = short(fields.contact);
  if (fields.origin !== undefined && Object.keys(fields.origin).length > 0) person.origin = originRecord(fields.origin);
  editor.change((doc) => {
    doc.people[id] = person;
  }, `add person ${id}`);
  return id;
}

/** Changes the given fields of a person (contact: null clears it); returns the fields written. */
export function editPerson(editor: FestivalEditor, personId: string, patch: PersonPatch): string[] {
  const fields = parsePersonPatch(patch);
  const person = requireEntry(readFestival(editor).people, personId, "person");
  const changes = new FieldChanges(person)
    .text("name", fields.name)
    .text("bio", fields.bio)
    .optionalText("contact", fields.contact);
  return commitChanges(editor, changes, (doc) => doc.people[personId], `edit person ${personId}`);
}

/** The events (not deleted) that list a person among their hosts, by id and title, sorted by title. */
export function eventsHostedBy(doc: Festival, personId: string): Array<{ id: string; title: string }> {
  const hosted: Array<{ id: string; title: string }> = [];
  for (const [id, event] of storedEvents(doc)) {
    if (isDeleted(event) || !Array.isArray(event.hostIds)) continue;
    if (event.hostIds.some((hostId) => textOf(hostId) === personId)) hosted.push({ id, title: textOf(event.title) });
  }
  return hosted.sort((a, b) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id));
}

export interface PersonDeletion {
  /** false when the person was deleted already */
  deleted: boolean;
  /** the events the person was taken off as a host (only with `unhost`) */
  unhosted: Array<{ id: string; title: string }>;
}

/**
 * Deletes a person: a flag, so they can be restored. A person who hosts events is not deleted unless `unhost`
 * is given, which first takes them off those events' hosts (restoring the person does not put them back).
 */
export function deletePerson(editor: FestivalEditor, personId: string, options: { unhost?: boolean } = {}): PersonDeletion {
  const doc = readFestival(editor);
  const person = requireEntry(doc.people, personId, "person");
  if (isDeleted(person)) return { deleted: false, unhosted: [] };
  const hosted = eventsHostedBy(doc, personId);
  if (hosted.length > 0 && options.unhost !== true) {
    const titles = hosted.slice(0, 5).map((event) => JSON.stringify(event.title)).join(", ");
    throw new PandafestError(
      `${JSON.stringify(textOf(person.name))} hosts ${hosted.length} event(s) (${titles}${hosted.length > 5 ? ", …" : ""}); ` +
        "take them off those events' hosts first, or delete with --unhost to do it in the same step",
      { about: { subject: "person", field: "hostIds" } },
    );
  }
  for (const event of hosted) {
    editor.change((draft) => {
      const stored = eventMapHolding(draft, event.id)?.[event.id];
      if (stored) stored.hostIds = shortList(stored.hostIds.map(textOf).filter((hostId) => hostId !== personId));
    }, `edit event ${event.id}: hostIds`);
  }
  editor.change((draft) => {
    draft.people[personId].removed = true;
  }, `delete person ${personId}`);
  return { deleted: true, unhosted: hosted };
}

/** Brings a deleted person back (removed=false, as restoreVenue). False if they were not deleted. */
export function restorePerson(editor: FestivalEditor, personId: string): boolean {
  const person = requireEntry(readFestival(editor).people, personId, "person");
  if (!isDeleted(person)) return false;
  editor.change((draft) => {
    draft.people[personId].removed = false;
  }, `restore person ${personId}`);
  return true;
}
