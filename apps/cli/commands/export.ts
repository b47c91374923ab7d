// `pandafest export FESTIVAL --format frab-xml|frab-json|ical [-o FILE]`: the schedule as attendees' apps
// read it, on stdout or written atomically to a file. Times are right in the festival's zone on any host.
import { confirmedFestivalView } from "../../../engine/core/bookings/confirmed-view.js";
import path from "node:path";
import type { Command } from "commander";
import type { ExportFormat } from "../../../engine/core/schedule-export.js";
import { writeFileAtomically } from "../../../engine/node/storage/atomic-file.js";
import { escapeForTerminalKeepingNewlines } from "../../../engine/core/terminal-text.js";
import { action } from "../context.js";

/** The formats named in the help text; parseExportFormat holds the authoritative list. */
const EXPORT_FORMAT_NAMES: readonly ExportFormat[] = ["frab-xml", "frab-json", "ical"];

interface ExportCommandOptions {
  format: string;
  output?: string;
  baseUrl?: string;
}

export function registerExportCommand(program: Command): void {
  program
    .command("export")
    .description("export the schedule: frab schedule.xml / schedule.json (Giggity, EventFahrplan, ConfClerk) or iCalendar")
    .argument("<festival>", "festival id, automerge: URL, or unique name prefix")
    .requiredOption("--format <format>", `one of ${EXPORT_FORMAT_NAMES.join(", ")}`)
    .option("-o, --output <file>", "write to this file (atomically) instead of stdout")
    .option("--base-url <url>", "public http(s) address of the festival's pages, for per-event links")
    .action(
      action(async (ctx, reference: string, options: ExportCommandOptions) => {
        // the exporters (XML, iCalendar) are loaded only when exporting, which keeps every other command quick to start
        const { parseExportFormat, renderExport } = await import("../../../engine/core/schedule-export.js");
        const format = parseExportFormat(options.format);
        const store = await ctx.openStore();
        const handle = await store.resolve(reference);
        const rendered = renderExport(confirmedFestivalView(store.visible(handle), handle.documentId), handle.documentId, format, { baseUrl: options.baseUrl });
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
