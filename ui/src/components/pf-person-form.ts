// The person form: add or edit a person (a host, an artist, a contact) with a short bio and contact.
// The engine validates; its messages appear next to the field they are about.
import { LitElement, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { addPerson, editPerson } from "../../../engine/core/operations.js";
import type { PersonView } from "../../../engine/core/schema.js";
import { formErrorsFrom, NO_ERRORS, type FormErrors } from "../state/field-errors.js";
import type { FestivalSession } from "../state/festival-session.js";
import { festivalHash } from "../state/routes.js";
import { formText, inputField, textAreaField } from "./form-fields.js";
import { sharedStyles } from "./shared-styles.js";

const PERSON_FIELDS = ["name", "bio", "contact"] as const;

@customElement("pf-person-form")
export class PfPersonForm extends LitElement {
  static override styles = sharedStyles;

  @property({ attribute: false }) accessor session: FestivalSession | undefined;
  @property({ type: Number }) accessor version = 0;
  @property() accessor personId = "new";
  @state() accessor errors: FormErrors = NO_ERRORS;
  @state() accessor saved: string | undefined;
  #draft: PersonView | undefined;
  #draftFor: string | undefined;

  override willUpdate(): void {
    if (this.#draftFor !== this.personId) {
      this.#draftFor = this.personId;
      this.#draft = this.#person();
      this.errors = NO_ERRORS;
      this.saved = undefined;
    }
  }

  #person(): PersonView | undefined {
    return this.personId === "new" ? undefined : this.session?.model.people.get(this.personId);
  }

  override render() {
    const session = this.session;
    if (!session) return nothing;
    const isNew = this.personId === "new";
    const current = this.#person();
    if (!isNew && !current) {
      return html`<p class="notice error" role="alert">There is no person with the id ${this.personId} in this festival.</p>`;
    }
    const draft = this.#draft;
    const errors = this.errors.fields;
    const hosting = current ? [...session.model.events.values()].filter((event) => event.hostIds.includes(current.id)) : [];
    return html`
      <h2>${isNew ? "Add a person" : `${current?.name ?? ""}`}</h2>
      <form @submit=${this.#submit} novalidate>
        ${inputField({ name: "name", label: "Name", value: draft?.name ?? "", error: errors.name, required: true })}
        ${textAreaField({ name: "bio", label: "Bio", value: draft?.bio ?? "", error: errors.bio })}
        ${inputField({ name: "contact", label: "Contact", value: draft?.contact ?? "", error: errors.contact, hint: "Shared with everyone who has this festival" })}
        ${this.errors.form ? html`<p class="notice error" role="alert">${this.errors.form}</p>` : nothing}
        ${this.saved ? html`<p class="notice ok" role="status">${this.saved}</p>` : nothing}
        <div class="actions">
          <button class="primary" type="submit">${isNew ? "Add person" : "Save changes"}</button>
          <a class="button" href=${festivalHash(session.id, { screen: "people" })}>All people</a>
        </div>
      </form>
      ${hosting.length > 0
        ? html`<h3>Hosts</h3>
            <ul>
              ${hosting.map((event) => html`<li><a href=${festivalHash(session.id, { screen: "event", id: event.id })}>${event.title}</a></li>`)}
            </ul>`
        : nothing}
    `;
  }

  #submit(event: SubmitEvent): void {
    event.preventDefault();
    const session = this.session;
    if (!session) return;
    const form = event.currentTarget as HTMLFormElement;
    const contact = formText(form, "contact").trim();
    try {
      if (this.personId === "new") {
        addPerson(session.editor, { name: formText(form, "name"), bio: formText(form, "bio"), ...(contact ? { contact } : {}) });
        this.errors = NO_ERRORS;
        window.location.hash = festivalHash(session.id, { screen: "people" });
        return;
      }
      const written = editPerson(session.editor, this.personId, { name: formText(form, "name"), bio: formText(form, "bio"), contact: contact || null });
      this.errors = NO_ERRORS;
      this.saved = written.length === 0 ? "Nothing changed." : `Saved (${written.join(", ")}).`;
    } catch (error) {
      this.errors = formErrorsFrom(error, "person", PERSON_FIELDS);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-person-form": PfPersonForm;
  }
}
