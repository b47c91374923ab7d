// Untrusted text made safe for a terminal: control, bidi-override and invisible characters shown as visible escapes.
// Browser-safe (no Node imports); the CLI's output layer passes everything it prints through here.

/**
 * Characters a terminal would act on or that hide what text says, other than the newline:
 * - C0 controls U+0000-U+001F (ESC, carriage return, tab, bell, backspace, ...), DEL U+007F, C1 controls U+0080-U+009F;
 * - bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069);
 * - line and paragraph separators (U+2028, U+2029);
 * - invisible characters that make one name look like another: zero width space U+200B, word joiner and invisible
 *   operators U+2060-U+2064, deprecated format characters U+206A-U+206F, byte order mark U+FEFF, interlinear
 *   annotation U+FFF9-U+FFFB.
 * Zero width (non-)joiners U+200C/U+200D stay: scripts such as Persian and Devanagari, and emoji sequences, need them.
 */
const UNSAFE_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/gu;
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/gu;

const NAMED_ESCAPES: Readonly<Record<string, string>> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

function visibleEscape(character: string): string {
  const named = NAMED_ESCAPES[character];
  if (named !== undefined) return named;
  const code = character.charCodeAt(0);
  return code < 0x80 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * One line of text, safe to print: every character a terminal would act on (including a newline) or that hides
 * what the text says is replaced by a visible escape such as `\r`, `\x1b` or `\u202e`. Other text is unchanged.
 */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, visibleEscape);
}

/** Like escapeForTerminal, but newlines are kept: for text whose line breaks are its own layout (help, usage). */
export function escapeForTerminalKeepingNewlines(text: string): string {
  return text.replace(UNSAFE_EXCEPT_NEWLINE, visibleEscape);
}
