// Test runner configuration: every test under test/, run against real files and processes, in three projects:
// unit (in-process, no CLI runs, servers or browsers), integration (CLI processes, servers, disks), browser (Chromium).
// Tests that spawn the CLI use the compiled dist/, built by `npm test` before vitest starts.
import { defineConfig } from "vitest/config";

/** In-process tests: domain rules, provenance, schedule formats, the bundle format; `npm run test:unit` runs these. */
const UNIT = [
  "test/domain/**/*.test.ts",
  "test/provenance/!(member-names-cli).test.ts",
  "test/interop/!(cli-*).test.ts",
  "test/bundles/format*.test.ts",
  "test/bundles/admission.test.ts",
  "test/storage/chunk-check.test.ts",
  "test/storage/safe-file-storage.test.ts",
  "test/storage/acceptance.test.ts",
  "test/structure/**/*.test.ts",
  "test/governance/!(cli-*).test.ts",
  "test/bookings/!(cli-*).test.ts",
  "test/fork/shift.test.ts",
];

export default defineConfig({
  test: {
    exclude: ["node_modules", "dist"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "unit", include: UNIT } },
      { extends: true, test: { name: "integration", include: ["test/**/*.test.ts"], exclude: ["node_modules", "dist", "test/browser/**", ...UNIT] } },
      { extends: true, test: { name: "browser", include: ["test/browser/**/*.test.ts"] } },
    ],
  },
});
