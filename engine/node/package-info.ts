// Where pandafest is installed and which version it is: the folder with its package.json, found from this module's
// own location (it runs from source under vitest and compiled under dist/), and the version that file names.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The package root (the folder with pandafest's package.json). */
export function packageRoot(): string {
  return packageManifest().root;
}

/** pandafest's version, as its package.json gives it. */
export function packageVersion(): string {
  return packageManifest().version;
}

let found: { root: string; version: string } | undefined;

function packageManifest(): { root: string; version: string } {
  if (found !== undefined) return found;
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 8; depth++) {
    try {
      const parsed = JSON.parse(fs.readFileSync(path.join(directory, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
      if (parsed.name === "pandafest") {
        found = { root: directory, version: typeof parsed.version === "string" ? parsed.version : "unknown" };
        return found;
      }
    } catch {
      // not here; look one level up
    }
    const parent = path.dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  throw new Error("cannot find the pandafest package root from " + fileURLToPath(import.meta.url));
}
