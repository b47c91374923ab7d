// Child process for the decompression-bomb test: verifies a harmless bundle (to load everything), then the
// bundle under test, and prints the growth of its peak resident memory with the verdict, as one JSON line.
import { verifyBundleFiles } from "../../../bundles/datadir/verify.js";
import { FestivalStore } from "../../../engine/node/store.js";

const [dataDir, harmless, suspect] = process.argv.slice(2);
const store = await FestivalStore.open(dataDir);
try {
  await verifyBundleFiles(store, [harmless]);
  const before = process.resourceUsage().maxRSS;
  const [result] = await verifyBundleFiles(store, [suspect]);
  const after = process.resourceUsage().maxRSS;
  process.stdout.write(`${JSON.stringify({ growthBytes: (after - before) * 1024, valid: result.valid, problem: result.problem ?? null })}\n`);
} finally {
  await store.close();
}
