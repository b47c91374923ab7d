// Where things are on a stick: DIR/pandafest/<first 16 hex of a discovery key>/<bundle files>, visit
// records under visits/, and README.txt. Lists what a sync may read, never following a link. Node only.
import { constants } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { PandafestError } from "../../engine/core/errors.js";
import { errorCode, isTemporaryFileName, removeStaleTemporaryFile } from "../../engine/node/storage/atomic-file.js";
import { parseBundleFileName } from "../format/naming.js";
import { isRequestFileName } from "../format/request-file.js";

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
  /** access requests of newcomers: one sealed file per request (bundles/format/request-file.ts) */
  requests: string;
}

export function stickPaths(mount: string): StickPaths {
  const root = path.join(path.resolve(mount), STICK_FOLDER);
  return { mount: path.resolve(mount), root, readme: path.join(root, "README.txt"), visits: path.join(root, "visits"), requests: path.join(root, "requests") };
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

/** Opening a file on the stick with this flag fails (ELOOP) when the file itself is a link. */
export const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/** A path on the stick pandafest will not use: a link (never followed) or a file where a folder should be. */
export class StickPathProblem extends PandafestError {
  constructor(
    readonly label: string,
    readonly reason: string,
  ) {
    super(`${label}: ${reason}`, { code: "input" });
    this.name = "StickPathProblem";
  }
}

type EntryKind = "missing" | "directory" | "file" | "link" | "other";

/** What is at `target`, without following a link there. */
async function entryKind(target: string): Promise<EntryKind> {
  try {
    const stats = await fs.lstat(target);
    if (stats.isSymbolicLink()) return "link";
    if (stats.isDirectory()) return "directory";
    return stats.isFile() ? "file" : "other";
  } catch (error) {
    if (errorCode(error) === "ENOENT") return "missing";
    throw error;
  }
}

function labelOf(paths: StickPaths, target: string): string {
  return path.relative(paths.mount, target) || ".";
}

const LINK_REASON = "is a symbolic link; pandafest never follows links on a stick (remove the link)";
const NOT_A_FOLDER_REASON = "is a file where a folder should be (move it away to sync this part of the stick)";

/**
 * Checks every component from DIR/pandafest down to `directory` without following links: each must be a
 * folder or not exist yet (it is created when written). Throws StickPathProblem naming the first bad one.
 */
export async function checkStickFolder(paths: StickPaths, directory: string): Promise<void> {
  const below = path.relative(paths.root, directory);
  if (below.startsWith("..") || path.isAbsolute(below)) throw new StickPathProblem(labelOf(paths, directory), "is outside the stick's pandafest folder");
  let current = paths.root;
  for (const part of ["", ...below.split(path.sep).filter((segment) => segment.length > 0)]) {
    current = path.join(current, part);
    const kind = await entryKind(current);
    if (kind === "missing") return;
    if (kind === "link") throw new StickPathProblem(labelOf(paths, current), LINK_REASON);
    if (kind !== "directory") throw new StickPathProblem(labelOf(paths, current), NOT_A_FOLDER_REASON);
  }
}

/** Checks that `file` on the stick is a plain file or absent (a link there is refused). */
export async function checkStickFile(paths: StickPaths, file: string): Promise<void> {
  await checkStickFolder(paths, path.dirname(file));
  const kind = await entryKind(file);
  if (kind === "link") throw new StickPathProblem(labelOf(paths, file), LINK_REASON);
  if (kind !== "missing" && kind !== "file") throw new StickPathProblem(labelOf(paths, file), "is not a plain file");
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

export interface StickListing {
  files: StickBundleFile[];
  /** festival folders and bundle files that are links or not what their name says, left alone */
  problems: StickPathProblem[];
}

/**
 * Every bundle file on the stick, sorted: only names bundleFileName makes, in the folder their name says.
 * Links (to folders or files) and files where a festival folder should be are reported, never followed.
 */
export async function listStickBundles(paths: StickPaths): Promise<StickListing> {
  const found: StickBundleFile[] = [];
  const problems: StickPathProblem[] = [];
  for (const folder of await entries(paths.root)) {
    if (!FESTIVAL_FOLDER_PATTERN.test(folder.name)) continue;
    const directory = path.join(paths.root, folder.name);
    if (folder.isSymbolicLink()) problems.push(new StickPathProblem(labelOf(paths, directory), LINK_REASON));
    else if (!folder.isDirectory()) problems.push(new StickPathProblem(labelOf(paths, directory), NOT_A_FOLDER_REASON));
    if (!folder.isDirectory()) continue;
    for (const file of await entries(directory)) {
      if (isTemporaryFileName(file.name) || parseBundleFileName(file.name)?.discoveryKeyPrefix !== folder.name) continue;
      if (file.isSymbolicLink()) problems.push(new StickPathProblem(labelOf(paths, path.join(directory, file.name)), LINK_REASON));
      if (!file.isFile()) continue;
      found.push({
        label: path.join(STICK_FOLDER, folder.name, file.name),
        file: path.join(directory, file.name),
        name: file.name,
        folder: directory,
      });
    }
  }
  return { files: found.sort((left, right) => left.label.localeCompare(right.label)), problems };
}

/**
 * Every access request file on the stick (requests/<name>.pfr), sorted. A requests folder or file that is a link,
 * or a file where the folder should be, is reported and never followed.
 */
export async function listStickRequests(paths: StickPaths): Promise<StickListing> {
  const problems: StickPathProblem[] = [];
  const kind = await entryKind(paths.requests);
  if (kind === "missing") return { files: [], problems };
  if (kind === "link") return { files: [], problems: [new StickPathProblem(labelOf(paths, paths.requests), LINK_REASON)] };
  if (kind !== "directory") return { files: [], problems: [new StickPathProblem(labelOf(paths, paths.requests), NOT_A_FOLDER_REASON)] };
  const found: StickBundleFile[] = [];
  for (const file of await entries(paths.requests)) {
    if (isTemporaryFileName(file.name) || !isRequestFileName(file.name)) continue;
    const target = path.join(paths.requests, file.name);
    if (file.isSymbolicLink()) problems.push(new StickPathProblem(labelOf(paths, target), LINK_REASON));
    if (!file.isFile()) continue;
    found.push({ label: path.join(STICK_FOLDER, "requests", file.name), file: target, name: file.name, folder: paths.requests });
  }
  return { files: found.sort((left, right) => left.label.localeCompare(right.label)), problems };
}

/** Removes temporary files an interrupted sync left behind, once they are old enough to be abandoned. */
export async function removeAbandonedTemporaryFiles(paths: StickPaths, now = Date.now()): Promise<void> {
  const directories = [paths.root];
  if ((await entryKind(paths.visits)) === "directory") directories.push(paths.visits);
  if ((await entryKind(paths.requests)) === "directory") directories.push(paths.requests);
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
