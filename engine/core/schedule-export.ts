// The export formats by name (frab-xml, frab-json, ical): rendering, content type and usual file name,
// shared by `pandafest export` and the server's /festivals/ID/schedule.* routes. Browser-safe.
import { PandafestError } from "./errors.js";
import { buildScheduleModel, toFrabJsonString, toFrabXml, toICalendar, type SkippedEvent } from "./interop/index.js";
import type { FestivalView } from "./schema.js";

export const EXPORT_FORMATS = ["frab-xml", "frab-json", "ical"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  "frab-xml": "application/xml; charset=utf-8",
  "frab-json": "application/json; charset=utf-8",
  ical: "text/calendar; charset=utf-8",
};

/** The file names apps look for (and the server serves under /festivals/ID/). */
export const EXPORT_FILE_NAMES: Readonly<Record<ExportFormat, string>> = {
  "frab-xml": "schedule.xml",
  "frab-json": "schedule.json",
  ical: "calendar.ics",
};

export interface ExportOptions {
  /** public http(s) address of the festival's pages: adds per-event URLs */
  baseUrl?: string;
  /** DTSTAMP of iCalendar events; default now */
  stamp?: Date;
  /** iCalendar SEQUENCE per event id (eventRevisions in engine/core/event-revisions.ts) */
  revisions?: ReadonlyMap<string, number>;
}

export interface RenderedExport {
  format: ExportFormat;
  text: string;
  contentType: string;
  /** events left out because their times cannot be read */
  skipped: SkippedEvent[];
}

export function isExportFormat(text: string): text is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(text);
}

export function parseExportFormat(text: string): ExportFormat {
  const format = text.trim().toLowerCase();
  if (!isExportFormat(format)) {
    throw new PandafestError(`--format "${text}" is unknown; choose one of ${EXPORT_FORMATS.join(", ")}`, { code: "usage" });
  }
  return format;
}

/** Renders a festival in one export format. Throws PandafestError (code "data") when the festival cannot be exported. */
export function renderExport(view: FestivalView, festivalId: string, format: ExportFormat, options: ExportOptions = {}): RenderedExport {
  const { skipped } = buildScheduleModel(view, festivalId, { baseUrl: options.baseUrl });
  const text =
    format === "frab-xml"
      ? toFrabXml(view, festivalId, { baseUrl: options.baseUrl })
      : format === "frab-json"
        ? toFrabJsonString(view, festivalId, { baseUrl: options.baseUrl })
        : toICalendar(view, festivalId, { baseUrl: options.baseUrl, stamp: options.stamp, revisions: options.revisions });
  return { format, text, contentType: EXPORT_CONTENT_TYPES[format], skipped };
}
