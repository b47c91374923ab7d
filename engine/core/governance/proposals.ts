// Proposals: the changes of an organised festival that do not count, with their verified author and what
// each would change, in words ("event "Opening": title → "Hijacked""), for `pandafest proposals` and the web app.
import * as A from "@automerge/automerge";
import { ATTESTATION_MESSAGE, memberNames } from "../provenance.js";
import type { Festival } from "../schema.js";
import { textOf } from "../views.js";
import { governanceOf, type ChangeStanding } from "./standing.js";
import { visibleFestival } from "./visible.js";

export interface Proposal {
  hash: string;
  status: "proposal" | "pending" | "rejected";
  /** the verified author's key (null while pending) */
  author: string | null;
  /** the author's self-declared name ("" when none) */
  authorName: string;
  /** seconds since the epoch, as the author's clock said */
  time: number;
  /** what the change would do, one line per field it sets */
  changes: string[];
  /** the change's own message, the author's description (unverified text) */
  message: string | null;
  reason: string;
  rejectedBy?: string;
}

/** The changes waiting for a decision (and, with `rejected`, those rejected), oldest first. */
export function proposalsOf(doc: A.Doc<Festival>, festivalId: string, options: { rejected?: boolean } = {}): Proposal[] {
  const governance = governanceOf(doc, festivalId);
  const waiting = waitingChanges(doc, festivalId, options);
  if (waiting.length === 0) return [];
  const names = memberNames(doc, festivalId);
  const shown = visibleFestival(doc, festivalId);
  return waiting.map((standing): Proposal => {
    const change = governance.metadata[standing.index];
    const proposal: Proposal = {
      hash: change.hash,
      status: standing.status as Proposal["status"],
      author: standing.author,
      authorName: standing.author === null ? "" : (names.get(standing.author) ?? ""),
      time: change.time,
      changes: describeChange(doc, change, shown),
      message: change.message,
      reason: standing.reason ?? "",
    };
    if (standing.rejectedBy !== undefined) proposal.rejectedBy = standing.rejectedBy;
    return proposal;
  });
}

/** The standings proposalsOf lists, without describing them: what waits for a decision (and what was rejected). */
export function waitingChanges(doc: A.Doc<Festival>, festivalId: string, options: { rejected?: boolean } = {}): ChangeStanding[] {
  const governance = governanceOf(doc, festivalId);
  if (governance.allCount) return [];
  return governance.changes.filter((standing) => {
    const wanted = standing.status === "proposal" || standing.status === "pending" || (options.rejected === true && standing.status === "rejected");
    if (!wanted) return false;
    if (standing.record?.kind === "request") return false; // an access request, listed by `pandafest requests`
    const change = governance.metadata[standing.index];
    return !(change.message === ATTESTATION_MESSAGE && change.startOp === change.maxOp); // bookkeeping of its author
  });
}

/** The non-counting changes `hash` needs to count: itself and those of its past that do not count, oldest first. */
export function proposalChain(doc: A.Doc<Festival>, festivalId: string, hash: string): string[] {
  const governance = governanceOf(doc, festivalId);
  const byHash = new Map(governance.metadata.map((change, index) => [change.hash, index]));
  const start = byHash.get(hash);
  if (start === undefined) return [];
  const chain = new Set<number>();
  const stack = [start];
  while (stack.length > 0) {
    const index = stack.pop() as number;
    if (chain.has(index) || governance.changes[index]?.status === "counts") continue;
    chain.add(index);
    for (const dep of governance.metadata[index].deps) {
      const depIndex = byHash.get(dep);
      if (depIndex !== undefined) stack.push(depIndex);
    }
  }
  return [...chain].sort((left, right) => left - right).map((index) => governance.metadata[index].hash);
}

const SETTINGS = new Set(["name", "description", "timeZone", "startDate", "endDate", "dayStartsAt", "visibility"]);
const BOOKKEEPING = new Set(["members", "authors", "governance", "schema"]);

/** What one change sets, in words, as the difference between its dependencies and itself. */
function describeChange(doc: A.Doc<Festival>, change: A.ChangeMetadata, shown: Festival): string[] {
  const record = change.message?.startsWith("pandafest-governance") ? change.message : null;
  let patches: A.Patch[];
  try {
    patches = A.diff(doc, change.deps, [change.hash]);
  } catch {
    return ["(what it changes could not be read)"];
  }
  const lines: string[] = [];
  const added = new Set<string>();
  for (const patch of patches) {
    const line = describePatch(patch, shown, added);
    if (line !== null && !lines.includes(line)) lines.push(line);
  }
  if (record !== null && lines.length === 0) lines.push(record);
  return lines.length > 0 ? lines : ["(no change to the programme)"];
}

function describePatch(patch: A.Patch, shown: Festival, added: Set<string>): string | null {
  const path = patch.path.map(String);
  if (path.length === 0 || BOOKKEEPING.has(path[0])) return null;
  const value = "value" in patch ? displayValue(patch.value) : undefined;
  if (SETTINGS.has(path[0]) && path.length === 1) return patch.action === "del" ? `festival ${path[0]}: removed` : `festival ${path[0]} → ${value}`;
  const entity = entityAt(path);
  if (entity === null) return `${path.join(".")}${patch.action === "del" ? ": removed" : value === undefined ? "" : ` → ${value}`}`;
  const { kind, id, field } = entity;
  const key = `${kind}:${id}`;
  const existing = currentName(shown, kind, id);
  if (field === undefined) {
    if (patch.action === "del") return `removes ${kind} ${existing ?? id}`;
    if (existing === null) added.add(key);
    return null; // the fields that follow say what it holds
  }
  if (added.has(key)) return field === "title" || field === "name" ? `adds ${kind} ${value}` : null;
  const label = existing ?? id;
  if (patch.action === "del") return `${kind} ${label}: ${field} removed`;
  if (field === "removed" && kind !== "venue" && "value" in patch && typeof patch.value === "boolean") {
    return `${patch.value ? "deletes" : "restores"} ${kind} ${label}`;
  }
  return `${kind} ${label}: ${field} → ${value ?? "(changed)"}`;
}

function entityAt(path: string[]): { kind: "event" | "venue" | "person"; id: string; field?: string } | null {
  if (path[0] === "eventShards" && path.length >= 3) return { kind: "event", id: path[2], field: path[3] };
  if (path[0] === "events" && path.length >= 2) return { kind: "event", id: path[1], field: path[2] };
  if (path[0] === "venues" && path.length >= 2) return { kind: "venue", id: path[1], field: path[2] };
  if (path[0] === "people" && path.length >= 2) return { kind: "person", id: path[1], field: path[2] };
  return null;
}

function currentName(shown: Festival, kind: "event" | "venue" | "person", id: string): string | null {
  if (kind === "venue") return shown.venues?.[id] === undefined ? null : JSON.stringify(textOf(shown.venues[id].name));
  if (kind === "person") return shown.people?.[id] === undefined ? null : JSON.stringify(textOf(shown.people[id].name));
  for (const shard of Object.values(shown.eventShards ?? {})) if (shard[id] !== undefined) return JSON.stringify(textOf(shard[id].title));
  return shown.events?.[id] === undefined ? null : JSON.stringify(textOf(shown.events[id].title));
}

function displayValue(value: unknown): string {
  if (value instanceof A.ImmutableString) return JSON.stringify(String(value));
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return JSON.stringify(value);
  return "(a new value)";
}
