// schedule.json export: valid against the c3voc JSON schema, times right in the festival's zone, stable ids.
// Checks day assignment with a 04:00 day start, cancelled/tentative marks, removed venues and awkward text.
import { describe, expect, it } from "vitest";
import { toFrabJson, toFrabJsonString, type FrabJsonEvent, type FrabJsonSchedule } from "../../engine/core/interop/frab-json.js";
import { eventGuid } from "../../engine/core/interop/guid.js";
import { PandafestError } from "../../engine/core/errors.js";
import {
  AUCKLAND_ID,
  aucklandFestival,
  LOS_ANGELES_ID,
  losAngelesFestival,
  scheduleJsonValidator,
} from "./fixtures.js";

const validate = scheduleJsonValidator();

function eventsOf(schedule: FrabJsonSchedule): { day: string; room: string; event: FrabJsonEvent }[] {
  return schedule.schedule.conference.days.flatMap((day) =>
    Object.entries(day.rooms).flatMap(([room, events]) => events.map((event) => ({ day: day.date, room, event }))),
  );
}

function findEvent(schedule: FrabJsonSchedule, titlePart: string): { day: string; room: string; event: FrabJsonEvent } {
  const found = eventsOf(schedule).find(({ event }) => event.title.includes(titlePart));
  if (found === undefined) throw new Error(`no event titled like ${titlePart}`);
  return found;
}

