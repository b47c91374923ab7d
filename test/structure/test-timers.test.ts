// Tests wait for conditions, never for time: a timer-based pause appears only in the helpers that poll a condition
// (waitFor) and in pace(), which spaces a scenario's own actions. A new sleep anywhere else fails here.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/cli.js";

/** The files allowed a timer-based pause, and why. */
const ALLOWED: Record<string, string> = {
  "test/helpers/pace.ts": "spaces a scenario's own actions",
  "test/lan/lan-helpers.ts": "waitFor polls its condition",
  "test/browser/harness.ts": "waitFor polls its condition in the page",
};
/** A promise resolved by a timer: `new Promise((resolve) => setTimeout(resolve, ms))` and its spellings. */
const TIMER_PAUSE = /new Promise\(\s*\(?\s*(\w+)\s*\)?\s*=>\s*setTimeout\(\s*\1\s*,|\bsetTimeout\s+as\s+\w+|from\s+["']node:timers\/promises["']/;

function testFiles(): string[] {
  return fs
    .readdirSync(path.join(repoRoot, "test"), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mjs)$/.test(entry.name))
    .map((entry) => path.relative(repoRoot, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .filter((file) => !file.startsWith("test/bench/") && file !== "test/structure/test-timers.test.ts");
}

describe("the tests", () => {
  it("pause on a timer only to poll a condition or to pace a scenario", () => {
    const files = testFiles();
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.filter((file) => !(file in ALLOWED) && TIMER_PAUSE.test(fs.readFileSync(path.join(repoRoot, file), "utf8")));
    expect(offenders, "wait for the condition (waitFor), or pace() a scenario's own actions").toEqual([]);
    for (const file of Object.keys(ALLOWED)) expect(TIMER_PAUSE.test(fs.readFileSync(path.join(repoRoot, file), "utf8")), file).toBe(true);
  });
});
