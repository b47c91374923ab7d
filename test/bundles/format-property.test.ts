// Bundle format, property: random damage (flips, truncation, splices, duplicated ranges) never yields
// anything but a PandafestError or the original content, and inspection never throws.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DecodeOptions, type DecodedBundle, decodeBundle, encodeBundle, inspectBundle } from "../../bundles/format/format.js";
import { PandafestError } from "../../engine/core/errors.js";
import { fullBundleInput, incrementalBundleInput, makeFestival } from "./format-fixtures.js";

interface MutationStep {
  kind: "flip" | "truncate" | "splice" | "duplicate";
  /** Positions are taken modulo the current length, so every mutation lands inside the file. */
  a: number;
  b: number;
  c: number;
  mask: number;
  insert: Uint8Array;
}

// Unbiased: fast-check's default bias towards small values would mostly hit the magic bytes.
const anywhere = fc.noBias(fc.integer({ min: 0, max: 0x7fff_ffff }));
const mutationStep: fc.Arbitrary<MutationStep> = fc.record({
  kind: fc.constantFrom("flip", "flip", "truncate", "splice", "duplicate"),
  a: anywhere,
  b: anywhere,
  c: anywhere,
  mask: fc.integer({ min: 1, max: 255 }),
  insert: fc.uint8Array({ maxLength: 40 }),
});

function apply(bytes: Uint8Array, step: MutationStep): Uint8Array {
  const length = bytes.length;
  const index = (at: number) => (length === 0 ? 0 : at % length);
  switch (step.kind) {
    case "flip": {
      if (length === 0) return bytes;
      const copy = bytes.slice();
      copy[index(step.a)] ^= step.mask;
      return copy;
    }
    case "truncate":
      return bytes.slice(0, index(step.a));
    case "splice": {
      const at = index(step.a);
      const deleteCount = Math.min(step.b % 64, length - at);
      return Uint8Array.from([...bytes.subarray(0, at), ...step.insert, ...bytes.subarray(at + deleteCount)]);
    }
    case "duplicate": {
      const from = index(step.a);
      const range = bytes.subarray(from, from + 1 + (step.b % 200));
      const to = index(step.c);
      return Uint8Array.from([...bytes.subarray(0, to), ...range, ...bytes.subarray(to)]);
    }
  }
}

/** Checks one damaged file; returns the refusal reason with numbers blanked, or "accepted". */
function checkOutcome(mutated: Uint8Array, original: DecodedBundle, options: DecodeOptions): string {
  let decoded: DecodedBundle | undefined;
  let outcome = "accepted";
  try {
    decoded = decodeBundle(mutated, options);
  } catch (error) {
    if (!(error instanceof PandafestError)) throw error;
    expect(error.message).not.toContain("\n");
    outcome = error.message.replace(/\d+/g, "N").replace(/"[^"]*"/g, "…");
  }
  if (decoded !== undefined) expect(decoded).toEqual(original);
  const inspection = inspectBundle(mutated, options);
  expect(inspection.verified).toBe(decoded !== undefined);
  return outcome;
}

describe("random damage", () => {
  const fixture = makeFestival();
  const options: DecodeOptions = { festivalIdFor: () => fixture.festivalId };
  it.each([
    ["public full", encodeBundle(fullBundleInput(fixture, "public"))],
    ["private incremental", encodeBundle(incrementalBundleInput(fixture, "private"))],
  ])("a damaged %s bundle is refused or unchanged", (_name, bundle) => {
    const original = decodeBundle(bundle, options);
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(mutationStep, { minLength: 1, maxLength: 3 }), (steps) => {
        const outcome = checkOutcome(steps.reduce(apply, bundle), original, options);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { numRuns: 1000 },
    );
    // The damage reached every layer: framing, header parsing and the cryptographic checks.
    expect([...outcomes.keys()].some((reason) => reason.includes("truncated"))).toBe(true);
    expect([...outcomes.keys()].some((reason) => /header/.test(reason))).toBe(true);
    expect([...outcomes.keys()].some((reason) => /signature|payload|decrypted/.test(reason))).toBe(true);
  });
});
