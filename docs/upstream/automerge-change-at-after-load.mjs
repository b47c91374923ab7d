// Reproduction for automerge-change-at-after-load.md. It needs pandafest's generated small festival, which
// `npm run build && npm run bench -- --size small --only governance` writes to test/bench/.cache/; then run
// `node docs/upstream/automerge-change-at-after-load.mjs` from the repository.
import * as A from "@automerge/automerge";
import fs from "node:fs";

const bytes = fs.readFileSync(new URL("../../test/bench/.cache/festival-small-seed1-v3.automerge", import.meta.url));
const base = A.load(bytes);
const heads = A.getHeads(base);
const venueIds = Object.keys(base.venues);
let theirs = A.clone(base);
for (let i = 0; i < 5; i++) theirs = A.change(theirs, (d) => { d.venues[venueIds[i]].name = new A.ImmutableString(`x${i}`); });
const saved = A.save(A.merge(A.clone(base), theirs));

const attempt = (label, target) => {
  const before = A.getHeads(target).join();
  try {
    A.changeAt(target, heads, (d) => { d.venues[venueIds[0]].description = new A.ImmutableString("d"); });
    console.log(`${label}: changeAt worked`);
  } catch (error) {
    console.log(`${label}: changeAt threw "${String(error)}"; heads unchanged afterwards: ${A.getHeads(target).join() === before}`);
  }
};
attempt("loaded from save", A.load(saved));
attempt("built in memory (merge)", A.merge(A.clone(base), A.clone(theirs)));
