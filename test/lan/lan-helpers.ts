// Helpers for the LAN tests: real `pandafest serve` processes on loopback, bounded waiting, and the
// read-only JSON a server publishes. Every wait has a deadline; every server binds 127.0.0.1.
import * as A from "@automerge/automerge";
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import type { Mode } from "../../engine/core/governance/index.js";
import type { FestivalInput } from "../../engine/core/skeleton.js";
import type { FestivalStore } from "../../engine/node/store.js";
import { cliPath } from "../helpers/cli.js";

export interface ServeProcess {
  dataDir: string;
  url: string;
  port: number;
  sync: string;
  child: ChildProcess;
  /** everything the server wrote to stderr so far */
  log(): string;
  /** SIGTERM (or another signal) and wait for the exit; resolves with the exit code */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Starts `pandafest serve --port 0 --json` (or the given port) and waits for its JSON line. */
export async function startServe(dataDir: string, args: string[] = [], port = 0): Promise<ServeProcess> {
  const child = spawn(process.execPath, [cliPath, "--data", dataDir, "serve", "--port", String(port), "--json", ...args], {
    env: { ...process.env, TZ: "UTC" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => {
    running.delete(child);
    resolve(code);
  }));
  const started = await new Promise<{ url: string; port: number; sync: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pandafest serve did not start within 20 s:\n${stderr}`)), 20_000);
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
      const newline = stdout.indexOf("\n");
      if (newline >= 0) {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(stdout.slice(0, newline)) as { url: string; port: number; sync: string });
        } catch (error) {
          reject(error);
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`pandafest serve exited with ${code} before starting:\n${stderr}`));
    });
  });
  return {
    dataDir,
    ...started,
    child,
    log: () => stderr,
    stop: async (signal: NodeJS.Signals = "SIGTERM") => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

/** Kills whatever a failed test left running. */
export function killAllServers(): void {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
}

/** Polls `probe` until it returns something other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ""}`);
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return (await response.json()) as T;
}

/** A festival's heads as a server holds them, or undefined when it does not hold it. */
export async function serverHeads(baseUrl: string, festivalId: string): Promise<string[] | undefined> {
  const response = await fetch(`${baseUrl}/api/heads/${festivalId}`, { signal: AbortSignal.timeout(5000) });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`GET heads: ${response.status}`);
  return ((await response.json()) as { heads: string[] }).heads.slice().sort();
}

/** Whether the server holds every change named in `heads`. */
export async function serverHasHeads(baseUrl: string, festivalId: string, heads: string[]): Promise<boolean> {
  const response = await fetch(`${baseUrl}/api/heads/${festivalId}?contains=${heads.join(",")}`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) return false;
  return ((await response.json()) as { contains: boolean }).contains;
}

/** A TCP port that was free a moment ago (for restarting a server on the same address). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A private festival still at epoch 0 (no key of its own), as festivals made before member keys are: whoever knows
 * its id may get it (today a private festival starts its own key epoch when it is made: members only).
 */
export async function epochZeroPrivateFestival(store: FestivalStore, input: Omit<FestivalInput, "visibility">, options: { mode?: Mode } = {}): Promise<{ id: string }> {
  const made = await store.create({ ...input, visibility: "public" }, options);
  const { editor } = await store.editorFor(made.id);
  editor.change((doc) => {
    (doc as unknown as { visibility: A.ImmutableString }).visibility = new A.ImmutableString("private");
  }, "private, before member keys");
  await store.commit();
  return { id: made.id };
}
