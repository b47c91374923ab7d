// Roles in the web app, in a real Chromium against a real `pandafest serve`: a visitor's event arrives as a
// proposal the member sees and accepts; a member granted a role edits; once removed, their later edits do not show.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliJson, tempDir } from "../helpers/cli.js";
import {
  addEvent,
  addVenue,
  browserTestsRun,
  createFestival,
  eventually,
  festivalUrl,
  launchBrowser,
  openApp,
  programmeTitles,
  startServe,
  watchPage,
  type ServeProcess,
} from "./harness.js";

describe.skipIf(!browserTestsRun("governance.test.ts"))("roles and proposals in the web app", { timeout: 120_000 }, () => {
  let server: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServe(await tempDir("pandafest-ui-roles-"));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Fills the event form as a person would; a visitor's event goes to the members, so it is not awaited in the programme. */
  async function proposeEvent(page: Page, festivalId: string, title: string): Promise<void> {
    await page.goto(festivalUrl(server.url, festivalId, "event/new"));
    const form = page.locator("pf-event-form");
    await form.getByLabel("Title").fill(title);
    await form.getByLabel("Venue").selectOption({ label: "Hall" });
    await form.getByLabel("Starts on").fill("2027-07-01");
    await form.locator("#startTime").fill("15:00");
    await form.locator("#endTime").fill("16:00");
    await form.getByRole("button", { name: "Add event" }).click();
    await page.locator("pf-programme #summary").waitFor();
  }

  async function keyOf(page: Page, festivalId: string): Promise<string> {
    await page.goto(festivalUrl(server.url, festivalId, "members"));
    const key = await page.locator("pf-members [data-your-key] code[data-key]").getAttribute("data-key");
    if (!key || !/^[0-9a-f]{64}$/.test(key)) throw new Error(`no key on the Members screen: ${key}`);
    return key;
  }

  it("lets a visitor propose an event, a member accept it, and keeps a removed member's later edit out", async () => {
    const member = await openApp(await browser.newContext(), server.url, "Ana");
    const memberSeen = watchPage(member);
    const festivalId = await createFestival(member, { name: "Guarded Fest", startDate: "2027-07-01", endDate: "2027-07-02", timeZone: "Europe/Berlin", visibility: "public" });
    await addVenue(member, festivalId, "Hall");
    await addEvent(member, festivalId, { title: "Opening", venue: "Hall", date: "2027-07-01", start: "10:00", end: "11:00" });

    // a visitor in another browser profile: told their changes are proposals; their event is not in the programme
    const visitor = await openApp(await browser.newContext(), server.url, "Vic");
    const visitorSeen = watchPage(visitor);
    await visitor.goto(festivalUrl(server.url, festivalId));
    await visitor.locator("pf-programme").getByText("Opening").first().waitFor();
    await visitor.locator("[data-visitor]").waitFor();
    await proposeEvent(visitor, festivalId, "Vic's talk");
    expect(await programmeTitles(visitor)).toEqual(["Opening"]);

    // the member sees the proposal with its author, not in the programme, and accepts it
    await member.goto(festivalUrl(server.url, festivalId, "proposals"));
    const proposal = member.locator("pf-proposals article.proposal").filter({ hasText: "Vic's talk" });
    await proposal.waitFor({ timeout: 15_000 });
    expect(await proposal.textContent()).toContain("Vic proposes");
    await member.goto(festivalUrl(server.url, festivalId));
    expect(await programmeTitles(member)).toEqual(["Opening"]);
    await member.goto(festivalUrl(server.url, festivalId, "proposals"));
    await proposal.getByRole("button", { name: "Accept" }).click();
    await member.locator("pf-proposals [data-proposals='0']").waitFor();
    await member.goto(festivalUrl(server.url, festivalId));
    await expect.poll(() => programmeTitles(member).then((titles) => titles.sort())).toEqual(["Opening", "Vic's talk"]);
    await expect.poll(() => programmeTitles(visitor).then((titles) => titles.sort()), { timeout: 15_000 }).toEqual(["Opening", "Vic's talk"]);
    await member.goto(festivalUrl(server.url, festivalId, "history"));
    await member.locator("pf-history [data-standing]").filter({ hasText: "proposed, accepted by Ana" }).first().waitFor();

    // granted a role, Vic's edit shows at once; once removed, Vic's next edit stays out
    const vicKey = await keyOf(visitor, festivalId);
    await member.goto(festivalUrl(server.url, festivalId, "members"));
    const grant = member.locator("pf-members form[data-add-member]");
    await grant.getByLabel("Public key").fill(vicKey);
    await grant.getByRole("button", { name: "Add member" }).click();
    await member.locator(`pf-members [data-members] [data-member="${vicKey}"]`).getByText("Vic").waitFor();
    await visitor.goto(festivalUrl(server.url, festivalId, "proposals"));
    await visitor.locator("pf-proposals [data-role='edit']").waitFor({ timeout: 15_000 });
    await addEvent(visitor, festivalId, { title: "Vic's second talk", venue: "Hall", date: "2027-07-01", start: "17:00", end: "18:00" });
    await member.goto(festivalUrl(server.url, festivalId));
    await member.locator("pf-programme").getByText("Vic's second talk").first().waitFor({ timeout: 15_000 });

    await member.goto(festivalUrl(server.url, festivalId, "members"));
    await member.locator(`pf-members [data-member="${vicKey}"]`).getByRole("button", { name: "Remove" }).click();
    await eventually("Vic's role to be withdrawn on the node", async () => {
      const listed = await cliJson<{ members: Array<{ key: string; role: string | null }> }>(server.dataDir, ["member", "list", festivalId]);
      return listed.members.find((row) => row.key === vicKey)?.role === null ? true : undefined;
    });
    await visitor.goto(festivalUrl(server.url, festivalId, "proposals"));
    await visitor.locator("pf-proposals [data-role='none']").waitFor({ timeout: 15_000 });
    await proposeEvent(visitor, festivalId, "After removal");
    await member.goto(festivalUrl(server.url, festivalId, "proposals"));
    await member.locator("pf-proposals article.proposal").filter({ hasText: "After removal" }).waitFor({ timeout: 15_000 });
    await member.goto(festivalUrl(server.url, festivalId));
    expect((await programmeTitles(member)).sort()).toEqual(["Opening", "Vic's second talk", "Vic's talk"]);
    const shown = await cliJson<{ events: Record<string, { title: string }> }>(server.dataDir, ["festival", "show", festivalId]);
    expect(Object.values(shown.events).map((event) => event.title).sort()).toEqual(["Opening", "Vic's second talk", "Vic's talk"]);
    expect(memberSeen.errors).toEqual([]);
    expect(visitorSeen.errors).toEqual([]);
  });
});
