// Engine benchmarks on a generated festival: cold opens in fresh processes (from the view cache, and loading the whole
// document), `festival show --json` end to end, peak memory, history verification, a day's programme, a conflict search, one edit's latency.
import * as A from "@automerge/automerge";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findConflicts } from "../../engine/core/conflicts.js";
import { programme } from "../../engine/core/programme.js";
import type { Festival } from "../../engine/core/schema.js";
import { editEvent } from "../../engine/core/operations.js";
import { FestivalStore } from "../../engine/node/store.js";
import { addDays } from "../../engine/core/time.js";
import { timeChild, type ChildTiming } from "./child-process.js";
import { cliEditWithServer } from "./cli-edit-with-server.js";
import { comparisonRow, figureRow, type BenchContext, type BenchFestival, type BenchRow, type BenchSize, type BenchSuite, type Target } from "./harness.js";
import { interleaveMany, median, percentile, repeat, time } from "./stats.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const OPEN_FESTIVAL = path.join(here, "children", "open-festival.js");
const READ_FESTIVAL = path.join(here, "children", "read-festival.js");
const LOAD_AUTOMERGE = path.join(here, "children", "load-automerge.js");
const READ_VIEW = path.join(here, "children", "read-view.js");
const EDIT_FESTIVAL = path.join(here, "children", "edit-festival.js");

/** A list of numbers reported by a child, checked. */
function numbers(value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((item) => typeof item === "number" && Number.isFinite(item))) {
    throw new Error("a benchmark child reported no timings");
  }
  return value as number[];
}

/** Targets by size (the issue's, for the 2-core machine); small has none. */
const TARGETS: Partial<Record<BenchSize, { coldOpenMs?: number; editP99Ms?: number; programmeMs?: number; rssMb?: number }>> = {
  large: { coldOpenMs: 1000, editP99Ms: 10, programmeMs: 20, rssMb: 250 },
  huge: { coldOpenMs: 4000 },
};

/** A whole-document load (repo or read path) should cost no more than A.load in a bare process, start-up included. */
const WHOLE_LOAD_TARGET: Target = { atMost: 1.25, of: "ratio" };

const EDITS = 500;
const EDIT_WARMUPS = 20;
const MB = 1024 * 1024;

function atMost(limit: number | undefined): Target | undefined {
  return limit === undefined ? undefined : { atMost: limit };
}

function eventCount(timing: ChildTiming): number {
  return Number(timing.report.events);
}

/**
 * Cold opens in fresh processes, taking turns: for reading from a valid view cache (readView, as show and
 * programme do when nothing changed), for reading with the whole document loaded (read: A.load of the stored
 * chunks), through the repo (resolve, as edits and the server do), `pandafest festival show --json` end to end
 * with a valid cache and as the first run after a change, and the baseline, a process that only imports
 * Automerge and loads the same saved bytes.
 */
