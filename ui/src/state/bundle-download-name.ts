// The name a bundle downloaded from the web app is saved under: the festival's name and the day of the export,
// e.g. open-air-2027-08-01.pfb, with the CLI's extension (a stick keeps the CLI's standard names instead).
import { BUNDLE_FILE_EXTENSION } from "../../../bundles/format/naming.js";

const MAX_NAME_CHARS = 48;

/** The festival's name as lower-case letters, digits and hyphens (accents dropped); "festival" when none is left. */
export function fileNameSlug(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .slice(0, MAX_NAME_CHARS)
    .replace(/^-+|-+$/g, "");
  return slug === "" ? "festival" : slug;
}

/** `<festival name>-<YYYY-MM-DD, the local date of the export>.pfb` */
export function bundleDownloadName(festivalName: string, exportedAt: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const date = `${exportedAt.getFullYear()}-${pad(exportedAt.getMonth() + 1)}-${pad(exportedAt.getDate())}`;
  return `${fileNameSlug(festivalName)}-${date}${BUNDLE_FILE_EXTENSION}`;
}
