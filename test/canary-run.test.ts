import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticPrompts } from "../scripts/canary/prompts";
import { streamChat, type ChatRequest, type RequestResult } from "../scripts/canary/request";
import { maxRunSeconds, runLoad, summarizeLevel, type LoadPlan, type Progress } from "../scripts/canary/run";
import { API_KEY, MODEL, startFakeVllm, type FakeVllm } from "./canary-fake-vllm";

let server: FakeVllm;
beforeAll(async () => {
  server = await startFakeVllm();
});
afterAll(() => server.close());

function plan(overrides: Partial<LoadPlan>): LoadPlan {
  return {
    baseUrl: server.url,
    apiKey: API_KEY,
    model: MODEL,
    concurrency: [1],
    requestsPerLevel: 4,
    durationSeconds: 10,
    timeoutSeconds: 5,
    maxTokens: 3,
    ignoreEos: true,
    prompts: syntheticPrompts(16, "runtest"),
    ...overrides,
  };
}

/** streamChat, counting how many requests the runner has in flight at once. */
function countingSend() {
  const counter = { now: 0, max: 0 };
  const send = async (req: ChatRequest): Promise<RequestResult> => {
    counter.now++;
    counter.max = Math.max(counter.max, counter.now);
    try {
      return await streamChat(req);
    } finally {
      counter.now--;
    }
  };
  return { counter, send };
}

describe("runLoad bounds", () => {
  it("keeps exactly N requests in flight and ends each level at the request count", async () => {
    server.behavior = { chunks: 3, tokenDelayMs: 5, firstTokenDelayMs: 10 };
    server.maxInFlight = 0;
    const before = server.received.length;
    const { counter, send } = countingSend();
    const maxima: number[] = [];
    const progress: Progress[] = [];
    const result = await runLoad(plan({ concurrency: [1, 3], requestsPerLevel: 6 }), {
      send,
      onProgress: (p) => {
        progress.push(p);
        if (p.completed === p.total) {
          maxima.push(counter.max);
          counter.max = 0;
        }
      },
    });
    expect(result.partial).toBe(false);
    expect(maxima).toEqual([1, 3]);
    expect(server.maxInFlight).toBeGreaterThanOrEqual(3);
    expect(server.received.length - before).toBe(12);
    expect(result.levels.map((l) => [l.concurrency, l.ok, l.failed, l.stoppedBy])).toEqual([
      [1, 6, 0, "requests"],
      [3, 6, 0, "requests"],
    ]);
    for (const level of result.levels) {
      expect(level.outputTokens).toBe(18);
      expect(level.outputTokensSource).toEqual({ usage: 6, chunks: 0 });
      expect(level.e2e?.count).toBe(6);
      expect(level.ttft!.p50).toBeGreaterThanOrEqual(0.009);
      expect(level.requestsPerSecond).toBeCloseTo(6 / level.wallSeconds, 9);
      expect(level.outputTokensPerSecond).toBeCloseTo(18 / level.wallSeconds, 9);
    }
    // Three streams at once finish six requests faster than one stream does.
    expect(result.levels[1]!.wallSeconds).toBeLessThan(result.levels[0]!.wallSeconds);
    // Progress: a start report and one per finished request, per level.
    expect(progress.filter((p) => p.level === 1).map((p) => p.completed)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(progress.every((p) => p.total === 6 && p.levels === 2)).toBe(true);
  });

  it("sends a different prompt with every request", async () => {
    server.behavior = { chunks: 1 };
    const before = server.received.length;
    await runLoad(plan({ concurrency: [2], requestsPerLevel: 4 }));
    const prompts = server.received.slice(before).map((r) => JSON.stringify(r.body.messages));
    expect(new Set(prompts).size).toBe(4);
  });

  it("ends a level at its duration: no request starts after it, those in flight finish", async () => {
    server.behavior = { chunks: 1, firstTokenDelayMs: 40 };
    const t0 = performance.now();
    const result = await runLoad(plan({ concurrency: [2], requestsPerLevel: 500, durationSeconds: 0.2 }));
    const seconds = (performance.now() - t0) / 1000;
    const level = result.levels[0]!;
    expect(level.stoppedBy).toBe("duration");
    expect(level.ok).toBeGreaterThanOrEqual(4);
    expect(level.ok).toBeLessThanOrEqual(12); // 2 streams × ⌈0.2 s / 40 ms⌉ + the 2 in flight at the deadline
    expect(level.failed).toBe(0);
    expect(seconds).toBeLessThan(0.2 + 0.3);
    expect(result.partial).toBe(false);
  });

  it("stops at Ctrl-C: aborts the requests in flight, skips later levels, marks the result partial", async () => {
    server.behavior = { chunks: 20, tokenDelayMs: 10 };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 120);
    const t0 = performance.now();
    const result = await runLoad(plan({ concurrency: [2, 4], requestsPerLevel: 100, maxTokens: 20 }), { signal: controller.signal });
    expect((performance.now() - t0) / 1000).toBeLessThan(1);
    expect(result).toMatchObject({ partial: true, stoppedBy: "interrupted" });
    expect(result.levels).toHaveLength(1);
    const level = result.levels[0]!;
    expect(level).toMatchObject({ concurrency: 2, stoppedBy: "interrupted", cancelled: 2, failed: 0 });
    // Cancelled requests are not the server's failures.
    expect(level.errorRate).toBe(0);
    expect(level.errors).toEqual({});
  });

  it("stops at the run's time cap even when the server never answers", async () => {
    server.behavior = { hang: true };
    const result = await runLoad(plan({ concurrency: [3, 6], requestsPerLevel: 6, timeoutSeconds: 60, maxTotalSeconds: 0.15 }));
    expect(result).toMatchObject({ partial: true, stoppedBy: "time cap" });
    expect(result.levels).toHaveLength(1);
    expect(result.levels[0]).toMatchObject({ stoppedBy: "time cap", cancelled: 3, ok: 0, failed: 0 });
    expect(result.wallSeconds).toBeLessThan(1);
  });

  it("bounds a run by default: levels × (duration + timeout + 1 s)", () => {
    expect(maxRunSeconds({ concurrency: [1, 4, 16], durationSeconds: 60, timeoutSeconds: 120 })).toBe(543);
  });
});

