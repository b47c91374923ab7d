// The schedule files `pandafest serve` offers attendees' apps: /festivals/ID/schedule.xml, schedule.json,
// calendar.ics and programme.json (the web app's attendee view). Public festivals to anyone; private ones never to
// another web site's page, members-only ones never to another machine (plain HTTP proves no member key).
import * as A from "@automerge/automerge";
import type { IncomingMessage } from "node:http";
import { confirmedFestival } from "../../engine/core/bookings/confirmed-view.js";
import { PandafestError } from "../../engine/core/errors.js";
import { checkSchema } from "../../engine/core/schema-version.js";
import { eventRevisions } from "../../engine/core/event-revisions.js";
import { PROGRAMME_JSON_FILE, programmeJson } from "../../engine/core/programme-json.js";
import { EXPORT_CONTENT_TYPES, EXPORT_FILE_NAMES, EXPORT_FORMATS, renderExport, type ExportFormat } from "../../engine/core/schedule-export.js";
import { visibleReplica } from "../../engine/core/governance/index.js";
import { MIN_COMPRESSIBLE_BYTES, negotiateContentCoding } from "./compressed-files.js";
import type { FestivalCatalog } from "./festival-catalog.js";
import { matchesEntityTag, sendText, type RouteTable } from "./http.js";
import { hiddenOverHttp } from "./members-only.js";
import { RenderedProgrammes } from "./rendered-programmes.js";
import { crossOriginOf } from "./web-origin.js";

export interface ScheduleResponse {
  status: number;
  contentType: string;
  body: string;
}

const PLAIN_TEXT = "text/plain; charset=utf-8";

/** The 404 for a festival this server does not hold (or must look as if it did not). */
export function unknownFestivalMessage(festivalId: string): string {
  return `no festival with id ${JSON.stringify(festivalId.slice(0, 100))} on this server; check the id (public festivals are listed at /api/festivals)\n`;
}

export type ScheduleAccess = { refusal: string } | { isPublic: boolean; hidden: boolean };

/**
 * Who may fetch a festival's schedule files and archive over HTTP. A page of another site must not learn a private
 * festival through the browser of someone who holds it (unknown ids get the same refusal, so it tells nothing about
 * which private ids exist here); a members-only festival looks unknown to another machine.
 */
export function scheduleAccess(request: IncomingMessage, catalog: FestivalCatalog, festivalId: string): ScheduleAccess {
  const isPublic = catalog.get(festivalId)?.visibility === "public";
  const foreign = isPublic ? undefined : crossOriginOf(request);
  if (foreign) return { refusal: `pandafest: a private festival's schedule is not given to ${foreign}; open the link directly or from this node's web app\n` };
  return { isPublic, hidden: hiddenOverHttp(request, catalog.handle(festivalId)?.doc(), festivalId) };
}

/** What a schedule route serves: one of the export formats, or the attendee view's programme. */
export type ScheduleFile = ExportFormat | "programme";

/** The response for one festival's schedule file: the export, 404 for a festival this server does not hold. */
export function scheduleResponse(catalog: FestivalCatalog, festivalId: string, format: ScheduleFile, options: { hidden?: boolean } = {}): ScheduleResponse {
  const handle = options.hidden ? undefined : catalog.handle(festivalId);
  if (handle === undefined) {
    return {
      status: 404,
      contentType: PLAIN_TEXT,
      body: unknownFestivalMessage(festivalId),
    };
  }
  try {
    const doc = handle.doc();
    checkSchema(doc);
    const visible = visibleReplica(doc, festivalId);
    // with bookings, an event is tentative until every request it made is accepted
    const { view, confirmations } = confirmedFestival(visible, festivalId);
    if (format === "programme") {
      return { status: 200, contentType: EXPORT_CONTENT_TYPES["frab-json"], body: JSON.stringify(programmeJson(view, festivalId, confirmations)) };
    }
    const revisions = format === "ical" ? eventRevisions(visible) : undefined;
    const rendered = renderExport(view, festivalId, format, { revisions });
    return { status: 200, contentType: rendered.contentType, body: rendered.text };
  } catch (error) {
    if (!(error instanceof PandafestError)) throw error;
    return { status: 500, contentType: PLAIN_TEXT, body: `cannot export this festival as ${fileNameOf(format)}: ${error.message}\n` };
  }
}

function fileNameOf(format: ScheduleFile): string {
  return format === "programme" ? PROGRAMME_JSON_FILE : EXPORT_FILE_NAMES[format];
}

/** Adds GET (and HEAD) /festivals/:id/schedule.xml, schedule.json, calendar.ics and programme.json to the route table. */
export function addScheduleRoutes(routes: RouteTable, catalog: FestivalCatalog): void {
  const files: ScheduleFile[] = [...EXPORT_FORMATS, "programme"];
  const programmes = new RenderedProgrammes();
  for (const format of files) {
    const fileName = fileNameOf(format);
    routes.get(`/festivals/:id/${fileName}`, async ({ request, response, params }) => {
      const access = scheduleAccess(request, catalog, params.id);
      if ("refusal" in access) return sendText(response, 403, access.refusal);
      const handle = format === "programme" && !access.hidden ? catalog.handle(params.id) : undefined;
      let unkept: ScheduleResponse | undefined;
      // the programme is rendered once per version of the festival (the service worker asks again at once)
      const programme = handle && programmes.get(params.id, A.getHeads(handle.doc() as A.Doc<unknown>), () => {
        unkept = scheduleResponse(catalog, params.id, format, { hidden: access.hidden });
        return unkept.status === 200 ? unkept.body : undefined;
      });
      const { status, contentType, body } = programme
        ? { status: 200, contentType: EXPORT_CONTENT_TYPES["frab-json"], body: programme.body }
        : (unkept ?? scheduleResponse(catalog, params.id, format, { hidden: access.hidden }));
      response.setHeader("cache-control", "no-cache");
      // public schedules are public: calendar sites may embed them; everything else stays same-origin
      if (access.isPublic && status === 200) response.setHeader("cross-origin-resource-policy", "cross-origin");
      if (status === 200) response.setHeader("content-disposition", `inline; filename="${fileName}"`);
      // the attendee view's programme goes compressed to a phone on a weak network (a tenth of its size), named by
      // its content, so asking again, as the attendee view's service worker does at once to keep it, costs a 304
      if (programme) {
        response.setHeader("vary", "accept-encoding");
        response.setHeader("etag", programme.entityTag);
        if (matchesEntityTag(request.headers["if-none-match"], programme.entityTag)) {
          response.writeHead(304);
          response.end();
          return;
        }
        const coding = negotiateContentCoding(request.headers["accept-encoding"]);
        if (coding && Buffer.byteLength(body) >= MIN_COMPRESSIBLE_BYTES) {
          const compressed = await programme.compressed(coding);
          response.writeHead(status, { "content-type": contentType, "content-encoding": coding, "content-length": compressed.length });
          response.end(compressed);
          return;
        }
      }
      sendText(response, status, body, contentType);
    });
  }
}
