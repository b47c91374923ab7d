// The Members screen: this browser's key, who may change the festival (roles, granted and removed by its managers),
// newcomers' access requests to accept or decline, invitations (code, link and QR code) and a private festival's key.
import { LitElement, css, html, nothing, svg } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import {
  governanceOf,
  memberKeyArgument,
  roleIncludes,
  setMode,
  type GovernanceContext,
  type Role,
} from "../../../engine/core/governance/index.js";
import type { FestivalEditor } from "../../../engine/core/editor.js";
import {
  acceptAccessRequest,
  accessRequestsOf,
  addMember,
  declineAccessRequest,
  festivalKeyFor,
  invitationCode,
  invitationLink,
  inviteMember,
  isPrivateFestival,
  keyringOf,
  membersLackingKey,
  rekeyFestival,
  removeMember,
  shareMissingKeys,
  type AccessRequest,
  type Invitation,
  type InvitationRecord,
} from "../../../engine/core/membership/index.js";
import type { FestivalSession } from "../state/festival-session.js";
import { SignatureWatch } from "../state/signature-watch.js";
import { keepInvitation, keptInvitations } from "../state/invitation-codes.js";
import { encodeQr, qrSvgPath } from "../state/qr-code.js";
import { formText } from "./form-fields.js";
import { sharedStyles } from "./shared-styles.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const EXPIRY_CHOICES: ReadonlyArray<{ days: number; label: string }> = [
  { days: 1, label: "1 day" },
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
];
const STATUS_ORDER: Record<AccessRequest["status"], number> = { pending: 0, accepted: 1, declined: 2, refused: 3 };

/** The QR code of a link as an SVG, dark on white whatever the page's theme (so phones read it). */
function qrImage(link: string) {
  const code = encodeQr(link, { level: "M" });
  const side = code.size + 8;
  return html`<svg class="qr" viewBox="0 0 ${side} ${side}" role="img" aria-label="QR code of the invitation link" data-qr-version=${code.version} shape-rendering="crispEdges">
    ${svg`<rect width=${side} height=${side} fill="#fff"></rect><path d=${qrSvgPath(code)} fill="#000"></path>`}
  </svg>`;
}

/** Copies text, or selects it in its field where the page may not write the clipboard (plain http on the LAN). */
async function copyText(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    field?.focus();
    field?.select();
    return false;
  }
}

