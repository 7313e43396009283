import { describe, expect, it } from "vitest";
import { costSplit, GpuNodeMeter, probeColdPath } from "../scripts/canary/cold-path";
import { backendOf, retryAfterOf, type RequestResult } from "../scripts/canary/request";
import { backendSplit, type LevelResult } from "../scripts/canary/run";

// The cold path of a stack at zero, the GPU node meter and the cost split, with a scripted server and clock.

const ok = (extra: Partial<RequestResult> = {}): RequestResult => ({ ok: true, status: 200, ttftSeconds: 0.5, itlSeconds: [], e2eSeconds: 1, outputTokens: 8, outputTokensSource: "usage", promptTokens: 100, ...extra });
const unavailable: RequestResult = { ok: false, status: 503, error: { kind: "http_503", message: "starting" }, itlSeconds: [], e2eSeconds: 0, outputTokens: 0, outputTokensSource: "chunks", retryAfterSeconds: 0, backend: "none" };
const base = { request: { baseUrl: "http://x", model: "m", messages: [], maxTokens: 8, ignoreEos: true }, requestTimeoutSeconds: 5, pollSeconds: 0.01 };

describe("cold path", () => {
  it("retries the entry point's 503 after its Retry-After until vLLM answers", async () => {
    const answers = [unavailable, unavailable, ok()];
    const path = await probeColdPath({ ...base, deadlineSeconds: 5, readyReplicas: async () => 1, defaultBackend: "vllm", send: async () => answers.shift()! });
    expect(path.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    expect(path.firstAnswer).toMatchObject({ backend: "vllm", attempts: 3 });
    expect(path.stoppedBy).toBe("vllm");
    expect(path.replicaReadySeconds).toBeDefined();
  });

  it("counts the fallback API's tokens while vLLM is cold and stops once vLLM answers", async () => {
    const answers = [ok({ backend: "fallback", promptTokens: 120, outputTokens: 30 }), ok({ backend: "fallback", promptTokens: 80, outputTokens: 10 }), ok({ backend: "vllm" })];
    const path = await probeColdPath({ ...base, deadlineSeconds: 5, readyReplicas: async () => 0, send: async () => answers.shift()! });
    expect(path.firstAnswer!.backend).toBe("fallback");
    expect(path.fallbackUsage).toEqual({ promptTokens: 200, outputTokens: 40 });
    expect(path.outputTokens).toBe(48);
    expect(path.firstVllmSeconds).toBeDefined();
  });

  it("is bounded by its deadline and by the caller's signal", async () => {
    const t0 = Date.now();
    const never = await probeColdPath({ ...base, deadlineSeconds: 0.2, readyReplicas: async () => 0, send: async () => unavailable });
    expect(never.stoppedBy).toBe("deadline");
    expect(never.firstAnswer).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(2000);
    const stop = new AbortController();
    stop.abort();
    expect((await probeColdPath({ ...base, deadlineSeconds: 60, readyReplicas: async () => 0, signal: stop.signal, send: async () => unavailable })).stoppedBy).toBe("interrupted");
  });
});

describe("entry point headers", () => {
  it("names the backend from LiteLLM's deployment id or the responder, and reads Retry-After", () => {
    expect(backendOf({ "x-litellm-model-id": "vllm" })).toBe("vllm");
    expect(backendOf({ "x-litellm-model-id": "fallback" })).toBe("fallback");
    // a deployment id hostwise did not set, but a fallback attempted: the fallback served it
    expect(backendOf({ "x-litellm-model-id": "a1b2", "x-litellm-attempted-fallbacks": "1" })).toBe("fallback");
    expect(backendOf({ "x-hostwise-backend": "none" })).toBe("none");
    expect(backendOf({})).toBeUndefined();
    expect(retryAfterOf({ "retry-after": "30" })).toBe(30);
    expect(retryAfterOf({ "retry-after": "Wed, 21 Oct 2026 07:28:30 GMT" }, Date.parse("Wed, 21 Oct 2026 07:28:00 GMT"))).toBe(30);
    expect(retryAfterOf({})).toBeUndefined();
  });
});

describe("cost split", () => {
  it("meters node-seconds sample to sample", async () => {
    let now = 0;
    const counts = [0, 1, 1, 2];
    const meter = new GpuNodeMeter(async () => counts.shift() ?? 2, 3600, () => now);
    await meter.start(); // t 0: 0 nodes
    now = 100;
    await (meter as any).sample(); // t 100: 1 node (0 counted so far)
    now = 400;
    await (meter as any).sample(); // t 400: 1 node → 300 node-seconds
    now = 500;
    // stop samples at t 500: 1 node × 100 s → 400 node-seconds in all
    expect(await meter.stop()).toBe(400);
    expect(await meter.stop()).toBe(400);
  });

  it("prices GPU time and the fallback's tokens, and blends them per output token", () => {
    const good = [ok({ backend: "fallback", promptTokens: 1000, outputTokens: 200 }), ok({ backend: "vllm", outputTokens: 300 }), ok({ outputTokens: 500 })];
    const split = backendSplit(good, "vllm");
    expect(split).toEqual({ backends: { fallback: 1, vllm: 2 }, fallbackUsage: { promptTokens: 1000, outputTokens: 200 } });
    const level = { ...split, outputTokens: 1000 } as unknown as LevelResult;
    const s = costSplit([level], undefined, { nodeSeconds: 1800, nodeHourlyUsd: 0.8 }, { id: "fireworks/llama-3.3-70b", inputUsdPerMTok: 0.9, outputUsdPerMTok: 0.9 });
    // GPU: 1,800 node-seconds = 0.5 node-hour × $0.80 = $0.40; API: (1,000 + 200) × $0.90 / 1M = $0.00108
    expect(s.gpuUsd).toBeCloseTo(0.4, 12);
    expect(s.api!.usd).toBeCloseTo(0.00108, 12);
    // blended: $0.40108 for 1,000 output tokens = $401.08 per 1M
    expect(s.blendedUsdPerMillionOutputTokens).toBeCloseTo(401.08, 6);
  });
});
