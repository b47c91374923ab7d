// The festivals screen: this device's festivals and those it asked to join, the node's public directory, creating
// a festival, and opening one from an id, an automerge: URL or a link (an invitation goes to the join screen).
import { LitElement, css, html } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { BrowserIdentity } from "../../../engine/browser/browser-identity.js";
import type { Festival } from "../../../engine/core/schema.js";
import { FESTIVAL_DEFAULTS, festivalInit } from "../../../engine/core/skeleton.js";
import type { AppServices } from "../state/app-services.js";
import { listDeviceFestivals, onDeviceFestivalsChanged, type DeviceFestival } from "../state/device-festivals.js";
import { festivalIdFromReference } from "../state/festival-reference.js";
import { sentRequests } from "../state/join-requests.js";
import { invitationCode, parseInvitation } from "../../../engine/core/membership/index.js";
import { FestivalSession } from "../state/festival-session.js";
import { foundNewFestival } from "../state/festival-founding.js";
import { formErrorsFrom, NO_ERRORS, type FormErrors } from "../state/field-errors.js";
import { festivalHash, routeHash } from "../state/routes.js";
import { fetchDirectory, type DirectoryEntry } from "../state/server-api.js";
import { timeZoneProblem } from "../state/time-zones.js";
import { formText, inputField, textAreaField, timeZoneField } from "./form-fields.js";
import "./pf-bundle-import.js";
import { sharedStyles } from "./shared-styles.js";

const FESTIVAL_FIELDS = ["name", "description", "timeZone", "startDate", "endDate", "dayStartsAt", "visibility"] as const;

function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || FESTIVAL_DEFAULTS.timeZone;
}

/** How often the festivals screen asks the node for its directory again while it is shown. */
const DIRECTORY_REFRESH_MS = 5000;

