// Per venue and resource, its accepted and pending bookings along each festival day: a bar per booking on the day's
// 24 hours and the same as a readable list, with the engine's clashes (overbookings, outside availability) marked.
import { LitElement, css, html, nothing } from "lit";
import { customElement, property } from "lit/decorators.js";
import type { BookingStanding, Overbooking } from "../../../engine/core/bookings/index.js";
import { festivalDayOf, formatLocalTime, usableDayStart, usableTimeZone, zonedDateTimeToEpoch } from "../../../engine/core/time.js";
import type { FestivalBookings } from "../state/festival-bookings.js";
import { dayLabel } from "../state/programme-days.js";
import { sharedStyles } from "./shared-styles.js";

const DAY_MS = 24 * 60 * 60_000;

interface Timeline {
  key: string;
  kind: "venue" | "resource";
  name: string;
  quantity: number | undefined;
  days: Map<string, BookingStanding[]>;
}

/** Requests that hold or ask for time: accepted and pending ones of events not cancelled (not shifts). */
function onTimeline(booking: BookingStanding): boolean {
  return (booking.kind === "venue" || booking.kind === "resource") && (booking.state === "accepted" || booking.state === "pending") && !booking.eventCancelled && Number.isFinite(booking.startMs) && Number.isFinite(booking.endMs);
}

