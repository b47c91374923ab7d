// The event form edits every field the engine keeps for an event: subtitle, type, abstract and links (rows of a title
// and an address, checked by the engine's rule, every message at once beside its row), and writes only what changed.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliJson, festivalFixture } from "../helpers/cli.js";
import { browserTestsRun, eventually, festivalUrl, launchBrowser, openApp, startServe, watchPage, type ServeProcess } from "./harness.js";

interface ShownEvent {
  id: string;
  title: string;
  type: string;
  subtitle: string;
  abstract: string;
  description: string;
  links: Array<{ title: string; url: string }>;
}

describe.skipIf(!browserTestsRun("event-form-fields.test.ts"))("the event form's subtitle, type, abstract and links", { timeout: 120_000 }, () => {
  let server: ServeProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dataDir: string;
  let festival: string;
  let venue: string;

  beforeAll(async () => {
    ({ dataDir, festival, venue } = await festivalFixture("Fields Fest", { open: true }));
    server = await startServe(dataDir);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await openApp(context, server.url, "Ada in the browser");
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The event titled `title` as `pandafest festival show --json` gives it, if there is one. */
  const shownEvent = async (title: string): Promise<ShownEvent | undefined> => {
    const shown = await cliJson<{ events: Record<string, ShownEvent> }>(dataDir, ["festival", "show", festival]);
    return Object.values(shown.events).find((event) => event.title === title);
  };

  it("saves subtitle, type, abstract and two links, refusing bad addresses beside their rows, and attendees see them", async () => {
    const seen = watchPage(page);
    await page.goto(festivalUrl(server.url, festival, "event/new"));
    const form = page.locator("pf-event-form");
    await form.getByLabel("Title", { exact: true }).fill("Rust for festivals");
    await form.getByLabel("Tagline", { exact: true }).fill("Ownership, gently");
    await form.getByLabel("Starts on").fill("2027-07-01");
    await form.getByLabel("Start time").fill("14:00");
    await form.getByLabel("End time").fill("15:00");
    await form.getByLabel("Type", { exact: true }).fill("workshop");
    await form.getByLabel("Abstract", { exact: true }).fill("Bring a laptop.");
    await form.getByLabel("Description", { exact: true }).fill("Two hours of exercises.");
    await form.getByRole("button", { name: "Add a link" }).click();
    await form.getByLabel("Link 1 text").fill("Slides");
    await form.getByLabel("Link 1 address").fill("javascript:alert(1)");
    await form.getByRole("button", { name: "Add a link" }).click();
    await form.getByLabel("Link 2 text").fill(" ");
    await form.getByLabel("Link 2 address").fill("ftp://example.org/code");
    // a third row, removed again, writes nothing
    await form.getByRole("button", { name: "Add a link" }).click();
    await form.getByLabel("Link 3 address").fill("https://example.org/removed");
    await form.getByRole("button", { name: "Remove link 3" }).click();
    expect(await form.getByLabel("Link 3 address").count()).toBe(0);
    await form.getByRole("button", { name: "Add event" }).click();

    // both bad addresses at once, each beside its own field, focus on the first
    const firstUrl = form.getByLabel("Link 1 address");
    await expect.poll(() => firstUrl.getAttribute("aria-invalid")).toBe("true");
    expect(await form.getByLabel("Link 2 address").getAttribute("aria-invalid")).toBe("true");
    expect(await form.getByLabel("Link 1 text").getAttribute("aria-invalid")).toBe("false");
    const describedBy = (await firstUrl.getAttribute("aria-describedby")) ?? "";
    const message = await form.locator(`[id="${describedBy.split(" ").find((id) => id.endsWith("-error"))}"]`).textContent();
    expect(message).toMatch(/^Enter an http:\/\/ or https:\/\/ address/);
    expect(await page.evaluate<string>(`document.querySelector("pf-app").shadowRoot.querySelector("pf-festival").shadowRoot.querySelector("pf-event-form").shadowRoot.activeElement?.id ?? ""`)).toMatch(/^link-\d+-url$/);
    expect(await shownEvent("Rust for festivals"), "nothing stored while the form has problems").toBeUndefined();

    await firstUrl.fill("https://example.org/slides.pdf");
    await form.getByLabel("Link 2 address").fill("https://example.org/code");
    await form.getByRole("button", { name: "Add event" }).click();
    const stored = await eventually("the event in `festival show --json`", () => shownEvent("Rust for festivals"));
    expect(stored).toMatchObject({
      subtitle: "Ownership, gently",
      type: "workshop",
      abstract: "Bring a laptop.",
      description: "Two hours of exercises.",
      // an empty title is the address, as with the CLI's --link
      links: [
        { title: "Slides", url: "https://example.org/slides.pdf" },
        { title: "https://example.org/code", url: "https://example.org/code" },
      ],
    });

    // the form shows them again
    await page.goto(festivalUrl(server.url, festival, `event/${stored?.id}`));
    await expect.poll(() => form.getByLabel("Link 2 address").inputValue()).toBe("https://example.org/code");
    expect(await form.getByLabel("Type", { exact: true }).inputValue()).toBe("workshop");

    // an attendee's details of the event
    const attendee = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const view = (await attendee.newPage()).locator("pf-attend");
    await view.page().goto(`${server.url}/attend.html#/f/${festival}`);
    // on a phone the day is a list: the event's title opens its details
    await view.locator("#day-panel .title-text", { hasText: "Rust for festivals" }).click();
    const details = view.locator("dialog");
    await details.getByRole("heading", { name: "Rust for festivals" }).waitFor();
    const text = await details.innerText();
    for (const words of ["Ownership, gently", "workshop", "Bring a laptop.", "Two hours of exercises."]) expect(text).toContain(words);
    expect(await details.getByRole("link", { name: "Slides" }).getAttribute("href")).toBe("https://example.org/slides.pdf");
    expect(await details.getByRole("link", { name: "https://example.org/code" }).getAttribute("href")).toBe("https://example.org/code");
    await attendee.close();
    expect(seen.errors).toEqual([]);
  });

  it("saves a new title alone without writing the links, so links changed meanwhile stay as they are", async () => {
    const added = await cliJson<{ id: string }>(dataDir, [
      "event", "add", festival, "--title", "Talk", "--venue", venue, "--start", "2027-07-02T18:00", "--end", "2027-07-02T19:00",
      "--link", "Slides=https://example.org/old.pdf", "--subtitle", "Old subtitle",
    ]);
    await page.goto(festivalUrl(server.url, festival, `event/${added.id}`));
    const form = page.locator("pf-event-form");
    await expect.poll(() => form.getByLabel("Link 1 address").inputValue()).toBe("https://example.org/old.pdf");
    // while the form is open, someone else changes the links and the subtitle
    await cliJson(dataDir, ["event", "edit", festival, added.id, "--link", "Slides=https://example.org/new.pdf", "--link", "Video=https://example.org/video", "--subtitle", "New subtitle"]);
    await form.getByText("This event was changed while you were editing it").waitFor({ timeout: 15_000 });
    await form.getByLabel("Title", { exact: true }).fill("Keynote");
    await form.getByRole("button", { name: "Save changes" }).click();
    const stored = await eventually("the new title in `festival show --json`", () => shownEvent("Keynote"));
    expect(stored?.links).toEqual([
      { title: "Slides", url: "https://example.org/new.pdf" },
      { title: "Video", url: "https://example.org/video" },
    ]);
    expect(stored?.subtitle).toBe("New subtitle");
  });
});
