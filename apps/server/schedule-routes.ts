// The schedule files `pandafest serve` offers attendees' apps: /festivals/ID/schedule.xml, schedule.json
// and calendar.ics. Public festivals to anyone; private ones never to another web site's page, members-only ones
// never to another machine (plain HTTP proves no member key).
import { confirmedFestivalView } from "../../engine/core/bookings/confirmed-view.js";
import { PandafestError } from "../../engine/core/errors.js";
import { checkSchema } from "../../engine/core/schema-version.js";
import { EXPORT_FILE_NAMES, EXPORT_FORMATS, renderExport, type ExportFormat } from "../../engine/core/schedule-export.js";
import { visibleReplica } from "../../engine/core/governance/index.js";
import type { FestivalCatalog } from "./festival-catalog.js";
import { sendText, type RouteTable } from "./http.js";
import { hiddenOverHttp } from "./members-only.js";
import { crossOriginOf } from "./web-origin.js";

export interface ScheduleResponse {
  status: number;
  contentType: string;
  body: string;
}

const PLAIN_TEXT = "text/plain; charset=utf-8";

/** The response for one festival's schedule file: the export, 404 for a festival this server does not hold. */
export function scheduleResponse(catalog: FestivalCatalog, festivalId: string, format: ExportFormat, options: { hidden?: boolean } = {}): ScheduleResponse {
  const handle = options.hidden ? undefined : catalog.handle(festivalId);
  if (handle === undefined) {
    return {
      status: 404,
      contentType: PLAIN_TEXT,
      body: `no festival with id ${JSON.stringify(festivalId.slice(0, 100))} on this server; check the id (public festivals are listed at /api/festivals)\n`,
    };
  }
  try {
    const doc = handle.doc();
    checkSchema(doc);
    const rendered = renderExport(confirmedFestivalView(visibleReplica(doc, festivalId), festivalId), festivalId, format);
    return { status: 200, contentType: rendered.contentType, body: rendered.text };
  } catch (error) {
    if (!(error instanceof PandafestError)) throw error;
    return { status: 500, contentType: PLAIN_TEXT, body: `cannot export this festival as ${EXPORT_FILE_NAMES[format]}: ${error.message}\n` };
  }
}

/** Adds GET (and HEAD) /festivals/:id/schedule.xml, schedule.json and calendar.ics to the route table. */
export function addScheduleRoutes(routes: RouteTable, catalog: FestivalCatalog): void {
  for (const format of EXPORT_FORMATS) {
    const fileName = EXPORT_FILE_NAMES[format];
    routes.get(`/festivals/:id/${fileName}`, ({ request, response, params }) => {
      const isPublic = catalog.get(params.id)?.visibility === "public";
      // a page of another site must not learn a private festival through the browser of someone who holds it;
      // unknown ids get the same answer, so the refusal does not tell which private ids exist here
      const foreign = isPublic ? undefined : crossOriginOf(request);
      if (foreign) {
        return sendText(response, 403, `pandafest: a private festival's schedule is not given to ${foreign}; open the link directly or from this node's web app\n`);
      }
      // members only: another machine gets the answer for an unknown id
      const hidden = hiddenOverHttp(request, catalog.handle(params.id)?.doc(), params.id);
      const { status, contentType, body } = scheduleResponse(catalog, params.id, format, { hidden });
      response.setHeader("cache-control", "no-cache");
      // public schedules are public: calendar sites may embed them; everything else stays same-origin
      if (isPublic && status === 200) response.setHeader("cross-origin-resource-policy", "cross-origin");
      if (status === 200) response.setHeader("content-disposition", `inline; filename="${fileName}"`);
      sendText(response, status, body, contentType);
    });
  }
}
