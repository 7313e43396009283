import { describe, expect, it } from "vitest";
import {
  bestLevel,
  costVerdict,
  latencyChart,
  redactUrl,
  renderMarkdown,
  renderSummary,
  reportJson,
  usdPerMillionOutputTokens,
} from "../scripts/canary/report";
import type { LevelResult, RunResult } from "../scripts/canary/run";
import { summarize } from "../scripts/canary/stats";

function level(concurrency: number, outputTokensPerSecond: number, errorRate: number, e2e: number[], streamFloor = 20): LevelResult {
  const completed = 100;
  const failed = Math.round(errorRate * completed);
  return {
    concurrency,
    stoppedBy: "requests",
    wallSeconds: 10,
    completed,
    ok: completed - failed,
    failed,
    cancelled: 0,
    errorRate,
    errors: failed ? { http_429: failed } : {},
    errorExamples: failed ? { http_429: "Too | many" } : {},
    ttft: summarize(e2e.map((s) => s / 10)),
    itl: summarize([0.02, 0.03]),
    e2e: summarize(e2e),
    streamTokensPerSecond: summarize([streamFloor, streamFloor * 2]),
    streamTokensPerSecondP95Floor: streamFloor,
    requestsPerSecond: (completed - failed) / 10,
    outputTokensPerSecond,
    outputTokens: outputTokensPerSecond * 10,
    outputTokensSource: { usage: completed - failed, chunks: 0 },
    meanPromptTokens: 480,
    usage: { requests: completed - failed, promptTokens: 480 * (completed - failed), completionTokens: outputTokensPerSecond * 10 },
    backends: { vllm: completed - failed },
    fallbackUsage: { promptTokens: 0, outputTokens: 0 },
  };
}

function run(levels: LevelResult[], partial = false): RunResult {
  return {
    startedAt: "2026-11-23T12:00:00.000Z",
    baseUrl: "http://user:secret@127.0.0.1:8000",
    model: "meta-llama/Llama-3.1-8B-Instruct",
    settings: { concurrency: levels.map((l) => l.concurrency), requestsPerLevel: 100, durationSeconds: 60, timeoutSeconds: 120, maxTokens: 128, ignoreEos: true, prompts: "synthetic, ~512 tokens" },
    partial,
    ...(partial && { stoppedBy: "interrupted" as const }),
    wallSeconds: 40,
    levels,
  };
}

// 1 → 100 tokens/s; 4 → 360; 16 → 1000 but 2% errors; 64 → 1200 with slow streams.
const LEVELS = [level(1, 100, 0, [1, 1.2]), level(4, 360, 0.01, [1.5, 2]), level(16, 1000, 0.02, [3, 4]), level(64, 1200, 0, [6, 9], 5)];

