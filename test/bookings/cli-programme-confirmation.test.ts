// `pandafest programme` says how far each event that asked for its venue or resources is confirmed (text and --json),
// read again from the view cache unchanged, and moves on as owners decide; events that asked for nothing say nothing.
import { describe, expect, it } from "vitest";
import { cliJson, festivalFixture, runCli } from "../helpers/cli.js";

interface ProgrammeDay {
  venues: { events: { id: string; title: string; status: string; confirmation?: { accepted: number; requested: number } }[] }[];
}

function eventsOf(days: ProgrammeDay[]) {
  return days.flatMap((day) => day.venues.flatMap((venue) => venue.events));
}

describe("programme with bookings", { timeout: 120_000 }, () => {
  it("shows each event's confirmation, from the view cache too", async () => {
    const { dataDir, festival, venue } = await festivalFixture("Confirmed Fest");
    const opening = await cliJson<{ id: string }>(dataDir, ["event", "add", festival, "--title", "Opening", "--venue", venue, "--start", "2027-07-01T18:00", "--end", "2027-07-01T20:00"]);
    await cliJson(dataDir, ["event", "add", festival, "--title", "Quiet hour", "--venue", venue, "--start", "2027-07-01T21:00", "--end", "2027-07-01T22:00"]);
    await cliJson(dataDir, ["resource", "add", festival, "--name", "PA"]);
    const asked = await cliJson<{ requests: string[] }>(dataDir, ["book", festival, "Opening", "--resource", "PA", "--venue"]);
    const [venueRequest, paRequest] = asked.requests;
    await cliJson(dataDir, ["booking", "accept", festival, venueRequest]);

    const first = await runCli(dataDir, ["programme", festival]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/18:00-20:00 {2}Opening {2}\[tentative\] {2}\[50% confirmed \(1 of 2\)\]/);
    expect(first.stdout).toMatch(/21:00-22:00 {2}Quiet hour\n/);
    // the second read comes from the view cache (nothing changed) and says the same
    expect((await runCli(dataDir, ["programme", festival])).stdout).toBe(first.stdout);
    const json = eventsOf(await cliJson<ProgrammeDay[]>(dataDir, ["programme", festival]));
    expect(json.find((event) => event.id === opening.id)?.confirmation).toEqual({ accepted: 1, requested: 2 });
    expect(json.find((event) => event.title === "Quiet hour")).not.toHaveProperty("confirmation");

    await cliJson(dataDir, ["booking", "accept", festival, paRequest]);
    const after = await runCli(dataDir, ["programme", festival]);
    expect(after.stdout).toMatch(/18:00-20:00 {2}Opening {2}\[100% confirmed \(2 of 2\)\]\n/);
    expect(eventsOf(await cliJson<ProgrammeDay[]>(dataDir, ["programme", festival])).find((event) => event.id === opening.id)?.confirmation).toEqual({ accepted: 2, requested: 2 });
  });
});
