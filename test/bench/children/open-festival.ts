// Benchmark child: opens one festival from a data directory as the CLI does (FestivalStore.open, resolve)
// and reports on stdout, as one JSON line, once the document is ready; then closes the store and exits.
import { storedEvents } from "../../../engine/core/event-shards.js";
import { FestivalStore } from "../../../engine/node/store.js";
import { readyReport } from "./report.js";

const [dataDir, festivalId] = process.argv.slice(2);
if (!dataDir || !festivalId) {
  process.stderr.write("usage: open-festival.js DATA_DIR FESTIVAL_ID\n");
  process.exit(2);
}

const store = await FestivalStore.open(dataDir);
const handle = await store.resolve(festivalId);
const doc = handle.doc();
process.stdout.write(readyReport({ events: storedEvents(doc).size }));
await store.close();