describe("cost per token", () => {
  it("is hourly cost / 3600 / tokens per second × 1e6 (worked by hand)", () => {
    // $3.60/h is $0.001/s; at 100 tokens/s that is $0.00001 a token, $10 per 1M.
    expect(usdPerMillionOutputTokens(3.6, 100)).toBeCloseTo(10, 9);
    expect(usdPerMillionOutputTokens(3.6, 0)).toBeUndefined();
  });

  it("takes the highest-throughput level with at most 1% errors that meets the stream-speed floor", () => {
    expect(bestLevel(LEVELS, {})?.concurrency).toBe(64);
    expect(bestLevel(LEVELS, { minStreamTokensPerSecond: 10 })?.concurrency).toBe(4);
    expect(bestLevel([level(1, 10, 0.5, [1])], {})).toBeUndefined();
  });

  it("says 'as modeled' within ±25%, else how much higher or lower, and compares with the hosted API", () => {
    // Best level: concurrency 4 at 360 tokens/s; $3.60/h → 3.6 / 3600 / 360 × 1e6 = $2.78 per 1M.
    const inputs = { hourlyUsd: 3.6, minStreamTokensPerSecond: 10 };
    const measured = 3.6 / 3600 / 360 * 1e6;
    const asModeled = costVerdict(run(LEVELS), { ...inputs, modeledUsdPerMillionOutputTokens: 2.5, hostedApi: { id: "bedrock/llama-3.1-8b", outputUsdPerMTok: measured * 4 } });
    expect(asModeled.bestConcurrency).toBe(4);
    expect(asModeled.measuredUsdPerMillionOutputTokens).toBeCloseTo(measured, 9);
    expect(asModeled.vsModeled).toMatchObject({ verdict: "as modeled" });
    expect(asModeled.vsHostedApi).toMatchObject({ verdict: "cheaper", text: "cheaper than bedrock/llama-3.1-8b ($11.11) by 4.0×" });
    expect(asModeled.text).toMatch(/^\$2\.78 per 1M output tokens at concurrency 4, 360 output tokens\/s and \$3\.60\/h; as modeled/);

    const higher = costVerdict(run(LEVELS), { ...inputs, modeledUsdPerMillionOutputTokens: measured / 2, hostedApi: { id: "x/y", outputUsdPerMTok: measured / 2.5 } });
    expect(higher.vsModeled).toMatchObject({ verdict: "higher than modeled", text: "100% higher than modeled ($1.39)" });
    expect(higher.vsHostedApi).toMatchObject({ verdict: "dearer", text: "dearer than x/y ($1.11) by 2.5×" });
    expect(higher.vsHostedApi!.factor).toBeCloseTo(2.5, 9);

    const lower = costVerdict(run(LEVELS), { ...inputs, modeledUsdPerMillionOutputTokens: measured * 2 });
    expect(lower.vsModeled).toMatchObject({ verdict: "lower than modeled", text: "50% lower than modeled ($5.56)" });
    expect(lower.vsModeled!.ratio).toBeCloseTo(0.5, 9);
  });

  it("explains why there is no verdict when no level qualifies", () => {
    const none = costVerdict(run([level(8, 500, 0.5, [1])]), { hourlyUsd: 1 });
    expect(none.measuredUsdPerMillionOutputTokens).toBeUndefined();
    expect(none.text).toMatch(/no level qualifies .*concurrency 8: error rate 50% is above 1\.0%/);
  });
});

describe("JSON report", () => {
  it("has stable field names, numbers in seconds and per second, nulls where nothing was given, and no credentials", () => {
    const json = reportJson(run(LEVELS), {});
    expect(Object.keys(json)).toEqual(["report", "schemaVersion", "startedAt", "target", "settings", "partial", "stoppedBy", "wallSeconds", "levels", "cost", "coldPath", "costSplit"]);
    expect(json.coldPath).toBeNull(); // --url: no stack, no cold path, no split
    expect(json.costSplit).toBeNull();
    expect(json.target.url).toBe("http://127.0.0.1:8000/");
    expect(JSON.stringify(json)).not.toContain("secret");
    const first = json.levels[0]!;
    expect(first.e2eSeconds).toEqual({ count: 2, mean: 1.1, p50: 1.1, p90: 1.18, p95: 1.19, p99: 1.198, min: 1, max: 1.2 });
    expect(first).toMatchObject({ concurrency: 1, outputTokensPerSecond: 100, requestsPerSecond: 10, usdPerMillionOutputTokens: null, qualifiesForVerdict: true });
    expect(json.cost).toMatchObject({ hourlyUsd: null, hostedApi: null, measuredUsdPerMillionOutputTokens: null, bestConcurrency: 64 });
    expect(reportJson(run(LEVELS), { hourlyUsd: 3.6 }).levels[0]!.usdPerMillionOutputTokens).toBe(10);
  });
});

