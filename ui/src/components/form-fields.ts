// Labelled form fields with their hint and validation message wired up for screen readers.
// Values are set once from a draft (never live), so a remote edit arriving mid-typing never erases input.
import { html, nothing, type TemplateResult } from "lit";
import { guard } from "lit/directives/guard.js";
import { ifDefined } from "lit/directives/if-defined.js";
import { timeZoneNames } from "../state/time-zones.js";

export interface FieldOptions {
  name: string;
  label: string;
  value: string;
  error?: string;
  hint?: string;
  type?: "text" | "number" | "date" | "time" | "url" | "search";
  required?: boolean;
  autocomplete?: string;
  inputmode?: "text" | "numeric" | "decimal";
  step?: string;
  placeholder?: string;
}

function describedBy(name: string, hint: string | undefined, error: string | undefined): string | undefined {
  const ids = [hint ? `${name}-hint` : "", error ? `${name}-error` : ""].filter((id) => id !== "");
  return ids.length > 0 ? ids.join(" ") : undefined;
}

export function fieldMessages(name: string, hint: string | undefined, error: string | undefined): TemplateResult {
  return html`${hint ? html`<span id="${name}-hint" class="hint">${hint}</span>` : nothing}
  ${error ? html`<p id="${name}-error" class="field-error" role="alert">${error}</p>` : nothing}`;
}

export function inputField(options: FieldOptions): TemplateResult {
  const { name, label, value, error, hint } = options;
  return html`<div class="field">
    <label for=${name}>${label}</label>
    <input
      id=${name}
      name=${name}
      type=${options.type ?? "text"}
      .value=${value}
      ?required=${options.required ?? false}
      autocomplete=${ifDefined(options.autocomplete)}
      inputmode=${ifDefined(options.inputmode)}
      step=${ifDefined(options.step)}
      placeholder=${ifDefined(options.placeholder)}
      aria-invalid=${error ? "true" : "false"}
      aria-describedby=${ifDefined(describedBy(name, hint, error))}
    />
    ${fieldMessages(name, hint, error)}
  </div>`;
}

/** A time zone: typed with suggestions from the browser's IANA zones (a <datalist>), checked against them on submit. */
export function timeZoneField(options: { value: string; error?: string; onInput?: (event: Event) => void }): TemplateResult {
  const name = "timeZone";
  const hint = "Type part of a city or region, e.g. Berlin, and pick from the list";
  return html`<div class="field">
    <label for=${name}>Time zone</label>
    <input
      id=${name}
      name=${name}
      type="text"
      list="${name}-choices"
      autocomplete="off"
      spellcheck="false"
      .value=${options.value}
      required
      aria-invalid=${options.error ? "true" : "false"}
      aria-describedby=${ifDefined(describedBy(name, hint, options.error))}
      @input=${options.onInput}
    />
    <datalist id="${name}-choices">${guard([], () => timeZoneNames().map((zone) => html`<option value=${zone}></option>`))}</datalist>
    ${fieldMessages(name, hint, options.error)}
  </div>`;
}

export function textAreaField(options: Omit<FieldOptions, "type" | "inputmode" | "step">): TemplateResult {
  const { name, label, value, error, hint } = options;
  return html`<div class="field">
    <label for=${name}>${label}</label>
    <textarea
      id=${name}
      name=${name}
      .value=${value}
      aria-invalid=${error ? "true" : "false"}
      aria-describedby=${ifDefined(describedBy(name, hint, error))}
    ></textarea>
    ${fieldMessages(name, hint, error)}
  </div>`;
}

export interface SelectOption {
  value: string;
  label: string;
}

export function selectField(options: {
  name: string;
  label: string;
  value: string;
  choices: readonly SelectOption[];
  error?: string;
  hint?: string;
  required?: boolean;
}): TemplateResult {
  const { name, label, value, error, hint } = options;
  return html`<div class="field">
    <label for=${name}>${label}</label>
    <select
      id=${name}
      name=${name}
      ?required=${options.required ?? false}
      aria-invalid=${error ? "true" : "false"}
      aria-describedby=${ifDefined(describedBy(name, hint, error))}
    >
      ${options.choices.map((choice) => html`<option value=${choice.value} ?selected=${choice.value === value}>${choice.label}</option>`)}
    </select>
    ${fieldMessages(name, hint, error)}
  </div>`;
}

/** The text of a named control in a form ("" when absent). */
export function formText(form: HTMLFormElement, name: string): string {
  const control = form.elements.namedItem(name);
  if (control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement || control instanceof HTMLSelectElement) {
    return control.value;
  }
  return "";
}

/** Comma-separated text as a list of trimmed, non-empty items. */
export function listFromText(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
