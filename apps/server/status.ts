// The read-only JSON a server publishes: /api/status (this node, its peers without their ids, last sync per festival) and
// /api/festivals (the directory of public festivals). Private festivals appear only as discovery keys.
import { festivalUrl } from "../../engine/node/store.js";
import type { CatalogEntry, FestivalCatalog } from "./festival-catalog.js";
import type { PeerRegistry, PeerSnapshot } from "./peer-registry.js";

export interface PublicFestival {
  id: string;
  url: string;
  name: string;
  description: string;
  timeZone: string;
  startDate: string;
  endDate: string;
  discoveryKey: string;
}

export interface FestivalSync {
  /** set for public festivals only */
  festival?: string;
  name?: string;
  discoveryKey: string;
  at: string;
}

export interface PeerStatus extends Omit<PeerSnapshot, "lastSync"> {
  lastSync: FestivalSync[];
}

export interface StatusReport {
  node: "pandafest";
  instanceId: string;
  url: string;
  startedAt: string;
  lan: boolean;
  festivals: { public: number; private: number };
  connections: number;
  peers: PeerStatus[];
}

export function festivalDirectory(catalog: FestivalCatalog): PublicFestival[] {
  return catalog
    .list()
    .filter((entry) => entry.visibility === "public")
    .map((entry) => ({
      id: entry.id,
      url: festivalUrl(entry.id),
      name: entry.name,
      description: entry.description,
      timeZone: entry.timeZone,
      startDate: entry.startDate,
      endDate: entry.endDate,
      discoveryKey: entry.discoveryKey,
    }));
}

/** A peer's last syncs, with festival ids only for public festivals; documents that are not festivals are left out. */
export function describeSyncs(lastSync: Record<string, string>, lookup: (id: string) => CatalogEntry | undefined): FestivalSync[] {
  const syncs: FestivalSync[] = [];
  for (const [id, at] of Object.entries(lastSync)) {
    const entry = lookup(id);
    if (!entry) continue;
    syncs.push(entry.visibility === "public" ? { festival: id, name: entry.name, discoveryKey: entry.discoveryKey, at } : { discoveryKey: entry.discoveryKey, at });
  }
  return syncs.sort((a, b) => b.at.localeCompare(a.at));
}

export function statusReport(input: {
  instanceId: string;
  url: string;
  startedAt: Date;
  lan: boolean;
  catalog: FestivalCatalog;
  registry: PeerRegistry;
  connections: number;
}): StatusReport {
  const entries = input.catalog.list();
  const publicCount = entries.filter((e) => e.visibility === "public").length;
  return {
    node: "pandafest",
    instanceId: input.instanceId,
    url: input.url,
    startedAt: input.startedAt.toISOString(),
    lan: input.lan,
    festivals: { public: publicCount, private: entries.length - publicCount },
    connections: input.connections,
    peers: input.registry.list().map((link) => {
      const { lastSync, ...rest } = link.snapshot();
      return { ...rest, lastSync: describeSyncs(lastSync, (id) => input.catalog.get(id)) };
    }),
  };
}

/** The page `/` shows until the web app is built: what this node is and which public festivals it holds. */
export function statusPage(report: StatusReport, festivals: PublicFestival[]): string {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const rows = festivals
    .map((f) => `<li><strong>${escape(f.name)}</strong> ${escape(f.startDate)}–${escape(f.endDate)} <code>${escape(f.id)}</code></li>`)
    .join("\n");
  const peers = report.peers
    .map((p) => `<li>${escape(p.label)}: ${escape(p.direction)} ${escape(p.address)}: ${escape(p.state)}${p.lastError ? ` (${escape(p.lastError)})` : ""}</li>`)
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pandafest</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<h1>pandafest node</h1>
<p>Serving since ${escape(report.startedAt)}. The web app is not built here (run <code>npm run build</code> in ui/); the sync endpoint is <code>/sync</code>.</p>
<h2>Public festivals (${festivals.length})</h2>
<ul>${rows || "<li>none yet</li>"}</ul>
<p>${report.festivals.private} private festival(s) are held here too; they are not listed.</p>
<h2>Peers (${report.peers.length})</h2>
<ul>${peers || "<li>none</li>"}</ul>
<p>JSON: <a href="/api/status">/api/status</a>, <a href="/api/festivals">/api/festivals</a></p>
</body></html>
`;
}
