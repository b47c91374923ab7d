// Where a command runs: the terminal it talks to (its working directory and output streams) and, inside a running
// server, the server's store. A CLI process is its own host; a server runs forwarded commands under the caller's host.
import type { Command } from "commander";
import type { FestivalStore } from "../../engine/node/store.js";

/** An output stream as commands use it; `isTTY` and `columns` describe the caller's terminal, wherever it is. */
export type TextSink = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface CommandHost {
  /** the directory relative file names on the command line are read against */
  cwd: string;
  stdout: TextSink;
  stderr: TextSink;
  /** the command line being run (set by runProgram): what is sent to a running server */
  argv?: string[];
  /** inside a running server: its store and data directory; the command works on them and never forwards */
  server?: { store: FestivalStore; dataDir: string };
}

const hosts = new WeakMap<Command, CommandHost>();

/** The host of a program built for one run (see buildProgram). */
export function setHost(program: Command, host: CommandHost): void {
  hosts.set(program, host);
}

/** The host of the run a (sub)command belongs to; the process itself when none was set. */
export function hostOf(command: Command): CommandHost {
  let root = command;
  while (root.parent) root = root.parent;
  return hosts.get(root) ?? processHost();
}

export function processHost(): CommandHost {
  return { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr };
}
