// Text that came from a festival, a bundle or a peer reaches the terminal with its control characters escaped:
// every command's human output is walked over a festival whose every text is hostile, written as a peer would.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import * as A from "@automerge/automerge";
import nacl from "tweetnacl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEvent } from "../../engine/core/event-shards.js";
import { addEvent, addPerson, addVenue } from "../../engine/core/operations.js";
import type { Festival } from "../../engine/core/schema.js";
import { escapeForTerminal } from "../../engine/core/terminal-text.js";
import { dataDirWithIdentity, withStore } from "../bundles/bundle-helpers.js";
import { cliPath, runCli, tempDir, type CliResult } from "../helpers/cli.js";

function shellQuoted(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/** Clears the line, returns to its start, reverses what follows, and hides a line break and a bell among them. */
const HOSTILE = "\x1b[2K\rAda verified\u202edevil\x9b31m\x07\x7f\u2066\u200b\nforged line";
const ESCAPED = escapeForTerminal(HOSTILE);
/** Anything a terminal acts on, or that reorders or hides text; newlines are checked apart (layout uses them). */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/;

function expectSafe(result: CliResult, what: string): void {
  for (const [stream, text] of [["stdout", result.stdout], ["stderr", result.stderr]] as const) {
    const unsafe = UNSAFE.exec(text);
    expect(unsafe, `${what}: raw ${JSON.stringify(unsafe?.[0])} on ${stream}: ${JSON.stringify(text)}`).toBeNull();
    const forged = text.split("\n").find((line) => line.startsWith("forged line"));
    expect(forged, `${what}: a newline inside a value started a line of its own on ${stream}`).toBeUndefined();
  }
}

const short = (text: string) => new A.ImmutableString(text);

/** A festival built with the engine, then every text overwritten as a peer could write it (no validation on the way in). */
async function hostileFestival(dataDir: string): Promise<{ id: string; venueId: string }> {
  return withStore(dataDir, async (store) => {
    const { id } = await store.create({ name: "Plain Fest", visibility: "public", timeZone: "Europe/Berlin", startDate: "2027-07-01", endDate: "2027-07-03" });
    const { handle, editor } = await store.editorFor(id);
    const venueId = addVenue(editor, { name: "Plain Hall" });
    const personId = addPerson(editor, { name: "Plain Host" });
    const first = addEvent(editor, { title: "One", venueId, hostIds: [personId], start: "2027-07-01T20:00:00+02:00", end: "2027-07-01T22:00:00+02:00" });
    const second = addEvent(editor, { title: "Two", venueId, start: "2027-07-01T21:00:00+02:00", end: "2027-07-01T23:00:00+02:00" });
    const third = addEvent(editor, { title: "Three", venueId, start: "2027-07-02T21:00:00+02:00", end: "2027-07-02T23:00:00+02:00" });
    await store.commit(); // the editor's changes reach the handle
    const peer = A.clone(handle.doc());
    handle.change(
      (doc: Festival) => {
        doc.name = short(HOSTILE);
        doc.description = short(HOSTILE);
        Object.assign(doc.venues[venueId], { name: short(HOSTILE), address: short(HOSTILE) });
        Object.assign(doc.people[personId], { name: short(HOSTILE), contact: short(HOSTILE) });
        for (const eventId of [first, second]) (getEvent(doc, eventId) as Festival["events"][string]).title = short(HOSTILE);
        (getEvent(doc, third) as Festival["events"][string]).venueId = short(HOSTILE); // a dangling reference that names itself
        doc.members[Buffer.from(nacl.sign.keyPair().publicKey).toString("hex")] = { name: short(HOSTILE) };
      },
      { message: HOSTILE },
    );
    // a concurrent value written by another actor, so `check` lists the field and both values
    const concurrent = A.change(peer, { message: HOSTILE }, (doc) => {
      doc.name = short(`${HOSTILE} too`);
    });
    handle.update((doc) => A.merge(doc, concurrent));
    // an edit that changes nothing marks the festival edited: closing the store then attests and indexes the hostile name
    editor.change(() => undefined, "touch");
    return { id, venueId };
  });
}

let dataDir: string;
let festival: string;
let venue: string;
let workDir: string;

beforeAll(async () => {
  ({ dataDir } = await dataDirWithIdentity("Ada"));
  ({ id: festival, venueId: venue } = await hostileFestival(dataDir));
  workDir = await tempDir("pandafest-escapes-");
});

afterAll(async () => {
  await fs.rm(workDir, { recursive: true, force: true });
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe("every command's human output escapes text from a festival", () => {
  it("walks the commands over a festival whose every text is hostile", async () => {
    const bundleFile = path.join(workDir, "hostile.pandafest");
    const stick = path.join(workDir, "stick");
    await fs.mkdir(stick);
    // `shows`: prints the hostile text (escaped); `refused`: refuses the festival, quoting it in the error
    const commands: { args: string[]; shows?: boolean; refused?: boolean }[] = [
      { args: ["festival", "list"], shows: true },
      { args: ["festival", "show", festival], shows: true },
      { args: ["venue", "list", festival, "--all"], shows: true },
      { args: ["event", "list", festival], shows: true },
      { args: ["person", "list", festival], shows: true },
      { args: ["programme", festival], shows: true },
      { args: ["check", festival], shows: true },
      { args: ["history", festival], shows: true },
      { args: ["bundle", "export", festival, "-o", bundleFile] },
      { args: ["bundle", "verify", bundleFile], shows: true },
      { args: ["bundle", "inspect", bundleFile], shows: true },
      { args: ["stick", "sync", stick], shows: true },
      { args: ["fork", festival, "--name", "Copy"], refused: true },
      { args: ["export", festival, "--format", "ical", "-o", path.join(workDir, "hostile.ics")] },
      { args: ["venue", "remove", festival, venue], shows: true },
      { args: ["festival", "edit", festival, "--description", "calm now"], shows: true },
    ];
    for (const { args, shows, refused } of commands) {
      const result = await runCli(dataDir, args);
      const what = `pandafest ${args.join(" ")}`;
      expectSafe(result, what);
      expect(result.code, `${what}: ${result.stderr}`).toBe(refused ? 1 : 0);
      if (shows) expect(result.stdout, `${what} shows the text, escaped`).toContain(ESCAPED.slice(0, 20));
    }
  }, 180_000); // sixteen CLI runs: room for a busy machine

  it("history shows a carriage return in a change message as \\r, so it cannot overwrite the author column", async () => {
    const result = await runCli(dataDir, ["history", festival]);
    expect(result.code).toBe(0);
    expectSafe(result, "history");
    const forgedRow = result.stdout.split("\n").find((line) => line.includes(ESCAPED));
    expect(forgedRow).toMatch(/unverified|\(/);
    expect(forgedRow).toContain("\\x1b[2K\\rAda verified\\u202edevil\\u009b31m\\x07\\x7f\\u2066\\u200b\\nforged line");
  });

  it.runIf(existsSync("/usr/bin/script"))(
    "export to a terminal escapes what the terminal would act on; piped, the bytes stay exact",
    async () => {
      for (const format of ["ical", "frab-json", "frab-xml"]) {
        const args = [process.execPath, cliPath, "--data", dataDir, "export", festival, "--format", format];
        // `script` runs the command on a pseudo-terminal and copies what it printed
        const onTerminal = spawnSync("script", ["-qec", args.map(shellQuoted).join(" "), "/dev/null"], { encoding: "utf8", env: { ...process.env, TZ: "UTC" } });
        expect(onTerminal.status, onTerminal.stderr).toBe(0);
        const shown = onTerminal.stdout.replace(/\r+\n/g, "\n"); // line ends, as the file has them and as the terminal adds them
        expect(UNSAFE.exec(shown), `export --format ${format} on a terminal`).toBeNull();
        expect(shown, `export --format ${format} shows the festival's text`).toContain("devil");
      }
      const piped = await runCli(dataDir, ["export", festival, "--format", "frab-json"]);
      expect(piped.code).toBe(0);
      const title = String(JSON.parse(piped.stdout).schedule.conference.title);
      expect(title.startsWith(HOSTILE), `piped output is exact: ${JSON.stringify(title)}`).toBe(true);
    },
  );

  it("a name given on the command line that matches nothing is quoted escaped in the error", async () => {
    const result = await runCli(dataDir, ["festival", "show", "\x1b]0;owned\x07no such"]);
    expect(result.code).toBe(1);
    expectSafe(result, "festival show <hostile reference>");
    expect(result.stderr).toContain("\\x1b]0;owned\\x07no such");
  });
});

describe("a bundle's header and a peer's status are escaped too", () => {
  it("bundle verify: a crafted header key cannot turn an INVALID line into one that reads as valid", async () => {
    const exported = path.join(workDir, "plain.pandafest");
    expect((await runCli(dataDir, ["bundle", "export", festival, "-o", exported])).code).toBe(0);
    const bytes = Buffer.from(await fs.readFile(exported));
    const headerLength = bytes.readUInt32BE(14);
    const header = JSON.parse(bytes.subarray(18, 18 + headerLength).toString("utf8")) as Record<string, unknown>;
    const forgedHeader = Buffer.from(JSON.stringify({ ...header, "\r\x1b[2Kplain.pandafest: valid": 1 }));
    const lengthField = Buffer.alloc(4);
    lengthField.writeUInt32BE(forgedHeader.length);
    const crafted = path.join(workDir, "crafted.pandafest");
    await fs.writeFile(crafted, Buffer.concat([bytes.subarray(0, 14), lengthField, forgedHeader, bytes.subarray(18 + headerLength)]));
    const result = await runCli(dataDir, ["bundle", "verify", crafted]);
    expect(result.code).toBe(1);
    expectSafe(result, "bundle verify <crafted>");
    const line = result.stdout.split("\n").find((l) => l.includes("INVALID"));
    expect(line).toContain('unknown field "\\r\\x1b[2Kplain.pandafest: valid"');
  });

  it("peers: addresses, errors and festival names a server reports are escaped", async () => {
    const report = {
      node: "pandafest",
      url: `http://127.0.0.1/${HOSTILE}`,
      peers: [
        {
          transport: "websocket",
          direction: "outgoing",
          address: HOSTILE,
          state: "waiting",
          lastError: HOSTILE,
          lastSync: [{ name: HOSTILE, discoveryKey: "0".repeat(64), at: new Date().toISOString() }],
        },
      ],
    };
    const server = http.createServer((_request, response) => {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify(report));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const result = await runCli(dataDir, ["peers", "--server", `http://127.0.0.1:${port}`]);
      expect(result.code, result.stderr).toBe(0);
      expectSafe(result, "peers");
      expect(result.stdout).toContain(ESCAPED);
      const json = await runCli(dataDir, ["--json", "peers", "--server", `http://127.0.0.1:${port}`]);
      expect(JSON.parse(json.stdout).peers[0].address, "--json output stays exact").toBe(HOSTILE);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
