// Parsers for CLI option values (numbers, coordinates, repeated options), failing with a usage error.
// Domain validation (dates, venues, time zones) stays in the engine; these only check the shape of what was typed.
import { PandafestError } from "../errors.js";

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

export function parseList(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}
