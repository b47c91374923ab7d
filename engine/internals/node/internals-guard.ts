// The version guard for pandafest's reaches into Automerge and automerge-repo internals (docs/INTERNALS.md lists
// them): on exactly the versions they were written for they are used; otherwise every reach is off. Node only.
import { createRequire } from "node:module";
import path from "node:path";

/** The versions every reach was written and tested against. */
export const KNOWN_VERSIONS: Readonly<Record<string, string>> = {
  "@automerge/automerge": "3.5.0",
  "@automerge/automerge-repo": "2.5.6",
};

export type InternalsStanding = { usable: true } | { usable: false; reason: string };

/**
 * Whether the reaches may be used with these installed versions (and this environment): any version other
 * than the known one switches them all off, so an unknown version never half-works.
 * PANDAFEST_INTERNALS=off switches them off too (the tests run the LAN suite so, on the public APIs alone).
 */
export function internalsStanding(installed: Readonly<Record<string, string | undefined>>, environment: NodeJS.ProcessEnv = {}): InternalsStanding {
  if (environment.PANDAFEST_INTERNALS === "off") return { usable: false, reason: "PANDAFEST_INTERNALS=off" };
  for (const [name, known] of Object.entries(KNOWN_VERSIONS)) {
    const version = installed[name];
    if (version !== known) return { usable: false, reason: `${name} is ${version ?? "not found"}, the reaches into its internals were written for ${known}` };
  }
  return { usable: true };
}

/** The installed version of a package, read from its package.json (undefined when it cannot be found). */
function installedVersion(name: string): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    let directory = path.dirname(require.resolve(name));
    for (let depth = 0; depth < 6; depth++) {
      try {
        const manifest = require(path.join(directory, "package.json")) as { name?: string; version?: string };
        if (manifest.name === name) return manifest.version;
      } catch {
        // not here: one level up
      }
      directory = path.dirname(directory);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

let standing: InternalsStanding | undefined;

/** This process's standing, decided once. */
export function internals(): InternalsStanding {
  standing ??= internalsStanding(Object.fromEntries(Object.keys(KNOWN_VERSIONS).map((name) => [name, installedVersion(name)])), process.env);
  return standing;
}