async function coldOpens(ctx: BenchContext, festival: BenchFestival, dataDir: string): Promise<BenchRow[]> {
  const size = ctx.size;
  const events = festival.eventIds.length;
  const cli = path.join(ctx.repoRoot, "bin", "pandafest.js");
  type Kind = "cached" | "resolve" | "read" | "plain";
  const timings: Record<Kind, ChildTiming[]> = { cached: [], resolve: [], read: [], plain: [] };
  const child = (kind: Kind, script: string, args: string[]) => async () => {
    const timing = await timeChild(script, args);
    if (eventCount(timing) !== events) throw new Error(`${path.basename(script)} saw ${eventCount(timing)} events, expected ${events}`);
    if (kind === "cached" && timing.report.fromCache !== true) throw new Error("read-view.js did not read the view cache");
    timings[kind].push(timing);
    return timing.ms;
  };
  const show = async (directory: string) => {
    const timing = await timeChild(cli, ["--data", directory, "--json", "festival", "show", festival.festivalId], { untilExit: true });
    const shown = JSON.parse(timing.stdout) as { events?: Record<string, { title?: string }> };
    if (Object.keys(shown.events ?? {}).length !== events) throw new Error("festival show --json left out events");
    return { ms: timing.ms, shown };
  };
  // the view cache of dataDir is written once here; nothing below changes dataDir's stored chunks
  await timeChild(READ_VIEW, [dataDir, festival.festivalId]);
  // a second data directory, edited (one title, committed) by this process before every run: each run is the
  // first after a change, so it finds the view cache stale, loads the festival and rewrites the cache
  const changing = await changingFestival(ctx, festival);
  const [cachedMs, readMs, resolveMs, showCachedMs, showChangedMs, plainMs] = await (async () => {
    try {
      return await interleaveMany(
        [
          child("cached", READ_VIEW, [dataDir, festival.festivalId]),
          child("read", READ_FESTIVAL, [dataDir, festival.festivalId, "--verify"]),
          child("resolve", OPEN_FESTIVAL, [dataDir, festival.festivalId]),
          async () => (await show(dataDir)).ms,
          async () => {
            const title = await changing.edit();
            const { ms, shown } = await show(changing.dataDir);
            if (shown.events?.[changing.eventId]?.title !== title) throw new Error("festival show --json after a change showed a stale title");
            return ms;
          },
          child("plain", LOAD_AUTOMERGE, [festival.bytesFile]),
        ],
        ctx.runOptions,
      );
    } finally {
      await changing.close();
    }
  })();
  // The read child goes on to verify every change's author (signature checks are remembered per process).
  const verifyMs = timings.read.slice(-ctx.runOptions.runs).map((timing) => {
    const verification = JSON.parse(timing.stdout.split("\n")[1] ?? "{}") as { verifyMs?: number; verified?: number; unverified?: number };
    if (verification.verified !== festival.stats.changes || verification.unverified !== 0) {
      throw new Error(`verifyHistory verified ${String(verification.verified)} of ${festival.stats.changes} changes`);
    }
    return Number(verification.verifyMs);
  });
  const targets = TARGETS[size];
  const rss = (kind: Kind) => median(timings[kind].slice(-ctx.runOptions.runs).map((timing) => Number(timing.report.maxRssBytes) / MB));
  const baseline = median(plainMs);
  const names = {
    cached: `engine: cold open for reading, view cache valid (open + readView), spawn to festival ready (${size})`,
    read: `engine: cold open for reading, whole document loaded (open + read), spawn to festival ready (${size})`,
    resolve: `engine: cold open through the repo, whole document loaded (open + resolve), spawn to festival ready (${size})`,
    showCached: `engine: pandafest festival show --json, end to end, view cache valid (${size})`,
    showChanged: `engine: pandafest festival show --json, end to end, first run after a change: cache stale, document loaded (${size})`,
    rssCached: `engine: peak RSS of a process reading the festival from the view cache (${size})`,
    rssRead: `engine: peak RSS of a process holding the festival loaded for reading (${size})`,
    rssResolve: `engine: peak RSS of a process holding the festival open through the repo (${size})`,
    verify: `engine: verifyHistory, every change's author, in a fresh process (${size})`,
  };
  const baselineNote = "baseline: a fresh process that imports Automerge and calls A.load on the same saved bytes (the floor for loading the whole document)";
  ctx.note(names.cached, `fresh process: FestivalStore.open + readView, the stored chunks unchanged since the view cache was written (a directory listing and the cache file, no chunk read), as show and programme open a festival; ${baselineNote}`);
  ctx.note(names.read, `fresh process: FestivalStore.open + read (A.load of the stored chunks), as read-only commands do when the view cache is stale or absent; ${baselineNote}`);
  ctx.note(names.resolve, `fresh process: FestivalStore.open + resolve (a ready automerge-repo handle, loaded with A.load), as edits and the server open a festival; ${baselineNote}`);
  ctx.note(names.showCached, `the CLI as a process, spawn to exit, output parsed and checked; the view cache is valid, so the festival is not loaded; ${baselineNote}`);
  ctx.note(names.showChanged, `the CLI as a process, spawn to exit, output parsed and checked; before each run the benchmark edits one event title (another process's change, committed), so the run loads the festival, shows the new title and rewrites the view cache; ${baselineNote}`);
  ctx.note(names.verify, `${festival.stats.changes} changes by ${festival.stats.actors} actors, one signature check per actor; timed inside the read child after the festival was ready`);
  ctx.note(names.rssCached, "process.resourceUsage().maxRSS of the child once the festival's view is ready; baseline: the A.load child");
  ctx.note(names.rssRead, "process.resourceUsage().maxRSS of the child once the festival is loaded; baseline: the A.load child");
  ctx.note(names.rssResolve, "process.resourceUsage().maxRSS of the child once the festival's handle is ready; baseline: the A.load child");
  // The cold-open target is on the opens that need not load the document; a whole-document load
  // cannot beat A.load (its baseline), so those rows are held to the baseline instead.
  return [
    comparisonRow(names.cached, median(cachedMs), baseline, "ms", atMost(targets?.coldOpenMs)),
    comparisonRow(names.showCached, median(showCachedMs), baseline, "ms", atMost(targets?.coldOpenMs)),
    comparisonRow(names.read, median(readMs), baseline, "ms", WHOLE_LOAD_TARGET),
    comparisonRow(names.resolve, median(resolveMs), baseline, "ms", WHOLE_LOAD_TARGET),
    comparisonRow(names.showChanged, median(showChangedMs), baseline, "ms"),
    comparisonRow(names.rssCached, rss("cached"), rss("plain"), "MB", atMost(targets?.rssMb)),
    comparisonRow(names.rssRead, rss("read"), rss("plain"), "MB", atMost(targets?.rssMb)),
    comparisonRow(names.rssResolve, rss("resolve"), rss("plain"), "MB", atMost(targets?.rssMb)),
    figureRow(names.verify, median(verifyMs), "ms"),
  ];
}

