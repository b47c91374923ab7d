// The view cache behind `festival show` and `programme`: same output with and without it, never stale after an edit
// or chunks arriving from elsewhere, and a damaged, foreign or mismatching cache file ignored and replaced.
import fs from "node:fs/promises";
import path from "node:path";
import { generateAutomergeUrl, parseAutomergeUrl, type DocumentId } from "@automerge/automerge-repo";
import { describe, expect, it } from "vitest";
import { createIdentity } from "../../engine/node/identity.js";
import { addEvent, addVenue, editEvent } from "../../engine/core/operations.js";
import { FestivalStore } from "../../engine/node/store.js";
import { VIEW_CACHE_SUFFIX } from "../../engine/node/view-cache.js";
import { cliJson, runCli, tempDir } from "../helpers/cli.js";

interface Fixture {
  dataDir: string;
  id: DocumentId;
  eventIds: string[];
  cacheFile: string;
}

/** A data directory with one festival (a venue, a few events over two days), stored in-process. */
async function fixture(): Promise<Fixture> {
  const dataDir = await tempDir("pandafest-view-cache-");
  await createIdentity(dataDir, "Ada");
  const store = await FestivalStore.open(dataDir);
  try {
    const { id, handle } = await store.create({ name: "Lakeside", timeZone: "Europe/Berlin", startDate: "2027-07-01", endDate: "2027-07-02" });
    const editor = store.editor(handle, await store.requireIdentity());
    const venueId = addVenue(editor, { name: "Jetty", capacity: 120 });
    const eventIds = ["2027-07-01T20:00:00+02:00", "2027-07-02T01:30:00+02:00", "2027-07-02T15:00:00+02:00"].map((start, index) =>
      addEvent(editor, { title: `Set ${index}`, venueId, start, end: start.replace(/T(\d\d)/, (_, hour: string) => `T${String(Number(hour) + 1).padStart(2, "0")}`) }),
    );
    await store.commit();
    return { dataDir, id: id as DocumentId, eventIds, cacheFile: path.join(dataDir, "festivals", `${id}${VIEW_CACHE_SUFFIX}`) };
  } finally {
    await store.close();
  }
}

/** One fresh store (as one process would have) reading the festival's view. */
async function readView(dataDir: string, id: string) {
  const store = await FestivalStore.open(dataDir);
  try {
    return await store.readView(id);
  } finally {
    await store.close();
  }
}

async function editTitle(dataDir: string, id: string, eventId: string, title: string): Promise<void> {
  const store = await FestivalStore.open(dataDir);
  try {
    const { editor } = await store.editorFor(id);
    editEvent(editor, eventId, { title });
  } finally {
    await store.close();
  }
}

async function documentFiles(dataDir: string): Promise<Set<string>> {
  const files = await fs.readdir(path.join(dataDir, "documents"), { recursive: true, withFileTypes: true });
  return new Set(files.filter((entry) => entry.isFile()).map((entry) => path.relative(path.join(dataDir, "documents"), path.join(entry.parentPath, entry.name))));
}

