// Baselines for the festival model, measured in the same process and interleaved: the same content in raw
// Automerge with our model (short fields as ImmutableString), with a naive model (plain strings, i.e.
// collaborative text everywhere), and in Yjs (Y.Map, Y.Text) for reference; plus what the history costs.
import * as A from "@automerge/automerge";
import * as Y from "yjs";
import type { FestivalView } from "../../engine/schema.js";
import { festivalView } from "../../engine/views.js";
import { comparisonRow, type BenchContext, type BenchRow, type BenchSuite } from "./harness.js";
import { interleave, median, time } from "./stats.js";

type Model = "ours" | "naive";
type Plain = string | number | boolean | Plain[] | { [key: string]: Plain };

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

function loadYjs(update: Uint8Array): Plain {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  const json: Record<string, Plain> = {};
  for (const name of ["festival", ...COLLECTIONS]) json[name] = doc.getMap(name).toJSON() as Plain;
  doc.destroy();
  return json;
}

function eventCountOf(doc: unknown): number {
  const events = (doc as { events?: Record<string, unknown> }).events;
  return Object.keys(events ?? {}).length;
}

export const baselineSuite: BenchSuite = {
  name: "baselines",
  description: "our model vs the naive model (plain strings) in raw Automerge, Yjs for reference, the cost of history",
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const festival = await ctx.festival();
    const size = ctx.size;
    const view = festivalView(A.load(festival.bytes));
    const events = Object.keys(view.events).length;

    ctx.log(`baselines: building our model, the naive model and Yjs from the ${size} festival's content`);
    let ours: Uint8Array = new Uint8Array();
    let naive: Uint8Array = new Uint8Array();
    let yjs: Uint8Array = new Uint8Array();
    const buildOursMs = await time(() => (ours = buildAutomergeModel(view, "ours")));
    const buildNaiveMs = await time(() => (naive = buildAutomergeModel(view, "naive")));
    const buildYjsMs = await time(() => (yjs = buildYjsModel(view)));
    ctx.log(`baselines: built in ${buildOursMs.toFixed(0)} / ${buildNaiveMs.toFixed(0)} / ${buildYjsMs.toFixed(0)} ms`);

    const loadOurs = () =>
      time(() => {
        if (eventCountOf(A.load(ours)) !== events) throw new Error("our model lost events");
      });
    const loadNaive = () =>
      time(() => {
        const doc = A.load(naive);
        if (eventCountOf(doc) !== events) throw new Error("the naive model lost events");
      });
    const loadGenerated = () =>
      time(() => {
        if (eventCountOf(A.load(festival.bytes)) !== events) throw new Error("the generated festival lost events");
      });
    const loadYjsMs = () =>
      time(() => {
        if (Object.keys((loadYjs(yjs) as Record<string, Record<string, unknown>>).events).length !== events) throw new Error("Yjs lost events");
      });

    // A naive-model load can take many seconds: one warm-up is enough there.
    const naiveOptions = { runs: ctx.runOptions.runs, warmups: Math.min(1, ctx.runOptions.warmups) };
    ctx.log("baselines: A.load, naive model vs our model");
    const model = await interleave(loadNaive, loadOurs, naiveOptions);
    ctx.log("baselines: Yjs vs our model");
    const yjsRun = await interleave(loadYjsMs, loadOurs, ctx.runOptions);
    ctx.log("baselines: the generated festival (with its history) vs the same content without history");
    const history = await interleave(loadGenerated, loadOurs, ctx.runOptions);

    const modelName = `baselines: A.load, naive model (plain strings) vs our model (${size})`;
    const yjsName = `baselines: Yjs applyUpdate + toJSON vs our model's A.load (${size})`;
    const historyName = `baselines: A.load with ${festival.stats.changes} changes of history vs the same content in one change per item (${size})`;
    ctx.note(modelName, "same content, one change per item, raw Automerge in this process; target: our model at least 5x faster");
    ctx.note(yjsName, "same content, one transaction per item, Y.Map per item and Y.Text per string; for reference");
    ctx.note(historyName, `the generated festival: ${festival.stats.actors} actors, ${festival.stats.merges} merges`);
    return [
      comparisonRow(modelName, median(model.subject), median(model.baseline), "ms", { atLeast: 5, of: "ratio" }),
      comparisonRow(`baselines: saved size, naive model vs our model (${size})`, naive.length / MB, ours.length / MB, "MB"),
      comparisonRow(yjsName, median(yjsRun.subject), median(yjsRun.baseline), "ms"),
      comparisonRow(`baselines: saved size, Yjs update vs our model (${size})`, yjs.length / MB, ours.length / MB, "MB"),
      comparisonRow(historyName, median(history.subject), median(history.baseline), "ms"),
      comparisonRow(`baselines: saved size with history vs without (${size})`, festival.bytes.length / MB, ours.length / MB, "MB"),
    ];
  },
};
