// The static archive as `pandafest serve` offers it: /festivals/ID/archive/ and every page below it, with the
// access rules of the festival's schedule files; planned once per version of the festival, each page rendered when asked.
import * as A from "@automerge/automerge";
import { archiveContentType, archiveRenderer, type ArchiveRenderer } from "../../engine/core/archive/index.js";
import { PandafestError } from "../../engine/core/errors.js";
import { visibleReplica } from "../../engine/core/governance/index.js";
import { checkSchema } from "../../engine/core/schema-version.js";
import { festivalView } from "../../engine/core/views.js";
import type { FestivalCatalog } from "./festival-catalog.js";
import { sendText, type RouteContext, type RouteTable } from "./http.js";
import { scheduleAccess, unknownFestivalMessage } from "./schedule-routes.js";

/**
 * Festivals whose archive plan is kept (one per festival, its newest version). A plan holds the festival's view and
 * the archive's model, not the pages (the large bench festival's archive is 47 MB written out); each request
 * renders its one page.
 */
const CACHED_ARCHIVES = 4;

/** The archive plan of each recently asked festival, for the version (heads) it was made from. */
class ArchiveCache {
  private readonly archives = new Map<string, { heads: string; renderer: ArchiveRenderer }>();

  renderer(festivalId: string, heads: string, plan: () => ArchiveRenderer): ArchiveRenderer {
    const cached = this.archives.get(festivalId);
    this.archives.delete(festivalId);
    const renderer = cached !== undefined && cached.heads === heads ? cached.renderer : plan();
    this.archives.set(festivalId, { heads, renderer });
    for (const oldest of this.archives.keys()) {
      if (this.archives.size <= CACHED_ARCHIVES) break;
      this.archives.delete(oldest);
    }
    return renderer;
  }
}

/** The archive path a URL's rest names ("" is the index), or undefined for a segment that does not decode or holds "/". */
function archivePathOf(encodedRest: string): string | undefined {
  if (encodedRest === "") return "index.html";
  const segments: string[] = [];
  for (const segment of encodedRest.split("/")) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    if (decoded.includes("/") || decoded.includes("\\")) return undefined;
    segments.push(decoded);
  }
  return segments.join("/");
}

/** Adds GET (and HEAD) /festivals/:id/archive (a redirect to the folder) and /festivals/:id/archive/ with every path below it. */
export function addArchiveRoutes(routes: RouteTable, catalog: FestivalCatalog): void {
  const cache = new ArchiveCache();

  const serveArchiveFile = ({ request, response, params }: RouteContext, filePath: string) => {
    const access = scheduleAccess(request, catalog, params.id);
    if ("refusal" in access) return sendText(response, 403, access.refusal);
    const handle = access.hidden ? undefined : catalog.handle(params.id);
    if (handle === undefined) return sendText(response, 404, unknownFestivalMessage(params.id));
    let text: string | undefined;
    try {
      const doc = handle.doc();
      checkSchema(doc);
      const heads = A.getHeads(doc as A.Doc<unknown>).join(",");
      const renderer = cache.renderer(params.id, heads, () => archiveRenderer(festivalView(visibleReplica(doc, params.id)), params.id));
      // the lookup is in the archive's own list of paths, so no request path reaches the file system
      text = renderer.render(filePath);
    } catch (error) {
      if (!(error instanceof PandafestError)) throw error;
      return sendText(response, 500, `cannot make this festival's archive: ${error.message}\n`);
    }
    if (text === undefined) return sendText(response, 404, "no such page in this festival's archive\n");
    response.setHeader("cache-control", "no-cache");
    if (access.isPublic) response.setHeader("cross-origin-resource-policy", "cross-origin");
    sendText(response, 200, text, archiveContentType(filePath));
  };

  routes.get("/festivals/:id/archive", ({ response }) => {
    // relative, so it works behind a proxy that serves the node under another path
    response.writeHead(308, { location: "archive/", "content-type": "text/plain; charset=utf-8" });
    response.end("the archive is at archive/\n");
  });
  routes.get("/festivals/:id/archive/*", (context) => {
    const filePath = archivePathOf(context.params["*"]);
    if (filePath === undefined) return sendText(context.response, 404, "no such page in this festival's archive\n");
    serveArchiveFile(context, filePath);
  });
}
