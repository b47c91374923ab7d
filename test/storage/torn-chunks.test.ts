// Torn chunk files under a real Repo: each chunk of a stored festival-like document is truncated in turn and reopened.
// The torn chunk must be quarantined and reported, and every change whose history avoids it must still be there.
import * as A from "@automerge/automerge";
import { Repo, type AutomergeUrl, type StorageAdapterInterface } from "@automerge/automerge-repo";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readdir, readFile, rm, stat, truncate } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SafeFileStorageAdapter, type BadChunkReport } from "../../engine/node/storage/safe-file-storage.js";

interface Diary {
  base: string;
  steps: Record<string, number>;
}

/**
 * The stored history. The first change (text big enough that automerge-repo keeps a snapshot and
 * then saves incrementals) is the snapshot. Then linear steps, each its own incremental chunk and
 * each depending on the one before; then branch steps, each made on a fork of the snapshot state by
 * another actor and merged in, so each depends on the snapshot only.
 */
interface StoredStep {
  name: string;
  kind: "linear" | "branch";
  /** Position among steps of its kind, from 0. */
  index: number;
  /** Path of its incremental chunk file relative to the data directory. */
  chunkFile: string;
  changeHash: string;
}

const LINEAR_STEPS = 4;
const BRANCH_STEPS = 3;
/**
 * automerge-repo saves on change (throttled) and on flush(), and the two can overlap: overlapping saves write
 * the same chunk twice and count it twice towards compaction. Here the throttled save is put off beyond any test
 * (an hour), so every save is an explicit flush and none overlaps.
 */
const SAVE_DEBOUNCE_MS = 3_600_000;
const BASE_TEXT_LENGTH = 12_000;

const root = await mkdtemp(path.join(os.tmpdir(), "pandafest-torn-chunks-"));
afterAll(() => rm(root, { recursive: true, force: true }));
const pristine = path.join(root, "pristine", "data");
const fixture = await storeDiary(pristine);

