// What the web app's Bookings screen shows, read from a real governed festival through the engine: the owner's inbox
// (pending first, the asker's own requests apart, bounded), the navigation's count, and timelines by day, bounded too.
import { describe, expect, it } from "vitest";
import { addEvent, addResource, addVenue, decideBooking, requestBooking, visibleFestival } from "../../engine/core/index.js";
import { timelinesOf } from "../../ui/src/state/booking-timelines.js";
import { festivalBookings, inboxOf, pendingForOwner } from "../../ui/src/state/festival-bookings.js";
import { founded, person, record } from "../governance/governance-helpers.js";
import { as } from "./bookings-helpers.js";

const ada = person("Ada");
const bo = person("Bo");

/** Ada owns the Stage and a PA; Bo (an editor) asks for both for three events; Ada asks for a kitchen Bo owns. */
function setUp() {
  const start = founded(ada);
  const id = start.id;
  let doc = record(start.doc, id, ada, { kind: "grant", key: bo.publicKey, role: "edit" });
  const stage = as(doc, id, ada, (e) => addVenue(e, { name: "Stage" }));
  doc = stage.doc;
  const events: string[] = [];
  for (const [title, start, end] of [
    ["Late", "2027-07-02T01:00:00+02:00", "2027-07-02T02:00:00+02:00"],
    ["Opening", "2027-07-01T18:00:00+02:00", "2027-07-01T20:00:00+02:00"],
    ["Talk", "2027-07-01T19:00:00+02:00", "2027-07-01T21:00:00+02:00"],
  ]) {
    const added = as(doc, id, ada, (e) => addEvent(e, { title, venueId: stage.result, start, end }));
    doc = added.doc;
    events.push(added.result);
  }
  const pa = as(doc, id, ada, (e) => addResource(e, { name: "PA" }));
  const kitchen = as(pa.doc, id, bo, (e) => addResource(e, { name: "Kitchen" }));
  doc = kitchen.doc;
  const requests: string[] = [];
  for (const eventId of events) {
    const venue = as(doc, id, bo, (e) => requestBooking(e, eventId, { kind: "venue" }));
    const resource = as(venue.doc, id, bo, (e) => requestBooking(e, eventId, { kind: "resource", resourceId: pa.result }));
    doc = resource.doc;
    requests.push(venue.result, resource.result);
  }
  const mine = as(doc, id, ada, (e) => requestBooking(e, events[1], { kind: "resource", resourceId: kitchen.result }));
  return { id, doc: mine.doc, events, requests, pa: pa.result, kitchenRequest: mine.result };
}

describe("the web app's Bookings screen", () => {
  it("lists an owner's requests pending first, the asker's own apart, and counts what waits", () => {
    const f = setUp();
    // Ada accepts the Opening's PA and the Talk's PA (one PA: an overbooking) and declines the Late venue
    let doc = f.doc;
    for (const [request, state] of [[f.requests[3], "accepted"], [f.requests[5], "accepted"], [f.requests[0], "declined"]] as const) {
      doc = as(doc, f.id, ada, (e) => decideBooking(e, request, state, state === "declined" ? "closed at night" : "")).doc;
    }
    const bookings = festivalBookings(visibleFestival(doc, f.id), f.id);
    expect(festivalBookings(visibleFestival(doc, f.id), f.id)).toBe(bookings); // judged once per version
    const inbox = inboxOf(bookings, ada.publicKey);
    expect(inbox.owned.map((b) => b.state)).toEqual(["pending", "pending", "pending", "accepted", "accepted", "declined"]);
    expect(inbox.owned.slice(0, 3).map((b) => `${b.eventTitle} ${b.kind}`)).toEqual(["Opening venue", "Talk venue", "Late resource"]);
    expect(inbox.pending).toBe(3);
    expect(pendingForOwner(bookings, ada.publicKey)).toBe(3);
    expect(inbox.asked.map((b) => b.id)).toEqual([f.kitchenRequest]);
    // Bo owns the kitchen: Ada's request is his to decide; he asked for the rest, which he does not own
    const bos = inboxOf(bookings, bo.publicKey);
    expect(bos.owned.map((b) => b.id)).toEqual([f.kitchenRequest]);
    expect(bos.asked).toHaveLength(6);
    // bounded: the rest are counted
    const small = inboxOf(bookings, ada.publicKey, 2);
    expect([small.owned.length, small.ownedMore, small.pending]).toEqual([2, 4, 3]);

    const shown = timelinesOf(bookings, "Europe/Berlin", "04:00");
    expect(shown.timelines.map((t) => `${t.kind} ${t.name}`)).toEqual(["venue Stage", "resource Kitchen", "resource PA"]);
    const pa = shown.timelines.find((t) => t.name === "PA");
    // the 01:00 set belongs to July 1st (the day starts at 04:00); declined requests hold no time
    expect([...(pa?.days.keys() ?? [])]).toEqual(["2027-07-01"]);
    expect(pa?.days.get("2027-07-01")?.map((b) => `${b.eventTitle} ${b.state}`)).toEqual(["Opening accepted", "Talk accepted", "Late pending"]);
    expect(shown.timelines.find((t) => t.name === "Stage")?.days.get("2027-07-01")?.map((b) => b.eventTitle)).toEqual(["Opening", "Talk"]);
    expect([...shown.overbooked.keys()].sort()).toEqual([f.requests[3], f.requests[5]].sort());
    const bounded = timelinesOf(bookings, "Europe/Berlin", "04:00", { targets: 1, entries: 1 });
    expect([bounded.timelines.length, bounded.more, bounded.timelines[0].more]).toEqual([1, 2, 1]);
  });
});
