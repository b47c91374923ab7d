// Opening a festival fails in distinct ways, each saying what is wrong and what to do: not stored here,
// followed but its data gone, stored but unreadable, stored by a newer pandafest.
import fs from "node:fs/promises";
import path from "node:path";
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { FestivalStore } from "../../engine/node/store.js";
import { cliJson, festivalFixture, runCli } from "../helpers/cli.js";

async function chunkDirectoryOf(dataDir: string, id: string): Promise<string> {
  return path.join(dataDir, "documents", id.slice(0, 2), id.slice(2));
}

describe("opening a festival that cannot be opened", () => {
  it("tells an unknown festival, a followed one whose data is gone, an unreadable one and a newer one apart", { timeout: 120_000 }, async () => {
    const { dataDir, festival } = await festivalFixture("Open Fest");
    const unknown = "4NMNnkX3JMcbJrgj2jXtU3QJ3zuz";
    const notHere = await runCli(dataDir, ["history", unknown]);
    expect(notHere.code).toBe(1);
    expect(notHere.stderr).toMatch(/unknown festival/);

    // stored, but its bytes are not an Automerge document (well-formed chunk files, so nothing is quarantined)
    const other = await cliJson<{ id: string }>(dataDir, ["festival", "create", "Garbled Fest", "--time-zone", "UTC", "--start", "2027-01-01", "--end", "2027-01-02"]);
    const otherDir = await chunkDirectoryOf(dataDir, other.id);
    await fs.rm(otherDir, { recursive: true });
    const store = await FestivalStore.open(dataDir);
    await store.storage.save([other.id, "snapshot", "0".repeat(64)], new TextEncoder().encode("not an automerge document at all"));
    await store.close();
    const garbled = await runCli(dataDir, ["history", other.id]);
    expect(garbled.code).toBe(1);
    expect(garbled.stderr).toMatch(new RegExp(`festival ${other.id} is stored in .* but could not be read`));
    expect(garbled.stderr).not.toMatch(/unknown festival/);

    // followed (listed in the index), but none of its data is left
    await fs.rm(await chunkDirectoryOf(dataDir, festival), { recursive: true });
    const gone = await runCli(dataDir, ["history", festival]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(new RegExp(`festival ${festival} is followed in .* but none of its data is stored there`));
    expect(gone.stderr).toContain(`pandafest festival forget ${festival}`);

    // written by a newer pandafest: a schema number backed by data this version does not know
    const newer = await cliJson<{ id: string }>(dataDir, ["festival", "create", "Future Fest", "--time-zone", "UTC", "--start", "2027-01-01", "--end", "2027-01-02"]);
    const writer = await FestivalStore.open(dataDir);
    const handle = await writer.resolve(newer.id);
    handle.change((doc) => {
      const raw = doc as unknown as Record<string, unknown>;
      raw.schema = 99;
      raw.futureData = { kept: new A.ImmutableString("yes") };
    });
    await writer.flush();
    await writer.close();
    const future = await runCli(dataDir, ["history", newer.id]);
    expect(future.code).toBe(1);
    expect(future.stderr).toMatch(/newer pandafest|upgrade pandafest/i);
    expect(future.stderr).not.toMatch(/unknown festival|could not be read/);
  });
});