@customElement("pf-members")
export class PfMembers extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      section {
        max-width: 48rem;
      }
      .entry {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.25rem 0.75rem;
      }
      .entry .who {
        flex: 1 1 12rem;
        min-width: 0;
      }
      .entry .key {
        display: block;
        color: var(--pf-muted);
      }
      .entry .actions {
        margin: 0;
      }
      .invitation-made {
        display: flex;
        flex-wrap: wrap;
        gap: 1rem;
        align-items: flex-start;
      }
      .invitation-made .texts {
        flex: 1 1 16rem;
        min-width: 0;
      }
      .qr {
        width: min(16rem, 100%);
        height: auto;
        flex: 0 0 auto;
        border: 1px solid var(--pf-border);
        border-radius: var(--pf-radius);
        background: #fff;
      }
      .copy-row {
        display: flex;
        gap: 0.5rem;
        margin-bottom: 0.6rem;
      }
      .copy-row input {
        flex: 1 1 auto;
        min-width: 0;
        font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
        font-size: 0.85rem;
      }
      .status-pending {
        color: var(--pf-warn);
      }
      .status-refused,
      .status-declined {
        color: var(--pf-muted);
      }
      form.inline {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 0.75rem;
        align-items: flex-end;
      }
      form.inline label {
        display: flex;
        flex-direction: column;
        gap: 0.2rem;
        font-weight: 600;
        flex: 1 1 8rem;
      }
      form.inline label.wide {
        flex: 3 1 16rem;
      }
    `,
  ];

  @property({ attribute: false }) accessor session: FestivalSession | undefined;
  @property({ type: Number }) accessor version = 0;
  @state() accessor error: string | undefined;
  @state() accessor done: string | undefined;
  /** the invitation made last in this page, shown with its code, link and QR code */
  @state() accessor shown: Invitation | undefined;
  @state() accessor copied: string | undefined;
  /** the members' names from the signatures checked so far; the rest are checked in the background */
  readonly #signatures = new SignatureWatch(this);

  #context(session: FestivalSession): GovernanceContext {
    return { doc: session.doc(), festivalId: session.id, actor: session.identity.publicKey, festivalName: session.model.settings.name };
  }

  /** Runs one decision as a transaction; its error is shown, nothing of it is applied. */
  #act<T>(what: string | ((result: T) => string), run: (editor: FestivalEditor, context: GovernanceContext) => T): T | undefined {
    const session = this.session;
    if (!session) return undefined;
    try {
      const context = this.#context(session);
      const result = session.transaction((editor) => run(editor, context));
      this.error = undefined;
      this.done = typeof what === "string" ? what : what(result);
      return result;
    } catch (error) {
      this.done = undefined;
      this.error = error instanceof Error ? error.message : String(error);
      return undefined;
    }
  }

  #secret(session: FestivalSession) {
    return { publicKey: session.identity.publicKey, secretKey: session.identity.secretKey };
  }

  #addMember(event: SubmitEvent): void {
    event.preventDefault();
    const session = this.session;
    if (!session) return;
    const form = event.currentTarget as HTMLFormElement;
    const role: Role = formText(form, "role") === "manage" ? "manage" : "edit";
    this.#act("Role granted.", (editor, context) => addMember(editor, context, this.#secret(session), memberKeyArgument(formText(form, "key")), role));
  }

  #invite(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const role: Role = formText(form, "role") === "manage" ? "manage" : "edit";
    const days = Number(formText(form, "expires"));
    const uses = Number(formText(form, "uses"));
    const invitation = this.#act("Invitation made: pass the link or the QR code on privately.", (editor, context) =>
      inviteMember(editor, context, { role, expiresAt: Date.now() + (Number.isFinite(days) && days > 0 ? days : 7) * DAY_MS, uses }),
    );
    if (invitation) {
      keepInvitation(invitation);
      this.shown = invitation;
      this.copied = undefined;
      // on a phone the card is below the form: bring it into view
      void this.updateComplete.then(() => this.renderRoot.querySelector("[data-invitation-made]")?.scrollIntoView({ block: "nearest" }));
    }
  }

  #remove(key: string, name: string): void {
    this.#act(
      (result: { rekeyed: number | null }) =>
        result.rekeyed === null
          ? `${name} no longer has a role: their later changes arrive as proposals.`
          : `${name} no longer has a role, and the festival moved to key epoch ${result.rekeyed} without them: nothing changed from now on reaches them. What they already hold stays theirs.`,
      (editor, context) => removeMember(editor, context, key),
    );
  }

  override render() {
    const session = this.session;
    if (!session) return nothing;
    const doc = session.doc();
    const governance = governanceOf(doc, session.id);
    const me = session.identity.publicKey;
    const myRole = governance.roles.get(me);
    const canManage = roleIncludes(myRole, "manage");
    return html`
      <h2>Members</h2>
      <p role="status" data-role=${myRole ?? "none"}>
        ${!governance.founded
          ? "This festival was made before roles: anyone who has it may edit it."
          : myRole
            ? `You ${myRole === "manage" ? "manage" : "edit"} this festival.`
            : "You are not a member of this festival: what you add or change is sent to its members as a proposal."}
      </p>
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
      ${this.done ? html`<p class="notice ok" role="status" data-done>${this.done}</p>` : nothing}
      <section aria-labelledby="your-key" data-your-key>
        <h3 id="your-key">Your key</h3>
        <p><code data-key=${me}>${me}</code></p>
        ${myRole
          ? html`<p class="muted">This browser's identity: your changes are signed with it.</p>`
          : html`<p class="muted">
              This browser's identity. A manager can add it here, or from the command line with
              <code>pandafest member add ${session.id} ${me} --role edit</code>.
            </p>`}
      </section>
      ${governance.founded ? this.#renderFounded(session, canManage) : nothing}
    `;
  }

  #renderFounded(session: FestivalSession, canManage: boolean) {
    const doc = session.doc();
    const governance = governanceOf(doc, session.id);
    const { value: names, actorsUnchecked: unchecked } = this.#signatures.memberNames(session);
    const { invitations, requests } = accessRequestsOf(doc, session.id, Date.now());
    // a newcomer who has not written anything yet is known by the name their request gave
    const requestNames = new Map(requests.filter((request) => request.name !== "").map((request) => [request.key, request.name]));
    const nameOf = (key: string) => names.get(key) || requestNames.get(key) || (unchecked > 0 ? "checking signatures…" : "unnamed");
    return html`
      ${canManage ? this.#renderRequests(requests) : nothing}
      <section aria-labelledby="members-heading">
        <h3 id="members-heading">Who may change it</h3>
        ${unchecked > 0 ? html`<p class="muted" role="status" data-checking-signatures>Checking signatures… names show as they are checked.</p>` : nothing}
        <ul class="plain card-list" data-members>
          ${[...governance.roles].map(
            ([key, role]) => html`<li class="entry" data-member=${key}>
              <div class="who">
                <strong>${nameOf(key)}</strong> <span class="muted">(self-declared)</span> · ${role}${key === governance.founder ? " (founder)" : ""}${key ===
                session.identity.publicKey
                  ? " · you"
                  : ""}
                <code class="key">${key}</code>
              </div>
              ${canManage
                ? html`<div class="actions"><button type="button" class="danger" @click=${() => this.#remove(key, nameOf(key))}>Remove</button></div>`
                : nothing}
            </li>`,
          )}
        </ul>
        ${canManage
          ? html`<form class="inline" @submit=${this.#addMember} novalidate data-add-member>
                <label class="wide">Public key <input name="key" required /></label>
                <label>Role <select name="role"><option value="edit">edit</option><option value="manage">manage</option></select></label>
                <button class="primary" type="submit">Add member</button>
              </form>
              <div class="actions">
                <button type="button" @click=${() =>
                  this.#act(governance.mode === "open" ? "The festival is organised now." : "The festival is open now.", (editor, context) =>
                    setMode(editor, context, governance.mode === "open" ? "organised" : "open"),
                  )}>
                  ${governance.mode === "open" ? "Organise: only members edit" : "Open: anyone may edit"}
                </button>
              </div>`
          : nothing}
      </section>
      ${canManage ? this.#renderInvitations(session, invitations) : nothing}
      ${this.#renderKeys(session, canManage)}
    `;
  }

  #renderRequests(requests: AccessRequest[]) {
    const session = this.session as FestivalSession;
    const waiting = requests.filter((request) => request.status === "pending");
    const decided = [...requests].filter((request) => request.status !== "pending").sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
    const list = (shown: AccessRequest[]) => html`<ul class="plain card-list">
      ${shown.map(
        (request) => html`<li class="entry" data-request=${request.key} data-status=${request.status}>
          <div class="who">
            <strong>${request.name || "no name given"}</strong> <span class="muted">(self-declared)</span> · asks for
            ${request.role ?? "an unknown role"} · <span class="status-${request.status}">${request.status}</span>
            ${request.reason ? html`<span class="muted">: ${request.reason}</span>` : nothing}
            <code class="key">${request.key}</code>
          </div>
          ${request.status === "pending"
            ? html`<div class="actions">
                <button class="primary" type="button" @click=${() =>
                  this.#act(`${request.name || "The newcomer"} is in now, as ${request.role}.`, (editor, context) =>
                    acceptAccessRequest(editor, context, this.#secret(session), request),
                  )}>Accept</button>
                <button type="button" @click=${() =>
                  this.#act("Request declined.", (editor, context) => declineAccessRequest(editor, context, request))}>Decline</button>
              </div>`
            : nothing}
        </li>`,
      )}
    </ul>`;
    return html`<section aria-labelledby="requests-heading" data-requests=${waiting.length}>
      <h3 id="requests-heading">Requests to join${waiting.length > 0 ? ` (${waiting.length} waiting)` : ""}</h3>
      ${waiting.length === 0
        ? html`<p class="muted">No requests waiting. Someone with an invitation asks to join by opening its link (or with <code>pandafest join</code>).</p>`
        : list(waiting)}
      ${decided.length > 0
        ? html`<details>
            <summary>Decided and refused requests (${decided.length})</summary>
            ${list(decided)}
          </details>`
        : nothing}
    </section>`;
  }

  #renderInvitations(session: FestivalSession, invitations: InvitationRecord[]) {
    const kept = keptInvitations(session.id);
    const now = Date.now();
    return html`<section aria-labelledby="invite-heading">
      <h3 id="invite-heading">Invite someone</h3>
      <form class="inline" @submit=${this.#invite} novalidate data-invite>
        <label>Role <select name="role"><option value="edit">edit</option><option value="manage">manage</option></select></label>
        <label>Valid for
          <select name="expires">
            ${EXPIRY_CHOICES.map((choice) => html`<option value=${choice.days} ?selected=${choice.days === 7}>${choice.label}</option>`)}
          </select>
        </label>
        <label>Uses <input name="uses" type="number" min="1" max="1000" step="1" value="1" inputmode="numeric" /></label>
        <button class="primary" type="submit">Create invitation</button>
      </form>
      ${this.shown && this.shown.festivalId === session.id ? this.#renderInvitation(this.shown) : nothing}
      ${invitations.length > 0
        ? html`<h4>Invitations</h4>
            <ul class="plain card-list" data-invitations>
              ${invitations.map((invitation) => {
                const code = kept.get(invitation.invitation);
                const state = now > invitation.expiresAt ? "expired" : invitation.used >= invitation.uses ? "used up" : "open";
                return html`<li class="entry" data-invitation=${invitation.invitation}>
                  <div class="who">
                    ${invitation.role}, ${invitation.used} of ${invitation.uses} use(s) taken, ${state === "expired" ? "expired" : "until"}
                    ${new Date(invitation.expiresAt).toLocaleString()} ${state === "used up" ? "· used up" : nothing}
                    ${code ? nothing : html`<span class="muted">(made elsewhere: its code is only where it was made)</span>`}
                  </div>
                  ${code && state === "open"
                    ? html`<div class="actions"><button type="button" @click=${() => ((this.shown = code), (this.copied = undefined))}>Show link</button></div>`
                    : nothing}
                </li>`;
              })}
            </ul>`
        : nothing}
    </section>`;
  }

  #renderInvitation(invitation: Invitation) {
    const code = invitationCode(invitation);
    const link = invitationLink(window.location.origin, invitation);
    const copy = async (what: string, text: string, field: string) => {
      const input = this.renderRoot.querySelector<HTMLInputElement>(`#${field}`);
      this.copied = (await copyText(text, input)) ? `${what} copied.` : `${what} selected: copy it with your keyboard or menu.`;
    };
    return html`<div class="notice invitation-made" data-invitation-made>
      ${qrImage(link)}
      <div class="texts">
        <p>Whoever opens this link (or scans the code) can ask to join; you still accept each request here. Pass it privately.</p>
        <label for="invitation-link"><strong>Link</strong></label>
        <div class="copy-row">
          <input id="invitation-link" readonly .value=${link} data-invitation-link aria-label="Invitation link" />
          <button type="button" @click=${() => void copy("Link", link, "invitation-link")}>Copy</button>
        </div>
        <label for="invitation-code"><strong>Code</strong> <span class="muted">(for <code>pandafest join CODE --via ${window.location.origin}</code>)</span></label>
        <div class="copy-row">
          <input id="invitation-code" readonly .value=${code} data-invitation-code aria-label="Invitation code" />
          <button type="button" @click=${() => void copy("Code", code, "invitation-code")}>Copy</button>
        </div>
        ${this.copied ? html`<p class="muted" role="status">${this.copied}</p>` : nothing}
      </div>
    </div>`;
  }

  /** A private festival's key: which epoch, whether this browser holds it, and what a manager can do about it. */
  #renderKeys(session: FestivalSession, canManage: boolean) {
    const context = this.#context(session);
    if (!isPrivateFestival(context)) return nothing;
    const doc = session.doc();
    const keyring = keyringOf(doc, session.id);
    const mine = festivalKeyFor(doc, session.id, this.#secret(session));
    const lacking = keyring.number === 0 ? [] : membersLackingKey(doc, session.id);
    return html`<section aria-labelledby="key-heading" data-key-epoch=${keyring.number}>
      <h3 id="key-heading">The festival's key</h3>
      ${keyring.number === 0
        ? html`<p>
            This private festival is still at key epoch 0: whoever knows its id can read it (as before member keys). A new key epoch seals
            it to its members only.
          </p>`
        : html`<p>
            Key epoch ${keyring.number}: sync and bundles of this festival are sealed with a key only its members hold.
            ${mine ? "This browser holds it." : "This browser does not hold it yet: a manager hands it on."}
          </p>`}
      ${lacking.length > 0 ? html`<p class="notice warn">${lacking.length} member(s) lack the current key.</p>` : nothing}
      ${canManage
        ? html`<div class="actions">
            ${lacking.length > 0 && mine
              ? html`<button type="button" @click=${() =>
                  this.#act((served: string[]) => `Key handed to ${served.length} member(s).`, (editor, context) => shareMissingKeys(editor, context, this.#secret(session)))}>
                  Hand the key to them
                </button>`
              : nothing}
            <button type="button" @click=${() =>
              this.#act(
                (number: number) => `Key epoch ${number} started: every member holds the new key; nobody else gets what changes from now on.`,
                (editor, context) => rekeyFestival(editor, context),
              )}>
              ${keyring.number === 0 ? "Seal it to its members (new key)" : "Start a new key epoch"}
            </button>
          </div>`
        : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-members": PfMembers;
  }
}
