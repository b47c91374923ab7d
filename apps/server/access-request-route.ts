// POST /api/festivals/:id/requests: a newcomer's signed access request (made from an invitation) handed to a node that
// holds the festival, which records it as its own change, so it travels to the festival's managers like any other.
import type { IncomingMessage } from "node:http";
import { PandafestError } from "../../engine/core/errors.js";
import { accessRequestFrom, type AccessRequestFields } from "../../engine/core/governance/records.js";
import { recordAccessRequest } from "../../engine/core/membership/manage-members.js";
import { accessRequestsOf } from "../../engine/core/membership/invitations.js";
import { governedFestival } from "../../engine/node/governed-festival.js";
import type { FestivalStore } from "../../engine/node/store.js";
import type { FestivalCatalog } from "./festival-catalog.js";
import { sendError, sendJson, type RouteTable } from "./http.js";
import { TokenBucket } from "./rate-limit.js";
import type { StoreTurns } from "./store-turns.js";

export const ACCESS_REQUEST_PATH = "/api/festivals/:id/requests";
/** The most a request body may weigh (a request is about 600 bytes of JSON). */
export const MAX_ACCESS_REQUEST_BYTES = 4096;
/** Requests one address may send: a burst, then one every few seconds. */
export const ACCESS_REQUEST_RATE = { burst: 20, perSecond: 0.5 };
/** Addresses whose rate is remembered at once; the oldest is forgotten first. */
const MAX_TRACKED_ADDRESSES = 1024;

/** The request in a body `{"request": {...}}`, or what is wrong with it (for a 400). */
export function parseAccessRequestBody(text: string): AccessRequestFields | { problem: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { problem: 'the body is not JSON; send {"request": {...}} as `pandafest join` makes it' };
  }
  const request = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as { request?: unknown }).request : undefined;
  if (request === null || typeof request !== "object" || Array.isArray(request)) return { problem: 'the body has no "request" object; send {"request": {...}} as `pandafest join` makes it' };
  return accessRequestFrom(request);
}

/** The body, at most `limit` bytes; undefined when it is longer. */
async function readBoundedBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    request.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    if (size > limit) {
      request.resume();
      return undefined;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Adds the route. Requests are recorded one at a time, in the store's turn (never inside a running command). */
export function addAccessRequestRoute(routes: RouteTable, inputs: { store: FestivalStore; catalog: FestivalCatalog; turns: StoreTurns; now?: () => number }): void {
  const { store, catalog, turns } = inputs;
  const now = inputs.now ?? Date.now;
  const buckets = new Map<string, TokenBucket>();
  const bucketOf = (address: string) => {
    let bucket = buckets.get(address);
    if (bucket === undefined) {
      bucket = new TokenBucket(ACCESS_REQUEST_RATE);
      buckets.set(address, bucket);
      if (buckets.size > MAX_TRACKED_ADDRESSES) buckets.delete(buckets.keys().next().value as string);
    }
    return bucket;
  };
  routes.add("POST", ACCESS_REQUEST_PATH, async ({ request, response, params }) => {
    if (!bucketOf(request.socket.remoteAddress ?? "?").take()) {
      response.setHeader("retry-after", String(Math.ceil(1 / ACCESS_REQUEST_RATE.perSecond)));
      return sendError(response, 429, "too many access requests from this address; wait a few seconds and send it again");
    }
    const text = await readBoundedBody(request, MAX_ACCESS_REQUEST_BYTES);
    if (text === undefined) return sendError(response, 413, `the body is larger than ${MAX_ACCESS_REQUEST_BYTES} bytes; an access request is well under 1 KB`);
    const parsed = parseAccessRequestBody(text);
    if ("problem" in parsed) return sendError(response, 400, parsed.problem);
    const festivalId = params.id;
    if (catalog.get(festivalId) === undefined) return sendError(response, 404, "this node does not hold that festival; send the request to a node that does (the invitation's link names one)");
    let outcome: { recorded: boolean; role?: string } | { status: number; error: string };
    try {
      outcome = await turns.run(async () => {
        const { editor, context } = await governedFestival(store, festivalId);
        try {
          const recorded = recordAccessRequest(editor, context, parsed, now());
          // the role the invitation offers, so the newcomer's page can say what they asked for
          const role = accessRequestsOf(context.doc, festivalId, now()).invitations.find((invitation) => invitation.invitation === parsed.invitation)?.role;
          if (recorded) await store.commit();
          else store.discard();
          return role === undefined ? { recorded } : { recorded, role };
        } catch (error) {
          store.discard();
          throw error;
        }
      });
    } catch (error) {
      if (!(error instanceof PandafestError)) throw error;
      const refused = error.message.startsWith("the access request is refused: ");
      outcome = refused
        ? { status: 403, error: error.message.slice("the access request is refused: ".length) }
        : { status: 503, error: `this node cannot record requests now: ${error.message}` };
    }
    if ("error" in outcome) return sendError(response, outcome.status, outcome.error);
    sendJson(response, outcome.recorded ? 201 : 200, outcome);
  });
}
