// Governance benchmarks: an organised festival whose changes are 1% proposals against the same festival open (where
// everything counts), opened, edited and importing the proposals, in one process, interleaved (ratios), and the
// peak memory of a process holding each.
import * as A from "@automerge/automerge";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  changeAtHeads,
  editingBase,
  forgetKnownReplicas,
  foundFestival,
  governanceOf,
  keepStandbyReplica,
  memberEditActor,
  signedChangeVisibly,
  visibleFestival,
  visibleReplica,
  withVisibleAttestation,
  type Mode,
} from "../../engine/core/governance/index.js";
import { generateKeyPair, toHex } from "../../engine/core/keys.js";
import { recordMember } from "../../engine/core/members.js";
import { withAttestation } from "../../engine/core/provenance.js";
import type { Festival } from "../../engine/core/schema.js";
import { festivalView } from "../../engine/core/views.js";
import { useNativeSignatures } from "../../engine/node/native-signatures.js";
import { timeChild } from "./child-process.js";
import { comparisonRow, figureRow, type BenchContext, type BenchRow, type BenchSuite } from "./harness.js";
import { interleave, median } from "./stats.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const HOLD_FESTIVAL = path.join(here, "children", "hold-governed.js");
const MB = 1024 * 1024;
/** the share of the festival's changes that are an outsider's proposals */
const PROPOSAL_SHARE = 0.01;

interface Variant {
  mode: Mode;
  id: string;
  bytes: Uint8Array;
  /** the outsider's changes alone, to import into a copy made before them */
  proposals: Uint8Array[];
  before: Uint8Array;
  /** who founded it (a manager: their edits count) */
  founder: Person;
  file: string;
}

type Person = ReturnType<typeof person>;

function person(name: string) {
  const pair = generateKeyPair();
  return { name, publicKey: toHex(pair.publicKey), secretKey: pair.secretKey };
}

/** The generated festival founded in `mode`, then an outsider's edits: 1% of its changes (each edit is two: it and its attestation). */
function variant(source: Uint8Array, mode: Mode, changes: number): Omit<Variant, "file"> {
  const founder = person("Founder");
  const outsider = person("Outsider");
  const founded = foundFestival(A.load<Festival>(source), mode, { also: (draft) => recordMember(draft, founder) });
  const start = withVisibleAttestation(founded.doc, founded.id, founder);
  const before = A.save(start);
  let theirs = A.load<Festival>(before);
  const edits = Math.max(1, Math.round((changes * PROPOSAL_SHARE) / 2));
  const venueIds = Object.keys(theirs.venues);
  for (let index = 0; index < edits; index += 1) {
    const venueId = venueIds[index % venueIds.length];
    theirs = A.change(theirs, { message: "edit venue" }, (draft) => {
      draft.venues[venueId].name = new A.ImmutableString(`Outsider's ${index}`);
      recordMember(draft, outsider);
    });
    theirs = withAttestation(theirs, founded.id, outsider);
  }
  const beforeDoc = A.load<Festival>(before);
  const made = { mode, id: founded.id, bytes: A.save(theirs), before, founder, proposals: A.getChanges(beforeDoc, theirs) };
  for (const doc of [beforeDoc, theirs, start]) A.free(doc);
  return made;
}

function openFestival(bytes: Uint8Array, id: string): number {
  forgetKnownReplicas(); // each run opens from the bytes alone
  const doc = A.load<Festival>(bytes);
  const venues = Object.keys(festivalView(visibleFestival(doc, id)).venues).length;
  A.free(doc); // the wasm heap is bounded: large documents are freed as soon as they are measured
  return venues;
}

