// The join screen (#/join/CODE): an invitation opened in the page. Asks the newcomer's name, sends the access request
// signed with the invitation and this browser's key to the node, waits for a manager, and opens the festival once in.
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { BrowserIdentity } from "../../../engine/browser/browser-identity.js";
import { makeAccessRequest, parseInvitation, type Invitation } from "../../../engine/core/membership/index.js";
import { festivalHere, findFestivalAfresh, type AppServices } from "../state/app-services.js";
import { formErrorsFrom, NO_ERRORS, type FormErrors } from "../state/field-errors.js";
import { forgetSentRequest, rememberSentRequest, sentRequestFor, type SentRequest } from "../state/join-requests.js";
import { joinStateOf, type JoinState } from "../state/join-state.js";
import { festivalHash } from "../state/routes.js";
import { fetchDirectory, postAccessRequest } from "../state/server-api.js";
import { formText, inputField } from "./form-fields.js";
import { sharedStyles } from "./shared-styles.js";

/**
 * How often a waiting request is sent again (the node's answer says when a manager accepted or declined it); slower
 * than the node's limit per address (one every 5 s after a burst), so a waiting page never runs into it.
 */
const ASK_AGAIN_MS = 6000;
/** How often the festival is asked for once accepted, before the screen says it has not arrived. */
const OPEN_ATTEMPTS = 5;

type Phase =
  | { phase: "form" }
  | { phase: "sending" }
  | { phase: "waiting"; sent: SentRequest; retry?: string }
  | { phase: "opening"; sent: SentRequest; problem?: string }
  | { phase: "refused"; text: string };