describe("Markdown report", () => {
  it("has an overview table, a table per level, the Mermaid chart and the cost verdict", () => {
    const md = renderMarkdown(run(LEVELS), { hourlyUsd: 3.6, modeledUsdPerMillionOutputTokens: 0.9, hostedApi: { id: "bedrock/llama-3.1-8b", outputUsdPerMTok: 0.22 } });
    expect(md).toContain("| concurrency | ok | failed | error rate | TTFT p50 (s) | TTFT p95 (s) | e2e p50 (s) | e2e p95 (s) | requests/s | output tokens/s | $ per 1M output |");
    expect(md).toContain("| 1 | 100 | 0 | 0% | 0.110 | 0.119 | 1.100 | 1.190 | 10.00 | 100.0 | $10.00 |");
    for (const c of [1, 4, 16, 64]) expect(md).toContain(`## Concurrency ${c}\n\n| metric | p50 | p90 | p95 | p99 | mean | max | samples |`);
    expect(md).toContain("| end-to-end (s) | 1.100 | 1.180 | 1.190 | 1.198 | 1.100 | 1.200 | 2 |");
    expect(md).toContain("- Errors: `http_429` × 2");
    expect(md).toContain("  - `http_429`: Too \\| many"); // the server's text, escaped: it cannot break the Markdown
    expect(md).toContain("```mermaid\nxychart-beta\n");
    expect(md).toContain('x-axis "concurrent requests" ["1", "4", "16", "64"]');
    expect(md).toContain("line [1.100, 1.750, 3.500, 7.500]");
    expect(md).toContain("line [1.190, 1.975, 3.950, 8.850]");
    // Best: concurrency 64 at 1,200 tokens/s → 3.6 / 3600 / 1200 × 1e6 = $0.83, 7% under the modeled $0.90, 3.8× the hosted $0.22.
    expect(md).toContain(
      "**Verdict:** $0.83 per 1M output tokens at concurrency 64, 1,200 output tokens/s and $3.60/h; as modeled ($0.90; within ±25%); " +
        "dearer than bedrock/llama-3.1-8b ($0.22) by 3.8×.",
    );
  });

  it("shows a dash where nothing was measured, and says why there is no chart", () => {
    const failing: LevelResult = { ...level(2, 0, 1, []), ttft: undefined, itl: undefined, e2e: undefined, streamTokensPerSecond: undefined };
    const md = renderMarkdown(run([failing]), { hourlyUsd: 1 });
    expect(md).toContain("| 2 | 0 | 100 | 100% | - | - | - | - | 0.00 | 0.0 | - |");
    expect(md).toContain("| TTFT (s) | - | - | - | - | - | - | 0 |");
    expect(md).toContain("No successful request, so no latencies to chart.");
    expect(md).toContain("no level qualifies for a verdict (concurrency 2: no successful request)");
  });

  it("charts only the levels with latencies, with a y axis above the highest p95", () => {
    const chart = latencyChart([level(1, 10, 0, [0.5, 1]), { ...level(2, 0, 1, []), e2e: undefined }])!;
    expect(chart).toContain('["1"]');
    expect(chart).toMatch(/y-axis "seconds" 0 --> 1\.1\b/);
    expect(latencyChart([{ ...level(2, 0, 1, []), e2e: undefined }])).toBeUndefined();
  });

  it("marks a partial run, and leaves the level that was cut short out of the verdict", () => {
    const cut: LevelResult = { ...level(4, 360, 0, [1.5, 2]), stoppedBy: "interrupted" };
    const partial = { ...run([LEVELS[0]!, cut], true), settings: { ...run(LEVELS).settings } };
    const md = renderMarkdown(partial, {});
    expect(md).toContain("> **Partial run: stopped by an interrupt (Ctrl-C or SIGTERM) during concurrency 4; concurrency 16, 64 did not run.**");
    expect(md).toContain("**Verdict:** best level: concurrency 1");
    expect(renderSummary(partial, {})).toContain("Partial run");
    expect(costVerdict(run([cut], true), {}).text).toMatch(/concurrency 4: stopped early \(interrupted\)/);
  });
});

describe("terminal summary", () => {
  it("has a row per level and the verdict", () => {
    const text = renderSummary(run(LEVELS), { hourlyUsd: 3.6 });
    expect(text).toMatch(/^hostwise canary — meta-llama\/Llama-3\.1-8B-Instruct at http:\/\/127\.0\.0\.1:8000\//);
    expect(text).toMatch(/\n\s+16 +98 +2 +http_429 × 2 /);
    expect(text).toMatch(/Verdict: \$0\.83 per 1M output tokens at concurrency 64/);
  });
});

it("redacts credentials from URLs", () => {
  expect(redactUrl("https://a:b@host/v1")).toBe("https://host/v1");
  expect(redactUrl("not a url")).toBe("not a url");
});
