// A festival document is untrusted (it arrives over sync or on a stick): ids in it that name Object.prototype
// members ("constructor", "toString", "__proto__") are ids like any other in every schedule export.
import { describe, expect, it } from "vitest";
import { EXPORT_FORMATS, renderExport } from "../../engine/core/schedule-export.js";
import { event, festival, person, venue } from "./fixtures.js";

const FESTIVAL_ID = "fest-proto-0001";

function hostileFestival() {
  return festival({
    startDate: "2027-05-01",
    endDate: "2027-05-01",
    venues: [venue("v-hall", { name: "Hall" })],
    people: [person("p-ana", "Ana Real")],
    events: [
      event("e-one", { title: "Talk at a missing venue", venueId: "constructor", start: "2027-05-01T10:00:00Z", end: "2027-05-01T11:00:00Z", hostIds: ["toString", "__proto__", "p-ana"] }),
      event("e-two", { title: "Talk in the hall", venueId: "v-hall", start: "2027-05-01T12:00:00Z", end: "2027-05-01T13:00:00Z", hostIds: ["valueOf"] }),
    ],
  });
}

describe("ids that name Object.prototype members", () => {
  it("are unknown venues and unknown hosts in every export, never the prototype's functions", () => {
    for (const format of EXPORT_FORMATS) {
      const { text } = renderExport(hostileFestival(), FESTIVAL_ID, format);
      expect({ format, both: text.includes("Talk at a missing venue") && text.includes("Talk in the hall") }).toEqual({ format, both: true });
      expect(text).toContain("Ana Real");
      for (const leaked of ["toString", "valueOf", "__proto__", "function", "[native code]"]) {
        expect({ format, leaked: text.includes(leaked) }).toEqual({ format, leaked: false });
      }
    }
  });
});
