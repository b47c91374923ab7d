// The event form: add or edit an event (times entered on the festival's wall clock), cancel it, pick hosts.
// The engine validates; its messages appear next to the field they are about.
import { showInProgramme } from "../state/programme-focus.js";
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { PandafestError } from "../../../engine/core/errors.js";
import { addEvent, addPerson, cancelEvent, editEvent } from "../../../engine/core/operations.js";
import type { EventStatus } from "../../../engine/core/schema.js";
import { addDays, isCalendarDate, isTimeOfDay, localDateTime, wallClockToIso } from "../../../engine/core/time.js";
import { EVENT_STATUSES } from "../../../engine/core/validate.js";
import { findPersonByName } from "../../../engine/core/references.js";
import { formErrorsFrom, NO_ERRORS, type FormErrors } from "../state/field-errors.js";
import type { ScheduledEvent } from "../state/festival-model.js";
import type { FestivalSession } from "../state/festival-session.js";
import { festivalHash } from "../state/routes.js";
import { formText, inputField, listFromText, selectField, textAreaField } from "./form-fields.js";
import { sharedStyles } from "./shared-styles.js";

const EVENT_FIELDS = ["title", "venueId", "start", "end", "description", "hostIds", "tags", "language", "status"] as const;

interface EventDraft {
  title: string;
  venueId: string;
  startDate: string;
  startTime: string;
  endDate: string;
  endTime: string;
  description: string;
  hostIds: string[];
  tags: string;
  language: string;
  status: EventStatus;
}

/** An ISO 8601 instant with the zone's offset for a wall-clock date and time, or an error naming the field. */
function wallClockInstant(field: "start" | "end", date: string, time: string, timeZone: string): string {
  if (!isCalendarDate(date)) throw new PandafestError(`invalid event ${field}: choose a ${field} date`, { about: { subject: "event", field } });
  if (!isTimeOfDay(time)) throw new PandafestError(`invalid event ${field}: choose a ${field} time (HH:MM)`, { about: { subject: "event", field } });
  return wallClockToIso(date, time, timeZone);
}

