// The member-key commands as a person uses them: a private festival starts its own key epoch, an invitation lets
// a newcomer ask to join, a manager accepts or declines, and removing a member moves the key on.
import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cliJson, runCli, snapshotDir, tempDir } from "../helpers/cli.js";

async function identity(name: string): Promise<{ dataDir: string; key: string }> {
  const dataDir = await tempDir();
  await cliJson(dataDir, ["init", "--name", name]);
  return { dataDir, key: (JSON.parse(await fs.readFile(path.join(dataDir, "identity.json"), "utf8")) as { publicKey: string }).publicKey };
}

interface HistoryRow {
  message: string | null;
}
interface RequestRow {
  key: string;
  name: string;
  role: string | null;
  status: string;
  reason?: string;
}

const epochRecords = (history: HistoryRow[]) => history.filter((row) => row.message?.includes("governance v1 epoch ")).length;

describe("invitations, requests and key epochs from the command line", { timeout: 240_000 }, () => {
  it("lets a newcomer in by invitation, refuses what it should, and moves the key on at a removal", async () => {
    const ada = await identity("Ada");
    const bo = await identity("Bo");
    const cy = await identity("Cy");
    const { id } = await cliJson<{ id: string }>(ada.dataDir, ["festival", "create", "Secret Fest", "--private", "--start", "2027-07-01", "--end", "2027-07-03"]);
    expect(epochRecords(await cliJson<HistoryRow[]>(ada.dataDir, ["history", id])), "a new private festival has a key of its own at once").toBe(1);

    const invitation = await cliJson<{ code: string; link: string; role: string; uses: number }>(ada.dataDir, ["invite", id, "--role", "edit", "--uses", "1", "--node", "http://192.168.1.5:4321"]);
    expect(invitation.link).toBe(`http://192.168.1.5:4321/#/join/${invitation.code}`);
    expect(invitation.code.startsWith(`${id}.`)).toBe(true);

    // Bo asks by a line of text; Ada records it twice (once counts) and accepts
    const joined = await cliJson<{ request: string; sentTo: string | null }>(bo.dataDir, ["join", invitation.code, "--print", "--name", "Bo Builder"]);
    expect(joined.sentTo).toBeNull();
    expect((await cliJson<{ festivalId: string }[]>(bo.dataDir, ["join", "--list"])).map((join) => join.festivalId)).toEqual([id]);
    expect((await cliJson<{ recorded: boolean }>(ada.dataDir, ["requests", "add", id, joined.request])).recorded).toBe(true);
    expect((await cliJson<{ recorded: boolean }>(ada.dataDir, ["requests", "add", id, joined.request])).recorded).toBe(false);
    expect(await cliJson<RequestRow[]>(ada.dataDir, ["requests", id])).toMatchObject([{ key: bo.key, name: "Bo Builder", role: "edit", status: "pending" }]);

    // a request made with a code whose secret was changed is forged: refused, nothing stored
    const forgedCode = invitation.code.replace(/.$/, (last) => (last === "0" ? "1" : "0"));
    const forged = await cliJson<{ request: string }>(cy.dataDir, ["join", forgedCode, "--print"]);
    const before = await snapshotDir(ada.dataDir);
    const refused = await runCli(ada.dataDir, ["requests", "add", id, forged.request]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/no manager of this festival made that invitation/);
    expect(await snapshotDir(ada.dataDir)).toEqual(before);
    const garbled = await runCli(ada.dataDir, ["requests", "add", id, "pfreq1.bm90IGpzb24"]);
    expect(garbled.code).not.toBe(0);
    expect(garbled.stderr).toMatch(/not an access request/);

    await cliJson(ada.dataDir, ["requests", "accept", id, bo.key.slice(0, 10)]);
    expect(await cliJson<RequestRow[]>(ada.dataDir, ["requests", id, "--all"])).toMatchObject([{ key: bo.key, status: "accepted" }]);
    const members = await cliJson<{ members: { key: string; role: string | null }[] }>(ada.dataDir, ["member", "list", id]);
    expect(members.members.find((member) => member.key === bo.key)?.role).toBe("edit");

    // the invitation was for one use: Cy's genuine request is refused as used up
    const cyJoin = await cliJson<{ request: string }>(cy.dataDir, ["join", invitation.code, "--print"]);
    const usedUp = await runCli(ada.dataDir, ["requests", "add", id, cyJoin.request]);
    expect(usedUp.stderr).toMatch(/1 use\(s\), all taken/);

    // a second invitation; Cy asks, Ada declines
    const second = await cliJson<{ code: string }>(ada.dataDir, ["invite", id, "--uses", "3", "--expires", "2h"]);
    const cyAgain = await cliJson<{ request: string }>(cy.dataDir, ["join", second.code, "--print"]);
    await cliJson(ada.dataDir, ["requests", "add", id, cyAgain.request]);
    await cliJson(ada.dataDir, ["requests", "decline", id, cy.key]);
    expect((await cliJson<RequestRow[]>(ada.dataDir, ["requests", id, "--all"])).find((row) => row.key === cy.key)?.status).toBe("declined");
    expect((await runCli(ada.dataDir, ["requests", "accept", id, cy.key])).stderr).toMatch(/is declined/);

    // removal moves the key on; rekey does too; a public festival has no key
    const removed = await cliJson<{ epoch: number | null }>(ada.dataDir, ["member", "remove", id, bo.key]);
    expect(removed.epoch).toBe(2);
    expect((await cliJson<{ epoch: number }>(ada.dataDir, ["festival", "rekey", id])).epoch).toBe(3);
    expect(epochRecords(await cliJson<HistoryRow[]>(ada.dataDir, ["history", id]))).toBe(3);
    const open = await cliJson<{ id: string }>(ada.dataDir, ["festival", "create", "Open Air"]);
    expect((await runCli(ada.dataDir, ["festival", "rekey", open.id])).stderr).toMatch(/is public/);

    // bad arguments: clear errors, non-zero exits
    expect((await runCli(ada.dataDir, ["invite", id, "--expires", "yesterday"])).stderr).toMatch(/not a duration or date/);
    expect((await runCli(ada.dataDir, ["invite", id, "--uses", "0"])).stderr).toMatch(/--uses must be/);
    expect((await runCli(bo.dataDir, ["join", "not-an-invitation"])).stderr).toMatch(/is not an invitation/);
    expect((await runCli(ada.dataDir, ["requests", "accept", id, "zz"])).stderr).toMatch(/not a requester's key/);
  });
});
