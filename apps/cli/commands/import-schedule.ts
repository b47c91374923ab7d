// `pandafest import-schedule FILE [--name NAME] [--strict]`: a frab or pretalx schedule.xml / schedule.json becomes
// a new festival. Size is checked before reading; events that cannot be imported are skipped and listed (--strict: none stored).
import fs from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { PandafestError } from "../../../engine/core/errors.js";
import { festivalFromSchedule } from "../../../engine/core/schedule-seed.js";
import { action } from "../context.js";

interface ImportScheduleOptions {
  name?: string;
  private?: boolean;
  strict?: boolean;
}

const SHOWN_NOTICES = 50;

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The file's text, refused (before reading) when it is missing, not a file, too large, or not UTF-8. */
export async function readScheduleFile(file: string): Promise<string> {
  // the schedule parsers (XML) are loaded only when importing, which keeps every other command quick to start
  const { SCHEDULE_SIZE_LIMIT_BYTES } = await import("../../../engine/core/interop/schedule-source.js");
  const label = path.basename(file);
  let size: number;
  try {
    const stats = await fs.stat(file);
    if (!stats.isFile()) throw new PandafestError(`${file} is not a file; give the path of a schedule.xml or schedule.json`);
    size = stats.size;
  } catch (error) {
    if (error instanceof PandafestError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new PandafestError(
      code === "ENOENT" ? `${file} does not exist; give the path of a schedule.xml or schedule.json` : `cannot read ${file}: ${(error as Error).message}`,
    );
  }
  const tooLarge = (bytes: number) =>
    new PandafestError(
      `${label} is ${megabytes(bytes)}; schedule files are limited to ${megabytes(SCHEDULE_SIZE_LIMIT_BYTES)}. Is this really a schedule.xml or schedule.json?`,
    );
  if (size > SCHEDULE_SIZE_LIMIT_BYTES) throw tooLarge(size);
  const handle = await fs.open(file, "r");
  const buffer = new Uint8Array(SCHEDULE_SIZE_LIMIT_BYTES + 1);
  let length = 0;
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > SCHEDULE_SIZE_LIMIT_BYTES) throw tooLarge(length); // it grew while being read
    }
  } finally {
    await handle.close();
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(buffer.subarray(0, length));
  } catch {
    throw new PandafestError(`${label} is not UTF-8 text; expected a frab/pretalx schedule.xml or schedule.json`);
  }
}

export function registerImportScheduleCommand(program: Command): void {
  program
    .command("import-schedule")
    .description("make a new festival from a frab or pretalx schedule.xml / schedule.json (rooms, events, persons)")
    .argument("<file>", "the schedule file")
    .option("--name <name>", "the festival's name (default: the schedule's title)")
    .option("--private", "only people who know the festival id can get it")
    .option("--strict", "all or nothing: refuse the file if any event would be skipped or changed")
    .action(
      action(async (ctx, file: string, options: ImportScheduleOptions) => {
        const text = await readScheduleFile(ctx.path(file));
        const label = path.basename(file);
        const { parseSchedule } = await import("../../../engine/core/interop/index.js");
        const strict = options.strict === true;
        const schedule = parseSchedule(text, label, { strict });
        const seed = festivalFromSchedule(schedule, {
          name: options.name,
          visibility: options.private ? "private" : "public",
          source: label,
          strict,
        });
        const store = await ctx.openStore();
        const created = await store.createFromDoc(() => seed.doc);
        await store.commit();
        const { notices } = seed;
        const count = (action: string) => notices.filter((notice) => notice.action === action).length;
        const result = {
          id: created.id,
          url: created.url,
          name: seed.name,
          venues: seed.venues,
          people: seed.people,
          events: seed.events,
          skipped: count("skipped"),
          changed: count("changed"),
          notices,
        };
        ctx.out.result(result, (r) => {
          const lines = [`Imported "${r.name}" from ${label}: ${r.venues} venues, ${r.events} events, ${r.people} people`];
          if (r.skipped > 0 || r.changed > 0) lines.push(`${r.skipped} events skipped, ${r.changed} changed (--strict refuses such a file):`);
          for (const notice of r.notices.slice(0, SHOWN_NOTICES)) lines.push(`  ${notice.action}: ${notice.where}: ${notice.reason}`);
          if (r.notices.length > SHOWN_NOTICES) lines.push(`  … and ${r.notices.length - SHOWN_NOTICES} more (--json lists them all)`);
          lines.push(`id:  ${r.id}`, `url: ${r.url}`);
          return lines;
        });
      }),
    );
}
