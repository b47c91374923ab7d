// `pandafest export --format html` through the real CLI (the folder it writes, its refusals, replacing an earlier
// archive) and a real `pandafest serve` offering the same archive at /festivals/ID/archive/ over loopback.
import fs from "node:fs/promises";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addEvent, addPerson, addVenue } from "../../engine/core/operations.js";
import { startServe, type ServeProcess } from "../browser/harness.js";
import { runCli, snapshotDir, tempDir } from "../helpers/cli.js";
import { createFestival, dataDirWithIdentity } from "../fork/store-fixtures.js";
import { crawlArchive } from "./archive-links.js";

const NAME = 'Lake <Days> & "Nights"';
const TITLE = "Swim <script>alert(1)</script>";

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** GET with the path exactly as given (no client-side "..", "%2e" clean-up) and these headers. */
function get(base: string, pathname: string, headers: Record<string, string> = {}): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: hostname, port, path: pathname, headers, agent: false }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    outgoing.on("error", reject);
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error(`GET ${pathname} timed out`)));
    outgoing.end();
  });
}

/** Every file under a folder (relative "/" paths) with its text. */
async function readTree(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(root, full).split(path.sep).join("/"), await fs.readFile(full, "utf8"));
  }
  return files;
}

interface ArchiveJson {
  directory: string;
  format: string;
  replaced: string;
  pages: { days: number; venues: number; events: number; people: number };
  fileCount: number;
  bytes: number;
  files: { path: string; bytes: number }[];
}

