// `pandafest fork` and `pandafest fork pull` through the real CLI: a fork keeps the venues (ids and fields)
// and not the events; an origin venue edit made after the fork is pulled in; nothing flows back.
import { describe, expect, it } from "vitest";
import { addEvent, addPerson, addVenue, editVenue, removeVenue } from "../../engine/core/operations.js";
import { cliJson, runCli } from "../helpers/cli.js";
import { createFestival, dataDirWithIdentity, readFestival, withStore } from "./store-fixtures.js";

interface OriginFixture {
  dataDir: string;
  festival: string;
  main: string;
  tent: string;
  barn: string;
}

async function originFixture(): Promise<OriginFixture> {
  const dataDir = await dataDirWithIdentity();
  const ids = { main: "", tent: "", barn: "" };
  const festival = await createFestival(
    dataDir,
    { name: "Sommerfest 2027", timeZone: "Europe/Berlin", startDate: "2027-07-01", endDate: "2027-07-03", visibility: "public" },
    (editor) => {
      ids.main = addVenue(editor, {
        name: "Main Stage",
        description: "By the lake",
        address: "Seestraße 1",
        geo: { lat: 52.52, lon: 13.405 },
        capacity: 500,
        accessibility: "step-free",
        tags: ["outdoor", "music"],
      });
      ids.tent = addVenue(editor, { name: "Tent", address: "Field 2" });
      ids.barn = addVenue(editor, { name: "Old Barn" });
      removeVenue(editor, ids.barn);
      const grace = addPerson(editor, { name: "Grace Hopper" });
      addEvent(editor, {
        title: "Opening",
        venueId: ids.main,
        start: "2027-07-01T18:00:00+02:00",
        end: "2027-07-01T19:00:00+02:00",
        hostIds: [grace],
      });
    },
  );
  return { dataDir, festival, ...ids };
}

interface ForkJson {
  id: string;
  url: string;
  kept: { venues: number; people: number; events: number };
}