describe("a torn chunk file under a real Repo", () => {
  it("starts from one snapshot and one incremental chunk per step", async () => {
    const files = await chunkFiles(pristine);
    expect(files.filter(isSnapshotFile)).toEqual([fixture.snapshotFile]);
    expect(files.filter((file) => !isSnapshotFile(file)).sort()).toEqual(fixture.steps.map((s) => s.chunkFile).sort());
    const everything = await readdir(pristine, { recursive: true });
    expect(everything.filter((file) => path.basename(file).startsWith("."))).toEqual([]); // no write in flight
  });

  const cases: Array<{ label: string; file: () => string; torn: StoredStep | "snapshot" }> = [
    { label: "the snapshot", file: () => fixture.snapshotFile, torn: "snapshot" },
    ...fixture.steps.map((step) => ({ label: `incremental ${step.name}`, file: () => step.chunkFile, torn: step })),
  ];

  it.each(cases)("reopens with $label torn", async ({ file, torn }) => {
    const copy = await freshCopy();
    const tornPath = path.join(copy.data, file());
    const tornBytes = await tearInHalf(tornPath);
    const untouched = await snapshotOfFiles(copy.data, (f) => f !== file());

    const reports: BadChunkReport[] = [];
    const adapter = new SafeFileStorageAdapter(copy.data, { onBadChunk: (report) => reports.push(report) });
    const doc = await openDiary(adapter);

    // The torn chunk is reported once and sits, byte for byte, in the quarantine directory.
    expect(reports).toHaveLength(1);
    expect(adapter.badChunks()).toEqual(reports);
    const [report] = reports;
    expect(report.key).toEqual(keyOfChunkFile(file()));
    expect(report.file).toBe(tornPath);
    expect(report.movedTo.startsWith(copy.quarantine + path.sep)).toBe(true);
    expect(new Uint8Array(await readFile(report.movedTo))).toEqual(tornBytes);
    await expect(stat(tornPath)).rejects.toMatchObject({ code: "ENOENT" });
    // Every other chunk file is still where it was, unchanged.
    expect(await snapshotOfFiles(copy.data, () => true)).toEqual(untouched);

    // Exactly the changes whose history avoids the torn chunk are visible.
    expect(visibleSteps(doc)).toEqual(expectedVisibleSteps(torn));
    expect("base" in doc).toBe(torn !== "snapshot");
    // What is missing is named precisely: the torn chunk's changes, when stored changes wait for them.
    const missing = A.getMissingDeps(doc, []).sort();
    if (torn === "snapshot") expect(missing).toEqual([...fixture.snapshotHeads].sort());
    else if (torn.kind === "linear" && torn.index < LINEAR_STEPS - 1) expect(missing).toEqual([torn.changeHash]);
    else expect(missing).toEqual([]); // nothing stored depends on the last linear step or on a branch
  });

  it("keeps the changes that wait for a torn chunk through compaction, and applies them once it arrives", async () => {
    const torn = fixture.steps.find((s) => s.kind === "linear" && s.index === 1);
    if (torn === undefined) throw new Error("fixture has no second linear step");
    const copy = await freshCopy();
    await tearInHalf(path.join(copy.data, torn.chunkFile));

    // Reopen and write enough that automerge-repo compacts, deleting the chunk files it loaded.
    const repo = newRepo(new SafeFileStorageAdapter(copy.data));
    const handle = await repo.find<Diary>(fixture.url);
    handle.change((d) => {
      d.base = seededText(BASE_TEXT_LENGTH * 2, 99);
    });
    await settle(repo);
    handle.change((d) => {
      d.steps["after-reopen"] = 1;
    });
    await settle(repo);
    await repo.shutdown();
    const filesNow = await chunkFiles(copy.data);
    expect(filesNow.filter(isSnapshotFile)).not.toContain(fixture.snapshotFile); // compacted
    for (const step of fixture.steps) expect(filesNow).not.toContain(step.chunkFile);

    // The later linear steps still wait in storage for the torn one...
    const reopened = newRepo(new SafeFileStorageAdapter(copy.data));
    const again = await reopened.find<Diary>(fixture.url);
    expect(A.getMissingDeps(again.doc(), [])).toEqual([torn.changeHash]);
    expect(visibleSteps(again.doc())).not.toContain("linear-2");
    // ...and appear as soon as a peer supplies the torn change.
    const intactChunk = new Uint8Array(await readFile(path.join(pristine, torn.chunkFile)));
    again.update((d) => A.loadIncremental(d, intactChunk));
    expect(visibleSteps(again.doc())).toEqual([...fixture.steps.map((s) => s.name), "after-reopen"].sort());
    await reopened.shutdown();
  });

  // NodeFSStorageAdapter concatenates the chunks in directory order; Automerge stops parsing at the
  // torn one, so every chunk listed after it is hidden too (and the next compaction deletes them).
  it("hides far less than automerge-repo's NodeFSStorageAdapter would", async () => {
    const copy = await freshCopy();
    const incrementalDir = path.join(copy.data, path.dirname(fixture.steps[0].chunkFile));
    const [firstListed] = (await readdir(incrementalDir)).filter((name) => !name.startsWith("."));
    const torn = fixture.steps.find((s) => path.basename(s.chunkFile) === firstListed);
    if (torn === undefined) throw new Error("no step for the first listed chunk file");
    await tearInHalf(path.join(incrementalDir, firstListed));

    const nodefsCopy = path.join(copy.root, "nodefs-data");
    await cp(copy.data, nodefsCopy, { recursive: true });
    const seenByNodefs = visibleSteps(await openDiary(new NodeFSStorageAdapter(nodefsCopy)));
    const seenByOurs = visibleSteps(await openDiary(new SafeFileStorageAdapter(copy.data)));

    expect(seenByNodefs).toEqual([]);
    expect(seenByOurs).toEqual(expectedVisibleSteps(torn));
    expect(seenByOurs.length).toBeGreaterThanOrEqual(BRANCH_STEPS - 1);
  });
});

function expectedVisibleSteps(torn: StoredStep | "snapshot"): string[] {
  if (torn === "snapshot") return []; // every change depends on the snapshot's changes
  return fixture.steps
    .filter((step) => {
      if (torn.kind === "branch") return step !== torn; // nothing depends on a branch step
      return step.kind === "branch" || step.index < torn.index; // later linear steps depend on it
    })
    .map((step) => step.name)
    .sort();
}

function visibleSteps(doc: A.Doc<Partial<Diary>>): string[] {
  return Object.keys(doc.steps ?? {}).sort();
}

function newRepo(storage: StorageAdapterInterface): Repo {
  return new Repo({ storage, network: [], saveDebounceRate: SAVE_DEBOUNCE_MS });
}

/** Saves what the repo holds (the only way it saves here: see SAVE_DEBOUNCE_MS). */
async function settle(repo: Repo): Promise<void> {
  await repo.flush();
}