describe("pandafest export --format html and serve's /festivals/ID/archive/", () => {
  let dataDir: string;
  let publicId: string;
  let privateId: string;
  let work: string;

  beforeAll(async () => {
    dataDir = await dataDirWithIdentity();
    work = await tempDir("pandafest-archive-");
    const settings = { timeZone: "Europe/Berlin", startDate: "2027-07-01", endDate: "2027-07-02" };
    publicId = await createFestival(dataDir, { name: NAME, visibility: "public", ...settings }, (editor) => {
      const lake = addVenue(editor, { name: "Lake shore" });
      const hut = addVenue(editor, { name: "Hut" });
      const kim = addPerson(editor, { name: "Kim" });
      addEvent(editor, { title: TITLE, venueId: lake, start: "2027-07-01T09:00:00+02:00", end: "2027-07-01T10:00:00+02:00", hostIds: [kim] });
      addEvent(editor, { title: "Sauna", venueId: hut, start: "2027-07-02T18:00:00+02:00", end: "2027-07-02T19:00:00+02:00", status: "cancelled" });
    });
    privateId = await createFestival(dataDir, { name: "Secret Lake", visibility: "private", ...settings }, (editor) => {
      const shore = addVenue(editor, { name: "Shore" });
      addEvent(editor, { title: "Night swim", venueId: shore, start: "2027-07-01T23:00:00+02:00", end: "2027-07-01T23:30:00+02:00" });
    });
  });

  describe("export", () => {
    it("writes the whole archive into a new folder and says what it wrote (--json)", async () => {
      const out = path.join(work, "new", "archive");
      const result = await runCli(dataDir, ["--json", "export", publicId, "--format", "html", "-o", out]);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as ArchiveJson;
      expect(report).toMatchObject({ directory: out, format: "html", replaced: "nothing", pages: { days: 2, venues: 2, events: 2, people: 1 } });
      const files = await readTree(out);
      expect([...files.keys()].sort()).toEqual(report.files.map((file) => file.path).sort());
      expect(report.fileCount).toBe(files.size);
      expect(report.bytes).toBe(report.files.reduce((sum, file) => sum + file.bytes, 0));
      for (const file of report.files) expect(Buffer.byteLength(files.get(file.path) as string), file.path).toBe(file.bytes);
      const { broken, reached } = crawlArchive(files);
      expect(broken).toEqual([]);
      expect(reached.size).toBe(1 + 2 + 2 + 2 + 1);
      expect(files.get("index.html")).toContain("Lake &lt;Days&gt; &amp; &quot;Nights&quot;");
      expect(JSON.parse(files.get("schedule.json") as string)).toHaveProperty("schedule.conference.title", NAME);
      expect(files.get("schedule.xml")).toContain("<schedule");
      expect(files.get("calendar.ics")).toContain("BEGIN:VCALENDAR");
      // nothing left beside it
      expect(await fs.readdir(path.join(work, "new"))).toEqual(["archive"]);
    });

    it("prints a readable summary without --json", async () => {
      const out = path.join(work, "plain");
      const result = await runCli(dataDir, ["export", publicId, "--format", "html", "-o", out]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`Wrote ${out}: 2 days, 2 venues, 2 events, 1 people`);
    });

    it("replaces an archive it wrote before, and removes hidden leftovers of an interrupted export", async () => {
      const out = path.join(work, "again");
      expect((await runCli(dataDir, ["export", publicId, "--format", "html", "-o", out])).code).toBe(0);
      const leftover = path.join(work, ".again.archive-0123456789ab.tmp");
      await fs.mkdir(leftover);
      await fs.writeFile(path.join(leftover, "index.html"), "half");
      const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
      await fs.utimes(leftover, old, old);
      const result = await runCli(dataDir, ["--json", "export", publicId, "--format", "html", "-o", out]);
      expect(result.code, result.stderr).toBe(0);
      expect((JSON.parse(result.stdout) as ArchiveJson).replaced).toBe("previous archive");
      expect((await fs.readdir(work)).filter((name) => name.includes("again"))).toEqual(["again"]);
    });

    it("leaves the old archive or none, never a half one, when killed while writing (SIGKILL at each step)", async () => {
      const out = path.join(work, "killed");
      expect((await runCli(dataDir, ["export", publicId, "--format", "html", "-o", out])).code).toBe(0);
      const before = await snapshotDir(out);
      const written = await runCli(dataDir, ["export", publicId, "--format", "html", "-o", out], { PANDAFEST_CRASH_AT: "archive-written" });
      expect(written.code).not.toBe(0);
      expect(await snapshotDir(out)).toEqual(before);
      const aside = await runCli(dataDir, ["export", publicId, "--format", "html", "-o", out], { PANDAFEST_CRASH_AT: "archive-old-aside" });
      expect(aside.code).not.toBe(0);
      await expect(fs.stat(out)).rejects.toThrow(/ENOENT/);
      // what is left is hidden: the new files not yet in place, the old archive set aside
      const hidden = (await fs.readdir(work)).filter((name) => name.startsWith(".killed.archive-"));
      expect(hidden.map((name) => name.slice(-4)).sort()).toEqual([".old", ".tmp", ".tmp"]);
      const again = await runCli(dataDir, ["--json", "export", publicId, "--format", "html", "-o", out]);
      expect(again.code, again.stderr).toBe(0);
      const { "calendar.ics": _stampedNow, ...pages } = before; // DTSTAMP is the export's time
      expect(await snapshotDir(out)).toMatchObject(pages);
    });

    it("refuses a non-empty folder it did not write (and one where files were added to an archive) unless --force", async () => {
      const out = path.join(work, "mine");
      await fs.mkdir(out);
      await fs.writeFile(path.join(out, "notes.txt"), "my notes");
      const refused = await runCli(dataDir, ["export", publicId, "--format", "html", "-o", out]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/is not empty and is not an archive pandafest wrote \(it holds notes\.txt\).*--force/);
      expect(await fs.readdir(out)).toEqual(["notes.txt"]);
      expect((await fs.readdir(work)).filter((name) => name.startsWith(".mine"))).toEqual([]);

      const archive = path.join(work, "added");
      expect((await runCli(dataDir, ["export", publicId, "--format", "html", "-o", archive])).code).toBe(0);
      await fs.writeFile(path.join(archive, "CNAME"), "lake.example.org");
      const refusedArchive = await runCli(dataDir, ["export", publicId, "--format", "html", "-o", archive]);
      expect(refusedArchive.code).not.toBe(0);
      expect(refusedArchive.stderr).toContain("holds CNAME");

      const forced = await runCli(dataDir, ["--json", "export", publicId, "--format", "html", "-o", out, "--force"]);
      expect(forced.code, forced.stderr).toBe(0);
      expect((JSON.parse(forced.stdout) as ArchiveJson).replaced).toBe("other files (forced)");
      const files = await fs.readdir(out);
      expect(files).toContain("index.html");
      expect(files).not.toContain("notes.txt");
    });

    it("refuses a file, a symbolic link, a missing -o and --force with another format, changing nothing", async () => {
      const file = path.join(work, "a-file");
      await fs.writeFile(file, "keep me");
      const onFile = await runCli(dataDir, ["export", publicId, "--format", "html", "-o", file]);
      expect(onFile.code).not.toBe(0);
      expect(onFile.stderr).toContain("is a file, not a folder");
      expect(await fs.readFile(file, "utf8")).toBe("keep me");

      const target = path.join(work, "link-target");
      await fs.mkdir(target);
      const link = path.join(work, "a-link");
      await fs.symlink(target, link);
      const onLink = await runCli(dataDir, ["export", publicId, "--format", "html", "-o", link]);
      expect(onLink.code).not.toBe(0);
      expect(onLink.stderr).toContain("is a symbolic link");
      expect(await fs.readdir(target)).toEqual([]);

      const noOutput = await runCli(dataDir, ["export", publicId, "--format", "html"]);
      expect(noOutput.code).not.toBe(0);
      expect(noOutput.stderr).toContain("name it with -o DIR");

      const forceJson = await runCli(dataDir, ["export", publicId, "--format", "frab-json", "--force"]);
      expect(forceJson.code).not.toBe(0);
      expect(forceJson.stderr).toContain("--force applies to --format html only");

      const unknown = await runCli(dataDir, ["export", publicId, "--format", "pdf"]);
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toContain("choose one of frab-xml, frab-json, ical, html");
    });

    it("writes a private festival's archive like its other exports, marked not to be indexed", async () => {
      const out = path.join(work, "private");
      const result = await runCli(dataDir, ["export", privateId, "--format", "html", "-o", out]);
      expect(result.code, result.stderr).toBe(0);
      const index = await fs.readFile(path.join(out, "index.html"), "utf8");
      expect(index).toContain('<meta name="robots" content="noindex, nofollow">');
      expect(index).toContain("private festival");
    });
  });

  describe("serve", () => {
    let server: ServeProcess;

    beforeAll(async () => {
      server = await startServe(dataDir, { args: ["--quiet"] });
    });

    afterAll(async () => {
      await server?.stop();
    });

    it("redirects the folder's name to the folder and serves every page of the archive by link", async () => {
      const bare = await get(server.url, `/festivals/${publicId}/archive`);
      expect(bare.status).toBe(308);
      expect(bare.headers.location).toBe("archive/");
      const base = `/festivals/${publicId}/archive/`;
      const index = await get(server.url, base);
      expect(index.status).toBe(200);
      expect(index.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(index.body).toContain("Lake &lt;Days&gt; &amp; &quot;Nights&quot;");
      const exported = await readTree(path.join(work, "new", "archive"));
      expect(index.body).toBe(exported.get("index.html"));

      // follow every link over HTTP, as a browser would
      const files = new Map<string, string>([["index.html", index.body]]);
      const types = new Map<string, string>();
      for (let round = 0; round < 4; round += 1) {
        const { hrefs } = crawlArchive(files);
        const wanted = new Set<string>();
        for (const [from] of files) {
          for (const href of hrefs) {
            const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), href.split("#")[0]));
            if (!target.startsWith("..") && exported.has(target) && !files.has(target)) wanted.add(target);
          }
        }
        for (const target of wanted) {
          const answer = await get(server.url, base + target);
          expect(answer.status, target).toBe(200);
          files.set(target, answer.body);
          types.set(path.posix.extname(target), String(answer.headers["content-type"]));
        }
      }
      expect(crawlArchive(files).broken).toEqual([]);
      expect([...files.keys()].filter((file) => file.endsWith(".html")).length).toBe(8);
      expect(Object.fromEntries(types)).toEqual({
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".xml": "application/xml; charset=utf-8",
        ".json": "application/json; charset=utf-8",
        ".ics": "text/calendar; charset=utf-8",
      });
    });

    it("answers 404 for unknown pages and festivals, and never leaves the archive", async () => {
      const base = `/festivals/${publicId}/archive`;
      for (const pathname of [
        `${base}/nope.html`,
        `${base}/events/`,
        `${base}/a/b/c/d.html`,
        `${base}/..%2f..%2fpackage.json`,
        `${base}/%2e%2e/%2e%2e/%2e%2e/package.json`,
        `${base}/%E0%A4%A.html`,
      ]) {
        const answer = await get(server.url, pathname);
        expect(answer.status, pathname).toBe(404);
        expect(answer.body, pathname).not.toContain("<!doctype html>");
      }
      // dot segments (also encoded) are resolved as URLs resolve them, before routing: still inside the archive
      const dotted = await get(server.url, `${base}/events/%2e%2e/index.html`);
      expect(dotted.status).toBe(200);
      expect(dotted.body).toBe((await get(server.url, `${base}/`)).body);
      const unknown = await get(server.url, "/festivals/2EnNQ7Wzjjvahte9RSDc3VhH8vh4/archive/");
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatch(/no festival with id "2EnNQ7Wzjjvahte9RSDc3VhH8vh4" on this server/);
    });

    it("keeps a private festival's archive from other web sites, like its schedule files", async () => {
      const pathname = `/festivals/${privateId}/archive/`;
      const direct = await get(server.url, pathname);
      expect(direct.status).toBe(200);
      expect(direct.body).toContain("Secret Lake");
      expect(direct.headers["cross-origin-resource-policy"]).toBe("same-origin");
      const foreign = await get(server.url, pathname, { "sec-fetch-site": "cross-site" });
      expect(foreign.status).toBe(403);
      expect(foreign.body).not.toContain("Secret Lake");
      const publicForeign = await get(server.url, `/festivals/${publicId}/archive/`, { "sec-fetch-site": "cross-site" });
      expect(publicForeign.status).toBe(200);
      expect(publicForeign.headers["cross-origin-resource-policy"]).toBe("cross-origin");
    });
  });
});
