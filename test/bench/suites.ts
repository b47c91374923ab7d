// The benchmark suites `npm run bench` runs, in order. Add a suite by importing it and listing it here
// (the contract is in test/bench/harness.ts); `--only NAME` picks suites by these names.
import { archiveSuite } from "./archive.bench.js";
import { baselineSuite } from "./baselines.bench.js";
import { bookingsSuite } from "./bookings.bench.js";
import { bundleSuite } from "./bundles.bench.js";
import { engineSuite } from "./engine.bench.js";
import { governanceSuite } from "./governance.bench.js";
import type { BenchSuite } from "./harness.js";
import { hostileSuite } from "./hostile.bench.js";
import { lanSuite } from "./lan.bench.js";
import { memberKeysSuite } from "./member-keys.bench.js";
import { schedulesSuite } from "./schedules.bench.js";
import { uiSuite } from "./ui.bench.js";

export const SUITES: readonly BenchSuite[] = [engineSuite, baselineSuite, bundleSuite, memberKeysSuite, lanSuite, hostileSuite, governanceSuite, bookingsSuite, uiSuite, archiveSuite, schedulesSuite];
