// The longest main-thread task when a screen that names the festival's members (History, People, Members) is opened
// right after a reload, before the page's background signature checks have finished.
import type { Page } from "playwright-core";
import { longestTaskIn } from "./long-tasks.js";

/** A screen reached from the festival's navigation, and what shows once it has rendered its content. */
export interface NamingScreen {
  /** the navigation link's text */
  link: string;
  /** the screen's element (pf-history, ...) */
  element: string;
  /** a selector inside the screen that shows once it has rendered its content */
  shown: string;
}

export const NAMING_SCREENS: readonly NamingScreen[] = [
  { link: "History", element: "pf-history", shown: "tbody tr" },
  { link: "People", element: "pf-people", shown: "h3" },
  { link: "Members", element: "pf-members", shown: "[data-your-key]" },
];

/** How long a screen may take to show every name (its signatures all checked). */
const SETTLED_TIMEOUT_MS = 60_000;

/**
 * Reloads `page` at `programmeUrl`, waits for `ready` (the programme shown), opens `screen` at once and waits until it shows its content
 * with every name settled (no "checking signatures" state left); returns the longest task (ms) from the click until
 * then, and how long the screen took to settle.
 */
export async function openAfterReload(
  page: Page,
  programmeUrl: string,
  screen: NamingScreen,
  ready: () => Promise<unknown>,
): Promise<{ longestTask: number; settledMs: number }> {
  await page.goto(programmeUrl); // from another screen of the app: the same document, so the reload below is the load
  await page.reload();
  await ready();
  const clicked = await page.evaluate<number>("performance.now()");
  await page.locator("pf-festival nav").getByRole("link", { name: new RegExp(`^${screen.link}\\b`) }).click();
  await page.locator(`${screen.element} ${screen.shown}`).first().waitFor({ timeout: SETTLED_TIMEOUT_MS });
  await page.locator(`${screen.element} [data-checking-signatures]`).first().waitFor({ state: "detached", timeout: SETTLED_TIMEOUT_MS });
  const settled = await page.evaluate<number>("performance.now()");
  return { longestTask: await longestTaskIn(page, clicked, settled), settledMs: settled - clicked };
}
