// A real `pandafest serve` process offers /festivals/ID/schedule.xml, schedule.json and calendar.ics with
// the right content types, for public and private festivals alike, and a clear 404 for unknown ids.
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addEvent, addPerson, addVenue } from "../../engine/core/operations.js";
import { startCli } from "../helpers/cli.js";
import { createFestival, dataDirWithIdentity } from "../fork/store-fixtures.js";
import { scheduleJsonValidator, validateWithXmllint, xmllintAvailable } from "./fixtures.js";

const hasXmllint = xmllintAvailable();
if (!hasXmllint && process.env.CI) {
  throw new Error("xmllint is missing on CI: install Debian's libxml2-utils (apt-get install -y libxml2-utils)");
}
if (!hasXmllint) console.warn("SKIPPING XSD validation of the served schedule.xml: xmllint not found (apt-get install -y libxml2-utils)");

const TITLE = 'Sunset <set> & "friends" 🌅';
const START_TIMEOUT_MS = 20_000;

/** Starts `pandafest serve --port 0 --json` and resolves with its URL once it prints it. */
function serve(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = startCli(dataDir, ["--json", "serve", "--port", "0", "--quiet"]);
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => reject(new Error(`serve did not start in time: ${stderr}`)), START_TIMEOUT_MS);
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
      try {
        const { url } = JSON.parse(stdout) as { url: string };
        clearTimeout(timer);
        resolve({ child, url });
      } catch {
        // not the whole JSON yet
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${stderr}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

describe("schedule files served by `pandafest serve`", () => {
  let server: { child: ChildProcess; url: string };
  let publicId: string;
  let privateId: string;

  beforeAll(async () => {
    const dataDir = await dataDirWithIdentity();
    const settings = { timeZone: "America/Los_Angeles", startDate: "2027-06-10", endDate: "2027-06-11" };
    publicId = await createFestival(dataDir, { name: "Beach Days", visibility: "public", ...settings }, (editor) => {
      const beach = addVenue(editor, { name: "Beach" });
      const kim = addPerson(editor, { name: "Kim" });
      addEvent(editor, { title: TITLE, venueId: beach, start: "2027-06-10T19:30:00-07:00", end: "2027-06-10T21:00:00-07:00", hostIds: [kim] });
    });
    privateId = await createFestival(dataDir, { name: "Secret Garden", visibility: "private", ...settings }, (editor) => {
      const garden = addVenue(editor, { name: "Garden" });
      addEvent(editor, { title: "Moonlight picnic", venueId: garden, start: "2027-06-11T22:00:00-07:00", end: "2027-06-11T23:00:00-07:00" });
    });
    server = await serve(dataDir);
  });

  afterAll(async () => {
    if (server) await stop(server.child);
  });

  it("serves schedule.xml as application/xml, valid against the c3voc XSD", async () => {
    const response = await fetch(`${server.url}/festivals/${publicId}/schedule.xml`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/xml; charset=utf-8");
    const xml = await response.text();
    expect(xml).toContain("<title>Sunset &lt;set&gt; &amp; &quot;friends&quot; 🌅</title>");
    expect(xml).toContain("<date>2027-06-10T19:30:00-07:00</date>");
    if (hasXmllint) {
      const result = validateWithXmllint(xml);
      expect(result.ok, result.output).toBe(true);
    }
  });

  it("serves schedule.json as application/json, valid against the c3voc schema", async () => {
    const response = await fetch(`${server.url}/festivals/${publicId}/schedule.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body: unknown = await response.json();
    const validate = scheduleJsonValidator();
    expect(validate(body), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(JSON.stringify(body)).toContain(JSON.stringify(TITLE));
  });

  it("serves calendar.ics as text/calendar with the event in the festival's local time and VTIMEZONE", async () => {
    const response = await fetch(`${server.url}/festivals/${publicId}/calendar.ics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const text = (await response.text()).replace(/\r\n[ \t]/g, "");
    expect(text.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    expect(text).toContain("TZID:America/Los_Angeles\r\n");
    expect(text).toContain("DTSTART;TZID=America/Los_Angeles:20270610T193000\r\n");
    expect(text).toContain("SUMMARY:Sunset <set> & \"friends\" 🌅");
  });

  it("serves a private festival to whoever knows its id", async () => {
    const response = await fetch(`${server.url}/festivals/${privateId}/calendar.ics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("SUMMARY:Moonlight picnic");
  });

  it("answers 404 with a clear message for a festival it does not hold", async () => {
    const response = await fetch(`${server.url}/festivals/2EnNQ7Wzjjvahte9RSDc3VhH8vh4/schedule.json`);
    expect(response.status).toBe(404);
    expect(await response.text()).toMatch(/no festival with id "2EnNQ7Wzjjvahte9RSDc3VhH8vh4" on this server/);
  });
});
