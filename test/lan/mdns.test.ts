// LAN discovery without relying on multicast: what an announcement carries (discovery keys of public festivals,
// never ids), how another node's announcement is read, and that a broken mDNS backend is a warning, not a crash.
import { describe, expect, it } from "vitest";
import { discoveryKey } from "../../bundles/format/discovery.js";
import { announcementFor, LanDiscovery, MAX_ANNOUNCED_KEYS, readAnnouncement, type MdnsBackend } from "../../apps/server/mdns.js";
import type { ServerLog } from "../../apps/server/log.js";

const ids = Array.from({ length: 15 }, (_, i) => `${"2".repeat(20)}Festival${String(i).padStart(2, "0")}`);

function recordingLog(): ServerLog & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => undefined, warn: (message) => void warnings.push(message) };
}

describe("announcementFor", () => {
  it("announces _pandafest._tcp with discovery keys of the given festivals only, never their ids", () => {
    const announcement = announcementFor({ instanceId: "abc123def456aa", port: 4321, publicFestivalIds: ids.slice(0, 3) });
    expect(announcement).toMatchObject({ type: "pandafest", protocol: "tcp", port: 4321, name: "pandafest-abc123def456" });
    expect(announcement.txt).toMatchObject({ v: "1", node: "abc123def456aa", path: "/sync", festivals: "3" });
    const keys = Object.entries(announcement.txt).filter(([k]) => k.startsWith("dk")).map(([, v]) => v);
    expect(keys.sort()).toEqual(ids.slice(0, 3).map(discoveryKey).sort());
    const text = JSON.stringify(announcement);
    for (const id of ids) expect(text).not.toContain(id);
  });

  it("keeps the record small: at most a dozen keys, with the total count", () => {
    const announcement = announcementFor({ instanceId: "n", port: 1, publicFestivalIds: ids });
    expect(Object.keys(announcement.txt).filter((k) => k.startsWith("dk"))).toHaveLength(MAX_ANNOUNCED_KEYS);
    expect(announcement.txt.festivals).toBe(String(ids.length));
    for (const value of Object.values(announcement.txt)) expect(value.length).toBeLessThan(250);
  });
});

describe("readAnnouncement", () => {
  it("reads a node's sync URL and keys, and ignores what is not a pandafest announcement", () => {
    const txt = announcementFor({ instanceId: "peer-node", port: 5000, publicFestivalIds: ids.slice(0, 2) }).txt;
    expect(readAnnouncement({ txt, port: 5000, addresses: ["fe80::1", "192.168.1.20"] })).toEqual({
      instanceId: "peer-node",
      url: "ws://192.168.1.20:5000/sync",
      discoveryKeys: expect.arrayContaining(ids.slice(0, 2).map(discoveryKey)),
    });
    expect(readAnnouncement({ txt: { ...txt, v: "9" }, port: 5000, addresses: ["10.0.0.1"] })).toBeUndefined();
    expect(readAnnouncement({ txt, port: 0, addresses: ["10.0.0.1"] })).toBeUndefined();
    expect(readAnnouncement({ txt, port: 5000, addresses: [] })).toBeUndefined();
    expect(readAnnouncement({ txt: { ...txt, dk0: "not-hex" }, port: 5000, addresses: ["10.0.0.1"] })?.discoveryKeys).toHaveLength(1);
  });
});

describe("LanDiscovery", () => {
  it("warns once and carries on when mDNS cannot start", () => {
    const log = recordingLog();
    const discovery = new LanDiscovery({
      instanceId: "me",
      port: 4321,
      log,
      onNodeFound: () => undefined,
      backend: () => {
        throw Object.assign(new Error("bind EADDRINUSE 0.0.0.0:5353"), { code: "EADDRINUSE" });
      },
    });
    expect(() => discovery.start(ids)).not.toThrow();
    discovery.update(ids);
    discovery.stop();
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toMatch(/mDNS .* failed \(bind EADDRINUSE.*\); serving on without it, use --peer/);
  });

  it("publishes its announcement and reports each other node once, never itself", () => {
    let published: unknown;
    let onUp: ((service: never) => void) | undefined;
    let reportError: ((error: Error) => void) | undefined;
    const backend = (onError: (error: Error) => void): MdnsBackend => {
      reportError = onError;
      return {
        publish: (announcement) => {
          published = announcement;
          return { stop: () => undefined };
        },
        find: (_type, up) => {
          onUp = up as (service: never) => void;
          return { stop: () => undefined };
        },
        destroy: () => undefined,
      };
    };
    const found: string[] = [];
    const log = recordingLog();
    const discovery = new LanDiscovery({ instanceId: "me", port: 4321, log, backend, onNodeFound: (node) => void found.push(node.url) });
    discovery.start(ids.slice(0, 1));
    expect(published).toEqual(announcementFor({ instanceId: "me", port: 4321, publicFestivalIds: ids.slice(0, 1) }));
    const service = (node: string, address: string) => ({ txt: { v: "1", node }, port: 4000, addresses: [address] }) as never;
    onUp?.(service("me", "10.0.0.1"));
    onUp?.(service("other", "10.0.0.2"));
    onUp?.(service("other", "10.0.0.2"));
    expect(found).toEqual(["ws://10.0.0.2:4000/sync"]);
    reportError?.(new Error("send EHOSTUNREACH"));
    expect(log.warnings).toHaveLength(1);
    discovery.stop();
  });
});
