// Joining a members-only festival over the LAN: POST /api/festivals/:id/requests records a valid access request (it
// then travels to the managers' nodes), refuses forged, expired, used-up and replayed ones with the reason, and a
// joiner's node asks its peers for the festival it waits to join, which arrives once a manager accepts.
import { governedFestival } from "../../engine/node/governed-festival.js";
import type * as A from "@automerge/automerge";
import type { DocHandle } from "@automerge/automerge-repo";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_ACCESS_REQUEST_BYTES } from "../../apps/server/access-request-route.js";
import { startServer, type RunningServer } from "../../apps/server/server.js";
import { accessRequestsOf, makeAccessRequest, type Invitation } from "../../engine/core/membership/invitations.js";
import { acceptAccessRequest, addMember, findRequest, inviteMember } from "../../engine/core/membership/manage-members.js";
import type { Festival } from "../../engine/core/schema.js";
import { createIdentity, type Identity } from "../../engine/node/identity.js";
import { FestivalStore } from "../../engine/node/store.js";
import { cliJson, tempDir } from "../helpers/cli.js";
import { killAllServers, startServe, waitFor, type ServeProcess } from "./lan-helpers.js";

const running: RunningServer[] = [];
const processes: ServeProcess[] = [];
afterAll(async () => {
  for (const server of running) await server.close();
  for (const serve of processes) await serve.stop();
  killAllServers();
});

interface Person {
  dataDir: string;
  identity: Identity;
}

async function person(name: string): Promise<Person> {
  const dataDir = await tempDir();
  return { dataDir, identity: await createIdentity(dataDir, name) };
}


async function invite(store: FestivalStore, id: string, options: { expiresAt?: number; uses?: number } = {}): Promise<Invitation> {
  const { editor, context } = await governedFestival(store, id);
  const invitation = inviteMember(editor, context, { role: "edit", expiresAt: options.expiresAt ?? Date.now() + 3_600_000, uses: options.uses ?? 1 });
  await store.commit();
  return invitation;
}

async function post(server: RunningServer, festivalId: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: { recorded?: boolean; error?: string } }> {
  const response = await fetch(`${server.localUrl}/api/festivals/${encodeURIComponent(festivalId)}/requests`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let parsed: { recorded?: boolean; error?: string } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = { error: text };
  }
  return { status: response.status, body: parsed };
}

const requestsOn = (server: RunningServer, id: string) => {
  const handle = server.store.loadedHandle(id) as DocHandle<unknown> | undefined;
  return handle ? accessRequestsOf(handle.doc() as A.Doc<Festival>, id, Date.now()) : { invitations: [], requests: [] };
};

