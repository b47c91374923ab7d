// A festival made with the CLI and edited by several CLI processes in turn holds every edit.
// Each step is its own process on the same data directory, as a person at a terminal would run them.
import fs from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { cliJson, festivalFixture, runCli, tempDir } from "../helpers/cli.js";

interface Shown {
  id: string;
  url: string;
  name: string;
  heads: string[];
  venues: Record<string, { name: string; capacity?: number; removed: boolean; address: string }>;
  events: Record<string, { title: string; venueId: string; start: string; end: string; status: string; hostIds: string[] }>;
  people: Record<string, { name: string; bio: string }>;
  members: Record<string, { name: string }>;
}

describe("CLI edits across processes", () => {
  it("keeps every edit made by a run of separate CLI processes", async () => {
    const { dataDir, festival, venue } = await festivalFixture("Sommerfest");
    const second = await cliJson<{ id: string }>(dataDir, ["venue", "add", festival, "--name", "Tent", "--address", "Field 2", "--geo", "52.5,13.4"]);
    const talk = await cliJson<{ id: string }>(dataDir, [
      "event", "add", festival, "--title", "Opening", "--venue", "Main Stage",
      "--start", "2027-07-01T18:00:00+02:00", "--end", "2027-07-01T19:00:00+02:00", "--host", "Grace Hopper", "--tag", "talk",
    ]);
    const late = await cliJson<{ id: string }>(dataDir, [
      "event", "add", festival, "--title", "Night set", "--venue", second.id,
      "--start", "2027-07-02T01:00:00+02:00", "--end", "2027-07-02T03:00:00+02:00", "--status", "tentative",
    ]);
    await cliJson(dataDir, ["person", "add", festival, "--name", "Linus", "--bio", "plays the kazoo"]);
    await cliJson(dataDir, ["venue", "edit", festival, "Main Stage", "--capacity", "800"]);
    await cliJson(dataDir, ["event", "edit", festival, talk.id, "--title", "Grand Opening"]);
    await cliJson(dataDir, ["event", "cancel", festival, late.id]);
    await cliJson(dataDir, ["venue", "remove", festival, "Tent"]);
    await cliJson(dataDir, ["venue", "restore", festival, "Tent"]);

    const shown = await cliJson<Shown>(dataDir, ["festival", "show", festival]);
    expect(shown.id).toBe(festival);
    expect(shown.url).toBe(`automerge:${festival}`);
    expect(shown.name).toBe("Sommerfest");
    expect(shown.heads.length).toBeGreaterThan(0);
    expect(shown.venues[venue]).toMatchObject({ name: "Main Stage", capacity: 800, removed: false });
    expect(shown.venues[second.id]).toMatchObject({ name: "Tent", address: "Field 2", removed: false });
    expect(shown.events[talk.id]).toMatchObject({ title: "Grand Opening", venueId: venue, status: "confirmed", start: "2027-07-01T18:00:00+02:00" });
    expect(shown.events[late.id]).toMatchObject({ title: "Night set", status: "cancelled" });
    const hostNames = shown.events[talk.id].hostIds.map((id) => shown.people[id]?.name);
    expect(hostNames).toEqual(["Grace Hopper"]);
    expect(Object.values(shown.people).map((p) => p.name).sort()).toEqual(["Grace Hopper", "Linus"]);
    expect(Object.values(shown.members).map((m) => m.name)).toEqual(["Ada"]);

    // festival list and name-prefix references see the same festival
    const list = await cliJson<{ id: string; name: string }[]>(dataDir, ["festival", "list"]);
    expect(list).toEqual([expect.objectContaining({ id: festival, name: "Sommerfest" })]);
    const byPrefix = await cliJson<Shown>(dataDir, ["festival", "show", "somm"]);
    expect(byPrefix.heads).toEqual(shown.heads);

    // the programme puts the 01:00 set on the evening before (days start at 04:00)
    const days = await cliJson<{ date: string; venues: { events: { id: string }[] }[] }[]>(dataDir, ["programme", festival]);
    expect(days.map((d) => d.date)).toEqual(["2027-07-01"]);
    expect(days[0].venues.flatMap((v) => v.events.map((e) => e.id)).sort()).toEqual([talk.id, late.id].sort());
    const text = await runCli(dataDir, ["programme", festival]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("18:00-19:00  Grand Opening");
    expect(text.stdout).toContain("[cancelled]");
  });

  it("reads an event time typed without an offset on the festival's clock", async () => {
    const { dataDir, festival } = await festivalFixture("Local Time Fest"); // Europe/Berlin
    const added = await cliJson<{ id: string }>(dataDir, [
      "event", "add", festival, "--title", "Sunset", "--venue", "Main Stage", "--start", "2027-07-01T20:00", "--end", "2027-07-01 21:30",
    ]);
    await cliJson(dataDir, ["event", "edit", festival, added.id, "--end", "2027-07-01T22:00"]);
    const shown = await cliJson<Shown>(dataDir, ["festival", "show", festival]);
    expect(shown.events[added.id]).toMatchObject({ start: "2027-07-01T20:00:00+02:00", end: "2027-07-01T22:00:00+02:00" });
    // a time that is neither is still refused, naming what is wrong, and nothing is stored
    const refused = await runCli(dataDir, ["event", "add", festival, "--title", "Never", "--venue", "Main Stage", "--start", "2027-07-01T20:00:30", "--end", "2027-07-01T21:00"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/invalid event start "2027-07-01T20:00:30": has no offset/);
  });

  it("answers whoami and help, and exits 2 on a usage error", async () => {
    const dataDir = await tempDir();
    await cliJson(dataDir, ["init", "--name", "Zoë"]);
    const me = await cliJson<{ name: string; publicKey: string }>(dataDir, ["whoami"]);
    expect(me.name).toBe("Zoë");
    expect(me.publicKey).toMatch(/^[0-9a-f]{64}$/);
    const help = await runCli(dataDir, ["event", "add", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--venue");
    const usage = await runCli(dataDir, ["venue", "add"]);
    expect(usage.code).toBe(2);
    const version = await runCli(dataDir, ["--version"]);
    expect(version.code).toBe(0);
    const manifest = JSON.parse(await fs.readFile(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(version.stdout.trim()).toBe(manifest.version);
    const unknown = await runCli(dataDir, ["frobnicate"]);
    expect(unknown.code).toBe(2);
  });
});
