// Joining a private festival in the web app, in real Chromium profiles against a real `pandafest serve`: a manager
// makes an invitation (code, link, QR code), a newcomer opens the link and asks, the manager accepts, the festival opens.
import fs from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeQr, qrSvgPath } from "../../ui/src/state/qr-code.js";
import { cliJson, tempDir } from "../helpers/cli.js";
import {
  addEvent,
  addVenue,
  artifactsDir,
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

describe.skipIf(!browserTestsRun("joining.test.ts"))("invitations and joining in the web app", { timeout: 180_000 }, () => {
  let server: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    const dataDir = await tempDir("pandafest-ui-join-");
    await cliJson(dataDir, ["init", "--name", "Node"]); // the node records access requests as its own changes
    server = await startServe(dataDir);
    browser = await launchBrowser();
    await fs.mkdir(artifactsDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(artifactsDir, name), fullPage: true });
  }

  /** Whether the page is wider than the window (something does not fit a phone). */
  function overflow(page: Page): Promise<number> {
    return page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
  }

  it("lets a manager invite, a newcomer ask through the link, the manager accept, and the newcomer see the festival", async () => {
    const manager = await openApp(await browser.newContext({ viewport: { width: 1100, height: 900 } }), server.url, "Mia");
    const managerSeen = watchPage(manager);
    const festivalId = await createFestival(manager, { name: "Hidden Meadow", startDate: "2027-07-01", endDate: "2027-07-02", timeZone: "Europe/Berlin" });
    await addVenue(manager, festivalId, "Barn");
    await addEvent(manager, festivalId, { title: "Secret opening", venue: "Barn", date: "2027-07-01", start: "18:00", end: "19:00" });

    // the manager's Members screen: their key, a private festival sealed to its members, an invitation with link and QR code
    await manager.goto(festivalUrl(server.url, festivalId, "members"));
    const members = manager.locator("pf-members");
    await members.locator("[data-key-epoch='1']").waitFor();
    const managerKey = await members.locator("[data-your-key] code[data-key]").getAttribute("data-key");
    expect(managerKey).toMatch(/^[0-9a-f]{64}$/);
    const invite = members.locator("form[data-invite]");
    await invite.getByLabel("Role").selectOption("edit");
    await invite.getByLabel("Uses").fill("1");
    await invite.getByRole("button", { name: "Create invitation" }).click();
    const made = members.locator("[data-invitation-made]");
    await made.waitFor();
    const link = await made.locator("[data-invitation-link]").inputValue();
    const code = await made.locator("[data-invitation-code]").inputValue();
    expect(link).toBe(`${server.url}/#/join/${code}`);
    expect(code).toMatch(new RegExp(`^${festivalId}\\.[0-9a-f]{32}$`));
    const qr = made.getByRole("img", { name: "QR code of the invitation link" });
    await qr.waitFor();
    expect(await qr.locator("path").getAttribute("d")).toBe(qrSvgPath(encodeQr(link, { level: "M" })));
    expect((await qr.boundingBox())?.width ?? 0).toBeGreaterThan(120);
    await screenshot(manager, "members-invitation-desktop.png");
    await manager.setViewportSize({ width: 360, height: 740 });
    expect(await overflow(manager)).toBeLessThanOrEqual(0);
    await screenshot(manager, "members-invitation-phone.png");
    await manager.setViewportSize({ width: 1100, height: 900 });

    // a newcomer in another browser profile, on a phone, opens the link: an invitation to a private festival, no name shown
    const newcomerContext = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const newcomer = await newcomerContext.newPage();
    const newcomerSeen = watchPage(newcomer);
    await newcomer.goto(link);
    const join = newcomer.locator("pf-join");
    await join.getByRole("heading", { name: "Join a festival" }).waitFor();
    expect(await join.locator("[data-invitation]").textContent()).toContain("an invitation to a private festival");
    expect(await newcomer.content()).not.toContain("Hidden Meadow");
    expect(await overflow(newcomer)).toBeLessThanOrEqual(0);
    await screenshot(newcomer, "join-form-phone.png");
    await join.getByLabel("Your name", { exact: true }).fill("Noa");
    await join.getByRole("button", { name: "Ask to join" }).click();
    await join.locator("[data-waiting-for-manager]").waitFor();
    expect(await join.locator("[data-waiting-for-manager]").textContent()).toContain("Waiting for a manager to accept");
    expect(await overflow(newcomer)).toBeLessThanOrEqual(0);
    await screenshot(newcomer, "join-waiting-phone.png");
    // the festivals screen lists the request; its link comes back to where it stands (the request is sent again)
    await newcomer.goto(`${server.url}/#/`);
    const asked = newcomer.locator("pf-festivals [data-asked-to-join]");
    await asked.waitFor();
    expect(await asked.textContent()).toContain("asked as Noa");
    await screenshot(newcomer, "festivals-asked-phone.png");
    await asked.getByRole("link", { name: "where it stands" }).click();
    await join.locator("[data-waiting-for-manager]").waitFor();

    // the manager sees the request (name marked self-declared, key, role of the invitation) and accepts it
    await manager.goto(festivalUrl(server.url, festivalId, "members"));
    const request = members.locator("[data-request][data-status='pending']").filter({ hasText: "Noa" });
    // (the node records it once the invitation has reached it: the page sends it again until then)
    await request.waitFor({ timeout: 30_000 });
    const newcomerKey = await request.getAttribute("data-request");
    expect(newcomerKey).toMatch(/^[0-9a-f]{64}$/);
    expect(await request.textContent()).toMatch(/Noa\s*\(self-declared\)\s*· asks for\s*edit/);
    await manager.locator("pf-festival nav [data-waiting-requests='1']").waitFor();
    await screenshot(manager, "members-request-desktop.png");
    await request.getByRole("button", { name: "Accept" }).click();
    await members.locator(`[data-members] [data-member="${newcomerKey}"]`).waitFor();
    await members.locator(`[data-request="${newcomerKey}"][data-status='accepted']`).waitFor({ state: "attached" }); // under "decided"

    // the newcomer's page opens the festival by itself once it arrives from the node
    await newcomer.getByRole("heading", { level: 1, name: "Hidden Meadow" }).waitFor({ timeout: 45_000 });
    await newcomer.locator("pf-programme").getByText("Secret opening").first().waitFor();
    expect(await programmeTitles(newcomer)).toEqual(["Secret opening"]);
    await newcomer.goto(festivalUrl(server.url, festivalId, "members"));
    await newcomer.locator("pf-members [data-role='edit']").waitFor({ timeout: 15_000 });
    await newcomer.locator("pf-members [data-key-epoch='1']").getByText("This browser holds it.").waitFor({ timeout: 15_000 });
    expect(await overflow(newcomer)).toBeLessThanOrEqual(0);
    await screenshot(newcomer, "members-newcomer-phone.png");

    // the single-use invitation is used up: a third profile opening it is told so
    const late = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
    await late.goto(link);
    await late.locator("pf-join").getByLabel("Your name", { exact: true }).fill("Lee");
    await late.locator("pf-join").getByRole("button", { name: "Ask to join" }).click();
    const refused = late.locator("pf-join [data-join-refused]");
    await refused.waitFor({ timeout: 15_000 });
    expect(await refused.textContent()).toContain("used as often as it allowed");
    await screenshot(late, "join-refused-phone.png");

    // removing the newcomer starts a new key epoch without them
    await manager.goto(festivalUrl(server.url, festivalId, "members"));
    await members.locator(`[data-member="${newcomerKey}"]`).getByRole("button", { name: "Remove" }).click();
    expect(await members.locator("[data-done]").textContent()).toMatch(/key epoch 2 without them/);
    await members.locator("[data-key-epoch='2']").waitFor();
    expect(await members.locator(`[data-members] [data-member="${newcomerKey}"]`).count()).toBe(0);
    await eventually("the removal to reach the node", async () => {
      const listed = await cliJson<{ members: Array<{ key: string; role: string | null }> }>(server.dataDir, ["member", "list", festivalId]);
      // listed with no role, or not at all (a member is listed by name only once they wrote it)
      return listed.members.some((row) => row.key === newcomerKey && row.role !== null) ? undefined : true;
    });

    // the Members screen fits a phone
    await manager.setViewportSize({ width: 360, height: 740 });
    await manager.reload();
    await members.locator("[data-key-epoch='2']").waitFor();
    expect(await overflow(manager)).toBeLessThanOrEqual(0);
    await screenshot(manager, "members-phone.png");
    expect(managerSeen.errors).toEqual([]);
    expect(newcomerSeen.errors).toEqual([]);
  });

  it("tells a newcomer whose request a manager declined, and lets an invitation serve as many as it allows", async () => {
    const manager = await openApp(await browser.newContext(), server.url, "Max");
    const festivalId = await createFestival(manager, { name: "Closed Barn", startDate: "2027-08-01", endDate: "2027-08-01", timeZone: "UTC" });
    await manager.goto(festivalUrl(server.url, festivalId, "members"));
    const members = manager.locator("pf-members");
    const invite = members.locator("form[data-invite]");
    await invite.getByLabel("Role").selectOption("manage");
    await invite.getByLabel("Uses").fill("2");
    await invite.getByRole("button", { name: "Create invitation" }).click();
    const link = await members.locator("[data-invitation-made] [data-invitation-link]").inputValue();

    const asking = async (name: string): Promise<Page> => {
      const page = await (await browser.newContext()).newPage();
      await page.goto(link);
      await page.locator("pf-join").getByLabel("Your name", { exact: true }).fill(name);
      await page.locator("pf-join").getByRole("button", { name: "Ask to join" }).click();
      await page.locator("pf-join [data-waiting-for-manager]").waitFor();
      return page;
    };
    const first = await asking("Pat");
    const second = await asking("Quinn");
    const pending = (name: string) => members.locator("[data-request][data-status='pending']").filter({ hasText: name });
    await pending("Pat").waitFor({ timeout: 30_000 });
    await pending("Quinn").waitFor({ timeout: 30_000 });
    expect(await pending("Pat").textContent()).toMatch(/asks for\s*manage/);
    await pending("Pat").getByRole("button", { name: "Decline" }).click();
    await pending("Quinn").getByRole("button", { name: "Accept" }).click();
    await members.locator("[data-members] [data-member]").filter({ hasText: "Quinn" }).waitFor();

    const declined = first.locator("pf-join [data-join-refused]");
    await declined.waitFor({ timeout: 30_000 });
    expect(await declined.textContent()).toContain("A manager declined your request");
    await second.getByRole("heading", { level: 1, name: "Closed Barn" }).waitFor({ timeout: 45_000 });
    await second.goto(festivalUrl(server.url, festivalId, "members"));
    await second.locator("pf-members [data-role='manage']").waitFor({ timeout: 15_000 });
  });

  it("says what is wrong with a damaged invitation link", async () => {
    const page = await openApp(await browser.newContext(), server.url, "Ola");
    await page.goto(`${server.url}/#/join/not-an-invitation`);
    const error = page.locator("pf-join [data-join-error]");
    await error.waitFor();
    expect(await error.textContent()).toMatch(/does not hold a whole invitation: .*is not an invitation/s);
  });
});
