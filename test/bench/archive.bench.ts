// The static archive (`export --format html`) of the generated festival: rendering every page and writing the
// folder all or nothing, against its schedule.json export written to one file, in one process, interleaved.
import * as A from "@automerge/automerge";
import { promises as fs } from "node:fs";
import path from "node:path";
import { renderArchive } from "../../engine/core/archive/index.js";
import { visibleFestival } from "../../engine/core/governance/index.js";
import { renderExport } from "../../engine/core/schedule-export.js";
import type { Festival } from "../../engine/core/schema.js";
import { festivalView } from "../../engine/core/views.js";
import { writeArchiveDirectory } from "../../engine/node/archive-directory.js";
import { writeFileAtomically } from "../../engine/node/storage/atomic-file.js";
import { comparisonRow, figureRow, type BenchContext, type BenchRow, type BenchSuite } from "./harness.js";
import { interleave, median } from "./stats.js";

export const archiveSuite: BenchSuite = {
  name: "archive",
  description: "the static archive written to a folder, against the schedule.json export written to a file",
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const festival = await ctx.festival();
    const doc = A.load<Festival>(festival.bytes);
    // what the CLI exports: the festival as members see it, as a plain view
    const view = festivalView(visibleFestival(doc, festival.festivalId));
    A.free(doc);
    const directory = await ctx.tempDirectory("pandafest-bench-archive-");
    let run = 0;
    let files = 0;
    let bytes = 0;

    const writeArchive = async (): Promise<number> => {
      const target = path.join(directory, `archive-${run++}`);
      const started = performance.now();
      const archive = renderArchive(view, festival.festivalId);
      const written = await writeArchiveDirectory(target, archive.files);
      const ms = performance.now() - started;
      files = written.files.length;
      bytes = written.bytes;
      await fs.rm(target, { recursive: true, force: true });
      return ms;
    };
    const writeScheduleJson = async (): Promise<number> => {
      const started = performance.now();
      const rendered = renderExport(view, festival.festivalId, "frab-json");
      await writeFileAtomically(path.join(directory, "schedule.json"), rendered.text, { sharing: "shared" });
      return performance.now() - started;
    };

    ctx.log(`archive: writing the ${ctx.size} festival's archive ${ctx.runOptions.runs + ctx.runOptions.warmups} times, in turns with its schedule.json`);
    const { subject, baseline } = await interleave(writeArchive, writeScheduleJson, ctx.runOptions);
    const timeName = `archive: write the static archive (${ctx.size})`;
    ctx.note(
      timeName,
      "renderArchive (every page, the style sheet, schedule.xml, schedule.json, calendar.ics, manifest) + writeArchiveDirectory " +
        "(a hidden sibling folder, renamed into place); baseline: renderExport frab-json + an atomic write of schedule.json, interleaved",
    );
    return [
      comparisonRow(timeName, median(subject), median(baseline), "ms"),
      figureRow(`archive: files in the archive (${ctx.size})`, files, "files"),
      figureRow(`archive: size of the archive (${ctx.size})`, bytes / (1024 * 1024), "MB"),
    ];
  },
};
