// One writer per data directory: while `pandafest serve` runs, a CLI command is carried out by the server on its
// store. The CLI process touches nothing of documents/; output, exit codes, failures and relative paths still work.
import fs from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { festivalFixture, repoRoot, runCli, snapshotDir, tempDir, type CliResult } from "../helpers/cli.js";
import { killAllServers, serverHeads, startServe, type ServeProcess } from "./lan-helpers.js";

const RECORDER = pathToFileURL(path.join(repoRoot, "test", "helpers", "record-data-access.mjs")).href;

let fixture: { dataDir: string; festival: string; venue: string };
let server: ServeProcess;
let token: string;

/** Runs the CLI with every file operation under the data directory's documents/ recorded; returns them too. */
async function recordedRun(dataDir: string, args: string[], cwd?: string): Promise<CliResult & { touched: string[] }> {
  const record = path.join(await tempDir("pandafest-record-"), "touched.txt");
  const result = await runCli(dataDir, args, { NODE_OPTIONS: `--import ${RECORDER}`, PANDAFEST_RECORD_UNDER: path.join(dataDir, "documents"), PANDAFEST_RECORD_TO: record }, { cwd });
  const touched = (await fs.readFile(record, "utf8").catch(() => "")).split("\n").filter((line) => line.length > 0);
  return { ...result, touched };
}

function postCommand(body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}/api/local/command`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

beforeAll(async () => {
  fixture = await festivalFixture("One Writer Fest");
  server = await startServe(fixture.dataDir);
  token = (JSON.parse(await fs.readFile(path.join(fixture.dataDir, "server.json"), "utf8")) as { commandToken: string }).commandToken;
});

afterAll(async () => {
  await server?.stop();
  killAllServers();
});

describe("a CLI run while a server holds the data directory", () => {
  it("without a server, the same command reads and writes documents/ itself (the recorder sees it)", async () => {
    const alone = await festivalFixture("Alone Fest");
    const run = await recordedRun(alone.dataDir, ["--json", "venue", "add", alone.festival, "--name", "Side Stage"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.touched.length).toBeGreaterThan(0);
  });

  it("is carried out by the server: the CLI process touches nothing of documents/, and the server holds the edit when it exits", async () => {
    const before = await serverHeads(server.url, fixture.festival);
    const run = await recordedRun(fixture.dataDir, ["--json", "venue", "add", fixture.festival, "--name", "Forwarded Stage"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.touched).toEqual([]);
    const added = JSON.parse(run.stdout) as { id: string };
    expect(added.id).toMatch(/^v_/);
    // no waiting: the server made the change itself, so it holds it the moment the command returned
    expect(await serverHeads(server.url, fixture.festival)).not.toEqual(before);
    const listed = await recordedRun(fixture.dataDir, ["--json", "venue", "list", fixture.festival]);
    expect(listed.touched).toEqual([]);
    expect(listed.stdout).toContain(added.id);
    expect(listed.stdout).toContain("Forwarded Stage");
  });

  it("a command that fails in the server exits 1 with its message here, and changes nothing", async () => {
    const heads = await serverHeads(server.url, fixture.festival);
    const run = await recordedRun(fixture.dataDir, [
      "event", "add", fixture.festival, "--title", "Half", "--venue", fixture.venue,
      "--start", "2027-07-02T10:00+02:00", "--end", "2027-07-02T11:00+02:00", "--host", "   ",
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^pandafest: .*person name/m);
    expect(run.stdout).toBe("");
    expect(await serverHeads(server.url, fixture.festival)).toEqual(heads);
    const usage = await runCli(fixture.dataDir, ["venue", "add", fixture.festival, "--no-such-option"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("required option");
  });

  it("reads and writes files named on the command line against the caller's working directory", async () => {
    const cwd = await tempDir("pandafest-cwd-");
    const exported = await recordedRun(fixture.dataDir, ["--json", "bundle", "export", fixture.festival, "-o", "carried.bundle"], cwd);
    expect(exported.code, exported.stderr).toBe(0);
    expect((await fs.stat(path.join(cwd, "carried.bundle"))).size).toBeGreaterThan(0);
    const verified = await recordedRun(fixture.dataDir, ["--json", "bundle", "verify", "carried.bundle"], cwd);
    expect(verified.code, verified.stderr).toBe(0);
    expect((JSON.parse(verified.stdout) as { valid: boolean }[])[0].valid).toBe(true);
    const schedule = await recordedRun(fixture.dataDir, ["export", fixture.festival, "--format", "frab-json", "-o", "schedule.json"], cwd);
    expect(schedule.code, schedule.stderr).toBe(0);
    expect(JSON.parse(await fs.readFile(path.join(cwd, "schedule.json"), "utf8"))).toHaveProperty("schedule");
    expect([...exported.touched, ...verified.touched, ...schedule.touched]).toEqual([]);
  });

  it("a festival created through the server is listed and served by it at once", async () => {
    const created = JSON.parse((await runCli(fixture.dataDir, ["--json", "festival", "create", "Made While Serving", "--time-zone", "UTC", "--start", "2027-08-01", "--end", "2027-08-02"])).stdout) as { id: string };
    const listed = (await (await fetch(`${server.url}/api/festivals`)).json()) as { id: string }[];
    expect(listed.map((festival) => festival.id)).toContain(created.id);
  });

  it("takes commands only with the token of server.json, and never from a web page", async () => {
    const before = await snapshotDir(path.join(fixture.dataDir, "documents"));
    const command = { argv: ["venue", "add", fixture.festival, "--name", "Intruder"], cwd: "/" };
    expect((await postCommand(command, {})).status).toBe(401);
    expect((await postCommand(command, { authorization: `Bearer ${"0".repeat(64)}` })).status).toBe(401);
    expect((await postCommand(command, { authorization: `Bearer ${token}`, origin: server.url })).status).toBe(403);
    expect((await postCommand(command, { authorization: `Bearer ${token}`, origin: "http://evil.example" })).status).toBe(403);
    expect((await postCommand({ argv: "venue add", cwd: "/" }, { authorization: `Bearer ${token}` })).status).toBe(400);
    expect(await snapshotDir(path.join(fixture.dataDir, "documents"))).toEqual(before);
    const mode = (await fs.stat(path.join(fixture.dataDir, "server.json"))).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it("a server stopped meanwhile leaves the CLI to work on the directory itself", async () => {
    const { dataDir, festival } = await festivalFixture("Stopped Fest");
    const own = await startServe(dataDir);
    await own.stop();
    const run = await recordedRun(dataDir, ["--json", "venue", "add", festival, "--name", "After Stop"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.touched.length).toBeGreaterThan(0);
  });
});
