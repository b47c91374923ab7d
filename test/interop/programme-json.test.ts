// The attendee view's programme.json: what it carries (no deleted events or people, links with the venue's stream)
// and what reading a hostile answer keeps (web addresses only, bounded lists).
import { describe, expect, it } from "vitest";
import { parsePublicProgramme, programmeJson } from "../../engine/core/programme-json.js";
import { event, festival, person, venue } from "./fixtures.js";

const ID = "2p6X7dVhG5dH4oJQ8b3nzrjg4k1A";

function sample() {
  return festival({
    name: "Sommerfest",
    venues: [venue("v_stage", { name: "Stage", links: [{ title: "Livestream", url: "https://live.example/stage" }] }), venue("v_tent", { name: "Tent" })],
    people: [person("p_ana", "Ana"), { ...person("p_gone", "Gone"), removed: true }],
    events: [
      event("e_open", {
        title: "Opening",
        venueId: "v_stage",
        start: "2027-07-01T20:00:00+02:00",
        end: "2027-07-01T21:00:00+02:00",
        hostIds: ["p_ana", "p_gone"],
        subtitle: "Doors at 19:30",
        type: "concert",
        abstract: "Three bands, one stage.",
        links: [{ title: "Tickets", url: "https://tickets.example/open" }],
      }),
      event("e_gone", { title: "Deleted talk", venueId: "v_tent", start: "2027-07-01T18:00:00+02:00", end: "2027-07-01T19:00:00+02:00", removed: true }),
    ],
  });
}

describe("programme.json", () => {
  it("leaves out deleted events and people, and gives each event its links and its venue's stream", () => {
    const programme = programmeJson(sample(), ID);
    expect(programme.events.map((item) => item.id)).toEqual(["e_open"]);
    expect(programme.hosts).toEqual([{ id: "p_ana", name: "Ana" }]);
    expect(programme.events[0].subtitle).toBe("Doors at 19:30");
    expect(programme.events[0].type).toBe("concert");
    expect(programme.events[0].abstract).toBe("Three bands, one stage.");
    expect(programme.events[0].links).toEqual([
      { title: "Tickets", url: "https://tickets.example/open" },
      { title: "Livestream", url: "https://live.example/stage" },
    ]);
    expect(parsePublicProgramme(JSON.parse(JSON.stringify(programme)))).toEqual(programme);
  });

  it("reads only web addresses as links, at most 20, from an answer made by hand", () => {
    const programme = JSON.parse(JSON.stringify(programmeJson(sample(), ID)));
    programme.events[0].links = [
      { title: "Script", url: "javascript:alert(1)" },
      { title: "Data", url: "data:text/html,<script>alert(2)</script>" },
      { title: "Spaced", url: "https://example.org/a b" },
      "not a link",
      { title: 7, url: "https://example.org/ok" },
      ...Array.from({ length: 30 }, (_, index) => ({ title: `Link ${index}`, url: `https://example.org/${index}` })),
    ];
    const links = parsePublicProgramme(programme).events[0].links;
    expect(links.every((link) => link.url.startsWith("https://example.org/"))).toBe(true);
    expect(links[0]).toEqual({ title: "", url: "https://example.org/ok" });
    expect(links.length).toBe(16); // of the first 20 items, the four that are not web links are left out
  });

  it("carries an event's booking confirmation only when it asked for something, and reads only whole counts back", () => {
    const programme = programmeJson(sample(), ID, { e_open: { accepted: 1, requested: 2 }, e_gone: { accepted: 0, requested: 1 } });
    expect(programme.events.map((item) => [item.id, item.confirmation])).toEqual([["e_open", { accepted: 1, requested: 2 }]]);
    expect(programmeJson(sample(), ID).events[0]).not.toHaveProperty("confirmation");
    const answer = JSON.parse(JSON.stringify(programme));
    expect(parsePublicProgramme(answer).events[0].confirmation).toEqual({ accepted: 1, requested: 2 });
    for (const hostile of [{ accepted: 3, requested: 2 }, { accepted: -1, requested: 2 }, { accepted: 0.5, requested: 1 }, { accepted: 0, requested: 1e9 }, "1/2", null]) {
      answer.events[0].confirmation = hostile;
      expect(parsePublicProgramme(answer).events[0]).not.toHaveProperty("confirmation");
    }
  });
});
