// Member keys through the command line, end to end with one stick: newcomers join (invite, join, stick sync, a
// member records the request, a manager accepts, stick sync, the newcomer holds the festival), then a removed
// member's stick sync and bundle import get nothing made after the removal while the others converge.
import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cliJson, runCli, tempDir } from "../helpers/cli.js";

async function identity(name: string): Promise<{ dataDir: string; key: string }> {
  const dataDir = await tempDir();
  await cliJson(dataDir, ["init", "--name", name]);
  return { dataDir, key: (JSON.parse(await fs.readFile(path.join(dataDir, "identity.json"), "utf8")) as { publicKey: string }).publicKey };
}

interface StickEntry {
  festival: string | null;
  in: number;
  locked: number;
  joined: boolean;
  followed: boolean;
}
interface StickJson {
  festivals: StickEntry[];
  requests: { written: number; recorded: { key: string; name: string }[]; removed: number };
  refused: unknown[];
}

async function stickSync(dataDir: string, stick: string): Promise<StickJson> {
  return cliJson<StickJson>(dataDir, ["--json", "stick", "sync", stick]);
}

async function venues(dataDir: string, id: string): Promise<string[]> {
  const shown = await cliJson<{ venues: Record<string, { name: string }> }>(dataDir, ["festival", "show", id, "--json"]);
  return Object.values(shown.venues)
    .map((venue) => venue.name)
    .sort();
}

describe("member keys by stick, from the command line", { timeout: 300_000 }, () => {
  it("lets newcomers in by stick, and keeps a removed member out of what follows", async () => {
    const ada = await identity("Ada");
    const bo = await identity("Bo");
    const cy = await identity("Cy");
    const stick = await tempDir("pandafest-stick-cli-");
    const { id } = await cliJson<{ id: string }>(ada.dataDir, ["festival", "create", "Secret Fest", "--private", "--start", "2027-07-01", "--end", "2027-07-03"]);
    await cliJson(ada.dataDir, ["venue", "add", id, "--name", "Gate"]);
    const { code } = await cliJson<{ code: string }>(ada.dataDir, ["invite", id, "--uses", "2"]);
    await stickSync(ada.dataDir, stick);

    // Bo asks; his sync writes the request and carries the festival it cannot open yet
    await cliJson(bo.dataDir, ["join", code, "--name", "Bo"]);
    const boFirst = await stickSync(bo.dataDir, stick);
    expect(boFirst.requests.written).toBe(1);
    expect(boFirst.festivals.find((entry) => entry.festival === id)?.locked).toBeGreaterThan(0);
    expect((await runCli(bo.dataDir, ["festival", "show", id])).code).not.toBe(0);

    // Ada (a member) records it at her next sync, accepts, and writes the festival with an envelope for Bo
    expect((await stickSync(ada.dataDir, stick)).requests.recorded).toEqual([{ festival: id, key: bo.key, name: "Bo" }]);
    await cliJson(ada.dataDir, ["requests", "accept", id, bo.key]);
    await stickSync(ada.dataDir, stick);
    const boJoined = await stickSync(bo.dataDir, stick);
    expect(boJoined.festivals.find((entry) => entry.festival === id)).toMatchObject({ joined: true, followed: true, locked: 0 });
    expect(await venues(bo.dataDir, id)).toEqual(["Gate"]);
    expect(await cliJson<unknown[]>(bo.dataDir, ["join", "--list"])).toEqual([]);

    // Cy asks; Bo (now a member) records it; Ada accepts; Cy gets the festival
    await cliJson(cy.dataDir, ["join", code, "--name", "Cy"]);
    await stickSync(cy.dataDir, stick);
    expect((await stickSync(bo.dataDir, stick)).requests.recorded).toEqual([{ festival: id, key: cy.key, name: "Cy" }]);
    await stickSync(ada.dataDir, stick);
    await cliJson(ada.dataDir, ["requests", "accept", id, cy.key]);
    await stickSync(ada.dataDir, stick);
    expect((await stickSync(cy.dataDir, stick)).festivals.find((entry) => entry.festival === id)).toMatchObject({ joined: true });
    expect(await venues(cy.dataDir, id)).toEqual(["Gate"]);

    // Ada removes Cy: a new epoch without Cy; what Ada adds next reaches Bo, never Cy
    await cliJson(ada.dataDir, ["member", "remove", id, cy.key]);
    await cliJson(ada.dataDir, ["venue", "add", id, "--name", "After The Removal"]);
    const bundle = path.join(ada.dataDir, "after.pfb");
    await cliJson(ada.dataDir, ["bundle", "export", id, "-o", bundle]);
    await stickSync(ada.dataDir, stick);

    const cyAfter = await runCli(cy.dataDir, ["stick", "sync", stick]);
    expect(cyAfter.code).toBe(0);
    expect(cyAfter.stdout).toMatch(/sealed under a key this identity does not hold \(removed, or not accepted yet\)/);
    const imported = await runCli(cy.dataDir, ["bundle", "import", bundle]);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toMatch(/sealed under a festival key this identity does not hold .*removed from the festival/);
    expect(await venues(cy.dataDir, id)).toEqual(["Gate"]);

    await stickSync(bo.dataDir, stick);
    expect(await venues(bo.dataDir, id)).toEqual(["After The Removal", "Gate"]);
    await cliJson(bo.dataDir, ["venue", "add", id, "--name", "Bo's Tent"]);
    await stickSync(bo.dataDir, stick);
    await stickSync(ada.dataDir, stick);
    expect(await venues(ada.dataDir, id)).toEqual(["After The Removal", "Bo's Tent", "Gate"]);
    await stickSync(cy.dataDir, stick);
    expect(await venues(cy.dataDir, id)).toEqual(["Gate"]);
  });
});
