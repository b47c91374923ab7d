// Imported schedule text made to fit the festival document's limits (validate.ts LIMITS): control characters
// removed, over-long texts cut, unusable links and identifiers dropped; every change is named for the import report.
import { isWebAddress } from "../links.js";
import { LIMITS } from "../validate.js";

/** A link as imported. */
export interface ImportedLink {
  title: string;
  url: string;
}

/** Collects what was changed to make one event fit, as short phrases ("title: control characters removed"). */
export class FitChanges {
  readonly list: string[] = [];
  add(change: string): void {
    this.list.push(change);
  }
}

const CONTROLS_IN_LINE = /[\u0000-\u001f\u007f]/g;
const CONTROLS_IN_PROSE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const HAS_CONTROLS_IN_LINE = /[\u0000-\u001f\u007f]/;
const HAS_CONTROLS_IN_PROSE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function cut(text: string, maxLength: number, field: string, changes: FitChanges): string {
  if (text.length <= maxLength) return text;
  changes.add(`${field}: ${text.length} characters, cut to ${maxLength}`);
  return `${text.slice(0, maxLength - 1).trimEnd()}…`;
}

/** One line: tabs and line breaks become spaces, other control characters go, then the text is cut to the limit. */
export function fitLine(text: string, maxLength: number, field: string, changes: FitChanges): string {
  let line = text;
  if (HAS_CONTROLS_IN_LINE.test(line)) {
    line = line.replace(/[\t\r\n]+/g, " ").replace(CONTROLS_IN_LINE, "").trim();
    changes.add(`${field}: control characters removed`);
  }
  return cut(line, maxLength, field, changes);
}

/** Prose: line breaks and tabs stay, other control characters go, then the text is cut to the limit. */
export function fitProse(text: string, maxLength: number, field: string, changes: FitChanges): string {
  let prose = text;
  if (HAS_CONTROLS_IN_PROSE.test(prose)) {
    prose = prose.replace(CONTROLS_IN_PROSE, "");
    changes.add(`${field}: control characters removed`);
  }
  return cut(prose.trim(), maxLength, field, changes);
}

/** Links from a frab/pretalx list of { title, url }: only http(s) addresses; titles default to the address. */
export function fitLinks(raw: unknown, field: string, changes: FitChanges): ImportedLink[] {
  if (!Array.isArray(raw)) return [];
  const links: ImportedLink[] = [];
  let dropped = 0;
  for (const item of raw) {
    const record = typeof item === "object" && item !== null ? (item as Record<string, unknown>) : {};
    const url = typeof record.url === "string" ? record.url.trim() : typeof record.href === "string" ? record.href.trim() : "";
    if (!isWebAddress(url) || url.length > LIMITS.urlLength) {
      dropped += 1;
      continue;
    }
    const titleText = typeof record.title === "string" && record.title.trim() !== "" ? record.title : url;
    const title = fitLine(titleText, LIMITS.labelLength, `${field} title`, changes) || url.slice(0, LIMITS.labelLength);
    if (links.length >= LIMITS.links) {
      dropped += 1;
      continue;
    }
    links.push({ title, url });
  }
  if (dropped > 0) changes.add(`${field}: ${dropped} left out (not an http(s) address, or more than ${LIMITS.links})`);
  return links;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CODE = /^[A-Za-z0-9_-]{1,100}$/;
const SLUG = /^[a-z0-9_-]{1,200}$/;

/** A source guid in canonical (lowercase) form, or undefined when it is not a uuid. */
export function sourceGuid(value: unknown): string | undefined {
  return typeof value === "string" && GUID.test(value.trim()) ? value.trim().toLowerCase() : undefined;
}

/** A positive whole-number id from a number or digits, or undefined. */
export function sourceNumericId(value: unknown): number | undefined {
  const number = typeof value === "number" ? value : typeof value === "string" && /^\d{1,15}$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isSafeInteger(number) && number > 0 ? number : undefined;
}

export function sourceCode(value: unknown): string | undefined {
  return typeof value === "string" && CODE.test(value.trim()) ? value.trim() : undefined;
}

export function sourceSlug(value: unknown): string | undefined {
  return typeof value === "string" && SLUG.test(value.trim()) ? value.trim() : undefined;
}

export function sourceUrl(value: unknown): string | undefined {
  const text = typeof value === "string" ? value.trim() : "";
  return isWebAddress(text) && text.length <= LIMITS.urlLength ? text : undefined;
}
