// Benchmark child for model baselines: loads one saved document (Automerge or Yjs) into plain JS in a fresh
// process and reports, as one JSON line, how long the load itself took (start-up excluded). With a warm-up
// file, that smaller document of the same model is loaded first, so the measured load runs on a warm JIT.
import { readFile } from "node:fs/promises";
import * as A from "@automerge/automerge";
import * as Y from "yjs";
import { storedEvents } from "../../../engine/core/event-shards.js";
import type { Festival } from "../../../engine/core/schema.js";
import { readyReport } from "./report.js";

type Format = "automerge" | "yjs";

function load(format: Format, bytes: Uint8Array): number {
  if (format === "automerge") {
    return storedEvents(A.load<Festival>(bytes)).size;
  }
  // Yjs keeps its content in its own types: toJSON is the counterpart of Automerge's materialised document.
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytes);
  const json: Record<string, unknown> = {};
  for (const name of ["festival", "venues", "events", "people", "members"]) json[name] = doc.getMap(name).toJSON();
  doc.destroy();
  return Object.keys(json.events as Record<string, unknown>).length;
}

const [format, file, warmUpFile] = process.argv.slice(2);
if ((format !== "automerge" && format !== "yjs") || !file) {
  process.stderr.write("usage: load-model.js automerge|yjs FILE [WARM_UP_FILE]\n");
  process.exit(2);
}

if (warmUpFile) load(format, new Uint8Array(await readFile(warmUpFile)));
const bytes = new Uint8Array(await readFile(file));
const started = performance.now();
const events = load(format, bytes);
const loadMs = performance.now() - started;
process.stdout.write(readyReport({ events, loadMs }));