describe("schedule.json export", () => {
  it("validates against the c3voc schema, with and without a base URL", () => {
    for (const options of [{}, { baseUrl: "https://fest.example.org/pandafest" }]) {
      const schedule = toFrabJson(aucklandFestival(), AUCKLAND_ID, options);
      const valid = validate(schedule);
      expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
      expect(valid).toBe(true);
    }
    const losAngeles = toFrabJson(losAngelesFestival(), LOS_ANGELES_ID);
    expect(validate(losAngeles), JSON.stringify(validate.errors)).toBe(true);
  });

  it("the schema check is real: a broken export is rejected", () => {
    const schedule = toFrabJson(aucklandFestival(), AUCKLAND_ID);
    const broken = structuredClone(schedule);
    const first = Object.values(broken.schedule.conference.days[0].rooms).find((events) => events.length > 0);
    if (first === undefined) throw new Error("fixture has no events on day 1");
    (first[0] as unknown as Record<string, unknown>).start = "25:99";
    expect(validate(broken)).toBe(false);
  });

  it("describes the conference and its days in the festival's zone, honouring the 04:00 day start", () => {
    const { conference } = toFrabJson(aucklandFestival(), AUCKLAND_ID).schedule;
    expect(conference.title).toBe('Pandafest <Sommer> & "Friends" 2027 🎪');
    expect(conference.acronym).toMatch(/^[a-z0-9_]{4,}$/);
    expect(conference.time_zone_name).toBe("Pacific/Auckland");
    expect(conference.start).toBe("2027-01-08");
    expect(conference.end).toBe("2027-01-10");
    expect(conference.daysCount).toBe(3);
    expect(conference.days.map((day) => [day.index, day.date, day.day_start, day.day_end])).toEqual([
      [1, "2027-01-08", "2027-01-08T04:00:00+13:00", "2027-01-09T04:00:00+13:00"],
      [2, "2027-01-09", "2027-01-09T04:00:00+13:00", "2027-01-10T04:00:00+13:00"],
      [3, "2027-01-10", "2027-01-10T04:00:00+13:00", "2027-01-11T04:00:00+13:00"],
    ]);
  });

  it("places late-night events on the previous day with local dates, starts and durations", () => {
    const schedule = toFrabJson(aucklandFestival(), AUCKLAND_ID);
    const late = findEvent(schedule, "Late set");
    expect(late.day).toBe("2027-01-08");
    expect(late.event.date).toBe("2027-01-08T23:30:00+13:00");
    expect(late.event.start).toBe("23:30");
    expect(late.event.duration).toBe("02:00");
    expect(late.event.end).toBe("2027-01-09T01:30:00+13:00");

    const after = findEvent(schedule, "After-hours");
    expect(after.day).toBe("2027-01-08");
    expect(after.event.date).toBe("2027-01-09T02:00:00+13:00");
    expect(after.event.start).toBe("02:00");
    expect(after.event.duration).toBe("01:30");

    const dawn = findEvent(schedule, "Dawn yoga");
    expect(dawn.day).toBe("2027-01-10");
    expect(dawn.event.start).toBe("04:00");
    expect(dawn.event.type).toBe("workshop");
  });

  it("keeps awkward text intact and lists hosts with stable guids", () => {
    const schedule = toFrabJson(aucklandFestival(), AUCKLAND_ID);
    const opening = findEvent(schedule, "Opening");
    expect(opening.event.title).toBe('Opening <night> & "welcome" 🎉');
    expect(opening.event.description).toBe("Doors at 19:30 & bring <snacks>\r\nLine two");
    expect(opening.event.persons.map((host) => host.name)).toEqual(["Ana <DJ> & 'Co'", "عمر الفاروق"]);
    expect(opening.event.track).toBe("music");
    expect(opening.event.type).toBe("concert");
    expect(opening.event.language).toBe("en");
    expect(opening.event.guid).toBe(eventGuid(AUCKLAND_ID, "e-opening"));
    expect(opening.event.slug).toMatch(/^[a-z0-9_]{4,}-\d+-opening_night_welcome$/);
    const salam = findEvent(schedule, "صباح");
    expect(salam.room).toBe("מרחב שקט");
    expect(salam.event.title).toBe("صباح الخير — שלום");
  });

  it("marks cancelled and tentative events, or leaves cancelled ones out on request", () => {
    const schedule = toFrabJson(aucklandFestival(), AUCKLAND_ID);
    const fire = findEvent(schedule, "Fire show");
    expect(fire.event.title).toBe("Cancelled: Fire show");
    expect(fire.event.subtitle).toBe("Cancelled");
    expect(findEvent(schedule, "صباح").event.subtitle).toBe("Tentative");
    expect(findEvent(schedule, "Opening").event.subtitle).toBe("");

    const omitted = toFrabJson(aucklandFestival(), AUCKLAND_ID, { cancelled: "omit" });
    expect(eventsOf(omitted).some(({ event }) => event.title.includes("Fire show"))).toBe(false);
    expect(eventsOf(omitted)).toHaveLength(eventsOf(schedule).length - 1);
  });

  it("lists venues in use every day, removed venues only where they hold events, twins with distinct names", () => {
    const { conference } = toFrabJson(aucklandFestival(), AUCKLAND_ID).schedule;
    const names = conference.rooms.map((room) => room.name);
    expect(names).toContain("Old Barn");
    expect(names).not.toContain("Gone Tent");
    expect(names.filter((name) => name.startsWith("Main Stage"))).toEqual(["Main Stage", "Main Stage (2)"]);
    expect(Object.keys(conference.days[0].rooms)).not.toContain("Old Barn");
    expect(Object.keys(conference.days[1].rooms)).toContain("Old Barn");
    expect(findEvent(toFrabJson(aucklandFestival(), AUCKLAND_ID), "After-hours").room).toMatch(/^Main Stage/);
    const mainStage = conference.rooms.find((room) => room.name === "Main Stage" && room.capacity !== null);
    expect(mainStage?.capacity).toBe(800);
  });

  it("gives every event a unique guid, positive integer id and slug, identical on every export", () => {
    const first = eventsOf(toFrabJson(aucklandFestival(), AUCKLAND_ID)).map(({ event }) => event);
    const second = eventsOf(toFrabJson(aucklandFestival(), AUCKLAND_ID)).map(({ event }) => event);
    expect(second.map((event) => [event.guid, event.id, event.slug])).toEqual(
      first.map((event) => [event.guid, event.id, event.slug]),
    );
    expect(new Set(first.map((event) => event.guid)).size).toBe(first.length);
    expect(new Set(first.map((event) => event.id)).size).toBe(first.length);
    for (const event of first) {
      expect(Number.isInteger(event.id) && event.id >= 1 && event.id <= 0x7fffffff).toBe(true);
    }
    const otherFestival = eventsOf(toFrabJson(aucklandFestival(), "another-festival")).map(({ event }) => event.guid);
    expect(otherFestival.some((guid) => first.some((event) => event.guid === guid))).toBe(false);
  });

  it("writes offsets on both sides of a daylight-saving change (Los Angeles)", () => {
    const schedule = toFrabJson(losAngelesFestival(), LOS_ANGELES_ID);
    const { days } = schedule.schedule.conference;
    expect(days[0].day_start).toBe("2027-03-13T04:00:00-08:00");
    expect(days[0].day_end).toBe("2027-03-14T04:00:00-07:00");
    const before = findEvent(schedule, "Before the jump");
    expect(before.day).toBe("2027-03-13");
    expect(before.event.date).toBe("2027-03-14T01:00:00-08:00");
    expect(before.event.end).toBe("2027-03-14T03:30:00-07:00");
    expect(before.event.duration).toBe("01:30");
    const after = findEvent(schedule, "After the jump");
    expect(after.day).toBe("2027-03-14");
    expect(after.event.date).toBe("2027-03-14T10:00:00-07:00");
    expect(after.event.start).toBe("10:00");
  });

  it("uses the given version and base URL, and derives a content fingerprint otherwise", () => {
    const withUrl = toFrabJson(aucklandFestival(), AUCKLAND_ID, { baseUrl: "https://fest.example.org/x", version: "v7" });
    expect(withUrl.schedule.version).toBe("v7");
    expect(withUrl.schedule.base_url).toBe("https://fest.example.org/x/");
    expect(findEvent(withUrl, "Opening").event.url).toBe("https://fest.example.org/x/events/e-opening");
    const plain = toFrabJson(aucklandFestival(), AUCKLAND_ID);
    const changedView = aucklandFestival();
    changedView.events["e-late"].title = "Late set, renamed";
    expect(toFrabJson(changedView, AUCKLAND_ID).schedule.version).not.toBe(plain.schedule.version);
    expect(toFrabJson(aucklandFestival(), AUCKLAND_ID).schedule.version).toBe(plain.schedule.version);
  });

  it("string form is the same document as pretty JSON", () => {
    const text = toFrabJsonString(aucklandFestival(), AUCKLAND_ID);
    expect(text.endsWith("}\n")).toBe(true);
    expect(JSON.parse(text)).toEqual(toFrabJson(aucklandFestival(), AUCKLAND_ID));
  });

  it("refuses a festival with an unknown zone and a non-http base URL with clear errors", () => {
    const broken = aucklandFestival();
    broken.timeZone = "Mars/Olympus_Mons";
    expect(() => toFrabJson(broken, AUCKLAND_ID)).toThrow(PandafestError);
    expect(() => toFrabJson(broken, AUCKLAND_ID)).toThrow(/time zone 'Mars\/Olympus_Mons' is unknown/);
    expect(() => toFrabJson(aucklandFestival(), AUCKLAND_ID, { baseUrl: "ftp://x.org" })).toThrow(/http/);
  });

  it("leaves out events whose times cannot be read instead of failing the whole export", () => {
    const view = aucklandFestival();
    view.events["e-late"].start = "yesterday-ish";
    const schedule = toFrabJson(view, AUCKLAND_ID);
    expect(eventsOf(schedule).some(({ event }) => event.title.includes("Late set"))).toBe(false);
    expect(validate(schedule)).toBe(true);
  });
});
