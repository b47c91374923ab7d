// The time zones a festival may be in, as the browser knows them (IANA names), and the check of a typed
// name against that list, in words that say what to do.
import { canonicalTimeZone } from "../../../engine/core/time.js";

let names: readonly string[] | undefined;

/** Every IANA zone this browser supports, sorted, with UTC. */
export function timeZoneNames(): readonly string[] {
  names ??= [...new Set([...Intl.supportedValuesOf("timeZone"), "UTC"])].sort((a, b) => a.localeCompare(b));
  return names;
}

/**
 * Why `value` is not a zone of the list, or undefined when it is. `kept` is the value already stored (an older
 * spelling of a zone the list names differently stays acceptable so long as it is not changed).
 */
export function timeZoneProblem(value: string, kept?: string): string | undefined {
  const name = value.trim();
  if (name === "") return "Choose a time zone from the list (type part of a city, e.g. Berlin).";
  if (timeZoneNames().includes(name) || name === kept) return undefined;
  const listed = canonicalTimeZone(name);
  const hint = listed !== undefined && timeZoneNames().includes(listed) ? ` Did you mean ${listed}?` : " Type part of a city (e.g. Berlin) and pick a zone from the list.";
  return `“${name}” is not a time zone in the list.${hint}`;
}
