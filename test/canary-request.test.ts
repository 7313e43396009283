import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EndpointError, endpointUrl, listModels, streamChat, type ChatRequest } from "../scripts/canary/request";
import { API_KEY, MODEL, closedPort, startFakeVllm, type Behavior, type FakeVllm } from "./canary-fake-vllm";

let server: FakeVllm;
beforeAll(async () => {
  server = await startFakeVllm();
});
afterAll(() => server.close());

function request(behavior: Behavior, overrides: Partial<ChatRequest> = {}) {
  server.behavior = behavior;
  return streamChat({
    baseUrl: server.url,
    apiKey: API_KEY,
    model: MODEL,
    messages: [{ role: "user", content: "hello" }],
    maxTokens: 4,
    ignoreEos: true,
    timeoutSeconds: 5,
    ...overrides,
  });
}

describe("streamChat timing", () => {
  it("measures the time to first token and the gaps between tokens against the server's delays", async () => {
    const r = await request({ firstTokenDelayMs: 40, tokenDelayMs: 15, chunks: 6 });
    expect(r.ok).toBe(true);
    // The role chunk arrives at once and carries no text, so it must not count as the first token.
    expect(r.ttftSeconds!).toBeGreaterThanOrEqual(0.038);
    expect(r.ttftSeconds!).toBeLessThan(0.2);
    expect(r.itlSeconds).toHaveLength(5);
    const meanItl = r.itlSeconds.reduce((a, b) => a + b, 0) / r.itlSeconds.length;
    expect(meanItl).toBeGreaterThanOrEqual(0.012);
    expect(meanItl).toBeLessThan(0.06);
    // End to end: 40 ms + 5 gaps of 15 ms at least.
    expect(r.e2eSeconds).toBeGreaterThanOrEqual(0.114);
    expect(r.e2eSeconds).toBeGreaterThanOrEqual(r.ttftSeconds! + r.itlSeconds.reduce((a, b) => a + b, 0) - 1e-9);
    expect(r.finishReason).toBe("length");
  });

  it("sends the OpenAI streaming body with usage requested, ignore_eos, temperature 0 and the Bearer key", async () => {
    await request({ chunks: 1 }, { maxTokens: 7 });
    const last = server.received[server.received.length - 1]!;
    expect(last.authorization).toBe(`Bearer ${API_KEY}`);
    expect(last.body).toEqual({
      model: MODEL,
      messages: [{ role: "user", content: "hello" }],
      max_tokens: 7,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0,
      ignore_eos: true,
    });
    await request({ chunks: 1 }, { ignoreEos: false });
    expect(server.received[server.received.length - 1]!.body).not.toHaveProperty("ignore_eos");
  });
});

describe("streamChat token counts", () => {
  it("takes output and prompt tokens from the usage chunk when the server sends one", async () => {
    // Two tokens per chunk: usage says 8, there are 4 chunks.
    const r = await request({ chunks: 4, tokensPerChunk: 2, promptTokens: 321 });
    expect(r).toMatchObject({ ok: true, outputTokens: 8, outputTokensSource: "usage", promptTokens: 321 });
  });

  it("counts content chunks when the server sends no usage", async () => {
    const r = await request({ chunks: 4, tokensPerChunk: 2, sendUsage: false });
    expect(r).toMatchObject({ ok: true, outputTokens: 4, outputTokensSource: "chunks" });
    expect(r.promptTokens).toBeUndefined();
  });

  it("accepts a stream that has a finish_reason but closes before [DONE]", async () => {
    const r = await request({ chunks: 3, skipDone: true });
    expect(r).toMatchObject({ ok: true, outputTokens: 3, finishReason: "length" });
  });
});