describe("joining over the LAN", { timeout: 240_000 }, () => {
  it("records a valid request (which reaches a manager's node) and refuses forged, expired, used-up and replayed ones", async () => {
    const [ada, cy, eve, fay] = await Promise.all(["Ada", "Cy", "Eve", "Fay"].map(person));
    const store = await FestivalStore.open(ada.dataDir);
    const { id } = await store.create({ name: "Members Meadow", timeZone: "UTC", startDate: "2027-08-01", endDate: "2027-08-02", visibility: "private" });
    const { id: publicId } = await store.create({ name: "Open Air", timeZone: "UTC", startDate: "2027-08-01", endDate: "2027-08-02", visibility: "public" });
    {
      const { editor, context, identity } = await governedFestival(store, id);
      addMember(editor, context, identity, cy.identity.publicKey, "edit");
      await store.commit();
    }
    await store.close();
    const a = await startServer({ dataDir: ada.dataDir, port: 0, staticRoot: null });
    running.push(a);
    const c = await startServer({ dataDir: cy.dataDir, port: 0, peers: [`${a.localUrl.replace("http", "ws")}/sync`], staticRoot: null });
    running.push(c);

    const invitation = await invite(a.store, id, { uses: 1 });
    await waitFor("Cy's node to hold the invitation", () => requestsOn(c, id).invitations.length === 1);

    // Eve's request, handed to Cy's node (an editor's): recorded there, and it travels to Ada's (a manager's)
    const eveRequest = makeAccessRequest(invitation, eve.identity, "Eve");
    const body = JSON.stringify({ request: eveRequest });
    expect(await post(c, id, body)).toEqual({ status: 201, body: { recorded: true, role: "edit" } });
    expect(await post(c, id, body), "the same request again: nothing new").toEqual({ status: 200, body: { recorded: false, role: "edit" } });
    await waitFor("Eve's request to reach Ada's node", () => requestsOn(a, id).requests.find((request) => request.key === eve.identity.publicKey)?.status === "pending");
    expect(requestsOn(a, id).requests).toMatchObject([{ key: eve.identity.publicKey, name: "Eve", role: "edit", status: "pending" }]);

    const heads = () => (a.store.loadedHandle(id) as DocHandle<unknown>).heads().slice().sort();
    const before = heads();
    const refused = async (festivalId: string, request: object, reason: RegExp) => {
      const answer = await post(a, festivalId, JSON.stringify({ request }));
      expect(answer.status).toBe(403);
      expect(answer.body.error).toMatch(reason);
    };
    // forged: made with an invitation secret nobody issued
    const forgedSecret = Uint8Array.from(invitation.secret, (byte, index) => (index === 0 ? byte ^ 1 : byte));
    await refused(id, makeAccessRequest({ ...invitation, secret: forgedSecret }, fay.identity, "Fay"), /no manager of this festival made that invitation/);
    // a genuine request with its name changed on the way: the signatures no longer hold
    await refused(id, { ...makeAccessRequest(invitation, fay.identity, "Fay"), nameHex: "4d616c6c6f7279" }, /signatures do not hold/);
    // replayed to another festival: bound to the one it was made for
    await refused(publicId, eveRequest, /signatures do not hold/);
    // expired
    const expired = await invite(a.store, id, { expiresAt: Date.now() - 60_000 });
    const afterExpiredInvite = heads();
    await refused(id, makeAccessRequest(expired, fay.identity, "Fay"), /invitation expired/);
    expect(heads(), "a refused request changes nothing").toEqual(afterExpiredInvite);
    expect(afterExpiredInvite).not.toEqual(before);

    // Ada accepts Eve: the one use is taken, so Fay is refused; Eve's request replayed is refused too
    {
      const { editor, context, identity } = await governedFestival(a.store, id);
      acceptAccessRequest(editor, context, identity, findRequest(context, eve.identity.publicKey, Date.now()));
      await a.store.commit();
    }
    await refused(id, makeAccessRequest(invitation, fay.identity, "Fay"), /1 use\(s\), all taken/);
    await refused(id, eveRequest, /member already/);

    // bad input: clear errors, nothing recorded
    const beforeBad = heads();
    const malformed = await post(a, id, JSON.stringify({ request: { ...eveRequest, key: "not hex" } }));
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/request\.key is missing or malformed/);
    expect((await post(a, id, "not json")).status).toBe(400);
    expect((await post(a, id, JSON.stringify({ request: eveRequest, padding: "x".repeat(MAX_ACCESS_REQUEST_BYTES) }))).status).toBe(413);
    const unknown = await post(a, "2Zpra9hmqdeiJvAcCJG5txFB91YH", body);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/does not hold that festival/);
    const crossOrigin = await post(a, id, body, { origin: "http://evil.example" });
    expect(crossOrigin.status).toBe(403);
    expect(heads()).toEqual(beforeBad);

    // and an address that keeps sending is slowed down (bounded: the burst is far below 100)
    let limited = false;
    for (let attempt = 0; attempt < 100 && !limited; attempt++) limited = (await post(a, id, body)).status === 429;
    expect(limited).toBe(true);
  });

  it("brings the festival to a joiner's node once a manager accepts: invite, join by link, accept, arrival", async () => {
    const ada = await tempDir();
    const eve = await tempDir();
    await cliJson(ada, ["init", "--name", "Ada"]);
    await cliJson(eve, ["init", "--name", "Eve"]);
    const { id } = await cliJson<{ id: string }>(ada, ["festival", "create", "Secret Fest", "--private", "--start", "2027-07-01", "--end", "2027-07-03"]);
    const adaNode = await startServe(ada);
    processes.push(adaNode);

    const { link } = await cliJson<{ link: string }>(ada, ["invite", id, "--node", adaNode.url]);
    expect(link.startsWith(`${adaNode.url}/#/join/`)).toBe(true);
    // Eve opens the link with the CLI: the request goes to Ada's node, and a pending join is kept
    const joined = await cliJson<{ sentTo: string; recorded: boolean; key: string }>(eve, ["join", link, "--name", "Eve"]);
    expect(joined).toMatchObject({ sentTo: new URL(adaNode.url).origin, recorded: true });
    expect(await cliJson<{ festivalId: string }[]>(eve, ["join", "--list"])).toMatchObject([{ festivalId: id }]);

    // Eve's node, linked to Ada's, asks for it: nothing comes while the request waits
    const eveNode = await startServe(eve, ["--peer", adaNode.sync]);
    processes.push(eveNode);
    await waitFor("Eve's node to be linked to Ada's", async () => {
      const status = await (await fetch(`${eveNode.url}/api/status`)).json() as { peers?: { state: string; role: string }[] };
      return status.peers?.some((peer) => peer.state === "connected" && peer.role === "server");
    });
    expect(await cliJson<{ key: string; status: string }[]>(ada, ["requests", id])).toMatchObject([{ key: joined.key, status: "pending" }]);
    expect((await fetch(`${eveNode.url}/api/heads/${id}`)).status).toBe(404);

    // Ada accepts: the festival arrives at Eve's node, and the pending join is done
    await cliJson(ada, ["requests", "accept", id, joined.key]);
    await waitFor("the festival to arrive at Eve's node", async () => (await fetch(`${eveNode.url}/api/heads/${id}`)).status === 200, 30_000);
    await waitFor("Eve's pending join to be removed", async () => (await cliJson<unknown[]>(eve, ["join", "--list"])).length === 0, 30_000);
    const shown = await cliJson<{ name: string }>(eve, ["festival", "show", id, "--json"]);
    expect(shown.name).toBe("Secret Fest");
    const joins = JSON.parse(await fs.readFile(path.join(eve, "joins.json"), "utf8")) as { joins: unknown[] };
    expect(joins.joins).toEqual([]);
  });
});
