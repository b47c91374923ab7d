// The static archive of a festival (`pandafest export --format html`, `serve`'s /festivals/ID/archive/): every
// page, the style sheet, the schedule exports and the manifest, as { path, text }. Browser-safe; callers write or serve.
import type { FestivalView } from "../schema.js";
import { EXPORT_FILE_NAMES, EXPORT_FORMATS, renderExport, type ExportFormat, type ExportOptions } from "../schedule-export.js";
import type { SkippedEvent } from "../interop/index.js";
import { buildArchiveModel, type ArchiveModel } from "./archive-model.js";
import { INDEX_PAGE, STYLE_SHEET } from "./file-names.js";
import { documentText, type Markup } from "./html.js";
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

export interface ArchivePages {
  days: number;
  venues: number;
  events: number;
  people: number;
}

/** The archive's files by path, each rendered when asked for: what a server keeps per festival version. */
export interface ArchiveRenderer {
  /** every path of the archive, the manifest last */
  paths: readonly string[];
  /** the text of the file at `path`, or undefined when the archive has no such file */
  render(path: string): string | undefined;
  pages: ArchivePages;
  /** events whose times cannot be read: left out, as in every export */
  skipped: SkippedEvent[];
}

export interface StaticArchive {
  files: ArchiveFile[];
  pages: ArchivePages;
  skipped: SkippedEvent[];
}

/**
 * Plans the festival's static archive: the model is built now, each file's text when rendered.
 * Throws PandafestError (code "data") when the festival cannot be exported (unknown zone, unreadable dates).
 */
export function archiveRenderer(view: FestivalView, festivalId: string, options: ExportOptions = {}): ArchiveRenderer {
  const model: ArchiveModel = buildArchiveModel(view, festivalId, { baseUrl: options.baseUrl });
  const renderers = new Map<string, () => string>();
  const page = (path: string, render: () => Markup) => renderers.set(path, () => documentText(render()));
  page(INDEX_PAGE, () => indexPage(model));
  renderers.set(STYLE_SHEET, () => STYLE_SHEET_TEXT);
  for (const day of model.days) page(day.path, () => dayPage(model, day));
  for (const venue of model.venues) page(venue.path, () => venuePage(model, venue));
  for (const event of model.events) page(event.path, () => eventPage(model, event));
  for (const person of model.people) page(person.path, () => personPage(model, person));
  for (const format of EXPORT_FORMATS as readonly ExportFormat[]) {
    renderers.set(EXPORT_FILE_NAMES[format], () => renderExport(view, festivalId, format, options).text);
  }
  const listed = [...renderers.keys()];
  renderers.set(ARCHIVE_MANIFEST, () => manifestText(listed));
  return {
    paths: [...renderers.keys()],
    render: (path) => renderers.get(path)?.(),
    pages: { days: model.days.length, venues: model.venues.length, events: model.events.length, people: model.people.length },
    skipped: model.skipped,
  };
}

/** Renders every file of the festival's static archive, the manifest last (a writer that writes in order finishes with it). */
export function renderArchive(view: FestivalView, festivalId: string, options: ExportOptions = {}): StaticArchive {
  const renderer = archiveRenderer(view, festivalId, options);
  const files = renderer.paths.map((path) => ({ path, text: renderer.render(path) as string }));
  return { files, pages: renderer.pages, skipped: renderer.skipped };
}
