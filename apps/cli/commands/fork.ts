// `pandafest fork FESTIVAL --name NAME [--keep ...] [--at HEADS] [--shift-to DATE] [--public|--private] [--with-history]` and `pandafest fork pull FORK`:
// reuse a festival (its venues above all) as a new one, and bring the origin's later venue edits in.
import type { Command } from "commander";
import { PandafestError } from "../../../engine/core/errors.js";
import { forkFestival, parseHeads, pullFork, type PullResult, type VenuePull, type VenueFieldValue } from "../../../engine/node/fork/index.js";
import type { OwnedFieldValue, OwnedPull } from "../../../engine/core/bookings/fork-pull.js";
import { action } from "../context.js";
import { parseList } from "../parse.js";

interface ForkCommandOptions {
  name?: string;
  keep?: string;
  at?: string;
  withHistory?: boolean;
  shiftTo?: string;
  public?: boolean;
  private?: boolean;
}

function shown(value: VenueFieldValue): string {
  if (value === null) return "(none)";
  if (Array.isArray(value)) return value.length === 0 ? "(no tags)" : value.join(", ");
  if (typeof value === "object") return `${value.lat},${value.lon}`;
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function describeVenuePull(pull: VenuePull): string[] {
  const title = `  ${pull.name} (${pull.venueId})`;
  const lines: string[] = [];
  if (pull.added) lines.push(`${title}: added (new in the origin)`);
  if (pull.origin === "removed") lines.push(`${title}: removed in the origin; still here (remove it with \`pandafest venue remove\` if you want)`);
  if (pull.origin === "restored") lines.push(`${title}: restored in the origin; unchanged here`);
  if (pull.origin === "gone") lines.push(`${title}: no longer in the origin; still here`);
  for (const update of pull.updated) lines.push(`${title}: ${update.field} ${shown(update.from)} -> ${shown(update.to)}`);
  for (const kept of pull.keptInFork) {
    lines.push(`${title}: ${kept.field} kept as edited here, ${shown(kept.fork)}; the origin now says ${shown(kept.origin)}`);
  }
  return lines;
}

function describeOwnedPull(pull: OwnedPull): string[] {
  const title = pull.kind === "resource" ? `  resource ${pull.name} (${pull.id})` : `  venue ${pull.id}`;
  const lines: string[] = [];
  if (pull.added) lines.push(`${title}: added (new in the origin)`);
  if (pull.origin === "removed") lines.push(`${title}: removed in the origin; still here`);
  for (const update of pull.updated) lines.push(`${title}: ${update.field} ${ownedShown(update.from)} -> ${ownedShown(update.to)}`);
  for (const kept of pull.keptInFork) lines.push(`${title}: ${kept.field} kept as edited here, ${ownedShown(kept.fork)}; the origin now says ${ownedShown(kept.origin)}`);
  return lines;
}

function ownedShown(value: OwnedFieldValue): string {
  return Array.isArray(value) ? `[${value.map((item) => JSON.stringify(item)).join(", ")}]` : typeof value === "string" ? JSON.stringify(value) : String(value);
}

function describePull(result: PullResult): string[] {
  const header = `Pulled venue and resource edits from "${result.origin.name}" into "${result.fork.name}"`;
  if (result.venues.length === 0 && result.resources.length === 0) return [`${header}: nothing new since the last pull.`];
  return [`${header}:`, ...result.venues.flatMap(describeVenuePull), ...result.resources.flatMap(describeOwnedPull)];
}

export function registerForkCommands(program: Command): void {
  const fork = program
    .command("fork")
    .description("make a new festival from an existing one (venues by default), or `fork pull` the origin's venue edits")
    .argument("<festival>", "the festival to fork: id, automerge: URL, or unique name prefix")
    .option("--name <name>", "the new festival's name (required)")
    .option("--keep <parts>", "what to keep, comma separated: venues, people, events (venues always)")
    .option("--at <heads>", "fork the origin as it was at these heads (change hashes, comma separated)")
    .option("--shift-to <date>", "the new edition's first day (YYYY-MM-DD): the dates and kept events move by as many days")
    .option("--public", "the new festival is public (listed for anyone its nodes reach); default: as the origin")
    .option("--private", "the new festival is private (only people who know its id get it; bundles are encrypted); default: as the origin")
    .option("--with-history", "a full-history clone instead of a copy: keeps everything and can be merged back later")
    .action(
      action(async (ctx, reference: string, options: ForkCommandOptions) => {
        if (options.name === undefined) {
          throw new PandafestError("fork needs --name NAME: the new festival's name, e.g. --name \"Sommerfest 2028\"", { code: "usage" });
        }
        if (options.public && options.private) {
          throw new PandafestError("fork takes --public or --private, not both: leave out one of them", { code: "usage" });
        }
        const visibility = options.public ? "public" : options.private ? "private" : undefined;
        const name = options.name;
        const at = options.at === undefined ? undefined : parseHeads(options.at);
        const keep = options.keep === undefined ? undefined : parseList(options.keep);
        const store = await ctx.openStore();
        const result = await forkFestival(store, reference, { name, keep, at, withHistory: options.withHistory, shiftTo: options.shiftTo, visibility });
        ctx.out.result(result, (r) =>
          [
            `${r.withHistory ? "Cloned" : "Forked"} "${r.forkedFrom.name}" into "${r.name}"`,
            `id:   ${r.id}`,
            `url:  ${r.url}`,
            ...(r.shiftedDays === 0 ? [] : [`dates: ${r.startDate} to ${r.endDate}, everything moved ${r.shiftedDays} day(s) ${r.shiftedDays > 0 ? "later" : "earlier"}`]),
            `visibility: ${r.visibility}`,
            `kept: ${r.kept.venues} venues, ${r.kept.people} people, ${r.kept.events} events${r.withHistory ? ", and the whole history" : ""}`,
            ...r.notes.map((note) => `note: ${note}`),
            `Pull the origin's later venue edits with \`pandafest fork pull ${r.id}\`.`,
          ],
        );
      }),
    );

  fork
    .command("pull")
    .description("bring venue and resource edits (and owners, availability) made in the origin since the fork (or the last pull) into a fork, and list them")
    .argument("<fork>", "the fork: id, automerge: URL, or unique name prefix")
    .action(
      action(async (ctx, reference: string) => {
        const store = await ctx.openStore();
        const result = await pullFork(store, reference);
        ctx.out.result(result, describePull);
      }),
    );
}
