// The organiser's forms in Chromium: every invalid field flagged in one submit (focus on the first, aria-invalid and
// aria-describedby), cancelling and deleting asked in the page and undone from its note, deleted events and people
// restored, the programme scrolling to the event just saved, and an empty slot starting a new event there.
import fs from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { cliJson, festivalFixture } from "../helpers/cli.js";
import { artifactsDir, browserTestsRun, eventually, festivalUrl, focusedText, launchBrowser, openApp, programmeTitles, startServe, watchPage, type ServeProcess } from "./harness.js";

interface Shown {
  events: Record<string, { title: string; status: string; removed?: true }>;
  people: Record<string, { name: string; removed?: true }>;
}

/** The id of the element with keyboard focus, looking inside shadow roots. */
function focusedId(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => {
    let element = document.activeElement;
    while (element && element.shadowRoot && element.shadowRoot.activeElement) element = element.shadowRoot.activeElement;
    return element ? element.id : "";
  })()`);
}

describe.skipIf(!browserTestsRun("organiser-forms.test.ts"))("the organiser's forms", { timeout: 240_000 }, () => {
  let server: ServeProcess | undefined;
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("validates all at once, confirms and undoes cancel and delete, shows the saved event and starts one in an empty slot", async () => {
    const { dataDir, festival, venue } = await festivalFixture("Forms Fest", { open: true });
    await cliJson(dataDir, ["venue", "add", festival, "--name", "Tent"]);
    await cliJson(dataDir, ["event", "add", festival, "--title", "Night set", "--venue", "Tent", "--start", "2027-07-01T18:00", "--end", "2027-07-01T20:00", "--host", "Grace Hopper"]);
    server = await startServe(dataDir);
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await openApp(context, server.url, "Kim");
    const seen = watchPage(page);
    const form = page.locator("pf-event-form");

    // 1. one submit flags every invalid field, beside it, and focus goes to the first
    await page.goto(festivalUrl(server.url, festival, "event/new"));
    await form.getByLabel("Language").fill("not a language!");
    await form.getByRole("button", { name: "Add event" }).click();
    for (const id of ["title", "startTime", "endTime", "language"]) {
      await expect.poll(() => form.locator(`#${id}`).getAttribute("aria-invalid")).toBe("true");
      expect(await form.locator(`#${id}`).getAttribute("aria-describedby")).toContain(`${id}-error`);
    }
    expect(await form.locator("#title-error").textContent()).toContain("Enter a non-empty single-line text of at most 200 characters.");
    expect(await form.locator("#startTime-error").textContent()).toContain("Choose the start time");
    expect(await form.locator("#language-error").textContent()).toContain("BCP 47");
    expect(await focusedId(page)).toBe("title");
    // the rule is the engine's: an end before the start is said beside the end, with the other problems gone
    await form.getByLabel("Title").fill("Opening");
    await form.getByLabel("Language").fill("en");
    await form.getByLabel("Venue").selectOption({ label: "Main Stage" });
    await form.getByLabel("Starts on").fill("2027-07-01");
    await form.locator("#startTime").fill("18:00");
    await form.getByLabel("Ends on").fill("2027-07-01");
    await form.locator("#endTime").fill("17:00");
    await form.getByRole("button", { name: "Add event" }).click();
    await expect.poll(() => form.locator("#endTime").getAttribute("aria-invalid")).toBe("true");
    expect(await form.locator("#endTime-error").textContent()).toContain("an event must end after it starts");
    expect(await form.locator("#title").getAttribute("aria-invalid")).toBe("false");

    // 2. saved: the programme scrolls to it, marks it and says so
    await form.locator("#endTime").fill("19:00");
    await form.getByRole("button", { name: "Add event" }).click();
    const programme = page.locator("pf-programme");
    await programme.locator("[data-saved-note]").getByText("Added “Opening”.").waitFor();
    const marked = programme.locator("a[data-saved]");
    await expect.poll(() => marked.locator(".title-text").textContent()).toBe("Opening");
    await expect.poll(() => marked.evaluate((element) => {
      const box = element.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= element.ownerDocument.documentElement.clientHeight;
    })).toBe(true);

    // 3. an empty slot (Main Stage, below Opening: 19:00) starts a new event there
    const openingBox = await programme.locator("a.event", { hasText: "Opening" }).boundingBox();
    if (!openingBox) throw new Error("Opening is not laid out");
    await page.mouse.click(openingBox.x + openingBox.width / 2, openingBox.y + openingBox.height + 6);
    await form.getByRole("heading", { name: "Add an event" }).waitFor();
    expect(await form.getByLabel("Venue").inputValue()).toBe(venue);
    expect(await form.getByLabel("Starts on").inputValue()).toBe("2027-07-01");
    expect(await form.locator("#startTime").inputValue()).toBe("19:00");
    expect(await form.locator("#endTime").inputValue()).toBe("20:00");
    // and by keyboard: one tab stop per day; arrows move it a venue and a quarter hour, Page Down an hour, Enter opens it
    await page.goto(festivalUrl(server.url, festival, "programme"));
    const slotCursor = programme.locator("button.slot-cursor");
    await slotCursor.focus();
    expect(await slotCursor.getAttribute("aria-label")).toMatch(/^Add an event at Main Stage, \d\d:\d\d$/);
    expect(await slotCursor.evaluate((element) => element.ownerDocument.defaultView?.getComputedStyle(element).opacity)).toBe("1");
    await page.keyboard.press("ArrowLeft"); // already in the first column: stays
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight"); // already in the last column: stays
    await page.keyboard.press("Home");
    await page.keyboard.press("PageDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowUp");
    const firstHour = await programme.locator(".time-label").first().innerText();
    const [hour, minute] = firstHour.split(":").map(Number);
    const expected = `${String(hour + 1).padStart(2, "0")}:${String(minute + 15).padStart(2, "0")}`;
    expect(await slotCursor.getAttribute("aria-label")).toBe(`Add an event at Tent, ${expected}`);
    await fs.mkdir(artifactsDir, { recursive: true });
    await page.screenshot({ path: path.join(artifactsDir, "programme-slot-cursor.png") });
    await page.keyboard.press("Enter");
    await form.getByRole("heading", { name: "Add an event" }).waitFor();
    expect(await form.getByLabel("Venue").inputValue()).not.toBe(venue);
    expect(await form.getByLabel("Venue").locator("option:checked").innerText()).toBe("Tent");
    expect(await form.locator("#startTime").inputValue()).toBe(expected);
    // and a click on the other venue's column (the Tent holds Night set all evening: an event, not a slot) opens it
    await page.goto(festivalUrl(server.url, festival, "programme"));
    await programme.locator("a.event", { hasText: "Night set" }).click();
    await form.getByRole("heading", { name: "Edit “Night set”" }).waitFor();

    // 4. cancelling asks in the page (no window.confirm), then can be undone
    await form.getByRole("button", { name: "Mark the event cancelled…" }).click();
    const confirm = form.locator("[data-confirm=cancel]");
    await confirm.getByText("It stays in the programme").waitFor();
    expect(await focusedText(page)).toBe("Yes, cancel the event");
    await confirm.getByRole("button", { name: "No, keep it" }).click();
    expect(await confirm.count()).toBe(0);
    await form.getByRole("button", { name: "Mark the event cancelled…" }).click();
    await form.getByRole("button", { name: "Yes, cancel the event" }).click();
    await form.locator("[data-saved]").getByText("“Night set” is cancelled").waitFor();
    expect(await form.getByLabel("Status").inputValue()).toBe("cancelled");
    await form.locator("[data-saved]").getByRole("button", { name: "Undo" }).click();
    await form.locator("[data-saved]").getByText("the event is confirmed again").waitFor();
    expect(await form.getByLabel("Status").inputValue()).toBe("confirmed");

    // 5. deleting asks, leaves the programme, and Undo in the programme's note brings it back
    await form.getByRole("button", { name: "Delete the event…" }).click();
    await form.getByRole("button", { name: "Yes, delete the event" }).click();
    await programme.locator("[data-saved-note]").getByText("Deleted “Night set”.").waitFor();
    await expect.poll(() => programmeTitles(page)).toEqual(["Opening"]);
    const nodeId = async () => Object.entries((await cliJson<Shown>(dataDir, ["festival", "show", festival])).events).find(([, event]) => event.title === "Night set");
    await eventually("the deletion on the node", async () => ((await nodeId())?.[1].removed === true ? true : undefined), 20_000, 500);
    await programme.locator("[data-saved-note]").getByRole("button", { name: "Undo" }).click();
    await programme.locator("[data-saved-note]").getByText("Restored “Night set”.").waitFor();
    await expect.poll(async () => (await programmeTitles(page)).sort()).toEqual(["Night set", "Opening"]);

    // deleted again, and restored from the list of deleted events below the programme
    await programme.locator("a.event", { hasText: "Night set" }).click();
    await form.getByRole("button", { name: "Delete the event…" }).click();
    await form.getByRole("button", { name: "Yes, delete the event" }).click();
    const deletedEvents = page.locator("pf-deleted-events");
    await deletedEvents.getByText("Deleted events (1)").click();
    await deletedEvents.getByRole("button", { name: "Restore “Night set”" }).click();
    await expect.poll(async () => (await programmeTitles(page)).sort()).toEqual(["Night set", "Opening"]);

    // 6. a person who hosts an event: the question names it; deleted, listed among the deleted people, restored
    const graceId = Object.entries((await cliJson<Shown>(dataDir, ["festival", "show", festival])).people).find(([, p]) => p.name === "Grace Hopper")?.[0];
    await page.goto(festivalUrl(server.url, festival, `person/${graceId}`));
    const personForm = page.locator("pf-person-form");
    await personForm.getByLabel("Name").fill("");
    await personForm.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(() => personForm.locator("#name").getAttribute("aria-invalid")).toBe("true");
    await personForm.getByLabel("Name").fill("Grace Hopper");
    await personForm.getByRole("button", { name: "Delete this person…" }).click();
    await personForm.getByText("They host 1 event(s) (Night set)").waitFor();
    await personForm.getByRole("button", { name: "Yes, delete Grace Hopper" }).click();
    await personForm.getByText("No longer a host of “Night set”.").waitFor();
    await page.goto(festivalUrl(server.url, festival, "people"));
    const people = page.locator("pf-people");
    await people.getByRole("button", { name: "Restore Grace Hopper" }).click();
    await people.getByText("Restored Grace Hopper.").waitFor();
    expect(await people.locator("[data-deleted-people]").count()).toBe(0);

    expect(seen.dialogs, "no window.confirm or alert").toEqual([]);
    expect(seen.errors).toEqual([]);
  });

  it("sends a visitor's deletion to the members as a proposal, like any other edit", async () => {
    if (!server || !browser) throw new Error("the first test starts the node and the browser");
    // an organised festival of the node's identity, in which this browser has no role
    const organised = await cliJson<{ id: string }>(server.dataDir, ["festival", "create", "Organised Fest", "--time-zone", "Europe/Berlin", "--start", "2027-07-01", "--end", "2027-07-02"]);
    await cliJson(server.dataDir, ["venue", "add", organised.id, "--name", "Hall"]);
    const talk = await cliJson<{ id: string }>(server.dataDir, ["event", "add", organised.id, "--title", "Talk", "--venue", "Hall", "--start", "2027-07-01T10:00", "--end", "2027-07-01T11:00"]);
    const page = await openApp(await browser.newContext(), server.url, "Visitor");
    await page.goto(festivalUrl(server.url, organised.id, `event/${talk.id}`));
    const form = page.locator("pf-event-form");
    await form.getByRole("button", { name: "Delete the event…" }).click();
    await form.getByRole("button", { name: "Yes, delete the event" }).click();
    await page.locator("pf-programme [data-saved-note]").getByText("is sent to the members as a proposal").waitFor();
    expect(await programmeTitles(page)).toEqual(["Talk"]);
    const proposals = await eventually(
      "the proposal on the node",
      async () => {
        const listed = await cliJson<Array<{ description?: string; summary?: string }>>(server!.dataDir, ["proposals", organised.id]);
        return listed.length > 0 ? listed : undefined;
      },
      20_000,
      500,
    );
    expect(JSON.stringify(proposals)).toMatch(/deletes event \W*Talk/);
    const shown = await cliJson<Shown>(server.dataDir, ["festival", "show", organised.id]);
    expect(shown.events[talk.id].removed, "what members see keeps the event").toBeUndefined();
  });
});
