// An event with its times worked out in the festival's time zone: what every programme screen lays out and shows.
// Pure (no Automerge), so the attendee view, which reads the programme as JSON, shares it with the organiser's app.
import type { EventView, FestivalSettings } from "../../../engine/core/schema.js";
import { festivalDayOf, instantMs, localDateTime } from "../../../engine/core/time.js";

/** An event with its times worked out in the festival's time zone. */
export interface ScheduledEvent extends EventView {
  /** NaN when the stored time is not a valid instant */
  startMs: number;
  endMs: number;
  /** the festival day (YYYY-MM-DD) the event starts on; "" when its start is unreadable */
  day: string;
  /** HH:MM wall-clock times in the festival's time zone */
  startTime: string;
  endTime: string;
}

export function scheduleEvent(view: EventView, settings: Pick<FestivalSettings, "timeZone" | "dayStartsAt">): ScheduledEvent {
  const startMs = instantMs(view.start) ?? Number.NaN;
  const endMs = instantMs(view.end) ?? Number.NaN;
  const valid = Number.isFinite(startMs);
  return {
    ...view,
    startMs,
    endMs,
    day: valid ? festivalDayOf(startMs, settings.timeZone, settings.dayStartsAt) : "",
    startTime: valid ? localDateTime(startMs, settings.timeZone).time : "",
    endTime: Number.isFinite(endMs) ? localDateTime(endMs, settings.timeZone).time : "",
  };
}

