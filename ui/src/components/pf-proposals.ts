// The Proposals screen: the changes of people without a role, which a member accepts (they count) or rejects (they
// stay out). Who has a role is on the Members screen (pf-members.ts).
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { acceptProposal, governanceOf, proposalsOf, rejectProposal, roleIncludes, type GovernanceContext, type Proposal } from "../../../engine/core/governance/index.js";
import type { FestivalEditor } from "../../../engine/core/editor.js";
import type { FestivalSession } from "../state/festival-session.js";
import { festivalHash } from "../state/routes.js";
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

  override render() {
    const session = this.session;
    if (!session) return nothing;
    const governance = governanceOf(session.doc(), session.id);
    const me = session.identity.publicKey;
    const myRole = governance.roles.get(me);
    const proposals = proposalsOf(session.doc(), session.id);
    const canDecide = roleIncludes(myRole, "edit");
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
      <p class="muted">Who may change the festival, invitations and requests to join are on the <a href=${festivalHash(session.id, { screen: "members" })}>Members</a> screen.</p>
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
