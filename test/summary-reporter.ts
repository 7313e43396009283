import type { Reporter, TestModule } from "vitest/node";

/**
 * Ends every run with one plain line, "vitest: N passed, N failed, N skipped", so CI logs (and tools that read
 * only a run's closing line) can count the tests. The default reporter still prints everything else.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed" || state === "failed") counts[state]++;
        else counts.skipped++;
      }
    }
    console.log(`vitest: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  }
}
