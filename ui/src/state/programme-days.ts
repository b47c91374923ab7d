// Festival days laid out for the programme screens: venue columns, time slots, side-by-side lanes for overlaps,
// the day to open on and where the now-line runs. Pure, with no Automerge: the attendee view shares it.
import type { FestivalSettings } from "../../../engine/core/schema.js";
import { addDays, daysBetween, isCalendarDate, localDateTime, zonedDateTimeToEpoch } from "../../../engine/core/time.js";
import type { ScheduledEvent } from "./scheduled-event.js";

export const SLOT_MINUTES = 15;
const MINUTE_MS = 60_000;
/** A festival day's grid spans at most this many hours from its start (late nights run past midnight). */
const MAX_DAY_HOURS = 36;
const MAX_DAYS = 366;

export interface ProgrammeColumn {
  venueId: string;
  name: string;
  removed: boolean;
  /** the events name a venue that does not exist (a dangling reference) */
  missing: boolean;
  events: ScheduledEvent[];
}

export interface TimeLabel {
  slot: number;
  text: string;
}

export interface ProgrammeDay {
  date: string;
  /** events of the day, by start time, then title */
  events: ScheduledEvent[];
  columns: ProgrammeColumn[];
  /** when the festival day begins (epoch ms) */
  dayStartMs: number;
  firstSlot: number;
  lastSlot: number;
  labels: TimeLabel[];
}

/** What laying out a programme reads: the organiser's live festival model, or the attendee view's programme. */
export interface ProgrammeSource {
  readonly settings: Pick<FestivalSettings, "timeZone" | "dayStartsAt" | "startDate" | "endDate">;
  readonly events: ReadonlyMap<string, ScheduledEvent>;
  readonly venues: ReadonlyMap<string, { name: string; removed: boolean }>;
  /** the venues not removed, by name */
  liveVenues(): Array<{ id: string; name: string }>;
}

export interface ProgrammeDays {
  days: ProgrammeDay[];
  /** events whose start cannot be read */
  unscheduled: ScheduledEvent[];
}

function byStart(a: ScheduledEvent, b: ScheduledEvent): number {
  return a.startMs - b.startMs || a.title.localeCompare(b.title) || a.id.localeCompare(b.id);
}

function festivalDays(startDate: string, endDate: string, eventDays: Iterable<string>): string[] {
  const days = new Set<string>();
  if (isCalendarDate(startDate) && isCalendarDate(endDate)) {
    const span = Math.min(daysBetween(startDate, endDate), MAX_DAYS);
    for (let offset = 0; offset <= span; offset++) days.add(addDays(startDate, offset));
  }
  for (const day of eventDays) if (day !== "") days.add(day);
  return [...days].sort();
}

function layoutDay(model: ProgrammeSource, date: string, events: ScheduledEvent[]): ProgrammeDay {
  const { timeZone, dayStartsAt } = model.settings;
  const dayStartMs = zonedDateTimeToEpoch(date, dayStartsAt, timeZone);
  const maxSlot = (MAX_DAY_HOURS * 60) / SLOT_MINUTES;
  let firstSlot = maxSlot;
  let lastSlot = 0;
  for (const event of events) {
    const start = Math.max(0, Math.floor((event.startMs - dayStartMs) / MINUTE_MS / SLOT_MINUTES));
    const endMs = Number.isFinite(event.endMs) && event.endMs > event.startMs ? event.endMs : event.startMs + SLOT_MINUTES * MINUTE_MS;
    const end = Math.min(maxSlot, Math.ceil((endMs - dayStartMs) / MINUTE_MS / SLOT_MINUTES));
    firstSlot = Math.min(firstSlot, start);
    lastSlot = Math.max(lastSlot, end);
  }
  if (events.length === 0) {
    firstSlot = 0;
    lastSlot = 0;
  }
  const slotsPerHour = 60 / SLOT_MINUTES;
  firstSlot = Math.floor(firstSlot / slotsPerHour) * slotsPerHour;
  lastSlot = Math.max(firstSlot + slotsPerHour, Math.ceil(lastSlot / slotsPerHour) * slotsPerHour);

  const labels: TimeLabel[] = [];
  for (let slot = firstSlot; slot < lastSlot; slot += slotsPerHour) {
    labels.push({ slot, text: localDateTime(dayStartMs + slot * SLOT_MINUTES * MINUTE_MS, timeZone).time });
  }

  const columns: ProgrammeColumn[] = model.liveVenues().map((venue) => ({
    venueId: venue.id,
    name: venue.name,
    removed: false,
    missing: false,
    events: [],
  }));
  const columnOf = new Map(columns.map((column) => [column.venueId, column]));
  for (const event of events) {
    let column = columnOf.get(event.venueId);
    if (!column) {
      const venue = model.venues.get(event.venueId);
      column = { venueId: event.venueId, name: venue?.name ?? "", removed: venue?.removed ?? false, missing: venue === undefined, events: [] };
      columnOf.set(event.venueId, column);
      columns.push(column);
    }
    column.events.push(event);
  }
  return { date, events, columns, dayStartMs, firstSlot, lastSlot, labels };
}


