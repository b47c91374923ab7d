// One open festival: its title, the navigation between its screens, and the current screen.
// Re-renders the screen after every change (local, other tab, or remote) with the model's new version.
import { getMissingDeps } from "@automerge/automerge/slim";
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { AppServices } from "../state/app-services.js";
import { rememberFestival } from "../state/device-festivals.js";
import type { FestivalModel } from "../state/festival-model.js";
import type { FestivalSession } from "../state/festival-session.js";
import { checkSignaturesInBackground } from "../state/signature-slices.js";
import { pageIdle } from "../state/slices.js";
import { festivalHash, type FestivalScreen, type Route } from "../state/routes.js";
import { pageTitle } from "../state/page-title.js";
import { fetchNodeWaiting, type NodeWaiting } from "../state/server-api.js";
import "./pf-conflicts.js";
import "./pf-deleted-events.js";
import "./pf-event-form.js";
import "./pf-history.js";
import "./pf-members.js";
import "./pf-proposals.js";
import "./pf-bookings.js";
import { festivalBookings, pendingForOwner } from "../state/festival-bookings.js";
import type { Confirmation } from "../../../engine/core/bookings/index.js";
import { governanceOf, roleIncludes } from "../../../engine/core/governance/index.js";
import { accessRequestsOf } from "../../../engine/core/membership/index.js";
import { lostValues, type AuthoredConflict } from "../../../engine/core/conflict-notices.js";
import { fieldLabel, valueWords } from "../../../engine/core/field-words.js";
import "./pf-people.js";
import "./pf-person-form.js";
import "./pf-programme.js";
import "./pf-settings.js";
import "./pf-sync.js";
import "./pf-venue-form.js";
import "./pf-venues.js";
import { sharedStyles } from "./shared-styles.js";

/** the programme's confirmations while the festival loads (nothing judged yet) */
const NO_CONFIRMATIONS: ReadonlyMap<string, Confirmation> = new Map();

type FestivalRoute = Extract<Route, { festivalId: string }>;

/** How long after a change the node is asked again what waits (edits come in bursts while syncing). */
const WAITING_AFTER_CHANGE_MS = 1500;
/** How often the node is asked while the festival is open (a stick or bundle may heal it with no change here). */
const WAITING_REFRESH_MS = 60_000;

const NAVIGATION: ReadonlyArray<{ screen: FestivalScreen["screen"]; label: string; matches: readonly string[] }> = [
  { screen: "programme", label: "Programme", matches: ["programme", "event"] },
  { screen: "venues", label: "Venues", matches: ["venues", "venue"] },
  { screen: "people", label: "People", matches: ["people", "person"] },
  { screen: "conflicts", label: "Conflicts", matches: ["conflicts"] },
  { screen: "proposals", label: "Proposals", matches: ["proposals"] },
  { screen: "bookings", label: "Bookings", matches: ["bookings"] },
  { screen: "members", label: "Members", matches: ["members"] },
  { screen: "history", label: "History", matches: ["history"] },
  { screen: "sync", label: "Sync", matches: ["sync"] },
  { screen: "settings", label: "Settings", matches: ["settings"] },
];

