// A damaged chunk in a real data directory, through the real CLI: every intact change is kept, `check` reports
// what waits for the missing history every time, a bundle that holds it heals the festival, storage stays put.
import { cp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliJson, runCli, tempDir } from "../helpers/cli.js";

interface CheckReport {
  storage: { missing: string[]; waiting: string[]; quarantined: string[] };
}
interface ShownFestival {
  events: Record<string, { title: string }>;
}

const EDITS = ["E1", "E2", "E3", "E4"];
/** The edit whose chunk is damaged; the later edits build on it and must wait. */
const DAMAGED_EDIT = "E2";
/** E3 and E4 build on E2, each an edit and the attestation signed with it. */
const WAITING_CHANGES = 4;

/** Eleven ways a chunk file goes bad on a stick, a disk or in a crash. */
const FAULTS: Array<{ name: string; damage: (bytes: Uint8Array, other: Uint8Array) => Uint8Array }> = [
  { name: "empty", damage: () => new Uint8Array() },
  { name: "last byte cut", damage: (b) => b.subarray(0, b.length - 1) },
  { name: "torn in half", damage: (b) => b.subarray(0, Math.floor(b.length / 2)) },
  { name: "header only", damage: (b) => b.subarray(0, 8) },
  { name: "zero-filled", damage: (b) => new Uint8Array(b.length) },
  { name: "body byte flipped", damage: (b) => b.map((x, i) => (i === b.length - 3 ? x ^ 0x20 : x)) },
  { name: "checksum byte flipped", damage: (b) => b.map((x, i) => (i === 5 ? x ^ 0x01 : x)) },
  { name: "magic bytes wrong", damage: (b) => b.map((x, i) => (i === 0 ? 0x00 : x)) },
  { name: "garbage of the same length", damage: (b) => b.map((_, i) => (i * 131 + 7) & 0xff) },
  { name: "trailing garbage", damage: (b) => Uint8Array.from([...b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) },
  { name: "another chunk's bytes under its name", damage: (_, other) => other },
];

let root: string;
let pristine: string;
let festival: string;
let bundleFile: string;
/** chunk file (relative to the data directory) written by each edit */
const chunkOf = new Map<string, string>();

async function chunkFiles(dataDir: string): Promise<string[]> {
  const files = await readdir(path.join(dataDir, "documents"), { recursive: true });
  return files.filter((file) => /(^|\/)(snapshot|incremental)\/[^/]+$/.test(file)).sort();
}

async function damagedCopy(label: string, damage = FAULTS[0].damage): Promise<string> {
  const dataDir = path.join(root, label.replace(/[^a-z0-9]+/gi, "-"));
  await cp(pristine, dataDir, { recursive: true });
  const target = path.join(dataDir, "documents", chunkOf.get(DAMAGED_EDIT)!);
  const other = await readFile(path.join(dataDir, "documents", chunkOf.get("E1")!));
  await writeFile(target, damage(new Uint8Array(await readFile(target)), new Uint8Array(other)));
  return dataDir;
}

async function titles(dataDir: string): Promise<string[]> {
  const shown = await cliJson<ShownFestival>(dataDir, ["festival", "show", festival]);
  return Object.values(shown.events).map((event) => event.title).sort();
}

beforeAll(async () => {
  root = await tempDir("pandafest-waiting-");
  pristine = path.join(root, "pristine");
  await cliJson(pristine, ["init", "--name", "Ada"]);
  // a description long (and varied) enough that the snapshot outweighs a few edits: each edit stays its own chunk
  const created = await cliJson<{ id: string }>(pristine, [
    "festival", "create", "Waiting Fest", "--time-zone", "UTC", "--start", "2027-07-01", "--end", "2027-07-05",
    "--description", Array.from({ length: 2000 }, (_, i) => ((i * 2654435761) >>> 0).toString(36)).join(" "),
  ]);
  festival = created.id;
  await cliJson(pristine, ["venue", "add", festival, "--name", "Main"]);
  for (const [i, title] of EDITS.entries()) {
    const before = new Set(await chunkFiles(pristine));
    await cliJson(pristine, [
      "event", "add", festival, "--title", title, "--venue", "Main",
      "--start", `2027-07-02T1${i}:00:00Z`, "--end", `2027-07-02T1${i}:30:00Z`,
    ]);
    const added = (await chunkFiles(pristine)).filter((file) => !before.has(file));
    expect(added, `chunk written by ${title}`).toHaveLength(1);
    expect(added[0]).toContain("incremental");
    chunkOf.set(title, added[0]);
  }
  bundleFile = path.join(root, "whole.bundle");
  await cliJson(pristine, ["bundle", "export", festival, "--output", bundleFile]);
}, 300_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe("a damaged incremental chunk", () => {
  it.each(FAULTS)("($name) keeps the later changes and check reports them every time", async ({ name, damage }) => {
    const dataDir = await damagedCopy(name, damage);
    // the first run moves the damaged chunk aside; the second (and every later one) still reports what waits
    const report = await cliJson<CheckReport>(dataDir, ["check", festival]);
    expect(report.storage.missing).toHaveLength(1);
    expect(report.storage.waiting).toHaveLength(WAITING_CHANGES);
    expect(report.storage.quarantined).toHaveLength(1);
    const text = await runCli(dataDir, ["check", festival]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${WAITING_CHANGES} stored change(s) wait for 1 missing change(s)`);
    expect(text.stdout).toContain(`missing ${report.storage.missing[0]}`);
    expect(text.stdout).toContain(path.join(dataDir, "quarantine"));
    expect(text.stdout).toContain("bundle import");
  }, 120_000);

  it("is healed by importing a bundle that holds the missing changes, and check goes quiet", async () => {
    const dataDir = await damagedCopy("healed");
    expect(await titles(dataDir)).toEqual(["E1"]); // E2 is lost here, E3 and E4 wait for it
    await cliJson(dataDir, ["bundle", "import", bundleFile]);
    expect(await titles(dataDir)).toEqual(EDITS);
    const report = await cliJson<CheckReport>(dataDir, ["check", festival]);
    expect(report.storage.missing).toEqual([]);
    expect(report.storage.waiting).toEqual([]);
    const text = await runCli(dataDir, ["check", festival]);
    expect(text.stdout).not.toContain("wait for");
  }, 120_000);

  it("keeps the waiting changes through later edits, and repeated commands add no chunks", async () => {
    const dataDir = await damagedCopy("growth");
    await cliJson(dataDir, ["check", festival]); // moves the damaged chunk aside
    for (let i = 0; i < 2; i++) {
      await cliJson(dataDir, ["venue", "add", festival, "--name", `Side ${i}`]);
    }
    const afterEdits = await chunkFiles(dataDir);
    for (let i = 0; i < 2; i++) {
      await cliJson(dataDir, ["check", festival]);
      await cliJson(dataDir, ["festival", "show", festival]);
    }
    expect(await chunkFiles(dataDir)).toEqual(afterEdits);
    const report = await cliJson<CheckReport>(dataDir, ["check", festival]);
    expect(report.storage.waiting).toHaveLength(WAITING_CHANGES);
    await cliJson(dataDir, ["bundle", "import", bundleFile]);
    expect(await titles(dataDir)).toEqual(EDITS);
  }, 300_000);
});

describe("a damaged snapshot", () => {
  it("points at quarantine/, also when a view cache still shows the festival", async () => {
    const dataDir = path.join(root, "snapshot");
    await cp(pristine, dataDir, { recursive: true });
    expect(await titles(dataDir)).toEqual(EDITS); // writes the view cache
    const snapshot = (await chunkFiles(dataDir)).find((file) => file.includes("snapshot/"))!;
    const file = path.join(dataDir, "documents", snapshot);
    const bytes = new Uint8Array(await readFile(file));
    await writeFile(file, bytes.subarray(0, bytes.length - 1));

    const checked = await runCli(dataDir, ["check", festival]);
    expect(checked.code).not.toBe(0);
    expect(checked.stderr).toContain(path.join(dataDir, "quarantine"));
    expect(checked.stderr).toContain("bundle import");
    expect(checked.stderr).not.toContain("not a pandafest festival");
    const shown = await runCli(dataDir, ["festival", "show", festival]);
    expect(shown.code).not.toBe(0);
    expect(shown.stderr).toContain(path.join(dataDir, "quarantine"));
  }, 120_000);
});
