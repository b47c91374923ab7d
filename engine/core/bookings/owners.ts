// Who owns a venue or a resource, and when it can be used: the owners listed on it, else its creator (the verified
// author of the change that made it). Availability windows read as instants, merged where they touch.
import { instantMs } from "../time.js";
import type { Authorship } from "./authorship.js";
import { BOOKING_LIMITS, textListOf } from "./model.js";

/** A venue or resource as stored: only the fields ownership and availability read. */
export interface Ownable {
  owners?: unknown;
  availability?: unknown;
}

/** The keys whose decisions count for `item`: its owners list, else its creator; empty when neither is known. */
export function ownersOf(item: Ownable, authorship: Authorship): string[] {
  const listed = textListOf(item.owners, BOOKING_LIMITS.owners);
  if (listed.length > 0) return listed;
  const creator = authorship.authorOf(item);
  return creator === null ? [] : [creator];
}

export interface Window {
  startMs: number;
  endMs: number;
}

/** A window as written: "START/END", both ISO 8601 with an offset, END after START; null otherwise. */
export function parseWindow(text: string): Window | null {
  const slash = text.indexOf("/");
  if (slash < 0) return null;
  const startMs = instantMs(text.slice(0, slash));
  const endMs = instantMs(text.slice(slash + 1));
  if (startMs === undefined || endMs === undefined || endMs <= startMs) return null;
  return { startMs, endMs };
}

/** The availability of `item` as sorted, merged windows; null when it has none (always available). */
export function availabilityOf(item: Ownable): Window[] | null {
  const windows = textListOf(item.availability, BOOKING_LIMITS.availabilityWindows)
    .map(parseWindow)
    .filter((window): window is Window => window !== null)
    .sort((left, right) => left.startMs - right.startMs);
  if (windows.length === 0) return null;
  const merged: Window[] = [{ ...windows[0] }];
  for (const window of windows.slice(1)) {
    const last = merged[merged.length - 1];
    if (window.startMs <= last.endMs) last.endMs = Math.max(last.endMs, window.endMs);
    else merged.push({ ...window });
  }
  return merged;
}

/** Whether [startMs, endMs) lies inside one of the merged windows (null windows: always). */
export function withinAvailability(windows: readonly Window[] | null, startMs: number, endMs: number): boolean {
  if (windows === null) return true;
  let low = 0;
  let high = windows.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const window = windows[middle];
    if (startMs < window.startMs) high = middle - 1;
    else if (startMs >= window.endMs) low = middle + 1;
    else return endMs <= window.endMs;
  }
  return false;
}
