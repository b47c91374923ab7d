// Plurality in the browser: concurrent values merged from two people shown with their authors and resolved by
// a click, dangling references after a venue is removed, history with verified authors (a forged signature never
// counting, checked by Web Crypto while the screen shows what is checked so far), and forking.
import path from "node:path";
import * as A from "@automerge/automerge";
import type { DocumentId } from "@automerge/automerge-repo";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair, toHex } from "../../engine/core/keys.js";
import { addVenue } from "../../engine/core/operations.js";
import { editorForDoc } from "../../engine/core/editor.js";
import { signAttestation } from "../../engine/core/provenance.js";
import type { Festival } from "../../engine/core/schema.js";
import { FestivalStore } from "../../engine/node/store.js";
import { generateFestival } from "../fixtures/generate-festival.js";
import { cliJson, festivalFixture, tempDir } from "../helpers/cli.js";
import { browserTestsRun, festivalUrl, launchBrowser, openApp, programmeTitles, startServe, watchPage, type ServeProcess } from "./harness.js";

/**
 * Adds to `dataDir` a small generated festival (made before roles, so the app checks its signatures only in the
 * background) where another writer then added "Forged Stage" and named its own key "Mallory", signing with an
 * attestation that claims the first author's key (its signature is the other key's). Returns its id and that author.
 */
async function festivalWithForgedSignature(dataDir: string): Promise<{ id: string; author: string }> {
  const generated = generateFestival({
    size: "small",
    seed: 7,
    shape: { events: 3, venues: 2, people: 2, authors: 2, machines: 1, changes: 30, days: 1, syncs: 0 },
  });
  const id = generated.festivalId;
  const author = generated.authors[0];
  const pair = generateKeyPair();
  const mallory = { publicKey: toHex(pair.publicKey), secretKey: pair.secretKey };
  const actor = "77".repeat(16);
  const forger = editorForDoc(A.load<Festival>(generated.bytes, { actor }));
  addVenue(forger, { name: "Forged Stage" });
  forger.change((draft) => {
    draft.members[mallory.publicKey] = { name: new A.ImmutableString("Mallory") } as Festival["members"][string];
  }, "name");
  const last = A.decodeChange(A.getLastLocalChange(forger.doc)!);
  const forged = signAttestation(id, actor, last.seq, last.hash, mallory).replace(mallory.publicKey, author.publicKey);
  forger.change((draft) => {
    draft.authors[actor] = new A.ImmutableString(forged);
  }, "pandafest: attestation");
  const store = await FestivalStore.open(dataDir);
  try {
    store.repo.import(A.save(forger.doc), { docId: id as DocumentId });
    await store.repo.flush();
    await store.index.put({ id, name: generated.name, visibility: "public" });
  } finally {
    await store.close();
  }
  return { id, author: author.name };
}

interface CheckReport {
  conflicts: Array<{ field: string }>;
  dangling: Array<{ kind: string; eventId: string }>;
}

