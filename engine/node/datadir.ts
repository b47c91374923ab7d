// Where a pandafest data directory lives, what it holds, and that it stays private to its user.
// --data DIR, else $PANDAFEST_DATA, else $XDG_DATA_HOME/pandafest, else ~/.local/share/pandafest.
import type { Stats } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { errorCode } from "./storage/atomic-file.js";

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

const PRIVATE_DIRECTORY_MODE = 0o700;
const PRIVATE_FILE_MODE = 0o600;

/**
 * Keeps an existing data directory private to its user: it holds private festivals in clear and their ids in
 * file names. The directory is forced to 0700. When it, or anything directly in it, was looser (made by an older
 * version, by hand, or under a loose umask), every directory below becomes 0700 and every file 0600; otherwise
 * nothing below is visited, so a command pays a directory listing, not a walk. Symbolic links are never followed.
 * Files pandafest writes are created private (see atomic-file.ts), so one such repair lasts. A directory that
 * does not exist yet is left alone (it is created 0700 when something is stored).
 */
export async function keepDataDirectoryPrivate(dataDir: string): Promise<void> {
  if (process.platform === "win32") return;
  const root = await fs.stat(dataDir).catch((error: unknown) => {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }); // the data directory itself may be a link to where it is kept
  if (root === undefined || !root.isDirectory()) return;
  let loose = isLooserThanPrivate(root.mode, PRIVATE_DIRECTORY_MODE);
  if (!loose) {
    for (const name of await fs.readdir(dataDir)) {
      const stats = await statIfPresent(path.join(dataDir, name));
      if (stats !== undefined && !stats.isSymbolicLink() && isLooserThanPrivate(stats.mode, stats.isDirectory() ? PRIVATE_DIRECTORY_MODE : PRIVATE_FILE_MODE)) {
        loose = true;
        break;
      }
    }
  }
  if (loose) await makePrivate(dataDir, root);
}

function isLooserThanPrivate(mode: number, privateMode: number): boolean {
  return (mode & 0o777 & ~privateMode) !== 0;
}

async function statIfPresent(file: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(file);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
}

/** chmod 0700 on `directory` and every directory below, 0600 on every file; links and vanished entries are skipped. */
async function makePrivate(directory: string, stats: Stats): Promise<void> {
  if ((stats.mode & 0o777) !== PRIVATE_DIRECTORY_MODE) await fs.chmod(directory, PRIVATE_DIRECTORY_MODE);
  let names: string[];
  try {
    names = await fs.readdir(directory);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return;
    throw error;
  }
  for (const name of names) {
    const entry = path.join(directory, name);
    const entryStats = await statIfPresent(entry);
    if (entryStats === undefined || entryStats.isSymbolicLink()) continue;
    if (entryStats.isDirectory()) await makePrivate(entry, entryStats);
    else if ((entryStats.mode & 0o777) !== PRIVATE_FILE_MODE) await fs.chmod(entry, PRIVATE_FILE_MODE).catch(ignoreVanished);
  }
}

function ignoreVanished(error: unknown): void {
  if (errorCode(error) !== "ENOENT") throw error;
}