export const governanceSuite: BenchSuite = {
  name: "governance",
  description: "an organised festival with 1% proposals against the same festival open: open, edit, import, memory",
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    useNativeSignatures(); // as the store does in Node: attestations are checked with Node's ed25519
    const festival = await ctx.festival();
    const size = ctx.size;
    ctx.log(`governance: founding two copies of the ${size} festival and writing an outsider's edits into each`);
    const directory = await ctx.tempDirectory("pandafest-bench-governance-");
    const variants: Record<Mode, Variant> = { organised: undefined as unknown as Variant, open: undefined as unknown as Variant };
    for (const mode of ["organised", "open"] as const) {
      const made = variant(festival.bytes, mode, festival.stats.changes);
      const file = path.join(directory, `${mode}.automerge`);
      await fs.writeFile(file, made.bytes);
      variants[mode] = { ...made, file };
    }
    const organised = variants.organised;
    const open = variants.open;
    if (openFestival(organised.bytes, organised.id) !== openFestival(open.bytes, open.id)) throw new Error("the two festivals differ in venues");

    // opening: load the document and read what members see
    const opens = await interleave(
      () => timed(() => openFestival(organised.bytes, organised.id)),
      () => timed(() => openFestival(open.bytes, open.id)),
      ctx.runOptions,
    );

    // editing: one member edit on an open document (made at the editing base, signed), then what members see; the
    // member is the founder, whose edits count in both festivals
    const venueId = festival.venueIds[0];
    // `opened`: how the session read the festival before editing. With `visibleReplica` it holds a replica, as the
    // node does; with `visibleFestival` (the patched view, as the web app and a CLI run read) it holds none, and the
    // edit is made with changeAt on a copy of the whole document (its first), or copies the festival at the counting
    // heads and keeps the copy as a replica (the session's third edit: sessionEditingCopy). `nth`: which of the
    // session's edits is timed
    const edit = (mode: Mode, opened: typeof visibleReplica = visibleReplica, nth = 1) => () =>
      timed(() => {
        const { id, bytes, founder: member } = variants[mode];
        forgetKnownReplicas();
        let doc = A.load<Festival>(bytes);
        festivalView(opened(doc, id)); // opened and shown, as a member's session has it before editing
        const editOnce = (mark: number) => {
          // as the web app's editor writes an edit: the change and its attestation together
          doc = signedChangeVisibly(doc, id, member, "edit venue", (draft) => {
            draft.venues[venueId].description = new A.ImmutableString(`edited at ${mark}`);
            recordMember(draft, member);
          });
          festivalView(visibleFestival(doc, id));
        };
        for (let earlier = 1; earlier < nth; earlier += 1) editOnce(performance.now());
        const started = performance.now();
        editOnce(started);
        const ms = performance.now() - started;
        A.free(doc);
        return ms;
      }, true);
    const edits = await interleave(edit("organised"), edit("open"), ctx.runOptions);
    // fewer runs without a replica: the third edit replays the whole history
    const isolatedEdit = (mode: Mode, nth = 1) => edit(mode, visibleFestival, nth);
    const isolatedEdits = await interleave(isolatedEdit("organised"), isolatedEdit("open"), { runs: 3, warmups: 0 });
    const copyingEdits = await interleave(isolatedEdit("organised", 3), isolatedEdit("open", 3), { runs: 3, warmups: 0 });
    const phases = organisedEditPhases(organised, venueId, ctx.runOptions.runs);
    const openChanges = openEditChanges(open, venueId, ctx.runOptions.runs);

    // importing: the outsider's changes arrive (as a bundle or a peer brings them) into a copy without them
    const importInto = (mode: Mode) => () =>
      timed(() => {
        const { id, before, proposals } = variants[mode];
        forgetKnownReplicas();
        const doc = A.load<Festival>(before);
        festivalView(visibleFestival(doc, id));
        const started = performance.now();
        keepStandbyReplica(doc, id); // as a bundle import and a node's sync round do before adding what arrives
        const [after] = A.applyChanges(doc, proposals);
        festivalView(visibleFestival(after, id));
        const ms = performance.now() - started;
        A.free(after);
        return ms;
      }, true);
    const imports = await interleave(importInto("organised"), importInto("open"), ctx.runOptions);

    // memory: a process that loads the festival and holds what members see
    const rss: Record<Mode, number[]> = { organised: [], open: [] };
    for (let run = 0; run < Math.max(3, ctx.runOptions.runs); run += 1) {
      for (const mode of run % 2 === 0 ? (["organised", "open"] as const) : (["open", "organised"] as const)) {
        const timing = await timeChild(HOLD_FESTIVAL, [variants[mode].file, variants[mode].id]);
        rss[mode].push(Number(timing.report.maxRssBytes) / MB);
      }
    }

    const names = {
      open: `governance: open a festival and read what members see, organised with 1% proposals vs open (${size})`,
      edit: `governance: one member edit and the view after it, organised with 1% proposals vs open (${size})`,
      import: `governance: take in the 1% proposals and read the view, organised vs open (${size})`,
      isolatedEdit: `governance: first member edit in a session holding no replica (web app, CLI), organised with 1% proposals vs open (${size})`,
      copyingEdit: `governance: third member edit in a session holding no replica (web app: it copies the festival), organised with 1% proposals vs open (${size})`,
      rss: `governance: peak RSS of a process holding what members see, organised with 1% proposals vs open (${size})`,
    };
    ctx.note(names.open, "A.load of the saved festival, then visibleFestival (the document read at the counting heads: a patched view) and festivalView; baseline: the same festival founded open, where every change counts; no replica is kept from an earlier run");
    ctx.note(names.edit, "a member (the founder) edits, in a session that has the festival open and shown (visibleReplica, not timed): signedChangeVisibly (the change and its attestation, as the web app writes an edit), then visibleFestival and festivalView");
    ctx.note(names.isolatedEdit, "as the edit row, but the session read the festival through visibleFestival (the patched view), as the web app and a CLI run do, so no replica is known: the change and its attestation are made with A.changeAt on a copy of the whole document (A.clone, no replay), and the view after it is a patched view; was a copy of the festival at the counting heads (a replay of its history, about 0.9 s); no target: changeAt's isolate and integrate passes are Automerge's");
    ctx.note(names.copyingEdit, "the third edit of such a session (its first two, untimed, made with changeAt as the row above): a session that keeps editing copies the festival at the counting heads (a replay) and keeps the copy as a replica, so its later edits cost what the edit row's do; the CLI (one command a run) never copies; no target: the replay is Automerge's");
    ctx.note(names.import, "keepStandbyReplica (as a bundle import and a node's sync round do), A.applyChanges of the outsider's changes (1% of the festival's) into the festival without them, then visibleFestival and festivalView");
    const phaseName = (phase: EditPhase, which: "first" | "second") =>
      `governance: organised edit, ${EDIT_PHASES[phase]}, ${which} edit after opening (${size})`;
    for (const phase of Object.keys(EDIT_PHASES) as EditPhase[]) {
      ctx.note(phaseName(phase, "first"), "the steps of signedChangeVisibly taken one by one in a session that has the organised festival open and shown (no target: where the edit's time goes)");
      ctx.note(phaseName(phase, "second"), "the same steps for the session's next edit: Automerge's first writes into a document after it was loaded or copied cost far more than later ones");
    }
    const openName = (which: "first" | "second") => `governance: open edit, the change and its attestation made on the document, ${which} edit after opening (${size})`;
    ctx.note(openName("first"), "A.change and withAttestation on the open festival's document in a session that has it open and shown (the organised edit's counterpart)");
    ctx.note(openName("second"), "the same for the session's next edit");
    ctx.note(names.rss, "process.resourceUsage().maxRSS of a child that loads the festival and reads what members see");
    return [
      comparisonRow(names.open, median(opens.subject), median(opens.baseline), "ms", { atMost: 1.25, of: "ratio" }),
      comparisonRow(names.edit, median(edits.subject), median(edits.baseline), "ms", { atMost: 1.25, of: "ratio" }),
      comparisonRow(names.import, median(imports.subject), median(imports.baseline), "ms", { atMost: 1.25, of: "ratio" }),
      comparisonRow(names.isolatedEdit, median(isolatedEdits.subject), median(isolatedEdits.baseline), "ms"),
      comparisonRow(names.copyingEdit, median(copyingEdits.subject), median(copyingEdits.baseline), "ms"),
      comparisonRow(names.rss, median(rss.organised), median(rss.open), "MB", { atMost: 1.3, of: "ratio" }),
      ...(Object.keys(EDIT_PHASES) as EditPhase[]).flatMap((phase) => [
        figureRow(phaseName(phase, "first"), median(phases.first[phase]), "ms"),
        figureRow(phaseName(phase, "second"), median(phases.second[phase]), "ms"),
      ]),
      figureRow(openName("first"), median(openChanges.first), "ms"),
      figureRow(openName("second"), median(openChanges.second), "ms"),
    ];
  },
};

