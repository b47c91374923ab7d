// Test runner configuration: every test under test/, run against real files and processes.
// Tests that spawn the CLI use the compiled dist/, built by `npm test` before vitest starts.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["node_modules", "dist"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
