// An outsider tries every way into an organised festival: a bundle, a stick, a node of their own on the LAN and a
// bare automerge-repo client on /sync. Members' programme, exports and views stay as they were; what the outsider
// wrote arrives as a proposal with its verified author, and accept, reject, remove and revert do what they say.
import { Repo, type DocumentId } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import * as A from "@automerge/automerge";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliJson, festivalFixture, runCli, tempDir } from "../helpers/cli.js";
import { getJson, killAllServers, serverHeads, startServe, waitFor } from "../lan/lan-helpers.js";

afterAll(() => killAllServers());

interface Shown {
  name: string;
  venues: Record<string, { name: string; removed: boolean; capacity?: number }>;
  events: Record<string, { title: string }>;
  people: Record<string, { name: string }>;
}
interface ProposalRow {
  hash: string;
  status: string;
  author: string | null;
  authorName: string;
  changes: string[];
}

async function publicKeyOf(dataDir: string): Promise<string> {
  return (JSON.parse(await fs.readFile(path.join(dataDir, "identity.json"), "utf8")) as { publicKey: string }).publicKey;
}

/** What a member sees of the festival: `festival show`, the frab JSON export and the programme, heads left out. */
async function membersView(dataDir: string, festival: string) {
  const { heads: _heads, ...shown } = await cliJson<Shown & { heads: string[] }>(dataDir, ["festival", "show", festival]);
  const exported = (await runCli(dataDir, ["export", festival, "--format", "frab-json"])).stdout;
  const programme = await cliJson(dataDir, ["programme", festival]);
  return { shown, exported, programme };
}

/** Carries `festival` from one data directory to another in a bundle file. */
async function carry(from: string, to: string, festival: string): Promise<void> {
  const file = path.join(await tempDir("pandafest-carry-"), "festival.pfb");
  await cliJson(from, ["bundle", "export", festival, "-o", file]);
  await cliJson(to, ["bundle", "import", file]);
}

