// `pandafest serve`: runs the node (web app, /api, /sync, --peer links, --lan discovery) until SIGINT/SIGTERM,
// then flushes storage and exits 0. Prints the URL it listens on (with --json one line: {url, port, ...}).
import type { Command } from "commander";
import { PandafestError } from "../../../engine/core/errors.js";
import { streamLog } from "../../server/log.js";
import { DEFAULT_PORT } from "../../server/endpoints.js";
import { action } from "../context.js";

interface ServeCommandOptions {
  port: string;
  host?: string;
  lan?: boolean;
  peer: string[];
  allowHost: string[];
  maxFrameBytes?: string;
  maxConnections?: string;
  quiet?: boolean;
  hub: boolean;
}

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("serve this data directory: the web app, read-only JSON under /api, and live sync at /sync")
    .option("--port <port>", "TCP port; 0 picks a free one", String(DEFAULT_PORT))
    .option("--host <address>", "address to bind (default 127.0.0.1; with --lan 0.0.0.0)")
    .option("--lan", "bind all interfaces and announce this node on the LAN over mDNS; connect to nodes found there")
    .option(
      "--allow-host <name>",
      "also answer to this host name or address, e.g. festival.example or festival.example:443 behind a proxy (repeatable); loopback, the bound address and with --lan the machine's addresses and <hostname>.local are always accepted",
      collect,
      [],
    )
    .option("--peer <url>", "keep a connection to another node, e.g. ws://192.168.1.20:4321/sync (repeatable)", collect, [])
    .option("--max-frame-bytes <bytes>", "largest websocket frame accepted")
    .option("--max-connections <count>", "most websocket connections at once")
    .option("--no-hub", "sync browsers and the CLI through automerge-repo alone, without the hub relay (which reaches into Automerge's internals; see docs/INTERNALS.md)")
    .option("--quiet", "log only warnings")
    .action(
      action(async (ctx, options: ServeCommandOptions) => {
        // loaded only when serving, which keeps every other command quick to start
        const { parsePeerUrl, startServer, SYNC_PATH } = await import("../../server/server.js");
        const { runProgram } = await import("../main.js");
        const port = integerOption("--port", options.port, 0, 65535);
        const peers = options.peer.map(parsePeerUrl);
        const log = streamLog(process.stderr);
        const quietLog = options.quiet ? { info: () => undefined, warn: log.warn } : log;
        // a failure outside any request (a background save, a peer's socket) is logged, and the server keeps running:
        // an exception thrown from a callback is treated as a rejected promise is
        const keepRunning = (reason: unknown) =>
          log.warn(`internal error (the server keeps running): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
        process.on("unhandledRejection", keepRunning);
        process.on("uncaughtException", keepRunning);
        const server = await startServer({
          dataDir: ctx.dataDir,
          host: options.host,
          port,
          lan: options.lan,
          peers,
          allowHosts: options.allowHost,
          noHub: !options.hub,
          maxFrameBytes: options.maxFrameBytes === undefined ? undefined : integerOption("--max-frame-bytes", options.maxFrameBytes, 1024, 1024 ** 3),
          maxConnections: options.maxConnections === undefined ? undefined : integerOption("--max-connections", options.maxConnections, 1, 100_000),
          log: quietLog,
          // CLI runs on this data directory send their commands here: this process is its one writer
          commands: (command, io) =>
            runProgram(command.argv, { cwd: command.cwd, stdout: io.stdout, stderr: io.stderr, server: { store: io.store, dataDir: ctx.dataDir } }),
        });
        const syncUrl = server.url.replace(/^http/, "ws") + SYNC_PATH;
        const started = { url: server.url, port: server.port, sync: syncUrl, dataDir: ctx.dataDir, pid: process.pid };
        // one line, so a program reading stdout can take the first line as the answer
        if (ctx.out.json) process.stdout.write(JSON.stringify(started) + "\n");
        else ctx.out.result(started, (r) => [`pandafest is serving ${r.dataDir}`, `open:  ${r.url}`, `sync:  ${r.sync}`, "Stop with Ctrl+C."]);
        await untilStopped(async () => {
          await server.close();
        }, log.warn);
      }, { local: true }),
    );
}

/** Resolves after the first SIGINT or SIGTERM once `stop` has finished; a second signal exits at once. */
function untilStopped(stop: () => Promise<void>, warn: (message: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        warn(`${signal} again: exiting without waiting`);
        process.exit(1);
      }
      stopping = true;
      stop().then(
        () => {
          // anything still holding the event loop open (a slow socket) must not keep a stopped server alive
          setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
          resolve();
        },
        (error: unknown) => reject(error),
      );
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function integerOption(name: string, value: string, min: number, max: number): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new PandafestError(`${name} ${value}: expected a whole number from ${min} to ${max}`, { code: "usage" });
  }
  return parsed;
}
