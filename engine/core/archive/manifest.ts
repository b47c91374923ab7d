// The archive's own file list (pandafest-archive.json) and the content type of each of its files: how a writer
// recognises a folder it wrote before, and how a server answers for each path.
import { EXPORT_CONTENT_TYPES } from "../schedule-export.js";

export const ARCHIVE_MANIFEST = "pandafest-archive.json";
const MANIFEST_FORMAT = "pandafest-archive";
const MANIFEST_VERSION = 1;

export interface ArchiveManifest {
  format: typeof MANIFEST_FORMAT;
  version: number;
  /** every file of the archive but the manifest itself, as relative paths with "/" */
  files: string[];
}

export function manifestText(files: readonly string[]): string {
  const manifest: ArchiveManifest = { format: MANIFEST_FORMAT, version: MANIFEST_VERSION, files: [...files] };
  return `${JSON.stringify(manifest, null, 1)}\n`;
}

/** The manifest of a folder written by `renderArchive`, or undefined for anything else (no throw). */
export function parseArchiveManifest(text: string): ArchiveManifest | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { format, version, files } = parsed as Partial<Record<keyof ArchiveManifest, unknown>>;
  if (format !== MANIFEST_FORMAT || typeof version !== "number" || !Array.isArray(files)) return undefined;
  if (!files.every((file): file is string => typeof file === "string")) return undefined;
  return { format, version, files };
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: EXPORT_CONTENT_TYPES["frab-json"],
  xml: EXPORT_CONTENT_TYPES["frab-xml"],
  ics: EXPORT_CONTENT_TYPES.ical,
};

/** The Content-Type of an archive file by its extension. */
export function archiveContentType(path: string): string {
  const extension = path.slice(path.lastIndexOf(".") + 1);
  return Object.hasOwn(CONTENT_TYPES, extension) ? CONTENT_TYPES[extension] : "application/octet-stream";
}
