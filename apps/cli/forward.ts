// A CLI run on a data directory that a server holds: the command line goes to the server, which runs it on its
// store (one writer per data directory), and its output and exit code come back here as they are written.
import { PandafestError } from "../../engine/core/errors.js";
import { LOCAL_COMMAND_PATH, relayCommandAnswer, type ForwardedCommand } from "../server/local-command-protocol.js";
import { findRunningServer, type ServerInfo } from "../server/server-info.js";
import type { CommandHost } from "./command-host.js";

/** Ends a run whose command the running server carried out (and reported): `exitCode` is what it returned. */
export class ForwardedExit extends Error {
  constructor(readonly exitCode: number) {
    super(`the running server ended the command with exit code ${exitCode}`);
  }
}

/**
 * The server this run's command must go to: the one running on `dataDir`, or undefined when none runs (the run
 * then works on the directory itself). A server that runs but takes no commands is an error: two writers at once
 * is what this avoids.
 */
export async function commandServer(dataDir: string): Promise<(ServerInfo & { commandToken: string }) | undefined> {
  const server = await findRunningServer(dataDir);
  if (server === undefined) return undefined;
  if (server.commandToken === undefined) {
    throw new PandafestError(
      `a pandafest server (pid ${server.pid}, ${server.url}) runs on ${dataDir} but does not take commands (an older version?); stop it, then run the command again`,
    );
  }
  return { ...server, commandToken: server.commandToken };
}

/** Runs the command line in `server` and relays its output; resolves with its exit code. */
export async function forwardToServer(server: ServerInfo & { commandToken: string }, argv: string[], host: CommandHost): Promise<number> {
  const command: ForwardedCommand = {
    argv,
    cwd: host.cwd,
    stdoutIsTTY: host.stdout.isTTY === true,
    stderrIsTTY: host.stderr.isTTY === true,
    columns: host.stderr.columns ?? host.stdout.columns,
  };
  let response: Response;
  try {
    response = await fetch(new URL(LOCAL_COMMAND_PATH, server.localUrl), {
      method: "POST",
      headers: { authorization: `Bearer ${server.commandToken}`, "content-type": "application/json" },
      body: JSON.stringify(command),
    });
  } catch (error) {
    throw new PandafestError(
      `the pandafest server running on this data directory (pid ${server.pid}, ${server.url}) did not take the command (${error instanceof Error ? error.message : String(error)}); nothing was changed. Run it again, or stop the server first`,
    );
  }
  if (!response.ok || response.body === null) {
    const text = await response.text().catch(() => "");
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // not JSON: the text as it came
    }
    throw new PandafestError(`the pandafest server running on this data directory (${server.url}) refused the command: ${message}`);
  }
  let exit: number | undefined;
  try {
    exit = await relayCommandAnswer(response.body, host.stdout, host.stderr);
  } catch {
    exit = undefined;
  }
  if (exit === undefined) {
    throw new PandafestError(
      `the pandafest server running on this data directory (${server.url}) stopped answering before the command ended; what it saved is kept, check with \`pandafest check\``,
      { code: "internal" },
    );
  }
  return exit;
}
