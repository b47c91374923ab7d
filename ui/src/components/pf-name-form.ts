// Asks for the name this browser's identity goes by: on first use (before anything is edited) and to rename.
// Fires "named" with the saved identity; validation errors appear next to the field.
import { LitElement, html } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { BrowserIdentity, BrowserIdentityStore } from "../../../engine/browser/browser-identity.js";
import { formErrorsFrom, NO_ERRORS, type FormErrors } from "../state/field-errors.js";
import { formText, inputField } from "./form-fields.js";
import { sharedStyles } from "./shared-styles.js";

@customElement("pf-name-form")
export class PfNameForm extends LitElement {
  static override styles = sharedStyles;

  @property({ attribute: false }) accessor identities: BrowserIdentityStore | undefined;
  /** the identity to rename; undefined on first use */
  @property({ attribute: false }) accessor identity: BrowserIdentity | undefined;
  @state() accessor errors: FormErrors = NO_ERRORS;
  @state() accessor busy = false;

  override render() {
    const first = this.identity === undefined;
    const error = this.errors.fields.name;
    return html`
      <form @submit=${this.#submit} novalidate>
        <h2>${first ? "Welcome to pandafest" : "Your name"}</h2>
        ${first
          ? html`<p>
              Festivals here are organised together, peer to peer. Choose the name the people you organise with will
              see next to your edits. There is no account and no e-mail: a key made in this browser is your identity.
            </p>`
          : null}
        ${inputField({ name: "name", label: "Your name", value: this.identity?.name ?? "", error, required: true, autocomplete: "nickname" })}
        ${this.errors.form ? html`<p class="notice error" role="alert">${this.errors.form}</p>` : null}
        <div class="actions">
          <button class="primary" type="submit" ?disabled=${this.busy}>${first ? "Continue" : "Save name"}</button>
          ${first ? null : html`<button type="button" @click=${() => this.dispatchEvent(new Event("cancel"))}>Cancel</button>`}
        </div>
      </form>
    `;
  }

  override firstUpdated(): void {
    this.renderRoot.querySelector("input")?.focus();
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (!this.identities) return;
    const name = formText(event.currentTarget as HTMLFormElement, "name");
    this.busy = true;
    try {
      const identity = this.identity ? await this.identities.rename(name) : await this.identities.create(name);
      this.errors = NO_ERRORS;
      this.dispatchEvent(new CustomEvent<BrowserIdentity>("named", { detail: identity }));
    } catch (error) {
      this.errors = formErrorsFrom(error, "member", ["name"]);
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-name-form": PfNameForm;
  }
}
