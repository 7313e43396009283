import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Per-file isolation (the default pool) keeps each Pulumi mock runtime separate.
    pool: "forks",
    testTimeout: 30_000,
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
