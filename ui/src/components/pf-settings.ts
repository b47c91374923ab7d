// The Settings screen: the festival's name, description, dates, time zone, day start and visibility; how to
// share it; links to the exports; and forking it.
import { LitElement, html, nothing } from "lit";
import { customElement, property, query, state } from "lit/decorators.js";
import { festivalAudience } from "../../../engine/core/membership/index.js";
import { editFestival } from "../../../engine/core/operations.js";
import type { FestivalSettings } from "../../../engine/core/schema.js";
import type { FestivalPatch } from "../../../engine/core/validate.js";
import type { AppServices } from "../state/app-services.js";
import { formErrorsFrom, NO_ERRORS, type FormErrors } from "../state/field-errors.js";
import type { FestivalSession } from "../state/festival-session.js";
import { festivalHash } from "../state/routes.js";
import { timeZoneProblem } from "../state/time-zones.js";
import { formText, inputField, textAreaField, timeZoneField } from "./form-fields.js";
import "./pf-fork-dialog.js";
import type { PfForkDialog } from "./pf-fork-dialog.js";
import { sharedStyles } from "./shared-styles.js";

const FESTIVAL_FIELDS = ["name", "description", "timeZone", "startDate", "endDate", "dayStartsAt", "visibility"] as const;

@customElement("pf-settings")
export class PfSettings extends LitElement {
  static override styles = sharedStyles;

  @property({ attribute: false }) accessor services: AppServices | undefined;
  @property({ attribute: false }) accessor session: FestivalSession | undefined;
  @property({ type: Number }) accessor version = 0;
  @state() accessor errors: FormErrors = NO_ERRORS;
  @state() accessor saved: string | undefined;
  @query("pf-fork-dialog") accessor forkDialog!: PfForkDialog;
  #draft: FestivalSettings | undefined;
  #draftFor: string | undefined;

  override willUpdate(): void {
    if (this.session && this.#draftFor !== this.session.id) {
      this.#draftFor = this.session.id;
      this.#draft = { ...this.session.model.settings };
    }
  }

  override render() {
    const session = this.session;
    const draft = this.#draft;
    if (!session || !draft) return nothing;
    const errors = this.errors.fields;
    const link = `${window.location.origin}${window.location.pathname}${festivalHash(session.id, { screen: "programme" })}`;
    const id = encodeURIComponent(session.id);
    const audience = festivalAudience(session.doc(), session.id);
    return html`
      <h2>Festival settings</h2>
      <form @submit=${this.#save} novalidate>
        ${inputField({ name: "name", label: "Name", value: draft.name, error: errors.name, required: true })}
        ${textAreaField({ name: "description", label: "Description", value: draft.description, error: errors.description })}
        <div class="row">
          ${inputField({ name: "startDate", label: "First day", type: "date", value: draft.startDate, error: errors.startDate })}
          ${inputField({ name: "endDate", label: "Last day", type: "date", value: draft.endDate, error: errors.endDate })}
        </div>
        <div class="row">
          ${timeZoneField({ value: draft.timeZone, error: errors.timeZone, onInput: this.#checkTimeZone })}
          ${inputField({ name: "dayStartsAt", label: "Days start at", type: "time", value: draft.dayStartsAt, error: errors.dayStartsAt })}
        </div>
        <fieldset>
          <legend>Who can find it</legend>
          <label><input type="radio" name="visibility" value="private" ?checked=${draft.visibility === "private"} /> Private: only its members (invite people on the Members screen)</label><br />
          <label><input type="radio" name="visibility" value="public" ?checked=${draft.visibility === "public"} /> Public: listed in directories for anyone</label>
          ${errors.visibility ? html`<p class="field-error" role="alert">${errors.visibility}</p>` : nothing}
        </fieldset>
        ${this.errors.form ? html`<p class="notice error" role="alert">${this.errors.form}</p>` : nothing}
        ${this.saved ? html`<p class="notice ok" role="status">${this.saved}</p>` : nothing}
        <div class="actions"><button class="primary" type="submit">Save settings</button></div>
      </form>
      <h2>Share</h2>
      <p data-share-rule>
        ${audience === "members"
          ? html`Only its members get this festival from a node, by the key they prove: the link opens it for them. To let someone in,
              <a href=${festivalHash(session.id, { screen: "members" })}>invite them</a>.`
          : audience === "knows-id"
            ? html`Anyone with this link or id can get the festival from a node that has it (it is private, but still at key epoch 0: share it
                only with people who organise it, or <a href=${festivalHash(session.id, { screen: "members" })}>seal it to its members</a>).`
            : "Anyone with this link or id can get the festival from a node that has it."}
      </p>
      <ul>
        <li>Link: <code>${link}</code></li>
        <li>Id: <code id="festival-id">${session.id}</code></li>
        <li>Automerge URL: <code>${session.handle.url}</code></li>
      </ul>
      <h2>Exports</h2>
      <ul>
        <li><a href="festivals/${id}/schedule.xml">schedule.xml</a> (Giggity, EventFahrplan, ConfClerk)</li>
        <li><a href="festivals/${id}/schedule.json">schedule.json</a></li>
        <li><a href="festivals/${id}/calendar.ics">calendar.ics</a> (calendar apps)</li>
      </ul>
      <h2>Fork</h2>
      <p>Start a new festival from this one (next year's edition, another group's event): venues are kept by default.</p>
      <div class="actions"><button type="button" @click=${() => this.forkDialog.open()}>Fork this festival…</button></div>
      <pf-fork-dialog .services=${this.services} .session=${session}></pf-fork-dialog>
    `;
  }

  /** Once a refused zone is corrected, its message goes while typing (a new problem waits for the next submit). */
  #checkTimeZone = (event: Event): void => {
    if (this.errors.fields.timeZone === undefined) return;
    const problem = timeZoneProblem((event.target as HTMLInputElement).value, this.session?.model.settings.timeZone);
    const { timeZone: _previous, ...others } = this.errors.fields;
    this.errors = { ...this.errors, fields: problem === undefined ? others : { ...others, timeZone: problem } };
  };

  #save(event: SubmitEvent): void {
    event.preventDefault();
    const session = this.session;
    if (!session) return;
    const form = event.currentTarget as HTMLFormElement;
    const checked = form.querySelector<HTMLInputElement>('input[name="visibility"]:checked');
    const patch: FestivalPatch = {
      name: formText(form, "name"),
      description: formText(form, "description"),
      startDate: formText(form, "startDate"),
      endDate: formText(form, "endDate"),
      timeZone: formText(form, "timeZone"),
      dayStartsAt: formText(form, "dayStartsAt"),
      visibility: checked?.value === "public" ? "public" : "private",
    };
    const zoneProblem = timeZoneProblem(patch.timeZone ?? "", session.model.settings.timeZone);
    if (zoneProblem !== undefined) {
      this.errors = { fields: { timeZone: zoneProblem } };
      this.saved = undefined;
      return;
    }
    try {
      const written = editFestival(session.editor, patch);
      this.errors = NO_ERRORS;
      this.saved = written.length === 0 ? "Nothing changed." : `Saved (${written.join(", ")}).`;
    } catch (error) {
      this.errors = formErrorsFrom(error, "festival", FESTIVAL_FIELDS);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-settings": PfSettings;
  }
}