/**
 * A festival in its own data directory, held open by this process, that changes before every run: each edit
 * gives one event a new title and commits (attestation, flush), as another CLI process would.
 */
async function changingFestival(ctx: BenchContext, festival: BenchFestival) {
  const dataDir = await ctx.dataDirectory(festival);
  const store = await FestivalStore.open(dataDir);
  const { editor } = await store.editorFor(festival.festivalId);
  const eventId = festival.eventIds[0];
  let edits = 0;
  return {
    dataDir,
    eventId,
    async edit(): Promise<string> {
      const title = `Changed title ${++edits}`;
      editEvent(editor, eventId, { title });
      await store.commit();
      return title;
    },
    close: () => store.close(),
  };
}

/**
 * EDITS edits of distinct events' titles, as the CLI makes them (the change, then attestation and flush), in a
 * child process that holds only the festival: the bench process's own heap (every generated festival, the
 * results) would otherwise put its garbage collections into the edits' tail.
 */
async function editLatency(ctx: BenchContext, festival: BenchFestival): Promise<BenchRow[]> {
  const dataDir = await ctx.dataDirectory(festival);
  const { report } = await timeChild(EDIT_FESTIVAL, [dataDir, festival.festivalId, String(EDITS), String(EDIT_WARMUPS)], { timeoutMs: 600_000 });
  const changeMs = numbers(report.changeMs);
  const attestedMs = numbers(report.attestedMs);
  const editMs = numbers(report.editMs);
  const size = ctx.size;
  const target = atMost(TARGETS[size]?.editP99Ms);
  const engineName = (p: string) => `engine: one edit at the engine, change + attestation, ${p} of ${EDITS} (${size})`;
  const durableName = (p: string) => `engine: one edit made durable, change + attestation + flush with fsync, ${p} of ${EDITS} (${size})`;
  const changeName = (p: string) => `engine: one edit, the change alone, ${p} of ${EDITS} (${size})`;
  ctx.note(
    engineName("p99"),
    "editEvent (a title) + store.attest (signed attestation, index), in a child process holding the festival open through the repo: the edit is complete in memory and syncs to peers (the web app and the server save asynchronously)",
  );
  ctx.note(durableName("p99"), "as above, then store.flush: the new chunk written atomically with fsync of file and directory, as a CLI edit waits for before it returns");
  return [
    figureRow(engineName("p50"), percentile(attestedMs, 50), "ms"),
    figureRow(engineName("p99"), percentile(attestedMs, 99), "ms", target),
    figureRow(durableName("p50"), percentile(editMs, 50), "ms"),
    figureRow(durableName("p99"), percentile(editMs, 99), "ms"),
    figureRow(changeName("p50"), percentile(changeMs, 50), "ms"),
    figureRow(changeName("p99"), percentile(changeMs, 99), "ms"),
  ];
}

