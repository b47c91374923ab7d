// Test helpers that drive the real `pandafest` command as a separate process on real data directories.
// Tests run the compiled CLI (bin/pandafest.js -> dist/), built by `npm test` before vitest starts.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const cliPath = path.join(repoRoot, "bin", "pandafest.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function startCli(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}, options: { cwd?: string } = {}): ChildProcess {
  return spawn(process.execPath, [cliPath, "--data", dataDir, ...args], {
    cwd: options.cwd,
    env: { ...process.env, TZ: process.env.TZ ?? "UTC", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export function runCli(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}, options: { cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = startCli(dataDir, args, env, options);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk) => (stdout += chunk));
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

/** Runs the CLI and parses its --json output, failing loudly with stderr when the command failed. */
export async function cliJson<T = unknown>(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<T> {
  const result = await runCli(dataDir, ["--json", ...args], env);
  if (result.code !== 0) throw new Error(`pandafest ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

export async function tempDir(prefix = "pandafest-test-"): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Every file under dir with its size and a hash of its bytes: equal snapshots mean byte-for-byte equal trees. */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  async function walk(current: string): Promise<void> {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      const rel = path.relative(dir, full);
      if (entry.isDirectory()) {
        snapshot[rel + "/"] = "dir";
        await walk(full);
      } else {
        const bytes = await fs.readFile(full);
        snapshot[rel] = `${bytes.length}:${createHash("sha256").update(bytes).digest("hex")}`;
      }
    }
  }
  await walk(dir);
  return snapshot;
}

/** A data directory with an identity and one festival with a venue, ready for edits. */
export async function festivalFixture(name = "Test Fest", options: { open?: boolean } = {}): Promise<{ dataDir: string; festival: string; venue: string }> {
  const dataDir = await tempDir();
  await cliJson(dataDir, ["init", "--name", "Ada"]);
  const created = await cliJson<{ id: string }>(dataDir, [
    "festival", "create", name, "--time-zone", "Europe/Berlin", "--start", "2027-07-01", "--end", "2027-07-05", ...(options.open ? ["--open"] : []),
  ]);
  const venue = await cliJson<{ id: string }>(dataDir, ["venue", "add", created.id, "--name", "Main Stage", "--capacity", "500"]);
  return { dataDir, festival: created.id, venue: venue.id };
}
