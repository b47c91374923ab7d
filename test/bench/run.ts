// `npm run bench [-- --size small|large|huge] [--only NAME,...] [--runs N] [--seed N]`: runs the suites,
// prints a table, and writes test/bench/results/latest.json and latest.md (machine, dependencies, notes).
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { FESTIVAL_SHAPES, FESTIVAL_SIZES, type FestivalSize } from "../fixtures/generate-festival.js";
import { prepareDataDirectory } from "./festival-datadir.js";
import { loadOrGenerateFestival } from "./festival-cache.js";
import type { BenchContext, BenchFestival, BenchRow, BenchSize, BenchSuite } from "./harness.js";
import { dependencyVersions, machineInfo, type MachineInfo } from "./machine-info.js";
import { roundForDisplay } from "./stats.js";
import { SUITES } from "./suites.js";

export const MIN_RUNS = 5;

interface RunSettings {
  size: BenchSize;
  only?: string[];
  runs: number;
  seed: number;
}

interface SuiteFailure {
  suite: string;
  message: string;
}

/** The repository root: the nearest directory above this file with pandafest's package.json. */
function findRepoRoot(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(directory, "package.json");
    if (existsSync(manifest) && existsSync(path.join(directory, "bin", "pandafest.js"))) return directory;
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error("cannot find the pandafest repository above the benchmark runner");
    directory = parent;
  }
}

