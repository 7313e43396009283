import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticPrompts } from "../scripts/canary/prompts";
import { streamChat, type ChatRequest } from "../scripts/canary/request";
import { runSideBySide, type LoadPlan } from "../scripts/canary/run";
import { API_KEY, MODEL, startFakeVllm, type FakeVllm } from "./canary-fake-vllm";

// Side by side: the same levels against two local streaming servers with known timings — "self-hosted"
// (fast tokens, slow first token) and "api" (fast first token, slow tokens).

let selfHosted: FakeVllm;
let api: FakeVllm;
beforeAll(async () => {
  selfHosted = await startFakeVllm({ chunks: 4, firstTokenDelayMs: 60, tokenDelayMs: 2, promptTokens: 40 });
  api = await startFakeVllm({ chunks: 4, firstTokenDelayMs: 5, tokenDelayMs: 25, promptTokens: 42 });
});
afterAll(async () => {
  await selfHosted.close();
  await api.close();
});

const plan = (overrides: Partial<LoadPlan> = {}): LoadPlan => ({
  baseUrl: selfHosted.url,
  apiKey: API_KEY,
  model: MODEL,
  concurrency: [1, 3],
  requestsPerLevel: 6,
  durationSeconds: 10,
  timeoutSeconds: 5,
  maxTokens: 4,
  ignoreEos: false,
  prompts: syntheticPrompts(16, "side"),
  ...overrides,
});

describe("runSideBySide", () => {
  it("runs every level against both endpoints at once, same prompts, same concurrency each", async () => {
    const [a, b] = await runSideBySide(plan(), [{ baseUrl: api.url, apiKey: API_KEY, model: MODEL }]);
    expect(a!.baseUrl).toBe(selfHosted.url);
    expect(b!.baseUrl).toBe(api.url);
    // the k-th request of each endpoint carried the same prompt, in the same order
    const prompts = (s: FakeVllm) => s.received.map((r) => JSON.stringify(r.body.messages));
    expect(prompts(selfHosted).sort()).toEqual(prompts(api).sort());
    expect(new Set(prompts(selfHosted)).size).toBe(12);
    // at most 3 in flight on each: the level's concurrency per endpoint, not shared
    expect(selfHosted.maxInFlight).toBe(3);
    expect(api.maxInFlight).toBe(3);
    for (const r of [a!, b!]) expect(r.levels.map((l) => [l.concurrency, l.ok, l.failed])).toEqual([[1, 6, 0], [3, 6, 0]]);
    // each endpoint's own timings: the API's first token is faster, its stream slower
    expect(b!.levels[0]!.ttft!.p50).toBeLessThan(a!.levels[0]!.ttft!.p50);
    expect(b!.levels[0]!.itl!.p50).toBeGreaterThan(a!.levels[0]!.itl!.p50);
    // usage as each server reported it: 6 requests × (40 or 42) prompt tokens, 6 × 4 completion tokens
    expect(a!.levels[0]!.usage).toEqual({ requests: 6, promptTokens: 240, completionTokens: 24 });
    expect(b!.levels[0]!.usage).toEqual({ requests: 6, promptTokens: 252, completionTokens: 24 });
  });

  it("dispatches alternately: the endpoints' requests leave together, in the same prompt order", async () => {
    const sent: string[] = [];
    const send = async (req: ChatRequest) => {
      sent.push(`${req.baseUrl === api.url ? "api" : "self"}|${req.messages[0]!.content.slice(0, 8)}`);
      return streamChat(req);
    };
    await runSideBySide(plan({ concurrency: [2], requestsPerLevel: 2 }), [{ baseUrl: api.url, apiKey: API_KEY, model: MODEL }], { send });
    // "[side-0]": the synthetic prompt's tag carries the request's index
    expect(sent.slice(0, 4)).toEqual(["self|[side-0]", "api|[side-0]", "self|[side-1]", "api|[side-1]"]);
  });
});
