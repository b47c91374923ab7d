// Links, online venues and tolerant import through the real CLI: --link on events and venues (validated), event
// show and programme showing them, frab `links` and iCalendar URL/SEQUENCE in exports, import --strict.
import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cliJson, festivalFixture, runCli, snapshotDir, tempDir } from "../helpers/cli.js";
import { scheduleJsonValidator } from "./fixtures.js";

/** The VEVENT properties (unfolded, parameters dropped) of the event whose SUMMARY is given. */
function vevent(ics: string, summary: string): Map<string, string> {
  const lines = ics.replace(/\r\n[ \t]/g, "").split("\r\n");
  let current: Map<string, string> | undefined;
  for (const line of lines) {
    if (line === "BEGIN:VEVENT") current = new Map();
    else if (line === "END:VEVENT" && current !== undefined) {
      if (current.get("SUMMARY") === summary) return current;
      current = undefined;
    } else if (current !== undefined) {
      const colon = line.indexOf(":");
      current.set(line.slice(0, colon).split(";")[0], line.slice(colon + 1));
    }
  }
  throw new Error(`no VEVENT ${summary}`);
}

describe("links and online venues (CLI)", () => {
  it("adds validated links to venues and events, shows them, and exports them with the venue's stream as default", async () => {
    const { dataDir, festival } = await festivalFixture("Links Fest");
    const online = await cliJson<{ id: string }>(dataDir, [
      "venue", "add", festival, "--name", "Online stage", "--online", "--link", "Stream=https://stream.example.org/main",
    ]);
    await cliJson(dataDir, [
      "event", "add", festival, "--title", "Talk", "--venue", online.id, "--start", "2027-07-01T18:00", "--end", "2027-07-01T19:00",
      "--link", "Slides=https://example.org/slides.pdf", "--type", "talk", "--abstract", "In short",
    ]);

    const refused: [string, RegExp][] = [
      ["Bad=javascript:alert(1)", /invalid event links\.0\.url .*http:\/\/ or https:\/\//],
      ["Evil\u001b[31m=https://example.org/", /invalid event links\.0\.title/],
      [`Long=https://example.org/${"a".repeat(2_100)}`, /at most 2000 characters/],
      ["no address here", /--link "no address here" is not TITLE=URL/],
    ];
    // refused edits write nothing, so they and the reads below run side by side
    const [results, shown, shownJson, programme, exported] = await Promise.all([
      Promise.all(
        refused.map(([link]) =>
          runCli(dataDir, ["event", "add", festival, "--title", "Bad", "--venue", online.id, "--start", "2027-07-02T10:00", "--end", "2027-07-02T11:00", "--link", link]),
        ),
      ),
      runCli(dataDir, ["event", "show", festival, "Talk"]),
      cliJson<{ links: unknown[]; allLinks: unknown[]; online: boolean; type: string }>(dataDir, ["event", "show", festival, "Talk"]),
      runCli(dataDir, ["programme", festival]),
      runCli(dataDir, ["export", festival, "--format", "frab-json"]),
    ]);
    results.forEach((result, index) => {
      expect(result.code, refused[index][0]).not.toBe(0);
      expect(result.stderr).toMatch(refused[index][1]);
      expect(result.stderr).not.toContain("\u001b");
    });

    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain("where:    Online stage (online)");
    expect(shown.stdout).toContain("link:     Slides <https://example.org/slides.pdf>");
    expect(shown.stdout).toContain("link:     Stream <https://stream.example.org/main>");
    expect(shown.stdout).toContain("In short");
    expect(shownJson).toMatchObject({ online: true, type: "talk", links: [{ title: "Slides", url: "https://example.org/slides.pdf" }] });
    expect(shownJson.allLinks).toHaveLength(2);

    expect(programme.stdout).toContain("Online stage (online)");
    expect(programme.stdout).toContain("Stream <https://stream.example.org/main>");

    const json = JSON.parse(exported.stdout);
    const validate = scheduleJsonValidator();
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    const talk = Object.values(json.schedule.conference.days[0].rooms as Record<string, { title: string; links: unknown[]; type: string }[]>)
      .flat()
      .find((entry) => entry.title === "Talk");
    expect(talk?.type).toBe("talk");
    expect(talk?.links).toEqual([
      { url: "https://example.org/slides.pdf", title: "Slides" },
      { url: "https://stream.example.org/main", title: "Stream" },
    ]);

    const ics = async () => (await runCli(dataDir, ["export", festival, "--format", "ical"])).stdout;
    const before = vevent(await ics(), "Talk");
    expect(before.get("URL")).toBe("https://example.org/slides.pdf");
    expect(before.get("LOCATION")).toBe("Online stage (online)");
    expect(before.get("SEQUENCE")).toBe("0");
    await cliJson(dataDir, ["event", "edit", festival, "Talk", "--clear-links", "--title", "Talk 2"]);
    const edited = vevent(await ics(), "Talk 2");
    expect(edited.get("SEQUENCE")).toBe("1");
    expect(edited.get("URL")).toBe("https://stream.example.org/main");
    await cliJson(dataDir, ["event", "cancel", festival, "Talk 2"]);
    const cancelled = vevent(await ics(), "Talk 2");
    expect(cancelled.get("SEQUENCE")).toBe("2");
    expect(cancelled.get("STATUS")).toBe("CANCELLED");
  }, 180_000); // about twenty CLI runs, each a fresh process
});

function scheduleWith(events: object[]): string {
  return JSON.stringify({
    schedule: {
      version: "1",
      conference: {
        acronym: "tolerant",
        title: "Tolerant Con",
        time_zone_name: "Europe/Berlin",
        days: [{ index: 1, date: "2027-07-01", rooms: { "Hall": events } }],
      },
    },
  });
}

function talk(title: string, extra: object = {}): object {
  return { title, date: "2027-07-01T10:00:00+02:00", duration: "01:00", room: "Hall", persons: [], ...extra };
}

describe("tolerant import (CLI)", () => {
  it("imports the rest of a schedule with bad events, listing each skipped or changed one; --strict stores nothing", async () => {
    const dataDir = await tempDir("pandafest-tolerant-");
    await cliJson(dataDir, ["init", "--name", "Ada"]);
    const dir = await tempDir("pandafest-tolerant-files-");
    const file = path.join(dir, "tolerant.json");
    await fs.writeFile(
      file,
      scheduleWith([
        talk("Fine"),
        talk("Zero", { duration: "00:00" }),
        talk("Wordy", { date: "2027-07-01T12:00:00+02:00", abstract: "x".repeat(25_000) }),
        talk("Bell\u0007 \u001b[2Jtitle", { date: "2027-07-01T14:00:00+02:00" }),
      ]),
    );

    const before = await snapshotDir(dataDir);
    const strict = await runCli(dataDir, ["import-schedule", "--strict", file]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/tolerant\.json: 2 problems; fix them and import again/);
    expect(strict.stderr).toContain("abstract: 25000 characters, cut to 20000");
    expect(strict.stderr).toContain("title: control characters removed");
    expect(strict.stderr).not.toContain("\u001b");
    expect(await snapshotDir(dataDir)).toEqual(before);

    const human = await runCli(dataDir, ["import-schedule", file]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain("3 events");
    expect(human.stdout).toContain("1 events skipped, 2 changed");
    expect(human.stdout).toMatch(/skipped: tolerant\.json: day 1, room 'Hall', event 2 \('Zero'\): .*must end after it starts/);
    expect(human.stdout).toMatch(/changed: .*event 3 \('Wordy'\): abstract: 25000 characters, cut to 20000/);
    expect(human.stdout).toMatch(/changed: .*event 4 \('Bell\? \?\[2Jtitle'\): title: control characters removed/);
    expect(human.stdout).not.toContain("\u001b");

    const json = await cliJson<{ id: string; events: number; skipped: number; changed: number; notices: { action: string; where: string; reason: string }[] }>(
      dataDir,
      ["import-schedule", file],
    );
    expect(json).toMatchObject({ events: 3, skipped: 1, changed: 2 });
    expect(json.notices.map((notice) => notice.action)).toEqual(["changed", "changed", "skipped"]);
    const titles = (await cliJson<{ title: string }[]>(dataDir, ["event", "list", json.id])).map((event) => event.title).sort();
    expect(titles).toEqual(["Bell [2Jtitle", "Fine", "Wordy"]);
  });
});
