// The person form: add or edit a person (a host, an artist, a contact) with a short bio and contact; delete (after
// asking) and restore. The engine validates (every problem at once); its messages appear next to their fields.
import { LitElement, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { addPerson, deletePerson, editPerson, restorePerson } from "../../../engine/core/operations.js";
import { personInputProblems, personPatchProblems } from "../../../engine/core/validate.js";
import type { PersonView } from "../../../engine/core/schema.js";
import { formErrorsFrom, formErrorsFromAll, NO_ERRORS, type FormErrors } from "../state/field-errors.js";
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
  @state() accessor confirming = false;
  #draft: PersonView | undefined;
  #draftFor: string | undefined;

  override willUpdate(): void {
    if (this.#draftFor !== this.personId) {
      this.#draftFor = this.personId;
      this.#draft = this.#person();
      this.errors = NO_ERRORS;
      this.saved = undefined;
      this.confirming = false;
    }
  }

  /** The person edited (deleted ones too: the form offers to restore them). */
  #person(): PersonView | undefined {
    if (this.personId === "new") return undefined;
    const model = this.session?.model;
    return model?.people.get(this.personId) ?? model?.deletedPeople.get(this.personId);
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
    const deleted = current?.removed === true;
    return html`
      <h2>${isNew ? "Add a person" : `${current?.name ?? ""}`}</h2>
      ${deleted
        ? html`<div class="notice warn" role="status" data-deleted>
            <p>This person is deleted: they are not listed, offered as a host or exported. Restore them to bring them back.</p>
            <button type="button" class="primary" @click=${this.#restore}>Restore this person</button>
          </div>`
        : nothing}
      <form @submit=${this.#submit} novalidate>
        ${inputField({ name: "name", label: "Name", value: draft?.name ?? "", error: errors.name, required: true })}
        ${textAreaField({ name: "bio", label: "Bio", value: draft?.bio ?? "", error: errors.bio })}
        ${inputField({ name: "contact", label: "Contact", value: draft?.contact ?? "", error: errors.contact, hint: "Shared with everyone who has this festival" })}
        ${this.errors.form ? html`<p class="notice error" role="alert">${this.errors.form}</p>` : nothing}
        ${this.saved ? html`<p class="notice ok" role="status">${this.saved}</p>` : nothing}
        <div class="actions">
          <button class="primary" type="submit">${isNew ? "Add person" : "Save changes"}</button>
          ${!isNew && !deleted
            ? html`<button class="danger" type="button" data-action="delete" aria-expanded=${this.confirming ? "true" : "false"} @click=${this.#ask}>Delete this person…</button>`
            : nothing}
          <a class="button" href=${festivalHash(session.id, { screen: "people" })}>All people</a>
        </div>
        ${this.confirming && current
          ? html`<div class="notice warn confirm" role="group" aria-labelledby="confirm-question" data-confirm="delete">
              <p id="confirm-question">
                Delete ${current.name}? They are kept, and can be restored.
                ${hosting.length > 0
                  ? `They host ${hosting.length} event(s) (${hosting.map((event) => event.title).join(", ")}) and are taken off those events' hosts; restoring them does not put them back.`
                  : ""}
              </p>
              <div class="actions">
                <button type="button" class="danger" data-confirm-yes @click=${this.#delete}>Yes, delete ${current.name}</button>
                <button type="button" @click=${this.#dismiss}>No, keep them</button>
              </div>
            </div>`
          : nothing}
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
    const isNew = this.personId === "new";
    const fields = { name: formText(form, "name"), bio: formText(form, "bio") };
    // every problem at once, by the engine's rules for people
    const problems = isNew ? personInputProblems({ ...fields, ...(contact ? { contact } : {}) }) : personPatchProblems({ ...fields, contact: contact || null });
    if (problems.length > 0) {
      this.errors = formErrorsFromAll(problems, "person", PERSON_FIELDS);
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"], .notice.error')?.focus());
      return;
    }
    try {
      if (isNew) {
        addPerson(session.editor, { ...fields, ...(contact ? { contact } : {}) });
        this.errors = NO_ERRORS;
        window.location.hash = festivalHash(session.id, { screen: "people" });
        return;
      }
      const written = editPerson(session.editor, this.personId, { ...fields, contact: contact || null });
      this.errors = NO_ERRORS;
      this.saved = written.length === 0 ? "Nothing changed." : `Saved (${written.join(", ")}).`;
    } catch (error) {
      this.errors = formErrorsFrom(error, "person", PERSON_FIELDS);
    }
  }

  #ask(): void {
    this.confirming = true;
    this.saved = undefined;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>("[data-confirm-yes]")?.focus());
  }

  #dismiss(): void {
    this.confirming = false;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[data-action="delete"]')?.focus());
  }

  #delete(): void {
    const session = this.session;
    if (!session) return;
    try {
      // the person and their places as a host in one transaction
      const result = session.transaction((editor) => deletePerson(editor, this.personId, { unhost: true }));
      this.confirming = false;
      this.errors = NO_ERRORS;
      this.saved = `Deleted.${result.unhosted.length > 0 ? ` No longer a host of ${result.unhosted.map((event) => `“${event.title}”`).join(", ")}.` : ""}`;
    } catch (error) {
      this.confirming = false;
      this.errors = formErrorsFrom(error, "person", PERSON_FIELDS);
    }
  }

  #restore(): void {
    const session = this.session;
    if (!session) return;
    try {
      restorePerson(session.editor, this.personId);
      this.errors = NO_ERRORS;
      this.saved = "Restored.";
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
