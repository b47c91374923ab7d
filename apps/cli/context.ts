// What every command gets: the global options resolved (data directory, --json) and a store opened on demand.
// The store is closed (attested, flushed) once when the command ends, so a reported save is on disk; a command that
// fails is closed without its edits (the store's editor stages them until commit), so it changes nothing.
import type { Command } from "commander";
import { keepDataDirectoryPrivate, resolveDataDir } from "../../engine/node/datadir.js";
import { LocalServerLink } from "./local-server-link.js";
import { FestivalStore } from "../../engine/node/store.js";
import { createOutput, type Output } from "./output.js";

export interface GlobalOptions {
  data?: string;
  json?: boolean;
}

export class CommandContext {
  readonly dataDir: string;
  readonly out: Output;
  private store: FestivalStore | undefined;
  /** set when a server runs on the same data directory: this run syncs with it */
  private serverLink: LocalServerLink | undefined;

  constructor(options: GlobalOptions) {
    this.dataDir = resolveDataDir(options.data);
    this.out = createOutput(Boolean(options.json));
  }

  static from(command: Command): CommandContext {
    return new CommandContext(command.optsWithGlobals<GlobalOptions>());
  }

  async openStore(): Promise<FestivalStore> {
    if (this.store) return this.store;
    this.serverLink = await LocalServerLink.open(this.dataDir, { warn: (message) => this.out.info(message) });
    this.store = await FestivalStore.open(this.dataDir, {
      ...this.serverLink?.storeOptions(),
      onBadChunk: (report) =>
        this.out.info(`warning: a damaged chunk of stored data was moved aside to ${report.movedTo} (${report.reason}); the rest was loaded`),
    });
    await this.serverLink?.attach(this.store);
    return this.store;
  }

  /** Ends the run; after a failure (`failed`) the command's uncommitted edits are discarded, so nothing of it is stored. */
  async close(failed = false): Promise<void> {
    if (failed) this.store?.discard();
    if (this.store && this.serverLink) {
      await this.store.commit();
      await this.serverLink.push(this.store);
    }
    if (this.store) await this.store.close();
    this.serverLink?.close();
    this.store = undefined;
    this.serverLink = undefined;
  }
}

/**
 * Wraps a command action: builds the context, makes an existing data directory private again (0700, files 0600)
 * should anything have loosened it, runs, and always closes the store.
 */
export function action<Args extends unknown[]>(
  run: (ctx: CommandContext, ...args: Args) => Promise<void>,
): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    const command = args[args.length - 1] as Command;
    const ctx = CommandContext.from(command);
    await keepDataDirectoryPrivate(ctx.dataDir);
    let failed = true;
    try {
      await run(ctx, ...args);
      failed = false;
    } finally {
      await ctx.close(failed);
    }
  };
}
