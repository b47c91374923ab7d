// The `pandafest` command line: global options, the command tree, and exit codes.
// Exit 0 on success, 1 when the input or the data is wrong, 2 on a usage error, 3 on an internal error.
import path from "node:path";
import { Command, CommanderError } from "commander";
import { isPandafestError } from "../../engine/core/errors.js";
import { diskFullError, isDiskFull } from "../../engine/node/storage/atomic-file.js";
import { escapeForTerminalKeepingNewlines } from "../../engine/core/terminal-text.js";
import { registerCommands } from "./commands/index.js";

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;
/** pandafest itself failed (a bug, or an unexpected error from below): not the user's input */
export const EXIT_INTERNAL = 3;

export function buildProgram(): Command {
  const program = new Command("pandafest")
    .description("Organise festivals together, peer to peer: offline first, merged over a LAN or a USB stick.")
    .option("--data <dir>", "data directory (default: $PANDAFEST_DATA, else $XDG_DATA_HOME/pandafest, i.e. ~/.local/share/pandafest)")
    .option("--json", "machine-readable output on stdout")
    .showHelpAfterError("(run with --help for usage)")
    .showSuggestionAfterError(true);
  registerCommands(program);
  applyToAll(program, (command) => {
    command.exitOverride();
    command.configureOutput({
      // usage errors quote what was typed (an unknown option, a stray argument): escaped like all other text
      writeErr: (text) => process.stderr.write(escapeForTerminalKeepingNewlines(text)),
      writeOut: (text) => process.stdout.write(escapeForTerminalKeepingNewlines(text)),
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
  if (!isDiskFull(reason)) process.exit(report(reason));
  if (diskFullReported) return;
  diskFullReported = true;
  report(reason);
}

/** Prints an error on stderr, escaped; returns the exit code it calls for. */
function report(error: unknown): number {
  if (isDiskFull(error) && !isPandafestError(error)) {
    // a write that did not go through the atomic writer (a directory, a rename): the same message, no stack
    const where = (error as NodeJS.ErrnoException).path;
    error = where ? diskFullError(`could not write ${path.basename(where)}`, path.dirname(where), error) : diskFullError("could not write", "the data directory", error);
  }
  if (isPandafestError(error)) {
    // messages quote input (names, file names, reasons read from a bundle): escaped; a few list problems one a line
    process.stderr.write(`pandafest: ${escapeForTerminalKeepingNewlines(error.message)}\n`);
    return error.code === "usage" ? EXIT_USAGE : error.code === "internal" ? EXIT_INTERNAL : EXIT_INPUT;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`pandafest: unexpected error: ${escapeForTerminalKeepingNewlines(message)}\n`);
  return EXIT_INTERNAL;
}

export async function main(argv: string[]): Promise<number> {
  if (!process.listeners("unhandledRejection").includes(reportBackgroundFailure)) process.on("unhandledRejection", reportBackgroundFailure);
  const program = buildProgram();
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_OK;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return diskFullReported ? EXIT_INPUT : EXIT_OK; // a background save failed, though the command went through
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version end here with exit code 0; anything else is a usage error
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (isDiskFull(error)) {
      if (diskFullReported) return EXIT_INPUT;
      diskFullReported = true;
    }
    return report(error);
  }
}
