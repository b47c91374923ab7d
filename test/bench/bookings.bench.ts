// Bookings benchmark: `check`'s booking part (overbookings by one sweep per resource, availability, who decided) on a
// loaded organised festival of 5,000 events, 500 resources and 20,000 requests, against the existing event checks.
import * as A from "@automerge/automerge";
import { checkBookings } from "../../engine/core/bookings/report.js";
import { findClashes, findDangling } from "../../engine/core/checks.js";
import { eventMapForNew } from "../../engine/core/event-shards.js";
import { foundFestival, visibleFestival, withVisibleAttestation } from "../../engine/core/governance/index.js";
import { generateKeyPair, toHex } from "../../engine/core/keys.js";
import { recordMember } from "../../engine/core/members.js";
import type { Festival } from "../../engine/core/schema.js";
import { createFestivalDoc } from "../../engine/core/skeleton.js";
import { comparisonRow, figureRow, type BenchRow, type BenchSuite } from "./harness.js";
import { interleave, median } from "./stats.js";

const EVENTS = 5_000;
const RESOURCES = 500;
const REQUESTS = 20_000;
const VENUES = 50;

const text = (value: string) => new A.ImmutableString(value);

/** A deterministic pseudo-random sequence (the same festival every run). */
function sequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The festival, founded organised by one owner of everything, who accepted 60% of the requests and declined 10%. */
export function bookedFestival(): { doc: A.Doc<Festival>; id: string } {
  const pair = generateKeyPair();
  const owner = { name: "Owner", publicKey: toHex(pair.publicKey), secretKey: pair.secretKey };
  const start = createFestivalDoc({ name: "Booked Fest", startDate: "2027-07-01", endDate: "2027-07-04", timeZone: "Europe/Berlin" });
  const founded = foundFestival(start, "organised", { also: (draft) => recordMember(draft, owner) });
  const random = sequence(7);
  const base = Date.parse("2027-07-01T10:00:00Z");
  const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "+00:00");
  const events: { id: string; venueId: string; start: string; end: string }[] = [];
  let doc = A.change(founded.doc, { message: "venues, resources and events" }, (draft) => {
    for (let v = 0; v < VENUES; v++) {
      draft.venues[`v_${v}`] = { name: text(`Venue ${v}`), description: text(""), address: text(""), accessibility: text(""), tags: [] };
    }
    const resources: Record<string, unknown> = {};
    draft.resources = resources as Festival["resources"];
    for (let r = 0; r < RESOURCES; r++) {
      (draft.resources as Record<string, unknown>)[`r_${r}`] = {
        name: text(`Resource ${r}`),
        description: text(""),
        quantity: 1 + (r % 3),
        tags: [],
        owners: [text(owner.publicKey)],
        availability: [text("2027-07-01T08:00:00+00:00/2027-07-04T02:00:00+00:00")],
      };
    }
    for (let e = 0; e < EVENTS; e++) {
      const startMs = base + Math.floor(random() * 3 * 24 * 60) * 60_000;
      const event = { id: `e_${e}`, venueId: `v_${e % VENUES}`, start: iso(startMs), end: iso(startMs + (30 + Math.floor(random() * 150)) * 60_000) };
      events.push(event);
      eventMapForNew(draft, event.id)[event.id] = {
        title: text(`Event ${e}`),
        description: text(""),
        venueId: text(event.venueId),
        start: text(event.start),
        end: text(event.end),
        hostIds: [],
        tags: [],
        status: text("confirmed"),
      };
    }
  });
  doc = A.change(doc, { message: "requests and decisions" }, (draft) => {
    draft.bookings = {};
    const bookings = draft.bookings as Record<string, unknown>;
    for (let b = 0; b < REQUESTS; b++) {
      const event = events[b % EVENTS];
      const booking: Record<string, unknown> = { eventId: text(event.id) };
      if (b >= EVENTS) booking.resourceId = text(`r_${Math.floor(random() * RESOURCES)}`);
      bookings[`b_${b}`] = booking;
      const roll = random();
      if (roll < 0.7) {
        bookings[`d_${b}`] = {
          bookingId: text(`b_${b}`),
          state: text(roll < 0.6 ? "accepted" : "declined"),
          reason: text(""),
          venueId: text(event.venueId),
          start: text(event.start),
          end: text(event.end),
          generation: 1,
        };
      }
    }
  });
  doc = withVisibleAttestation(doc, founded.id, owner);
  return { doc: A.load<Festival>(A.save(doc)), id: founded.id };
}

export const bookingsSuite: BenchSuite = {
  name: "bookings",
  description: "check of bookings on a loaded festival with 5,000 events, 500 resources and 20,000 requests",
  async run(ctx) {
    ctx.log("bookings: building the festival");
    const { doc, id } = bookedFestival();
    const visible = visibleFestival(doc, id);
    const first = checkBookings(visible, id);
    ctx.log(`bookings: ${first.overbookings.length} overbookings, ${first.outsideAvailability.length} outside availability, ${first.broken.length} ignored`);
    const withBookings = () => {
      const t0 = performance.now();
      findClashes(visible);
      findDangling(visible);
      checkBookings(visible, id);
      return performance.now() - t0;
    };
    const without = () => {
      const t0 = performance.now();
      findClashes(visible);
      findDangling(visible);
      return performance.now() - t0;
    };
    const bookingsOnly = () => {
      const t0 = performance.now();
      checkBookings(visible, id);
      return performance.now() - t0;
    };
    const { subject, baseline } = await interleave(withBookings, without, ctx.runOptions);
    const only = await interleave(bookingsOnly, without, ctx.runOptions);
    const rows: BenchRow[] = [
      figureRow("bookings: check of bookings alone (5,000 events, 500 resources, 20,000 requests)", median(only.subject), "ms", { atMost: 100 }),
      comparisonRow("bookings: check with bookings vs without (event clashes and dangling references)", median(subject), median(baseline), "ms"),
    ];
    ctx.note(rows[1].name, "baseline: the event checks `check` ran before bookings (findClashes, findDangling), same loaded festival, interleaved");
    return rows;
  },
};
