// Baselines for the festival model, measured in the same process and interleaved: the same content in raw
// Automerge with our model (short fields as ImmutableString, events in 64 shards), with a naive model (plain
// strings, i.e. collaborative text everywhere), and in Yjs (Y.Map, Y.Text) for reference; what the history
// costs; and an edit in our model against the same festival with one flat events map (the schema-1 layout).
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as A from "@automerge/automerge";
import * as Y from "yjs";
import { EVENT_SHARD_NAMES, getEvent, shardOf } from "../../engine/core/event-shards.js";
import type { Festival, FestivalView } from "../../engine/core/schema.js";
import { festivalView } from "../../engine/core/views.js";
import { comparisonRow, type BenchContext, type BenchRow, type BenchSuite } from "./harness.js";
import { timeChild } from "./child-process.js";
import { interleaveMany, median, percentile } from "./stats.js";

type Model = "ours" | "naive";
/** Where events are stored: in 64 shard maps (schema 2, as pandafest stores them) or one flat map (schema 1). */
type EventLayout = "sharded" | "flat";

const MB = 1024 * 1024;
const SETTINGS = ["name", "description", "timeZone", "startDate", "endDate", "dayStartsAt", "visibility"] as const;
const COLLECTIONS = ["venues", "events", "people", "members"] as const;

/** The stored form of a plain value: strings as ImmutableString in our model, as plain strings (text) in the naive one. */
function stored(value: unknown, model: Model): unknown {
  if (typeof value === "string") return model === "ours" ? new A.ImmutableString(value) : value;
  if (Array.isArray(value)) return value.map((item) => stored(item, model));
  if (typeof value === "object" && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (key !== "id" && item !== undefined) result[key] = stored(item, model);
    return result;
  }
  return value;
}

/**
 * The festival's current content as an Automerge document: the skeleton in one change (with every event
 * shard in the sharded layout), then one change per venue, person, event and member (as if each had been
 * added once, no later edits). Written through the low-level API, as Automerge's proxies write it, so
 * building the naive model stays fast. The flat layout is the schema-1 document of the same content.
 */
export function buildAutomergeModel(view: FestivalView, model: Model, layout: EventLayout = "sharded"): Uint8Array {
  const backend = A.getBackend(A.init());
  for (const key of SETTINGS) {
    if (model === "ours") backend.put("_root", key, view[key], "str");
    else backend.putObject("_root", key, view[key]);
  }
  backend.put("_root", "schema", layout === "sharded" ? 2 : 1, "int");
  const collectionIds: Record<string, string> = {};
  for (const collection of [...COLLECTIONS, "authors"]) collectionIds[collection] = backend.putObject("_root", collection, {});
  const shardIds = new Map<string, string>();
  if (layout === "sharded") {
    const shardsId = backend.putObject("_root", "eventShards", {});
    for (const shard of EVENT_SHARD_NAMES) shardIds.set(shard, backend.putObject(shardsId, shard, {}));
  }
  backend.commit("create festival", 0);
  for (const collection of COLLECTIONS) {
    for (const [id, item] of Object.entries(view[collection])) {
      const parent = collection === "events" && layout === "sharded" ? (shardIds.get(shardOf(id)) as string) : collectionIds[collection];
      backend.putObjectFromHydrate(parent, id, stored(item, model));
      backend.commit(`add ${collection} ${id}`, 0);
    }
  }
  return backend.save();
}

function yjsValue(value: unknown): unknown {
  if (typeof value === "string") return new Y.Text(value);
  if (Array.isArray(value)) {
    const array = new Y.Array<unknown>();
    array.insert(0, value.map(yjsValue));
    return array;
  }
  if (typeof value === "object" && value !== null) {
    const map = new Y.Map<unknown>();
    for (const [key, item] of Object.entries(value)) if (key !== "id" && item !== undefined) map.set(key, yjsValue(item));
    return map;
  }
  return value;
}