@customElement("pf-join")
export class PfJoin extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .invitation {
        max-width: 40rem;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.25rem 0.75rem;
        margin: 0.5rem 0 1rem;
      }
      dt {
        font-weight: 600;
      }
      dd {
        margin: 0;
        min-width: 0;
      }
    `,
  ];

  @property({ attribute: false }) accessor services: AppServices | undefined;
  /** undefined before this browser has a name: the form makes its identity */
  @property({ attribute: false }) accessor identity: BrowserIdentity | undefined;
  @property() accessor code = "";
  @state() accessor phase: Phase = { phase: "form" };
  @state() accessor errors: FormErrors = NO_ERRORS;
  /** the festival's name when the node lists it publicly */
  @state() accessor listedName: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #parsedFor: string | undefined;
  #invitation: Invitation | undefined;
  #invitationError: string | undefined;
  #abort = new AbortController();

  override connectedCallback(): void {
    super.connectedCallback();
    this.#abort = new AbortController();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
    this.#abort.abort();
  }

  override willUpdate(): void {
    if (this.#parsedFor === this.code) return;
    this.#parsedFor = this.code;
    clearTimeout(this.#timer);
    this.listedName = undefined;
    try {
      this.#invitation = parseInvitation(this.code);
      this.#invitationError = undefined;
    } catch (error) {
      this.#invitation = undefined;
      this.#invitationError = error instanceof Error ? error.message : String(error);
      return;
    }
    const festivalId = this.#invitation.festivalId;
    const sent = sentRequestFor(festivalId);
    if (sent && this.identity && sent.request.key === this.identity.publicKey) {
      this.phase = { phase: "waiting", sent };
      void this.#ask(sent);
    } else {
      this.phase = { phase: "form" };
    }
    fetchDirectory(this.#abort.signal).then(
      (entries) => {
        if (this.#invitation?.festivalId === festivalId) this.listedName = entries.find((entry) => entry.id === festivalId)?.name;
      },
      () => undefined,
    );
  }

  override render() {
    if (!this.#invitation) {
      return html`<section class="invitation">
        <h2>Join a festival</h2>
        <p class="notice error" role="alert" data-join-error>
          This link does not hold a whole invitation: ${this.#invitationError ?? "it is empty"}. Copy the whole link again, or ask
          whoever invited you for a new one.
        </p>
        <p><a href="#/">Back to your festivals</a></p>
      </section>`;
    }
    const invitation = this.#invitation;
    const role = this.phase.phase === "waiting" || this.phase.phase === "opening" ? this.phase.sent.role : undefined;
    return html`<section class="invitation" data-join=${this.phase.phase}>
      <h2>Join a festival</h2>
      <p data-invitation>
        ${this.listedName
          ? html`You have an invitation to <strong>${this.listedName}</strong>.`
          : html`You have an invitation to a private festival. Its name and programme are sealed for its members: you see them once a
              manager lets you in.`}
      </p>
      <dl>
        <dt>Festival</dt>
        <dd><code>${invitation.festivalId}</code></dd>
        <dt>Role</dt>
        <dd data-offered-role>
          ${role
            ? html`<strong>${role}</strong> (${role === "manage" ? "edit the programme, and decide who takes part" : "edit the programme"})`
            : html`the one whoever invited you chose: edit (the programme) or manage (also who takes part); you see it once a manager
                accepts`}
        </dd>
      </dl>
      ${this.#renderPhase()}
    </section>`;
  }

  #renderPhase() {
    const phase = this.phase;
    switch (phase.phase) {
      case "form":
      case "sending":
        return html`<form @submit=${this.#submit} novalidate>
          ${inputField({
            name: "name",
            label: "Your name",
            value: this.identity?.name ?? "",
            error: this.errors.fields.name,
            required: true,
            autocomplete: "nickname",
            hint: "The managers see it as you give it (self-declared), next to this browser's key.",
          })}
          ${this.errors.form ? html`<p class="notice error" role="alert">${this.errors.form}</p>` : nothing}
          <div class="actions">
            <button class="primary" type="submit" ?disabled=${phase.phase === "sending"}>Ask to join</button>
            <a class="button" href="#/">Not now</a>
          </div>
        </form>`;
      case "waiting":
        return html`<div class="notice" role="status" data-waiting-for-manager>
            <p><strong>Waiting for a manager to accept your request.</strong></p>
            <p>
              You asked as <strong>${phase.sent.name}</strong> with this browser's key <code>${phase.sent.request.key}</code>. The festival
              opens here by itself once a manager accepts; you may close this page and open the link again later.
            </p>
          </div>
          ${phase.retry ? html`<p class="notice warn" role="alert" data-join-retry>${phase.retry}</p>` : nothing}`;
      case "opening":
        return phase.problem
          ? html`<p class="notice warn" role="alert">A manager accepted your request, but the festival has not arrived yet: ${phase.problem}</p>
              <div class="actions"><button class="primary" type="button" @click=${() => void this.#open(phase.sent)}>Try again</button></div>`
          : html`<p class="notice ok" role="status" data-join-accepted>A manager accepted your request: opening the festival…</p>`;
      case "refused":
        return html`<p class="notice error" role="alert" data-join-refused>${phase.text}</p>
          <p><a href="#/">Back to your festivals</a></p>`;
    }
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const services = this.services;
    const invitation = this.#invitation;
    if (!services || !invitation) return;
    const name = formText(event.currentTarget as HTMLFormElement, "name");
    this.phase = { phase: "sending" };
    let identity: BrowserIdentity;
    try {
      identity = !this.identity
        ? await services.identities.create(name)
        : name.trim() !== this.identity.name
          ? await services.identities.rename(name)
          : this.identity;
      this.errors = NO_ERRORS;
    } catch (error) {
      this.errors = formErrorsFrom(error, "member", ["name"]);
      this.phase = { phase: "form" };
      return;
    }
    if (identity !== this.identity) this.dispatchEvent(new CustomEvent<BrowserIdentity>("named", { detail: identity, bubbles: true, composed: true }));
    const sent: SentRequest = {
      festivalId: invitation.festivalId,
      code: this.code,
      request: makeAccessRequest(invitation, identity, identity.name),
      name: identity.name,
      sentAt: Date.now(),
    };
    rememberSentRequest(sent);
    this.phase = { phase: "waiting", sent };
    await this.#ask(sent);
  }

  /** Sends the request (again) and moves on by the answer; while it waits, asks again after a while. */
  async #ask(sent: SentRequest): Promise<void> {
    clearTimeout(this.#timer);
    const services = this.services;
    if (!services || !this.isConnected) return;
    if (festivalHere(services, sent.festivalId)) {
      await this.#open(sent);
      return;
    }
    const answer = await postAccessRequest(sent.festivalId, sent.request, this.#abort.signal);
    if (this.#abort.signal.aborted || this.#invitation?.festivalId !== sent.festivalId) return;
    const state: JoinState = joinStateOf(answer);
    switch (state.state) {
      case "accepted":
        await this.#open(sent);
        return;
      case "refused":
        forgetSentRequest(sent.festivalId);
        this.phase = { phase: "refused", text: state.text };
        return;
      case "waiting": {
        const updated = state.role && state.role !== sent.role ? { ...sent, role: state.role } : sent;
        if (updated !== sent) rememberSentRequest(updated);
        this.phase = { phase: "waiting", sent: updated };
        this.#timer = setTimeout(() => void this.#ask(updated), ASK_AGAIN_MS);
        return;
      }
      case "unchanged":
        this.#timer = setTimeout(() => void this.#ask(sent), ASK_AGAIN_MS);
        return;
      case "retry":
        this.phase = { phase: "waiting", sent, retry: state.text };
        this.#timer = setTimeout(() => void this.#ask(sent), ASK_AGAIN_MS);
        return;
    }
  }

  /** Accepted: asks the node for the festival (it sends it now that this browser's key is a member) and opens it. */
  async #open(sent: SentRequest): Promise<void> {
    const services = this.services;
    if (!services) return;
    this.phase = { phase: "opening", sent };
    let problem = "";
    for (let attempt = 0; attempt < OPEN_ATTEMPTS && this.isConnected; attempt++) {
      try {
        await findFestivalAfresh(services, sent.festivalId);
        forgetSentRequest(sent.festivalId);
        window.location.hash = festivalHash(sent.festivalId, { screen: "programme" });
        return;
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
    }
    if (this.isConnected) this.phase = { phase: "opening", sent, problem };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-join": PfJoin;
  }
}
