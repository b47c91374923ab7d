// LAN discovery over mDNS (bonjour-service): announces this node as _pandafest._tcp and finds the others.
// An announcement carries discovery keys of public festivals only, never a festival id; failures are warnings.
import { Bonjour, type Service } from "bonjour-service";
import { discoveryKey } from "../../bundles/format/discovery.js";
import { silentLog, type ServerLog } from "./log.js";

export const SERVICE_TYPE = "pandafest";
/** At most this many discovery keys fit a TXT record comfortably (each "dkN=" + 64 hex characters). */
export const MAX_ANNOUNCED_KEYS = 12;
export const ANNOUNCEMENT_VERSION = "1";

export interface Announcement {
  name: string;
  type: typeof SERVICE_TYPE;
  protocol: "tcp";
  port: number;
  txt: Record<string, string>;
}

export interface AnnouncementInput {
  /** this server's random instance id (not secret; lets a node recognise its own announcement) */
  instanceId: string;
  port: number;
  publicFestivalIds: readonly string[];
}

/** What this node says about itself on the LAN: where to sync, and the discovery keys of (some of) its public festivals. */
export function announcementFor(input: AnnouncementInput): Announcement {
  const keys = [...new Set(input.publicFestivalIds)].map(discoveryKey).sort();
  const txt: Record<string, string> = {
    v: ANNOUNCEMENT_VERSION,
    node: input.instanceId,
    path: "/sync",
    festivals: String(keys.length),
  };
  keys.slice(0, MAX_ANNOUNCED_KEYS).forEach((key, index) => (txt[`dk${index}`] = key));
  return { name: `pandafest-${input.instanceId.slice(0, 12)}`, type: SERVICE_TYPE, protocol: "tcp", port: input.port, txt };
}

export interface DiscoveredNode {
  instanceId: string;
  url: string;
  discoveryKeys: string[];
}

/** Reads another node's announcement; undefined when it is not a usable pandafest announcement. */
export function readAnnouncement(service: { txt?: unknown; addresses?: string[]; port: number; host?: string }): DiscoveredNode | undefined {
  const txt = (service.txt ?? {}) as Record<string, unknown>;
  if (txt.v !== ANNOUNCEMENT_VERSION || typeof txt.node !== "string" || txt.node.length === 0 || txt.node.length > 64) return undefined;
  if (!Number.isInteger(service.port) || service.port <= 0 || service.port > 65535) return undefined;
  const address = (service.addresses ?? []).find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a)) ?? (service.addresses ?? []).find((a) => a.includes(":"));
  if (!address) return undefined;
  const host = address.includes(":") ? `[${address}]` : address;
  const discoveryKeys = Object.entries(txt)
    .filter(([key, value]) => /^dk\d+$/.test(key) && typeof value === "string" && /^[0-9a-f]{64}$/.test(value))
    .map(([, value]) => value as string);
  return { instanceId: txt.node, url: `ws://${host}:${service.port}/sync`, discoveryKeys };
}

/** The part of bonjour-service this module uses; replaceable in tests. */
export interface MdnsBackend {
  publish(announcement: Announcement): { stop?: (callback?: () => void) => void };
  find(type: string, onUp: (service: Service) => void): { stop(): void };
  destroy(): void;
}

export function bonjourBackend(onError: (error: Error) => void): MdnsBackend {
  const bonjour = new Bonjour({}, onError);
  // multicast-dns reports socket failures (no multicast, port taken) as "error" events; unheard, they would crash
  const transport = (bonjour as unknown as { server?: { mdns?: NodeJS.EventEmitter } }).server?.mdns;
  transport?.on("error", onError);
  transport?.on("warning", onError);
  return {
    publish: (announcement) => {
      const service = bonjour.publish({ ...announcement, probe: false });
      service.on("error", onError);
      return service as unknown as { stop?: (callback?: () => void) => void };
    },
    find: (type, onUp) => bonjour.find({ type }, onUp),
    destroy: () => bonjour.destroy(),
  };
}

export interface LanDiscoveryOptions {
  instanceId: string;
  port: number;
  log?: ServerLog;
  /** another node was found; called once per instance */
  onNodeFound: (node: DiscoveredNode) => void;
  backend?: (onError: (error: Error) => void) => MdnsBackend;
}

export class LanDiscovery {
  private backend: MdnsBackend | undefined;
  private published: { stop?: (callback?: () => void) => void } | undefined;
  private browser: { stop(): void } | undefined;
  private readonly seen = new Set<string>();
  private readonly log: ServerLog;
  private warned = false;
  private publicFestivalIds: readonly string[] = [];
  private republishTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LanDiscoveryOptions) {
    this.log = options.log ?? silentLog;
  }

  /** Starts announcing and browsing. Never throws: without multicast the server runs on, with a warning. */
  start(publicFestivalIds: readonly string[]): void {
    this.publicFestivalIds = publicFestivalIds;
    try {
      this.backend = (this.options.backend ?? bonjourBackend)((error) => this.failed(error));
      this.published = this.backend.publish(this.announcement());
      this.browser = this.backend.find(SERVICE_TYPE, (service) => this.found(service));
      this.log.info(`lan: announcing _${SERVICE_TYPE}._tcp on port ${this.options.port}`);
    } catch (error) {
      this.failed(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Announces a changed set of public festivals (debounced). */
  update(publicFestivalIds: readonly string[]): void {
    this.publicFestivalIds = publicFestivalIds;
    if (!this.backend) return;
    clearTimeout(this.republishTimer);
    this.republishTimer = setTimeout(() => {
      if (!this.backend) return;
      try {
        this.published?.stop?.();
        this.published = this.backend.publish(this.announcement());
      } catch (error) {
        this.failed(error instanceof Error ? error : new Error(String(error)));
      }
    }, 2000);
    this.republishTimer.unref();
  }

  announcement(): Announcement {
    return announcementFor({ instanceId: this.options.instanceId, port: this.options.port, publicFestivalIds: this.publicFestivalIds });
  }

  stop(): void {
    clearTimeout(this.republishTimer);
    try {
      this.browser?.stop();
      this.published?.stop?.();
      this.backend?.destroy();
    } catch {
      // already broken; nothing left to release
    }
    this.backend = undefined;
  }

  private found(service: Service): void {
    const node = readAnnouncement(service);
    if (!node || node.instanceId === this.options.instanceId || this.seen.has(node.instanceId)) return;
    this.seen.add(node.instanceId);
    this.log.info(`lan: found node ${node.instanceId.slice(0, 12)} at ${node.url}`);
    try {
      this.options.onNodeFound(node);
    } catch (error) {
      this.log.warn(`lan: could not connect to ${node.url}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private failed(error: Error): void {
    if (this.warned) return;
    this.warned = true;
    this.log.warn(`lan: mDNS announcement or discovery failed (${error.message}); serving on without it, use --peer URL to connect to other nodes`);
  }
}
