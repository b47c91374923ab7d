// Moving a fork to another edition's dates: the festival's first day becomes the given date, its last day and
// every kept event move by the same number of days, on the festival's wall clock. Browser-safe.
import { PandafestError } from "../errors.js";
import { addDays, daysBetween, instantMs, isCalendarDate, formatIsoInZone, localDateTime, usableTimeZone, zonedDateTimeToEpoch } from "../time.js";

export interface DateShift {
  /** whole days everything moves by (negative: earlier) */
  days: number;
  startDate: string;
  endDate: string;
}

/**
 * The shift that makes `newStart` (YYYY-MM-DD) the first day of a festival whose dates are `startDate` and
 * `endDate`. Refused, about the field "shiftTo" of a "fork", when the date is not one or the festival has no first day.
 */
export function planDateShift(dates: { startDate: string; endDate: string }, newStart: string): DateShift {
  const about = { subject: "fork", field: "shiftTo" };
  const target = newStart.trim();
  if (!isCalendarDate(target)) {
    throw new PandafestError(`the new first day "${target}" is not a date; give it as YYYY-MM-DD, e.g. 2028-07-01`, { about });
  }
  if (!isCalendarDate(dates.startDate)) {
    throw new PandafestError("this festival has no first day to shift from; set its first day (Settings, or `festival edit --start`) and fork again", {
      about,
    });
  }
  const days = daysBetween(dates.startDate, target);
  const endDate = isCalendarDate(dates.endDate) ? addDays(dates.endDate, days) : dates.endDate;
  return { days, startDate: target, endDate };
}

/**
 * An event time moved by `days` on the zone's wall clock (18:00 stays 18:00 across a daylight saving change),
 * written with the zone's offset then. Text that is no instant is kept as it is (validation judges it elsewhere).
 */
export function shiftInstant(text: string, days: number, timeZone: string): string {
  const ms = instantMs(text);
  if (ms === undefined || days === 0) return text;
  const zone = usableTimeZone(timeZone);
  const wall = localDateTime(ms, zone);
  const withinMinute = ms - zonedDateTimeToEpoch(wall.date, wall.time, zone);
  return formatIsoInZone(zonedDateTimeToEpoch(addDays(wall.date, days), wall.time, zone) + withinMinute, zone);
}
