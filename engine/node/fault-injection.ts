// Test hooks that make a run fail where a test asks, through environment variables only a test sets: a crash
// (SIGKILL, as a power cut) at a named point, or an error at the nth change a command makes. Node only.
import { PandafestError } from "../core/errors.js";

/** A run with PANDAFEST_CRASH_AT=<point> is killed (SIGKILL) at that point. */
export function crashPoint(point: string): void {
  if (process.env.PANDAFEST_CRASH_AT === point) process.kill(process.pid, "SIGKILL");
}

let changesMade = 0;

/** A run with PANDAFEST_FAIL_AT_CHANGE=<n> fails (an internal error) when it is about to make its nth change. */
export function failAtChange(): void {
  const failAt = process.env.PANDAFEST_FAIL_AT_CHANGE;
  if (failAt === undefined) return;
  changesMade += 1;
  if (changesMade === Number(failAt)) throw new PandafestError(`injected failure at change ${changesMade} (PANDAFEST_FAIL_AT_CHANGE)`, { code: "internal" });
}
