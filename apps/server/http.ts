// The HTTP side of `pandafest serve`: a small route table (/api/..., exports added by other modules), the built
// web app from ui/dist (compressed when accepted, revalidated by entity tag, no source maps), bounded URLs and
// safe paths; with a WebOrigin, the Host and same-origin checks and the security headers on every response.
import fs from "node:fs";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import path from "node:path";
import { packageRoot } from "../../engine/node/package-info.js";
import { securityHeaders, type WebOrigin } from "./web-origin.js";
import { CompressedFileCache, isCompressibleType, MIN_COMPRESSIBLE_BYTES, negotiateContentCoding, sharedCompressedFiles } from "./compressed-files.js";

export const MAX_URL_LENGTH = 2048;
const MAX_PARAM_LENGTH = 256;

export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  /** the `:name` segments of the route pattern, decoded */
  params: Record<string, string>;
}

export type RouteHandler = (context: RouteContext) => void | Promise<void>;
export type RouteMethod = "GET" | "POST";

interface Route {
  method: RouteMethod;
  segments: string[];
  handler: RouteHandler;
}

/**
 * Routes by method and path pattern: "/api/status", "/festivals/:id/schedule.xml", "/festivals/:id/archive/*".
 * A final "*" matches the rest of the path (one or more segments, maybe empty) and gives it, still encoded, as
 * params["*"]. A GET route also answers HEAD. First match wins, in the order routes were added.
 */
export class RouteTable {
  private readonly routes: Route[] = [];

  add(method: RouteMethod, pattern: string, handler: RouteHandler): this {
    if (!pattern.startsWith("/")) throw new Error(`route pattern must start with "/": ${pattern}`);
    this.routes.push({ method, segments: pattern.split("/").slice(1), handler });
    return this;
  }

  get(pattern: string, handler: RouteHandler): this {
    return this.add("GET", pattern, handler);
  }