/** The same content in Yjs: a Y.Map per collection and per item, Y.Text for every string, one transaction per item. */
export function buildYjsModel(view: FestivalView): Uint8Array {
  const doc = new Y.Doc();
  const settings = doc.getMap<unknown>("festival");
  doc.transact(() => {
    for (const key of SETTINGS) settings.set(key, new Y.Text(view[key]));
    settings.set("schema", view.schema);
  });
  for (const collection of COLLECTIONS) {
    const map = doc.getMap<unknown>(collection);
    for (const [id, item] of Object.entries(view[collection])) doc.transact(() => map.set(id, yjsValue(item)));
  }
  return Y.encodeStateAsUpdate(doc);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const LOAD_MODEL = path.join(here, "children", "load-model.js");
const EDITS = 200;

/** Loads a saved model in a fresh child process (after a warm-up load when given) and returns the load time measured inside it. */
async function childLoad(format: "automerge" | "yjs", file: string, events: number, warmUpFile?: string): Promise<number> {
  const args = warmUpFile === undefined ? [format, file] : [format, file, warmUpFile];
  const { report } = await timeChild(LOAD_MODEL, args, { timeoutMs: 600_000 });
  if (report.events !== events) throw new Error(`${path.basename(file)} loaded with ${String(report.events)} events, expected ${events}`);
  return Number(report.loadMs);
}

/**
 * p50 and p99 of EDITS title edits (each event once) with A.change, alternating between our model (events
 * in shards) and the same content with one flat events map. Both find the event through the engine's
 * accessor (getEvent), so the layout is the only difference.
 */
function editLatencies(shardedBytes: Uint8Array, flatBytes: Uint8Array, eventIds: string[], warmups: number) {
  let sharded = A.load<Festival>(shardedBytes);
  let flat = A.load<Festival>(flatBytes);
  const flatMs: number[] = [];
  const shardedMs: number[] = [];
  const stride = 7919;
  const retitle = (doc: Festival, id: string, title: A.ImmutableString) => {
    const event = getEvent(doc, id);
    if (!event) throw new Error(`event ${id} is missing from the model`);
    event.title = title;
  };
  for (let index = 0; index < warmups + EDITS; index++) {
    const id = eventIds[(index * stride) % eventIds.length];
    const title = new A.ImmutableString(`Edited ${index}`);
    let started = performance.now();
    sharded = A.change(sharded, { message: "edit" }, (doc) => retitle(doc, id, title));
    const shardedTook = performance.now() - started;
    started = performance.now();
    flat = A.change(flat, { message: "edit" }, (doc) => retitle(doc, id, title));
    const flatTook = performance.now() - started;
    if (index >= warmups) {
      flatMs.push(flatTook);
      shardedMs.push(shardedTook);
    }
  }
  return { flatMs, shardedMs };
}

interface ModelFiles {
  ours: string;
  naive: string;
  yjs: string;
}

async function writeModels(directory: string, prefix: string, view: FestivalView, withNaive: boolean): Promise<ModelFiles & { sizes: Record<keyof ModelFiles, number> }> {
  const files = {
    ours: path.join(directory, `${prefix}-ours.automerge`),
    naive: path.join(directory, `${prefix}-naive.automerge`),
    yjs: path.join(directory, `${prefix}-festival.yjs`),
  };
  const ours = buildAutomergeModel(view, "ours");
  const naive = withNaive ? buildAutomergeModel(view, "naive") : new Uint8Array();
  const yjs = buildYjsModel(view);
  await writeFile(files.ours, ours);
  await writeFile(files.naive, naive);
  await writeFile(files.yjs, yjs);
  return { ...files, sizes: { ours: ours.length, naive: naive.length, yjs: yjs.length } };
}

export const baselineSuite: BenchSuite = {
  name: "baselines",
  description: "our model vs the naive model (plain strings) in raw Automerge, Yjs for reference, the cost of history, sharded vs flat events",
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const festival = await ctx.festival();
    const size = ctx.size;
    const view = festivalView(A.load(festival.bytes));
    const events = Object.keys(view.events).length;
    // A naive-model huge festival takes minutes to load; the model comparison runs at small and large.
    const withNaive = size !== "huge";

    ctx.log(`baselines: building our model${withNaive ? ", the naive model" : ""} and Yjs from the ${size} festival's content`);
    const directory = await ctx.tempDirectory("bench-models-");
    const models = await writeModels(directory, size, view, withNaive);
    // Warm-up documents: the small festival in the same models, to run the measured loads on a warm JIT.
    const small = await ctx.festival("small");
    const warmUp = await writeModels(directory, "warm-up", festivalView(A.load(small.bytes)), withNaive);
    const flatEvents = buildAutomergeModel(view, "ours", "flat");

    // Every load in a fresh process (a big naive document would slow the loads after it), taking turns:
    // first loads (what opening costs, JIT warm-up included) and loads after a warm-up load.
    ctx.log("baselines: loading each model in fresh processes, in turns");
    // First loads are left out at small, where start-up dominates them (and the run must stay short).
    const withFirstLoads = size !== "small";
    const subjects = [
      () => childLoad("automerge", models.ours, events, warmUp.ours),
      () => childLoad("yjs", models.yjs, events, warmUp.yjs),
      () => childLoad("automerge", festival.bytesFile, events, warmUp.ours),
    ];
    if (withNaive) subjects.push(() => childLoad("automerge", models.naive, events, warmUp.naive));
    if (withNaive && withFirstLoads) {
      subjects.push(
        () => childLoad("automerge", models.ours, events),
        () => childLoad("automerge", models.naive, events),
      );
    }
    const [oursWarmMs, yjsMs, generatedMs, naiveWarmMs, oursColdMs, naiveColdMs] = await interleaveMany(subjects, ctx.runOptions);
    ctx.log(`baselines: ${EDITS} edits, ${EVENT_SHARD_NAMES.length} event shards vs one flat events map`);
    const edits = editLatencies(await readFile(models.ours), flatEvents, festival.eventIds, 20);

    const ourWarm = median(oursWarmMs);
    const names = {
      modelWarm: `baselines: load on a warm JIT, naive model (plain strings) vs our model (${size})`,
      modelCold: `baselines: first load in a fresh process, naive model vs our model (${size})`,
      yjs: `baselines: load on a warm JIT, Yjs (applyUpdate + toJSON) vs our model (${size})`,
      history: `baselines: load on a warm JIT, with ${festival.stats.changes} changes of history vs one change per item (${size})`,
      edit: (p: string) =>
        `baselines: one A.change editing an event, our model (${EVENT_SHARD_NAMES.length} event shards) vs one flat events map, ${p} (${size})`,
    };
    const warmNote = "load time measured inside a fresh process after a warm-up load of the small festival in the same model, the models taking turns";
    ctx.note(names.modelWarm, `${warmNote}; same content, one change per item; target: our model at least 5x faster`);
    ctx.note(names.modelCold, "the first load in a fresh process (wasm JIT warm-up included, start-up excluded); for the cost of opening");
    ctx.note(names.yjs, `${warmNote}; Y.Map per item and Y.Text per string, one transaction per item; for reference`);
    ctx.note(names.history, `${warmNote}; the generated festival: ${festival.stats.actors} actors, ${festival.stats.merges} merges`);
    ctx.note(
      names.edit("p50"),
      `raw Automerge in this process, the two taking turns; our model as stored (schema 2, events in ${EVENT_SHARD_NAMES.length} shard maps) against the same content with every event in one flat map (schema 1's layout); both find the event with getEvent`,
    );
    const MBytes = (bytes: number) => bytes / MB;
    const rows: BenchRow[] = [];
    if (withNaive) {
      rows.push(
        comparisonRow(names.modelWarm, median(naiveWarmMs), ourWarm, "ms", size === "small" ? undefined : { atLeast: 5, of: "ratio" }),
      );
      if (withFirstLoads) rows.push(comparisonRow(names.modelCold, median(naiveColdMs), median(oursColdMs), "ms"));
      rows.push(
        comparisonRow(`baselines: saved size, naive model vs our model (${size})`, MBytes(models.sizes.naive), MBytes(models.sizes.ours), "MB"),
      );
    }
    rows.push(
      comparisonRow(names.yjs, median(yjsMs), ourWarm, "ms"),
      comparisonRow(`baselines: saved size, Yjs update vs our model (${size})`, MBytes(models.sizes.yjs), MBytes(models.sizes.ours), "MB"),
      comparisonRow(names.history, median(generatedMs), ourWarm, "ms"),
      comparisonRow(`baselines: saved size, with history vs without (${size})`, MBytes(festival.bytes.length), MBytes(models.sizes.ours), "MB"),
      comparisonRow(names.edit("p50"), percentile(edits.shardedMs, 50), percentile(edits.flatMs, 50), "ms"),
      comparisonRow(names.edit("p99"), percentile(edits.shardedMs, 99), percentile(edits.flatMs, 99), "ms"),
    );
    return rows;
  },
};