async function programmeQuery(ctx: BenchContext, festival: BenchFestival, dataDir: string): Promise<BenchRow> {
  const store = await FestivalStore.open(dataDir);
  try {
    const handle = await store.resolve(festival.festivalId);
    const doc = handle.doc();
    const day = addDays(String(doc.startDate), 1);
    let events = 0;
    const samples = await repeat(
      () =>
        time(() => {
          events = programme(doc, { day }).reduce((total, d) => total + d.venues.reduce((sum, v) => sum + v.events.length, 0), 0);
        }),
      { runs: Math.max(ctx.runOptions.runs, 15), warmups: ctx.runOptions.warmups },
    );
    if (events === 0) throw new Error(`the programme of ${day} is empty`);
    const name = `engine: programme query for one day (${ctx.size})`;
    ctx.note(name, `programme(doc, { day: "${day}" }) on the opened festival: ${events} events`);
    return figureRow(name, median(samples), "ms", atMost(TARGETS[ctx.size]?.programmeMs));
  } finally {
    await store.close();
  }
}

/** Finding every concurrent value (as `check` and the web app's conflict count do) against loading the festival. */
function conflictSearch(ctx: BenchContext, festival: BenchFestival): BenchRow {
  const doc = A.load<Festival>(festival.bytes);
  let found = 0;
  const searchMs: number[] = [];
  const loadMs: number[] = [];
  for (let run = 0; run < ctx.runOptions.runs; run += 1) {
    let started = performance.now();
    found = findConflicts(doc).length;
    searchMs.push(performance.now() - started);
    started = performance.now();
    A.free(A.load(festival.bytes));
    loadMs.push(performance.now() - started);
  }
  A.free(doc);
  const name = `engine: find every conflict vs load the festival (${ctx.size})`;
  ctx.note(name, `findConflicts on the loaded festival (${found} conflicts among ${festival.stats.changes} changes), interleaved with A.load of the same bytes as the baseline`);
  return comparisonRow(name, median(searchMs), median(loadMs), "ms");
}

export const engineSuite: BenchSuite = {
  name: "engine",
  description: "cold opens (view cache, whole document), festival show --json, peak RSS, history verification, programme query, conflict search, edit latency",
  async run(ctx) {
    const festival = await ctx.festival();
    const dataDir = await ctx.dataDirectory(festival);
    ctx.log(`engine: cold opens, festival show --json and RSS (${ctx.size})`);
    const rows = await coldOpens(ctx, festival, dataDir);
    ctx.log(`engine: programme query (${ctx.size})`);
    rows.push(await programmeQuery(ctx, festival, dataDir));
    ctx.log(`engine: conflict search (${ctx.size})`);
    rows.push(conflictSearch(ctx, festival));
    ctx.log(`engine: ${EDITS} edits (${ctx.size})`);
    rows.push(...(await editLatency(ctx, festival)));
    ctx.log(`engine: a CLI edit while a server runs, against the direct path (${ctx.size})`);
    rows.push(...(await cliEditWithServer(ctx, festival)));
    return rows;
  },
};
