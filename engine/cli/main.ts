// The `pandafest` command line: global options, the command tree, and exit codes.
// Exit 0 on success, 1 when the input or the data is wrong, 2 on a usage error.
import { Command, CommanderError } from "commander";
import { isPandafestError } from "../errors.js";
import { escapeForTerminal, escapeForTerminalKeepingNewlines } from "../terminal-text.js";
import { registerCommands } from "./commands/index.js";

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;

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

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_OK;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version end here with exit code 0; anything else is a usage error
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (isPandafestError(error)) {
      // messages quote input (names, file names, reasons read from a bundle): one line, escaped
      process.stderr.write(`pandafest: ${escapeForTerminal(error.message)}\n`);
      return error.code === "usage" ? EXIT_USAGE : EXIT_INPUT;
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`pandafest: unexpected error: ${escapeForTerminalKeepingNewlines(message)}\n`);
    return EXIT_INPUT;
  }
}
