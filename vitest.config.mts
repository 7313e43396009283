import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Per-file isolation (the default pool) keeps each Pulumi mock runtime separate.
    pool: "forks",
    // Vitest's default is one worker fewer than the cores, which on a 2-core CI machine runs every file in
    // series; the main process only collects results, so give the workers every core.
    maxWorkers: availableParallelism(),
    setupFiles: ["./test/setup/defer-pulumi-imports.ts"],
    testTimeout: 30_000,
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
