// Bundle format: what a lost stick reveals. A private bundle's raw bytes and file name must not contain the
// festival id, its name, payload text, the carrier's key or the heads; a public bundle, by contrast, does.
import * as Automerge from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { bundleFileName, discoveryKey, encodeBundle, inspectBundle } from "../../bundles/format/format.js";
import {
  FESTIVAL_NAME,
  PAYLOAD_MARKER,
  fullBundleInput,
  incrementalBundleInput,
  makeFestival,
} from "./format-fixtures.js";

function secretsOf(input: ReturnType<typeof fullBundleInput>): Map<string, Buffer> {
  const secrets = new Map<string, Buffer>([
    ["festival id", Buffer.from(input.festivalId)],
    ["festival name", Buffer.from(FESTIVAL_NAME)],
    ["payload text", Buffer.from(PAYLOAD_MARKER)],
    ["carrier key (raw)", Buffer.from(input.carrier.publicKey)],
    ["carrier key (hex)", Buffer.from(Buffer.from(input.carrier.publicKey).toString("hex"))],
    ["payload start", Buffer.from(input.payload.subarray(0, 24))],
    ["payload end", Buffer.from(input.payload.subarray(input.payload.length - 24))],
  ]);
  for (const head of [...input.heads, ...input.prerequisites]) {
    secrets.set(`head ${head.slice(0, 8)} (hex)`, Buffer.from(head));
    secrets.set(`head ${head.slice(0, 8)} (raw)`, Buffer.from(head, "hex"));
  }
  return secrets;
}

function leaks(bytes: Uint8Array, secrets: Map<string, Buffer>): string[] {
  const haystack = Buffer.from(bytes);
  return [...secrets].filter(([, needle]) => haystack.includes(needle)).map(([name]) => name);
}

describe("what a lost stick reveals", () => {
  it.each([
    ["full", fullBundleInput],
    ["incremental", incrementalBundleInput],
  ])("a private %s bundle reveals none of the festival's secrets", (_kind, makeInput) => {
    const input = makeInput(makeFestival(), "private");
    const bytes = encodeBundle(input);
    const secrets = secretsOf(input);
    expect(leaks(bytes, secrets)).toEqual([]);
    expect(leaks(Buffer.from(bundleFileName(input)), secrets)).toEqual([]);
    const clearHeader = JSON.parse(Buffer.from(bytes.subarray(18, 18 + Buffer.from(bytes).readUInt32BE(14))).toString());
    expect(Object.keys(clearHeader)).toEqual(["discoveryKey", "sealedHeader"]);
    expect(clearHeader.discoveryKey).toBe(discoveryKey(input.festivalId));
    const outsider = inspectBundle(bytes);
    expect(outsider.header).toBeUndefined();
    expect(JSON.stringify(outsider)).not.toContain(input.festivalId);
  });

  it("the same searches do find the secrets in a public bundle, so they can find a leak", () => {
    const input = fullBundleInput(makeFestival(), "public");
    const found = leaks(encodeBundle(input), secretsOf(input));
    expect(found).toEqual(expect.arrayContaining(["festival id", "festival name", "payload text", "carrier key (hex)"]));
    expect(found.some((name) => name.startsWith("head"))).toBe(true);
  });

  it("members who know the festival see the sealed heads", () => {
    const fixture = makeFestival();
    const input = fullBundleInput(fixture, "private");
    const inspection = inspectBundle(encodeBundle(input), { festivalIdFor: () => fixture.festivalId });
    expect(inspection.verified).toBe(true);
    expect(inspection.header?.heads).toEqual(Automerge.getHeads(fixture.doc));
  });
});
