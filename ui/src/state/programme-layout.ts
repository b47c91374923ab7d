// The organiser's programme: the festival days of programme-days.ts and the events that clash, from the live model.
// Memoised by the model's version so re-renders cost nothing.
import { forEachClash } from "../../../engine/core/checks.js";
import type { FestivalModel } from "./festival-model.js";
import { layoutDays, type ProgrammeDays } from "./programme-days.js";
import type { ScheduledEvent } from "./scheduled-event.js";

export { SLOT_MINUTES, assignLanes, dayLabel, nowSlot, openingDay, type LanePlacement, type ProgrammeColumn, type ProgrammeDay, type TimeLabel } from "./programme-days.js";

export interface Programme extends ProgrammeDays {
  /** ids of events that overlap another non-cancelled event in the same venue */
  clashing: Set<string>;
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

/** The whole programme: every festival day (and any day an event falls on), by venue, and its clashes. */
export function layoutProgramme(model: FestivalModel): Programme {
  return { ...layoutDays(model), clashing: clashingEvents(model.events.values()) };
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