describe("runLoad error accounting", () => {
  it("counts failures by kind and keeps one example message per kind", async () => {
    const start = server.received.length;
    server.behavior = (i) => {
      const n = (i - start) % 3;
      return n === 0 ? { status: 429, errorMessage: "slow down" } : n === 1 ? { chunks: 2 } : { chunks: 4, dropAfterChunks: 1 };
    };
    const result = await runLoad(plan({ concurrency: [3], requestsPerLevel: 9 }));
    const level = result.levels[0]!;
    expect(level).toMatchObject({ completed: 9, ok: 3, failed: 6, cancelled: 0 });
    expect(level.errors).toEqual({ http_429: 3, incomplete_stream: 3 });
    expect(level.errorRate).toBeCloseTo(6 / 9, 12);
    expect(level.errorExamples.http_429).toBe("slow down");
    // Latencies describe the successful requests only.
    expect(level.e2e?.count).toBe(3);
    expect(level.outputTokens).toBe(6);
  });
});

describe("summarizeLevel", () => {
  const ok = (ttft: number, e2e: number, tokens: number, itl: number[]): RequestResult => ({
    ok: true,
    status: 200,
    ttftSeconds: ttft,
    itlSeconds: itl,
    e2eSeconds: e2e,
    outputTokens: tokens,
    outputTokensSource: "usage",
    promptTokens: 100,
  });
  const failed = (kind: "timeout" | "aborted"): RequestResult => ({
    ok: false,
    error: { kind, message: kind },
    itlSeconds: [],
    e2eSeconds: 1,
    outputTokens: 0,
    outputTokensSource: "chunks",
  });

  it("summarises a level (worked by hand)", () => {
    const level = summarizeLevel(
      4,
      [ok(0.1, 1.1, 11, [0.1, 0.1]), ok(0.2, 2.2, 21, [0.1, 0.3]), failed("timeout"), failed("aborted")],
      2,
      "requests",
    );
    expect(level).toMatchObject({ completed: 3, ok: 2, failed: 1, cancelled: 1, errors: { timeout: 1 }, outputTokens: 32, meanPromptTokens: 100 });
    expect(level.errorRate).toBeCloseTo(1 / 3, 12);
    expect(level.requestsPerSecond).toBe(1); // 2 ok in 2 s
    expect(level.outputTokensPerSecond).toBe(16); // 32 tokens in 2 s
    expect(level.itl).toMatchObject({ count: 4, p50: 0.1, max: 0.3 });
    // Stream speed: (11 − 1) / (1.1 − 0.1) = 10 and (21 − 1) / (2.2 − 0.2) = 10 tokens/s.
    expect(level.streamTokensPerSecond!.mean).toBeCloseTo(10, 9);
    expect(level.streamTokensPerSecondP95Floor).toBeCloseTo(10, 9);
  });

  it("reports no latencies and no rate for a level where nothing succeeded", () => {
    const level = summarizeLevel(1, [failed("timeout")], 1, "requests");
    expect(level.e2e).toBeUndefined();
    expect(level.ttft).toBeUndefined();
    expect(level.errorRate).toBe(1);
    expect(level.outputTokensPerSecond).toBe(0);
  });
});
