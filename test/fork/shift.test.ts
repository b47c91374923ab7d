// Moving a fork to the new edition's first day: the dates and every kept event move by the same number of
// days on the festival's wall clock (across daylight saving changes), bad dates refused beside their field.
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { editorForDoc } from "../../engine/core/editor.js";
import { PandafestError } from "../../engine/core/errors.js";
import { addEvent, addVenue } from "../../engine/core/operations.js";
import type { Festival } from "../../engine/core/schema.js";
import { createFestivalDoc } from "../../engine/core/skeleton.js";
import { festivalView } from "../../engine/core/views.js";
import { forkInit, planDateShift, planKeep, shiftInstant } from "../../engine/node/fork/index.js";

const ORIGIN_URL = "automerge:2EnNQ7Wzjjvahte9RSDc3VhH8vh4";

function refusal(run: () => unknown): PandafestError {
  try {
    run();
  } catch (error) {
    if (error instanceof PandafestError) return error;
    throw error;
  }
  throw new Error("expected a PandafestError");
}

describe("planDateShift", () => {
  it("moves the first and last day by the days between the old and the new first day", () => {
    expect(planDateShift({ startDate: "2027-07-01", endDate: "2027-07-05" }, "2028-06-29")).toEqual({ days: 364, startDate: "2028-06-29", endDate: "2028-07-03" });
    expect(planDateShift({ startDate: "2027-07-01", endDate: "2027-07-05" }, "2027-06-28")).toEqual({ days: -3, startDate: "2027-06-28", endDate: "2027-07-02" });
    expect(planDateShift({ startDate: "2027-07-01", endDate: "" }, " 2027-07-02 ")).toEqual({ days: 1, startDate: "2027-07-02", endDate: "" });
  });

  it("refuses a date that is not one, and a festival without a first day, about the fork's shiftTo field", () => {
    const bad = refusal(() => planDateShift({ startDate: "2027-07-01", endDate: "2027-07-05" }, "2028-02-30"));
    expect(bad.message).toBe('the new first day "2028-02-30" is not a date; give it as YYYY-MM-DD, e.g. 2028-07-01');
    expect(bad.about).toEqual({ subject: "fork", field: "shiftTo" });
    const undated = refusal(() => planDateShift({ startDate: "", endDate: "" }, "2028-07-01"));
    expect(undated.message).toContain("no first day to shift from");
    expect(undated.about).toEqual({ subject: "fork", field: "shiftTo" });
  });
});

describe("shiftInstant", () => {
  it("keeps the wall-clock time across a daylight saving change, with the offset of the new date", () => {
    expect(shiftInstant("2027-03-20T18:00:00+01:00", 14, "Europe/Berlin")).toBe("2027-04-03T18:00:00+02:00");
    expect(shiftInstant("2027-04-03T18:00:00+02:00", -14, "Europe/Berlin")).toBe("2027-03-20T18:00:00+01:00");
    // an instant written in another offset is read on the festival's clock and written in its offset
    expect(shiftInstant("2027-07-01T16:00:00Z", 7, "Europe/Berlin")).toBe("2027-07-08T18:00:00+02:00");
  });

  it("keeps seconds, and leaves text that is no instant (or no shift) alone", () => {
    expect(shiftInstant("2027-07-01T18:00:30+02:00", 1, "Europe/Berlin")).toBe("2027-07-02T18:00:30+02:00");
    expect(shiftInstant("not a time", 3, "Europe/Berlin")).toBe("not a time");
    expect(shiftInstant("2027-07-01T18:00:00+02:00", 0, "Europe/Berlin")).toBe("2027-07-01T18:00:00+02:00");
  });
});

describe("forkInit with choices", () => {
  function origin() {
    const editor = editorForDoc(createFestivalDoc({ name: "Open Air", timeZone: "Europe/Berlin", startDate: "2027-03-26", endDate: "2027-03-28", visibility: "public" }));
    const venueId = addVenue(editor, { name: "Main Stage" });
    const opening = addEvent(editor, { title: "Opening", venueId, start: "2027-03-26T20:00:00+01:00", end: "2027-03-26T21:00:00+01:00" });
    // past midnight, in the night the clocks go forward
    const late = addEvent(editor, { title: "Late set", venueId, start: "2027-03-28T00:30:00+01:00", end: "2027-03-28T01:30:00+01:00" });
    return { editor, opening, late };
  }

  it("moves the dates and every kept event to the new edition, and sets the chosen visibility", () => {
    const { editor, opening, late } = origin();
    const { init, shiftedDays } = forkInit({ view: festivalView(editor.doc), url: ORIGIN_URL, heads: A.getHeads(editor.doc) }, "Open Air Easter", planKeep(["events"]), {
      shiftTo: "2027-04-02",
      visibility: "private",
    });
    expect(shiftedDays).toBe(7);
    const fork = festivalView(A.change(A.init<Festival>(), init));
    expect([fork.startDate, fork.endDate, fork.visibility]).toEqual(["2027-04-02", "2027-04-04", "private"]);
    // a week later it is summer time: the same wall-clock hours, with the new offset
    expect([fork.events[opening].start, fork.events[opening].end]).toEqual(["2027-04-02T20:00:00+02:00", "2027-04-02T21:00:00+02:00"]);
    expect([fork.events[late].start, fork.events[late].end]).toEqual(["2027-04-04T00:30:00+02:00", "2027-04-04T01:30:00+02:00"]);
    expect(festivalView(editor.doc).events[opening].start).toBe("2027-03-26T20:00:00+01:00");
  });

  it("keeps the origin's dates and visibility without choices", () => {
    const { editor, opening } = origin();
    const { init, shiftedDays } = forkInit({ view: festivalView(editor.doc), url: ORIGIN_URL, heads: A.getHeads(editor.doc) }, "Copy", planKeep(["events"]));
    const fork = festivalView(A.change(A.init<Festival>(), init));
    expect(shiftedDays).toBe(0);
    expect([fork.startDate, fork.endDate, fork.visibility, fork.events[opening].start]).toEqual(["2027-03-26", "2027-03-28", "public", "2027-03-26T20:00:00+01:00"]);
  });
});
