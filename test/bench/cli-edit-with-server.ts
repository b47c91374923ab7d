// A CLI edit of a large festival while `pandafest serve` runs on its data directory (the command goes to the
// server, which holds the festival loaded) against the same edit on a directory no server holds (direct path).
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { timeChild } from "./child-process.js";
import { comparisonRow, type BenchContext, type BenchFestival, type BenchRow } from "./harness.js";
import { interleaveMany, median } from "./stats.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const EXIT_RSS = pathToFileURL(path.join(here, "children", "exit-rss.js")).href;
const MB = 1024 * 1024;

export async function cliEditWithServer(ctx: BenchContext, festival: BenchFestival): Promise<BenchRow[]> {
  const cli = path.join(ctx.repoRoot, "bin", "pandafest.js");
  const served = await ctx.dataDirectory(festival);
  const direct = await ctx.dataDirectory(festival);
  const server = await startServe(cli, served);
  const scratch = await ctx.tempDirectory("cli-edit-rss-");
  const rss: Record<"served" | "direct", number[]> = { served: [], direct: [] };
  let edits = 0;
  const edit = (which: "served" | "direct") => async () => {
    const dataDir = which === "served" ? served : direct;
    const rssFile = path.join(scratch, `${which}-${++edits}`);
    const title = `Edited ${edits}`;
    const eventId = festival.eventIds[edits % festival.eventIds.length];
    const timing = await timeChild(cli, ["--data", dataDir, "--json", "event", "edit", festival.festivalId, eventId, "--title", title], {
      untilExit: true,
      env: { NODE_OPTIONS: `--import ${EXIT_RSS}`, PANDAFEST_BENCH_RSS_FILE: rssFile },
    });
    if (!timing.stdout.includes(eventId)) throw new Error(`event edit (${which}) did not report the event: ${timing.stdout.slice(0, 200)}`);
    rss[which].push(Number(await readFile(rssFile, "utf8")));
    return timing.ms;
  };
  let servedMs: number[];
  let directMs: number[];
  try {
    [servedMs, directMs] = await interleaveMany([edit("served"), edit("direct")], ctx.runOptions);
  } finally {
    server.kill("SIGTERM");
  }
  const size = ctx.size;
  const names = {
    time: `engine: pandafest event edit while a server runs on the data directory, end to end (${size})`,
    rss: `engine: peak RSS of the CLI process of an event edit while a server runs on the data directory (${size})`,
  };
  const baseline = "baseline: the same command on a copy of the data directory that no server holds (the CLI loads the festival, edits, commits and exits)";
  ctx.note(names.time, `the CLI as a process, spawn to exit; it sends the command to the server, which holds the festival loaded and commits the edit; ${baseline}`);
  ctx.note(names.rss, `process.resourceUsage().maxRSS of the CLI process at exit; ${baseline}`);
  const peak = (which: "served" | "direct") => median(rss[which].slice(-ctx.runOptions.runs)) / MB;
  return [comparisonRow(names.time, median(servedMs), median(directMs), "ms"), comparisonRow(names.rss, peak("served"), peak("direct"), "MB", { atMost: 0.5, of: "ratio" })];
}

/** `pandafest serve` on `dataDir`, resolved once it printed its ready line (it has loaded the festivals by then). */
function startServe(cli: string, dataDir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "--data", dataDir, "--json", "serve", "--port", "0", "--host", "127.0.0.1", "--quiet"], { stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("pandafest serve did not start within 120 s"));
    }, 120_000);
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      if (stderr.length < 10_000) stderr += chunk.toString("utf8");
    });
    child.stdout?.once("data", () => {
      clearTimeout(timer);
      resolve(child);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`pandafest serve exited with ${String(code)}: ${stderr.trim()}`));
    });
  });
}
