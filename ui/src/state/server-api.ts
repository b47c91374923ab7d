// What the serving node tells the page over HTTP: its status, its public directory, and a newcomer's access request
// (POST /api/festivals/ID/requests). Responses are untrusted JSON: sizes are bounded and only known fields are read.
import type { AccessRequestFields } from "../../../engine/core/governance/records.js";
import type { AccessRequestAnswer } from "./join-state.js";

export interface DirectoryEntry {
  id: string;
  name: string;
  description: string;
}

export interface NodePeer {
  address: string;
  direction: string;
  state: string;
  /** "server" for another pandafest node, "client" for a browser tab or CLI run */
  role: string;
  lastError: string;
  /** last sync message per festival, by discovery key (festival ids only for public festivals) */
  lastSync: Array<{ discoveryKey: string; at: string }>;
}

export interface NodeStatus {
  url: string;
  startedAt: string;
  lan: boolean;
  publicFestivals: number;
  privateFestivals: number;
  connections: number;
  peers: NodePeer[];
}

const MAX_ENTRIES = 2000;
const MAX_TEXT = 200;

function text(value: unknown): string {
  if (typeof value === "string") return value.slice(0, MAX_TEXT);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "";
}

async function getJson(path: string, signal?: AbortSignal): Promise<unknown> {
  const response = await fetch(path, { signal, headers: { accept: "application/json" }, cache: "no-store" });
  if (!response.ok) throw new Error(`${path} answered ${response.status} ${response.statusText}`);
  return (await response.json()) as unknown;
}

/** The node's public directory: festivals it lists for anyone who asks. */
export async function fetchDirectory(signal?: AbortSignal): Promise<DirectoryEntry[]> {
  const body = await getJson("api/festivals", signal);
  const list: unknown = Array.isArray(body) ? body : typeof body === "object" && body !== null ? (body as { festivals?: unknown }).festivals : [];
  if (!Array.isArray(list)) return [];
  const entries: DirectoryEntry[] = [];
  for (const item of list.slice(0, MAX_ENTRIES)) {
    if (typeof item !== "object" || item === null) continue;
    const record = item as Record<string, unknown>;
    const id = text(record.id);
    if (id === "") continue;
    entries.push({ id, name: text(record.name) || id, description: text(record.description) });
  }
  return entries;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

/** The node's status: its address, festivals held, and its peers with their last sync per festival. */
export async function fetchNodeStatus(signal?: AbortSignal): Promise<NodeStatus> {
  const body = record(await getJson("api/status", signal));
  const festivals = record(body.festivals);
  const peers: NodePeer[] = [];
  for (const item of Array.isArray(body.peers) ? body.peers.slice(0, 200) : []) {
    const peer = record(item);
    const lastSync: NodePeer["lastSync"] = [];
    for (const sync of Array.isArray(peer.lastSync) ? peer.lastSync.slice(0, MAX_ENTRIES) : []) {
      const entry = record(sync);
      const discoveryKey = text(entry.discoveryKey);
      if (discoveryKey) lastSync.push({ discoveryKey, at: text(entry.at) });
    }
    peers.push({
      address: text(peer.address),
      direction: text(peer.direction),
      state: text(peer.state),
      role: text(peer.role),
      lastError: text(peer.lastError),
      lastSync,
    });
  }
  return {
    url: text(body.url),
    startedAt: text(body.startedAt),
    lan: body.lan === true,
    publicFestivals: count(festivals.public),
    privateFestivals: count(festivals.private),
    connections: count(body.connections),
    peers,
  };
}

/** What of a festival waits on the node for history it lacks (see `pandafest check`). */
export interface NodeWaiting {
  /** changes the node lacks that stored changes depend on */
  missing: number;
  /** stored changes held back until those arrive */
  waiting: number;
  /** chunk files of the festival the node moved to quarantine */
  quarantined: number;
}

/** The node's waiting report for one festival, or undefined when the node does not follow it (or is not there). */
export async function fetchNodeWaiting(festivalId: string, signal?: AbortSignal): Promise<NodeWaiting | undefined> {
  try {
    const body = await getJson(`api/festivals/${encodeURIComponent(festivalId)}/waiting`, signal);
    if (typeof body !== "object" || body === null) return undefined;
    const record = body as Record<string, unknown>;
    return { missing: count(record.missing), waiting: count(record.waiting), quarantined: count(record.quarantined) };
  } catch {
    return undefined;
  }
}

const MAX_REASON = 400;

/** Sends a newcomer's signed access request to the node that served the page; never throws. */
export async function postAccessRequest(festivalId: string, request: AccessRequestFields, signal?: AbortSignal): Promise<AccessRequestAnswer> {
  let response: Response;
  try {
    response = await fetch(`api/festivals/${encodeURIComponent(festivalId)}/requests`, {
      method: "POST",
      signal,
      cache: "no-store",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ request }),
    });
  } catch (error) {
    return { outcome: "unreachable", detail: error instanceof Error ? error.message : String(error) };
  }
  let body: Record<string, unknown> = {};
  try {
    body = record(JSON.parse((await response.text()).slice(0, 8192)) as unknown);
  } catch {
    // not JSON: the status says enough
  }
  const said = typeof body.error === "string" ? body.error.slice(0, MAX_REASON) : "";
  const role = typeof body.role === "string" && /^(edit|manage)$/.test(body.role) ? body.role : undefined;
  if (response.status === 201 || response.status === 200) return { outcome: "recorded", again: response.status === 200 || body.recorded === false, ...(role ? { role } : {}) };
  if (response.status === 403) return { outcome: "refused", reason: said || "the node refused it without saying why" };
  if (response.status === 404) return { outcome: "not-held" };
  if (response.status === 429) return { outcome: "busy" };
  if (response.status === 400 || response.status === 413) return { outcome: "malformed", detail: said || `${response.status} ${response.statusText}` };
  return { outcome: "unreachable", detail: `${response.status} ${response.statusText}${said ? `: ${said}` : ""}` };
}