  match(method: string, pathname: string): { handler: RouteHandler; params: Record<string, string> } | { methodNotAllowed: true } | undefined {
    const parts = pathname.split("/").slice(1);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method || (route.method === "GET" && method === "HEAD")) return { handler: route.handler, params };
    }
    return pathMatched ? { methodNotAllowed: true } : undefined;
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  const rest = pattern[pattern.length - 1] === "*";
  if (rest ? parts.length < pattern.length : pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  if (rest) params["*"] = parts.slice(pattern.length - 1).join("/");
  for (let i = 0; i < pattern.length - (rest ? 1 : 0); i++) {
    const expected = pattern[i];
    const actual = parts[i];
    if (expected.startsWith(":")) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
      if (decoded.length === 0 || decoded.length > MAX_PARAM_LENGTH || decoded.includes("/")) return undefined;
      params[expected.slice(1)] = decoded;
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}

export function sendJson(response: ServerResponse, status: number, data: unknown): void {
  const body = JSON.stringify(data, null, 2) + "\n";
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  response.end(body);
}

/** The headers sendJson would send, for a HEAD request whose body nobody reads (no length: it is not computed). */
export function sendJsonHead(response: ServerResponse): void {
  response.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  response.end();
}

export function sendText(response: ServerResponse, status: number, text: string, contentType = "text/plain; charset=utf-8"): void {
  response.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
  response.end(text);
}

export function sendError(response: ServerResponse, status: number, message: string): void {
  sendJson(response, status, { error: message });
}

const CONTENT_TYPES = new Map<string, string>(Object.entries({
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
}));

/** The files of the web app a browser must ask the node for again each time (304 when unchanged). */
const ALWAYS_REVALIDATED = new Set(["index.html", "attend.html", "sw.js"]);

/** Source maps would publish the source tree; the build makes none, and any left in the folder are not served. */
const UNSERVED_EXTENSIONS = new Set([".map"]);

/**
 * Maps a URL path onto a file under `root`, or undefined when the path is malformed or would leave `root`
 * (.., encoded separators, NUL, symlinks pointing outside).
 */
export function resolveStaticPath(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0") || decoded.includes("\\") || !decoded.startsWith("/")) return undefined;
  const resolvedRoot = path.resolve(root);
  const candidate = path.resolve(resolvedRoot, "." + decoded);
  if (candidate !== resolvedRoot && !candidate.startsWith(resolvedRoot + path.sep)) return undefined;
  let real: string;
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(resolvedRoot);
    real = fs.realpathSync(candidate);
  } catch {
    return candidate; // does not exist (yet); the caller finds out
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return undefined;
  return real;
}

/**
 * Serves a file of the built web app; paths without an extension fall back to index.html (client-side routes).
 * Compressible files above MIN_COMPRESSIBLE_BYTES go out as br or gzip when Accept-Encoding allows it, from
 * `compressedFiles`; if compression fails the file goes out as it is.
 */
export async function serveStatic(
  root: string,
  pathname: string,
  request: IncomingMessage,
  response: ServerResponse,
  compressedFiles: CompressedFileCache = sharedCompressedFiles,
): Promise<void> {
  const resolved = resolveStaticPath(root, pathname);
  if (!resolved) return sendText(response, 400, "bad path\n");
  if (UNSERVED_EXTENSIONS.has(path.extname(resolved).toLowerCase())) return sendText(response, 404, "not found\n");
  let file = resolved;
  let stats = statOrUndefined(file);
  if (stats?.isDirectory()) {
    file = path.join(file, "index.html");
    stats = statOrUndefined(file);
  }
  if (!stats && path.extname(pathname) === "") {
    file = path.join(root, "index.html");
    stats = statOrUndefined(file);
  }
  if (!stats || !stats.isFile()) return sendText(response, 404, "not found\n");
  const headers: OutgoingHttpHeaders = {
    "content-type": CONTENT_TYPES.get(path.extname(file).toLowerCase()) ?? "application/octet-stream",
    // the page and the service worker name the build; the files they name carry a content hash in their names
    "cache-control": ALWAYS_REVALIDATED.has(path.basename(file)) ? "no-cache" : "public, max-age=3600",
    "x-content-type-options": "nosniff",
  };
  const compressible = isCompressibleType(file);
  if (compressible) headers.vary = "Accept-Encoding";
  // weak: the br, gzip and plain bodies of one file version are the same content
  headers.etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
  if (matchesEntityTag(request.headers["if-none-match"], headers.etag)) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  const coding = compressible && stats.size >= MIN_COMPRESSIBLE_BYTES ? negotiateContentCoding(request.headers["accept-encoding"]) : undefined;
  const compressed = coding ? await compressedFiles.compressed(file, stats, coding) : undefined;
  if (response.destroyed) return;
  if (coding && compressed) {
    response.writeHead(200, { ...headers, "content-encoding": coding, "content-length": compressed.byteLength });
    response.end(request.method === "HEAD" ? undefined : compressed);
    return;
  }
  response.writeHead(200, { ...headers, "content-length": stats.size });
  if (request.method === "HEAD") {
    response.end();
    return;
  }
  const stream = fs.createReadStream(file);
  stream.on("error", () => response.destroy());
  stream.pipe(response);
}

/** Whether an If-None-Match header names this entity tag (compared weakly, as RFC 9110 asks for it) or is "*". */
export function matchesEntityTag(ifNoneMatch: string | undefined, tag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (value: string) => value.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((candidate) => candidate.trim() === "*" || opaque(candidate) === opaque(tag));
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

/** ui/dist when the web app has been built, else undefined. */
export function webAppRoot(): string | undefined {
  const root = path.join(packageRoot(), "ui", "dist");
  return fs.existsSync(path.join(root, "index.html")) ? root : undefined;
}

export interface HttpHandlerOptions {
  routes: RouteTable;
  /** the built web app, if any */
  staticRoot?: string;
  /** compressed copies of the web app's files; default the process-wide sharedCompressedFiles */
  compressedFiles?: CompressedFileCache;
  /** Host allowlist and same-origin rule; without it every Host and origin is answered (tests of routing alone) */
  webOrigin?: WebOrigin;
  /** what `/` shows when there is no web app */
  fallbackPage: (context: RouteContext) => void;
  onError?: (error: unknown) => void;
}

/** Paths only this node's own pages may use from a browser (other requests: any method but GET and HEAD). */
function needsSameOrigin(method: string, pathname: string): boolean {
  return pathname.startsWith("/api/") || (method !== "GET" && method !== "HEAD");
}

/** The request listener: security headers, Host and origin checks, bounded URL, routes, then the web app or the fallback page. */
export function createRequestHandler(options: HttpHandlerOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const { webOrigin } = options;
  return (request, response) => {
    const hostRefusal = webOrigin?.hostRefusal(request);
    for (const [name, value] of Object.entries(securityHeaders(webOrigin && !hostRefusal ? request.headers.host : undefined))) {
      if (value !== undefined) response.setHeader(name, value);
    }
    if (hostRefusal) return sendText(response, hostRefusal.status, hostRefusal.message);
    const rawUrl = request.url ?? "/";
    if (rawUrl.length > MAX_URL_LENGTH) return sendText(response, 414, "URL too long\n");
    let url: URL;
    try {
      url = new URL(rawUrl, "http://localhost");
    } catch {
      return sendText(response, 400, "bad URL\n");
    }
    const method = request.method ?? "GET";
    const originRefusal = webOrigin && needsSameOrigin(method, url.pathname) ? webOrigin.originRefusal(request) : undefined;
    if (originRefusal) return sendText(response, originRefusal.status, originRefusal.message);
    const matched = options.routes.match(method, url.pathname);
    if (matched && "methodNotAllowed" in matched) return sendText(response, 405, "method not allowed\n");
    const fail = (error: unknown) => {
      options.onError?.(error);
      if (!response.headersSent) sendError(response, 500, "internal error");
      else response.destroy();
    };
    if (matched) {
      try {
        const result = matched.handler({ request, response, url, params: matched.params });
        if (result) result.catch(fail);
      } catch (error) {
        fail(error);
      }
      return;
    }
    if (method !== "GET" && method !== "HEAD") return sendText(response, 405, "method not allowed\n");
    if (url.pathname.startsWith("/api/")) return sendError(response, 404, `no such endpoint: ${url.pathname}`);
    if (options.staticRoot) {
      serveStatic(options.staticRoot, url.pathname, request, response, options.compressedFiles).catch(fail);
      return;
    }
    if (url.pathname === "/" || url.pathname === "/index.html") return options.fallbackPage({ request, response, url, params: {} });
    sendText(response, 404, "not found\n");
  };
}