async function openDiary(storage: StorageAdapterInterface): Promise<A.Doc<Partial<Diary>>> {
  const repo = newRepo(storage);
  const handle = await repo.find<Partial<Diary>>(fixture.url);
  const doc = handle.doc();
  await repo.shutdown();
  return doc;
}

async function storeDiary(data: string): Promise<{
  url: AutomergeUrl;
  snapshotFile: string;
  snapshotHeads: string[];
  steps: StoredStep[];
}> {
  const repo = newRepo(new SafeFileStorageAdapter(data));
  const handle = repo.create<Diary>({ base: seededText(BASE_TEXT_LENGTH, 1), steps: {} });
  await settle(repo);
  const [snapshotFile] = await chunkFiles(data);
  const snapshotHeads = A.getHeads(handle.doc());
  const snapshotState = A.clone(handle.doc());
  const steps: StoredStep[] = [];

  const recordStep = async (name: string, kind: StoredStep["kind"], index: number, edit: () => void) => {
    const before = new Set(await chunkFiles(data));
    edit(); // the repo may save as soon as it is changed, so list the files first
    await settle(repo);
    const added = (await chunkFiles(data)).filter((file) => !before.has(file));
    if (added.length !== 1 || isSnapshotFile(added[0])) throw new Error(`step ${name} did not add one incremental chunk`);
    const [changeHash] = A.getHeads(handle.doc()).filter((head) => !steps.some((s) => s.changeHash === head));
    steps.push({ name, kind, index, chunkFile: added[0], changeHash });
  };
  for (let i = 0; i < LINEAR_STEPS; i++) {
    await recordStep(`linear-${i}`, "linear", i, () =>
      handle.change((d) => {
        d.steps[`linear-${i}`] = i;
      }),
    );
  }
  for (let i = 0; i < BRANCH_STEPS; i++) {
    const fork = A.change(A.clone(snapshotState, { actor: randomBytes(16).toString("hex") }), (d) => {
      d.steps[`branch-${i}`] = i;
    });
    await recordStep(`branch-${i}`, "branch", i, () => handle.update((d) => A.merge(d, fork)));
  }
  await repo.shutdown();
  for (const step of steps) {
    // Each chunk holds exactly the one change of its step.
    const change = A.decodeChange(new Uint8Array(await readFile(path.join(data, step.chunkFile))));
    if (change.hash !== step.changeHash) throw new Error(`chunk of step ${step.name} holds another change`);
  }
  return { url: handle.url, snapshotFile, snapshotHeads, steps };
}

let copies = 0;
async function freshCopy(): Promise<{ root: string; data: string; quarantine: string }> {
  const copyRoot = path.join(root, `copy-${copies++}`);
  const data = path.join(copyRoot, "data");
  await cp(pristine, data, { recursive: true });
  return { root: copyRoot, data, quarantine: path.join(copyRoot, "quarantine") };
}

/** Truncates the file to half its size, as a write cut short by a crash would leave it; returns what is left. */
async function tearInHalf(file: string): Promise<Uint8Array> {
  const { size } = await stat(file);
  await truncate(file, Math.floor(size / 2));
  return new Uint8Array(await readFile(file));
}

/** Document chunk files (relative paths) under a data directory, without temporary files. */
async function chunkFiles(data: string): Promise<string[]> {
  const entries = await readdir(data, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
    .map((entry) => path.relative(data, path.join(entry.parentPath, entry.name)))
    .filter((file) => /(^|\/)(snapshot|incremental)\//.test(file.split(path.sep).join("/")));
}

async function snapshotOfFiles(data: string, include: (file: string) => boolean): Promise<Map<string, string>> {
  const contents = new Map<string, string>();
  for (const file of (await chunkFiles(data)).filter(include).sort()) {
    contents.set(file, (await readFile(path.join(data, file))).toString("base64"));
  }
  return contents;
}

function isSnapshotFile(file: string): boolean {
  return file.split(path.sep).includes("snapshot");
}

function keyOfChunkFile(file: string): string[] {
  const [fan, rest, ...parts] = file.split(path.sep);
  return [fan + rest, ...parts];
}

/** Deterministic text that does not compress much, so the snapshot is several kilobytes. */
function seededText(length: number, seed: number): string {
  let state = seed;
  let text = "";
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    text += "abcdefghijklmnopqrstuvwxyz0123456789 "[Math.floor(state / 65536) % 37];
  }
  return text;
}
