// What the serving node tells the page over HTTP: its status (/api/status) and its public directory
// (/api/festivals). Responses are untrusted JSON: sizes are bounded and only known fields are read.
export interface DirectoryEntry {
  id: string;
  name: string;
  description: string;
}

export interface NodeStatus {
  /** the raw fields the node reported, each as short text, for the sync screen */
  fields: Array<[string, string]>;
  /** addresses of the node's peers, when it lists them */
  peers: string[];
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

/** The node's status, flattened to displayable pairs. */
export async function fetchNodeStatus(signal?: AbortSignal): Promise<NodeStatus> {
  const body = await getJson("api/status", signal);
  const fields: Array<[string, string]> = [];
  const peers: string[] = [];
  if (typeof body === "object" && body !== null && !Array.isArray(body)) {
    for (const [key, value] of Object.entries(body as Record<string, unknown>).slice(0, 40)) {
      if (key === "peers" && Array.isArray(value)) {
        for (const peer of value.slice(0, 100)) {
          const label = typeof peer === "object" && peer !== null ? text((peer as Record<string, unknown>).url ?? (peer as Record<string, unknown>).id) : text(peer);
          if (label) peers.push(label);
        }
        continue;
      }
      const shown = text(value);
      if (shown !== "") fields.push([key.slice(0, 60), shown]);
    }
  }
  return { fields, peers };
}
