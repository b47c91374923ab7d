// The machine and software a benchmark ran on: cores, CPU model, memory, Node, and the installed version
// of every dependency in package.json (read from node_modules/<name>/package.json).
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  platform: string;
  arch: string;
  node: string;
  /** load average over the last minute when the run started (a busy machine gives slower figures) */
  loadAverage: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    node: process.version,
    loadAverage: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
}

/** name -> installed version ("missing" when not installed) for dependencies and devDependencies. */
export async function dependencyVersions(repoRoot: string): Promise<Record<string, string>> {
  const manifest = await readJson(path.join(repoRoot, "package.json"));
  const names = new Set<string>();
  for (const field of ["dependencies", "devDependencies"]) {
    const entries = manifest[field];
    if (typeof entries === "object" && entries !== null) for (const name of Object.keys(entries)) names.add(name);
  }
  const versions: Record<string, string> = {};
  for (const name of [...names].sort()) {
    try {
      const installed = await readJson(path.join(repoRoot, "node_modules", ...name.split("/"), "package.json"));
      versions[name] = typeof installed.version === "string" ? installed.version : "unknown";
    } catch {
      versions[name] = "missing";
    }
  }
  return versions;
}
