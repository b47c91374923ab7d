// `pandafest festival create|list|show|edit|forget` (organise and open: commands/governance.ts): festivals in this data directory.
// `show --json` is the festival as plain JSON (id, url, name, heads, venues, events, people keyed by id).
import type { Command } from "commander";
import { editFestival } from "../../../engine/core/operations.js";
import type { FestivalView } from "../../../engine/core/schema.js";
import { festivalUrl, type FestivalStore } from "../../../engine/node/store.js";
import { action } from "../context.js";
import { table, type Output } from "../output.js";

/**
 * Warns about festival index entries that were damaged (and rebuilt from their documents) or that name a festival
 * whose documents are missing, and says how to remove those. Returns the followed festivals stored here.
 */
export async function checkedFestivalIndex(store: FestivalStore, out: Output) {
  const report = await store.indexReport();
  for (const damaged of report.damaged) {
    if (damaged.rebuilt) out.info(`warning: ${damaged.file} was damaged (${damaged.reason}); rebuilt from the festival's document`);
    else if (!report.dangling.includes(damaged.id)) {
      out.info(`warning: ${damaged.file} is damaged (${damaged.reason}) and festival ${damaged.id}'s document could not be read to rebuild it; \`pandafest festival show ${damaged.id}\` says why`);
    }
  }
  for (const id of report.dangling) {
    out.info(
      `warning: festival ${id} is in the festival index but its documents are missing from ${store.documentsDirectory}, so it cannot be opened; \`pandafest festival forget ${id}\` removes the entry`,
    );
  }
  return report.entries;
}

export function registerFestivalCommands(program: Command): void {
  const festival = program.command("festival").description("create, list and show festivals");

  festival
    .command("create")
    .description("create a festival (you become its first member)")
    .argument("<name>", "the festival's name")
    .option("--time-zone <zone>", "IANA time zone of the festival, e.g. Europe/Berlin", "UTC")
    .option("--start <date>", "first day, YYYY-MM-DD")
    .option("--end <date>", "last day, YYYY-MM-DD")
    .option("--description <text>", "a short description")
    .option("--day-starts-at <HH:MM>", "when a festival day begins; later-night events belong to the day before", "04:00")
    .option("--private", "only people who know the festival id can get it (bundles are encrypted)")
    .option("--open", "anyone may edit it (otherwise only members you grant a role; others' changes become proposals)")
    .action(
      action(async (ctx, name: string, options: { timeZone: string; start?: string; end?: string; description?: string; dayStartsAt: string; private?: boolean; open?: boolean }) => {
        const store = await ctx.openStore();
        const created = await store.create({
          name,
          timeZone: options.timeZone,
          startDate: options.start,
          endDate: options.end,
          description: options.description,
          dayStartsAt: options.dayStartsAt,
          visibility: options.private ? "private" : "public",
        }, { mode: options.open ? "open" : "organised" });
        await store.commit();
        ctx.out.result({ id: created.id, url: created.url }, (r) => [`Created festival "${name}"`, `id:  ${r.id}`, `url: ${r.url}`]);
      }),
    );

  festival
    .command("list")
    .description("list the festivals this data directory follows")
    .action(
      action(async (ctx) => {
        const store = await ctx.openStore();
        const entries = (await checkedFestivalIndex(store, ctx.out)).map((e) => ({ id: e.id, url: festivalUrl(e.id), name: e.name, visibility: e.visibility }));
        ctx.out.result(entries, (rows) =>
          rows.length === 0
            ? ["No festivals yet. Create one with `pandafest festival create NAME`."]
            : table(["ID", "NAME", "VISIBILITY"], rows.map((r) => [r.id, r.name, r.visibility])),
        );
      }),
    );

  festival
    .command("forget")
    .description("remove a festival index entry whose festival's documents are missing (`festival list` names them)")
    .argument("<id>", "the festival id the warning names")
    .action(
      action(async (ctx, id: string) => {
        const store = await ctx.openStore();
        await store.forget(id.trim());
        ctx.out.result({ id: id.trim(), forgotten: true }, (r) => [`Removed the index entry of festival ${r.id}`]);
      }),
    );

  festival
    .command("show")
    .description("show a festival (with --json: the whole festival as plain JSON)")
    .argument("<festival>", "festival id, automerge: URL, or unique name prefix")
    .action(
      action(async (ctx, reference: string) => {
        const store = await ctx.openStore();
        const { id, heads, view } = await store.readView(reference); // read only: the view cache when nothing changed
        const shown = { id, url: festivalUrl(id), heads, ...view };
        ctx.out.result(shown, describeFestival);
      }),
    );

  festival
    .command("edit")
    .description("change a festival's name, description, time zone or dates")
    .argument("<festival>", "festival id, automerge: URL, or unique name prefix")
    .option("--name <name>")
    .option("--description <text>")
    .option("--time-zone <zone>")
    .option("--start <date>")
    .option("--end <date>")
    .option("--day-starts-at <HH:MM>")
    .action(
      action(async (ctx, reference: string, options: { name?: string; description?: string; timeZone?: string; start?: string; end?: string; dayStartsAt?: string }) => {
        const store = await ctx.openStore();
        const { handle, editor } = await store.editorFor(reference);
        editFestival(editor, {
          name: options.name,
          description: options.description,
          timeZone: options.timeZone,
          startDate: options.start,
          endDate: options.end,
          dayStartsAt: options.dayStartsAt,
        });
        await store.commit();
        ctx.out.result({ id: handle.documentId }, () => [`Updated festival "${String(store.visible(handle).name)}"`]);
      }),
    );
}

/** "12", or "12 (+2 deleted)": live items, and the deleted ones that can be restored. */
function counted(items: Record<string, { removed?: true }>): string {
  const all = Object.values(items);
  const deleted = all.filter((item) => item.removed === true).length;
  return `${all.length - deleted}${deleted > 0 ? ` (+${deleted} deleted)` : ""}`;
}

function describeFestival(f: FestivalView & { id: string; url: string; heads: string[] }): string[] {
  const live = Object.values(f.venues).filter((v) => !v.removed).length;
  const lines = [
    `${f.name}${f.visibility === "private" ? " (private)" : ""}`,
    f.description ? f.description : undefined,
    `id:        ${f.id}`,
    `url:       ${f.url}`,
    `dates:     ${f.startDate} to ${f.endDate} (${f.timeZone}, days start at ${f.dayStartsAt})`,
    `venues:    ${live}${live !== Object.keys(f.venues).length ? ` (+${Object.keys(f.venues).length - live} removed)` : ""}`,
    `events:    ${counted(f.events)}`,
    `people:    ${counted(f.people)}`,
    `members:   ${Object.values(f.members).map((m) => m.name).join(", ") || "none"}`,
    f.forkedFrom ? `forked from: ${f.forkedFrom.name} (${f.forkedFrom.url})` : undefined,
  ];
  return lines.filter((l): l is string => l !== undefined);
}
