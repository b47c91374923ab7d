// Benchmark child: holds one festival open as the CLI and the server do and makes edits one after another
// (change; attestation and index; flush with fsync), reporting each edit's timings as one JSON line.
import { storedEvents } from "../../../engine/core/event-shards.js";
import { editEvent } from "../../../engine/core/operations.js";
import { FestivalStore } from "../../../engine/node/store.js";
import { readyReport } from "./report.js";

const [dataDir, festivalId, editsArg, warmupsArg] = process.argv.slice(2);
const edits = Number(editsArg);
const warmups = Number(warmupsArg);
if (!dataDir || !festivalId || !Number.isInteger(edits) || !Number.isInteger(warmups) || edits < 1 || warmups < 0) {
  process.stderr.write("usage: edit-festival.js DATA_DIR FESTIVAL_ID EDITS WARMUPS\n");
  process.exit(2);
}

const store = await FestivalStore.open(dataDir);
const changeMs: number[] = [];
const attestedMs: number[] = [];
const editMs: number[] = [];
try {
  const { handle, editor } = await store.editorFor(festivalId);
  const ids = [...storedEvents(handle.doc()).keys()].sort();
  const stride = 7919; // prime: a spread of events, each edited once
  for (let index = 0; index < warmups + edits; index++) {
    const eventId = ids[(index * stride) % ids.length];
    const started = performance.now();
    editEvent(editor, eventId, { title: `Edited title ${index}` });
    const changed = performance.now();
    await store.attest();
    const attested = performance.now();
    await store.flush();
    const committed = performance.now();
    if (index >= warmups) {
      changeMs.push(changed - started);
      attestedMs.push(attested - started);
      editMs.push(committed - started);
    }
  }
} finally {
  await store.close();
}
process.stdout.write(readyReport({ changeMs, attestedMs, editMs }));
