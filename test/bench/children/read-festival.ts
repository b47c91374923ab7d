// Benchmark child: reads one festival from a data directory the way read-only commands do
// (FestivalStore.open, read) and reports on stdout, as one JSON line, once the document is ready.
// With --verify it then verifies every change's author (as `pandafest history` does) and reports that too.
import { storedEvents } from "../../../engine/core/event-shards.js";
import { verifyHistory, verifySummary } from "../../../engine/core/provenance.js";
import { FestivalStore } from "../../../engine/node/store.js";
import { readyReport } from "./report.js";

const [dataDir, festivalId, flag] = process.argv.slice(2);
if (!dataDir || !festivalId || (flag !== undefined && flag !== "--verify")) {
  process.stderr.write("usage: read-festival.js DATA_DIR FESTIVAL_ID [--verify]\n");
  process.exit(2);
}

const store = await FestivalStore.open(dataDir);
const { id, doc } = await store.read(festivalId);
process.stdout.write(readyReport({ events: storedEvents(doc).size }));
if (flag === "--verify") {
  const started = performance.now();
  const summary = verifySummary(verifyHistory(doc, id));
  const verifyMs = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ verifyMs, verified: summary.verified, unverified: summary.unverified })}\n`);
}
await store.close();
