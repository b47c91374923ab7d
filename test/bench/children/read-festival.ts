// Benchmark child: reads one festival from a data directory the way read-only commands do
// (FestivalStore.open, read) and reports on stdout, as one JSON line, once the document is ready.
import { FestivalStore } from "../../../engine/store.js";
import { readyReport } from "./report.js";

const [dataDir, festivalId] = process.argv.slice(2);
if (!dataDir || !festivalId) {
  process.stderr.write("usage: read-festival.js DATA_DIR FESTIVAL_ID\n");
  process.exit(2);
}

const store = await FestivalStore.open(dataDir);
const { doc } = await store.read(festivalId);
process.stdout.write(readyReport({ events: Object.keys(doc.events).length }));
await store.close();
