// The `pandafest` process's first step: while a server runs on the data directory, a command goes to it before
// the engine (Automerge and its wasm) is even loaded; otherwise the whole CLI is loaded and runs it here.
import { isPandafestError } from "../../engine/core/errors.js";
import { escapeForTerminalKeepingNewlines } from "../../engine/core/terminal-text.js";
import { resolveDataDir } from "../../engine/node/datadir.js";
import { processHost } from "./command-host.js";
import { commandServer, forwardToServer } from "./forward.js";

/** Commands that write no festival, and so always run in this process (see `action(..., { local: true })`). */
const LOCAL_COMMANDS = new Set(["init", "whoami", "serve", "peers", "help"]);
const LOCAL_FLAGS = new Set(["-h", "--help", "-V", "--version"]);

export async function launch(argv: string[]): Promise<number> {
  const forwarded = await forwardEarly(argv);
  if (forwarded !== undefined) return forwarded;
  const { main } = await import("./main.js");
  return main(argv);
}

/**
 * The exit code of the command as the running server carried it out, or undefined when this process must run
 * it: no server runs, the command is a local one, or the command line is not plain enough to read here
 * (the full CLI then reads it, and still forwards it when it should).
 */
async function forwardEarly(argv: string[]): Promise<number | undefined> {
  const line = readCommandLine(argv);
  if (line === undefined || LOCAL_COMMANDS.has(line.command)) return undefined;
  let server: Awaited<ReturnType<typeof commandServer>>;
  try {
    server = await commandServer(resolveDataDir(line.data));
  } catch {
    return undefined; // the full CLI reports it, with its exit code
  }
  if (server === undefined) return undefined;
  try {
    return await forwardToServer(server, argv, processHost());
  } catch (error) {
    process.stderr.write(`pandafest: ${escapeForTerminalKeepingNewlines(error instanceof Error ? error.message : String(error))}\n`);
    return isPandafestError(error) && error.code === "internal" ? 3 : 1;
  }
}

/** The command's name and the --data option, read as commander reads them; undefined for help, version or anything odd. */
export function readCommandLine(argv: string[]): { command: string; data?: string } | undefined {
  let command: string | undefined;
  let data: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") break;
    if (LOCAL_FLAGS.has(arg)) return undefined;
    if (arg === "--data") {
      data = argv[++i];
      if (data === undefined) return undefined;
    } else if (arg.startsWith("--data=")) {
      data = arg.slice("--data=".length);
    } else if (command === undefined && !arg.startsWith("-")) {
      command = arg;
    }
  }
  return command === undefined ? undefined : { command, data };
}