@customElement("pf-event-form")
export class PfEventForm extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .hosts {
        max-height: 12rem;
        overflow-y: auto;
      }
      .hosts label {
        display: block;
        padding: 0.15rem 0;
      }
    `,
  ];

  @property({ attribute: false }) accessor session: FestivalSession | undefined;
  @property({ type: Number }) accessor version = 0;
  /** the event's id, or "new" */
  @property() accessor eventId = "new";
  @state() accessor errors: FormErrors = NO_ERRORS;
  @state() accessor saved: string | undefined;
  #draft: EventDraft | undefined;
  #draftFor: string | undefined;
  #baseline: ScheduledEvent | undefined;

  override willUpdate(): void {
    if (this.#draftFor !== this.eventId) {
      this.#draftFor = this.eventId;
      this.#baseline = this.#event();
      this.#draft = this.#makeDraft();
      this.errors = NO_ERRORS;
      this.saved = undefined;
    }
  }

  #event(): ScheduledEvent | undefined {
    return this.eventId === "new" ? undefined : this.session?.model.events.get(this.eventId);
  }

  #makeDraft(): EventDraft {
    const model = this.session?.model;
    const settings = model?.settings;
    const timeZone = settings?.timeZone ?? "UTC";
    const event = this.#event();
    if (event) {
      const start = Number.isFinite(event.startMs) ? localDateTime(event.startMs, timeZone) : { date: "", time: "" };
      const end = Number.isFinite(event.endMs) ? localDateTime(event.endMs, timeZone) : { date: "", time: "" };
      return {
        title: event.title,
        venueId: event.venueId,
        startDate: start.date,
        startTime: start.time,
        endDate: end.date,
        endTime: end.time,
        description: event.description,
        hostIds: event.hostIds,
        tags: event.tags.join(", "),
        language: event.language ?? "",
        status: event.status,
      };
    }
    const firstVenue = model?.liveVenues()[0]?.id ?? "";
    const day = settings?.startDate ?? "";
    return {
      title: "",
      venueId: firstVenue,
      startDate: day,
      startTime: "",
      endDate: "",
      endTime: "",
      description: "",
      hostIds: [],
      tags: "",
      language: "",
      status: "confirmed",
    };
  }

  override render() {
    const session = this.session;
    const draft = this.#draft;
    if (!session || !draft) return nothing;
    const model = session.model;
    const isNew = this.eventId === "new";
    const current = this.#event();
    if (!isNew && !current) {
      return html`<p class="notice error" role="alert">There is no event with the id ${this.eventId} in this festival.</p>
        <p><a href=${festivalHash(session.id, { screen: "programme" })}>Back to the programme</a></p>`;
    }
    const venues = model.liveVenues();
    const venueChoices = venues.map((venue) => ({ value: venue.id, label: venue.name }));
    if (current && !venues.some((venue) => venue.id === current.venueId)) {
      const venue = model.venues.get(current.venueId);
      venueChoices.unshift({ value: current.venueId, label: venue ? `${venue.name} (removed)` : "(missing venue)" });
    }
    const errors = this.errors.fields;
    const changedElsewhere = current !== undefined && this.#baseline !== undefined && current !== this.#baseline;
    return html`
      <h2>${isNew ? "Add an event" : `Edit “${current?.title ?? ""}”`}</h2>
      ${changedElsewhere
        ? html`<p class="notice warn" role="status">This event was changed while you were editing it (here or by someone else). Saving writes only the fields you changed.</p>`
        : nothing}
      ${venues.length === 0 && isNew
        ? html`<p class="notice warn">This festival has no venues yet. <a href=${festivalHash(session.id, { screen: "venue", id: "new" })}>Add a venue</a> first.</p>`
        : nothing}
      <form @submit=${this.#submit} novalidate>
        ${inputField({ name: "title", label: "Title", value: draft.title, error: errors.title, required: true })}
        ${selectField({ name: "venueId", label: "Venue", value: draft.venueId, choices: venueChoices, error: errors.venueId, required: true })}
        <div class="row">
          ${inputField({ name: "startDate", label: "Starts on", type: "date", value: draft.startDate, required: true })}
          ${inputField({ name: "startTime", label: "Start time", type: "time", value: draft.startTime, error: errors.start, required: true, hint: model.settings.timeZone })}
        </div>
        <div class="row">
          ${inputField({ name: "endDate", label: "Ends on", type: "date", value: draft.endDate, hint: "Empty: the same day, or the next if it ends before it starts" })}
          ${inputField({ name: "endTime", label: "End time", type: "time", value: draft.endTime, error: errors.end, required: true })}
        </div>
        ${selectField({
          name: "status",
          label: "Status",
          value: draft.status,
          choices: EVENT_STATUSES.map((status) => ({ value: status, label: status })),
          error: errors.status,
        })}
        ${textAreaField({ name: "description", label: "Description", value: draft.description, error: errors.description })}
        <fieldset>
          <legend>Hosts</legend>
          <div class="hosts">
            ${model.sortedPeople().map(
              (person) => html`<label><input type="checkbox" name="hostIds" value=${person.id} .checked=${draft.hostIds.includes(person.id)} /> ${person.name}</label>`,
            )}
          </div>
          ${inputField({ name: "newHosts", label: "New hosts", value: "", hint: "Names separated by commas; they are added to the people" })}
          ${errors.hostIds ? html`<p class="field-error" role="alert">${errors.hostIds}</p>` : nothing}
        </fieldset>
        <div class="row">
          ${inputField({ name: "tags", label: "Tags", value: draft.tags, error: errors.tags, hint: "Separated by commas" })}
          ${inputField({ name: "language", label: "Language", value: draft.language, error: errors.language, hint: "e.g. en, de, pt-BR" })}
        </div>
        ${this.errors.form ? html`<p class="notice error" role="alert">${this.errors.form}</p>` : nothing}
        ${this.saved ? html`<p class="notice ok" role="status">${this.saved}</p>` : nothing}
        <div class="actions">
          <button class="primary" type="submit">${isNew ? "Add event" : "Save changes"}</button>
          ${!isNew && current?.status !== "cancelled" ? html`<button class="danger" type="button" @click=${this.#cancelEvent}>Cancel this event</button>` : nothing}
          <a class="button" href=${festivalHash(session.id, { screen: "programme" })}>Back to the programme</a>
        </div>
      </form>
    `;
  }

  #submit(submitEvent: SubmitEvent): void {
    submitEvent.preventDefault();
    const session = this.session;
    if (!session) return;
    const form = submitEvent.currentTarget as HTMLFormElement;
    const timeZone = session.model.settings.timeZone;
    const editor = session.editor;
    try {
      const startDate = formText(form, "startDate");
      const startTime = formText(form, "startTime");
      const endTime = formText(form, "endTime");
      const start = wallClockInstant("start", startDate, startTime, timeZone);
      let endDate = formText(form, "endDate");
      if (endDate === "" && isCalendarDate(startDate)) endDate = isTimeOfDay(endTime) && endTime <= startTime ? addDays(startDate, 1) : startDate;
      const end = wallClockInstant("end", endDate, endTime, timeZone);
      const checked = [...form.querySelectorAll<HTMLInputElement>('input[name="hostIds"]:checked')].map((box) => box.value);
      // the stored order is kept (the boxes are sorted by name): only what the person changed is written
      const stored = this.eventId === "new" ? [] : (this.#event()?.hostIds ?? []);
      const hostIds = [...stored.filter((id) => checked.includes(id)), ...checked.filter((id) => !stored.includes(id))];
      const newHosts: string[] = [];
      for (const name of listFromText(formText(form, "newHosts"))) {
        const existing = findPersonByName(editor.read(), name);
        if (existing === undefined) newHosts.push(name);
        else if (!hostIds.includes(existing)) hostIds.push(existing);
      }
      const language = formText(form, "language").trim();
      const fields = {
        title: formText(form, "title"),
        venueId: formText(form, "venueId"),
        start,
        end,
        description: formText(form, "description"),
        hostIds,
        tags: listFromText(formText(form, "tags")),
        status: formText(form, "status") as EventStatus,
      };
      // one transaction: an event whose new host is refused is not stored either
      let savedId = this.eventId;
      session.transaction((editor) => {
        let id: string;
        if (this.eventId === "new") {
          id = addEvent(editor, { ...fields, ...(language ? { language } : {}) });
        } else {
          id = this.eventId;
          editEvent(editor, id, { ...fields, language: language === "" ? null : language });
        }
        if (newHosts.length > 0) {
          const added = newHosts.map((name) => addPerson(editor, { name }));
          editEvent(editor, id, { hostIds: [...hostIds, ...added] });
        }
        savedId = id;
      });
      this.errors = NO_ERRORS;
      showInProgramme(savedId);
      window.location.hash = festivalHash(session.id, { screen: "programme" });
    } catch (error) {
      this.errors = formErrorsFrom(error, "event", EVENT_FIELDS);
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"], .notice.error')?.focus());
    }
  }

  #cancelEvent(): void {
    const session = this.session;
    if (!session || this.eventId === "new") return;
    try {
      cancelEvent(session.editor, this.eventId);
      this.#baseline = this.#event();
      this.#draft = this.#makeDraft();
      this.errors = NO_ERRORS;
      this.saved = "The event is cancelled: it stays in the programme, marked as cancelled.";
    } catch (error) {
      this.errors = formErrorsFrom(error, "event", EVENT_FIELDS);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-event-form": PfEventForm;
  }
}
