// The festivals this data directory asked to join: the signed access request sent for each, kept in joins.json
// until the festival arrives (by a node or a stick), so the request can be carried again and the arrival noticed.
import fs from "node:fs/promises";
import path from "node:path";
import { PandafestError } from "../core/errors.js";
import type { AccessRequestFields } from "../core/governance/records.js";
import { writeFileAtomically } from "./storage/atomic-file.js";

export const JOINS_FILE = "joins.json";
const JOINS_VERSION = 1;
/** At most this many festivals wait to be joined at once. */
export const MAX_PENDING_JOINS = 100;

export interface PendingJoin {
  festivalId: string;
  request: AccessRequestFields;
  /** when the request was made, ms since 1970 */
  requestedAt: number;
  /** the node the request was sent to, when it was sent over the LAN */
  via?: string;
}

function joinsFile(dataDir: string): string {
  return path.join(dataDir, JOINS_FILE);
}

/** The pending joins, oldest first ([] when there are none). A damaged file is a clear error, never overwritten. */
export async function readPendingJoins(dataDir: string): Promise<PendingJoin[]> {
  let text: string;
  try {
    text = await fs.readFile(joinsFile(dataDir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as { version?: unknown; joins?: unknown };
    if (parsed.version !== JOINS_VERSION || !Array.isArray(parsed.joins)) throw new Error("unknown layout");
    return parsed.joins.filter(isPendingJoin);
  } catch (error) {
    throw new PandafestError(`${joinsFile(dataDir)} is damaged (${(error as Error).message}); move it aside and run \`pandafest join\` again`, { code: "data" });
  }
}

function isPendingJoin(value: unknown): value is PendingJoin {
  const join = value as PendingJoin;
  return typeof join === "object" && join !== null && typeof join.festivalId === "string" && typeof join.requestedAt === "number" && typeof join.request === "object" && join.request !== null && typeof join.request.key === "string";
}

async function writePendingJoins(dataDir: string, joins: readonly PendingJoin[]): Promise<void> {
  await writeFileAtomically(joinsFile(dataDir), `${JSON.stringify({ version: JOINS_VERSION, joins }, null, 2)}\n`);
}

/** Adds (or replaces) the pending join of a festival. */
export async function addPendingJoin(dataDir: string, join: PendingJoin): Promise<void> {
  const joins = (await readPendingJoins(dataDir)).filter((existing) => existing.festivalId !== join.festivalId);
  if (joins.length >= MAX_PENDING_JOINS) throw new PandafestError(`${MAX_PENDING_JOINS} festivals wait to be joined already; \`pandafest join --list\` shows them`, { code: "usage" });
  await writePendingJoins(dataDir, [...joins, join]);
}

/** Forgets the pending joins of these festivals (they arrived); true when any was there. */
export async function removePendingJoins(dataDir: string, festivalIds: readonly string[]): Promise<boolean> {
  const joins = await readPendingJoins(dataDir);
  const kept = joins.filter((join) => !festivalIds.includes(join.festivalId));
  if (kept.length === joins.length) return false;
  await writePendingJoins(dataDir, kept);
  return true;
}
