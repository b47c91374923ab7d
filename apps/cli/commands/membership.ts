// `pandafest invite`, `join`, `requests [accept|decline]` and `festival rekey`: letting people into a private
// festival with an invitation, and moving its key on (engine/core/membership does the work).
import type { DocumentId } from "@automerge/automerge-repo";
import type { Command } from "commander";
import { PandafestError } from "../../../engine/core/errors.js";
import {
  acceptAccessRequest,
  accessRequestsOf,
  declineAccessRequest,
  findRequest,
  invitationCode,
  invitationLink,
  inviteMember,
  keyringOf,
  makeAccessRequest,
  parseInvitation,
  accessRequestFrom,
  recordAccessRequest,
  rekeyFestival,
  type AccessRequestFields,
  type Role,
} from "../../../engine/core/index.js";
import { addPendingJoin, readPendingJoins } from "../../../engine/node/pending-joins.js";
import { governedFestival } from "../../../engine/node/governed-festival.js";
import { readServerInfo } from "../../server/server-info.js";
import { action } from "../context.js";
import { table } from "../output.js";

const DEFAULT_NODE_URL = "http://127.0.0.1:4321";
const REQUEST_TOKEN_PREFIX = "pfreq1.";

/** A request as one line of text, to send by any channel (mail, chat) for `pandafest requests add`. */
function requestToken(festivalId: string, request: AccessRequestFields): string {
  return REQUEST_TOKEN_PREFIX + Buffer.from(JSON.stringify({ festivalId, request })).toString("base64url");
}

function parseRequestToken(text: string): { festivalId: string; request: AccessRequestFields } {
  const trimmed = text.trim();
  const fail = () => new PandafestError(`that is not an access request: it starts with ${REQUEST_TOKEN_PREFIX} and comes from \`pandafest join --print\``, { code: "usage" });
  if (!trimmed.startsWith(REQUEST_TOKEN_PREFIX) || trimmed.length > 4096) throw fail();
  let parsed: { festivalId?: unknown; request?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(trimmed.slice(REQUEST_TOKEN_PREFIX.length), "base64url").toString("utf8")) as typeof parsed;
  } catch {
    throw fail();
  }
  const request = accessRequestFrom(parsed.request);
  if (typeof parsed.festivalId !== "string" || "problem" in request) throw fail();
  return { festivalId: parsed.festivalId, request };
}
const MAX_EXPIRY_MS = 366 * 86_400_000;

function roleArgument(text: string): Role {
  if (text === "edit" || text === "manage") return text;
  throw new PandafestError(`--role must be edit or manage, got "${text}"`, { code: "usage" });
}

/** "7d", "12h", "30m" from now, or an ISO date/time; at most a year ahead. */
export function expiryArgument(text: string, now: number): number {
  const relative = /^(\d{1,4})([dhm])$/.exec(text.trim());
  const at = relative
    ? now + Number(relative[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[relative[2] as "d" | "h" | "m"]
    : /^\d{4}-\d{2}-\d{2}/.test(text)
      ? Date.parse(text)
      : Number.NaN;
  if (Number.isNaN(at)) throw new PandafestError(`--expires "${text}" is not a duration or date: give 7d, 12h, 30m or 2027-07-01T18:00:00Z`, { code: "usage" });
  if (at <= now) throw new PandafestError(`--expires "${text}" is in the past`, { code: "usage" });
  if (at - now > MAX_EXPIRY_MS) throw new PandafestError(`--expires "${text}" is more than a year ahead; invite again later instead`, { code: "usage" });
  return at;
}

function usesArgument(text: string): number {
  if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > 1000) throw new PandafestError(`--uses must be a whole number from 1 to 1000, got "${text}"`, { code: "usage" });
  return Number(text);
}

/** The origin a link or --via names ("http://host:port"), or a clear error. */
function nodeOrigin(text: string, what: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PandafestError(`${what} "${text}" is not a URL: give the node's address, e.g. http://192.168.1.5:4321`, { code: "usage" });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new PandafestError(`${what} "${text}" must be an http or https URL`, { code: "usage" });
  return url.origin;
}

/** Sends a signed access request to a node; what it answered, in words. */
async function sendRequest(origin: string, festivalId: string, request: AccessRequestFields): Promise<{ recorded: boolean }> {
  const url = `${origin}/api/festivals/${encodeURIComponent(festivalId)}/requests`;
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ request }), signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    throw new PandafestError(`could not reach ${origin} (${(error as Error).message}); the request is kept: carry it with \`pandafest stick sync\`, or try again with --via`, { code: "input" });
  }
  let body: { recorded?: unknown; error?: unknown } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // an answer without JSON: the status says enough
  }
  if (response.status === 404) throw new PandafestError(`${origin} does not hold that festival; the request is kept for a stick or another node`, { code: "input" });
  if (!response.ok) throw new PandafestError(`${origin} refused the request: ${typeof body.error === "string" ? body.error : `HTTP ${response.status}`}`, { code: "data" });
  return { recorded: body.recorded === true };
}