describe.skipIf(!browserTestsRun("plurality.test.ts"))("conflicts, history and forks in the browser", { timeout: 60_000 }, () => {
  let server: ServeProcess;
  let browser: Browser;
  let page: Page;
  let seen: ReturnType<typeof watchPage>;
  let ada: string;
  let festival: string;
  let venue: string;
  let forgedFestival: { id: string; author: string };

  beforeAll(async () => {
    // Ada and Bob rename the same venue apart; Bob's bundle brings his value to Ada's copy.
    ({ dataDir: ada, festival, venue } = await festivalFixture("Plural Fest", { open: true }));
    await cliJson(ada, ["event", "add", festival, "--title", "Welcome", "--venue", venue, "--start", "2027-07-01T18:00:00+02:00", "--end", "2027-07-01T19:00:00+02:00"]);
    const bob = await tempDir("pandafest-ui-bob-");
    await cliJson(bob, ["init", "--name", "Bob"]);
    const work = await tempDir("pandafest-ui-plural-");
    const full = path.join(work, "full.pfb");
    await cliJson(ada, ["bundle", "export", festival, "--output", full]);
    await cliJson(bob, ["bundle", "import", full]);
    await cliJson(ada, ["venue", "edit", festival, venue, "--name", "Big Stage"]);
    await cliJson(bob, ["venue", "edit", festival, venue, "--name", "Huge Stage"]);
    const fromBob = path.join(work, "bob.pfb");
    await cliJson(bob, ["bundle", "export", festival, "--output", fromBob]);
    await cliJson(ada, ["bundle", "import", fromBob]);
    const report = await cliJson<CheckReport>(ada, ["check", festival]);
    expect(report.conflicts.map((conflict) => conflict.field)).toEqual([`venues.${venue}.name`]);
    forgedFestival = await festivalWithForgedSignature(ada);

    server = await startServe(ada);
    browser = await launchBrowser();
    page = await openApp(await browser.newContext(), server.url, "Kim");
    seen = watchPage(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows concurrent values with their authors and keeps the one picked", async () => {
    await page.goto(festivalUrl(server.url, festival, "conflicts"));
    const conflicts = page.locator("pf-conflicts");
    const values = conflicts.locator("ol > li");
    await values.first().waitFor({ timeout: 15_000 });
    const shown = (await values.allTextContents()).map((text) => text.replace(/\s+/g, " ").trim());
    expect(shown.some((text) => text.startsWith("Big Stage by Ada"))).toBe(true);
    expect(shown.some((text) => text.startsWith("Huge Stage by Bob"))).toBe(true);
    await values.filter({ hasText: "Huge Stage" }).getByRole("button", { name: "Keep this value" }).click();
    await conflicts.getByText("No field holds concurrent values.").waitFor();
    await conflicts.getByRole("status").filter({ hasText: "is now Huge Stage" }).waitFor();
  });

  it("reports an event at a removed venue as dangling and keeps it in the programme", async () => {
    await page.goto(festivalUrl(server.url, festival, `venue/${venue}`));
    await page.locator("pf-venue-form").getByRole("button", { name: "Remove venue" }).click();
    await page.locator("pf-venue-form").getByText("This venue is removed.").waitFor();
    await page.goto(festivalUrl(server.url, festival, "conflicts"));
    await page.locator("pf-conflicts").getByText(/is at a removed venue/).waitFor();
    await page.goto(festivalUrl(server.url, festival));
    expect(await programmeTitles(page)).toEqual(["Welcome"]);
    await page.locator("pf-programme").getByText("Huge Stage (removed)").first().waitFor();
  });

  it("shows the history with verified authors, the browser's own edits included", async () => {
    await page.goto(festivalUrl(server.url, festival, "history"));
    const history = page.locator("pf-history");
    await history.locator("tbody tr").first().waitFor();
    await page.waitForTimeout(1000); // the browser's attestation is written shortly after its last edit
    await page.reload();
    await history.locator("tbody tr").first().waitFor();
    await history.locator("[data-checking-signatures]").waitFor({ state: "detached" });
    const authors = (await history.locator("tbody tr td:nth-child(2)").allTextContents()).map((text) => text.replace(/\s+/g, " ").trim());
    expect(authors.filter((author) => author.startsWith("unverified"))).toEqual([]);
    const names = new Set(authors.map((author) => author.split(" ")[0]));
    expect(names).toEqual(new Set(["Ada", "Bob", "Kim"]));
    expect(await history.locator("tbody tr").filter({ hasText: "removed venue “Huge Stage”" }).locator("td:nth-child(2)").first().textContent()).toMatch(/Kim/);
  });

  it("shows authors once Web Crypto has checked their signatures, and a forged signature as unverified", async () => {
    const checking = await page.context().newPage();
    // counts the page's ed25519 checks through Web Crypto (the app's, and its one test of Web Crypto on start)
    await checking.addInitScript(`(() => {
      window.__ed25519Checks = 0;
      const verify = crypto.subtle.verify.bind(crypto.subtle);
      crypto.subtle.verify = (algorithm, ...rest) => {
        if ((algorithm?.name ?? algorithm) === "Ed25519") window.__ed25519Checks += 1;
        return verify(algorithm, ...rest);
      };
    })()`);
    const errors = watchPage(checking).errors;
    await checking.goto(festivalUrl(server.url, forgedFestival.id, "history"));
    const history = checking.locator("pf-history");
    await history.locator("tbody tr").filter({ hasText: "Forged Stage" }).first().waitFor({ timeout: 15_000 });
    await history.locator("[data-checking-signatures]").waitFor({ state: "detached" });
    const rows = await history.locator("tbody tr").evaluateAll((trs) =>
      trs.map((tr) => ({ author: (tr.children[1]?.textContent ?? "").replace(/\s+/g, " ").trim(), change: (tr.children[2]?.textContent ?? "").replace(/\s+/g, " ").trim() })),
    );
    const forged = rows.filter((row) => row.change.includes("Forged Stage") || row.change.includes("Mallory"));
    expect(forged.length).toBeGreaterThan(0);
    for (const row of forged) expect(row.author).toMatch(/^unverified The signature on this change is not valid/);
    // every other change verifies, and nobody is shown as Mallory
    expect(rows.filter((row) => row.author.startsWith(forgedFestival.author)).length).toBeGreaterThan(0);
    expect(rows.filter((row) => /Mallory|checking|^unverified/.test(row.author) && !forged.includes(row))).toEqual([]);

    await checking.locator("pf-festival nav").getByRole("link", { name: "People" }).click();
    const people = checking.locator("pf-people");
    await people.getByRole("heading", { name: "Members" }).waitFor();
    await people.locator("[data-checking-signatures]").waitFor({ state: "detached" });
    const members = (await people.locator("ul.card-list").last().locator("li strong").allTextContents()).map((text) => text.trim());
    expect(members).toContain(forgedFestival.author);
    expect(members).not.toContain("Mallory");
    // beyond the two of the app's start-up test of Web Crypto: the authors' signatures were checked through it
    expect(await checking.evaluate<number>("window.__ed25519Checks")).toBeGreaterThan(2);
    expect(errors).toEqual([]);
    await checking.close();
  });

  it("forks the festival keeping its events and opens the fork", async () => {
    await page.goto(festivalUrl(server.url, festival, `venue/${venue}`));
    await page.locator("pf-venue-form").getByRole("button", { name: "Restore venue" }).click();
    await page.locator("pf-venue-form").getByText("The venue is back.").waitFor();
    await page.goto(festivalUrl(server.url, festival, "settings"));
    await page.getByRole("button", { name: "Fork this festival…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name of the new festival").fill("Plural Fest 2028");
    await dialog.getByRole("checkbox", { name: /Events/ }).check();
    await dialog.getByRole("button", { name: "Fork and open" }).click();
    await page.getByRole("heading", { level: 1, name: "Plural Fest 2028" }).waitFor();
    await page.locator("pf-festival").getByText("forked from Plural Fest").waitFor();
    await page.locator("pf-programme").getByText("Welcome").first().waitFor();
    const forkId = /#\/f\/([^/]+)\//.exec(page.url())?.[1];
    expect(forkId).toBeDefined();
    expect(forkId).not.toBe(festival);
    expect(seen.errors).toEqual([]);
  });

  it("leaves the node's data directory with the pick and the restored venue", async () => {
    await page.close();
    await server.stop();
    const report = await cliJson<CheckReport>(ada, ["check", festival]);
    expect(report.conflicts).toEqual([]);
    expect(report.dangling).toEqual([]);
    const shown = await cliJson<{ venues: Record<string, { name: string; removed: boolean }> }>(ada, ["festival", "show", festival]);
    expect(shown.venues[venue]).toMatchObject({ name: "Huge Stage", removed: false });
  });
});
