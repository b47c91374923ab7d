// The event form: add or edit an event (times entered on the festival's wall clock), pick hosts, cancel or delete it
// after asking. The engine validates (every problem at once); its messages appear next to the field they are about.
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { PandafestError } from "../../../engine/core/errors.js";
import { addEvent, addPerson, deleteEvent, editEvent, eventProblems, restoreEvent } from "../../../engine/core/operations.js";
import type { EventStatus } from "../../../engine/core/schema.js";
import { addDays, isCalendarDate, isTimeOfDay, localDateTime, wallClockToIso } from "../../../engine/core/time.js";
import { EVENT_STATUSES, linkListProblems, personInputProblems, type EventPatch, type LinkInput } from "../../../engine/core/validate.js";
import { findPersonByName } from "../../../engine/core/references.js";
import { formErrorsFrom, formErrorsFromAll, hasErrors, NO_ERRORS, type FormErrors } from "../state/field-errors.js";
import type { ScheduledEvent } from "../state/festival-model.js";
import type { FestivalSession } from "../state/festival-session.js";
import { filledLinkRows, linkRow, sameLinks, type LinkRow } from "../state/link-rows.js";
import { handOverSavedNote, takeNewEventSlot } from "../state/programme-handoff.js";
import { festivalHash } from "../state/routes.js";
import { formText, inputField, listFromText, selectField, textAreaField } from "./form-fields.js";
import { linkRowsField } from "./link-rows-field.js";
import { sharedStyles } from "./shared-styles.js";

const EVENT_FIELDS = [
  "title", "venueId", "startDate", "start", "endDate", "end", "description", "hostIds", "tags", "language", "status", "type", "subtitle", "abstract", "links",
] as const;
const HOUR_MS = 3_600_000;

/** What a confirmation in the page asks about before it acts. */
type Confirming = "cancel" | "delete" | undefined;

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
  type: string;
  subtitle: string;
  abstract: string;
  /** the stored links, as the form showed them */
  links: LinkInput[];
}

