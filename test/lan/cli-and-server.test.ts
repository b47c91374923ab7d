// The CLI and a running server on the same data directory: CLI runs (two at a time) and a websocket client of
// the server edit the same festival at once; no edit is lost, both sides see all of them, and so does the disk.
import * as A from "@automerge/automerge";
import { Repo, type DocHandle, type DocumentId } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import { afterAll, describe, expect, it } from "vitest";
import type { Festival } from "../../engine/core/schema.js";
import { cliJson, festivalFixture } from "../helpers/cli.js";
import { killAllServers, serverHasHeads, startServe, waitFor } from "./lan-helpers.js";
import { pace } from "../helpers/pace.js";

afterAll(() => killAllServers());

interface Shown {
  heads: string[];
  venues: Record<string, { name: string }>;
}

const names = (venues: Record<string, { name: unknown }>) => Object.values(venues).map((v) => String(v.name)).sort();

describe("CLI and server on one data directory", () => {
  it("loses no edit when both write at once", async () => {
    const fixture = await festivalFixture("Shared Fest", { open: true });
    const server = await startServe(fixture.dataDir);

    const client = new Repo({ network: [new WebSocketClientAdapter(server.sync)], sharePolicy: async () => true });
    const handle = (await client.find(fixture.festival as DocumentId)) as DocHandle<Festival>;
    const clientNames = Array.from({ length: 24 }, (_, i) => `Client Venue ${String(i).padStart(2, "0")}`);
    const clientEditing = (async () => {
      for (const [i, name] of clientNames.entries()) {
        handle.change((doc) => {
          doc.venues[`v_client_${i}`] = {
            name: new A.ImmutableString(name),
            description: new A.ImmutableString(""),
            address: new A.ImmutableString(""),
            accessibility: new A.ImmutableString(""),
            tags: [],
          };
        });
        await pace(60);
      }
    })();

    // meanwhile, CLI runs two at a time on the same data directory
    const cliNames = ["CLI Alpha", "CLI Bravo", "CLI Charlie", "CLI Delta"];
    for (let i = 0; i < cliNames.length; i += 2) {
      await Promise.all(cliNames.slice(i, i + 2).map((name) => cliJson(fixture.dataDir, ["venue", "add", fixture.festival, "--name", name])));
    }
    await clientEditing;

    const everything = ["Main Stage", ...cliNames, ...clientNames].sort();
    // the client sees every CLI edit (they went through the server) ...
    await waitFor("the client to see the CLI's venues", () => names(handle.doc().venues).length === everything.length);
    expect(names(handle.doc().venues)).toEqual(everything);
    // ... the server holds every client edit, and a CLI run reading now sees all of them
    await waitFor("the server to hold the client's edits", () => serverHasHeads(server.url, fixture.festival, A.getHeads(handle.doc())));
    const shown = await cliJson<Shown>(fixture.dataDir, ["festival", "show", fixture.festival]);
    expect(names(shown.venues)).toEqual(everything);
    await client.shutdown();

    // and after the server stops, everything is on disk
    expect(await server.stop()).toBe(0);
    const onDisk = await cliJson<Shown>(fixture.dataDir, ["festival", "show", fixture.festival]);
    expect(names(onDisk.venues)).toEqual(everything);
  });
});
