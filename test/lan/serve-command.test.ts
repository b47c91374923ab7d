// `pandafest serve` and `pandafest peers` at the command line: clear refusals (a server already running on the
// data directory, a port in use, bad options), server.json while running, and `peers` without a server.
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "../helpers/cli.js";
import { getJson, killAllServers, startServe } from "./lan-helpers.js";

afterAll(() => killAllServers());

describe("pandafest serve", () => {
  it("refuses clearly what it cannot do, and leaves nothing running", async () => {
    const dataDir = await tempDir();
    const server = await startServe(dataDir);
    const info = JSON.parse(await fs.readFile(path.join(dataDir, "server.json"), "utf8")) as { url: string; port: number; pid: number };
    expect(info).toMatchObject({ url: server.url, port: server.port, pid: server.child.pid });
    expect(await getJson<{ node: string; peers: unknown[] }>(`${server.url}/api/status`)).toMatchObject({ node: "pandafest", peers: [] });

    const second = await runCli(dataDir, ["serve", "--port", "0"]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/a server is already running on .* at http:\/\/127\.0\.0\.1:\d+ \(pid \d+\); stop it first/);

    const portTaken = await runCli(await tempDir(), ["serve", "--port", String(server.port)]);
    expect(portTaken.code).toBe(1);
    expect(portTaken.stderr).toMatch(new RegExp(`port ${server.port} on 127\\.0\\.0\\.1 is in use; choose another with --port`));

    const badPort = await runCli(dataDir, ["serve", "--port", "70000"]);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/--port 70000: expected a whole number from 0 to 65535/);
    const badPeer = await runCli(dataDir, ["serve", "--port", "0", "--peer", "ftp://somewhere"]);
    expect(badPeer.code).toBe(2);
    expect(badPeer.stderr).toMatch(/--peer ftp:\/\/somewhere: only ws:\/\/ and wss:\/\/ URLs/);

    const peers = await runCli(dataDir, ["--json", "peers"]);
    expect(peers.code).toBe(0);
    expect(JSON.parse(peers.stdout)).toEqual({ server: server.url, peers: [] });

    expect(await server.stop("SIGINT")).toBe(0);
    await expect(fs.access(path.join(dataDir, "server.json"))).rejects.toThrow();
    const none = await runCli(dataDir, ["peers"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no server is running on .*; start one with `pandafest serve`/);
  });
});