@customElement("pf-festival")
export class PfFestival extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .title {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 0.5rem;
        margin-bottom: 0.5rem;
      }
      .title h1 {
        font-size: 1.5rem;
        margin: 0;
        overflow-wrap: anywhere;
      }
      nav ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0 0.25rem;
        list-style: none;
        padding: 0;
        margin: 0 0 1rem;
        overflow-x: auto;
        border-bottom: 1px solid var(--pf-border);
      }
      nav a {
        display: inline-block;
        padding: 0.5rem 0.6rem;
        text-decoration: none;
        color: var(--pf-text);
        border-bottom: 3px solid transparent;
        white-space: nowrap;
      }
      nav .count {
        display: inline-block;
        min-width: 1.3rem;
        padding: 0 0.3rem;
        border-radius: 0.65rem;
        background: var(--pf-accent);
        color: var(--pf-accent-text);
        font-size: 0.8rem;
        text-align: center;
      }
      nav a[aria-current="page"] {
        border-bottom-color: var(--pf-accent);
        font-weight: 600;
      }
    `,
  ];

  @property({ attribute: false }) accessor services: AppServices | undefined;
  @property({ attribute: false }) accessor session: FestivalSession | undefined;
  /** without a session: the programme as last seen, shown read-only while the festival loads */
  @property({ attribute: false }) accessor preview: FestivalModel | undefined;
  @property() accessor previewId: string | undefined;
  @property({ attribute: false }) accessor route: FestivalRoute | undefined;
  @state() accessor version = 0;
  /** what of this festival waits on the node for history it lacks (asked on opening, after changes, and every minute) */
  @state() accessor nodeWaiting: NodeWaiting | undefined;
  #unsubscribe: (() => void) | undefined;
  #subscribed: FestivalSession | undefined;
  #waitingTimer: ReturnType<typeof setTimeout> | undefined;
  /** the pending idle callback that finds the festival's concurrent values the first time */
  #findingConflicts: number | undefined;
  /** the session whose signatures are being checked, then its conflicts found, a slice at a time */
  #searchingConflicts: FestivalSession | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#subscribed = undefined;
    clearTimeout(this.#waitingTimer);
    this.#waitingTimer = undefined;
    if (this.#findingConflicts !== undefined) {
      if (typeof cancelIdleCallback === "function") cancelIdleCallback(this.#findingConflicts);
      else clearTimeout(this.#findingConflicts);
      this.#findingConflicts = undefined;
    }
  }

  override willUpdate(): void {
    if (this.session === this.#subscribed) return;
    this.#unsubscribe?.();
    this.#subscribed = this.session;
    this.#unsubscribe = this.session?.subscribe(this.#onChange);
    this.nodeWaiting = undefined;
    this.#askNodeWaiting(0);
  }

  readonly #onChange = (): void => {
    this.version = this.session?.model.version ?? this.version + 1;
    const session = this.session;
    if (session) rememberFestival({ id: session.id, name: session.model.settings.name, visibility: session.model.settings.visibility }, false);
    this.#askNodeWaiting(WAITING_AFTER_CHANGE_MS);
  };

  /** Asks the node what waits, after `delay` (a later call within it moves the question, so a burst asks once). */
  #askNodeWaiting(delay: number): void {
    clearTimeout(this.#waitingTimer);
    const session = this.session;
    if (!session) return;
    this.#waitingTimer = setTimeout(async () => {
      const report = await fetchNodeWaiting(session.id);
      if (this.session !== session) return;
      this.nodeWaiting = report;
      this.#askNodeWaiting(WAITING_REFRESH_MS);
    }, delay);
  }

  /** Whether this user has no role in an organised festival (their edits become proposals). */
  #isVisitor(session: FestivalSession): boolean {
    const governance = governanceOf(session.doc(), session.id);
    return governance.founded && governance.mode === "organised" && !governance.roles.has(session.identity.publicKey);
  }

  /** For a manager: how many access requests wait for a decision (shown beside Members). */
  #waitingRequests(session: FestivalSession): number {
    const governance = governanceOf(session.doc(), session.id);
    if (!roleIncludes(governance.roles.get(session.identity.publicKey), "manage")) return 0;
    return accessRequestsOf(session.doc(), session.id, Date.now()).requests.filter((request) => request.status === "pending").length;
  }

  /**
   * The festival's concurrent values (with authors) and the events holding one. Found the first time when the page is
   * idle (after the programme shows); after that each change re-checks only what it touched (state/conflict-watch.ts).
   */
  #conflictsOf(session: FestivalSession) {
    if (!session.conflicts.known && this.#findingConflicts === undefined && this.#searchingConflicts !== session) {
      const find = () => {
        this.#findingConflicts = undefined;
        if (this.session !== session) return;
        this.#searchingConflicts = session;
        void this.#searchConflicts(session, () => this.session === session && this.isConnected);
      };
      this.#findingConflicts =
        typeof requestIdleCallback === "function" ? requestIdleCallback(find, { timeout: 2000 }) : (setTimeout(find, 200) as unknown as number);
    }
    return session.conflicts.state();
  }

  /** The authors' signatures first (checked all at once they block the page for seconds), then the conflicts, a slice at a time. */
  async #searchConflicts(session: FestivalSession, stillWanted: () => boolean): Promise<void> {
    try {
      // a festival that cannot be verified says why when its authors are read
      await checkSignaturesInBackground(() => session.doc(), session.id, stillWanted).catch(() => undefined);
      await pageIdle();
      if (stillWanted()) await session.conflicts.findInSlices(stillWanted);
    } finally {
      if (this.#searchingConflicts === session) this.#searchingConflicts = undefined;
    }
    await pageIdle();
    if (stillWanted()) this.requestUpdate();
  }

  /** Tells this browser's person where a value they wrote is not the one shown (someone wrote another at the same time). */
  #renderLostValues(session: FestivalSession, conflicts: readonly AuthoredConflict[]) {
    const lost = lostValues(conflicts, session.identity.publicKey);
    if (lost.length === 0) return nothing;
    const visible = session.visible();
    const by = (author: AuthoredConflict["values"][number]["author"]) => (author ? author.name || author.key.slice(0, 8) : "an unverified author");
    return html`<div class="notice warn" role="status" data-lost-values=${lost.length}>
      <p>Someone changed what you changed, at the same time. Both values are kept, and theirs is shown:</p>
      <ul>
        ${lost.map(({ conflict, yours, shown }) => {
          const field = conflict.path[conflict.path.length - 1];
          return html`<li>
            ${fieldLabel(visible, conflict.path)}: yours is ${valueWords(visible, field, yours.value)}, shown is
            ${valueWords(visible, field, shown.value)} (by ${by(shown.author)})
          </li>`;
        })}
      </ul>
      <p><a href=${festivalHash(session.id, { screen: "conflicts" })}>Choose the value to keep</a></p>
    </div>`;
  }

  /** The notice for changes that wait for history (on the node, or in this browser), every time until healed. */
  #renderWaiting(session: FestivalSession) {
    const inBrowser = getMissingDeps(session.doc(), []).length;
    const onNode = this.nodeWaiting;
    const onNodeWaits = onNode !== undefined && (onNode.waiting > 0 || onNode.missing > 0);
    if (!onNodeWaits && inBrowser === 0) return nothing;
    return html`<div class="notice warn" role="status" data-waiting>
      ${onNodeWaits
        ? html`<p>
            The node holds ${onNode.waiting} change(s) of this festival that wait for ${onNode.missing} earlier change(s) it does not
            have${onNode.quarantined > 0 ? ` (${onNode.quarantined} damaged file(s) were moved to its quarantine folder)` : ""}. They are
            kept, and apply by themselves once a peer, a stick or a bundle brings the missing history; <code>pandafest check</code> names
            them.
          </p>`
        : nothing}
      ${inBrowser > 0
        ? html`<p>This browser holds changes that wait for ${inBrowser} earlier change(s) it does not have; they apply once the node or a bundle brings them.</p>`
        : nothing}
    </div>`;
  }

  /** Names the festival and the screen in the document title (the shell titles the screens without a festival). */
  protected override updated(): void {
    const model = this.session?.model ?? this.preview;
    if (model && this.route) document.title = pageTitle(this.route, model.settings.name);
  }

  /** Moves keyboard focus to the programme (the skip link's target); the programme screen must be shown. */
  focusProgramme(): void {
    const programme = this.renderRoot.querySelector<HTMLElement>("pf-programme");
    if (!programme) return;
    programme.tabIndex = -1;
    programme.focus();
  }

  override render() {
    const session = this.session;
    const route = this.route;
    const model = session?.model ?? this.preview;
    const festivalId = session?.id ?? this.previewId;
    if (!model || !festivalId || !route) return null;
    const settings = model.settings;
    const waitingRequests = session ? this.#waitingRequests(session) : 0;
    const conflicts = session ? this.#conflictsOf(session) : { conflicts: [], events: new Set<string>() };
    const conflictCount = conflicts.conflicts.length;
    // the engine's judgement of the requests, once per version: the inbox's count and the programme's confirmations
    const bookings = session ? festivalBookings(session.visible(), session.id) : undefined;
    const pendingBookings = session && bookings ? pendingForOwner(bookings, session.identity.publicKey) : 0;
    return html`
      <div class="title">
        <h1>${settings.name || "Untitled festival"}</h1>
        <span class="badge">${settings.visibility}</span>
        ${settings.forkedFrom ? html`<span class="muted">forked from ${settings.forkedFrom.name}</span>` : null}
      </div>
      ${session && this.#isVisitor(session)
        ? html`<p class="notice" role="status" data-visitor>
            You are not a member of this festival: what you add or change is sent to its members as a proposal (see Proposals).
          </p>`
        : nothing}
      <nav aria-label="Festival">
        <ul>
          ${NAVIGATION.map(
            (item) => html`<li>
              <a href=${festivalHash(festivalId, { screen: item.screen } as FestivalScreen)} aria-current=${item.matches.includes(route.screen) ? "page" : "false"}
                >${item.label}${item.screen === "members" && waitingRequests > 0
                  ? html` <span class="count" data-waiting-requests=${waitingRequests} aria-label="(${waitingRequests} waiting to join)">${waitingRequests}</span>`
                  : nothing}${item.screen === "bookings" && pendingBookings > 0
                  ? html` <span class="count" data-pending-bookings=${pendingBookings} aria-label="(${pendingBookings} waiting for your decision)">${pendingBookings}</span>`
                  : nothing}${item.screen === "conflicts" && conflictCount > 0
                  ? html` <span class="count" data-conflicts=${conflictCount} aria-label="(${conflictCount} with two values)">${conflictCount}</span>`
                  : nothing}</a
              >
            </li>`,
          )}
        </ul>
      </nav>
      ${session ? this.#renderLostValues(session, conflicts.conflicts) : nothing}
      ${session ? this.#renderWaiting(session) : nothing}
      ${!session ? html`<p class="muted" role="status">${route.screen === "programme" ? "Loading the latest changes…" : "Opening the festival…"}</p>` : nothing}
      <pf-programme
        data-source=${session ? "live" : "snapshot"}
        ?hidden=${route.screen !== "programme"}
        .active=${route.screen === "programme"}
        .model=${model}
        .festivalId=${festivalId}
        .conflicted=${conflicts.events}
        .confirmations=${bookings?.confirmations ?? NO_CONFIRMATIONS}
        .version=${session ? this.version : -1}
      ></pf-programme>
      ${session && route.screen === "programme" ? html`<pf-deleted-events .session=${session} .version=${this.version}></pf-deleted-events>` : nothing}
      ${session && route.screen !== "programme" ? this.#renderScreen(session, route) : nothing}
    `;
  }

  /** Every screen but the programme, which stays mounted (hidden) so coming back to it costs no re-render. */
  #renderScreen(session: FestivalSession, route: FestivalRoute) {
    const version = this.version;
    switch (route.screen) {
      case "programme":
        return nothing;
      case "venues":
        return html`<pf-venues .session=${session} .version=${version}></pf-venues>`;
      case "people":
        return html`<pf-people .session=${session} .version=${version}></pf-people>`;
      case "event":
        return html`<pf-event-form .session=${session} .version=${version} .eventId=${route.id}></pf-event-form>`;
      case "venue":
        return html`<pf-venue-form .session=${session} .version=${version} .venueId=${route.id}></pf-venue-form>`;
      case "person":
        return html`<pf-person-form .session=${session} .version=${version} .personId=${route.id}></pf-person-form>`;
      case "conflicts":
        return html`<pf-conflicts .session=${session} .version=${version}></pf-conflicts>`;
      case "history":
        return html`<pf-history .session=${session} .version=${version}></pf-history>`;
      case "proposals":
        return html`<pf-proposals .session=${session} .version=${version}></pf-proposals>`;
      case "bookings":
        return html`<pf-bookings .session=${session} .version=${version}></pf-bookings>`;
      case "members":
        return html`<pf-members .session=${session} .version=${version}></pf-members>`;
      case "sync":
        return html`<pf-sync .services=${this.services} .session=${session} .version=${version}></pf-sync>`;
      case "settings":
        return html`<pf-settings .services=${this.services} .session=${session} .version=${version}></pf-settings>`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-festival": PfFestival;
  }
}
