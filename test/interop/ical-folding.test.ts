// iCalendar line folding: pandafest's one-pass folding gives exactly the bytes ical-generator's own folding gives,
// for any text (property), and the calendar assembled from its parts is the calendar ical-generator writes.
import fc from "fast-check";
import ical from "ical-generator";
import { describe, expect, it } from "vitest";
import { foldContentLines, unfoldContentLines, unfoldedCalendarText } from "../../engine/core/interop/ical-folding.js";

function calendarWith(summaries: readonly string[]) {
  const calendar = ical({ name: "Sommerfest \u00e9t\u00e9 \ud83c\udf89", prodId: { company: "pandafest", product: "pandafest", language: "EN" } });
  calendar.description("A long description of the festival that goes on and on past seventy-five octets, with \u00fcml\u00e4uts");
  summaries.forEach((summary, index) =>
    calendar.createEvent({ id: `event-${index}`, start: new Date(Date.UTC(2027, 6, 1, 20)), end: new Date(Date.UTC(2027, 6, 1, 21)), stamp: new Date(0), summary, description: summary.repeat(3) }),
  );
  return calendar;
}

describe("iCalendar folding", () => {
  it("folds like ical-generator: any text, lone surrogates and four-octet characters included (property)", () => {
    const text = fc.oneof(fc.string({ unit: "grapheme", maxLength: 200 }), fc.string({ unit: "binary", maxLength: 200 }), fc.string({ maxLength: 300 }));
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 4 }), (summaries) => {
        const expected = calendarWith(summaries).toString();
        expect(foldContentLines(unfoldedCalendarText(calendarWith(summaries)))).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps every line at most 75 octets and unfolds to the text it folded", () => {
    const line = `SUMMARY:${"\u00e9\ud83c\udf89a".repeat(80)}`;
    const folded = foldContentLines(line);
    for (const part of folded.split("\r\n")) expect(Buffer.byteLength(part, "utf8")).toBeLessThanOrEqual(75);
    expect(unfoldContentLines(folded)).toBe(line);
  });
});
