// A new festival's first change: the whole skeleton (schema, settings, every collection, all 64 event
// shards) at once, so two peers never create competing collection objects. Input is validated before anything is written.
import * as A from "@automerge/automerge";
import { PandafestError } from "./errors.js";
import { emptyEventShards } from "./event-shards.js";
import { SCHEMA_VERSION, type Festival, type FestivalSettings, type Visibility } from "./schema.js";
import { DEFAULT_DAY_START, DEFAULT_TIME_ZONE, addDays, todayIn } from "./time.js";
import { assertDateRange, parseFestivalInput, type FestivalInput, type ScheduleOriginInput } from "./validate.js";

export type { FestivalInput } from "./validate.js";

/** Defaults for what FestivalInput leaves out. */
export const FESTIVAL_DEFAULTS = {
  timeZone: DEFAULT_TIME_ZONE,
  dayStartsAt: DEFAULT_DAY_START,
  /** New festivals are reachable only by those who know the id; publishing is a choice. */
  visibility: "public" as Visibility,
  /** Without dates a festival runs three days: today (in its time zone) and the two after. */
  lengthInDays: 3,
} as const;

export interface SkeletonOptions {
  /** The clock used for default dates (epoch ms); defaults to now. */
  nowMs?: number;
}

/** A new festival's settings with the defaults filled in: the settings shape (schema.ts), with no fork origin yet. */
export type ResolvedFestivalSettings = Omit<FestivalSettings, "forkedFrom">;

/**
 * Validates input and fills in defaults. Dates: both given are kept; only startDate gives a
 * three-day festival from it; only endDate gives the three days ending on it; neither gives today
 * (in the festival's time zone) and the two days after.
 */
export function resolveFestivalSettings(input: FestivalInput, options: SkeletonOptions = {}): ResolvedFestivalSettings {
  const parsed = parseFestivalInput(input);
  const timeZone = parsed.timeZone ?? FESTIVAL_DEFAULTS.timeZone;
  const span = FESTIVAL_DEFAULTS.lengthInDays - 1;
  const startDate =
    parsed.startDate ?? (parsed.endDate ? addDays(parsed.endDate, -span) : todayIn(timeZone, options.nowMs));
  const endDate = parsed.endDate ?? addDays(startDate, span);
  assertDateRange(startDate, endDate);
  return {
    name: parsed.name,
    description: parsed.description ?? "",
    timeZone,
    startDate,
    endDate,
    dayStartsAt: parsed.dayStartsAt ?? FESTIVAL_DEFAULTS.dayStartsAt,
    visibility: parsed.visibility ?? FESTIVAL_DEFAULTS.visibility,
  };
}

/** The complete first state of a festival, ready to be written in one change. */
export function festivalSkeleton(input: FestivalInput, options: SkeletonOptions = {}): Festival {
  const settings = resolveFestivalSettings(input, options);
  const short = (text: string) => new A.ImmutableString(text);
  return {
    schema: SCHEMA_VERSION,
    name: short(settings.name),
    description: short(settings.description),
    timeZone: short(settings.timeZone),
    startDate: short(settings.startDate),
    endDate: short(settings.endDate),
    dayStartsAt: short(settings.dayStartsAt),
    visibility: short(settings.visibility),
    venues: {},
    events: {},
    eventShards: emptyEventShards(),
    people: {},
    members: {},
    authors: {},
    governance: {},
    ...scheduleOriginRecord(parseFestivalInput(input).schedule),
  };
}

/** The schedule origin of an imported festival, as stored (nothing for a festival made in pandafest). */
function scheduleOriginRecord(origin: ScheduleOriginInput | undefined): Pick<Festival, "schedule"> {
  if (origin === undefined) return {};
  const record: NonNullable<Festival["schedule"]> = {};
  if (origin.acronym !== undefined) record.acronym = new A.ImmutableString(origin.acronym);
  if (origin.baseUrl !== undefined) record.baseUrl = new A.ImmutableString(origin.baseUrl);
  if (origin.version !== undefined) record.version = new A.ImmutableString(origin.version);
  return Object.keys(record).length === 0 ? {} : { schedule: record };
}

/**
 * Validates input now and returns the function that writes the skeleton into an empty document,
 * for the festival's first change (e.g. `handle.change(festivalInit(input))`).
 */
export function festivalInit(input: FestivalInput, options: SkeletonOptions = {}): (doc: Festival) => void {
  const skeleton = festivalSkeleton(input, options);
  return (doc) => {
    if (Object.keys(doc).length > 0) {
      throw new PandafestError("this document already holds data; a festival skeleton goes into an empty document", {
        code: "usage",
      });
    }
    Object.assign(doc, skeleton);
  };
}

/** A new festival as a raw Automerge document (one change holding the whole skeleton). */
export function createFestivalDoc(
  input: FestivalInput,
  options: SkeletonOptions & { actor?: string } = {},
): A.Doc<Festival> {
  const init = festivalInit(input, options);
  const empty = options.actor === undefined ? A.init<Festival>() : A.init<Festival>(options.actor);
  return A.change(empty, { message: `create festival ${textForMessage(input.name)}` }, init);
}

function textForMessage(name: unknown): string {
  return JSON.stringify(String(name).trim().slice(0, 80));
}