describe("the view cache", () => {
  it("gives festival show and programme the same output as loading the festival", async () => {
    const { dataDir, id, cacheFile } = await fixture();
    const uncachedShow = await runCli(dataDir, ["--json", "festival", "show", id]);
    expect(uncachedShow.code).toBe(0);
    await fs.access(cacheFile); // written by that run
    const cachedShow = await runCli(dataDir, ["--json", "festival", "show", id]);
    expect(cachedShow.stdout).toBe(uncachedShow.stdout);
    const shown = JSON.parse(cachedShow.stdout) as { name: string; heads: string[]; events: Record<string, unknown> };
    expect(shown.name).toBe("Lakeside");
    expect(Object.keys(shown.events)).toHaveLength(3);

    const cachedProgramme = await runCli(dataDir, ["--json", "programme", id]);
    await fs.rm(cacheFile);
    const uncachedProgramme = await runCli(dataDir, ["--json", "programme", id]);
    expect(cachedProgramme.code).toBe(0);
    expect(cachedProgramme.stdout).toBe(uncachedProgramme.stdout);
    const days = JSON.parse(cachedProgramme.stdout) as { date: string }[];
    expect(days.map((day) => day.date)).toEqual(["2027-07-01", "2027-07-02"]); // the 01:30 set belongs to the 1st

    // the cache sits next to the index entry and is not taken for a festival
    const store = await FestivalStore.open(dataDir);
    try {
      expect((await store.list()).map((entry) => entry.id)).toEqual([id]);
    } finally {
      await store.close();
    }
  });

  it("is used only while the stored chunks are those it was computed from", async () => {
    const { dataDir, id, eventIds } = await fixture();
    const first = await readView(dataDir, id);
    expect(first.fromCache).toBe(false);
    const second = await readView(dataDir, id);
    expect(second.fromCache).toBe(true);
    expect(second.view).toEqual(first.view);
    expect(second.heads).toEqual(first.heads);

    await editTitle(dataDir, id, eventIds[0], "Sunset set");
    const afterEdit = await readView(dataDir, id);
    expect(afterEdit.fromCache).toBe(false);
    expect(afterEdit.view.events[eventIds[0]].title).toBe("Sunset set");
    expect(afterEdit.heads).not.toEqual(first.heads);
    expect((await readView(dataDir, id)).fromCache).toBe(true);
  });

  it("never shows stale data after `pandafest event edit` in another process", async () => {
    const { dataDir, id, eventIds } = await fixture();
    const before = await cliJson<{ events: Record<string, { title: string }> }>(dataDir, ["festival", "show", id]);
    expect(before.events[eventIds[1]].title).toBe("Set 1");
    await cliJson(dataDir, ["event", "edit", id, eventIds[1], "--title", "Midnight swim"]);
    const after = await cliJson<{ events: Record<string, { title: string }> }>(dataDir, ["festival", "show", id]);
    expect(after.events[eventIds[1]].title).toBe("Midnight swim");
  });

  it("is invalidated by chunk files arriving from elsewhere (a merge or a copied replica)", async () => {
    const { dataDir, id, eventIds } = await fixture();
    const replica = await tempDir("pandafest-view-cache-replica-");
    await fs.cp(dataDir, replica, { recursive: true });
    expect((await readView(dataDir, id)).fromCache).toBe(false);
    expect((await readView(dataDir, id)).fromCache).toBe(true);

    const known = await documentFiles(replica);
    await editTitle(replica, id, eventIds[2], "Afternoon nap");
    const arrived = [...(await documentFiles(replica))].filter((file) => !known.has(file));
    expect(arrived.length).toBeGreaterThan(0);
    for (const file of arrived) {
      await fs.mkdir(path.dirname(path.join(dataDir, "documents", file)), { recursive: true });
      await fs.copyFile(path.join(replica, "documents", file), path.join(dataDir, "documents", file));
    }
    const merged = await readView(dataDir, id);
    expect(merged.fromCache).toBe(false);
    expect(merged.view.events[eventIds[2]].title).toBe("Afternoon nap");
  });

  it("ignores and replaces a damaged, foreign or mismatching cache file", async () => {
    const { dataDir, id, cacheFile } = await fixture();
    const expected = await readView(dataDir, id);
    const good = await fs.readFile(cacheFile);
    const newline = good.indexOf(0x0a);
    const header = JSON.parse(good.subarray(0, newline).toString("utf8")) as Record<string, unknown>;
    const withHeader = (changes: Record<string, unknown>) =>
      Buffer.concat([Buffer.from(JSON.stringify({ ...header, ...changes })), good.subarray(newline)]);
    const flipped = Buffer.from(good);
    const titleAt = flipped.indexOf("Set 0", newline);
    flipped[titleAt + 4] = "7".charCodeAt(0); // still valid JSON, different text

    const damaged: Record<string, Buffer> = {
      empty: Buffer.alloc(0),
      garbage: Buffer.from("\u0000\u0001 not a cache \n{]"),
      "truncated in the header": good.subarray(0, newline - 10),
      "truncated in the view": good.subarray(0, newline + Math.floor((good.length - newline) / 2)),
      "a changed byte in the view": flipped,
      "another cache format": withHeader({ format: 99 }),
      "another schema version": withHeader({ schemaVersion: 1_000 }),
      "another festival": withHeader({ festivalId: parseAutomergeUrl(generateAutomergeUrl()).documentId }),
      "other chunks": withHeader({ chunkKeys: ["snapshot/" + "0".repeat(64)] }),
    };
    for (const [kind, bytes] of Object.entries(damaged)) {
      await fs.writeFile(cacheFile, bytes);
      const read = await readView(dataDir, id);
      expect(read.fromCache, kind).toBe(false);
      expect(read.view, kind).toEqual(expected.view);
      expect(read.heads, kind).toEqual(expected.heads);
      expect(await fs.readFile(cacheFile), kind).toEqual(good); // replaced by a good one
      expect((await readView(dataDir, id)).fromCache, kind).toBe(true);
    }

    // a cache that cannot even be written (a directory in its place) costs only the shortcut
    await fs.rm(cacheFile);
    await fs.mkdir(cacheFile);
    const unwritable = await readView(dataDir, id);
    expect(unwritable.fromCache).toBe(false);
    expect(unwritable.view).toEqual(expected.view);
    await fs.rm(cacheFile, { recursive: true });

    // end to end: the CLI shows the right festival over a truncated cache
    await fs.writeFile(cacheFile, good.subarray(0, good.length - 100));
    const shown = await cliJson<{ heads: string[]; name: string; events: Record<string, unknown> }>(dataDir, ["festival", "show", id]);
    expect(shown.heads).toEqual(expected.heads);
    expect(shown.events).toEqual(expected.view.events);
  });

  it("reads a festival this store has open from its handle, unsaved edits included, and caches nothing then", async () => {
    const { dataDir, id, eventIds, cacheFile } = await fixture();
    const store = await FestivalStore.open(dataDir);
    try {
      const { editor } = await store.editorFor(id);
      editEvent(editor, eventIds[0], { title: "Not yet flushed" });
      const read = await store.readView(id);
      expect(read.fromCache).toBe(false);
      expect(read.view.events[eventIds[0]].title).toBe("Not yet flushed");
      await expect(fs.access(cacheFile)).rejects.toThrow();
    } finally {
      await store.close();
    }
  });

  it("reports an unknown festival id clearly, cache or not", async () => {
    const { dataDir } = await fixture();
    const elsewhere = parseAutomergeUrl(generateAutomergeUrl()).documentId;
    const store = await FestivalStore.open(dataDir);
    try {
      await expect(store.readView(elsewhere)).rejects.toThrow(`unknown festival ${elsewhere}: it is not stored in ${dataDir}`);
    } finally {
      await store.close();
    }
  });
});
