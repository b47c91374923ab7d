// The Bookings screen: the owner's inbox (requests for the venues and resources this identity owns, pending first, to
// accept, decline with a reason, or revoke), this identity's own requests (to cancel), then each venue's and resource's timeline.
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { BOOKING_LIMITS, decideBooking, proseInput, type BookingStanding, type DecisionState } from "../../../engine/core/bookings/index.js";
import { formatLocalDateTime, formatLocalTime } from "../../../engine/core/time.js";
import { festivalBookings, inboxOf } from "../state/festival-bookings.js";
import type { FestivalSession } from "../state/festival-session.js";
import { SignatureWatch } from "../state/signature-watch.js";
import "./pf-booking-timelines.js";
import { sharedStyles } from "./shared-styles.js";

const DECISION_NOUNS: Record<DecisionState, string> = { accepted: "acceptance", declined: "decline", revoked: "revocation", cancelled: "cancellation" };

@customElement("pf-bookings")
export class PfBookings extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .request {
        border: 1px solid var(--pf-border);
        border-left: 4px solid var(--pf-accent);
        border-radius: var(--pf-radius);
        background: var(--pf-surface);
        padding: 0.6rem 0.8rem;
        margin: 0 0 0.6rem;
      }
      .request[data-state="pending"] {
        border-left-color: var(--pf-tentative);
        border-left-style: dashed;
      }
      .request[data-state="declined"],
      .request[data-state="revoked"],
      .request[data-state="cancelled"] {
        border-left-color: var(--pf-danger);
      }
      .request p {
        margin: 0.15rem 0;
        overflow-wrap: anywhere;
      }
      .request .actions {
        margin: 0.5rem 0 0;
      }
      .state {
        font-weight: 600;
      }
      .proposals {
        margin: 0.3rem 0 0;
        padding-left: 1.2rem;
      }
    `,
  ];

  @property({ attribute: false }) accessor session: FestivalSession | undefined;
  @property({ type: Number }) accessor version = 0;
  /** the request whose decline form is open */
  @state() accessor declining: string | undefined;
  @state() accessor reasonError: string | undefined;
  @state() accessor error: string | undefined;
  @state() accessor done: string | undefined;
  readonly #signatures = new SignatureWatch(this);

  override render() {
    const session = this.session;
    if (!session) return nothing;
    const me = session.identity.publicKey;
    const bookings = festivalBookings(session.visible(), session.id);
    const { owned, asked, pending, ownedMore, askedMore } = inboxOf(bookings, me);
    // names from the signatures checked so far (a key not named yet shows its start); the rest are checked in the background
    const names = this.#signatures.memberNames(session).value;
    const nameOf = (key: string | null) => (key === null ? "someone not verified yet" : key === me ? "you" : names.get(key) || `${key.slice(0, 12)}…`);
    return html`
      <h2>Bookings</h2>
      <p class="muted">
        Events ask for their venue and resources; each request waits until an owner accepts it. Only an owner's decision counts: anyone
        else's is shown as a proposal. Requests are made with <code>pandafest book</code>.
      </p>
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
      ${this.done ? html`<p class="notice ok" role="status" data-done>${this.done}</p>` : nothing}
      <section aria-labelledby="inbox-heading">
        <h3 id="inbox-heading">Requests to you <span class="muted" data-inbox-pending=${pending}>(${pending} waiting)</span></h3>
        ${owned.length === 0
          ? html`<p class="muted" data-inbox="0">Nobody asked for a venue or resource you own.</p>`
          : html`<div data-inbox=${owned.length}>${owned.map((booking) => this.#renderRequest(booking, "owner", nameOf))}</div>`}
        ${ownedMore > 0 ? html`<p class="muted">${ownedMore} more not shown; <code>pandafest bookings</code> lists them all.</p>` : nothing}
      </section>
      <section aria-labelledby="asked-heading">
        <h3 id="asked-heading">Your requests</h3>
        ${asked.length === 0
          ? html`<p class="muted" data-asked="0">You have not asked for anything someone else owns.</p>`
          : html`<div data-asked=${asked.length}>${asked.map((booking) => this.#renderRequest(booking, "asker", nameOf))}</div>`}
        ${askedMore > 0 ? html`<p class="muted">${askedMore} more not shown; <code>pandafest bookings</code> lists them all.</p>` : nothing}
      </section>
      <pf-booking-timelines
        .bookings=${bookings}
        .timeZone=${session.model.settings.timeZone}
        .dayStartsAt=${session.model.settings.dayStartsAt}
      ></pf-booking-timelines>
    `;
  }

  #renderRequest(booking: BookingStanding, as: "owner" | "asker", nameOf: (key: string | null) => string) {
    const zone = this.session?.model.settings.timeZone ?? "UTC";
    const what = `${booking.kind === "venue" ? "venue" : "resource"} ${booking.targetName}`;
    const label = `“${booking.eventTitle}” (${what})`;
    return html`<article class="request" data-request=${booking.id} data-state=${booking.state} aria-label=${`${booking.eventTitle}, ${what}, ${booking.state}`}>
      <p><strong>${booking.eventTitle}</strong> <span class="muted">${formatLocalDateTime(booking.start, zone)}–${formatLocalTime(booking.end, zone)}</span></p>
      <p>
        ${booking.kind === "venue" ? "Venue" : "Resource"} <strong>${booking.targetName}</strong>, asked by ${nameOf(booking.askedBy)}:
        <span class="state">${booking.state}</span>${booking.state !== "pending" && booking.decidedBy ? ` by ${nameOf(booking.decidedBy)}` : ""}${booking.reason
          ? html` <span data-reason>(“${booking.reason}”)</span>`
          : nothing}
      </p>
      ${booking.outdated ? html`<p class="muted">The event moved since it was decided: it waits for a decision again.</p>` : nothing}
      ${booking.eventCancelled ? html`<p class="muted">The event is cancelled: this request holds nothing.</p>` : nothing}
      ${booking.proposals.length > 0
        ? html`<ul class="proposals" data-proposed>
            ${booking.proposals.map(
              (proposal) => html`<li>${nameOf(proposal.by)} proposes ${proposal.state}${proposal.reason ? ` (“${proposal.reason}”)` : ""}; only an owner's decision counts</li>`,
            )}
          </ul>`
        : nothing}
      ${as === "owner" ? this.#ownerActions(booking, label) : this.#askerActions(booking, label)}
    </article>`;
  }

  #ownerActions(booking: BookingStanding, label: string) {
    if (this.declining === booking.id) return this.#declineForm(booking, label);
    const accept = html`<button class="primary" type="button" data-accept @click=${() => this.#decide(booking, "accepted")} aria-label="Accept ${label}">Accept</button>`;
    const decline = html`<button type="button" data-decline @click=${() => this.#openDecline(booking.id)} aria-label="Decline ${label}">Decline</button>`;
    if (booking.state === "pending") return html`<div class="actions">${accept} ${decline}</div>`;
    if (booking.state === "accepted") {
      return html`<div class="actions"><button class="danger" type="button" data-revoke @click=${() => this.#decide(booking, "revoked")} aria-label="Revoke ${label}">Revoke</button></div>`;
    }
    if (booking.state === "declined" || booking.state === "revoked") return html`<div class="actions">${accept}</div>`;
    return nothing;
  }

  #askerActions(booking: BookingStanding, label: string) {
    if (booking.state === "cancelled") return nothing;
    return html`<div class="actions"><button type="button" data-cancel @click=${() => this.#decide(booking, "cancelled")} aria-label="Cancel ${label}">Cancel the request</button></div>`;
  }

  #declineForm(booking: BookingStanding, label: string) {
    const fieldId = `reason-${booking.id}`;
    return html`<form data-decline-form @submit=${(submit: SubmitEvent) => this.#submitDecline(submit, booking)} novalidate>
      <div class="field">
        <label for=${fieldId}>Why do you decline ${label}?</label>
        <span class="hint" id="${fieldId}-hint">Everyone who has the festival sees it.</span>
        <textarea
          id=${fieldId}
          name="reason"
          aria-invalid=${this.reasonError ? "true" : "false"}
          aria-describedby="${fieldId}-hint${this.reasonError ? ` ${fieldId}-error` : ""}"
        ></textarea>
        ${this.reasonError ? html`<p class="field-error" id="${fieldId}-error">${this.reasonError}</p>` : nothing}
      </div>
      <div class="actions">
        <button class="danger" type="submit">Decline</button>
        <button type="button" @click=${() => this.#closeDecline()}>Keep it</button>
      </div>
    </form>`;
  }

  async #openDecline(id: string): Promise<void> {
    this.declining = id;
    this.reasonError = undefined;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLTextAreaElement>("form[data-decline-form] textarea")?.focus();
  }

  #closeDecline(): void {
    this.declining = undefined;
    this.reasonError = undefined;
  }

  async #submitDecline(submit: SubmitEvent, booking: BookingStanding): Promise<void> {
    submit.preventDefault();
    const field = (submit.currentTarget as HTMLFormElement).querySelector("textarea");
    const reason = field?.value ?? "";
    try {
      proseInput("reason", reason, BOOKING_LIMITS.reasonLength); // the rule decideBooking applies, checked before writing
    } catch (error) {
      this.reasonError = error instanceof Error ? error.message : String(error);
      await this.updateComplete;
      field?.focus();
      return;
    }
    this.#closeDecline();
    this.#decide(booking, "declined", reason);
  }

  /** Records one decision; says whether it counts (an owner's, or the asker's cancel) or stays a proposal. */
  #decide(booking: BookingStanding, decision: DecisionState, reason = ""): void {
    const session = this.session;
    if (!session) return;
    try {
      session.transaction((editor) => decideBooking(editor, booking.id, decision, reason));
      const after = festivalBookings(session.visible(), session.id).festival.bookings.find((standing) => standing.id === booking.id);
      const counts = after !== undefined && after.state === decision && after.decidedBy === session.identity.publicKey;
      this.error = undefined;
      this.done = counts
        ? `“${booking.eventTitle}” (${booking.targetName}) is ${decision}.`
        : `Your ${DECISION_NOUNS[decision]} of “${booking.eventTitle}” (${booking.targetName}) is recorded as a proposal: it counts once an owner (and, in an organised festival, a member) decides the same.`;
    } catch (error) {
      this.done = undefined;
      this.error = error instanceof Error ? error.message : String(error);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-bookings": PfBookings;
  }
}
