// The time zone of an imported schedule: the declared one, or (when a file declares none) a real IANA zone
// whose offsets match every time the file writes. Browser-safe; zone offsets come from Intl.
import { formatOffset, isKnownTimeZone, offsetMinutesAt } from "./zoned-time.js";

/** A time the schedule writes with an explicit offset: the instant and the offset written. */
export interface WrittenOffset {
  instantMs: number;
  offsetMinutes: number;
}

export interface ZoneChoice {
  timeZone: string;
  /** why this zone, when a person should know (inferred, contradicted, approximated); undefined when declared and consistent */
  note?: string;
}

/**
 * Zones tried first, in this order, so that the usual answer is the zone most people would name (all of them
 * real IANA zones); the rest of the runtime's zones follow in alphabetical order.
 */
const PREFERRED_ZONES = [
  "UTC",
  "Europe/London",
  "Europe/Berlin",
  "Europe/Helsinki",
  "Europe/Moscow",
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Phoenix",
  "America/Los_Angeles",
  "America/Sao_Paulo",
  "America/Mexico_City",
  "Asia/Dubai",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Asia/Bangkok",
  "Asia/Shanghai",
  "Asia/Tokyo",
  "Australia/Adelaide",
  "Australia/Brisbane",
  "Australia/Sydney",
  "Pacific/Auckland",
  "Africa/Lagos",
  "Africa/Johannesburg",
  "Africa/Nairobi",
];

/** The most distinct (instant, offset) pairs compared per zone: offsets change a few times a year at most. */
const MAX_SAMPLES = 64;

function candidateZones(): string[] {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const rest = all.filter((zone) => !PREFERRED_ZONES.includes(zone) && !zone.startsWith("Etc/")).sort();
  return [...PREFERRED_ZONES.filter(isKnownTimeZone), ...rest];
}

/** A few written offsets that stand for all of them: one per distinct offset per month. */
function samplesOf(written: readonly WrittenOffset[]): WrittenOffset[] {
  const seen = new Map<string, WrittenOffset>();
  for (const item of written) {
    const key = `${item.offsetMinutes}:${Math.floor(item.instantMs / (86_400_000 * 30))}`;
    if (!seen.has(key)) seen.set(key, item);
    if (seen.size >= MAX_SAMPLES) break;
  }
  return [...seen.values()];
}

function matchesAll(zone: string, samples: readonly WrittenOffset[]): boolean {
  return samples.every((sample) => offsetMinutesAt(sample.instantMs, zone) === sample.offsetMinutes);
}

/** "UTC+02:00" (reads the right way round, unlike Etc/GMT-2). */
export function describeOffset(offsetMinutes: number): string {
  return offsetMinutes === 0 ? "UTC" : `UTC${formatOffset(offsetMinutes)}`;
}

function describeOffsets(samples: readonly WrittenOffset[]): string {
  return [...new Set(samples.map((sample) => describeOffset(sample.offsetMinutes)))].join(" and ");
}

/** The first zone (preferred ones first) whose offsets match every sample, or undefined. */
function matchingZone(samples: readonly WrittenOffset[]): string | undefined {
  return candidateZones().find((zone) => matchesAll(zone, samples));
}

/**
 * The zone of a schedule. A declared zone is kept (the instants stay as written either way); when it
 * contradicts every written offset the note says so. Without a declared zone: the first real zone matching
 * every written offset; else one matching the most common offset, with a note. Undefined when nothing fits.
 */
export function chooseTimeZone(declared: string | undefined, written: readonly WrittenOffset[]): ZoneChoice | undefined {
  const samples = samplesOf(written);
  if (declared !== undefined) {
    if (samples.length === 0 || samples.some((sample) => offsetMinutesAt(sample.instantMs, declared) === sample.offsetMinutes)) {
      return { timeZone: declared };
    }
    return {
      timeZone: declared,
      note: `'time_zone_name' ${declared} contradicts every time in the file (written as ${describeOffsets(samples)}); the times are kept as written and shown in ${declared}`,
    };
  }
  if (samples.length === 0) return undefined;
  const exact = matchingZone(samples);
  if (exact !== undefined) {
    return { timeZone: exact, note: `no 'time_zone_name'; ${exact} matches every time in the file (${describeOffsets(samples)})` };
  }
  const counts = new Map<number, number>();
  for (const item of written) counts.set(item.offsetMinutes, (counts.get(item.offsetMinutes) ?? 0) + 1);
  const [common] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
  const partial = matchingZone(samples.filter((sample) => sample.offsetMinutes === common));
  if (partial === undefined) return undefined;
  return {
    timeZone: partial,
    note: `no 'time_zone_name' and the times are written with different offsets (${describeOffsets(samples)}); chose ${partial}, which matches ${describeOffset(common)}; every time is kept as written`,
  };
}
