// The static archive's renderer: hostile festival text stays text, file names come from safe ids only, every day,
// venue, event and person has a page reached from the index, and no relative link is broken.
import { describe, expect, it } from "vitest";
import { renderArchive, type StaticArchive } from "../../engine/core/archive/index.js";
import { documentText, externalLink } from "../../engine/core/archive/html.js";
import { parseArchiveManifest } from "../../engine/core/archive/manifest.js";
import { PandafestError } from "../../engine/core/errors.js";
import { crawlArchive } from "./archive-links.js";
import { event, festival, person, venue } from "./fixtures.js";

const FESTIVAL_ID = "fest-archive-0001";
const STAMP = new Date("2027-01-01T00:00:00Z");
const SCRIPT_NAME = "Fest <script>alert('name')</script> & \"Friends\"";
const ATTRIBUTE_TITLE = '"><img src=x onerror=alert(1)> \' onmouseover=\'alert(2)';
const CONTROL_TITLE = "Bell\u0007 escape\u001b[31m null\u0000 del\u007f c1\u0085 lone\ud800 end";
const RTL_HOST = "\u202eevil\u202c עומר";

/** A festival whose text and ids come from a hostile peer. */
function hostileFestival(visibility: "public" | "private" = "public") {
  return festival({
    name: SCRIPT_NAME,
    description: "First paragraph <b>bold?</b>\n\nSecond\nline </section><script>x()</script>",
    timeZone: "Europe/Berlin",
    startDate: "2027-07-01",
    endDate: "2027-07-03",
    visibility,
    venues: [
      venue("v_aaaaaaaaaaaaaaaaaaaaaaaaaa", {
        name: "Main <Stage>",
        address: "Seestraße 1 \"<b>\"",
        accessibility: "step-free",
        capacity: 300,
        links: [{ title: "Livestream", url: "https://live.example/main" }],
      }),
      venue("../../etc/passwd", { name: "Traversal hall", description: "</dd><script>alert(3)</script>" }),
      venue("CON", { name: "Device name" }),
      venue("v_rrrrrrrrrrrrrrrrrrrrrrrrrr", { name: "Old barn", removed: true }),
    ],
    people: [
      person("p_aaaaaaaaaaaaaaaaaaaaaaaaaa", "Ana <DJ> & 'Co'"),
      { ...person("<p>", RTL_HOST), bio: "Bio with <iframe src=//evil>\u0001 and more" },
      person("P_UPPERCASEUPPERCASEUPPERCA", "Upper case id"),
      person("p_bbbbbbbbbbbbbbbbbbbbbbbbbb", "Nobody's host"),
    ],
    events: [
      event("e_aaaaaaaaaaaaaaaaaaaaaaaaaa", {
        title: SCRIPT_NAME,
        description: "<script>alert('description')</script>",
        venueId: "v_aaaaaaaaaaaaaaaaaaaaaaaaaa",
        start: "2027-07-01T20:00:00+02:00",
        end: "2027-07-01T21:30:00+02:00",
        hostIds: ["p_aaaaaaaaaaaaaaaaaaaaaaaaaa", "<p>", "p_mmmmmmmmmmmmmmmmmmmmmmmmmm"],
        tags: ["concert", "<tag>"],
        language: "de\"><x",
        links: [{ title: "Tickets <b>", url: "https://tickets.example/a?x=1&y=\"2\"" }],
      }),
      event("../e", { title: ATTRIBUTE_TITLE, venueId: "../../etc/passwd", start: "2027-07-02T01:30:00+02:00", end: "2027-07-02T02:30:00+02:00", hostIds: ["<p>"], status: "tentative" }),
      event("e_cccccccccccccccccccccccccc", {
        title: "Fire show",
        venueId: "CON",
        start: "2027-07-02T21:00:00+02:00",
        end: "2027-07-02T21:45:00+02:00",
        status: "cancelled",
        links: [{ title: "Not a web page", url: "javascript:alert(4)" }],
      }),
      event("e_dddddddddddddddddddddddddd", { title: CONTROL_TITLE, venueId: "constructor", start: "2027-07-03T12:00:00+02:00", end: "2027-07-04T01:00:00+02:00", hostIds: ["P_UPPERCASEUPPERCASEUPPERCA"] }),
      event("e_bbbbbbbbbbbbbbbbbbbbbbbbbb", { title: "In the old barn", venueId: "v_rrrrrrrrrrrrrrrrrrrrrrrrrr", start: "2027-07-03T10:00:00+02:00", end: "2027-07-03T11:00:00+02:00" }),
      event("e_uuuuuuuuuuuuuuuuuuuuuuuuuu", { title: "Never shown", venueId: "CON", start: "tomorrow", end: "later" }),
    ],
  });
}

