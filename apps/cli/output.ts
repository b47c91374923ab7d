// How commands speak: plain text for people on stdout, JSON for programs with --json, errors on stderr.
// Commands build a result once and hand it here, so text and JSON never drift apart; all text is escaped here.
import { escapeForTerminal, escapeForTerminalKeepingNewlines } from "../../engine/core/terminal-text.js";

/**
 * Text for people. An array is a list of lines: each is escaped whole, so a newline inside a value (a name, a
 * message) shows as `\n` and can never start a line of its own. A single string is laid out by its own
 * newlines, and every other control character in it is escaped. Prefer lines.
 */
export type TerminalText = string | readonly string[];

export interface Output {
  readonly json: boolean;
  /** Prints `data` as JSON with --json (exact, JSON escapes it), else the text that `text` renders, escaped. */
  result<T>(data: T, text: (data: T) => TerminalText): void;
  /** A one-line note for people (stderr, never mixed into --json output), escaped. */
  info(message: string): void;
}

/** The text as it reaches the terminal: control, bidi-override and invisible characters shown as escapes. */
export function renderTerminalText(text: TerminalText): string {
  if (typeof text === "string") return escapeForTerminalKeepingNewlines(text);
  return text.map(escapeForTerminal).join("\n");
}

export function createOutput(json: boolean, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Output {
  return {
    json,
    result(data, text) {
      if (json) stdout.write(JSON.stringify(data, null, 2) + "\n");
      else {
        const rendered = renderTerminalText(text(data));
        if (rendered.length > 0) stdout.write(rendered.endsWith("\n") ? rendered : rendered + "\n");
      }
    },
    info(message) {
      stderr.write(escapeForTerminal(message.endsWith("\n") ? message.slice(0, -1) : message) + "\n");
    },
  };
}

/**
 * A plain-text table with columns padded to their widest cell, as lines. Cells are escaped before they are
 * measured, so a control character can neither break a row nor misalign a column.
 */
export function table(headers: string[], rows: readonly (readonly unknown[])[]): string[] {
  // a cell may come from a peer's JSON (another version's /api/status): whatever it holds is shown as text
  const cells = rows.map((row) => row.map((cell) => escapeForTerminal(cell === undefined || cell === null ? "" : String(cell))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (row: string[]) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)];
}

/**
 * A key's author as a person reads it: its name and the key's first hex digits, or the key alone when it has no
 * name. A name memberNames already told apart ends with that suffix, which is then not added twice.
 */
export function authorLabel(name: string | null | undefined, key: string): string {
  if (!name) return key.slice(0, 16);
  const suffix = `(${key.slice(0, 8)})`;
  return name.endsWith(suffix) ? name : `${name} ${suffix}`;
}