export function registerMembershipCommands(program: Command): void {
  program
    .command("invite")
    .description("invite someone into a festival: prints a code and a link they open or pass to `pandafest join`")
    .argument("<festival>")
    .option("--role <role>", "the role they get once a manager accepts: edit or manage", "edit")
    .option("--expires <when>", "when the invitation stops working: 7d, 12h, 30m or a date", "7d")
    .option("--uses <n>", "how many people may join with it", "1")
    .option("--node <url>", "the node address the link points to (default: the running node, else http://127.0.0.1:4321)")
    .action(
      action(async (ctx, festival: string, options: { role: string; expires: string; uses: string; node?: string }) => {
        const now = Date.now();
        const role = roleArgument(options.role);
        const expiresAt = expiryArgument(options.expires, now);
        const uses = usesArgument(options.uses);
        const base = options.node !== undefined ? nodeOrigin(options.node, "--node") : ((await readServerInfo(ctx.dataDir))?.url ?? DEFAULT_NODE_URL);
        const store = await ctx.openStore();
        const { editor, context } = await governedFestival(store, festival);
        const invitation = inviteMember(editor, context, { role, expiresAt, uses });
        await store.commit();
        const result = { code: invitationCode(invitation), link: invitationLink(base, invitation), role, expiresAt: new Date(expiresAt).toISOString(), uses };
        ctx.out.result(result, (r) => [
          `Invitation to "${context.festivalName}" (role ${r.role}, ${r.uses} use(s), until ${r.expiresAt}):`,
          `  code: ${r.code}`,
          `  link: ${r.link}`,
          "Whoever holds it can ask to join; you still accept each request (`pandafest requests FESTIVAL`). Pass it privately.",
        ]);
      }),
    );

  program
    .command("join")
    .description("ask to join a festival with an invitation; a manager accepts, then the festival arrives by node or stick")
    .argument("[invitation]", "the code or link from `pandafest invite`")
    .option("--name <name>", "the name you give yourself in the request (default: your identity's name)")
    .option("--via <url>", "send the request to this node now (a link is sent to its own node)")
    .option("--print", "also print the request as one line, to send by mail or chat (`pandafest requests add`)")
    .option("--list", "list the festivals you asked to join that have not arrived yet")
    .action(
      action(async (ctx, text: string | undefined, options: { name?: string; via?: string; list?: boolean; print?: boolean }) => {
        const store = await ctx.openStore();
        if (options.list || text === undefined) {
          if (text === undefined && !options.list) throw new PandafestError("give the invitation (code or link), or --list", { code: "usage" });
          const joins = await readPendingJoins(ctx.dataDir);
          ctx.out.result(joins.map((join) => ({ festivalId: join.festivalId, requestedAt: new Date(join.requestedAt).toISOString(), via: join.via ?? null })), (rows) =>
            rows.length === 0 ? ["No joins waiting."] : table(["FESTIVAL", "ASKED", "VIA"], rows.map((row) => [row.festivalId, row.requestedAt, row.via ?? "stick"])),
          );
          return;
        }
        const invitation = parseInvitation(text);
        if (await store.isStored(invitation.festivalId as DocumentId)) {
          throw new PandafestError(`this data directory holds that festival already; \`pandafest festival show ${invitation.festivalId}\``, { code: "usage" });
        }
        const identity = await store.requireIdentity();
        const request = makeAccessRequest(invitation, identity, options.name ?? identity.name);
        const origin = options.via !== undefined ? nodeOrigin(options.via, "--via") : /^https?:\/\//.test(text.trim()) ? nodeOrigin(text.trim(), "the link") : undefined;
        await addPendingJoin(ctx.dataDir, { festivalId: invitation.festivalId, request, requestedAt: Date.now(), ...(origin ? { via: origin } : {}) });
        const sent = origin === undefined ? undefined : await sendRequest(origin, invitation.festivalId, request);
        const token = requestToken(invitation.festivalId, request);
        ctx.out.result({ festivalId: invitation.festivalId, key: identity.publicKey, sentTo: origin ?? null, recorded: sent?.recorded ?? null, ...(options.print ? { request: token } : {}) }, (r) => [
          ...(options.print ? ["Your request (send it to a member, who runs `pandafest requests add FESTIVAL REQUEST`):", `  ${token}`] : []),
          r.sentTo === null
            ? "Your request is kept here; `pandafest stick sync` carries it to the festival's members."
            : `Your request reached ${r.sentTo}${r.recorded ? "" : " (it had it already)"}.`,
          `A manager accepts it (they see your key ${r.key.slice(0, 16)}…); the festival then arrives through \`pandafest serve --peer ${r.sentTo ?? "URL"}\` or \`pandafest stick sync\`.`,
        ]);
      }),
    );

  const requests = program.command("requests").description("access requests to a festival: list, accept, decline");
  requests
    .command("list", { isDefault: true })
    .description("access requests waiting for a manager (--all: decided and refused ones too)")
    .argument("<festival>")
    .option("--all", "also accepted, declined and refused requests")
    .action(
      action(async (ctx, festival: string, options: { all?: boolean }) => {
        const store = await ctx.openStore();
        const handle = await store.resolve(festival);
        const { requests: list } = accessRequestsOf(handle.doc(), handle.documentId, Date.now());
        const shown = list.filter((request) => options.all || request.status === "pending");
        ctx.out.result(shown, (rows) => {
          if (rows.length === 0) return [options.all ? "No access requests." : "No access requests waiting."];
          return [
            ...table(
              ["KEY", "NAME (self-declared)", "ROLE", "STATUS"],
              rows.map((row) => [row.key, row.name, row.role ?? "-", row.reason ? `${row.status}: ${row.reason}` : row.status]),
            ),
            "accept with: pandafest requests accept FESTIVAL KEY   decline with: pandafest requests decline FESTIVAL KEY",
          ];
        });
      }),
    );
  requests
    .command("add")
    .description("record a request someone sent you (from `pandafest join --print`), so the managers see it")
    .argument("<festival>")
    .argument("<request>", "the line starting with pfreq1.")
    .action(
      action(async (ctx, festival: string, text: string) => {
        const store = await ctx.openStore();
        const { festivalId, request } = parseRequestToken(text);
        const { editor, context } = await governedFestival(store, festival);
        if (festivalId !== context.festivalId) throw new PandafestError(`that request is for festival ${festivalId}, not "${context.festivalName}"`, { code: "usage" });
        const recorded = recordAccessRequest(editor, context, request, Date.now());
        await store.commit();
        ctx.out.result({ key: request.key, recorded }, (r) => [recorded ? `Recorded the request of ${r.key.slice(0, 16)}; managers accept it with \`pandafest requests accept\`` : "That request was recorded already."]);
      }),
    );
  requests
    .command("accept")
    .description("accept a request: grant the invitation's role and hand over the festival's key")
    .argument("<festival>")
    .argument("<key>", "the requester's key, or its first 8 or more digits")
    .action(
      action(async (ctx, festival: string, reference: string) => {
        const store = await ctx.openStore();
        const { editor, context, identity } = await governedFestival(store, festival);
        const request = findRequest(context, reference, Date.now());
        acceptAccessRequest(editor, context, identity, request);
        await store.commit();
        ctx.out.result({ key: request.key, role: request.role }, (r) => [`${r.key.slice(0, 16)} (${request.name || "no name given"}) may now ${r.role} "${context.festivalName}"`]);
      }),
    );
  requests
    .command("decline")
    .description("decline a request")
    .argument("<festival>")
    .argument("<key>")
    .action(
      action(async (ctx, festival: string, reference: string) => {
        const store = await ctx.openStore();
        const { editor, context } = await governedFestival(store, festival);
        const request = findRequest(context, reference, Date.now());
        declineAccessRequest(editor, context, request);
        await store.commit();
        ctx.out.result({ key: request.key, declined: true }, (r) => [`Declined the request of ${r.key.slice(0, 16)}`]);
      }),
    );

  program
    .commands.find((command) => command.name() === "festival")
    ?.command("rekey")
    .description("start a new key epoch of a private festival: only its members now receive what follows")
    .argument("<festival>")
    .action(
      action(async (ctx, festival: string) => {
        const store = await ctx.openStore();
        const { editor, context, handle } = await governedFestival(store, festival);
        if (String(store.visible(handle).visibility) !== "private") throw new PandafestError(`"${context.festivalName}" is public: it has no key to move on`, { code: "usage" });
        const before = keyringOf(context.doc, context.festivalId).number;
        const number = rekeyFestival(editor, context);
        await store.commit();
        ctx.out.result({ epoch: number, previous: before }, (r) => [`"${context.festivalName}" is now at key epoch ${r.epoch}; every member holds the new key`]);
      }),
    );
}