describe("streamChat failures, by kind", () => {
  it("http_401 for a wrong key, with the server's message", async () => {
    const r = await request({}, { apiKey: "wrong" });
    expect(r).toMatchObject({ ok: false, status: 401, error: { kind: "http_401", message: "Unauthorized: wrong API key" } });
  });

  it("http_429 and http_500 with the error body's message", async () => {
    expect((await request({ status: 429, errorMessage: "Too many requests" })).error).toEqual({ kind: "http_429", message: "Too many requests" });
    expect((await request({ status: 500, errorMessage: "engine dead" })).error).toEqual({ kind: "http_500", message: "engine dead" });
  });

  it("timeout when the server never answers, after the configured time", async () => {
    const r = await request({ hang: true }, { timeoutSeconds: 0.15 });
    expect(r.error?.kind).toBe("timeout");
    expect(r.error?.message).toMatch(/within 0\.15 s \(before a response arrived\)/);
    expect(r.e2eSeconds).toBeGreaterThanOrEqual(0.149);
    expect(r.e2eSeconds).toBeLessThan(1);
  });

  it("timeout in the middle of a slow stream", async () => {
    const r = await request({ chunks: 50, tokenDelayMs: 30 }, { timeoutSeconds: 0.12, maxTokens: 50 });
    expect(r.error?.kind).toBe("timeout");
    expect(r.error?.message).toMatch(/after \d+ content chunks/);
  });

  it("connection when nothing listens", async () => {
    const r = await streamChat({
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      model: MODEL,
      messages: [{ role: "user", content: "x" }],
      maxTokens: 1,
      ignoreEos: true,
      timeoutSeconds: 2,
    });
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ kind: "connection", message: expect.stringMatching(/ECONNREFUSED/) });
  });

  it("incomplete_stream when the connection drops mid-stream or ends without [DONE] or a finish_reason", async () => {
    const dropped = await request({ chunks: 5, dropAfterChunks: 2 });
    expect(dropped.error?.kind).toBe("incomplete_stream");
    expect(dropped.ttftSeconds).toBeDefined();
    const cut = await request({ chunks: 3, endWithoutDone: true });
    expect(cut.error).toMatchObject({ kind: "incomplete_stream", message: expect.stringMatching(/after 3 content chunks/) });
  });

  it("bad_response for data that is not JSON, or an answer that is not an event stream", async () => {
    expect((await request({ chunks: 3, badData: true })).error).toMatchObject({ kind: "bad_response", message: expect.stringMatching(/not JSON/) });
    expect((await request({ notStreaming: true })).error).toMatchObject({ kind: "bad_response", message: expect.stringMatching(/text\/event-stream/) });
  });

  it("stream_error when the server reports an error inside the stream", async () => {
    expect((await request({ chunks: 3, streamError: "CUDA out of memory" })).error).toEqual({ kind: "stream_error", message: "CUDA out of memory" });
  });

  it("aborted when the caller's signal fires, before or during the request", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const r = await request({ hang: true }, { signal: controller.signal });
    expect(r.error?.kind).toBe("aborted");
    expect(r.e2eSeconds).toBeLessThan(1);
    expect((await request({}, { signal: AbortSignal.abort() })).error?.kind).toBe("aborted");
  });
});

describe("endpoints and models", () => {
  it("builds endpoint URLs from a base with or without /v1 and a trailing slash", () => {
    expect(endpointUrl("http://h:8000", "/v1/models").href).toBe("http://h:8000/v1/models");
    expect(endpointUrl("http://h:8000/v1/", "/v1/models").href).toBe("http://h:8000/v1/models");
    expect(endpointUrl("https://h/prefix", "/v1/chat/completions").href).toBe("https://h/prefix/v1/chat/completions");
  });

  it("lists the served models, and reports a refused key", async () => {
    expect(await listModels(server.url, API_KEY, 2)).toEqual([MODEL, "other/model"]);
    await expect(listModels(server.url, "wrong", 2)).rejects.toThrow(EndpointError);
    await expect(listModels(server.url, "wrong", 2)).rejects.toThrow(/HTTP 401: Unauthorized: wrong API key/);
  });
});
