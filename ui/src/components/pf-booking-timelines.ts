// Per venue and resource, its accepted and pending bookings along each festival day: a bar per booking on the day's
// 24 hours and the same as a readable list, with the engine's clashes (overbookings, outside availability) marked.
import { LitElement, css, html, nothing } from "lit";
import { customElement, property } from "lit/decorators.js";
import { formatLocalTime, usableDayStart, usableTimeZone, zonedDateTimeToEpoch } from "../../../engine/core/time.js";
import { timelinesOf, type Timeline, type Timelines } from "../state/booking-timelines.js";
import type { FestivalBookings } from "../state/festival-bookings.js";
import { dayLabel } from "../state/programme-days.js";
import { sharedStyles } from "./shared-styles.js";

const DAY_MS = 24 * 60 * 60_000;
const HOUR_MS = 60 * 60_000;

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

  override render() {
    const bookings = this.bookings;
    if (!bookings) return nothing;
    const shown = timelinesOf(bookings, this.timeZone, this.dayStartsAt);
    const { overbookings, outside } = bookings.clashes;
    const clashCount = overbookings.length + outside.length;
    return html`<section aria-labelledby="timelines-heading" data-timelines=${shown.timelines.length}>
      <h3 id="timelines-heading">Timelines</h3>
      <p class="muted" data-booking-clashes=${clashCount}>
        ${clashCount === 0
          ? "No clashes among accepted bookings."
          : `${overbookings.length} overbooking(s) and ${outside.length} booking(s) outside availability; pandafest check lists them too.`}
      </p>
      ${shown.timelines.length === 0 ? html`<p class="muted">No resources yet, and nothing asked for a venue.</p>` : nothing}
      ${shown.timelines.map((timeline) => this.#renderTimeline(timeline, shown))}
      ${shown.more > 0 ? html`<p class="muted">${shown.more} more venue(s) and resource(s) not shown; <code>pandafest resource list</code> lists them.</p>` : nothing}
    </section>`;
  }

  #renderTimeline(timeline: Timeline, shown: Timelines) {
    const zone = usableTimeZone(this.timeZone);
    const dayStart = usableDayStart(this.dayStartsAt);
    return html`<section class="target" data-timeline=${timeline.key}>
      <h4>
        ${timeline.kind === "venue" ? "Venue" : "Resource"} ${timeline.name}${timeline.quantity !== undefined && timeline.quantity > 1
          ? html` <span class="muted">(${timeline.quantity} available)</span>`
          : nothing}
      </h4>
      ${timeline.days.size === 0 ? html`<p class="muted">Nothing asked for.</p>` : nothing}
      ${[...timeline.days].map(([day, entries]) => {
        const dayStartMs = zonedDateTimeToEpoch(day, dayStart, zone);
        return html`<div class="day">
          <h5>${dayLabel(day)}</h5>
          <div class="track" aria-hidden="true">
            ${entries.map((booking) => {
              const left = Math.max(0, Math.min(100, ((booking.startMs - dayStartMs) / DAY_MS) * 100));
              const right = Math.max(left, Math.min(100, ((booking.endMs - dayStartMs) / DAY_MS) * 100));
              const clash = shown.overbooked.has(booking.id) || shown.outside.has(booking.id);
              return html`<span class="bar ${booking.state} ${clash ? "clash" : ""}" style="left:${left}%;width:${right - left}%"></span>`;
            })}
          </div>
          <div class="ticks" aria-hidden="true">
            ${[0, 6, 12, 18].map((hours) => html`<span style="left:${(hours / 24) * 100}%">${formatLocalTime(dayStartMs + hours * HOUR_MS, zone)}</span>`)}
          </div>
          <ul class="entries">
            ${entries.map((booking) => {
              const overbooking = shown.overbooked.get(booking.id);
              return html`<li data-booking=${booking.id} data-state=${booking.state}>
                ${formatLocalTime(booking.startMs, zone)}–${formatLocalTime(booking.endMs, zone)} ${booking.eventTitle}: ${booking.state}${overbooking
                  ? html` <span class="badge overbooked" data-overbooked>overbooked: ${overbooking.peak} at once, ${overbooking.quantity} available</span>`
                  : nothing}${shown.outside.has(booking.id) ? html` <span class="badge outside" data-outside>outside availability</span>` : nothing}
              </li>`;
            })}
          </ul>
        </div>`;
      })}
      ${timeline.more > 0 ? html`<p class="muted">${timeline.more} more request(s) not shown; <code>pandafest bookings</code> lists them.</p>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-booking-timelines": PfBookingTimelines;
  }
}
