// A form's list of links as rows of a title and an address, each labelled and with its message beside it, with
// buttons to add a row and remove one. The rows live in the form's state (state/link-rows.ts); this only renders them.
import { html, nothing, type TemplateResult } from "lit";
import { repeat } from "lit/directives/repeat.js";
import { LIMITS } from "../../../engine/core/validate.js";
import type { LinkRow } from "../state/link-rows.js";
import { fieldMessages, inputField } from "./form-fields.js";

export interface LinkRowsOptions {
  rows: readonly LinkRow[];
  /** the message for a row's part (`title` or `url`), by the row's key */
  errorOf: (key: number, part: "title" | "url") => string | undefined;
  /** the message about the whole list (too many links) */
  listError?: string;
  onAdd: () => void;
  onRemove: (key: number) => void;
}

/** What the person typed into a row's title or address, kept in the row (the form reads the rows on submit). */
function keepTyped(row: LinkRow, event: Event): void {
  const input = event.target;
  if (!(input instanceof HTMLInputElement)) return;
  if (input.name.endsWith("-title")) row.title = input.value;
  else if (input.name.endsWith("-url")) row.url = input.value;
}

export function linkRowsField(options: LinkRowsOptions): TemplateResult {
  const { rows, listError } = options;
  return html`<fieldset class="links" aria-describedby=${listError ? "links-hint links-error" : "links-hint"}>
    <legend>Links</legend>
    <div class="field">
      ${fieldMessages("links", `Slides, recordings, the talk's page: http:// or https:// addresses, at most ${LIMITS.links}. An empty text shows the address.`, listError)}
    </div>
    ${repeat(
      rows,
      (row) => row.key,
      (row, index) => html`<div class="row link-row" data-link-row @input=${(event: Event) => keepTyped(row, event)}>
        ${inputField({ name: `link-${row.key}-title`, label: `Link ${index + 1} text`, value: row.title, error: options.errorOf(row.key, "title") })}
        ${inputField({ name: `link-${row.key}-url`, label: `Link ${index + 1} address`, type: "url", value: row.url, error: options.errorOf(row.key, "url"), placeholder: "https://" })}
        <button type="button" class="remove-link" aria-label=${`Remove link ${index + 1}`} @click=${() => options.onRemove(row.key)}>Remove</button>
      </div>`,
    )}
    <button type="button" data-add-link ?disabled=${rows.length >= LIMITS.links} @click=${options.onAdd}>Add a link</button>
  </fieldset>`;
}
