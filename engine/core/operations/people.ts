// Person operations: the people who host events (name, bio, optional contact).
// Each validates its input before it writes, and writes only the fields that change.
import { newId } from "../ids.js";
import type { FestivalEditor } from "../editor.js";
import type { Person } from "../schema.js";
import { parsePersonInput, parsePersonPatch, type PersonInput, type PersonPatch } from "../validate.js";
import { commitChanges, FieldChanges, originRecord, readFestival, requireEntry, short } from "./fields.js";

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
