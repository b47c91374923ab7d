// Reproduction for automerge-first-writes-after-load.md. It needs pandafest's generated large festival, which
// `npm run build && npm run bench -- --only governance` writes to test/bench/.cache/; then run
// `node docs/upstream/automerge-first-writes-after-load.mjs` from the repository. Times are CPU milliseconds
// (process.cpuUsage), so other work on the machine does not count.
import * as A from "@automerge/automerge";
import { randomBytes } from "node:crypto";
import fs from "node:fs";

const cache = new URL("../../test/bench/.cache/", import.meta.url);
const bytes = fs.readFileSync(new URL("festival-large-seed1-v3.automerge", cache));
const loaded = A.load(bytes);
const venueId = Object.keys(loaded.venues)[0];
const actors = [...new Set(A.getChangesMetaSince(loaded, []).map((change) => change.actor))].sort();
A.free(loaded);
const cpu = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const show = (times) => times.map((ms) => ms.toFixed(1)).join(" ");
/** A random actor id; with `last`, one that sorts after every actor of the document ("f"s, then one digit more). */
const actorId = (last) => {
  const random = randomBytes(16).toString("hex");
  if (!last) return random;
  const top = actors[actors.length - 1];
  const position = [...top].findIndex((digit) => digit !== "f");
  const prefix = top.slice(0, position) + (parseInt(top[position], 16) + 1).toString(16);
  return prefix + random.slice(prefix.length);
};
console.log(`${actors.length} actors; the last sorts as ${actors[actors.length - 1]}`);

for (const last of [false, true]) {
  const where = last ? "an actor sorting after all others" : "a random new actor";
  // ten one-key changes made elsewhere (a copy under another actor), to add to a freshly loaded document
  let source = A.load(bytes, { actor: actorId(last) });
  const changes = [];
  for (let i = 0; i < 10; i += 1) {
    const next = A.change(source, (d) => { d.venues[venueId].description = new A.ImmutableString(`elsewhere ${i}`); });
    changes.push(A.getChanges(source, next));
    source = next;
  }
  A.free(source);
  for (let run = 0; run < 3; run += 1) {
    let applied = A.load(bytes);
    const applies = [];
    for (const change of changes) {
      const started = cpu();
      applied = A.applyChanges(applied, change)[0];
      applies.push(cpu() - started);
    }
    let edited = A.load(bytes, { actor: actorId(last) });
    const edits = [];
    for (let i = 0; i < 10; i += 1) {
      const started = cpu();
      edited = A.change(edited, (d) => { d.venues[venueId].description = new A.ImmutableString(`here ${run} ${i}`); });
      edits.push(cpu() - started);
    }
    console.log(`${where}, run ${run}: A.applyChanges of one change, 10 in a row after A.load: ${show(applies)}`);
    console.log(`${where}, run ${run}: A.change of one key,         10 in a row after A.load: ${show(edits)}`);
    A.free(applied);
    A.free(edited);
  }
}
