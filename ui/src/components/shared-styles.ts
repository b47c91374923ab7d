// Styles every component adopts: buttons, links, forms, field errors, notices, focus rings.
// Colours come from the page's custom properties (global.css), so light and dark themes both work.
import { css } from "lit";

export const sharedStyles = css`
  :host {
    display: block;
    color: var(--pf-text);
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }
  h2 {
    font-size: 1.35rem;
    margin: 0 0 0.75rem;
  }
  h3 {
    font-size: 1.1rem;
    margin: 1rem 0 0.5rem;
  }
  a {
    color: var(--pf-accent);
  }
  :focus-visible {
    outline: 3px solid var(--pf-focus);
    outline-offset: 2px;
  }
  button,
  .button {
    font: inherit;
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
    min-height: 2.5rem;
    padding: 0.4rem 0.9rem;
    border-radius: var(--pf-radius);
    border: 1px solid var(--pf-border);
    background: var(--pf-surface);
    color: var(--pf-text);
    cursor: pointer;
    text-decoration: none;
  }
  button.primary,
  .button.primary {
    background: var(--pf-accent);
    border-color: var(--pf-accent);
    color: var(--pf-accent-text);
  }
  button.danger {
    color: var(--pf-danger);
    border-color: var(--pf-danger);
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin: 1rem 0;
  }
  form {
    max-width: 40rem;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
    margin-bottom: 0.9rem;
  }
  .field label,
  fieldset legend {
    font-weight: 600;
  }
  .field .hint {
    color: var(--pf-muted);
    font-size: 0.875rem;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--pf-text);
    background: var(--pf-surface);
    border: 1px solid var(--pf-border);
    border-radius: var(--pf-radius);
    padding: 0.45rem 0.6rem;
    min-height: 2.5rem;
    width: 100%;
  }
  textarea {
    min-height: 5rem;
    resize: vertical;
  }
  input[type="checkbox"],
  input[type="radio"] {
    width: auto;
    min-height: auto;
  }
  [aria-invalid="true"] {
    border-color: var(--pf-danger);
    border-width: 2px;
  }
  .field-error {
    color: var(--pf-danger);
    font-size: 0.9rem;
    margin: 0;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
  }
  .row > .field {
    flex: 1 1 9rem;
  }
  fieldset {
    border: 1px solid var(--pf-border);
    border-radius: var(--pf-radius);
    margin: 0 0 0.9rem;
    padding: 0.5rem 0.75rem;
  }
  .notice {
    border-radius: var(--pf-radius);
    padding: 0.6rem 0.8rem;
    margin: 0.75rem 0;
    background: var(--pf-surface);
    border: 1px solid var(--pf-border);
  }
  .notice.error {
    border-color: var(--pf-danger);
    color: var(--pf-danger);
  }
  .notice.warn {
    background: var(--pf-warn-bg);
    color: var(--pf-warn);
    border-color: var(--pf-warn);
  }
  .notice.ok {
    border-color: var(--pf-ok);
    color: var(--pf-ok);
  }
  .muted {
    color: var(--pf-muted);
  }
  .badge {
    display: inline-block;
    font-size: 0.75rem;
    font-weight: 600;
    text-transform: uppercase;
    letter-spacing: 0.03em;
    padding: 0.05rem 0.35rem;
    border-radius: 3px;
    border: 1px solid currentColor;
  }
  .badge.cancelled {
    color: var(--pf-danger);
  }
  .badge.tentative {
    color: var(--pf-tentative-text);
    background: var(--pf-surface);
  }
  .badge.clash {
    color: var(--pf-warn);
    background: var(--pf-warn-bg);
  }
  ul.plain {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  .card-list > li {
    border: 1px solid var(--pf-border);
    border-radius: var(--pf-radius);
    background: var(--pf-surface);
    padding: 0.6rem 0.8rem;
    margin-bottom: 0.5rem;
  }
  code,
  .mono {
    font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
    font-size: 0.85em;
    overflow-wrap: anywhere;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
