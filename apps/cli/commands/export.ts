// `pandafest export FESTIVAL --format frab-xml|frab-json|ical [-o FILE]`: the schedule as attendees' apps
// read it, on stdout or written atomically to a file; `--format html -o DIR`: the static archive, a folder of pages.
import { confirmedFestivalView } from "../../../engine/core/bookings/confirmed-view.js";
import path from "node:path";
import type { Command } from "commander";
import type { ExportFormat } from "../../../engine/core/schedule-export.js";
import { writeFileAtomically } from "../../../engine/node/storage/atomic-file.js";
import { PandafestError } from "../../../engine/core/errors.js";
import { escapeForTerminalKeepingNewlines } from "../../../engine/core/terminal-text.js";
import type { FestivalView } from "../../../engine/core/schema.js";
import { eventRevisions } from "../../../engine/core/event-revisions.js";
import { festivalView } from "../../../engine/core/views.js";
import { action, type CommandContext } from "../context.js";

/** The formats named in the help text; parseExportFormat holds the authoritative list. */
const EXPORT_FORMAT_NAMES: readonly ExportFormat[] = ["frab-xml", "frab-json", "ical"];
/** The static archive: a folder, not one file, so it is not one of the schedule formats. */
const ARCHIVE_FORMAT = "html";

interface ExportCommandOptions {
  format: string;
  output?: string;
  baseUrl?: string;
  force?: boolean;
}

/** `--format html -o DIR`: renders the static archive and writes the folder all or nothing. */
async function exportArchive(ctx: CommandContext, view: FestivalView, festivalId: string, options: ExportCommandOptions): Promise<void> {
  if (options.output === undefined) {
    throw new PandafestError("--format html writes a folder of pages: name it with -o DIR (a new or empty folder, or an archive written before)", { code: "usage" });
  }
  const { renderArchive } = await import("../../../engine/core/archive/index.js");
  const { writeArchiveDirectory } = await import("../../../engine/node/archive-directory.js");
  const archive = renderArchive(view, festivalId, { baseUrl: options.baseUrl });
  for (const skipped of archive.skipped) ctx.out.info(`warning: event ${skipped.eventId} is left out: ${skipped.reason}`);
  const written = await writeArchiveDirectory(path.resolve(ctx.host.cwd, options.output), archive.files, { force: options.force === true });
  ctx.out.result(
    { directory: written.directory, format: ARCHIVE_FORMAT, replaced: written.replaced, pages: archive.pages, fileCount: written.files.length, bytes: written.bytes, files: written.files, skipped: archive.skipped.length },
    (r) => [
      `Wrote ${r.directory}: ${r.pages.days} days, ${r.pages.venues} venues, ${r.pages.events} events, ${r.pages.people} people (${r.fileCount} files, ${r.bytes} bytes)`,
      r.replaced === "nothing" || r.replaced === "empty folder" ? "" : `It replaced the ${r.replaced}.`,
      `Open ${path.join(r.directory, "index.html")} in a browser, or copy the folder to any web host.`,
    ].filter((line) => line !== ""),
  );
}

export function registerExportCommand(program: Command): void {
  program
    .command("export")
    .description(
      "export the schedule: frab schedule.xml / schedule.json (Giggity, EventFahrplan, ConfClerk), iCalendar, or html: a static archive " +
        "(a folder of plain pages readable offline and on any web host, with the three schedule files beside them)",
    )
    .argument("<festival>", "festival id, automerge: URL, or unique name prefix")
    .requiredOption("--format <format>", `one of ${[...EXPORT_FORMAT_NAMES, ARCHIVE_FORMAT].join(", ")}`)
    .option("-o, --output <path>", "write to this file (atomically) instead of stdout; for html the folder to write (required)")
    .option("--base-url <url>", "public http(s) address of the festival's pages, for per-event links")
    .option("--force", "html: replace the -o folder even when it holds files that are not an archive pandafest wrote")
    .addHelpText(
      "after",
      "\nThe html archive shows what the other exports show: the festival as this data directory sees it, private festivals\n" +
        "included (their pages ask search engines not to index them). It is written into a hidden folder beside the -o\n" +
        "folder and renamed into place, so the folder is a whole archive or not there. An archive written before is\n" +
        "replaced; any other non-empty folder is refused unless --force.",
    )
    .action(
      action(async (ctx, reference: string, options: ExportCommandOptions) => {
        const isArchive = options.format.trim().toLowerCase() === ARCHIVE_FORMAT;
        if (options.force && !isArchive) throw new PandafestError("--force applies to --format html only (a single file is always replaced atomically)", { code: "usage" });
        // the exporters (XML, iCalendar) are loaded only when exporting, which keeps every other command quick to start
        const { isExportFormat, parseExportFormat, renderExport } = await import("../../../engine/core/schedule-export.js");
        if (!isArchive && !isExportFormat(options.format.trim().toLowerCase())) {
          throw new PandafestError(`--format "${options.format}" is unknown; choose one of ${[...EXPORT_FORMAT_NAMES, ARCHIVE_FORMAT].join(", ")}`, { code: "usage" });
        }
        const format = isArchive ? undefined : parseExportFormat(options.format);
        const store = await ctx.openStore();
        const handle = await store.resolve(reference);
        const doc = store.visible(handle);
        // with bookings, an event is tentative until every request it made is accepted
        const view = confirmedFestivalView(doc, handle.documentId);
        if (format === undefined) return exportArchive(ctx, view, handle.documentId, options);
        const revisions = format === "ical" ? eventRevisions(doc) : undefined;
        const rendered = renderExport(view, handle.documentId, format, { baseUrl: options.baseUrl, revisions });
        for (const skipped of rendered.skipped) {
          ctx.out.info(`warning: event ${skipped.eventId} is left out: ${skipped.reason}`);
        }
        if (options.output === undefined) {
          // on a terminal the export is read, not stored: what the terminal would act on is escaped (line ends kept);
          // piped or redirected, the bytes are exact
          ctx.stdout.write(ctx.stdout.isTTY ? escapeForTerminalKeepingNewlines(rendered.text.replace(/\r\n/g, "\n")) : rendered.text);
          return;
        }
        const file = path.resolve(ctx.host.cwd, options.output);
        await writeFileAtomically(file, rendered.text, { sharing: "shared" }); // for attendees' apps, not only this user
        const bytes = new TextEncoder().encode(rendered.text).length;
        ctx.out.result({ file, format, bytes, skipped: rendered.skipped.length }, (r) => [`Wrote ${r.file} (${r.format}, ${r.bytes} bytes)`]);
      }),
    );
}
