// The `pandafest` command line: global options, the command tree, and exit codes.
// Exit 0 on success, 1 when the input or the data is wrong, 2 on a usage error, 3 on an internal error.
import path from "node:path";
import { Command, CommanderError } from "commander";
import { isPandafestError } from "../../engine/core/errors.js";
import { packageVersion } from "../../engine/node/package-info.js";
import { diskFullError, isDiskFull } from "../../engine/node/storage/atomic-file.js";
import { escapeForTerminalKeepingNewlines } from "../../engine/core/terminal-text.js";
import { registerCommands } from "./commands/index.js";
import { processHost, setHost, type CommandHost } from "./command-host.js";
import { ForwardedExit } from "./forward.js";

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;
/** pandafest itself failed (a bug, or an unexpected error from below): not the user's input */
export const EXIT_INTERNAL = 3;

export function buildProgram(host: CommandHost = processHost()): Command {
  const program = new Command("pandafest")
    .description("Organise festivals together, peer to peer: offline first, merged over a LAN or a USB stick.")
    .option("--data <dir>", "data directory (default: $PANDAFEST_DATA, else $XDG_DATA_HOME/pandafest, i.e. ~/.local/share/pandafest)")
    .option("--json", "machine-readable output on stdout")
    .version(packageVersion(), "-V, --version", "print pandafest's version")
    .showHelpAfterError("(run with --help for usage)")
    .showSuggestionAfterError(true);
  registerCommands(program);
  setHost(program, host);
  applyToAll(program, (command) => {
    command.exitOverride();
    command.configureOutput({
      // usage errors quote what was typed (an unknown option, a stray argument): escaped like all other text
      writeErr: (text) => host.stderr.write(escapeForTerminalKeepingNewlines(text)),
      writeOut: (text) => host.stdout.write(escapeForTerminalKeepingNewlines(text)),
    });
  });
  return program;
}

function applyToAll(command: Command, apply: (command: Command) => void): void {
  apply(command);
  for (const sub of command.commands) applyToAll(sub, apply);
}

let diskFullReported = false;

/**
 * The repo also saves in the background, shortly after each change; such a save failing (a full disk) must end
 * the command with the same one-line message and exit 1, not a stack trace (the command itself then fails on its
 * own write, or ends with exit 1). Any other failure in the background ends the process at once, as Node would.
 * A command that handles background failures itself (`serve` keeps running and logs them) takes precedence.
 */
function reportBackgroundFailure(reason: unknown): void {
  if (process.listenerCount("unhandledRejection") > 1) return;
  process.exitCode = isDiskFull(reason) ? EXIT_INPUT : EXIT_INTERNAL;
  if (!isDiskFull(reason)) process.exit(report(reason, process.stderr));
  if (diskFullReported) return;
  diskFullReported = true;
  report(reason, process.stderr);
}

/** Prints an error on stderr, escaped; returns the exit code it calls for. */
function report(error: unknown, stderr: NodeJS.WritableStream): number {
  if (isDiskFull(error) && !isPandafestError(error)) {
    // a write that did not go through the atomic writer (a directory, a rename): the same message, no stack
    const where = (error as NodeJS.ErrnoException).path;
    error = where ? diskFullError(`could not write ${path.basename(where)}`, path.dirname(where), error) : diskFullError("could not write", "the data directory", error);
  }
  if (isPandafestError(error)) {
    // messages quote input (names, file names, reasons read from a bundle): escaped; a few list problems one a line
    stderr.write(`pandafest: ${escapeForTerminalKeepingNewlines(error.message)}\n`);
    return error.code === "usage" ? EXIT_USAGE : error.code === "internal" ? EXIT_INTERNAL : EXIT_INPUT;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  stderr.write(`pandafest: unexpected error: ${escapeForTerminalKeepingNewlines(message)}\n`);
  return EXIT_INTERNAL;
}

export async function main(argv: string[]): Promise<number> {
  if (!process.listeners("unhandledRejection").includes(reportBackgroundFailure)) process.on("unhandledRejection", reportBackgroundFailure);
  const code = await runProgram(argv, processHost());
  return code === EXIT_OK && diskFullReported ? EXIT_INPUT : code; // a background save failed, though the command went through
}

/**
 * Runs one command line under `host` and returns its exit code; errors are reported on the host's stderr. The
 * CLI process runs it on its own terminal, and a running server runs the commands CLI processes forward to it.
 */
export async function runProgram(argv: string[], host: CommandHost): Promise<number> {
  const program = buildProgram({ ...host, argv });
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_OK;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof ForwardedExit) return error.exitCode; // the running server ran it and reported already
    if (error instanceof CommanderError) {
      // help and version end here with exit code 0; anything else is a usage error
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (isDiskFull(error) && host.server === undefined) {
      if (diskFullReported) return EXIT_INPUT;
      diskFullReported = true;
    }
    return report(error, host.stderr);
  }
}
