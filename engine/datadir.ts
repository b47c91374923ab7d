// Where a pandafest data directory lives and what it holds.
// --data DIR, else $PANDAFEST_DATA, else $XDG_DATA_HOME/pandafest, else ~/.local/share/pandafest.
import os from "node:os";
import path from "node:path";

export function resolveDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit && explicit.length > 0) return path.resolve(explicit);
  if (env.PANDAFEST_DATA && env.PANDAFEST_DATA.length > 0) return path.resolve(env.PANDAFEST_DATA);
  const xdg = env.XDG_DATA_HOME && env.XDG_DATA_HOME.length > 0 ? env.XDG_DATA_HOME : path.join(os.homedir(), ".local", "share");
  return path.join(path.resolve(xdg), "pandafest");
}

/** The fixed layout inside a data directory. */
export function dataLayout(dataDir: string) {
  return {
    root: dataDir,
    /** automerge-repo chunks, written by the crash-safe adapter */
    documents: path.join(dataDir, "documents"),
    /** chunks that failed their check on load, moved aside, never deleted */
    quarantine: path.join(dataDir, "quarantine"),
    /** one small JSON file per festival this machine follows, and next to it the festival's view cache (see view-cache.ts) */
    festivals: path.join(dataDir, "festivals"),
    identity: path.join(dataDir, "identity.json"),
  };
}
