// The protocol of POST /api/local/command, shared by the server that runs a command and the CLI that sends it:
// the request (a command line, where it runs, its terminal) and the answer (newline-delimited output frames, an exit).

export const LOCAL_COMMAND_PATH = "/api/local/command";

/** What the CLI sends: its command line, where it runs, and what its terminal is like. */
export interface ForwardedCommand {
  argv: string[];
  cwd: string;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  columns?: number;
}

/** One line of the answer (newline-delimited JSON): output as it is written, then the exit code. */
export type CommandFrame = { stdout: string } | { stderr: string } | { exit: number };

export function parseForwardedCommand(text: string): ForwardedCommand {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error("the command must be JSON");
  }
  const r = (parsed ?? {}) as Record<string, unknown>;
  if (!Array.isArray(r.argv) || !r.argv.every((arg) => typeof arg === "string")) throw new Error("argv must be a list of strings");
  if (typeof r.cwd !== "string" || !r.cwd.startsWith("/")) throw new Error("cwd must be an absolute path");
  const columns = typeof r.columns === "number" && Number.isInteger(r.columns) && r.columns > 0 && r.columns < 10_000 ? r.columns : undefined;
  return { argv: r.argv as string[], cwd: r.cwd, stdoutIsTTY: r.stdoutIsTTY === true, stderrIsTTY: r.stderrIsTTY === true, columns };
}

/** Writes what the server answered to the caller's own streams; resolves with the exit code. */
export async function relayCommandAnswer(
  body: AsyncIterable<Uint8Array>,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
): Promise<number | undefined> {
  const decoder = new TextDecoder();
  let pending = "";
  let exit: number | undefined;
  const take = (line: string) => {
    if (line.length === 0) return;
    const frame = JSON.parse(line) as Partial<Record<"stdout" | "stderr", string>> & { exit?: number };
    if (typeof frame.stdout === "string") stdout.write(frame.stdout);
    if (typeof frame.stderr === "string") stderr.write(frame.stderr);
    if (typeof frame.exit === "number") exit = frame.exit;
  };
  for await (const chunk of body) {
    pending += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      take(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
    }
  }
  take(pending + decoder.decode());
  return exit;
}
