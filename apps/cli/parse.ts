// Parsers for CLI option values (numbers, coordinates, repeated options), failing with a usage error.
// Domain validation (dates, venues, time zones) stays in the engine; these only check the shape of what was typed.
import { PandafestError } from "../../engine/core/errors.js";

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseGeo(text: string): { lat: number; lon: number } {
  const parts = text.split(",").map((p) => p.trim());
  const [lat, lon] = parts.map(Number);
  if (parts.length !== 2 || !Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    throw new PandafestError(`--geo "${text}" is not LAT,LON (e.g. 52.52,13.405; latitude -90..90, longitude -180..180)`, { code: "usage" });
  }
  return { lat, lon };
}

export function parseCount(option: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
    throw new PandafestError(`${option} "${text}" is not a whole number`, { code: "usage" });
  }
  return value;
}

/**
 * A link typed as TITLE=URL ("Stream=https://example.org/live"); a bare URL is its own title. Only the shape is
 * read here; the engine checks the address (http/https only) and the lengths.
 */
export function parseLink(option: string, text: string): { title: string; url: string } {
  const match = /^(.*?)=((?:https?|[a-z][a-z0-9+.-]*):.*)$/is.exec(text.trim());
  if (match === null) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(text.trim())) return { title: text.trim(), url: text.trim() };
    throw new PandafestError(`${option} "${text}" is not TITLE=URL (e.g. ${option} "Stream=https://example.org/live")`, { code: "usage" });
  }
  const title = match[1].trim();
  return { title: title === "" ? match[2].trim() : title, url: match[2].trim() };
}

export function parseList(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}

const SIZE_UNITS: Record<string, number> = { "": 1, B: 1, K: 1024, KB: 1024, M: 1024 ** 2, MB: 1024 ** 2, G: 1024 ** 3, GB: 1024 ** 3 };

/** A size in bytes: a whole number with an optional unit K, M or G (powers of 1024), e.g. 64MB. */
export function parseSize(option: string, text: string): number {
  const match = /^\s*(\d+)\s*([KMG]?B?)\s*$/i.exec(text);
  const value = match === null ? NaN : Number(match[1]) * (SIZE_UNITS[match[2].toUpperCase()] ?? NaN);
  if (!Number.isSafeInteger(value)) {
    throw new PandafestError(`${option} "${text}" is not a size (a whole number of bytes, or with K, M or G: e.g. 64MB)`, { code: "usage" });
  }
  return value;
}
