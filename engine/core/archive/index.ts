// The static archive of a festival (`pandafest export --format html`, `serve`'s /festivals/ID/archive/): every
// page, the style sheet, the schedule exports and the manifest, as { path, text }. Browser-safe; callers write or serve.
import type { FestivalView } from "../schema.js";
import { EXPORT_FILE_NAMES, EXPORT_FORMATS, renderExport, type ExportOptions } from "../schedule-export.js";
import type { SkippedEvent } from "../interop/index.js";
import { buildArchiveModel } from "./archive-model.js";
import { INDEX_PAGE, STYLE_SHEET } from "./file-names.js";
import { documentText } from "./html.js";
import { ARCHIVE_MANIFEST, manifestText } from "./manifest.js";
import { dayPage, eventPage, indexPage, personPage, venuePage } from "./pages.js";
import { STYLE_SHEET_TEXT } from "./style.js";

export { ARCHIVE_MANIFEST, archiveContentType, parseArchiveManifest, type ArchiveManifest } from "./manifest.js";
export { escapeHtml } from "./html.js";

export interface ArchiveFile {
  /** relative, "/"-separated, made of fixed names and safe ids only: "index.html", "events/e_….html" */
  path: string;
  text: string;
}

export interface StaticArchive {
  files: ArchiveFile[];
  pages: { days: number; venues: number; events: number; people: number };
  /** events whose times cannot be read: left out, as in every export */
  skipped: SkippedEvent[];
}

/**
 * Renders the festival's static archive. The manifest comes last, so a writer that writes in order finishes with it.
 * Throws PandafestError (code "data") when the festival cannot be exported (unknown zone, unreadable dates).
 */
export function renderArchive(view: FestivalView, festivalId: string, options: ExportOptions = {}): StaticArchive {
  const model = buildArchiveModel(view, festivalId, { baseUrl: options.baseUrl });
  const files: ArchiveFile[] = [
    { path: INDEX_PAGE, text: documentText(indexPage(model)) },
    { path: STYLE_SHEET, text: STYLE_SHEET_TEXT },
  ];
  for (const day of model.days) files.push({ path: day.path, text: documentText(dayPage(model, day)) });
  for (const venue of model.venues) files.push({ path: venue.path, text: documentText(venuePage(model, venue)) });
  for (const event of model.events) files.push({ path: event.path, text: documentText(eventPage(model, event)) });
  for (const person of model.people) files.push({ path: person.path, text: documentText(personPage(model, person)) });
  for (const format of EXPORT_FORMATS) files.push({ path: EXPORT_FILE_NAMES[format], text: renderExport(view, festivalId, format, options).text });
  files.push({ path: ARCHIVE_MANIFEST, text: manifestText(files.map((file) => file.path)) });
  return {
    files,
    pages: { days: model.days.length, venues: model.venues.length, events: model.events.length, people: model.people.length },
    skipped: model.skipped,
  };
}
