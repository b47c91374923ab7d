// The venue form: add or edit a venue, remove it (a flag: its events stay, shown as dangling) or restore it.
// The engine validates; its messages appear next to the field they are about.
import { LitElement, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { PandafestError } from "../../../engine/core/errors.js";
import { addVenue, editVenue, removeVenue, restoreVenue } from "../../../engine/core/operations.js";
import type { VenueView } from "../../../engine/core/schema.js";
import type { VenuePatch } from "../../../engine/core/validate.js";
import { formErrorsFrom, NO_ERRORS, type FormErrors } from "../state/field-errors.js";
import type { FestivalSession } from "../state/festival-session.js";
import { festivalHash } from "../state/routes.js";
import { formText, inputField, listFromText, textAreaField } from "./form-fields.js";
import { sharedStyles } from "./shared-styles.js";

const VENUE_FIELDS = ["name", "description", "address", "geo", "capacity", "accessibility", "tags"] as const;

/** A number typed in a field: undefined when empty, an error naming the field when not a number. */
function numberFrom(text: string, field: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const value = Number(trimmed.replace(",", "."));
  if (!Number.isFinite(value)) throw new PandafestError(`invalid venue ${field} ${JSON.stringify(trimmed)}: expected a number`);
  return value;
}

@customElement("pf-venue-form")
export class PfVenueForm extends LitElement {
  static override styles = sharedStyles;

  @property({ attribute: false }) accessor session: FestivalSession | undefined;
  @property({ type: Number }) accessor version = 0;
  @property() accessor venueId = "new";
  @state() accessor errors: FormErrors = NO_ERRORS;
  @state() accessor saved: string | undefined;
  #draft: VenueView | undefined;
  #draftFor: string | undefined;

  override willUpdate(): void {
    if (this.#draftFor !== this.venueId) {
      this.#draftFor = this.venueId;
      this.#draft = this.#venue();
      this.errors = NO_ERRORS;
      this.saved = undefined;
    }
  }

  #venue(): VenueView | undefined {
    return this.venueId === "new" ? undefined : this.session?.model.venues.get(this.venueId);
  }

  override render() {
    const session = this.session;
    if (!session) return nothing;
    const isNew = this.venueId === "new";
    const current = this.#venue();
    if (!isNew && !current) {
      return html`<p class="notice error" role="alert">There is no venue with the id ${this.venueId} in this festival.</p>`;
    }
    const draft = this.#draft;
    const errors = this.errors.fields;
    const events = current ? [...session.model.events.values()].filter((event) => event.venueId === current.id).length : 0;
    return html`
      <h2>${isNew ? "Add a venue" : `Venue “${current?.name ?? ""}”`}</h2>
      ${current?.removed
        ? html`<p class="notice warn" role="status">
            This venue is removed. ${events > 0 ? `Its ${events} event(s) are still in the programme, marked as dangling.` : ""}
            <button type="button" @click=${this.#restore}>Restore venue</button>
          </p>`
        : nothing}
      <form @submit=${this.#submit} novalidate>
        ${inputField({ name: "name", label: "Name", value: draft?.name ?? "", error: errors.name, required: true })}
        ${textAreaField({ name: "description", label: "Description", value: draft?.description ?? "", error: errors.description })}
        ${textAreaField({ name: "address", label: "Address", value: draft?.address ?? "", error: errors.address })}
        <div class="row">
          ${inputField({ name: "capacity", label: "Capacity", value: draft?.capacity === undefined ? "" : String(draft.capacity), error: errors.capacity, inputmode: "numeric" })}
          ${inputField({ name: "lat", label: "Latitude", value: draft?.geo ? String(draft.geo.lat) : "", inputmode: "decimal", error: errors.geo })}
          ${inputField({ name: "lon", label: "Longitude", value: draft?.geo ? String(draft.geo.lon) : "", inputmode: "decimal" })}
        </div>
        ${textAreaField({ name: "accessibility", label: "Accessibility", value: draft?.accessibility ?? "", error: errors.accessibility, hint: "Step-free access, toilets, hearing loop…" })}
        ${inputField({ name: "tags", label: "Tags", value: draft?.tags.join(", ") ?? "", error: errors.tags, hint: "Separated by commas" })}
        ${this.errors.form ? html`<p class="notice error" role="alert">${this.errors.form}</p>` : nothing}
        ${this.saved ? html`<p class="notice ok" role="status">${this.saved}</p>` : nothing}
        <div class="actions">
          <button class="primary" type="submit">${isNew ? "Add venue" : "Save changes"}</button>
          ${current && !current.removed ? html`<button class="danger" type="button" @click=${this.#remove}>Remove venue</button>` : nothing}
          <a class="button" href=${festivalHash(session.id, { screen: "venues" })}>All venues</a>
        </div>
      </form>
    `;
  }

  #submit(event: SubmitEvent): void {
    event.preventDefault();
    const session = this.session;
    if (!session) return;
    const form = event.currentTarget as HTMLFormElement;
    try {
      const lat = numberFrom(formText(form, "lat"), "geo");
      const lon = numberFrom(formText(form, "lon"), "geo");
      if ((lat === undefined) !== (lon === undefined)) throw new PandafestError("invalid venue geo: give both latitude and longitude, or neither");
      const capacity = numberFrom(formText(form, "capacity"), "capacity");
      const geo = lat !== undefined && lon !== undefined ? { lat, lon } : undefined;
      const fields = {
        name: formText(form, "name"),
        description: formText(form, "description"),
        address: formText(form, "address"),
        accessibility: formText(form, "accessibility"),
        tags: listFromText(formText(form, "tags")),
      };
      if (this.venueId === "new") {
        addVenue(session.editor, { ...fields, ...(geo ? { geo } : {}), ...(capacity !== undefined ? { capacity } : {}) });
        this.errors = NO_ERRORS;
        window.location.hash = festivalHash(session.id, { screen: "venues" });
        return;
      }
      const patch: VenuePatch = { ...fields, geo: geo ?? null, capacity: capacity ?? null };
      const written = editVenue(session.editor, this.venueId, patch);
      this.errors = NO_ERRORS;
      this.saved = written.length === 0 ? "Nothing changed." : `Saved (${written.join(", ")}).`;
    } catch (error) {
      this.errors = formErrorsFrom(error, "venue", VENUE_FIELDS);
    }
  }

  #remove(): void {
    const session = this.session;
    if (!session) return;
    try {
      removeVenue(session.editor, this.venueId);
      this.saved = "The venue is removed. It can be restored; its events stay in the programme.";
    } catch (error) {
      this.errors = formErrorsFrom(error, "venue", VENUE_FIELDS);
    }
  }

  #restore(): void {
    const session = this.session;
    if (!session) return;
    try {
      restoreVenue(session.editor, this.venueId);
      this.saved = "The venue is back.";
    } catch (error) {
      this.errors = formErrorsFrom(error, "venue", VENUE_FIELDS);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-venue-form": PfVenueForm;
  }
}
