// Deleting events and people from the CLI: they leave the programme, exports, checks and forks, come back with
// restore, and a person who hosts events is deleted only with --unhost. Real CLI processes on a real data directory.
import { describe, expect, it } from "vitest";
import { cliJson, festivalFixture, runCli, snapshotDir } from "../helpers/cli.js";

interface Shown {
  events: Record<string, { title: string; hostIds: string[]; removed?: true }>;
  people: Record<string, { name: string; removed?: true }>;
}
interface Changed {
  id: string;
  changed: boolean;
}

describe("event and person delete/restore", () => {
  it("hides deleted items everywhere a reader looks and restores them as they were", async () => {
    const { dataDir, festival } = await festivalFixture("Sommerfest");
    const add = (title: string, start: string, end: string, host?: string) =>
      cliJson<{ id: string }>(dataDir, [
        "event", "add", festival, "--title", title, "--venue", "Main Stage", "--start", start, "--end", end, ...(host ? ["--host", host] : []),
      ]);
    const opening = await add("Opening", "2027-07-01T18:00", "2027-07-01T19:00", "Grace Hopper");
    const clash = await add("Soundcheck", "2027-07-01T18:30", "2027-07-01T19:30");
    expect((await cliJson<{ clashes: unknown[] }>(dataDir, ["check", festival])).clashes).toHaveLength(1);

    const deleted = await cliJson<Changed>(dataDir, ["event", "delete", festival, "Soundcheck"]);
    expect(deleted).toMatchObject({ id: clash.id, changed: true });
    expect((await runCli(dataDir, ["event", "delete", festival, clash.id])).stdout).toContain("was deleted already; nothing changed");

    // kept in the festival, marked; gone from the programme, the event list, checks and exports
    const shown = await cliJson<Shown>(dataDir, ["festival", "show", festival]);
    expect(shown.events[clash.id]).toMatchObject({ title: "Soundcheck", removed: true });
    expect(shown.events[opening.id].removed).toBeUndefined();
    const days = await cliJson<{ venues: { events: { id: string }[] }[] }[]>(dataDir, ["programme", festival]);
    expect(days.flatMap((d) => d.venues.flatMap((v) => v.events.map((e) => e.id)))).toEqual([opening.id]);
    expect((await cliJson<{ id: string }[]>(dataDir, ["event", "list", festival])).map((e) => e.id)).toEqual([opening.id]);
    expect((await runCli(dataDir, ["event", "list", festival, "--all"])).stdout).toMatch(/Soundcheck\s+deleted/);
    expect((await cliJson<{ clashes: unknown[] }>(dataDir, ["check", festival])).clashes).toEqual([]);
    const exported = await runCli(dataDir, ["export", festival, "--format", "frab-json"]);
    expect(exported.stdout).toContain("Opening");
    expect(exported.stdout).not.toContain("Soundcheck");
    expect((await runCli(dataDir, ["festival", "show", festival])).stdout).toContain("events:    1 (+1 deleted)");
    const history = await runCli(dataDir, ["history", festival]);
    expect(history.stdout).toMatch(/Soundcheck/);

    // a person who hosts an event: refused (nothing stored), then deleted with --unhost
    const before = await snapshotDir(dataDir);
    const refused = await runCli(dataDir, ["person", "delete", festival, "Grace Hopper"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('"Grace Hopper" hosts 1 event(s) ("Opening")');
    expect(refused.stderr).toContain("--unhost");
    expect(await snapshotDir(dataDir)).toEqual(before);
    const unhosted = await cliJson<Changed & { unhosted: { id: string; title: string }[] }>(dataDir, ["person", "delete", festival, "Grace Hopper", "--unhost"]);
    expect(unhosted).toMatchObject({ changed: true, unhosted: [{ id: opening.id, title: "Opening" }] });
    expect(await cliJson<unknown[]>(dataDir, ["person", "list", festival])).toEqual([]);
    const afterPerson = await cliJson<Shown>(dataDir, ["festival", "show", festival]);
    expect(afterPerson.events[opening.id].hostIds).toEqual([]);
    const graceId = Object.keys(afterPerson.people)[0];
    expect(afterPerson.people[graceId]).toMatchObject({ name: "Grace Hopper", removed: true });
    // a deleted person is refused as a new host, with what to do
    const asHost = await runCli(dataDir, ["event", "edit", festival, "Opening", "--host", "Grace Hopper"]);
    expect(asHost.code).toBe(1);
    expect(asHost.stderr).toContain("is deleted; restore them first");

    // a fork keeps neither
    const fork = await cliJson<{ kept: { events: number; people: number } }>(dataDir, ["fork", festival, "--name", "Remix", "--keep", "events,people"]);
    expect(fork.kept).toMatchObject({ events: 1, people: 0 });

    // restore: back as it was
    expect(await cliJson<Changed>(dataDir, ["event", "restore", festival, clash.id])).toMatchObject({ changed: true });
    expect(await cliJson<Changed>(dataDir, ["person", "restore", festival, "Grace Hopper"])).toMatchObject({ changed: true });
    expect((await runCli(dataDir, ["person", "restore", festival, "Grace Hopper"])).stdout).toContain("is not deleted; nothing changed");
    const restored = await cliJson<Shown>(dataDir, ["festival", "show", festival]);
    expect(restored.events[clash.id]).toMatchObject({ title: "Soundcheck" });
    expect(restored.events[clash.id].removed).toBeUndefined();
    expect(restored.people[graceId].removed).toBeUndefined();
    expect((await cliJson<{ clashes: unknown[] }>(dataDir, ["check", festival])).clashes).toHaveLength(1);

    // unknown items: a clear error, exit 1
    const unknown = await runCli(dataDir, ["event", "delete", festival, "No such thing"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no event/i);
    expect((await runCli(dataDir, ["event", "delete", "--help"])).stdout).toMatch(/can be\s+restored/);
  }, 400_000);
});
