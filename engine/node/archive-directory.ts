// Writes a static archive (engine/core/archive) into a folder, all or nothing: into a hidden sibling first, then
// renamed into place. Replaces a folder it wrote before; refuses any other non-empty folder unless forced.
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { ARCHIVE_MANIFEST, parseArchiveManifest, type ArchiveFile } from "../core/archive/index.js";
import { PandafestError } from "../core/errors.js";
import { crashPoint } from "./fault-injection.js";
import { diskFullError, ensureDirectory, errorCode, isDiskFull, syncDirectory } from "./storage/atomic-file.js";

/** What was at the target before: nothing, an empty folder, an archive written before, or (forced) anything else. */
export type ReplacedContent = "nothing" | "empty folder" | "previous archive" | "other files (forced)";

export interface WrittenArchive {
  directory: string;
  replaced: ReplacedContent;
  files: { path: string; bytes: number }[];
  bytes: number;
}

/** Past this many entries a folder is not looked through: it is not an archive this writer would recognise. */
const MAX_LISTED_ENTRIES = 500_000;
/** Hidden siblings an interrupted export left behind are removed once they are this old (younger ones may be in use). */
const STALE_SIBLING_MS = 60 * 60 * 1000;
/** Files written at once. */
const PARALLEL_WRITES = 16;
const SHARED_FILE_MODE = 0o666;
const SHARED_DIRECTORY_MODE = 0o777;

