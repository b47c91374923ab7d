// Benchmark child, the baseline for a cold open: imports Automerge only, loads saved festival bytes with
// A.load and reports on stdout, as one JSON line, once the document is ready.
import { readFile } from "node:fs/promises";
import * as A from "@automerge/automerge";
import { storedEvents } from "../../../engine/core/event-shards.js";
import type { Festival } from "../../../engine/core/schema.js";
import { readyReport } from "./report.js";

const [bytesFile] = process.argv.slice(2);
if (!bytesFile) {
  process.stderr.write("usage: load-automerge.js FESTIVAL_BYTES_FILE\n");
  process.exit(2);
}

const doc = A.load<Festival>(new Uint8Array(await readFile(bytesFile)));
process.stdout.write(readyReport({ events: storedEvents(doc).size }));
