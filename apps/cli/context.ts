// What every command gets: the global options resolved (data directory, --json), its host's terminal, and a store.
// While a server runs on the data directory, a command is sent to it and runs on the server's store (one writer);
// a command's edits are one transaction: committed when it succeeds, discarded (nothing stored) when it fails.
import path from "node:path";
import type { Command } from "commander";
import { keepDataDirectoryPrivate, resolveDataDir } from "../../engine/node/datadir.js";
import { FestivalStore } from "../../engine/node/store.js";
import { hostOf, type CommandHost, type TextSink } from "./command-host.js";
import { commandServer, ForwardedExit, forwardToServer } from "./forward.js";
import { createOutput, type Output } from "./output.js";

export interface GlobalOptions {
  data?: string;
  json?: boolean;
}

export class CommandContext {
  readonly dataDir: string;
  readonly out: Output;
  private store: FestivalStore | undefined;

  constructor(
    options: GlobalOptions,
    readonly host: CommandHost,
  ) {
    this.dataDir = host.server?.dataDir ?? resolveDataDir(options.data);
    this.out = createOutput(Boolean(options.json), host.stdout, host.stderr);
  }

  static from(command: Command): CommandContext {
    return new CommandContext(command.optsWithGlobals<GlobalOptions>(), hostOf(command));
  }

  get stdout(): TextSink {
    return this.host.stdout;
  }

  get stderr(): TextSink {
    return this.host.stderr;
  }

  /** A file name from the command line, read against the caller's working directory (which a server does not share). */
  path(file: string): string {
    return path.isAbsolute(file) || this.host.cwd === process.cwd() ? file : path.resolve(this.host.cwd, file);
  }

  async openStore(): Promise<FestivalStore> {
    if (this.store) return this.store;
    this.store =
      this.host.server?.store ??
      (await FestivalStore.open(this.dataDir, {
        onBadChunk: (report) =>
          this.out.info(`warning: a damaged chunk of stored data was moved aside to ${report.movedTo} (${report.reason}); the rest was loaded`),
      }));
    return this.store;
  }

  /** Ends the run; after a failure (`failed`) the command's uncommitted edits are discarded, so nothing of it is stored. */
  async close(failed = false): Promise<void> {
    const store = this.store;
    this.store = undefined;
    if (!store) return;
    if (failed) store.discard();
    if (this.host.server) await store.commit(); // the server's store stays open
    else await store.close();
    for (const { id, name } of store.takeProposalNotices()) {
      this.out.info(
        `note: you have no role that lets you change "${name}" (${id}), so your change is kept as a proposal; ` +
          "its members see it with `pandafest proposals FESTIVAL` and can accept it",
      );
    }
  }
}

export interface ActionOptions {
  /** runs in this process even while a server runs here: it writes no festival (init, whoami, serve, peers) */
  local?: boolean;
}

/**
 * Wraps a command action: builds the context, makes an existing data directory private again (0700, files 0600)
 * should anything have loosened it, sends the command to the server running on the data directory if there is
 * one, else runs it, and always closes the store.
 */
export function action<Args extends unknown[]>(
  run: (ctx: CommandContext, ...args: Args) => Promise<void>,
  options: ActionOptions = {},
): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    const command = args[args.length - 1] as Command;
    const ctx = CommandContext.from(command);
    await keepDataDirectoryPrivate(ctx.dataDir);
    if (!options.local && ctx.host.server === undefined && ctx.host.argv !== undefined) {
      const server = await commandServer(ctx.dataDir);
      if (server) throw new ForwardedExit(await forwardToServer(server, ctx.host.argv, ctx.host));
    }
    let failed = true;
    try {
      await run(ctx, ...args);
      failed = false;
    } finally {
      await ctx.close(failed);
    }
  };
}
