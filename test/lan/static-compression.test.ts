// The web app's files served compressed: Accept-Encoding negotiation, byte-exact br/gzip bodies, one compression per
// file version (cache hits, rebuilt files), HEAD, the uncompressed fallback, and revalidation by entity tag.
import fs from "node:fs/promises";
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CompressedFileCache,
  negotiateContentCoding,
  sharedCompressedFiles,
} from "../../apps/server/compressed-files.js";
import { createRequestHandler, RouteTable, sendText } from "../../apps/server/http.js";
import { startServer, type RunningServer } from "../../apps/server/server.js";
import { cliJson, festivalFixture, tempDir } from "../helpers/cli.js";
import { startServe } from "./lan-helpers.js";

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** node:http, which (unlike fetch) hands back the bytes exactly as sent. */
function get(base: string, urlPath: string, headers: Record<string, string> = {}, method = "GET"): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(urlPath, base), { method, headers, timeout: 10_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer for ${urlPath} within 10 s`)));
    req.on("error", reject);
    req.end();
  });
}

const automergeWasm = createRequire(import.meta.url).resolve("@automerge/automerge/automerge.wasm");

let webRoot: string;
let server: RunningServer;
let wasm: Buffer;
let appScript: string;
const extraServers: Server[] = [];

beforeAll(async () => {
  const outside = await tempDir("pandafest-compression-");
  webRoot = path.join(outside, "dist");
  await fs.mkdir(path.join(webRoot, "assets"), { recursive: true });
  wasm = await fs.readFile(automergeWasm);
  await fs.writeFile(path.join(webRoot, "assets", "automerge.wasm"), wasm);
  appScript = Array.from({ length: 400 }, (_, i) => `export const line${i} = "festival ${i}";`).join("\n");
  await fs.writeFile(path.join(webRoot, "assets", "app.js"), appScript);
  await fs.writeFile(path.join(webRoot, "assets", "tiny.css"), "body{margin:0}");
  await fs.writeFile(path.join(webRoot, "assets", "logo.png"), Buffer.alloc(4096, 7));
  await fs.writeFile(path.join(webRoot, "index.html"), `<!doctype html><title>app</title>${"<p>pandafest</p>".repeat(100)}`);
  server = await startServer({ dataDir: path.join(outside, "data"), port: 0, host: "127.0.0.1", staticRoot: webRoot });
});

afterAll(async () => {
  await server?.close();
  for (const extra of extraServers.splice(0)) await new Promise<void>((resolve) => extra.close(() => resolve()));
});

describe("negotiateContentCoding", () => {
  it("prefers brotli, then gzip, honours q values and q=0, and falls back to identity", () => {
    expect(negotiateContentCoding("gzip, deflate, br")).toBe("br");
    expect(negotiateContentCoding("gzip")).toBe("gzip");
    expect(negotiateContentCoding("br;q=0, gzip")).toBe("gzip");
    expect(negotiateContentCoding("br;q=0.5, gzip;q=0.9")).toBe("gzip");
    expect(negotiateContentCoding("br;q=0, gzip;q=0")).toBeUndefined();
    expect(negotiateContentCoding("identity, deflate")).toBeUndefined();
    expect(negotiateContentCoding("*")).toBe("br");
    expect(negotiateContentCoding("*;q=0.2, br;q=0")).toBe("gzip");
    expect(negotiateContentCoding("BR;Q=1")).toBe("br");
    expect(negotiateContentCoding("")).toBeUndefined();
    expect(negotiateContentCoding(undefined)).toBeUndefined();
  });
});

describe("the web app served compressed", () => {
  it("sends the wasm as br and as gzip, byte for byte the file once decompressed", async () => {
    const brotli = await get(server.localUrl, "/assets/automerge.wasm", { "accept-encoding": "gzip, br" });
    expect(brotli.status).toBe(200);
    expect(brotli.headers["content-encoding"]).toBe("br");
    expect(brotli.headers["content-type"]).toBe("application/wasm");
    expect(brotli.headers.vary).toBe("Accept-Encoding");
    expect(brotli.headers["cache-control"]).toBe("public, max-age=3600");
    expect(brotli.headers["x-content-type-options"]).toBe("nosniff");
    expect(Number(brotli.headers["content-length"])).toBe(brotli.body.byteLength);
    expect(brotli.body.byteLength).toBeLessThan(wasm.byteLength / 2);
    expect(zlib.brotliDecompressSync(brotli.body).equals(wasm)).toBe(true);

    const gzip = await get(server.localUrl, "/assets/automerge.wasm", { "accept-encoding": "gzip" });
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(Number(gzip.headers["content-length"])).toBe(gzip.body.byteLength);
    expect(zlib.gunzipSync(gzip.body).equals(wasm)).toBe(true);
  });

  it("sends the file itself without Accept-Encoding or when every coding has q=0", async () => {
    const variants: Record<string, string>[] = [{}, { "accept-encoding": "br;q=0, gzip;q=0" }, { "accept-encoding": "identity" }];
    for (const headers of variants) {
      const plain = await get(server.localUrl, "/assets/automerge.wasm", headers);
      expect(plain.status).toBe(200);
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.headers.vary).toBe("Accept-Encoding");
      expect(Number(plain.headers["content-length"])).toBe(wasm.byteLength);
      expect(plain.body.equals(wasm)).toBe(true);
    }
  });

  it("leaves small files and already compressed types alone", async () => {
    const tiny = await get(server.localUrl, "/assets/tiny.css", { "accept-encoding": "br, gzip" });
    expect(tiny.headers["content-encoding"]).toBeUndefined();
    expect(tiny.headers.vary).toBe("Accept-Encoding");
    expect(tiny.body.toString()).toBe("body{margin:0}");
    const image = await get(server.localUrl, "/assets/logo.png", { "accept-encoding": "br, gzip" });
    expect(image.headers["content-encoding"]).toBeUndefined();
    expect(image.headers.vary).toBeUndefined();
    expect(image.body.equals(Buffer.alloc(4096, 7))).toBe(true);
  });

  it("compresses the app routes' index.html too, with its no-cache header", async () => {
    const page = await get(server.localUrl, "/festivals/some-route", { "accept-encoding": "br" });
    expect(page.headers["content-encoding"]).toBe("br");
    expect(page.headers["cache-control"]).toBe("no-cache");
    expect(zlib.brotliDecompressSync(page.body).toString()).toContain("<title>app</title>");
  });

  it("answers a second request from the cache without compressing again", async () => {
    await get(server.localUrl, "/assets/app.js", { "accept-encoding": "br" });
    const before = sharedCompressedFiles.stats;
    const again = await get(server.localUrl, "/assets/app.js", { "accept-encoding": "br" });
    const after = sharedCompressedFiles.stats;
    expect(zlib.brotliDecompressSync(again.body).toString()).toBe(appScript);
    expect(after.compressions).toBe(before.compressions);
    expect(after.hits).toBe(before.hits + 1);
  });

  it("compresses a rebuilt file anew and serves its new content", async () => {
    const file = path.join(webRoot, "assets", "app.js");
    const first = await get(server.localUrl, "/assets/app.js", { "accept-encoding": "gzip" });
    expect(zlib.gunzipSync(first.body).toString()).toBe(appScript);
    const rebuilt = appScript.replaceAll("festival", "rebuilt festival");
    await fs.writeFile(file, rebuilt);
    const later = new Date(Date.now() + 5_000);
    await fs.utimes(file, later, later); // a new mtime even on coarse file-system clocks
    const compressionsBefore = sharedCompressedFiles.stats.compressions;
    for (const coding of ["gzip", "br"] as const) {
      const second = await get(server.localUrl, "/assets/app.js", { "accept-encoding": coding });
      expect(second.headers["content-encoding"]).toBe(coding);
      const text = coding === "br" ? zlib.brotliDecompressSync(second.body).toString() : zlib.gunzipSync(second.body).toString();
      expect(text).toBe(rebuilt);
    }
    expect(sharedCompressedFiles.stats.compressions).toBe(compressionsBefore + 2);
  });

  it("answers HEAD with the same headers as GET and no body", async () => {
    const variants: Record<string, string>[] = [{ "accept-encoding": "br" }, { "accept-encoding": "gzip" }, {}];
    for (const headers of variants) {
      const full = await get(server.localUrl, "/assets/automerge.wasm", headers);
      const head = await get(server.localUrl, "/assets/automerge.wasm", headers, "HEAD");
      expect(head.status).toBe(200);
      expect(head.body.byteLength).toBe(0);
      for (const name of ["content-type", "content-length", "content-encoding", "vary", "cache-control", "x-content-type-options"]) {
        expect(head.headers[name], name).toBe(full.headers[name]);
      }
    }
  });
});

describe("CompressedFileCache", () => {
  it("shares one compression between concurrent requests and returns the same Buffer afterwards", async () => {
    const cache = new CompressedFileCache();
    const file = path.join(webRoot, "index.html");
    const version = await fs.stat(file);
    const [a, b] = await Promise.all([cache.compressed(file, version, "gzip"), cache.compressed(file, version, "gzip")]);
    const c = await cache.compressed(file, version, "gzip");
    expect(a).toBeInstanceOf(Buffer);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(cache.stats).toMatchObject({ compressions: 1, hits: 2, entries: 1, bytes: a?.byteLength });
  });

  it("stays within its byte bound by dropping the least recently used entries", async () => {
    const files = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const file = path.join(webRoot, `bound-${i}.txt`);
        await fs.writeFile(file, Array.from({ length: 3000 }, (_, n) => `${i}:${n * 7919}`).join(","));
        return { file, version: await fs.stat(file) };
      }),
    );
    const sizes = await Promise.all(files.map(({ file, version }) => new CompressedFileCache().compressed(file, version, "br")));
    const room = (sizes[0]?.byteLength ?? 0) + (sizes[1]?.byteLength ?? 0) + (sizes[2]?.byteLength ?? 0) - 1;
    const cache = new CompressedFileCache({ maxBytes: room });
    await cache.compressed(files[0].file, files[0].version, "br");
    await cache.compressed(files[1].file, files[1].version, "br");
    await cache.compressed(files[0].file, files[0].version, "br"); // file 0 is now the most recent
    await cache.compressed(files[2].file, files[2].version, "br");
    expect(cache.stats.evictions).toBe(1);
    expect(cache.stats.bytes).toBeLessThanOrEqual(room);
    const compressionsBefore = cache.stats.compressions;
    await cache.compressed(files[0].file, files[0].version, "br");
    expect(cache.stats.compressions).toBe(compressionsBefore); // still held
    await cache.compressed(files[1].file, files[1].version, "br");
    expect(cache.stats.compressions).toBe(compressionsBefore + 1); // was evicted
  });

  it("serves the file uncompressed when compression fails", async () => {
    const failing = new CompressedFileCache({ compress: () => Promise.reject(new Error("out of memory")) });
    const handler = createRequestHandler({
      routes: new RouteTable(),
      staticRoot: webRoot,
      compressedFiles: failing,
      fallbackPage: ({ response }) => sendText(response, 200, "fallback"),
    });
    const plain = createServer(handler);
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
    extraServers.push(plain);
    const base = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    const response = await get(base, "/assets/automerge.wasm", { "accept-encoding": "br, gzip" });
    expect(response.status).toBe(200);
    expect(response.headers["content-encoding"]).toBeUndefined();
    expect(response.body.equals(wasm)).toBe(true);
    expect(failing.stats).toMatchObject({ failures: 1, entries: 0, bytes: 0 });
  });
});

describe("revalidating the web app's files", () => {
  it("answers a matching If-None-Match with 304 and no body, and a changed file with 200 and a new tag", async () => {
    const base = server.localUrl;
    const first = await get(base, "/assets/app.js", { "accept-encoding": "br" });
    expect(first.status).toBe(200);
    const tag = first.headers.etag;
    if (!tag) throw new Error("no entity tag");
    const plain = await get(base, "/assets/app.js");
    expect(plain.headers.etag).toBe(tag); // one file version, whatever the encoding

    for (const ifNoneMatch of [tag, `"other", ${tag}`, tag.replace(/^W\//, ""), "*"]) {
      const again = await get(base, "/assets/app.js", { "accept-encoding": "br", "if-none-match": ifNoneMatch });
      expect(again.status).toBe(304);
      expect(again.body.byteLength).toBe(0);
      expect(again.headers.etag).toBe(tag);
      expect(again.headers["cache-control"]).toBe("public, max-age=3600");
    }
    expect((await get(base, "/assets/app.js", { "if-none-match": '"something-else"' })).status).toBe(200);

    const file = path.join(webRoot, "assets", "app.js");
    await fs.writeFile(file, `${appScript}\nexport const added = true;`);
    const later = new Date(Date.now() + 5000);
    await fs.utimes(file, later, later);
    const changed = await get(base, "/assets/app.js", { "if-none-match": tag });
    expect(changed.status).toBe(200);
    expect(changed.body.toString()).toContain("export const added = true;");
    expect(changed.headers.etag).not.toBe(tag);
    await fs.writeFile(file, appScript);
  });
});

describe("the attendee view's programme.json", () => {
  it("is rendered once per version of the festival: the same tag and bytes until an edit, then the edit", async () => {
    const fixture = await festivalFixture("Tagged Fest");
    await cliJson(fixture.dataDir, ["event", "add", fixture.festival, "--title", "Opening", "--venue", fixture.venue, "--start", "2027-07-01T18:00", "--end", "2027-07-01T19:00", "--description", "Welcome to the festival. ".repeat(80)]);
    const node = await startServe(fixture.dataDir); // a real node, so the CLI's edit goes through it
    try {
      const file = `/festivals/${fixture.festival}/programme.json`;
      const first = await get(node.url, file, { "accept-encoding": "br" });
      expect(first.status).toBe(200);
      expect(first.headers["content-encoding"]).toBe("br");
      const tag = first.headers.etag ?? "";
      expect(tag).toMatch(/^W\/"/);
      const again = await get(node.url, file, { "accept-encoding": "br" });
      expect(again.headers.etag).toBe(tag);
      expect(again.body.equals(first.body)).toBe(true);
      const plain = await get(node.url, file);
      expect(plain.headers.etag).toBe(tag); // the same programme, whatever the encoding
      expect(zlib.brotliDecompressSync(first.body).equals(plain.body)).toBe(true);
      expect((await get(node.url, file, { "if-none-match": tag })).status).toBe(304);

      // an edit through the running node is a new version: rendered anew, never the kept one
      await cliJson(fixture.dataDir, ["event", "add", fixture.festival, "--title", "Late show", "--venue", fixture.venue, "--start", "2027-07-01T22:00", "--end", "2027-07-01T23:00"]);
      const changed = await get(node.url, file, { "if-none-match": tag, "accept-encoding": "br" });
      expect(changed.status).toBe(200);
      expect(changed.headers.etag).not.toBe(tag);
      expect(zlib.brotliDecompressSync(changed.body).toString()).toContain("Late show");
    } finally {
      await node.stop();
    }
  });
});