/** The milliseconds `work` takes (or, when `reports`, the milliseconds it returns). */
async function timed(work: () => number, reports = false): Promise<number> {
  const started = performance.now();
  const result = work();
  return reports ? result : performance.now() - started;
}

/** The steps of one organised edit (signedChangeVisibly's, then the view), as rows name them. */
const EDIT_PHASES = {
  replica: "the change and its attestation made on what members see",
  whole: "both added to the whole document (A.applyChanges)",
  decision: "the decision extended by them",
  view: "what members see read (visibleFestival, festivalView)",
} as const;
type EditPhase = keyof typeof EDIT_PHASES;
type PhaseTimes = Record<EditPhase, number[]>;

/**
 * The organised edit's steps timed one by one (wall time, like the rows above), for the first and
 * the second edit of a session that has the festival open and shown: where the edit's ratio comes from.
 */
function organisedEditPhases(festival: Variant, venueId: string, runs: number): { first: PhaseTimes; second: PhaseTimes } {
  const empty = (): PhaseTimes => ({ replica: [], whole: [], decision: [], view: [] });
  const result = { first: empty(), second: empty() };
  for (let run = 0; run < runs; run += 1) {
    forgetKnownReplicas();
    let doc = A.load<Festival>(festival.bytes);
    festivalView(visibleReplica(doc, festival.id));
    for (const times of [result.first, result.second]) {
      let mark = performance.now();
      const lap = (phase: EditPhase) => {
        const now = performance.now();
        times[phase].push(now - mark);
        mark = now;
      };
      const base = editingBase(doc, festival.id);
      if (base === null) throw new Error("the organised bench festival has no proposal: every change counts");
      const actor = memberEditActor(doc, festival.id, festival.founder.publicKey, base); // as signedChangeVisibly writes a member's edit
      const changes = changeAtHeads(doc, base, "edit venue", (draft) => {
        draft.venues[venueId].description = new A.ImmutableString(`phase at ${mark}`);
        recordMember(draft, festival.founder);
      }, { festivalId: festival.id, signer: festival.founder }, actor);
      lap("replica");
      doc = A.applyChanges(doc, changes)[0];
      lap("whole");
      governanceOf(doc, festival.id);
      lap("decision");
      festivalView(visibleFestival(doc, festival.id));
      lap("view");
    }
    A.free(doc);
  }
  return result;
}

/** The open edit's change and attestation on the document, timed for the first and second edit of a session. */
function openEditChanges(festival: Variant, venueId: string, runs: number): { first: number[]; second: number[] } {
  const result = { first: [] as number[], second: [] as number[] };
  for (let run = 0; run < runs; run += 1) {
    forgetKnownReplicas();
    let doc = A.load<Festival>(festival.bytes);
    festivalView(visibleReplica(doc, festival.id));
    for (const times of [result.first, result.second]) {
      const started = performance.now();
      if (editingBase(doc, festival.id) !== null) throw new Error("the open bench festival edits at an editing base");
      const changed = A.change(doc, { message: "edit venue" }, (draft) => {
        draft.venues[venueId].description = new A.ImmutableString(`phase at ${started}`);
        recordMember(draft, festival.founder);
      });
      doc = withAttestation(changed, festival.id, festival.founder);
      times.push(performance.now() - started);
      governanceOf(doc, festival.id);
    }
    A.free(doc);
  }
  return result;
}
