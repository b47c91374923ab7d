// Who may talk to `pandafest serve` from a browser: the Host names the node answers to (no DNS rebinding),
// the same-origin rule for /api, /sync and writes (no other web page), and the headers every response carries.
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import os from "node:os";
import { PandafestError } from "../../engine/core/errors.js";

/** A host name or address and, when the Host header or --allow-host gave one, a port. */
export interface HostAndPort {
  name: string;
  port?: number;
}

export interface WebOriginOptions {
  /** the port the server listens on (known once it listens): Host headers must name it (or a port given with --allow-host) */
  port: () => number;
  /** the address the server is bound to; 0.0.0.0 and :: mean every interface */
  boundHost: string;
  /** --lan: the machine's interface addresses and its mDNS name <hostname>.local are accepted too */
  lan: boolean;
  /** --allow-host values: NAME (this server's port) or NAME:PORT (e.g. behind a reverse proxy) */
  allowHosts?: readonly string[];
  /** the machine's addresses (tests replace it) */
  interfaceAddresses?: () => string[];
  /** the machine's host name (tests replace it) */
  hostname?: () => string;
}

export interface Refusal {
  status: number;
  message: string;
}

export const ALLOW_HOST_FLAG = "--allow-host";

const MAX_SHOWN = 100;
const HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const IPV6 = /^[0-9a-f:.]+$/;
const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
/** how long the interface addresses are reused before asking the system again (they change when Wi-Fi does) */
const INTERFACE_CACHE_MS = 5000;

/**
 * Reads a Host header or an --allow-host value: `name`, `name:port`, `[v6]`, `[v6]:port`. Lower-cased, without
 * a trailing dot or an IPv6 zone; undefined when it is not one of those.
 */
export function parseHostAndPort(value: string): HostAndPort | undefined {
  const text = value.trim().toLowerCase();
  let name: string;
  let portText: string | undefined;
  if (text.startsWith("[")) {
    const end = text.indexOf("]");
    if (end < 0) return undefined;
    name = text.slice(1, end).replace(/%.*$/, "");
    const rest = text.slice(end + 1);
    if (rest !== "" && !rest.startsWith(":")) return undefined;
    portText = rest === "" ? undefined : rest.slice(1);
    if (!IPV6.test(name)) return undefined;
  } else {
    const colon = text.indexOf(":");
    if (colon !== text.lastIndexOf(":")) return undefined; // a bare IPv6 address needs brackets here
    name = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? undefined : text.slice(colon + 1);
    name = name.replace(/\.$/, "");
    if (!HOST_NAME.test(name)) return undefined;
  }
  if (portText === undefined) return { name };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return undefined;
  return { name, port: Number(portText) };
}

/** An --allow-host value, checked: a host name or address, optionally with a port. */
export function parseAllowedHost(value: string): HostAndPort {
  const parsed = value.includes("/") ? undefined : parseHostAndPort(value);
  if (!parsed) {
    throw new PandafestError(
      `${ALLOW_HOST_FLAG} ${JSON.stringify(value)}: expected a host name or address, optionally with a port, e.g. festival.example or festival.example:443 or [fd00::5]`,
      { code: "usage" },
    );
  }
  return parsed;
}

function systemInterfaceAddresses(): string[] {
  return Object.values(os.networkInterfaces()).flatMap((addresses) => (addresses ?? []).map((address) => address.address.toLowerCase().replace(/%.*$/, "")));
}

/** Text from a request, shortened and stripped of anything but printable ASCII, to name it in a refusal. */
function shown(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > MAX_SHOWN ? clean.slice(0, MAX_SHOWN) + "…" : clean;
}

/** The default port of an origin's scheme, for comparing with a Host header that names none. */
function defaultPort(protocol: string): number {
  return protocol === "https:" || protocol === "wss:" ? 443 : 80;
}

/**
 * Whether a request comes from a page of another origin: its Origin header names another scheme-host-port
 * than its Host header (or is "null"), or the browser says so in Sec-Fetch-Site. Requests without either
 * header (nodes, the CLI, curl, calendar apps) are not cross-origin.
 */
