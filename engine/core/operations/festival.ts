// Festival-wide settings: name, description, time zone, dates, the hour a festival day starts,
// visibility. Validated like everything else; the dates must still run forward after the edit.
import type { FestivalEditor } from "../editor.js";
import { textOf } from "../views.js";
import { assertDateRange, parseFestivalPatch, type FestivalPatch } from "../validate.js";
import { commitChanges, FieldChanges, readFestival } from "./fields.js";

/** Changes the given festival settings; returns the fields written. */
export function editFestival(editor: FestivalEditor, patch: FestivalPatch): string[] {
  const fields = parseFestivalPatch(patch);
  const doc = readFestival(editor);
  if (fields.startDate !== undefined || fields.endDate !== undefined) {
    assertDateRange(fields.startDate ?? textOf(doc.startDate), fields.endDate ?? textOf(doc.endDate));
  }
  const changes = new FieldChanges(doc)
    .text("name", fields.name)
    .text("description", fields.description)
    .text("timeZone", fields.timeZone)
    .text("startDate", fields.startDate)
    .text("endDate", fields.endDate)
    .text("dayStartsAt", fields.dayStartsAt)
    .text("visibility", fields.visibility);
  return commitChanges(editor, changes, (draft) => draft, "edit festival");
}
