// What `--keep` and `--at` accept: venues always kept, events bring their hosts, unknown parts and
// malformed heads refused as usage errors that say what to type instead.
import { describe, expect, it } from "vitest";
import { PandafestError } from "../../engine/core/errors.js";
import { parseHeads, planKeep } from "../../engine/node/fork/index.js";

function usageError(run: () => unknown): PandafestError {
  try {
    run();
  } catch (error) {
    if (error instanceof PandafestError) return error;
    throw error;
  }
  throw new Error("expected a PandafestError");
}

describe("planKeep", () => {
  it("keeps venues by default and says nothing", () => {
    const plan = planKeep(undefined);
    expect([...plan.parts]).toEqual(["venues"]);
    expect(plan.notes).toEqual([]);
    expect(plan.hostsOnly).toBe(false);
  });

  it("keeps venues with events, and only the hosts when people are not asked for, saying so", () => {
    const plan = planKeep(["Events"]);
    expect([...plan.parts].sort()).toEqual(["events", "venues"]);
    expect(plan.hostsOnly).toBe(true);
    expect(plan.notes).toHaveLength(2);
    const everything = planKeep(["venues", "people", "events"]);
    expect(everything.hostsOnly).toBe(false);
    expect(everything.notes).toEqual([]);
  });

  it("refuses what a fork cannot keep", () => {
    const error = usageError(() => planKeep(["venues", "members"]));
    expect(error.code).toBe("usage");
    expect(error.message).toContain('--keep "members"');
    expect(error.message).toContain("venues, people, events");
  });
});

describe("parseHeads", () => {
  const a = "a".repeat(64);
  const b = "0123456789abcdef".repeat(4);

  it("reads comma-separated change hashes, sorted and without duplicates", () => {
    expect(parseHeads(` ${a.toUpperCase()} ,${b},${a},`)).toEqual([b, a]);
  });

  it("refuses an empty list and anything that is not a change hash", () => {
    expect(usageError(() => parseHeads(" , ")).message).toMatch(/--at is empty/);
    const error = usageError(() => parseHeads(`${a},nothex`));
    expect(error.code).toBe("usage");
    expect(error.message).toContain('"nothex" is not a change hash (64 hex digits)');
  });
});
