// The benchmark harness contract: what a suite is, what it is given, and what a result row holds.
// `npm run bench` runs every suite listed in test/bench/suites.ts; write a suite against this module only.

/*
 * Writing a suite (e.g. test/bench/lan.bench.ts):
 *
 *   import type { BenchSuite } from "./harness.js";
 *   import { comparisonRow, figureRow } from "./harness.js";
 *   import { interleave, median, repeat, time } from "./stats.js";
 *
 *   export const lanSuite: BenchSuite = {
 *     name: "lan",
 *     description: "two servers syncing a festival over websockets",
 *     async run(ctx) {
 *       const festival = await ctx.festival();          // the generated festival of ctx.size (cached)
 *       const dataDir = await ctx.dataDirectory(festival); // a temporary data directory holding it
 *       const samples = await repeat(() => time(async () => { ... }), ctx.runOptions);
 *       return [figureRow(`lan: first sync (${ctx.size})`, median(samples), "ms", { atMost: 2000 })];
 *     },
 *   };
 *
 * and add it to the list in test/bench/suites.ts. Rules every suite keeps:
 * - each figure is the median of ctx.runOptions.runs (>= 5) runs after ctx.runOptions.warmups warm-ups
 *   (stats.ts: repeat, interleave); a comparison measures its baseline in the same run, interleaved;
 * - servers bind 127.0.0.1 only; child processes and servers are stopped before run() returns;
 * - files go under ctx.tempDirectory() (removed after the run), never into the repository;
 * - a suite finishes in well under a minute at size small, and stays bounded at large and huge;
 * - ctx.log() for progress (stderr), never console.log (stdout is the results table).
 */

import type { FestivalSize, GeneratedFestival } from "../fixtures/generate-festival.js";

export type BenchSize = FestivalSize;

/** One result: a figure, optionally against a baseline measured in the same run, optionally with a target. */
export interface BenchRow {
  /** "<suite>: <what> (<size>)", e.g. "engine: cold open (large)" */
  name: string;
  value: number;
  /** "ms", "MB", "x", "changes", ... */
  unit: string;
  /** the same figure for the baseline, same unit */
  baseline?: number;
  /** value / baseline */
  ratio?: number;
  /** human-readable target, e.g. "<= 1000 ms" or "ratio >= 5" */
  target?: string;
  /** whether the target was met (present exactly when target is) */
  pass?: boolean;
}

/** A target on a row's value or ratio: atMost and/or atLeast, inclusive. */
export interface Target {
  atMost?: number;
  atLeast?: number;
  /** which figure the target applies to (default "value") */
  of?: "value" | "ratio";
}

/** A generated festival as the harness hands it out: the festival plus where its saved bytes are on disk. */
export interface BenchFestival extends GeneratedFestival {
  /** file holding `bytes` (A.save of the festival), for child processes */
  bytesFile: string;
  fromCache: boolean;
}

export interface BenchContext {
  size: BenchSize;
  runOptions: { runs: number; warmups: number };
  /** the repository root (for bin/pandafest.js and dist/) */
  repoRoot: string;
  /** The generated festival of `size` (default ctx.size) for the run's seed, from the cache when possible. */
  festival(size?: BenchSize): Promise<BenchFestival>;
  /** A new temporary data directory with an identity ("Bench") that follows the festival. */
  dataDirectory(festival: BenchFestival): Promise<string>;
  /** A new empty temporary directory, removed when the run ends. */
  tempDirectory(prefix?: string): Promise<string>;
  /** Progress and notes, on stderr. */
  log(message: string): void;
  /** A note for latest.md (what a baseline is, what was measured), keyed by row name. */
  note(rowName: string, text: string): void;
}

export interface BenchSuite {
  /** short, unique, used by --only */
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

function describeTarget(target: Target, unit: string): string {
  const subject = target.of === "ratio" ? "ratio " : "";
  const suffix = target.of === "ratio" ? "" : ` ${unit}`;
  const parts: string[] = [];
  if (target.atLeast !== undefined) parts.push(`${subject}>= ${target.atLeast}${suffix}`);
  if (target.atMost !== undefined) parts.push(`${subject}<= ${target.atMost}${suffix}`);
  return parts.join(" and ");
}

/** Adds target and pass to a row. */
export function withTarget(row: BenchRow, target: Target): BenchRow {
  const figure = target.of === "ratio" ? row.ratio : row.value;
  const pass =
    figure !== undefined &&
    Number.isFinite(figure) &&
    (target.atMost === undefined || figure <= target.atMost) &&
    (target.atLeast === undefined || figure >= target.atLeast);
  return { ...row, target: describeTarget(target, row.unit), pass };
}

/** A single figure, with a target when given. */
export function figureRow(name: string, value: number, unit: string, target?: Target): BenchRow {
  const row: BenchRow = { name, value, unit };
  return target ? withTarget(row, target) : row;
}

/** A figure against its baseline (same unit); ratio = value / baseline. */
export function comparisonRow(name: string, value: number, baseline: number, unit: string, target?: Target): BenchRow {
  const row: BenchRow = { name, value, unit, baseline, ratio: baseline === 0 ? Number.POSITIVE_INFINITY : value / baseline };
  return target ? withTarget(row, target) : row;
}
