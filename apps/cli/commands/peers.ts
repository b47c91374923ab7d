// `pandafest peers`: asks the server running on this data directory (or --server URL) whom it is connected to:
// a label, transport, direction, address, state (never peer ids), and the last sync per festival. Says so plainly when no server runs.
import type { Command } from "commander";
import { PandafestError } from "../../../engine/core/errors.js";
import { findRunningServer } from "../../server/server-info.js";
import type { PeerStatus, StatusReport } from "../../server/status.js";
import { action } from "../context.js";
import { table } from "../output.js";

export function registerPeersCommand(program: Command): void {
  program
    .command("peers")
    .description("list the peers the running server is connected to, with the last sync per festival")
    .option("--server <url>", "ask this server instead of the one running on the data directory, e.g. http://127.0.0.1:4321")
    .action(
      action(async (ctx, options: { server?: string }) => {
        const base = options.server ?? (await findRunningServer(ctx.dataDir))?.localUrl;
        if (!base) {
          throw new PandafestError(`no server is running on ${ctx.dataDir}; start one with \`pandafest serve\` (peers exist only while it runs)`);
        }
        const report = await fetchStatus(base);
        const peers = report.peers;
        ctx.out.result({ server: report.url, peers }, (r) =>
          r.peers.length === 0
            ? [`The server at ${r.server} has no peers right now.`]
            : table(
                ["PEER", "TRANSPORT", "DIRECTION", "ADDRESS", "STATE", "LAST SYNC"],
                r.peers.map((p) => [p.label, p.transport, p.direction, p.address, describeState(p), describeSyncs(p)]),
              ),
        );
      }, { local: true }),
    );
}

async function fetchStatus(base: string): Promise<StatusReport> {
  let url: URL;
  try {
    url = new URL("/api/status", base);
  } catch {
    throw new PandafestError(`--server ${base}: not a URL; use http://HOST:PORT`, { code: "usage" });
  }
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  } catch (error) {
    throw new PandafestError(`the server at ${base} did not answer (${error instanceof Error ? error.message : String(error)}); is it running?`);
  }
  if (!response.ok) throw new PandafestError(`the server at ${base} answered ${response.status} to /api/status`);
  const report = (await response.json()) as Partial<StatusReport>;
  if (report.node !== "pandafest" || !Array.isArray(report.peers)) throw new PandafestError(`${base} is not a pandafest server`);
  return report as StatusReport;
}

function describeState(peer: PeerStatus): string {
  if (peer.state === "connected") return `connected${peer.role === "server" ? " (node)" : peer.ephemeral ? " (client, no storage)" : " (client)"}`;
  if (peer.state === "waiting") return `retrying${peer.nextAttemptAt ? ` ${ago(peer.nextAttemptAt, true)}` : ""}${peer.lastError ? `: ${peer.lastError}` : ""}`;
  return peer.state;
}

function describeSyncs(peer: PeerStatus): string {
  if (peer.lastSync.length === 0) return "-";
  return peer.lastSync
    .map((s) => `${s.name ?? `private ${s.discoveryKey.slice(0, 12)}`}: ${ago(s.at, false)}`)
    .join(", ");
}

function ago(iso: string, future: boolean): string {
  const seconds = Math.round(Math.abs(Date.now() - Date.parse(iso)) / 1000);
  const span = seconds < 60 ? `${seconds}s` : seconds < 3600 ? `${Math.round(seconds / 60)}min` : `${Math.round(seconds / 3600)}h`;
  return future ? `in ${span}` : `${span} ago`;
}