export function crossOriginOf(request: IncomingMessage): string | undefined {
  const site = request.headers["sec-fetch-site"];
  if (site === "cross-site" || site === "same-site") return `a page of another site (Sec-Fetch-Site: ${site})`;
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `a page of another origin (${shown(origin)})`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `a page of another origin (${shown(origin)})`;
  const host = parseHostAndPort(request.headers.host ?? "");
  const originName = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const originPort = url.port === "" ? defaultPort(url.protocol) : Number(url.port);
  if (!host || host.name !== originName || (host.port ?? defaultPort(url.protocol)) !== originPort) return `a page of another origin (${shown(origin)})`;
  return undefined;
}

/** Refuses the Host names this node is not reachable under, and requests from other origins where that matters. */
export class WebOrigin {
  private readonly allowed: HostAndPort[];
  private readonly everyInterface: boolean;
  private cachedAddresses: { at: number; addresses: Set<string> } | undefined;

  constructor(private readonly options: WebOriginOptions) {
    const bound = options.boundHost.toLowerCase().replace(/^\[|\]$/g, "");
    this.everyInterface = options.lan || bound === "0.0.0.0" || bound === "::";
    this.allowed = (options.allowHosts ?? []).map(parseAllowedHost);
    if (!this.everyInterface) this.allowed.push({ name: bound });
  }

  /** Why this request's Host header is refused (a one-line text naming the flag), or undefined. */
  hostRefusal(request: IncomingMessage): Refusal | undefined {
    const header = request.headers.host;
    const host = header === undefined ? undefined : parseHostAndPort(header);
    if (host && this.allows(host)) return undefined;
    const named = header === undefined ? "no host name" : `the host name ${shown(header)}`;
    return {
      status: 421,
      message: `pandafest: this node does not answer to ${named}; if people reach it under that name, start it with ${ALLOW_HOST_FLAG} NAME (or NAME:PORT)\n`,
    };
  }

  /** Why a request that must come from this node's own pages (/api, /sync, writes) is refused, or undefined. */
  originRefusal(request: IncomingMessage): Refusal | undefined {
    const foreign = crossOriginOf(request);
    if (!foreign) return undefined;
    return { status: 403, message: `pandafest: refused a request from ${foreign}; open the web app from this node's own address instead\n` };
  }

  /** Host check, then origin check: the whole admission of a websocket upgrade or an /api request. */
  refusal(request: IncomingMessage): Refusal | undefined {
    return this.hostRefusal(request) ?? this.originRefusal(request);
  }

  private allows(host: HostAndPort): boolean {
    const ownPort = (host.port ?? 80) === this.options.port();
    for (const allowed of this.allowed) {
      if (allowed.name !== host.name) continue;
      if (allowed.port === undefined ? ownPort : allowed.port === (host.port ?? 80)) return true;
    }
    if (!ownPort) return false;
    if (host.name === "localhost" || host.name === "::1" || LOOPBACK_V4.test(host.name)) return true;
    if (!this.everyInterface) return false;
    if (this.options.lan && host.name === `${(this.options.hostname ?? os.hostname)().toLowerCase()}.local`) return true;
    return this.interfaceAddresses().has(host.name);
  }

  private interfaceAddresses(): Set<string> {
    const now = Date.now();
    if (!this.cachedAddresses || now - this.cachedAddresses.at > INTERFACE_CACHE_MS) {
      this.cachedAddresses = { at: now, addresses: new Set((this.options.interfaceAddresses ?? systemInterfaceAddresses)()) };
    }
    return this.cachedAddresses.addresses;
  }
}

/**
 * The headers every response carries: no framing, no sniffing, no referrer, readable by this origin only, and a
 * content security policy that lets the web app run (its scripts and Automerge's WebAssembly from here, sync with
 * this node only) and nothing injected. `host` (an admitted Host header) names this node's websocket.
 */
export function securityHeaders(host?: string): OutgoingHttpHeaders {
  const sockets = host ? ` ws://${host} wss://${host}` : "";
  const policy = [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    // lit's templates set style attributes (the programme grid); scripts stay strict
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    "content-security-policy": policy,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-resource-policy": "same-origin",
  };
}