function siblingPattern(base: string): RegExp {
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^\\.${escaped}\\.archive-[0-9a-f]{12}\\.(tmp|old)$`);
}

function siblingName(base: string, kind: "tmp" | "old"): string {
  return `.${base}.archive-${randomBytes(6).toString("hex")}.${kind}`;
}

/** Every file and folder under `directory`, relative with "/"; undefined past MAX_LISTED_ENTRIES or at a link. */
async function listTree(directory: string): Promise<{ files: string[]; folders: string[]; links: string[] } | undefined> {
  const files: string[] = [];
  const folders: string[] = [];
  const links: string[] = [];
  const pending = [""];
  while (pending.length > 0) {
    const relative = pending.pop() as string;
    const entries = await fs.readdir(path.join(directory, relative), { withFileTypes: true });
    for (const entry of entries) {
      const entryPath = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (files.length + folders.length + links.length >= MAX_LISTED_ENTRIES) return undefined;
      if (entry.isDirectory()) {
        folders.push(entryPath);
        pending.push(entryPath);
      } else if (entry.isFile()) files.push(entryPath);
      else links.push(entryPath);
    }
  }
  return { files, folders, links };
}

/** Whether the folder holds exactly an archive this writer made: its manifest and only the files it lists. */
async function isPreviousArchive(directory: string, tree: { files: string[]; folders: string[]; links: string[] }): Promise<boolean> {
  if (tree.links.length > 0 || !tree.files.includes(ARCHIVE_MANIFEST)) return false;
  let text: string;
  try {
    text = await fs.readFile(path.join(directory, ARCHIVE_MANIFEST), "utf8");
  } catch {
    return false;
  }
  const manifest = parseArchiveManifest(text);
  if (manifest === undefined) return false;
  const listed = new Set([...manifest.files, ARCHIVE_MANIFEST]);
  const listedFolders = new Set(manifest.files.filter((file) => file.includes("/")).map((file) => file.slice(0, file.lastIndexOf("/"))));
  return tree.files.every((file) => listed.has(file)) && tree.folders.every((folder) => listedFolders.has(folder));
}

/** What is at the target now, or a refusal that says what to do. */
async function inspectTarget(directory: string, force: boolean): Promise<ReplacedContent> {
  let stats;
  try {
    stats = await fs.lstat(directory);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return "nothing";
    throw error;
  }
  if (stats.isSymbolicLink()) {
    throw new PandafestError(`${directory} is a symbolic link; give the folder it points to, or a new folder, as -o`, { code: "usage" });
  }
  if (!stats.isDirectory()) throw new PandafestError(`${directory} is a file, not a folder; give a new or empty folder as -o`, { code: "usage" });
  const tree = await listTree(directory);
  if (tree !== undefined && tree.files.length + tree.folders.length + tree.links.length === 0) return "empty folder";
  if (tree !== undefined && (await isPreviousArchive(directory, tree))) return "previous archive";
  if (force) return "other files (forced)";
  const holds = tree === undefined ? "many files" : [...tree.files, ...tree.links].slice(0, 3).join(", ") || tree.folders.slice(0, 3).join(", ");
  throw new PandafestError(
    `${directory} is not empty and is not an archive pandafest wrote (it holds ${holds}); choose a new or empty folder, or pass --force to replace everything in it`,
    { code: "usage" },
  );
}

async function removeStaleSiblings(parent: string, base: string): Promise<void> {
  const pattern = siblingPattern(base);
  let names: string[];
  try {
    names = await fs.readdir(parent);
  } catch {
    return;
  }
  for (const name of names.filter((entry) => pattern.test(entry))) {
    const sibling = path.join(parent, name);
    try {
      const stats = await fs.lstat(sibling);
      if (Date.now() - stats.mtimeMs >= STALE_SIBLING_MS) await fs.rm(sibling, { recursive: true, force: true });
    } catch {
      // gone already, or not ours to remove: leave it
    }
  }
}

async function writeFiles(root: string, files: readonly ArchiveFile[]): Promise<{ path: string; bytes: number }[]> {
  const folders = new Set(files.filter((file) => file.path.includes("/")).map((file) => file.path.slice(0, file.path.lastIndexOf("/"))));
  for (const folder of folders) await fs.mkdir(path.join(root, folder), { recursive: true, mode: SHARED_DIRECTORY_MODE });
  const written: { path: string; bytes: number }[] = [];
  // the manifest is written last: a folder holding it holds every file before it
  const body = files.filter((file) => file.path !== ARCHIVE_MANIFEST);
  const manifest = files.filter((file) => file.path === ARCHIVE_MANIFEST);
  for (let start = 0; start < body.length; start += PARALLEL_WRITES) {
    const batch = body.slice(start, start + PARALLEL_WRITES);
    await Promise.all(batch.map((file) => fs.writeFile(path.join(root, file.path), file.text, { mode: SHARED_FILE_MODE, flag: "wx" })));
  }
  for (const file of manifest) await fs.writeFile(path.join(root, file.path), file.text, { mode: SHARED_FILE_MODE, flag: "wx" });
  for (const file of files) written.push({ path: file.path, bytes: Buffer.byteLength(file.text) });
  return written;
}

function checkPaths(files: readonly ArchiveFile[]): void {
  for (const file of files) {
    const parts = file.path.split("/");
    if (parts.length > 2 || parts.some((part) => !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(part))) {
      throw new PandafestError(`archive file path ${JSON.stringify(file.path)} is not a safe relative path`, { code: "internal" });
    }
  }
}

/**
 * Writes `files` as the folder `directory`. The folder appears complete or not at all: the files go into a hidden
 * sibling (`.NAME.archive-<random>.tmp`), the old folder (if any) is renamed aside, the new one renamed into place,
 * then the old one removed. An interrupted export leaves only hidden siblings, removed by a later export.
 */
export async function writeArchiveDirectory(directory: string, files: readonly ArchiveFile[], options: { force?: boolean } = {}): Promise<WrittenArchive> {
  try {
    return await writeArchive(path.resolve(directory), files, options.force === true);
  } catch (error) {
    const code = errorCode(error);
    if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
      throw new PandafestError(`cannot write the archive ${path.resolve(directory)}: ${code === "EROFS" ? "the file system is read-only" : "permission denied"} (${code}); choose a folder you may write to`, { code: "input", cause: error });
    }
    throw error;
  }
}

async function writeArchive(target: string, files: readonly ArchiveFile[], force: boolean): Promise<WrittenArchive> {
  const parent = path.dirname(target);
  const base = path.basename(target);
  if (base === "" || target === parent) throw new PandafestError(`cannot write an archive as ${target}; give a folder below it`, { code: "usage" });
  checkPaths(files);
  const replaced = await inspectTarget(target, force);
  await ensureDirectory(parent, { sharing: "shared" });
  await removeStaleSiblings(parent, base);
  const staging = path.join(parent, siblingName(base, "tmp"));
  let written: { path: string; bytes: number }[];
  try {
    await fs.mkdir(staging, { mode: SHARED_DIRECTORY_MODE });
    written = await writeFiles(staging, files);
    crashPoint("archive-written");
    if (replaced === "nothing") {
      await fs.rename(staging, target);
    } else {
      const aside = path.join(parent, siblingName(base, "old"));
      await fs.rename(target, aside);
      crashPoint("archive-old-aside");
      try {
        await fs.rename(staging, target);
      } catch (error) {
        await fs.rename(aside, target).catch(() => undefined); // put the old folder back
        throw error;
      }
      await fs.rm(aside, { recursive: true, force: true });
    }
    await syncDirectory(parent);
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true }).catch(() => undefined);
    if (isDiskFull(error)) throw diskFullError(`could not write the archive ${base}`, parent, error);
    throw error;
  }
  return { directory: target, replaced, files: written, bytes: written.reduce((sum, file) => sum + file.bytes, 0) };
}
