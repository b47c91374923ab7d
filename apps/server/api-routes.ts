// The node's read-only JSON under /api: its status, the festivals it serves, a festival's heads (does this node
// hold these changes?) and what of a festival waits here for history it lacks (the web app says so).
import * as A from "@automerge/automerge";
import type { DocumentId } from "@automerge/automerge-repo";
import type { FestivalStore } from "../../engine/node/store.js";
import type { FestivalCatalog } from "./festival-catalog.js";
import { sendError, sendJson, sendJsonHead, type RouteTable } from "./http.js";
import { hiddenOverHttp } from "./members-only.js";
import { festivalDirectory, type StatusReport } from "./status.js";

export function addApiRoutes(routes: RouteTable, inputs: { store: FestivalStore; catalog: FestivalCatalog; status: () => StatusReport }): void {
  const { store, catalog } = inputs;
  // the web app's heartbeat asks HEAD every few seconds: it needs the answer, not the report, so none is built
  routes.get("/api/status", ({ request, response }) => (request.method === "HEAD" ? sendJsonHead(response) : sendJson(response, 200, inputs.status())));
  routes.get("/api/festivals", ({ response }) => sendJson(response, 200, festivalDirectory(catalog)));
  routes.get("/api/heads/:id", ({ request, response, params, url }) => {
    const handle = store.loadedHandle(params.id);
    if (!handle || hiddenOverHttp(request, handle.doc(), params.id)) return sendError(response, 404, "this server does not hold that document");
    const doc = handle.doc() as A.Doc<unknown>;
    const heads = A.getHeads(doc);
    const asked = url.searchParams.get("contains");
    if (asked === null) return sendJson(response, 200, { heads });
    const wanted = asked.split(",").filter((h) => h.length > 0);
    if (wanted.length > 256 || !wanted.every((h) => /^[0-9a-f]{64}$/.test(h))) return sendError(response, 400, "contains must be up to 256 comma-separated change hashes");
    sendJson(response, 200, { heads, contains: A.hasHeads(doc, wanted) });
  });
  routes.get("/api/festivals/:id/waiting", async ({ request, response, params }) => {
    if (catalog.get(params.id) === undefined || hiddenOverHttp(request, catalog.handle(params.id)?.doc(), params.id)) return sendError(response, 404, "this server does not follow that festival");
    const health = await store.storageHealth(params.id as DocumentId);
    sendJson(response, 200, { missing: health.missing.length, waiting: health.waiting.length, quarantined: health.quarantined.length });
  });
}
