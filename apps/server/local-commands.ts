// POST /api/local/command: the CLI on this machine runs its commands in the server that holds the data directory,
// so one process writes it. Only a caller that read the token from DATA/server.json (0600) gets in; never a page.
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Writable } from "node:stream";
import type { FestivalStore } from "../../engine/node/store.js";
import { sendError, type RouteTable } from "./http.js";
import { StoreTurns } from "./store-turns.js";
import { LOCAL_COMMAND_PATH, parseForwardedCommand, type CommandFrame, type ForwardedCommand } from "./local-command-protocol.js";

/** the most a forwarded command line may weigh, as JSON */
const MAX_REQUEST_BYTES = 256 * 1024;
/** how often a silent command's answer carries an empty line (fetch gives up on a body silent for 5 minutes) */
const HEARTBEAT_MS = 30_000;

/** A terminal's stream as the command sees it: what it writes is sent to the caller. */
export type ForwardedSink = Writable & { isTTY?: boolean; columns?: number };

/** Runs one forwarded command on the server's store; resolves with its exit code. */
export type LocalCommandRunner = (command: ForwardedCommand, io: { stdout: ForwardedSink; stderr: ForwardedSink; store: FestivalStore }) => Promise<number>;

/**
 * Adds the route. Commands run one at a time (a command's edits are one transaction of the store, which a
 * second command must not share); output streams back as it is written, so progress shows while it runs.
 */
export function addLocalCommandRoute(
  routes: RouteTable,
  options: { token: string; store: FestivalStore; run: LocalCommandRunner; turns?: StoreTurns },
): { drain(): Promise<void> } {
  const turns = options.turns ?? new StoreTurns();
  let stopping = false;
  routes.add("POST", LOCAL_COMMAND_PATH, async ({ request, response }) => {
    const refusal = refusalOf(request, options.token);
    if (refusal) return sendError(response, refusal.status, refusal.message);
    if (stopping) return sendError(response, 503, "the server is stopping; run the command again once it has stopped");
    let command: ForwardedCommand;
    try {
      command = parseForwardedCommand(await readBody(request));
    } catch (error) {
      return sendError(response, 400, error instanceof Error ? error.message : String(error));
    }
    if (stopping) return sendError(response, 503, "the server is stopping; run the command again once it has stopped");
    response.writeHead(200, { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" });
    response.flushHeaders();
    // an empty line now and then: a command that prints nothing for minutes (a large stick) keeps its caller waiting
    const heartbeat = setInterval(() => response.destroyed || response.write("\n"), HEARTBEAT_MS);
    const send = (frame: CommandFrame) => {
      if (!response.destroyed) response.write(JSON.stringify(frame) + "\n");
    };
    const sink = (name: "stdout" | "stderr", isTTY: boolean): ForwardedSink =>
      Object.assign(
        new Writable({
          decodeStrings: false,
          write(chunk: string | Buffer, _encoding, done) {
            send(name === "stdout" ? { stdout: String(chunk) } : { stderr: String(chunk) });
            done();
          },
        }),
        { isTTY, columns: command.columns },
      );
    const stdout = sink("stdout", command.stdoutIsTTY);
    const stderr = sink("stderr", command.stderrIsTTY);
    const turn = turns.run(() => options.run(command, { stdout, stderr, store: options.store }));
    let exit: number;
    try {
      exit = await turn;
    } catch (error) {
      send({ stderr: `pandafest: unexpected error in the running server: ${error instanceof Error ? error.message : String(error)}\n` });
      exit = 3;
    }
    clearInterval(heartbeat);
    send({ exit });
    response.end();
  });
  return {
    async drain() {
      stopping = true;
      await turns.idle();
    },
  };
}

/** Only the token opens the route, and a request from a web page (it carries Origin) never does. */
function refusalOf(request: IncomingMessage, token: string): { status: number; message: string } | undefined {
  if (request.headers.origin !== undefined) return { status: 403, message: "commands are not taken from web pages" };
  const given = /^Bearer ([0-9a-f]{64})$/.exec(request.headers.authorization ?? "")?.[1];
  if (given === undefined || !timingSafeEqual(Buffer.from(given), Buffer.from(token))) {
    return { status: 401, message: "commands need the token in this data directory's server.json" };
  }
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    const bytes = chunk as Buffer;
    length += bytes.byteLength;
    if (length > MAX_REQUEST_BYTES) throw new Error(`a command line may be at most ${MAX_REQUEST_BYTES} bytes`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString("utf8");
}
