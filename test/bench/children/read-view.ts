// Benchmark child: reads one festival's plain view the way `festival show` and `programme` do (FestivalStore.open,
// readView: the view cache when the stored chunks are unchanged) and reports on stdout, as one JSON line, once ready.
import { FestivalStore } from "../../../engine/node/store.js";
import { readyReport } from "./report.js";

const [dataDir, festivalId] = process.argv.slice(2);
if (!dataDir || !festivalId) {
  process.stderr.write("usage: read-view.js DATA_DIR FESTIVAL_ID\n");
  process.exit(2);
}

const store = await FestivalStore.open(dataDir);
const { view, fromCache } = await store.readView(festivalId);
process.stdout.write(readyReport({ events: Object.keys(view.events).length, fromCache }));
await store.close();
