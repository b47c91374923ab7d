// Bookings through the real CLI on three data directories: requests and decisions made apart, carried by bundle
// and merged by stick, give the same bookings and clash reports everywhere; a non-owner's decision is a proposal.
import { describe, expect, it } from "vitest";
import { cliJson, festivalFixture, runCli, tempDir } from "../helpers/cli.js";
import { carry, publicKeyOf, threeMembers } from "./bookings-cli-helpers.js";

interface Listed {
  bookings: { id: string; state: string; decidedBy: string | null; proposals: { state: string; by: string | null }[] }[];
  events: { eventId: string; accepted: number; requested: number }[];
}

describe("bookings through the CLI", { timeout: 300_000 }, () => {
  it("merges decisions made on three replicas apart to the same bookings and clashes, and keeps a non-owner's as a proposal", async () => {
    const { ada, bo, cy, adaKey, boKey, cyKey } = await threeMembers("Booked Fest");
    const tent = await cliJson<{ id: string }>(ada.dataDir, ["venue", "add", ada.festival, "--name", "Tent"]);
    const opening = await cliJson<{ id: string }>(ada.dataDir, ["event", "add", ada.festival, "--title", "Opening", "--venue", ada.venue, "--start", "2027-07-01T18:00", "--end", "2027-07-01T20:00"]);
    const talk = await cliJson<{ id: string }>(ada.dataDir, ["event", "add", ada.festival, "--title", "Talk", "--venue", tent.id, "--start", "2027-07-01T19:00", "--end", "2027-07-01T21:00"]);
    const pa = await cliJson<{ id: string }>(ada.dataDir, ["resource", "add", ada.festival, "--name", "PA", "--owner", adaKey, "--owner", boKey]);
    const first = await cliJson<{ requests: string[] }>(ada.dataDir, ["book", ada.festival, opening.id, "--resource", "PA"]);
    const second = await cliJson<{ requests: string[] }>(ada.dataDir, ["book", ada.festival, "Talk", "--resource", pa.id, "--venue"]);
    const [r1] = first.requests;
    const [rVenue, r2] = second.requests;
    expect((await cliJson<Listed>(ada.dataDir, ["bookings", ada.festival])).bookings.map((b) => b.state)).toEqual(["pending", "pending", "pending"]);
    await carry(ada.dataDir, bo, ada.festival);
    await carry(ada.dataDir, cy, ada.festival);

    // apart: two owners accept overlapping requests for the one PA, and Cy (no owner) declines one
    expect(await cliJson(ada.dataDir, ["booking", "accept", ada.festival, r2])).toMatchObject({ counts: true, state: "accepted" });
    expect(await cliJson(bo, ["booking", "accept", ada.festival, r1.slice(0, 8)])).toMatchObject({ counts: true });
    const byCy = await runCli(cy, ["booking", "decline", ada.festival, r1, "--reason", "clashes"]);
    expect(byCy.code).toBe(0);
    expect(byCy.stdout).toMatch(/as a proposal: only an owner's decision counts/);
    const apartCheck = await cliJson<{ bookings: { overbookings: unknown[] } }>(ada.dataDir, ["check", ada.festival]);
    expect(apartCheck.bookings.overbookings).toEqual([]);

    // merged by stick: every replica shows the same bookings and the same overbooking
    const stick = await tempDir("pandafest-stick-");
    for (const dataDir of [bo, cy, ada.dataDir, bo, cy]) await cliJson(dataDir, ["stick", "sync", stick]);
    const listed = await Promise.all([ada.dataDir, bo, cy].map((dataDir) => cliJson<Listed>(dataDir, ["bookings", ada.festival])));
    const checks = await Promise.all([ada.dataDir, bo, cy].map((dataDir) => cliJson<{ bookings: unknown }>(dataDir, ["check", ada.festival])));
    expect(listed[1]).toEqual(listed[0]);
    expect(listed[2]).toEqual(listed[0]);
    expect(checks[1].bookings).toEqual(checks[0].bookings);
    expect(checks[2].bookings).toEqual(checks[0].bookings);
    expect(checks[0].bookings).toMatchObject({ overbookings: [{ resourceId: pa.id, quantity: 1, peak: 2, involved: 2 }] });
    const mine = listed[0].bookings.find((b) => b.id === r1);
    expect(mine).toMatchObject({ state: "accepted", decidedBy: boKey, proposals: [{ state: "declined", by: cyKey }] });
    expect(listed[0].events.find((e) => e.eventId === talk.id)).toEqual({ eventId: talk.id, accepted: 1, requested: 2 });
    const text = await runCli(ada.dataDir, ["check", ada.festival]);
    expect(text.stdout).toMatch(/1 overbooking\(s\):\n {2}PA \(1 available\): 2 accepted at once/);

    // exports: Talk (PA accepted, venue pending) is tentative; Opening (its one request accepted) stays confirmed
    const ical = await runCli(ada.dataDir, ["export", ada.festival, "--format", "ical"]);
    const statusOf = (title: string) => ical.stdout.split("BEGIN:VEVENT").find((block) => block.includes(`SUMMARY:${title}`))?.match(/STATUS:(\w+)/)?.[1];
    expect([statusOf("Talk"), statusOf("Opening")]).toEqual(["TENTATIVE", "CONFIRMED"]);

    const listedEvents = await cliJson<{ id: string; confirmation: { accepted: number; requested: number } }[]>(ada.dataDir, ["event", "list", ada.festival]);
    expect(listedEvents.find((e) => e.id === talk.id)?.confirmation).toEqual({ accepted: 1, requested: 2 });
    expect((await runCli(ada.dataDir, ["event", "list", ada.festival])).stdout).toMatch(/Talk .*50% confirmed \(1 of 2\)/);

    // moving the event puts its bookings back to pending; the owner of the venue (its creator, Ada) accepts
    await cliJson(ada.dataDir, ["event", "edit", ada.festival, talk.id, "--start", "2027-07-01T20:00"]);
    const moved = await cliJson<Listed>(ada.dataDir, ["bookings", ada.festival, "--event", talk.id]);
    expect(moved.bookings.map((b) => b.state)).toEqual(["pending", "pending"]);
    expect((await cliJson(ada.dataDir, ["booking", "accept", ada.festival, rVenue])) as object).toMatchObject({ counts: true });
  });

  it("refuses bad input with a clear error and writes nothing", async () => {
    const ada = await festivalFixture("Strict Fest");
    const cases: [string[], RegExp][] = [
      [["resource", "add", ada.festival, "--name", "PA", "--quantity", "0"], /quantity|--quantity/],
      [["resource", "add", ada.festival, "--name", "PA", "--owner", "mallory"], /invalid owner/],
      [["resource", "add", ada.festival, "--name", "PA", "--available", "tomorrow"], /availability window/],
      [["book", ada.festival, "e_nothing"], /unknown event/],
      [["booking", "accept", ada.festival, "b_nothing"], /unknown request/],
      [["owners", ada.festival, "Nowhere", "--owner", "00"], /unknown venue/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(ada.dataDir, args);
      expect(result.code, args.join(" ")).not.toBe(0);
      expect(result.stderr, args.join(" ")).toMatch(message);
    }
    expect(await cliJson(ada.dataDir, ["resource", "list", ada.festival])).toEqual([]);
  });
});

describe("forks and shifts", { timeout: 300_000 }, () => {
  it("keeps resources with their owners and venue owners in a fork, but no requests; lists shifts and who staffs them", async () => {
    const ada = await festivalFixture("Kept Fest");
    const adaKey = await publicKeyOf(ada.dataDir);
    const bo = await tempDir();
    await cliJson(bo, ["init", "--name", "Bo"]);
    const boKey = await publicKeyOf(bo);
    await cliJson(ada.dataDir, ["resource", "add", ada.festival, "--name", "PA", "--quantity", "2", "--available", "2027-07-01T10:00:00+02:00/2027-07-01T23:00:00+02:00"]);
    await cliJson(ada.dataDir, ["owners", ada.festival, "Main Stage", "--owner", boKey]);
    const gig = await cliJson<{ id: string }>(ada.dataDir, ["event", "add", ada.festival, "--title", "Gig", "--venue", ada.venue, "--start", "2027-07-01T20:00", "--end", "2027-07-01T22:00"]);
    await cliJson(ada.dataDir, ["book", ada.festival, gig.id, "--resource", "PA"]);
    const shift = await cliJson<{ id: string }>(ada.dataDir, ["shift", "add", ada.festival, "Gig", "--role", "bar", "--count", "2"]);
    expect(await cliJson(ada.dataDir, ["shift", "join", ada.festival, shift.id])).toMatchObject({ signedUp: [adaKey], count: 2 });
    const shifts = await cliJson<{ shifts: { id: string; role: string; signedUp: string[] }[]; unstaffed: number }>(ada.dataDir, ["shifts", ada.festival]);
    expect(shifts).toMatchObject({ shifts: [{ id: shift.id, role: "bar", signedUp: [adaKey] }], unstaffed: 1 });

    const fork = await cliJson<{ id: string }>(ada.dataDir, ["fork", ada.festival, "--name", "Kept Fest 2028"]);
    const resources = await cliJson<{ name: string; quantity: number; owners: string[]; requests: number }[]>(ada.dataDir, ["resource", "list", fork.id]);
    expect(resources).toMatchObject([{ name: "PA", quantity: 2, owners: [adaKey], requests: 0 }]);
    const shown = await cliJson<{ owners: string[]; availability: string[] }>(ada.dataDir, ["resource", "show", fork.id, "PA"]);
    expect(shown.availability).toEqual(["2027-07-01T10:00:00+02:00/2027-07-01T23:00:00+02:00"]);
    const venueOwners = await cliJson<{ owners: string[] }>(ada.dataDir, ["owners", fork.id, "Main Stage", "--available", "2028-07-01T10:00:00+02:00/2028-07-01T23:00:00+02:00"]);
    expect(venueOwners.owners).toEqual([boKey]);
    expect(await cliJson(ada.dataDir, ["bookings", fork.id])).toMatchObject({ bookings: [] });
  });

  it("`fork pull` brings the origin's later edits of resources and venue owners, and keeps the fork's own edits", async () => {
    const ada = await festivalFixture("Pulled Fest");
    const adaKey = await publicKeyOf(ada.dataDir);
    const bo = await tempDir();
    await cliJson(bo, ["init", "--name", "Bo"]);
    const boKey = await publicKeyOf(bo);
    const early = "2027-07-01T10:00:00+02:00/2027-07-01T23:00:00+02:00";
    const late = "2027-07-02T10:00:00+02:00/2027-07-02T23:00:00+02:00";
    const pa = await cliJson<{ id: string }>(ada.dataDir, ["resource", "add", ada.festival, "--name", "PA", "--quantity", "2", "--available", early]);
    const fork = await cliJson<{ id: string }>(ada.dataDir, ["fork", ada.festival, "--name", "Pulled Fest 2028"]);
    // the fork edits the description; the origin edits name, quantity, availability, owners and the description too
    await cliJson(ada.dataDir, ["resource", "edit", fork.id, pa.id, "--description", "the fork's PA"]);
    await cliJson(ada.dataDir, ["resource", "edit", ada.festival, pa.id, "--name", "Big PA", "--quantity", "3", "--available", late, "--owner", adaKey, "--owner", boKey, "--description", "the origin's PA"]);
    await cliJson(ada.dataDir, ["owners", ada.festival, "Main Stage", "--owner", boKey]);
    await cliJson(ada.dataDir, ["resource", "add", ada.festival, "--name", "Projector"]);

    const pulled = await runCli(ada.dataDir, ["fork", "pull", fork.id]);
    expect(pulled.code).toBe(0);
    expect(pulled.stdout).toContain("resource Big PA");
    expect(pulled.stdout).toContain("description kept as edited here");
    const shown = await cliJson<{ name: string; quantity: number; description: string; owners: string[]; availability: string[] }>(ada.dataDir, ["resource", "show", fork.id, pa.id]);
    expect(shown).toMatchObject({ name: "Big PA", quantity: 3, description: "the fork's PA", owners: [adaKey, boKey], availability: [late] });
    const listed = await cliJson<{ name: string }[]>(ada.dataDir, ["resource", "list", fork.id]);
    expect(listed.map((r) => r.name).sort()).toEqual(["Big PA", "Projector"]);
    // nothing new the second time
    const again = await cliJson<{ resources: unknown[] }>(ada.dataDir, ["fork", "pull", fork.id]);
    expect(again.resources).toEqual([]);
    const stage = await cliJson<{ owners: string[] }>(ada.dataDir, ["owners", fork.id, "Main Stage", "--available", late]);
    expect(stage.owners).toEqual([boKey]);
  });

  it("lets a shift's owner ask named people, who answer for themselves; `shifts` shows who was asked and how they answered", async () => {
    const { ada, bo, cy, adaKey, boKey, cyKey } = await threeMembers("Asked Fest");
    await cliJson(ada.dataDir, ["event", "add", ada.festival, "--title", "Gig", "--venue", ada.venue, "--start", "2027-07-01T20:00", "--end", "2027-07-01T22:00"]);
    const shift = await cliJson<{ id: string }>(ada.dataDir, ["shift", "add", ada.festival, "Gig", "--role", "door", "--count", "2"]);
    // Ada owns the stage (she made it), so her asks count
    expect(await cliJson(ada.dataDir, ["shift", "ask", ada.festival, shift.id, boKey])).toMatchObject({ counts: true, state: "asked" });
    expect(await cliJson(ada.dataDir, ["shift", "ask", ada.festival, shift.id, cyKey])).toMatchObject({ counts: true });
    const bad = await runCli(ada.dataDir, ["shift", "ask", ada.festival, shift.id, "bo"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/invalid person/);
    const stick = await tempDir("pandafest-stick-");
    for (const dataDir of [ada.dataDir, bo, cy]) await cliJson(dataDir, ["stick", "sync", stick]);
    // Bo owns nothing: his ask does not count; he says yes, Cy says no
    expect(await cliJson(bo, ["shift", "ask", ada.festival, shift.id, adaKey])).toMatchObject({ counts: false });
    expect(await cliJson(bo, ["shift", "answer", ada.festival, shift.id, "yes"])).toMatchObject({ asked: true, signedUp: [boKey] });
    expect(await cliJson(cy, ["shift", "answer", ada.festival, shift.id, "no"])).toMatchObject({ asked: true, signedUp: [] });
    const wrong = await runCli(cy, ["shift", "answer", ada.festival, shift.id, "maybe"]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/neither yes nor no/);
    for (const dataDir of [bo, cy, ada.dataDir]) await cliJson(dataDir, ["stick", "sync", stick]);
    const shifts = await cliJson<{ shifts: { asked: { person: string; state: string; by: string }[]; signedUp: string[] }[]; unstaffed: number }>(ada.dataDir, ["shifts", ada.festival]);
    const expected = [
      { person: boKey, state: "accepted", by: adaKey },
      { person: cyKey, state: "declined", by: adaKey },
    ].sort((a, b) => (a.person < b.person ? -1 : 1));
    expect(shifts).toMatchObject({ shifts: [{ asked: expected, signedUp: [boKey] }], unstaffed: 1 });
    const text = await runCli(ada.dataDir, ["shifts", ada.festival]);
    expect(text.stdout).toMatch(/ASKED/);
    expect(text.stdout).toMatch(/\(declined\)/);
  });
});
