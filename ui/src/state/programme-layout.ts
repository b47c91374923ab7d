// The programme laid out for the screens: festival days, venue columns, time slots, and clashing events.
// Pure functions over the cached model; memoised by the model's version so re-renders cost nothing.
import { forEachClash } from "../../../engine/core/checks.js";
import { addDays, daysBetween, isCalendarDate, localDateTime, zonedDateTimeToEpoch } from "../../../engine/core/time.js";
import type { FestivalModel, ScheduledEvent } from "./festival-model.js";

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

export interface Programme {
  days: ProgrammeDay[];
  /** events whose start cannot be read */
  unscheduled: ScheduledEvent[];
  /** ids of events that overlap another non-cancelled event in the same venue */
  clashing: Set<string>;
}

function byStart(a: ScheduledEvent, b: ScheduledEvent): number {
  return a.startMs - b.startMs || a.title.localeCompare(b.title) || a.id.localeCompare(b.id);
}

/** Ids of events that clash with another (the rule is engine/core/checks.ts forEachClash, as `check` reports it). */
export function clashingEvents(events: Iterable<ScheduledEvent>): Set<string> {
  const clashing = new Set<string>();
  forEachClash(events, (earlier, later) => {
    clashing.add(earlier.id);
    clashing.add(later.id);
  });
  return clashing;
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

function layoutDay(model: FestivalModel, date: string, events: ScheduledEvent[]): ProgrammeDay {
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

/** The whole programme: every festival day (and any day an event falls on), by venue. */
export function layoutProgramme(model: FestivalModel): Programme {
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
  return { days, unscheduled, clashing: clashingEvents(model.events.values()) };
}

const memo = new WeakMap<FestivalModel, { version: number; programme: Programme }>();

/** layoutProgramme, computed once per model version. */
export function programmeOf(model: FestivalModel): Programme {
  const cached = memo.get(model);
  if (cached && cached.version === model.version) return cached.programme;
  const programme = layoutProgramme(model);
  memo.set(model, { version: model.version, programme });
  return programme;
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
