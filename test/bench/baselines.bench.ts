// Baselines for the festival model, measured in the same process and interleaved: the same content in raw
// Automerge with our model (short fields as ImmutableString), with a naive model (plain strings, i.e.
// collaborative text everywhere), and in Yjs (Y.Map, Y.Text) for reference; plus what the history costs.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as A from "@automerge/automerge";
import * as Y from "yjs";
import type { FestivalView } from "../../engine/schema.js";
import { festivalView } from "../../engine/views.js";
import { comparisonRow, type BenchContext, type BenchRow, type BenchSuite } from "./harness.js";
import { timeChild } from "./child-process.js";
import { interleaveMany, median, percentile } from "./stats.js";

type Model = "ours" | "naive";

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
 * The festival's current content as an Automerge document: the skeleton in one change, then one change
 * per venue, person, event and member (as if each had been added once, no later edits). Written through
 * the low-level API, as Automerge's proxies write it, so building the naive model stays fast.
 */
export function buildAutomergeModel(view: FestivalView, model: Model): Uint8Array {
  const backend = A.getBackend(A.init());
  for (const key of SETTINGS) {
    if (model === "ours") backend.put("_root", key, view[key], "str");
    else backend.putObject("_root", key, view[key]);
  }
  backend.put("_root", "schema", view.schema, "int");
  const collectionIds: Record<string, string> = {};
  for (const collection of [...COLLECTIONS, "authors"]) collectionIds[collection] = backend.putObject("_root", collection, {});
  backend.commit("create festival", 0);
  for (const collection of COLLECTIONS) {
    for (const [id, item] of Object.entries(view[collection])) {
      backend.putObjectFromHydrate(collectionIds[collection], id, stored(item, model));
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

/** The same festival in our model with its events spread over `buckets` maps (a model variant under study). */
export function buildShardedModel(view: FestivalView, buckets: number): { bytes: Uint8Array; bucketOf: (eventId: string) => string } {
  const bucketOf = (eventId: string) => `b${[...eventId].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 7) % buckets}`;
  const backend = A.getBackend(A.init());
  for (const key of SETTINGS) backend.put("_root", key, view[key], "str");
  backend.put("_root", "schema", view.schema, "int");
  const collectionIds: Record<string, string> = {};
  for (const collection of [...COLLECTIONS, "authors"]) collectionIds[collection] = backend.putObject("_root", collection, {});
  const bucketIds = new Map<string, string>();
  for (let bucket = 0; bucket < buckets; bucket++) bucketIds.set(`b${bucket}`, backend.putObject(collectionIds.events, `b${bucket}`, {}));
  backend.commit("create festival", 0);
  for (const collection of COLLECTIONS) {
    for (const [id, item] of Object.entries(view[collection])) {
      const parent = collection === "events" ? (bucketIds.get(bucketOf(id)) as string) : collectionIds[collection];
      backend.putObjectFromHydrate(parent, id, stored(item, "ours"));
      backend.commit(`add ${collection} ${id}`, 0);
    }
  }
  return { bytes: backend.save(), bucketOf };
}

const here = path.dirname(fileURLToPath(import.meta.url));
const LOAD_MODEL = path.join(here, "children", "load-model.js");
const SHARD_BUCKETS = 64;
const EDITS = 200;

/** Loads a saved model in a fresh child process and returns the load time measured inside it. */
async function childLoad(format: "automerge" | "yjs", file: string, events: number): Promise<number> {
  const { report } = await timeChild(LOAD_MODEL, [format, file], { timeoutMs: 300_000 });
  if (report.events !== events) throw new Error(`${path.basename(file)} loaded with ${String(report.events)} events, expected ${events}`);
  return Number(report.loadMs);
}

/** p50 and p99 of EDITS title edits (each event once) with A.change, alternating between the flat and the sharded document. */
function editLatencies(flatBytes: Uint8Array, sharded: { bytes: Uint8Array; bucketOf: (id: string) => string }, eventIds: string[], warmups: number) {
  type Doc = { events: Record<string, Record<string, unknown>> };
  let flat = A.load<Doc>(flatBytes);
  let bucketed = A.load<Doc>(sharded.bytes);
  const flatMs: number[] = [];
  const shardedMs: number[] = [];
  const stride = 7919;
  for (let index = 0; index < warmups + EDITS; index++) {
    const id = eventIds[(index * stride) % eventIds.length];
    const title = new A.ImmutableString(`Edited ${index}`);
    let started = performance.now();
    flat = A.change(flat, { message: "edit" }, (doc) => {
      doc.events[id].title = title;
    });
    const flatTook = performance.now() - started;
    started = performance.now();
    bucketed = A.change(bucketed, { message: "edit" }, (doc) => {
      (doc.events[sharded.bucketOf(id)] as unknown as Doc["events"])[id].title = title;
    });
    const shardedTook = performance.now() - started;
    if (index >= warmups) {
      flatMs.push(flatTook);
      shardedMs.push(shardedTook);
    }
  }
  return { flatMs, shardedMs };
}

export const baselineSuite: BenchSuite = {
  name: "baselines",
  description: "our model vs the naive model (plain strings) in raw Automerge, Yjs for reference, the cost of history, a sharded events map",
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const festival = await ctx.festival();
    const size = ctx.size;
    const view = festivalView(A.load(festival.bytes));
    const events = Object.keys(view.events).length;

    ctx.log(`baselines: building our model, the naive model, Yjs and the sharded variant from the ${size} festival's content`);
    const directory = await ctx.tempDirectory("bench-models-");
    const files = { ours: path.join(directory, "ours.automerge"), naive: path.join(directory, "naive.automerge"), yjs: path.join(directory, "festival.yjs") };
    const ours = buildAutomergeModel(view, "ours");
    const naive = buildAutomergeModel(view, "naive");
    const yjs = buildYjsModel(view);
    const sharded = buildShardedModel(view, SHARD_BUCKETS);
    await writeFile(files.ours, ours);
    await writeFile(files.naive, naive);
    await writeFile(files.yjs, yjs);

    // Every load in a fresh process (a big naive document would otherwise slow the loads after it), taking turns.
    ctx.log("baselines: loading each model in fresh processes, in turns");
    const [oursMs, naiveMs, yjsMs, generatedMs] = await interleaveMany(
      [
        () => childLoad("automerge", files.ours, events),
        () => childLoad("automerge", files.naive, events),
        () => childLoad("yjs", files.yjs, events),
        () => childLoad("automerge", festival.bytesFile, events),
      ],
      ctx.runOptions,
    );
    ctx.log(`baselines: ${EDITS} edits, one events map vs ${SHARD_BUCKETS} sharded maps`);
    const edits = editLatencies(ours, sharded, festival.eventIds, 20);

    const ourLoad = median(oursMs);
    const modelName = `baselines: load, naive model (plain strings) vs our model (${size})`;
    const yjsName = `baselines: load, Yjs (applyUpdate + toJSON) vs our model (${size})`;
    const historyName = `baselines: load, with ${festival.stats.changes} changes of history vs one change per item (${size})`;
    const editName = (p: string) => `baselines: one A.change editing an event, one events map vs ${SHARD_BUCKETS} sharded maps, ${p} (${size})`;
    const loadNote = "load time measured inside a fresh process (start-up excluded), the models taking turns";
    ctx.note(modelName, `${loadNote}; same content, one change per item; target: our model at least 5x faster`);
    ctx.note(yjsName, `${loadNote}; same content, Y.Map per item and Y.Text per string, one transaction per item; for reference`);
    ctx.note(historyName, `${loadNote}; the generated festival: ${festival.stats.actors} actors, ${festival.stats.merges} merges`);
    ctx.note(editName("p50"), `raw Automerge in this process; our model as stored, and the same with events spread over ${SHARD_BUCKETS} maps`);
    const modelTarget = size === "small" ? undefined : ({ atLeast: 5, of: "ratio" } as const);
    return [
      comparisonRow(modelName, median(naiveMs), ourLoad, "ms", modelTarget),
      comparisonRow(`baselines: saved size, naive model vs our model (${size})`, naive.length / MB, ours.length / MB, "MB"),
      comparisonRow(yjsName, median(yjsMs), ourLoad, "ms"),
      comparisonRow(`baselines: saved size, Yjs update vs our model (${size})`, yjs.length / MB, ours.length / MB, "MB"),
      comparisonRow(historyName, median(generatedMs), ourLoad, "ms"),
      comparisonRow(`baselines: saved size, with history vs without (${size})`, festival.bytes.length / MB, ours.length / MB, "MB"),
      comparisonRow(editName("p50"), percentile(edits.flatMs, 50), percentile(edits.shardedMs, 50), "ms"),
      comparisonRow(editName("p99"), percentile(edits.flatMs, 99), percentile(edits.shardedMs, 99), "ms"),
    ];
  },
};