function filesOf(archive: StaticArchive): Map<string, string> {
  return new Map(archive.files.map((file) => [file.path, file.text]));
}

function pageOf(files: Map<string, string>, prefix: string, containing: string): string {
  const found = [...files].find(([path, text]) => path.startsWith(prefix) && text.includes(containing));
  if (found === undefined) throw new Error(`no ${prefix} page containing ${containing}`);
  return found[1];
}

describe("static archive renderer", () => {
  const archive = renderArchive(hostileFestival(), FESTIVAL_ID, { stamp: STAMP });
  const files = filesOf(archive);
  const htmlFiles = [...files].filter(([path]) => path.endsWith(".html"));

  it("names files after safe ids only: fixed folders, generated ids kept, every other id hashed", () => {
    for (const path of files.keys()) {
      expect(path).toMatch(/^(?:(?:days|venues|events|people)\/)?[a-z0-9][a-z0-9._-]*$/);
      expect(path.split("/")).not.toContain("..");
    }
    expect(files.has("events/e_aaaaaaaaaaaaaaaaaaaaaaaaaa.html")).toBe(true);
    expect(files.has("venues/v_aaaaaaaaaaaaaaaaaaaaaaaaaa.html")).toBe(true);
    expect(files.has("people/p_aaaaaaaaaaaaaaaaaaaaaaaaaa.html")).toBe(true);
    // "CON" (a Windows device name), "../e", "<p>" and an upper-case id are not generated ids: hashed names
    expect([...files.keys()].filter((path) => /\/x-[0-9a-f]{8}(-\d+)?\.html$/.test(path)).length).toBe(5);
    expect([...files.keys()].some((path) => /con\.html$/i.test(path))).toBe(false);
    expect(files.has("days/2027-07-01.html")).toBe(true);
  });

  it("links an event's web addresses and its venue's stream, and shows any other address as text", () => {
    const opening = files.get("events/e_aaaaaaaaaaaaaaaaaaaaaaaaaa.html") as string;
    expect(opening).toContain('<a href="https://tickets.example/a?x=1&amp;y=%222%22" rel="external noopener noreferrer"><bdi>Tickets &lt;b&gt;</bdi></a>');
    expect(opening).toContain('<a href="https://live.example/main" rel="external noopener noreferrer"><bdi>Livestream</bdi></a>');
    expect(files.get("venues/v_aaaaaaaaaaaaaaaaaaaaaaaaaa.html")).toContain('href="https://live.example/main"');
    const fireShow = pageOf(files, "events/", "Fire show");
    expect(fireShow).toContain("<bdi>Not a web page</bdi> (<bdi>javascript:alert(4)</bdi>)");
    expect(fireShow).not.toContain('href="javascript:');
  });

  it("keeps hostile text as text: no tag, attribute or control character from festival data", () => {
    for (const [path, text] of htmlFiles) {
      expect(text, path).not.toMatch(/<script|<img|<iframe|<b>|<x\b|<tag>|<\/section><script/i);
      expect(text, path).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(text, path).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
      // every attribute value is double-quoted and holds no raw quote or angle bracket
      for (const match of text.matchAll(/<[a-z][^>]*>/g)) expect(match[0], path).toMatch(/^<[a-z0-9]+(?:\s[a-z-]+(?:="[^"<>]*")?)*\s*>$/);
    }
    const index = files.get("index.html") as string;
    expect(index).toContain("<h1 dir=\"auto\">Fest &lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; &amp; &quot;Friends&quot;</h1>");
    expect(index).toContain("<title>Fest &lt;script&gt;");
    const tentative = pageOf(files, "events/", "onerror");
    expect(tentative).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &#39; onmouseover=&#39;alert(2)");
    const control = pageOf(files, "events/", "Bell");
    expect(control).toContain("Bell\ufffd escape\ufffd[31m null\ufffd del\ufffd c1\ufffd lone\ufffd end");
    // a right-to-left override is isolated where it stands among other text
    expect(pageOf(files, "events/e_aaaa", "Ana")).toContain(`<bdi>${RTL_HOST}</bdi>`);
  });

  it("has a page for every day, venue, event and person, each reached from the index, and no broken link", () => {
    const { reached, broken } = crawlArchive(files);
    expect(broken).toEqual([]);
    expect(new Set(htmlFiles.map(([path]) => path))).toEqual(reached);
    expect(archive.pages).toEqual({ days: 3, venues: 4, events: 5, people: 4 });
    const paths = [...files.keys()];
    expect(paths.filter((path) => path.startsWith("days/"))).toEqual(["days/2027-07-01.html", "days/2027-07-02.html", "days/2027-07-03.html"]);
    expect(paths.filter((path) => path.startsWith("venues/")).length).toBe(4);
    expect(paths.filter((path) => path.startsWith("events/")).length).toBe(5);
    expect(paths.filter((path) => path.startsWith("people/")).length).toBe(4);
    for (const name of ["style.css", "schedule.xml", "schedule.json", "calendar.ics"]) expect(files.has(name), name).toBe(true);
    const index = files.get("index.html") as string;
    for (const name of ["schedule.xml", "schedule.json", "calendar.ics"]) expect(index).toContain(`href="${name}"`);
  });

  it("shows an event's time in the festival's zone, its venue, hosts, description and status", () => {
    const page = files.get("events/e_aaaaaaaaaaaaaaaaaaaaaaaaaa.html") as string;
    expect(page).toContain("Thursday 1 July 2027, 20:00–21:30 (Europe/Berlin, UTC+02:00)");
    expect(page).toContain('<a href="../venues/v_aaaaaaaaaaaaaaaaaaaaaaaaaa.html"><bdi>Main &lt;Stage&gt;</bdi></a>');
    expect(page).toContain('<a href="../people/p_aaaaaaaaaaaaaaaaaaaaaaaaaa.html"><bdi>Ana &lt;DJ&gt; &amp; &#39;Co&#39;</bdi></a>');
    expect(page).toContain("&lt;script&gt;alert(&#39;description&#39;)&lt;/script&gt;");
    expect(page).toContain('<span class="status confirmed">Confirmed</span>');
    expect(page).toContain('href="../style.css"');
    const cancelled = files.get("events/e_cccccccccccccccccccccccccc.html") as string;
    expect(cancelled).toContain('<h1 dir="auto" class="cancelled">Fire show</h1>');
    expect(cancelled).toContain('<span class="status cancelled">Cancelled</span>');
    // an event after midnight belongs to the day before (day start 04:00); one past midnight says when it ends
    expect(files.get("days/2027-07-01.html")).toContain("Fri 2 Jul 01:30–02:30");
    expect(pageOf(files, "events/", "Bell")).toContain("12:00–Sun 4 Jul 01:00");
    // an unknown venue (even one named like an Object property) is named, not linked
    expect(pageOf(files, "events/", "Bell")).toContain("<dd><bdi>Unknown venue</bdi></dd>");
  });

  it("lists a day's events by venue and time, and a person's and a venue's events across days", () => {
    const day2 = files.get("days/2027-07-02.html") as string;
    expect(day2).toContain("Device name");
    expect(day2).toContain('<li class="event cancelled">');
    expect(day2).toContain('<span class="status cancelled">Cancelled</span>');
    const ana = files.get("people/p_aaaaaaaaaaaaaaaaaaaaaaaaaa.html") as string;
    expect(ana).toContain('href="../events/e_aaaaaaaaaaaaaaaaaaaaaaaaaa.html"');
    const rtl = pageOf(files, "people/x-", "Bio with");
    expect(rtl).toContain("Bio with &lt;iframe src=//evil&gt;\ufffd and more");
    expect(rtl.match(/class="event /g)?.length).toBe(2);
    const nobody = files.get("people/p_bbbbbbbbbbbbbbbbbbbbbbbbbb.html") as string;
    expect(nobody).toContain("No events in this programme.");
    const main = files.get("venues/v_aaaaaaaaaaaaaaaaaaaaaaaaaa.html") as string;
    expect(main).toContain("Seestraße 1 &quot;&lt;b&gt;&quot;");
    expect(main).toContain("<dt>Capacity</dt><dd>300</dd>");
    expect(files.get("venues/v_rrrrrrrrrrrrrrrrrrrrrrrrrr.html")).toContain("No longer in use");
  });

  it("leaves out events whose times cannot be read, as every export does, and says which", () => {
    expect(archive.skipped.map((skipped) => skipped.eventId)).toEqual(["e_uuuuuuuuuuuuuuuuuuuuuuuuuu"]);
    for (const [, text] of files) expect(text).not.toContain("Never shown");
  });

  it("lists every other file in its manifest, last, and renders the same festival to the same files", () => {
    const last = archive.files[archive.files.length - 1];
    expect(last.path).toBe("pandafest-archive.json");
    expect(parseArchiveManifest(last.text)?.files).toEqual(archive.files.slice(0, -1).map((file) => file.path));
    expect(renderArchive(hostileFestival(), FESTIVAL_ID, { stamp: STAMP }).files).toEqual(archive.files);
  });

  it("marks a private festival's archive not to be indexed and says it is private", () => {
    const privateFiles = filesOf(renderArchive(hostileFestival("private"), FESTIVAL_ID, { stamp: STAMP }));
    for (const [path, text] of privateFiles) if (path.endsWith(".html")) expect(text, path).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(privateFiles.get("index.html")).toContain("private festival");
    expect(files.get("index.html")).not.toContain("noindex");
  });

  it("links each day from every page's header, or the index's list of days past two weeks", () => {
    expect(files.get("events/e_aaaaaaaaaaaaaaaaaaaaaaaaaa.html")).toContain('<li><a href="../days/2027-07-03.html">Sat 3 Jul</a></li>');
    const long = filesOf(renderArchive({ ...hostileFestival(), endDate: "2027-07-31" }, FESTIVAL_ID, { stamp: STAMP }));
    expect([...long.keys()].filter((path) => path.startsWith("days/")).length).toBe(31);
    const header = (long.get("days/2027-07-15.html") as string).split("</header>")[0];
    expect(header).toContain('<a href="../index.html#days">Days</a>');
    expect(header).not.toContain("2027-07-14.html");
    expect(crawlArchive(long).broken).toEqual([]);
  });

  it("links out of the archive only to http(s) URLs, escaped, and the crawler tells such links from broken ones", () => {
    expect(documentText(externalLink('https://stream.example.org/a?b=1&c="x"', "Stream <live>"))).toBe(
      '<a href="https://stream.example.org/a?b=1&amp;c=%22x%22" rel="external noopener noreferrer"><bdi>Stream &lt;live&gt;</bdi></a>',
    );
    expect(documentText(externalLink("javascript:alert(1)", "Tickets"))).toBe("<bdi>Tickets</bdi> (<bdi>javascript:alert(1)</bdi>)");
    expect(documentText(externalLink("../index.html", "Home"))).not.toContain("href");
    const page = `<a href="https://example.org/" rel="external noopener noreferrer">out</a><a href="https://example.org/">unmarked</a><a href="javascript:x()" rel="external">js</a>`;
    expect(crawlArchive(new Map([["index.html", page]])).broken).toEqual(["index.html -> https://example.org/ (not relative)", "index.html -> javascript:x() (not relative)"]);
  });

  it("refuses a festival whose zone is unknown with the exports' error", () => {
    const broken = { ...hostileFestival(), timeZone: "Mars/Olympus" };
    expect(() => renderArchive(broken, FESTIVAL_ID)).toThrow(PandafestError);
    expect(() => renderArchive(broken, FESTIVAL_ID)).toThrow(/time zone 'Mars\/Olympus' is unknown/);
  });
});
