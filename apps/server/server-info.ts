// DATA/server.json: how other processes on this machine find the server running on a data directory.
// Written atomically when the server starts listening, removed when it stops; a stale file is recognised and ignored.
import fs from "node:fs/promises";
import path from "node:path";
import { writeFileAtomically } from "../../engine/node/storage/atomic-file.js";

export const SERVER_INFO_FILE = "server.json";

export interface ServerInfo {
  pid: number;
  /** the URL people open (printed on start) */
  url: string;
  /** the URL a process on this machine uses (loopback when the server binds all interfaces) */
  localUrl: string;
  host: string;
  port: number;
  instanceId: string;
  startedAt: string;
  /** present when the server runs the CLI's commands: the bearer token of POST /api/local/command (this file is 0600) */
  commandToken?: string;
}

export function serverInfoPath(dataDir: string): string {
  return path.join(dataDir, SERVER_INFO_FILE);
}

export async function writeServerInfo(dataDir: string, info: ServerInfo): Promise<void> {
  await writeFileAtomically(serverInfoPath(dataDir), new TextEncoder().encode(JSON.stringify(info, null, 2) + "\n"));
}

/** The recorded server, if the file exists and is well formed (whether it still runs is another question). */
export async function readServerInfo(dataDir: string): Promise<ServerInfo | undefined> {
  let text: string;
  try {
    text = await fs.readFile(serverInfoPath(dataDir), "utf8");
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== "object") return undefined;
  const r = parsed as Record<string, unknown>;
  if (
    typeof r.pid !== "number" || typeof r.url !== "string" || typeof r.localUrl !== "string" || typeof r.host !== "string" ||
    typeof r.port !== "number" || typeof r.instanceId !== "string" || typeof r.startedAt !== "string"
  ) {
    return undefined;
  }
  const commandToken = typeof r.commandToken === "string" && /^[0-9a-f]{64}$/.test(r.commandToken) ? r.commandToken : undefined;
  return { pid: r.pid, url: r.url, localUrl: r.localUrl, host: r.host, port: r.port, instanceId: r.instanceId, startedAt: r.startedAt, commandToken };
}

/** Removes server.json if it still describes this server (a newer server may have replaced it). */
export async function removeServerInfo(dataDir: string, instanceId: string): Promise<void> {
  const current = await readServerInfo(dataDir);
  if (current && current.instanceId !== instanceId) return;
  await fs.rm(serverInfoPath(dataDir), { force: true });
}

export function processIsAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The server running on this data directory, if one answers: the file exists, its process lives, and
 * /api/status reports the same instance. Anything else (no file, stale file, no answer) is undefined.
 */
export async function findRunningServer(dataDir: string, timeoutMs = 2000): Promise<ServerInfo | undefined> {
  const info = await readServerInfo(dataDir);
  if (!info || !processIsAlive(info.pid)) return undefined;
  try {
    const response = await fetch(new URL("/api/status", info.localUrl), { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    const status = (await response.json()) as { instanceId?: unknown };
    return status.instanceId === info.instanceId ? info : undefined;
  } catch {
    return undefined;
  }
}