describe("pandafest fork", () => {
  it("keeps the venues with their ids and fields, and not the events", async () => {
    const origin = await originFixture();
    const fork = await cliJson<ForkJson>(origin.dataDir, ["fork", origin.festival, "--name", "Sommerfest 2028"]);
    expect(fork.kept).toEqual({ venues: 2, people: 0, events: 0 });

    const before = await readFestival(origin.dataDir, origin.festival);
    const copy = await readFestival(origin.dataDir, fork.id);
    expect(copy.id).not.toBe(before.id);
    expect(copy.view.name).toBe("Sommerfest 2028");
    const liveVenues = Object.fromEntries(Object.entries(before.view.venues).filter(([, venue]) => !venue.removed));
    expect(Object.keys(liveVenues).sort()).toEqual([origin.main, origin.tent].sort());
    expect(copy.view.venues).toEqual(liveVenues);
    expect(copy.view.events).toEqual({});
    expect(copy.view.people).toEqual({});
    expect(copy.view.timeZone).toBe("Europe/Berlin");
    expect(copy.view.forkedFrom).toEqual({ url: before.url, heads: before.heads, name: "Sommerfest 2027" });
  });

  it("pulls a venue edit made in the origin after the fork, and nothing edited in the fork flows back", async () => {
    const origin = await originFixture();
    const fork = await cliJson<ForkJson>(origin.dataDir, ["fork", origin.festival, "--name", "Sommerfest 2028"]);

    // after the fork: the origin renames and enlarges its main stage; the fork edits other things
    await withStore(origin.dataDir, async (store) => {
      const identity = await store.requireIdentity();
      editVenue(store.editor(await store.resolve(origin.festival), identity), origin.main, { capacity: 800, name: "Lake Stage" });
      const forkEditor = store.editor(await store.resolve(fork.id), identity);
      editVenue(forkEditor, origin.main, { accessibility: "ramp at the back" });
      addVenue(forkEditor, { name: "Fork Only Dome" });
    });
    const originBeforePull = await readFestival(origin.dataDir, origin.festival);

    const pulled = await cliJson<{ venues: { venueId: string; updated: { field: string; from: unknown; to: unknown }[] }[] }>(origin.dataDir, [
      "fork",
      "pull",
      fork.id,
    ]);
    expect(pulled.venues).toEqual([
      expect.objectContaining({
        venueId: origin.main,
        updated: [
          { field: "name", from: "Main Stage", to: "Lake Stage" },
          { field: "capacity", from: 500, to: 800 },
        ],
        keptInFork: [],
      }),
    ]);

    const copy = await readFestival(origin.dataDir, fork.id);
    expect(copy.view.venues[origin.main]).toMatchObject({ name: "Lake Stage", capacity: 800, accessibility: "ramp at the back", address: "Seestraße 1" });
    expect(Object.values(copy.view.venues).map((venue) => venue.name)).toContain("Fork Only Dome");
    expect(copy.view.forkedFrom?.pulledHeads).toEqual(originBeforePull.heads);

    // the origin is exactly as it was before the pull: the fork's edits did not reach it
    const originAfter = await readFestival(origin.dataDir, origin.festival);
    expect(originAfter).toEqual(originBeforePull);
    expect(originAfter.view.venues[origin.main].accessibility).toBe("step-free");
    expect(Object.values(originAfter.view.venues).map((venue) => venue.name)).not.toContain("Fork Only Dome");

    // a second pull finds nothing new
    const again = await runCli(origin.dataDir, ["fork", "pull", fork.id]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("nothing new since the last pull");
  });

  it("refuses to pull into a festival that is not a fork, and says why", async () => {
    const origin = await originFixture();
    const result = await runCli(origin.dataDir, ["fork", "pull", origin.festival]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not a fork .*only a fork made with `pandafest fork` can pull/);
  });

  it("--shift-to moves the dates and the kept events to the new edition's first day, and says so", async () => {
    const origin = await originFixture();
    const result = await runCli(origin.dataDir, ["fork", origin.festival, "--name", "Sommerfest 2028", "--keep", "events", "--shift-to", "2028-06-29"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dates: 2028-06-29 to 2028-07-01, everything moved 364 day(s) later");
    const id = /^id: +(\S+)$/m.exec(result.stdout)?.[1] ?? "";
    const copy = await readFestival(origin.dataDir, id);
    expect([copy.view.startDate, copy.view.endDate]).toEqual(["2028-06-29", "2028-07-01"]);
    expect(Object.values(copy.view.events).map((event) => [event.title, event.start, event.end])).toEqual([
      ["Opening", "2028-06-29T18:00:00+02:00", "2028-06-29T19:00:00+02:00"],
    ]);

    const bad = await runCli(origin.dataDir, ["fork", origin.festival, "--name", "Nope", "--shift-to", "next year"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('the new first day "next year" is not a date; give it as YYYY-MM-DD');
    const clone = await runCli(origin.dataDir, ["fork", origin.festival, "--name", "Nope", "--with-history", "--shift-to", "2028-06-29"]);
    expect(clone.code).toBe(2);
    expect(clone.stderr).toContain("--shift-to does not go with --with-history");
  });

  it("--private and --public choose the new festival's visibility; by default it is the origin's", async () => {
    const origin = await originFixture();
    const made = await runCli(origin.dataDir, ["fork", origin.festival, "--name", "Quiet edition", "--private", "--json"]);
    expect(made.code).toBe(0);
    const result = JSON.parse(made.stdout) as { id: string; visibility: string };
    expect(result.visibility).toBe("private");
    expect((await readFestival(origin.dataDir, result.id)).view.visibility).toBe("private");
    const listed = JSON.parse((await runCli(origin.dataDir, ["festival", "list", "--json"])).stdout) as { id: string; visibility: string }[];
    expect(listed.find((entry) => entry.id === result.id)?.visibility).toBe("private");
    const plain = await runCli(origin.dataDir, ["fork", origin.festival, "--name", "Same as before"]);
    expect(plain.stdout).toContain("visibility: public");

    const both = await runCli(origin.dataDir, ["fork", origin.festival, "--name", "Nope", "--public", "--private"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("fork takes --public or --private, not both");
    const clone = await runCli(origin.dataDir, ["fork", origin.festival, "--name", "Nope", "--with-history", "--private"]);
    expect(clone.code).toBe(2);
    expect(clone.stderr).toContain("--private does not go with --with-history");
    const names = (JSON.parse((await runCli(origin.dataDir, ["festival", "list", "--json"])).stdout) as { name: string }[]).map((entry) => entry.name);
    expect(names).not.toContain("Nope");
  });
});