@customElement("pf-booking-timelines")
export class PfBookingTimelines extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .target {
        margin: 0 0 1.2rem;
      }
      .day {
        margin: 0.4rem 0 0.8rem;
      }
      .day h5 {
        margin: 0 0 0.25rem;
        font-size: 0.95rem;
      }
      .track {
        position: relative;
        height: 1.4rem;
        border: 1px solid var(--pf-border);
        border-radius: var(--pf-radius);
        background: var(--pf-bg);
        overflow: hidden;
      }
      .bar {
        position: absolute;
        top: 0.2rem;
        bottom: 0.2rem;
        min-width: 3px;
        border-radius: 3px;
        background: var(--pf-accent);
        opacity: 0.85;
      }
      .bar.pending {
        background: transparent;
        border: 2px dashed var(--pf-tentative);
      }
      .bar.clash {
        background: var(--pf-danger);
        border-color: var(--pf-danger);
      }
      .ticks {
        position: relative;
        height: 1.1rem;
        font-size: 0.75rem;
        color: var(--pf-muted);
      }
      .ticks span {
        position: absolute;
        top: 0;
      }
      ul.entries {
        list-style: none;
        padding: 0;
        margin: 0.3rem 0 0;
      }
      ul.entries li {
        padding: 0.15rem 0;
        overflow-wrap: anywhere;
      }
      .badge.overbooked,
      .badge.outside {
        color: var(--pf-danger);
      }
    `,
  ];

  @property({ attribute: false }) accessor bookings: FestivalBookings | undefined;
  @property() accessor timeZone = "UTC";
  @property() accessor dayStartsAt = "04:00";

  #timelines(bookings: FestivalBookings): Timeline[] {
    const zone = usableTimeZone(this.timeZone);
    const dayStart = usableDayStart(this.dayStartsAt);
    const timelines = new Map<string, Timeline>();
    // every resource has a timeline, booked or not; venues once something asked for them
    for (const [id, resource] of bookings.festival.resources) {
      if (!resource.removed) timelines.set(`resource:${id}`, { key: `resource:${id}`, kind: "resource", name: resource.name, quantity: resource.quantity, days: new Map() });
    }
    for (const booking of bookings.festival.bookings) {
      if (!onTimeline(booking)) continue;
      const key = `${booking.kind}:${booking.targetId}`;
      let timeline = timelines.get(key);
      if (!timeline) {
        const quantity = booking.kind === "resource" ? bookings.festival.resources.get(booking.targetId)?.quantity : undefined;
        timeline = { key, kind: booking.kind as "venue" | "resource", name: booking.targetName, quantity, days: new Map() };
        timelines.set(key, timeline);
      }
      const day = festivalDayOf(booking.startMs, zone, dayStart);
      const list = timeline.days.get(day);
      if (list) list.push(booking);
      else timeline.days.set(day, [booking]);
    }
    return [...timelines.values()].sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === "venue" ? -1 : 1));
  }

  override render() {
    const bookings = this.bookings;
    if (!bookings) return nothing;
    const timelines = this.#timelines(bookings);
    const overbooked = new Map<string, Overbooking>();
    for (const overbooking of bookings.clashes.overbookings) for (const id of overbooking.bookingIds) overbooked.set(id, overbooking);
    const outside = new Set(bookings.clashes.outside.map((entry) => entry.bookingId));
    const clashCount = bookings.clashes.overbookings.length + bookings.clashes.outside.length;
    return html`<section aria-labelledby="timelines-heading" data-timelines=${timelines.length}>
      <h3 id="timelines-heading">Timelines</h3>
      <p class="muted" data-booking-clashes=${clashCount}>
        ${clashCount === 0
          ? "No clashes among accepted bookings."
          : `${bookings.clashes.overbookings.length} overbooking(s) and ${bookings.clashes.outside.length} booking(s) outside availability; pandafest check lists them too.`}
      </p>
      ${timelines.length === 0 ? html`<p class="muted">No resources yet, and nothing asked for a venue.</p>` : nothing}
      ${timelines.map((timeline) => this.#renderTimeline(timeline, overbooked, outside))}
    </section>`;
  }

  #renderTimeline(timeline: Timeline, overbooked: ReadonlyMap<string, Overbooking>, outside: ReadonlySet<string>) {
    const zone = usableTimeZone(this.timeZone);
    const dayStart = usableDayStart(this.dayStartsAt);
    const days = [...timeline.days.keys()].sort();
    return html`<section class="target" data-timeline=${timeline.key}>
      <h4>
        ${timeline.kind === "venue" ? "Venue" : "Resource"} ${timeline.name}${timeline.quantity !== undefined && timeline.quantity > 1
          ? html` <span class="muted">(${timeline.quantity} available)</span>`
          : nothing}
      </h4>
      ${days.length === 0 ? html`<p class="muted">Nothing asked for.</p>` : nothing}
      ${days.map((day) => {
        const dayStartMs = zonedDateTimeToEpoch(day, dayStart, zone);
        const entries = (timeline.days.get(day) ?? []).sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : 1));
        return html`<div class="day">
          <h5>${dayLabel(day)}</h5>
          <div class="track" aria-hidden="true">
            ${entries.map((booking) => {
              const left = Math.max(0, Math.min(100, ((booking.startMs - dayStartMs) / DAY_MS) * 100));
              const right = Math.max(left, Math.min(100, ((booking.endMs - dayStartMs) / DAY_MS) * 100));
              const clash = overbooked.has(booking.id) || outside.has(booking.id);
              return html`<span class="bar ${booking.state} ${clash ? "clash" : ""}" style="left:${left}%;width:${right - left}%"></span>`;
            })}
          </div>
          <div class="ticks" aria-hidden="true">
            ${[0, 6, 12, 18].map((hours) => html`<span style="left:${(hours / 24) * 100}%">${formatLocalTime(dayStartMs + hours * 3_600_000, zone)}</span>`)}
          </div>
          <ul class="entries">
            ${entries.map((booking) => {
              const overbooking = overbooked.get(booking.id);
              return html`<li data-booking=${booking.id} data-state=${booking.state}>
                ${formatLocalTime(booking.startMs, zone)}–${formatLocalTime(booking.endMs, zone)} ${booking.eventTitle}: ${booking.state}${overbooking
                  ? html` <span class="badge overbooked" data-overbooked>overbooked: ${overbooking.peak} at once, ${overbooking.quantity} available</span>`
                  : nothing}${outside.has(booking.id) ? html` <span class="badge outside" data-outside>outside availability</span>` : nothing}
              </li>`;
            })}
          </ul>
        </div>`;
      })}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-booking-timelines": PfBookingTimelines;
  }
}
