// Safe HTML for the static archive: every value is escaped where it meets markup, by the `html` tag; markup is a
// value only this module makes, so festival text can never become a tag or an attribute. Browser-safe.

/** HTML this module built or vouched for; anything else put into `html` is text and gets escaped. */
export class Markup {
  private constructor(readonly source: string) {}

  /** @internal only for this module and the page frame's fixed strings */
  static trusted(source: string): Markup {
    return new Markup(source);
  }

  toString(): string {
    return this.source;
  }
}

/** What may stand in a template: text (escaped), numbers, markup, lists of these; nothing renders for null/undefined/false. */
export type Fragment = Markup | string | number | null | undefined | false | readonly Fragment[];

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * C0 controls but tab and line feed, DEL, C1 controls and lone surrogates: not allowed in an HTML document, and
 * a terminal-like reader (lynx, a text dump) could act on them. Each becomes U+FFFD.
 */
const UNSAFE_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text as it may stand in HTML content or a double- or single-quoted attribute value. */
export function escapeHtml(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(UNSAFE_CHARACTERS, "\ufffd")
    .replace(/[&<>"']/g, (character) => ESCAPES[character]);
}

function render(fragment: Fragment): string {
  if (fragment === null || fragment === undefined || fragment === false) return "";
  if (fragment instanceof Markup) return fragment.source;
  if (typeof fragment === "string") return escapeHtml(fragment);
  if (typeof fragment === "number") return escapeHtml(String(fragment));
  let out = "";
  for (const part of fragment) out += render(part);
  return out;
}

/** The template's literal parts are markup; every interpolated value is escaped unless it is Markup already. */
export function html(strings: TemplateStringsArray, ...values: Fragment[]): Markup {
  let out = strings[0];
  for (let index = 0; index < values.length; index += 1) out += render(values[index]) + strings[index + 1];
  return Markup.trusted(out);
}

/**
 * Festival text shown inline: isolated (`<bdi>`), so a right-to-left name or a stray bidi override in one title
 * cannot reorder the text around it.
 */
export function userText(text: string): Markup {
  return html`<bdi>${text}</bdi>`;
}

/**
 * A link out of the archive (a stream, tickets, a website): only an absolute http or https URL becomes an href,
 * marked `rel="external noopener noreferrer"`; anything else (javascript:, data:, relative) is shown as text.
 */
export function externalLink(url: string, label: string): Markup {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) return html`${userText(label)} (${userText(url)})`;
  return html`<a href="${parsed.href}" rel="external noopener noreferrer">${userText(label)}</a>`;
}

/** Multi-line festival text (a description, a bio): paragraphs at blank lines, line breaks kept, nothing else. */
export function paragraphs(text: string): Markup {
  const blocks = text
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n+/)
    .map((block) => block.trim())
    .filter((block) => block !== "");
  return html`${blocks.map((block) => html`<p dir="auto">${block.split("\n").map((line, index) => html`${index > 0 ? html`<br>` : ""}${line}`)}</p>`)}`;
}

/** The document as a string: the one place markup leaves this module. */
export function documentText(markup: Markup): string {
  return markup.source;
}