describe("an organised festival and an outsider", { timeout: 300_000 }, () => {
  it("keeps bundle and stick edits out, lists them as proposals, and lets members accept, reject, remove and revert", async () => {
    const ada = await festivalFixture("Guarded Fest");
    const opening = await cliJson<{ id: string }>(ada.dataDir, ["event", "add", ada.festival, "--title", "Opening", "--venue", ada.venue, "--start", "2027-07-01T20:00", "--end", "2027-07-01T21:00"]);
    const mallory = await tempDir();
    await cliJson(mallory, ["init", "--name", "Mallory"]);
    const malloryKey = await publicKeyOf(mallory);
    await carry(ada.dataDir, mallory, ada.festival);
    const before = await membersView(ada.dataDir, ada.festival);

    // Mallory rewrites what she holds; her CLI tells her it went in as a proposal
    const renamed = await runCli(mallory, ["event", "edit", ada.festival, opening.id, "--title", "Hijacked"]);
    expect(renamed.code).toBe(0);
    expect(renamed.stderr).toMatch(/kept as a proposal/);
    await cliJson(mallory, ["venue", "remove", ada.festival, ada.venue]);
    await cliJson(mallory, ["festival", "edit", ada.festival, "--name", "Mallory's Fest"]);
    await cliJson(mallory, ["event", "edit", ada.festival, opening.id, "--description", "schema games"]);
    await carry(mallory, ada.dataDir, ada.festival);

    // by bundle: nothing of it shows for Ada
    expect(await membersView(ada.dataDir, ada.festival)).toEqual(before);
    const proposals = await cliJson<ProposalRow[]>(ada.dataDir, ["proposals", ada.festival]);
    expect(proposals.map((proposal) => [proposal.author, proposal.authorName])).toEqual(proposals.map(() => [malloryKey, "Mallory"]));
    const title = proposals.find((proposal) => proposal.changes.some((line) => line.includes('title → "Hijacked"')));
    const removal = proposals.find((proposal) => proposal.changes.some((line) => line.includes("removed → true")));
    expect(title && removal).toBeTruthy();
    const check = await runCli(ada.dataDir, ["check", ada.festival]);
    expect(check.stdout).toMatch(/Organised/);
    expect(check.stdout).toMatch(/wait for a decision/);

    // accept one: it counts, Mallory stays its author; reject another: it stays out, marked
    await cliJson(ada.dataDir, ["accept", ada.festival, title!.hash.slice(0, 10)]);
    await cliJson(ada.dataDir, ["reject", ada.festival, removal!.hash]);
    const afterDecisions = await cliJson<Shown>(ada.dataDir, ["festival", "show", ada.festival]);
    expect(afterDecisions.events[opening.id].title).toBe("Hijacked");
    expect(afterDecisions.venues[ada.venue].removed).toBe(false);
    expect(afterDecisions.name).toBe("Guarded Fest");
    const history = await cliJson<Array<{ hash: string; author: { key: string } | null; acceptedBy?: string; counts: string }>>(ada.dataDir, ["history", ada.festival]);
    const adaKey = await publicKeyOf(ada.dataDir);
    expect(history.find((record) => record.hash === title!.hash)).toMatchObject({ author: { key: malloryKey }, acceptedBy: adaKey, counts: "counts" });
    expect(history.find((record) => record.hash === removal!.hash)?.counts).toBe("rejected");
    const rejected = await cliJson<ProposalRow[]>(ada.dataDir, ["proposals", ada.festival, "--rejected"]);
    expect(rejected.find((proposal) => proposal.hash === removal!.hash)?.status).toBe("rejected");

    // by stick: the same
    const stick = await tempDir("pandafest-stick-");
    await cliJson(mallory, ["person", "add", ada.festival, "--name", "Mallory's friend"]);
    await cliJson(mallory, ["stick", "sync", stick]);
    await cliJson(ada.dataDir, ["stick", "sync", stick]);
    const afterStick = await cliJson<Shown>(ada.dataDir, ["festival", "show", ada.festival]);
    expect(Object.values(afterStick.people).map((person) => person.name)).not.toContain("Mallory's friend");
    expect((await cliJson<ProposalRow[]>(ada.dataDir, ["proposals", ada.festival])).some((proposal) => proposal.changes.some((line) => line.includes("Mallory's friend")))).toBe(true);

    // a grant needs manage; removing the last manager is refused; both change nothing
    const selfGrant = await runCli(mallory, ["member", "add", ada.festival, malloryKey, "--role", "manage"]);
    expect(selfGrant.code).not.toBe(0);
    expect(selfGrant.stderr).toMatch(/needs the manage role/);
    const lastManager = await runCli(ada.dataDir, ["member", "remove", ada.festival, adaKey]);
    expect(lastManager.code).not.toBe(0);
    expect(lastManager.stderr).toMatch(/last manager/);

    // Ada lets Mallory edit; what she does then counts; once removed, her later edits are proposals; revert undoes her
    await cliJson(ada.dataDir, ["member", "add", ada.festival, malloryKey, "--role", "edit"]);
    await carry(ada.dataDir, mallory, ada.festival);
    await cliJson(mallory, ["venue", "edit", ada.festival, ada.venue, "--capacity", "5"]);
    await carry(mallory, ada.dataDir, ada.festival);
    expect((await cliJson<Shown>(ada.dataDir, ["festival", "show", ada.festival])).venues[ada.venue].capacity).toBe(5);
    // keys by the prefix history and member list print: unique among members (remove) or authors (revert)
    const notAMember = await runCli(ada.dataDir, ["member", "remove", ada.festival, "0123abcd"]);
    expect(notAMember.code).not.toBe(0);
    expect(notAMember.stderr).toMatch(/no key among its members .* starts with 0123abcd/);
    await cliJson(ada.dataDir, ["member", "remove", ada.festival, malloryKey.slice(0, 8)]);
    await carry(ada.dataDir, mallory, ada.festival);
    await cliJson(mallory, ["venue", "edit", ada.festival, ada.venue, "--capacity", "1"]);
    await carry(mallory, ada.dataDir, ada.festival);
    expect((await cliJson<Shown>(ada.dataDir, ["festival", "show", ada.festival])).venues[ada.venue].capacity).toBe(5);
    const members = await cliJson<{ members: Array<{ key: string; role: string | null; name: string }> }>(ada.dataDir, ["member", "list", ada.festival]);
    expect(members.members.find((member) => member.key === malloryKey)?.role).toBeNull();
    const tooShort = await runCli(ada.dataDir, ["revert", ada.festival, "--author", malloryKey.slice(0, 6)]);
    expect(tooShort.code).not.toBe(0);
    expect(tooShort.stderr).toMatch(/at least its first 8/);
    expect((await cliJson<Shown>(ada.dataDir, ["festival", "show", ada.festival])).venues[ada.venue].capacity).toBe(5);
    const reverted = await cliJson<{ restored: string[] }>(ada.dataDir, ["revert", ada.festival, "--author", malloryKey.slice(0, 10)]);
    expect(reverted.restored.length).toBeGreaterThan(0);
    const afterRevert = await cliJson<Shown>(ada.dataDir, ["festival", "show", ada.festival]);
    expect(afterRevert.venues[ada.venue].capacity).toBe(500);
    expect(afterRevert.events[opening.id].title).toBe("Opening");
  });

  it("keeps a hostile node's and a bare /sync client's changes out of what a node serves", async () => {
    const ada = await festivalFixture("Served Fest");
    await cliJson(ada.dataDir, ["event", "add", ada.festival, "--title", "Opening", "--venue", ada.venue, "--start", "2027-07-01T20:00", "--end", "2027-07-01T21:00"]);
    const mallory = await tempDir();
    await cliJson(mallory, ["init", "--name", "Mallory"]);
    await carry(ada.dataDir, mallory, ada.festival);
    const adaNode = await startServe(ada.dataDir);
    const served = async () => ({
      schedule: await (await fetch(`${adaNode.url}/festivals/${ada.festival}/schedule.json`)).text(),
      listed: (await getJson<Array<{ id: string; name: string }>>(`${adaNode.url}/api/festivals`)).find((entry) => entry.id === ada.festival)?.name,
    });
    const before = await served();
    expect(before.listed).toBe("Served Fest");

    // a node of Mallory's own, peered with Ada's: her edit reaches Ada's node and stays a proposal there
    const malloryNode = await startServe(mallory, ["--peer", adaNode.sync]);
    await cliJson(mallory, ["festival", "edit", ada.festival, "--name", "Taken Over"]);
    const malloryHeads = await serverHeads(malloryNode.url, ada.festival);
    await waitFor("Ada's node to hold Mallory's edit", async () => JSON.stringify(await serverHeads(adaNode.url, ada.festival)) === JSON.stringify(malloryHeads), 30_000);
    expect(await served()).toEqual(before);
    const onAda = await cliJson<ProposalRow[]>(ada.dataDir, ["proposals", ada.festival]);
    expect(onAda.some((proposal) => proposal.authorName === "Mallory" && proposal.changes.includes('festival name → "Taken Over"'))).toBe(true);
    await malloryNode.stop();

    // a bare automerge-repo client writes straight into the document over /sync
    const bare = new Repo({ network: [new WebSocketClientAdapter(adaNode.sync)], sharePolicy: async () => true });
    try {
      const handle = await bare.find<{ name: unknown }>(ada.festival as DocumentId);
      handle.change((doc) => {
        doc.name = new A.ImmutableString("Bare Client Fest");
      });
      const heads = A.getHeads(handle.doc());
      await waitFor("Ada's node to hold the bare client's change", async () => (await serverHeads(adaNode.url, ada.festival))?.includes(heads[0]) === true, 30_000);
    } finally {
      await bare.shutdown();
    }
    expect(await served()).toEqual(before);
    const pending = await cliJson<ProposalRow[]>(ada.dataDir, ["proposals", ada.festival]);
    expect(pending.some((proposal) => proposal.status === "pending" && proposal.changes.includes('festival name → "Bare Client Fest"'))).toBe(true);
    expect(await adaNode.stop()).toBe(0);
  });
});
