// The owner's inbox in Chromium: requests made by another identity through the CLI reach the node by bundle; the
// browser's identity, which owns the venue and the PA, accepts and declines (with a reason checked by the engine's
// rule), the CLI reads the decisions signed by it, the timelines mark an overbooking and the programme the confirmation.
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliJson, tempDir } from "../helpers/cli.js";
import { artifactsDir, browserTestsRun, eventually, festivalUrl, launchBrowser, openApp, programmeEvent, startServe, watchPage, type ServeProcess } from "./harness.js";

interface Listed {
  bookings: Array<{ id: string; eventTitle: string; targetName: string; state: string; reason: string; decidedBy: string | null; askedBy: string | null }>;
}

describe.skipIf(!browserTestsRun("bookings.test.ts"))("the owner's inbox in the web app", { timeout: 180_000 }, () => {
  let server: ServeProcess;
  let browser: Browser;
  let festival: string;
  let ada: string;
  let bob: string;

  beforeAll(async () => {
    // Ada's node holds an organised festival; Bob will ask for things, the browser's identity owns them
    ada = await tempDir("pandafest-ui-bookings-");
    bob = await tempDir("pandafest-ui-bookings-bob-");
    await cliJson(ada, ["init", "--name", "Ada"]);
    await cliJson(bob, ["init", "--name", "Bob"]);
    festival = (await cliJson<{ id: string }>(ada, ["festival", "create", "Booked Fest", "--time-zone", "Europe/Berlin", "--start", "2027-07-01", "--end", "2027-07-02"])).id;
    await cliJson(ada, ["venue", "add", festival, "--name", "Hall"]);
    await cliJson(ada, ["venue", "add", festival, "--name", "Tent"]);
    const event = (title: string, venue: string, start: string, end: string) =>
      cliJson(ada, ["event", "add", festival, "--title", title, "--venue", venue, "--start", `2027-07-01T${start}`, "--end", `2027-07-01T${end}`]);
    await event("Opening", "Hall", "18:00", "20:00");
    await event("Soundcheck", "Tent", "19:00", "21:00");
    await event("Late set", "Tent", "19:30", "22:00");
    await cliJson(ada, ["member", "add", festival, (await cliJson<{ publicKey: string }>(bob, ["whoami"])).publicKey, "--role", "edit"]);
    server = await startServe(ada);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function decisionOf(page: Page, title: string, target: string) {
    return page.locator("pf-bookings article.request").filter({ hasText: title }).filter({ hasText: target });
  }

  it("lets the owner accept and decline, stores the decisions signed by them, and marks the programme", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await openApp(context, server.url, "Kim");
    const seen = watchPage(page);
    await page.goto(festivalUrl(server.url, festival, "members"));
    const kim = await page.locator("pf-members [data-your-key] code[data-key]").getAttribute("data-key");
    if (!kim || !/^[0-9a-f]{64}$/.test(kim)) throw new Error(`no key on the Members screen: ${kim}`);

    // Ada makes Kim a member who owns the Hall and the one PA; Bob asks for them on his replica and his bundle reaches the node
    await cliJson(ada, ["member", "add", festival, kim, "--role", "edit"]);
    await cliJson(ada, ["owners", festival, "Hall", "--owner", kim]);
    await cliJson(ada, ["resource", "add", festival, "--name", "PA", "--owner", kim]);
    const work = await tempDir("pandafest-ui-bookings-carry-");
    await cliJson(ada, ["bundle", "export", festival, "--output", path.join(work, "from-ada.pfb")]);
    await cliJson(bob, ["bundle", "import", path.join(work, "from-ada.pfb")]);
    const opening = (await cliJson<{ requests: string[] }>(bob, ["book", festival, "Opening", "--venue", "--resource", "PA"])).requests;
    await cliJson(bob, ["book", festival, "Soundcheck", "--resource", "PA"]);
    await cliJson(bob, ["book", festival, "Late set", "--resource", "PA"]);
    // Bob owns nothing: his acceptance of the Opening's PA is a proposal
    await cliJson(bob, ["booking", "accept", festival, opening[1]]);
    await cliJson(bob, ["bundle", "export", festival, "--output", path.join(work, "from-bob.pfb")]);
    await cliJson(ada, ["bundle", "import", path.join(work, "from-bob.pfb")]);

    await page.goto(festivalUrl(server.url, festival, "bookings"));
    const inbox = page.locator("pf-bookings");
    await page.locator("pf-festival nav [data-pending-bookings='4']").waitFor({ timeout: 20_000 });
    await inbox.locator("[data-inbox='4']").waitFor();
    expect(await inbox.locator("article.request[data-state='pending']").count()).toBe(4);
    const hall = await decisionOf(page, "Opening", "Hall");
    expect((await hall.textContent())?.replace(/\s+/g, " ")).toMatch(/Opening 2027-07-01 18:00–20:00 Venue Hall, asked by Bob: pending/);
    const openingPa = await decisionOf(page, "Opening", "PA");
    await openingPa.getByText("Bob proposes accepted; only an owner's decision counts").waitFor();

    await hall.getByRole("button", { name: "Accept “Opening” (venue Hall)" }).click();
    await inbox.locator("[data-done]").getByText("“Opening” (Hall) is accepted.").waitFor();
    await (await decisionOf(page, "Opening", "Hall")).getByRole("button", { name: /^Revoke/ }).waitFor();

    // declining asks why; the engine's rule for a reason refuses one too long, beside the field
    await openingPa.getByRole("button", { name: /^Decline/ }).click();
    const reason = openingPa.getByLabel("Why do you decline “Opening” (resource PA)?");
    await expect.poll(() => page.evaluate(`document.querySelector("pf-app").shadowRoot.querySelector("pf-festival").shadowRoot.querySelector("pf-bookings").shadowRoot.activeElement?.tagName`)).toBe("TEXTAREA");
    await reason.fill("x".repeat(1001));
    await openingPa.getByRole("button", { name: "Decline", exact: true }).click();
    await openingPa.locator(".field-error").getByText(/invalid reason .*at most 1000 characters/).waitFor();
    expect(await reason.getAttribute("aria-invalid")).toBe("true");
    await reason.fill("The PA is at the Tent that evening");
    await openingPa.getByRole("button", { name: "Decline", exact: true }).click();
    await inbox.locator("[data-done]").getByText("“Opening” (PA) is declined.").waitFor();
    for (const title of ["Soundcheck", "Late set"]) {
      await (await decisionOf(page, title, "PA")).getByRole("button", { name: /^Accept/ }).click();
      await inbox.locator("[data-done]").getByText(`“${title}” (PA) is accepted.`).waitFor();
    }
    await inbox.locator("[data-inbox-pending='0']").waitFor();
    expect(await page.locator("pf-festival nav [data-pending-bookings]").count()).toBe(0);

    // the timelines: the PA (one of it) accepted twice at once is overbooked; the declined request holds no time
    const pa = inbox.locator("pf-booking-timelines [data-timeline^='resource:']");
    expect(await pa.locator("[data-booking]").count()).toBe(2);
    expect(await pa.locator("[data-overbooked]").count()).toBe(2);
    expect((await pa.locator("[data-booking]").first().textContent())?.replace(/\s+/g, " ")).toMatch(/19:00–21:00 Soundcheck: accepted overbooked: 2 at once, 1 available/);
    await inbox.locator("pf-booking-timelines [data-booking-clashes='1']").waitFor();
    await page.screenshot({ path: path.join(artifactsDir, "bookings-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 360, height: 740 });
    await page.screenshot({ path: path.join(artifactsDir, "bookings-360.png"), fullPage: true });
    expect(await page.evaluate<number>(`document.documentElement.scrollWidth - document.documentElement.clientWidth`)).toBe(0);
    await page.setViewportSize({ width: 1280, height: 900 });

    // on the node, the decisions are Kim's: verified from Kim's signature, not from a field
    const listed = await eventually(
      "Kim's decisions on the node",
      async () => {
        const result = await cliJson<Listed>(ada, ["bookings", festival]);
        return result.bookings.every((booking) => booking.state !== "pending") ? result : undefined;
      },
      20_000,
      500,
    );
    const row = (title: string, target: string) => listed.bookings.find((booking) => booking.eventTitle === title && booking.targetName === target);
    expect(row("Opening", "Hall")).toMatchObject({ state: "accepted", decidedBy: kim });
    expect(row("Opening", "PA")).toMatchObject({ state: "declined", decidedBy: kim, reason: "The PA is at the Tent that evening" });
    expect(row("Soundcheck", "PA")).toMatchObject({ state: "accepted", decidedBy: kim });
    const check = await cliJson<{ bookings: { overbookings: Array<{ resourceName: string; peak: number }> } }>(ada, ["check", festival]);
    expect(check.bookings.overbookings.map((o) => [o.resourceName, o.peak])).toEqual([["PA", 2]]);

    // the programme: the Opening is half confirmed, drawn tentative; the Soundcheck is fully confirmed
    await page.goto(festivalUrl(server.url, festival));
    const openingCard = await programmeEvent(page, /Opening/);
    expect(await openingCard.locator("[data-confirmation]").getAttribute("data-confirmation")).toBe("1/2");
    expect(await openingCard.getAttribute("class")).toMatch(/\btentative\b/);
    expect(await (await programmeEvent(page, /Soundcheck/)).locator("[data-confirmation]").count()).toBe(0);
    await page.screenshot({ path: path.join(artifactsDir, "bookings-programme.png") });
    // the attendee view's programme.json says the same
    const shared = (await (await page.request.get(`${server.url}/festivals/${festival}/programme.json`)).json()) as {
      events: Array<{ title: string; status: string; confirmation?: { accepted: number; requested: number } }>;
    };
    expect(shared.events.find((event) => event.title === "Opening")).toMatchObject({ status: "tentative", confirmation: { accepted: 1, requested: 2 } });
    expect(shared.events.find((event) => event.title === "Soundcheck")).toMatchObject({ status: "confirmed", confirmation: { accepted: 1, requested: 1 } });
    expect(seen.errors).toEqual([]);
    await context.close();
  });
});
