// Where things are on a stick: DIR/pandafest/<first 16 hex of a discovery key>/<bundle files>, visit
// records under visits/, and README.txt. Lists what a sync may read; temporary files are never listed. Node only.
import fs from "node:fs/promises";
import path from "node:path";
import { PandafestError } from "../engine/errors.js";
import { errorCode, isTemporaryFileName, removeStaleTemporaryFile } from "../engine/storage/atomic-file.js";
import { parseBundleFileName } from "./naming.js";

export const STICK_FOLDER = "pandafest";
/** A temporary file younger than this may belong to a sync still running on another machine's mount. */
export const STALE_STICK_TEMPORARY_MS = 10 * 60 * 1000;
const FESTIVAL_FOLDER_PATTERN = /^[0-9a-f]{16}$/;

export interface StickPaths {
  /** the stick's mount point, as given */
  mount: string;
  /** DIR/pandafest */
  root: string;
  readme: string;
  visits: string;
}

export function stickPaths(mount: string): StickPaths {
  const root = path.join(path.resolve(mount), STICK_FOLDER);
  return { mount: path.resolve(mount), root, readme: path.join(root, "README.txt"), visits: path.join(root, "visits") };
}

/** The folder of one festival: named by the first 16 hex digits of its discovery key. */
export function festivalFolder(paths: StickPaths, discoveryKey: string): string {
  return path.join(paths.root, discoveryKey.slice(0, 16));
}

export interface StickBundleFile {
  /** path relative to the stick's mount point, for reports */
  label: string;
  file: string;
  name: string;
  folder: string;
}

async function entries(directory: string): Promise<import("node:fs").Dirent[]> {
  try {
    return await fs.readdir(directory, { withFileTypes: true });
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return [];
    throw error;
  }
}

/** Refuses a mount point that does not exist or is not a directory. */
export async function checkMount(mount: string): Promise<void> {
  let stats;
  try {
    stats = await fs.stat(mount);
  } catch (error) {
    throw new PandafestError(`stick directory ${mount} does not exist: mount the stick and give its directory`, { code: "input", cause: error });
  }
  if (!stats.isDirectory()) throw new PandafestError(`${mount} is not a directory: give the directory the stick is mounted at`, { code: "input" });
}

/** Every bundle file on the stick, sorted: only names bundleFileName makes, in the folder their name says. */
export async function listStickBundles(paths: StickPaths): Promise<StickBundleFile[]> {
  const found: StickBundleFile[] = [];
  for (const folder of await entries(paths.root)) {
    if (!folder.isDirectory() || !FESTIVAL_FOLDER_PATTERN.test(folder.name)) continue;
    const directory = path.join(paths.root, folder.name);
    for (const file of await entries(directory)) {
      if (!file.isFile() || isTemporaryFileName(file.name)) continue;
      if (parseBundleFileName(file.name)?.discoveryKeyPrefix !== folder.name) continue;
      found.push({
        label: path.join(STICK_FOLDER, folder.name, file.name),
        file: path.join(directory, file.name),
        name: file.name,
        folder: directory,
      });
    }
  }
  return found.sort((left, right) => left.label.localeCompare(right.label));
}

/** Removes temporary files an interrupted sync left behind, once they are old enough to be abandoned. */
export async function removeAbandonedTemporaryFiles(paths: StickPaths, now = Date.now()): Promise<void> {
  const directories = [paths.root, paths.visits];
  for (const folder of await entries(paths.root)) {
    if (folder.isDirectory() && FESTIVAL_FOLDER_PATTERN.test(folder.name)) directories.push(path.join(paths.root, folder.name));
  }
  for (const directory of directories) {
    for (const file of await entries(directory)) {
      if (file.isFile() && isTemporaryFileName(file.name)) {
        await removeStaleTemporaryFile(path.join(directory, file.name), STALE_STICK_TEMPORARY_MS, now);
      }
    }
  }
}