function parseSize(value: string): BenchSize {
  if (!(FESTIVAL_SIZES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${FESTIVAL_SIZES.join(", ")}`);
  }
  return value as FestivalSize;
}

function parseInteger(minimum: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number < minimum) throw new InvalidArgumentError(`expected a whole number >= ${minimum}`);
    return number;
  };
}

function parseSettings(argv: string[]): RunSettings {
  const program = new Command("npm run bench --")
    .description("Run pandafest's benchmarks and write test/bench/results/latest.json and latest.md.")
    .option("--size <size>", `festival size: ${FESTIVAL_SIZES.join(" | ")}`, parseSize, "large" as BenchSize)
    .option("--only <names>", `comma-separated suites to run (${SUITES.map((suite) => suite.name).join(", ")})`)
    .option("--runs <n>", `measured runs per figure, at least ${MIN_RUNS}`, parseInteger(MIN_RUNS), MIN_RUNS)
    .option("--seed <n>", "seed of the festival generator", parseInteger(0), 1)
    .exitOverride();
  program.parse(argv, { from: "user" });
  const options = program.opts<{ size: BenchSize; only?: string; runs: number; seed: number }>();
  const only = options.only?.split(",").map((name) => name.trim()).filter((name) => name.length > 0);
  const unknown = only?.filter((name) => !SUITES.some((suite) => suite.name === name)) ?? [];
  if (unknown.length > 0) {
    throw new Error(
      `unknown suite ${unknown.map((name) => `"${name}"`).join(", ")} in --only; the suites are ${SUITES.map((suite) => suite.name).join(", ")}`,
    );
  }
  return { size: options.size, only, runs: options.runs, seed: options.seed };
}

class RunContext implements BenchContext {
  readonly runOptions: { runs: number; warmups: number };
  readonly notes = new Map<string, string>();
  readonly festivals = new Map<BenchSize, Promise<BenchFestival>>();
  private readonly temporaryDirectories: string[] = [];
  private closed = false;

  constructor(
    readonly size: BenchSize,
    readonly repoRoot: string,
    private readonly seed: number,
    runs: number,
  ) {
    this.runOptions = { runs, warmups: 1 };
  }

  festival(size: BenchSize = this.size): Promise<BenchFestival> {
    let festival = this.festivals.get(size);
    if (festival === undefined) {
      festival = this.generate(size);
      this.festivals.set(size, festival);
    }
    return festival;
  }

  private async generate(size: BenchSize): Promise<BenchFestival> {
    let reported = 0;
    const started = performance.now();
    const festival = await loadOrGenerateFestival({
      size,
      seed: this.seed,
      cacheDirectory: path.join(this.repoRoot, "test", "bench", ".cache"),
      onProgress: (changes, target) => {
        const tenth = Math.floor((10 * changes) / target);
        if (tenth > reported) {
          reported = tenth;
          this.log(`generating the ${size} festival: ${changes} of about ${target} changes`);
        }
      },
    });
    this.log(
      festival.fromCache
        ? `${size} festival (seed ${this.seed}) read from the cache in ${(performance.now() - started).toFixed(0)} ms`
        : `${size} festival (seed ${this.seed}) generated in ${festival.stats.generationMs} ms and cached`,
    );
    return festival;
  }

  async tempDirectory(prefix = "bench-"): Promise<string> {
    const directory = await mkdtemp(path.join(os.tmpdir(), `pandafest-${prefix}`));
    if (this.closed) {
      await rm(directory, { recursive: true, force: true });
      throw new Error("the benchmark run is ending: no new temporary directories");
    }
    this.temporaryDirectories.push(directory);
    return directory;
  }

  async dataDirectory(festival: BenchFestival): Promise<string> {
    const directory = await this.tempDirectory("bench-data-");
    await prepareDataDirectory(directory, festival);
    return directory;
  }

  log(message: string): void {
    process.stderr.write(`[bench] ${message}\n`);
  }

  note(rowName: string, text: string): void {
    this.notes.set(rowName, text);
  }

  async cleanUp(): Promise<void> {
    this.closed = true;
    for (const directory of this.temporaryDirectories.splice(0)) await rm(directory, { recursive: true, force: true });
  }
}

function formatNumber(value: number | undefined): string {
  if (value === undefined) return "";
  if (!Number.isFinite(value)) return String(value);
  return String(roundForDisplay(value));
}

function tableLines(rows: readonly BenchRow[]): string[][] {
  return rows.map((row) => [
    row.name,
    `${formatNumber(row.value)} ${row.unit}`,
    row.baseline === undefined ? "" : `${formatNumber(row.baseline)} ${row.unit}`,
    row.ratio === undefined ? "" : `${formatNumber(row.ratio)}x`,
    row.target ?? "",
    row.pass === undefined ? "" : row.pass ? "pass" : "MISS",
  ]);
}

const HEADER = ["benchmark", "value", "baseline", "ratio", "target", "result"];

function textTable(rows: readonly BenchRow[]): string {
  const lines = [HEADER, ...tableLines(rows)];
  const widths = HEADER.map((_, column) => Math.max(...lines.map((line) => line[column].length)));
  return lines.map((line) => line.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd()).join("\n");
}

function markdownTable(rows: readonly BenchRow[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, "\\|");
  const lines = [HEADER, HEADER.map(() => "---"), ...tableLines(rows)];
  return lines.map((line) => `| ${line.map(escape).join(" | ")} |`).join("\n");
}

/** Rows as written to latest.json: exactly the contract's fields, figures rounded for reading. */
function jsonRows(rows: readonly BenchRow[]): BenchRow[] {
  return rows.map((row) => {
    const out: BenchRow = { name: row.name, value: roundForDisplay(row.value), unit: row.unit };
    if (row.baseline !== undefined) out.baseline = roundForDisplay(row.baseline);
    if (row.ratio !== undefined) out.ratio = roundForDisplay(row.ratio);
    if (row.target !== undefined) out.target = row.target;
    if (row.pass !== undefined) out.pass = row.pass;
    return out;
  });
}

async function markdownReport(
  settings: RunSettings,
  suites: readonly BenchSuite[],
  rows: readonly BenchRow[],
  failures: readonly SuiteFailure[],
  ctx: RunContext,
  machine: MachineInfo,
  startedAt: Date,
  elapsedMs: number,
): Promise<string> {
  const versions = await dependencyVersions(ctx.repoRoot);
  const lines = [
    `# pandafest benchmarks`,
    "",
    `${startedAt.toISOString()}: size ${settings.size}, seed ${settings.seed}, ${settings.runs} runs per figure after 1 warm-up ` +
      `(median), suites ${suites.map((suite) => suite.name).join(", ")}, ${(elapsedMs / 1000).toFixed(0)} s in all.`,
    "",
    "## Machine",
    "",
    `- ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB memory, ${machine.platform} ${machine.arch}`,
    `- Node ${machine.node}; load average ${machine.loadAverage} when the run started`,
    "",
    "## Results",
    "",
    markdownTable(rows),
    "",
  ];
  const targets = rows.filter((row) => row.pass !== undefined);
  lines.push(targets.length === 0 ? "No targets at this size." : `${targets.filter((row) => row.pass).length} of ${targets.length} targets met.`, "");
  if (failures.length > 0) {
    lines.push("## Failed suites", "");
    for (const failure of failures) lines.push(`- ${failure.suite}: ${failure.message}`);
    lines.push("");
  }
  const notes = rows.filter((row) => ctx.notes.has(row.name));
  if (notes.length > 0) {
    lines.push("## What was measured", "");
    for (const row of notes) lines.push(`- ${row.name}: ${ctx.notes.get(row.name)}`);
    lines.push("");
  }
  const festivals = await Promise.all([...ctx.festivals.values()].map((festival) => festival.catch(() => undefined)));
  if (festivals.some((festival) => festival !== undefined)) {
    lines.push("## Generated festivals", "");
    for (const festival of festivals) {
      if (!festival) continue;
      const { stats } = festival;
      lines.push(
        `- ${festival.size} (seed ${festival.seed}, generator v${festival.generatorVersion}): ${festival.eventIds.length} events, ` +
          `${festival.venueIds.length} venues, ${festival.personIds.length} people; ${stats.changes} changes by ${festival.authors.length} authors ` +
          `in ${stats.sessions} sessions (${stats.actors} actors) on ${FESTIVAL_SHAPES[festival.size].machines} machines that merged ` +
          `each other's changes ${stats.merges} times, ` +
          `${stats.concurrentFieldsMerged} concurrent field values merged; ${(festival.bytes.length / 1024 / 1024).toFixed(1)} MB saved; ` +
          `generated in ${(stats.generationMs / 1000).toFixed(1)} s${festival.fromCache ? " (read from the cache)" : ""}`,
      );
    }
    lines.push("");
  }
  lines.push("## Dependencies", "");
  for (const [name, version] of Object.entries(versions)) lines.push(`- ${name} ${version}`);
  lines.push("");
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  let settings: RunSettings;
  try {
    settings = parseSettings(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const repoRoot = findRepoRoot();
  const suites = SUITES.filter((suite) => settings.only === undefined || settings.only.includes(suite.name));
  const ctx = new RunContext(settings.size, repoRoot, settings.seed, settings.runs);
  const machine = machineInfo();
  const startedAt = new Date();
  const started = performance.now();
  const rows: BenchRow[] = [];
  const failures: SuiteFailure[] = [];
  // An interrupted run still removes its temporary data directories.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      process.stderr.write(`[bench] ${signal}: removing temporary directories\n`);
      void ctx.cleanUp().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    });
  }
  ctx.log(`size ${settings.size}, ${settings.runs} runs per figure, suites: ${suites.map((suite) => suite.name).join(", ")}`);
  try {
    for (const suite of suites) {
      const suiteStarted = performance.now();
      try {
        rows.push(...(await suite.run(ctx)));
        ctx.log(`${suite.name}: done in ${((performance.now() - suiteStarted) / 1000).toFixed(1)} s`);
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        failures.push({ suite: suite.name, message: message.split("\n")[0] });
        process.stderr.write(`[bench] suite ${suite.name} failed: ${message}\n`);
      }
    }
  } finally {
    await ctx.cleanUp();
  }
  const elapsedMs = performance.now() - started;

  process.stdout.write(`${textTable(rows)}\n`);
  const targets = rows.filter((row) => row.pass !== undefined);
  process.stdout.write(targets.length === 0 ? "\nno targets at this size" : `\n${targets.filter((row) => row.pass).length} of ${targets.length} targets met`);
  process.stdout.write(failures.length > 0 ? `; failed suites: ${failures.map((failure) => failure.suite).join(", ")}\n` : "\n");

  const resultsDirectory = path.join(repoRoot, "test", "bench", "results");
  await mkdir(resultsDirectory, { recursive: true });
  await writeFile(path.join(resultsDirectory, "latest.json"), `${JSON.stringify(jsonRows(rows), null, 2)}\n`);
  await writeFile(
    path.join(resultsDirectory, "latest.md"),
    await markdownReport(settings, suites, rows, failures, ctx, machine, startedAt, elapsedMs),
  );
  process.stdout.write(`results: ${path.relative(process.cwd(), path.join(resultsDirectory, "latest.json"))} and latest.md\n`);
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