@customElement("pf-festivals")
export class PfFestivals extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .columns {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr));
        gap: 1.5rem;
        align-items: start;
      }
      section {
        min-width: 0;
      }
      .festival-link {
        font-weight: 600;
        font-size: 1.05rem;
      }
    `,
  ];

  @property({ attribute: false }) accessor services: AppServices | undefined;
  @property({ attribute: false }) accessor identity: BrowserIdentity | undefined;
  @state() accessor festivals: DeviceFestival[] = listDeviceFestivals();
  @state() accessor directory: DirectoryEntry[] | undefined;
  @state() accessor directoryError: string | undefined;
  @state() accessor createErrors: FormErrors = NO_ERRORS;
  @state() accessor openError: string | undefined;
  #unsubscribe: (() => void) | undefined;
  #abort = new AbortController();

  override connectedCallback(): void {
    super.connectedCallback();
    this.#unsubscribe = onDeviceFestivalsChanged(() => (this.festivals = listDeviceFestivals()));
    this.#abort = new AbortController();
    this.#refreshDirectory();
    // festivals reach the node while the screen is open (from peers, other tabs): the list follows
    // (not while the node is known to be away: each failed request is an error in the console; it is asked once back)
    this.#directoryTimer = setInterval(() => {
      if (this.services?.server?.status().state !== "offline") this.#refreshDirectory();
    }, DIRECTORY_REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    this.#abort.abort();
    clearInterval(this.#directoryTimer);
  }

  #directoryTimer: ReturnType<typeof setInterval> | undefined;

  #refreshDirectory(): void {
    const signal = this.#abort.signal;
    fetchDirectory(signal).then(
      (entries) => {
        this.directory = entries;
        this.directoryError = undefined;
      },
      (error: unknown) => {
        if (!signal.aborted) this.directoryError = `The directory of the node serving this page is not available (${error instanceof Error ? error.message : String(error)}).`;
      },
    );
  }

  override render() {
    return html`
      <div class="columns">
        <section aria-labelledby="mine">
          <h2 id="mine">Your festivals</h2>
          ${this.festivals.length === 0
            ? html`<p class="muted">No festivals on this device yet: create one, or open one someone shared with you.</p>`
            : html`<ul class="plain card-list">
                ${this.festivals.map(
                  (festival) => html`<li>
                    <a class="festival-link" href=${festivalHash(festival.id, { screen: "programme" })}>${festival.name || festival.id}</a>
                    ${festival.visibility === "private" ? html`<span class="badge">private</span>` : html`<span class="badge">public</span>`}
                  </li>`,
                )}
              </ul>`}
          ${this.#renderWaitingJoins()}
          <h2 id="directory">On this node</h2>
          ${this.#renderDirectory()}
        </section>
        <section aria-labelledby="create">
          <h2 id="create">Create a festival</h2>
          ${this.#renderCreateForm()}
        </section>
        <section aria-labelledby="open">
          <h2 id="open">Open a festival</h2>
          <form @submit=${this.#open} novalidate>
            ${inputField({
              name: "reference",
              label: "Festival id, automerge: URL, link or invitation",
              value: "",
              error: this.openError,
              hint: "Someone organising it can give it to you. A private festival opens only for its members: its invitation link lets you ask to join.",
            })}
            <div class="actions"><button type="submit">Open</button></div>
          </form>
          <h2 id="import">Import a bundle</h2>
          <p class="muted">A bundle file from a USB stick or a message brings a whole festival, signed by whoever packed it.</p>
          <pf-bundle-import .services=${this.services} @imported=${() => (this.festivals = listDeviceFestivals())}></pf-bundle-import>
        </section>
      </div>
    `;
  }

  /** Festivals this browser asked to join, until they arrive (or a manager declines). */
  #renderWaitingJoins() {
    const waiting = sentRequests();
    if (waiting.length === 0) return null;
    return html`<h2 id="joining">Asked to join</h2>
      <ul class="plain card-list" data-asked-to-join>
        ${waiting.map(
          (sent) => html`<li>
            A private festival (<code>${sent.festivalId.slice(0, 10)}…</code>), asked as ${sent.name}${sent.role ? ` for ${sent.role}` : ""}:
            <a href=${routeHash({ screen: "join", code: sent.code })}>where it stands</a>
          </li>`,
        )}
      </ul>`;
  }

  #renderDirectory() {
    if (this.directoryError) return html`<p class="muted">${this.directoryError}</p>`;
    if (this.directory === undefined) return html`<p class="muted" role="status">Asking the node…</p>`;
    if (this.directory.length === 0) return html`<p class="muted">The node lists no public festivals.</p>`;
    return html`<ul class="plain card-list">
      ${this.directory.map(
        (entry) => html`<li>
          <a class="festival-link" href=${festivalHash(entry.id, { screen: "programme" })}>${entry.name}</a>
          ${entry.description ? html`<div class="muted">${entry.description}</div>` : null}
        </li>`,
      )}
    </ul>`;
  }

  #renderCreateForm() {
    const errors = this.createErrors.fields;
    return html`<form @submit=${this.#create} novalidate>
      ${inputField({ name: "name", label: "Name", value: "", error: errors.name, required: true })}
      ${textAreaField({ name: "description", label: "Description", value: "", error: errors.description })}
      <div class="row">
        ${inputField({ name: "startDate", label: "First day", type: "date", value: "", error: errors.startDate })}
        ${inputField({ name: "endDate", label: "Last day", type: "date", value: "", error: errors.endDate })}
      </div>
      <div class="row">
        ${timeZoneField({ value: browserTimeZone(), error: errors.timeZone, onInput: this.#checkTimeZone })}
        ${inputField({
          name: "dayStartsAt",
          label: "Days start at",
          type: "time",
          value: FESTIVAL_DEFAULTS.dayStartsAt,
          error: errors.dayStartsAt,
          hint: "Later-night events belong to the day before",
        })}
      </div>
      <fieldset>
        <legend>Who can find it</legend>
        <label><input type="radio" name="visibility" value="private" checked /> Private: only members you let in</label><br />
        <label><input type="radio" name="visibility" value="public" /> Public: listed in directories for anyone</label>
        ${errors.visibility ? html`<p class="field-error" role="alert">${errors.visibility}</p>` : null}
      </fieldset>
      <fieldset>
        <legend>Who can change it</legend>
        <label><input type="radio" name="mode" value="organised" checked /> Organised: members you give a role; others send proposals</label><br />
        <label><input type="radio" name="mode" value="open" /> Open: anyone who has it may edit</label>
      </fieldset>
      ${this.createErrors.form ? html`<p class="notice error" role="alert">${this.createErrors.form}</p>` : null}
      <div class="actions"><button class="primary" type="submit">Create festival</button></div>
    </form>`;
  }

  #create(event: SubmitEvent): void {
    event.preventDefault();
    const services = this.services;
    const identity = this.identity;
    if (!services || !identity) return;
    const form = event.currentTarget as HTMLFormElement;
    const checked = form.querySelector<HTMLInputElement>('input[name="visibility"]:checked');
    const optional = (name: string) => formText(form, name).trim() || undefined;
    const input = {
      name: formText(form, "name"),
      description: optional("description"),
      timeZone: optional("timeZone"),
      startDate: optional("startDate"),
      endDate: optional("endDate"),
      dayStartsAt: optional("dayStartsAt"),
      visibility: checked?.value === "public" ? ("public" as const) : ("private" as const),
    };
    const zoneProblem = timeZoneProblem(formText(form, "timeZone"));
    if (zoneProblem !== undefined) {
      this.createErrors = { fields: { timeZone: zoneProblem } };
      return;
    }
    let init: (doc: Festival) => void;
    try {
      init = festivalInit(input);
    } catch (error) {
      this.createErrors = formErrorsFrom(error, "festival", FESTIVAL_FIELDS);
      return;
    }
    this.createErrors = NO_ERRORS;
    const mode = form.querySelector<HTMLInputElement>('input[name="mode"]:checked')?.value === "open" ? "open" : "organised";
    const handle = foundNewFestival(services.repo, identity, init, `create festival ${JSON.stringify(input.name.trim().slice(0, 80))}`, mode);
    const session = new FestivalSession(handle, identity);
    this.dispatchEvent(new CustomEvent("open-session", { detail: session, bubbles: true, composed: true }));
    window.location.hash = festivalHash(session.id, { screen: "programme" });
  }

  /** Once a refused zone is corrected, its message goes while typing (a new problem waits for the next submit). */
  #checkTimeZone = (event: Event): void => {
    if (this.createErrors.fields.timeZone === undefined) return;
    const problem = timeZoneProblem((event.target as HTMLInputElement).value);
    const { timeZone: _previous, ...others } = this.createErrors.fields;
    this.createErrors = { ...this.createErrors, fields: problem === undefined ? others : { ...others, timeZone: problem } };
  };

  #open(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const reference = formText(form, "reference");
    if (/\/join\/|^[1-9A-HJ-NP-Za-km-z]+\.[0-9a-f]{32}$/.test(reference.trim())) {
      // an invitation: the join screen asks to be let in
      try {
        const invitation = parseInvitation(reference);
        this.openError = undefined;
        window.location.hash = routeHash({ screen: "join", code: invitationCode(invitation) });
      } catch (error) {
        this.openError = error instanceof Error ? error.message : String(error);
      }
      return;
    }
    try {
      const id = festivalIdFromReference(reference);
      this.openError = undefined;
      window.location.hash = festivalHash(id, { screen: "programme" });
    } catch (error) {
      this.openError = error instanceof Error ? error.message : String(error);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-festivals": PfFestivals;
  }
}
