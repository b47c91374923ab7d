// The Proposals screen: who may change the festival (roles, granted and withdrawn here by its managers) and
// the changes of people without a role, which a member accepts (they count) or rejects (they stay out).
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import {
  acceptProposal,
  governanceOf,
  grantRole,
  memberKeyArgument,
  proposalsOf,
  rejectProposal,
  roleIncludes,
  setMode,
  withdrawRole,
  type GovernanceContext,
  type Proposal,
  type Role,
} from "../../../engine/core/governance/index.js";
import type { FestivalEditor } from "../../../engine/core/editor.js";
import { memberNames } from "../../../engine/core/provenance.js";
import type { FestivalSession } from "../state/festival-session.js";
import { formText } from "./form-fields.js";
import { sharedStyles } from "./shared-styles.js";

@customElement("pf-proposals")
export class PfProposals extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .proposal {
        border: 1px solid var(--pf-border);
        border-radius: 6px;
        padding: 0.6rem 0.8rem;
        margin: 0 0 0.75rem;
      }
      .proposal ul {
        margin: 0.3rem 0;
      }
      table {
        border-collapse: collapse;
      }
      th,
      td {
        text-align: left;
        padding: 0.3rem 0.5rem;
        border-bottom: 1px solid var(--pf-border);
      }
    `,
  ];

  @property({ attribute: false }) accessor session: FestivalSession | undefined;
  @property({ type: Number }) accessor version = 0;
  @state() accessor error: string | undefined;
  @state() accessor done: string | undefined;

  #context(session: FestivalSession): GovernanceContext {
    return { doc: session.doc(), festivalId: session.id, actor: session.identity.publicKey, festivalName: session.model.settings.name };
  }

  /** Runs one decision as a transaction; its error is shown, nothing of it is applied. */
  #act(what: string, run: (editor: FestivalEditor, context: GovernanceContext) => unknown): void {
    const session = this.session;
    if (!session) return;
    try {
      const context = this.#context(session);
      session.transaction((editor) => run(editor, context));
      this.error = undefined;
      this.done = what;
    } catch (error) {
      this.done = undefined;
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  #addMember(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const role = formText(form, "role") === "manage" ? "manage" : "edit";
    this.#act("Role granted.", (editor, context) => grantRole(editor, context, memberKeyArgument(formText(form, "key")), role as Role));
  }

  override render() {
    const session = this.session;
    if (!session) return nothing;
    const governance = governanceOf(session.doc(), session.id);
    const names = memberNames(session.doc(), session.id);
    const me = session.identity.publicKey;
    const myRole = governance.roles.get(me);
    const proposals = proposalsOf(session.doc(), session.id);
    const canDecide = roleIncludes(myRole, "edit");
    const canManage = roleIncludes(myRole, "manage");
    const nameOf = (key: string) => names.get(key) || "unnamed";
    return html`
      <h2>Proposals</h2>
      <p role="status" data-role=${myRole ?? "none"}>
        ${!governance.founded
          ? "This festival was made before roles: anyone who has it may edit it."
          : governance.mode === "open"
            ? "This festival is open: anyone may edit it; its managers decide who manages."
            : myRole
              ? `You ${myRole === "manage" ? "manage" : "edit"} this festival.`
              : "You are not a member of this festival: what you add or change is sent to its members as a proposal."}
      </p>
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
      ${this.done ? html`<p class="notice" role="status">${this.done}</p>` : nothing}
      ${proposals.length === 0
        ? html`<p class="muted" data-proposals="0">No proposals waiting.</p>`
        : proposals.map((proposal) => this.#renderProposal(proposal, canDecide))}
      ${governance.founded
        ? html`<h3>Members</h3>
            <table data-members>
              <thead><tr><th scope="col">Name (self-declared)</th><th scope="col">Key</th><th scope="col">Role</th><th></th></tr></thead>
              <tbody>
                ${[...governance.roles].map(
                  ([key, role]) => html`<tr>
                    <td>${nameOf(key)}</td>
                    <td><code title=${key}>${key.slice(0, 12)}</code></td>
                    <td>${role}${key === governance.founder ? " (founder)" : ""}</td>
                    <td>
                      ${canManage
                        ? html`<button type="button" @click=${() => this.#act("Role withdrawn.", (editor, context) => withdrawRole(editor, context, key))}>Remove</button>`
                        : nothing}
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>
            ${canManage
              ? html`<form @submit=${this.#addMember} novalidate>
                    <label>Public key <input name="key" required size="40" /></label>
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
            <p class="muted">Your key: <code>${me}</code></p>`
        : nothing}
    `;
  }

  #renderProposal(proposal: Proposal, canDecide: boolean) {
    const who = proposal.author === null ? "Someone not verified yet" : proposal.authorName || proposal.author.slice(0, 12);
    return html`<article class="proposal" data-proposal=${proposal.hash}>
      <p><strong>${who}</strong> proposes${proposal.status === "pending" ? " (not signed yet)" : ""}:</p>
      <ul>
        ${proposal.changes.map((line) => html`<li>${line}</li>`)}
      </ul>
      ${canDecide && proposal.status === "proposal"
        ? html`<div class="actions">
            <button class="primary" type="button" data-accept @click=${() => this.#act("Accepted.", (editor, context) => acceptProposal(editor, context, proposal.hash))}>Accept</button>
            <button type="button" data-reject @click=${() => this.#act("Rejected.", (editor, context) => rejectProposal(editor, context, proposal.hash))}>Reject</button>
          </div>`
        : nothing}
    </article>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-proposals": PfProposals;
  }
}
