// The fork dialog: choose a name, what to keep (venues by default; people, events), the new edition's first day
// (dates and kept events move with it) and public or private, then open the fork.
// A native modal <dialog>: focus stays inside, Escape closes it.
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, query, state } from "lit/decorators.js";
import type { Festival } from "../../../engine/core/schema.js";
import type { AppServices } from "../state/app-services.js";
import { formErrorsFrom, NO_ERRORS, type FormErrors } from "../state/field-errors.js";
import { FestivalSession } from "../state/festival-session.js";
import { foundNewFestival } from "../state/festival-founding.js";
import { governanceOf } from "../../../engine/core/governance/index.js";
import { forkInit } from "../../../engine/core/fork/copy.js";
import { PandafestError } from "../../../engine/core/errors.js";
import { planKeep } from "../../../engine/core/fork/keep.js";
import { festivalView } from "../../../engine/core/views.js";
import { festivalHash } from "../state/routes.js";
import { formText, inputField } from "./form-fields.js";
import { sharedStyles } from "./shared-styles.js";

@customElement("pf-fork-dialog")
export class PfForkDialog extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      dialog {
        max-width: min(34rem, calc(100vw - 1rem));
        border: 1px solid var(--pf-border);
        border-radius: var(--pf-radius);
        background: var(--pf-surface);
        color: var(--pf-text);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.4);
      }
      label.choice {
        display: block;
        padding: 0.2rem 0;
      }
    `,
  ];

  @property({ attribute: false }) accessor services: AppServices | undefined;
  @property({ attribute: false }) accessor session: FestivalSession | undefined;
  @state() accessor errors: FormErrors = NO_ERRORS;
  @query("dialog") accessor dialog!: HTMLDialogElement;

  /** Opens the dialog (the first field gets focus). */
  open(): void {
    this.errors = NO_ERRORS;
    this.dialog.showModal();
  }

  override render() {
    const model = this.session?.model;
    if (!model) return nothing;
    return html`<dialog aria-labelledby="fork-title">
      <form @submit=${this.#fork} novalidate>
        <h2 id="fork-title">Fork “${model.settings.name}”</h2>
        <p class="muted">A fork is a new festival of your own, seeded from this one. Nothing changes here.</p>
        ${inputField({ name: "name", label: "Name of the new festival", value: `${model.settings.name} (fork)`, error: this.errors.fields.name, required: true })}
        <fieldset>
          <legend>Keep</legend>
          <label class="choice"><input type="checkbox" name="venues" checked disabled /> Venues (${model.liveVenues().length}; always kept, with their ids, so the fork can pull later venue edits)</label>
          <label class="choice"><input type="checkbox" name="people" /> People (${model.people.size})</label>
          <label class="choice"><input type="checkbox" name="events" /> Events (${model.events.size}, with their hosts)</label>
        </fieldset>
        ${inputField({
          name: "shiftTo",
          label: "New edition's first day",
          type: "date",
          value: "",
          error: this.errors.fields.shiftTo,
          hint: model.settings.startDate
            ? `Optional. This festival starts on ${model.settings.startDate}: its dates and the kept events move by as many days as the first day does. Leave empty to keep the dates.`
            : "Optional; this festival has no first day, so its dates cannot be moved.",
        })}
        <fieldset>
          <legend>Who can find the fork</legend>
          <label class="choice"><input type="radio" name="forkVisibility" value="private" ?checked=${model.settings.visibility !== "public"} /> Private: only its members</label>
          <label class="choice"><input type="radio" name="forkVisibility" value="public" ?checked=${model.settings.visibility === "public"} /> Public: listed in directories for anyone</label>
        </fieldset>
        ${this.errors.form ? html`<p class="notice error" role="alert">${this.errors.form}</p>` : nothing}
        <div class="actions">
          <button class="primary" type="submit">Fork and open</button>
          <button type="button" @click=${() => this.dialog.close()}>Cancel</button>
        </div>
      </form>
    </dialog>`;
  }

  #fork(event: SubmitEvent): void {
    event.preventDefault();
    const services = this.services;
    const session = this.session;
    if (!services || !session) return;
    const form = event.currentTarget as HTMLFormElement;
    const checked = (name: string) => form.querySelector<HTMLInputElement>(`input[name="${name}"]`)?.checked ?? false;
    let init: (doc: Festival) => void;
    let message: string;
    try {
      const plan = planKeep(["people", "events"].filter((part) => checked(part)));
      const view = festivalView(session.visible());
      const heads = [...governanceOf(session.doc(), session.id).visibleHeads].sort();
      const shiftTo = formText(form, "shiftTo").trim() || undefined;
      const visibility = form.querySelector<HTMLInputElement>('input[name="forkVisibility"]:checked')?.value === "public" ? "public" : "private";
      ({ init } = forkInit({ view, url: session.handle.url, heads }, formText(form, "name"), plan, { shiftTo, visibility }));
      message = `fork of ${JSON.stringify(view.name)} keeping ${[...plan.parts].join(", ")}${shiftTo ? `, from ${shiftTo}` : ""}`;
    } catch (error) {
      const aboutFork = error instanceof PandafestError && error.about?.subject === "fork";
      this.errors = aboutFork ? formErrorsFrom(error, "fork", ["shiftTo"]) : formErrorsFrom(error, "festival", ["name"]);
      return;
    }
    const handle = foundNewFestival(services.repo, session.identity, init, message, "organised");
    const fork = new FestivalSession(handle, session.identity);
    this.dialog.close();
    this.dispatchEvent(new CustomEvent("open-session", { detail: fork, bubbles: true, composed: true }));
    window.location.hash = festivalHash(fork.id, { screen: "programme" });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-fork-dialog": PfForkDialog;
  }
}
