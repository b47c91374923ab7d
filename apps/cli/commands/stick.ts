// `pandafest stick sync DIR`: two-way sync with a USB stick (see bundles/stick/stick.ts), with a progress bar on
// stderr once the sync has taken more than a second (only on a terminal) and a summary per festival.
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { DEFAULT_CARRY_LIMITS } from "../../../bundles/datadir/carried.js";
import { type StickProgress, type StickSyncSummary, syncStick } from "../../../bundles/stick/stick.js";
import { PandafestError } from "../../../engine/core/errors.js";
import { collect, parseSize } from "../parse.js";
import { action } from "../context.js";
import type { TextSink } from "../command-host.js";
import { table } from "../output.js";

const PROGRESS_DELAY_MS = 1000;

/** Shows a bar only once the sync has run longer than PROGRESS_DELAY_MS, and only when stderr is a terminal. */
function progressBar(stream: TextSink): { update(progress: StickProgress): void; stop(): void } {
  const startedAt = Date.now();
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(progress) {
      if (bar === undefined) {
        if (!stream.isTTY || Date.now() - startedAt <= PROGRESS_DELAY_MS) return;
        bar = new cliProgress.SingleBar(
          { stream: stream as NodeJS.WriteStream, format: "stick sync [{bar}] {value}/{total} {phase}", hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(progress.total, progress.done, { phase: progress.phase });
        return;
      }
      bar.setTotal(progress.total);
      bar.update(progress.done, { phase: progress.phase });
    },
    stop() {
      bar?.stop();
    },
  };
}

function describe(summary: StickSyncSummary): string[] {
  const lines: string[] = [];
  if (summary.festivals.length === 0) lines.push(`Nothing to sync: no festivals here or on ${summary.stick}.`);
  else {
    lines.push(
      ...table(
        ["FESTIVAL", "IN", "OUT", "WAITING", "NOTE"],
        summary.festivals.map((entry) => {
          const notes: string[] = [];
          if (entry.sealed) notes.push(`private, carried sealed (${entry.filesKept} file(s) kept, ${entry.filesWritten} forwarded)`);
          else if (!entry.followed) notes.push("carried (not followed here)");
          if (entry.locked > 0) {
            notes.push(`${entry.locked} file(s) sealed under a key this identity does not hold (removed, or not accepted yet): carried sealed`);
          }
          if (entry.joined) notes.push("joined: your access request was accepted");
          if (entry.notWritten !== null) notes.push(`not written: ${entry.notWritten}`);
          if (entry.compacted) notes.push("compacted");
          return [
            entry.festival === null ? `? ${entry.discoveryKey.slice(0, 16)}` : `${entry.name ?? ""} (${entry.festival.slice(0, 8)})`,
            String(entry.in),
            String(entry.out),
            entry.waiting > 0 ? `${entry.waiting} waiting for history` : "0",
            notes.join("; "),
          ];
        }),
      ),
    );
  }
  const requests = summary.requests;
  if (requests.written > 0) lines.push(`${requests.written} access request(s) of yours written to the stick, for a member to record`);
  for (const recorded of requests.recorded) {
    lines.push(`recorded the access request of ${recorded.name || "(no name)"} (${recorded.key.slice(0, 12)}…) in ${recorded.festival.slice(0, 8)}: a manager can accept it`);
  }
  for (const refused of requests.refused) lines.push(`access request ${refused.file} not recorded: ${refused.reason}`);
  if (requests.removed > 0) lines.push(`${requests.removed} access request file(s) removed from the stick: the festival carries them now`);
  for (const refused of summary.refused) lines.push(`refused ${refused.file}: ${refused.reason}`);
  for (const left of summary.leftBehind) lines.push(`left behind ${left.file}: ${left.reason}`);
  for (const problem of summary.problems) lines.push(`not used ${problem.path}: ${problem.reason}`);
  lines.push(
    summary.visitRecord === null
      ? `no visit record left: the stick's visits folder could not be used (${summary.durationMs} ms)`
      : `visit recorded in ${summary.visitRecord} (${summary.durationMs} ms)`,
  );
  return lines;
}

function mebibytes(bytes: number): string {
  return `${bytes / (1024 * 1024)}MB`;
}

export function registerStickCommands(program: Command): void {
  const stick = program.command("stick").description("carry festivals on a USB stick");
  stick
    .command("sync")
    .description("two-way sync with a stick mounted at DIR: import what is new, write what it lacks, carry the rest")
    .argument("<dir>", "the directory the stick is mounted at")
    .option("--festival <festival>", "only this festival (repeatable); default: every followed festival and everything on the stick", collect, [])
    .option("--all", "also put festivals this machine only carries for others on the stick")
    .option(
      "--carry-limit <size>",
      `most this machine keeps sealed for others in all, e.g. 2GB (default ${mebibytes(DEFAULT_CARRY_LIMITS.total)})`,
      (text: string) => parseSize("--carry-limit", text),
    )
    .option(
      "--carry-festival-limit <size>",
      `most this machine carries for one festival of others, sealed or readable (default ${mebibytes(DEFAULT_CARRY_LIMITS.perFestival)})`,
      (text: string) => parseSize("--carry-festival-limit", text),
    )
    .action(
      action(async (ctx, dir: string, options: { festival: string[]; all?: boolean; carryLimit?: number; carryFestivalLimit?: number }) => {
        const store = await ctx.openStore();
        const bar = progressBar(ctx.stderr);
        let summary: StickSyncSummary;
        try {
          summary = await syncStick(store, ctx.path(dir), {
            festivals: options.festival,
            all: options.all,
            carryLimits: { total: options.carryLimit, perFestival: options.carryFestivalLimit },
            onProgress: (progress) => bar.update(progress),
          });
        } finally {
          bar.stop();
        }
        ctx.out.result(summary, describe);
        const failures = [
          ...(summary.problems.length > 0 ? [`${summary.problems.length} path(s) on the stick could not be used (links or files where folders should be)`] : []),
          ...(summary.refused.length > 0 ? [`${summary.refused.length} bundle file(s) on ${summary.stick} were refused (listed above)`] : []),
        ];
        if (failures.length > 0) {
          throw new PandafestError(
            `${failures.join("; ")}; everything else was synced`,
            { code: "input" },
          );
        }
      }),
    );
}
