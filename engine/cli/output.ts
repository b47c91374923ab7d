// How commands speak: plain text for people on stdout, JSON for programs with --json, errors on stderr.
// Commands build a result once and hand it here, so text and JSON never drift apart.

export interface Output {
  readonly json: boolean;
  /** Prints `data` as JSON with --json, else the text that `text` renders. */
  result<T>(data: T, text: (data: T) => string): void;
  /** A note for people (stderr, never mixed into --json output). */
  info(message: string): void;
}

export function createOutput(json: boolean, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Output {
  return {
    json,
    result(data, text) {
      if (json) stdout.write(JSON.stringify(data, null, 2) + "\n");
      else {
        const rendered = text(data);
        if (rendered.length > 0) stdout.write(rendered.endsWith("\n") ? rendered : rendered + "\n");
      }
    },
    info(message) {
      stderr.write(message.endsWith("\n") ? message : message + "\n");
    },
  };
}

/** A plain-text table with columns padded to their widest cell. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