/** The date and time fields of one end of the event as an ISO 8601 instant in the zone, or the problems with them. */
function wallClockInstant(field: "start" | "end", date: string, time: string, timeZone: string): { iso?: string; problems: PandafestError[] } {
  const problems: PandafestError[] = [];
  if (!isCalendarDate(date)) problems.push(new PandafestError(`Choose the date the event ${field === "start" ? "starts" : "ends"} on.`, { about: { subject: "event", field: `${field}Date` } }));
  if (!isTimeOfDay(time)) problems.push(new PandafestError(`Choose the ${field} time (hours and minutes).`, { about: { subject: "event", field } }));
  return problems.length > 0 ? { problems } : { iso: wallClockToIso(date, time, timeZone), problems };
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
      .link-row {
        align-items: flex-start;
      }
      .link-row > .field {
        flex: 1 1 12rem;
      }
      /* level with the inputs, below their labels */
      .link-row .remove-link {
        margin-top: 1.75rem;
      }
    `,
  ];

  @property({ attribute: false }) accessor session: FestivalSession | undefined;
  @property({ type: Number }) accessor version = 0;
  /** the event's id, or "new" */
  @property() accessor eventId = "new";
  @state() accessor errors: FormErrors = NO_ERRORS;
  @state() accessor saved: string | undefined;
  @state() accessor confirming: Confirming;
  /** the status before the last cancellation made here, for its Undo */
  @state() accessor undoStatus: EventStatus | undefined;
  /** the link rows as the person edits them (added, removed, typed into) */
  @state() accessor linkRows: LinkRow[] = [];
  /** the keys of the rows checked by the last submit, in order: the engine's `links.N.…` messages are about them */
  #checkedLinkKeys: number[] = [];
  #draft: EventDraft | undefined;
  #draftFor: string | undefined;
  #baseline: ScheduledEvent | undefined;

  override willUpdate(): void {
    if (this.#draftFor !== this.eventId) {
      this.#draftFor = this.eventId;
      this.#baseline = this.#event();
      this.#draft = this.#makeDraft();
      this.#resetLinkRows();
      this.errors = NO_ERRORS;
      this.saved = undefined;
      this.confirming = undefined;
      this.undoStatus = undefined;
    }
  }

  /** The event edited (deleted ones too: the form offers to restore them). */
  #event(): ScheduledEvent | undefined {
    if (this.eventId === "new") return undefined;
    const model = this.session?.model;
    return model?.events.get(this.eventId) ?? model?.deletedEvents.get(this.eventId);
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
        type: event.type,
        subtitle: event.subtitle,
        abstract: event.abstract,
        links: event.links.map(({ title, url }) => ({ title, url })),
      };
    }
    const liveVenues = model?.liveVenues() ?? [];
    // an empty slot clicked in the programme: its venue and start, an hour long
    const slot = this.session ? takeNewEventSlot(this.session.id) : undefined;
    const venueId = slot && liveVenues.some((venue) => venue.id === slot.venueId) ? slot.venueId : (liveVenues[0]?.id ?? "");
    const start = slot ? localDateTime(slot.startMs, timeZone) : { date: settings?.startDate ?? "", time: "" };
    const end = slot ? localDateTime(slot.startMs + HOUR_MS, timeZone) : { date: "", time: "" };
    return {
      title: "",
      venueId,
      startDate: start.date,
      startTime: start.time,
      endDate: slot && end.date !== start.date ? end.date : "",
      endTime: end.time,
      description: "",
      hostIds: [],
      tags: "",
      language: "",
      status: "confirmed",
      type: "",
      subtitle: "",
      abstract: "",
      links: [],
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
    const deleted = current?.removed === true;
    const changedElsewhere = current !== undefined && this.#baseline !== undefined && current !== this.#baseline;
    return html`
      <h2>${isNew ? "Add an event" : `Edit “${current?.title ?? ""}”`}</h2>
      ${deleted
        ? html`<div class="notice warn" role="status" data-deleted>
            <p>This event is deleted: it is in no programme, export or check. Restore it to bring it back as it was.</p>
            <button type="button" class="primary" @click=${this.#restore}>Restore this event</button>
          </div>`
        : nothing}
      ${changedElsewhere
        ? html`<p class="notice warn" role="status">This event was changed while you were editing it (here or by someone else). Saving writes only the fields you changed.</p>`
        : nothing}
      ${venues.length === 0 && isNew
        ? html`<p class="notice warn">This festival has no venues yet. <a href=${festivalHash(session.id, { screen: "venue", id: "new" })}>Add a venue</a> first.</p>`
        : nothing}
      <form @submit=${this.#submit} novalidate>
        ${inputField({ name: "title", label: "Title", value: draft.title, error: errors.title, required: true })}
        ${inputField({ name: "subtitle", label: "Tagline", value: draft.subtitle, error: errors.subtitle, hint: "One line shown under the title (a schedule's subtitle)" })}
        ${selectField({ name: "venueId", label: "Venue", value: draft.venueId, choices: venueChoices, error: errors.venueId, required: true })}
        <div class="row">
          ${inputField({ name: "startDate", label: "Starts on", type: "date", value: draft.startDate, error: errors.startDate, required: true })}
          ${inputField({ name: "startTime", label: "Start time", type: "time", value: draft.startTime, error: errors.start, required: true, hint: model.settings.timeZone })}
        </div>
        <div class="row">
          ${inputField({ name: "endDate", label: "Ends on", type: "date", value: draft.endDate, error: errors.endDate, hint: "Empty: the same day, or the next if it ends before it starts" })}
          ${inputField({ name: "endTime", label: "End time", type: "time", value: draft.endTime, error: errors.end, required: true })}
        </div>
        ${selectField({
          name: "status",
          label: "Status",
          value: draft.status,
          choices: EVENT_STATUSES.map((status) => ({ value: status, label: status })),
          error: errors.status,
        })}
        ${inputField({ name: "type", label: "Type", value: draft.type, error: errors.type, hint: "What kind of event, e.g. talk, workshop, concert" })}
        ${textAreaField({ name: "abstract", label: "Abstract", value: draft.abstract, error: errors.abstract, hint: "A short summary; the description can say more" })}
        ${textAreaField({ name: "description", label: "Description", value: draft.description, error: errors.description })}
        ${linkRowsField({
          rows: this.linkRows,
          errorOf: (key, part) => this.#linkError(key, part),
          listError: errors.links,
          onAdd: () => this.#addLinkRow(),
          onRemove: (key) => this.#removeLinkRow(key),
        })}
        <fieldset>
          <legend>Hosts</legend>
          <div class="hosts">
            ${model.sortedPeople().map(
              (person) => html`<label><input type="checkbox" name="hostIds" value=${person.id} .checked=${draft.hostIds.includes(person.id)} /> ${person.name}</label>`,
            )}
          </div>
          ${inputField({ name: "newHosts", label: "New hosts", value: "", error: errors.hostIds, hint: "Names separated by commas; they are added to the people" })}
        </fieldset>
        <div class="row">
          ${inputField({ name: "tags", label: "Tags", value: draft.tags, error: errors.tags, hint: "Separated by commas" })}
          ${inputField({ name: "language", label: "Language", value: draft.language, error: errors.language, hint: "e.g. en, de, pt-BR" })}
        </div>
        ${this.errors.form ? html`<p class="notice error" role="alert">${this.errors.form}</p>` : nothing}
        ${this.saved
          ? html`<p class="notice ok" role="status" data-saved>
              ${this.saved}
              ${this.undoStatus !== undefined ? html`<button type="button" @click=${this.#undoCancel}>Undo</button>` : nothing}
            </p>`
          : nothing}
        <div class="actions">
          <button class="primary" type="submit">${isNew ? "Add event" : "Save changes"}</button>
          ${!isNew && !deleted && current?.status !== "cancelled"
            ? html`<button class="danger" type="button" data-action="cancel" aria-expanded=${this.confirming === "cancel" ? "true" : "false"} @click=${() => this.#ask("cancel")}>
                Mark the event cancelled…
              </button>`
            : nothing}
          ${!isNew && !deleted
            ? html`<button class="danger" type="button" data-action="delete" aria-expanded=${this.confirming === "delete" ? "true" : "false"} @click=${() => this.#ask("delete")}>
                Delete the event…
              </button>`
            : nothing}
          <a class="button" href=${festivalHash(session.id, { screen: "programme" })}>Back to the programme</a>
        </div>
        ${this.confirming && current ? this.#renderConfirm(this.confirming, current) : nothing}
      </form>
    `;
  }

  /** The question asked in the page before cancelling or deleting, with the one button that acts and one that does not. */
  #renderConfirm(what: "cancel" | "delete", event: ScheduledEvent) {
    const question =
      what === "cancel"
        ? `Cancel “${event.title}”? It stays in the programme and in attendees' apps, marked cancelled. You can undo this.`
        : `Delete “${event.title}”? It leaves the programme, the exports and the checks. It is kept, and can be restored.`;
    return html`<div class="notice warn confirm" role="group" aria-labelledby="confirm-question" data-confirm=${what}>
      <p id="confirm-question">${question}</p>
      <div class="actions">
        <button type="button" class="danger" data-confirm-yes @click=${what === "cancel" ? this.#cancelEvent : this.#deleteEvent}>
          ${what === "cancel" ? "Yes, cancel the event" : "Yes, delete the event"}
        </button>
        <button type="button" @click=${this.#dismiss}>No, keep it</button>
      </div>
    </div>`;
  }

  #ask(what: "cancel" | "delete"): void {
    this.confirming = what;
    this.saved = undefined;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>("[data-confirm-yes]")?.focus());
  }

  #dismiss(): void {
    const was = this.confirming;
    this.confirming = undefined;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[data-action="${was}"]`)?.focus());
  }

  #submit(submitEvent: SubmitEvent): void {
    submitEvent.preventDefault();
    const session = this.session;
    if (!session) return;
    const form = submitEvent.currentTarget as HTMLFormElement;
    const timeZone = session.model.settings.timeZone;
    const editor = session.editor;
    const isNew = this.eventId === "new";
    const startDate = formText(form, "startDate");
    const startTime = formText(form, "startTime");
    const endTime = formText(form, "endTime");
    const start = wallClockInstant("start", startDate, startTime, timeZone);
    let endDate = formText(form, "endDate");
    if (endDate === "" && isCalendarDate(startDate)) endDate = isTimeOfDay(endTime) && endTime <= startTime ? addDays(startDate, 1) : startDate;
    const end = wallClockInstant("end", endDate, endTime, timeZone);
    const checked = [...form.querySelectorAll<HTMLInputElement>('input[name="hostIds"]:checked')].map((box) => box.value);
    // the stored order is kept (the boxes are sorted by name): only what the person changed is written
    const stored = isNew ? [] : (this.#event()?.hostIds ?? []);
    // hosts without a box (deleted, or not known here) stay as they are
    const hasBox = (id: string) => session.model.people.has(id);
    const hostIds = [...stored.filter((id) => checked.includes(id) || !hasBox(id)), ...checked.filter((id) => !stored.includes(id))];
    const newHosts: string[] = [];
    const hostProblems: PandafestError[] = [];
    for (const name of listFromText(formText(form, "newHosts"))) {
      const existing = findPersonByName(editor.read(), name);
      if (existing === undefined) {
        newHosts.push(name);
        // a new host is a new person: the person rules, said beside the hosts
        for (const problem of personInputProblems({ name })) {
          hostProblems.push(new PandafestError(`New host ${JSON.stringify(name.slice(0, 40))}: ${problem.message}`, { about: { subject: "event", field: "hostIds" } }));
        }
      } else if (!hostIds.includes(existing)) hostIds.push(existing);
    }
    const language = formText(form, "language").trim();
    // the new fields are written only when the person changed them (as the hosts): a save of the title alone
    // leaves the stored links, type, subtitle and abstract as they are, so a concurrent edit of them merges cleanly
    const draft = this.#draft;
    const changedText = (name: "type" | "subtitle" | "abstract"): Partial<EventPatch> => {
      const value = formText(form, name);
      return value !== (draft?.[name] ?? "") ? { [name]: value } : {};
    };
    const filledRows = filledLinkRows(this.linkRows);
    const links = filledRows.map(({ link }) => link);
    const linksChanged = !sameLinks(links, draft?.links ?? []);
    const fields: EventPatch = {
      title: formText(form, "title"),
      venueId: formText(form, "venueId"),
      ...(start.iso !== undefined ? { start: start.iso } : {}),
      ...(end.iso !== undefined ? { end: end.iso } : {}),
      description: formText(form, "description"),
      hostIds,
      tags: listFromText(formText(form, "tags")),
      status: formText(form, "status") as EventStatus,
      ...changedText("type"),
      ...changedText("subtitle"),
      ...changedText("abstract"),
      ...(linksChanged ? { links } : {}),
    };
    // every problem at once, by the engine's own rules (the ones addEvent and editEvent apply), each beside its field
    const withLanguage: EventPatch = isNew ? { ...fields, ...(language ? { language } : {}) } : { ...fields, language: language === "" ? null : language };
    const engineProblems = eventProblems(editor.read(), withLanguage, isNew ? undefined : this.eventId).filter(
      (problem) => !(isNew && (problem.about?.field === "start" || problem.about?.field === "end") && (start.iso === undefined || end.iso === undefined) && /is missing/.test(problem.message)),
    );
    // each link's problems beside its row, by the same rule (the list's own problem stays beside the list)
    this.#checkedLinkKeys = filledRows.map(({ row }) => row.key);
    const linkProblems = linksChanged ? linkListProblems(links, "event") : [];
    const rowFields = links.flatMap((_link, index) => [`links.${index}.title`, `links.${index}.url`]);
    const listProblems = linkProblems.length > 0 ? engineProblems.filter((problem) => problem.about?.field !== "links") : engineProblems;
    const problems = [...start.problems, ...end.problems, ...listProblems, ...linkProblems, ...hostProblems];
    if (problems.length > 0) {
      this.#showErrors(formErrorsFromAll(problems, "event", [...EVENT_FIELDS, ...rowFields]));
      return;
    }
    try {
      // one transaction: an event whose new host is refused is not stored either
      const id = session.transaction((editor) => {
        let id: string;
        if (isNew) {
          id = addEvent(editor, withLanguage as Parameters<typeof addEvent>[1]);
        } else {
          id = this.eventId;
          editEvent(editor, id, withLanguage);
        }
        if (newHosts.length > 0) {
          const added = newHosts.map((name) => addPerson(editor, { name }));
          editEvent(editor, id, { hostIds: [...hostIds, ...added] });
        }
        return id;
      });
      this.errors = NO_ERRORS;
      const title = session.model.events.get(id)?.title ?? fields.title ?? "";
      handOverSavedNote({ festivalId: session.id, eventId: id, words: `${isNew ? "Added" : "Saved"} “${title}”.` });
      window.location.hash = festivalHash(session.id, { screen: "programme" });
    } catch (error) {
      this.#showErrors(formErrorsFrom(error, "event", EVENT_FIELDS));
    }
  }

  #resetLinkRows(): void {
    this.linkRows = (this.#draft?.links ?? []).map((link) => linkRow(link));
    this.#checkedLinkKeys = [];
  }

  #addLinkRow(): void {
    const row = linkRow();
    this.linkRows = [...this.linkRows, row];
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#link-${row.key}-title`)?.focus());
  }

  #removeLinkRow(key: number): void {
    const index = this.linkRows.findIndex((row) => row.key === key);
    this.linkRows = this.linkRows.filter((row) => row.key !== key);
    // focus stays in the list: on the row that took its place, or on "Add a link"
    const next = this.linkRows[Math.min(index, this.linkRows.length - 1)];
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(next ? `#link-${next.key}-title` : "[data-add-link]")?.focus());
  }

  /** The message about a row's title or address from the last submit, if the row was checked then. */
  #linkError(key: number, part: "title" | "url"): string | undefined {
    const index = this.#checkedLinkKeys.indexOf(key);
    return index < 0 ? undefined : this.errors.fields[`links.${index}.${part}`];
  }

  /** Shows the errors and moves focus to the first field that has one (or to the form's message). */
  #showErrors(errors: FormErrors): void {
    this.errors = errors;
    if (!hasErrors(errors)) return;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"], .notice.error')?.focus());
  }

  #cancelEvent(): void {
    const session = this.session;
    const current = this.#event();
    if (!session || !current) return;
    const before = current.status;
    try {
      editEvent(session.editor, this.eventId, { status: "cancelled" });
      this.#afterStatusChange();
      this.undoStatus = before;
      this.saved = `“${current.title}” is cancelled: it stays in the programme, marked cancelled.`;
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>("[data-saved] button")?.focus());
    } catch (error) {
      this.confirming = undefined;
      this.errors = formErrorsFrom(error, "event", EVENT_FIELDS);
    }
  }

  /** Undo of a cancellation: the status the event had before it. */
  #undoCancel(): void {
    const session = this.session;
    const status = this.undoStatus;
    if (!session || status === undefined) return;
    try {
      editEvent(session.editor, this.eventId, { status });
      this.#afterStatusChange();
      this.saved = `The cancellation is undone: the event is ${status} again.`;
    } catch (error) {
      this.errors = formErrorsFrom(error, "event", EVENT_FIELDS);
    }
  }

  #afterStatusChange(): void {
    this.#baseline = this.#event();
    this.#draft = this.#makeDraft();
    this.#resetLinkRows();
    this.errors = NO_ERRORS;
    this.confirming = undefined;
    this.undoStatus = undefined;
  }

  #deleteEvent(): void {
    const session = this.session;
    const current = this.#event();
    if (!session || !current) return;
    const eventId = this.eventId;
    try {
      deleteEvent(session.editor, eventId);
      // without a role the deletion is a proposal: the event stays until a member accepts it
      const proposed = session.model.events.has(eventId);
      handOverSavedNote({
        festivalId: session.id,
        eventId,
        words: proposed ? `Your deletion of “${current.title}” is sent to the members as a proposal.` : `Deleted “${current.title}”.`,
        undo: proposed ? undefined : {
          label: "Undo",
          run: () => {
            restoreEvent(session.editor, eventId);
            return `Restored “${current.title}”.`;
          },
        },
      });
      window.location.hash = festivalHash(session.id, { screen: "programme" });
    } catch (error) {
      this.confirming = undefined;
      this.errors = formErrorsFrom(error, "event", EVENT_FIELDS);
    }
  }

  #restore(): void {
    const session = this.session;
    const current = this.#event();
    if (!session || !current) return;
    try {
      restoreEvent(session.editor, this.eventId);
      this.#afterStatusChange();
      this.saved = `Restored “${current.title}”: it is in the programme again.`;
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