/** Every festival day (and any day an event falls on), by venue, and the events whose start cannot be read. */
export function layoutDays(model: ProgrammeSource): ProgrammeDays {
  const byDay = new Map<string, ScheduledEvent[]>();
  const unscheduled: ScheduledEvent[] = [];
  for (const event of model.events.values()) {
    if (event.day === "") {
      unscheduled.push(event);
      continue;
    }
    const list = byDay.get(event.day);
    if (list) list.push(event);
    else byDay.set(event.day, [event]);
  }
  const days = festivalDays(model.settings.startDate, model.settings.endDate, byDay.keys()).map((date) => {
    const events = (byDay.get(date) ?? []).sort(byStart);
    return layoutDay(model, date, events);
  });
  return { days, unscheduled };
}

/** The day a programme opens on: the festival day running at `nowMs` when there is one, else the first day. */
export function openingDay(days: readonly ProgrammeDay[], nowMs: number): string | undefined {
  const running = days.find((day) => nowMs >= day.dayStartMs && nowMs < day.dayStartMs + 24 * 60 * MINUTE_MS);
  return (running ?? days[0])?.date;
}

/** Where the now-line runs in a day's grid, in slots from its first row (fractional); undefined outside the grid. */
export function nowSlot(day: ProgrammeDay, nowMs: number): number | undefined {
  const slot = (nowMs - day.dayStartMs) / MINUTE_MS / SLOT_MINUTES;
  return slot >= day.firstSlot && slot < day.lastSlot ? slot - day.firstSlot : undefined;
}

const DAY_FORMAT_OPTIONS: Record<"long" | "short", Intl.DateTimeFormatOptions> = {
  long: { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" },
  short: { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" },
};
/** dayLabel's formats, each made once (making one costs about a millisecond; a programme labels every day each render) */
const dayFormats = new Map<"long" | "short", Intl.DateTimeFormat>();

/** The day's label in the reader's language, e.g. "Friday 3 July 2026". */
export function dayLabel(date: string, style: "long" | "short" = "long"): string {
  const instant = Date.parse(`${date}T12:00:00Z`);
  if (Number.isNaN(instant)) return date;
  let format = dayFormats.get(style);
  if (format === undefined) dayFormats.set(style, (format = new Intl.DateTimeFormat(undefined, DAY_FORMAT_OPTIONS[style])));
  return format.format(instant);
}

export interface LanePlacement {
  lane: number;
  lanes: number;
}

/**
 * Side-by-side lanes for one venue's events of one day, so overlapping events (clashes) stay visible:
 * each group of overlapping events shares its width between as many lanes as it needs.
 */
export function assignLanes(events: readonly ScheduledEvent[]): Map<string, LanePlacement> {
  const placements = new Map<string, LanePlacement>();
  let group: Array<{ id: string; lane: number }> = [];
  let laneEnds: number[] = [];
  let groupEnd = -Infinity;
  const closeGroup = () => {
    for (const member of group) placements.set(member.id, { lane: member.lane, lanes: laneEnds.length });
    group = [];
    laneEnds = [];
  };
  for (const event of events) {
    const endMs = Number.isFinite(event.endMs) && event.endMs > event.startMs ? event.endMs : event.startMs + 1;
    if (group.length > 0 && event.startMs >= groupEnd) {
      closeGroup();
      groupEnd = -Infinity;
    }
    let lane = laneEnds.findIndex((end) => end <= event.startMs);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(endMs);
    } else {
      laneEnds[lane] = endMs;
    }
    group.push({ id: event.id, lane });
    groupEnd = Math.max(groupEnd, endMs);
  }
  closeGroup();
  return placements;
}
