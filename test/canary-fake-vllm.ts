// A fake vLLM for the canary tests: a real HTTP server on 127.0.0.1 speaking the OpenAI streaming protocol,
// with the delays and failures a test asks for.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Behavior {
  /** Milliseconds before the first content token (after the role chunk, which vLLM sends at once). */
  readonly firstTokenDelayMs?: number;
  /** Milliseconds between content chunks. */
  readonly tokenDelayMs?: number;
  /** Content chunks to send; default: the request's max_tokens. */
  readonly chunks?: number;
  /** Tokens each chunk stands for in the usage count (vLLM can batch tokens into one chunk). */
  readonly tokensPerChunk?: number;
  /** Send the usage chunk when the request asks for it (default true). */
  readonly sendUsage?: boolean;
  readonly promptTokens?: number;
  /** Destroy the socket after this many content chunks. */
  readonly dropAfterChunks?: number;
  /** End the response cleanly after the content, without finish_reason or [DONE]. */
  readonly endWithoutDone?: boolean;
  /** Send finish_reason but close before [DONE]. */
  readonly skipDone?: boolean;
  /** Answer with this HTTP status and an OpenAI-style JSON error body. */
  readonly status?: number;
  readonly errorMessage?: string;
  /** Accept the request and never answer. */
  readonly hang?: boolean;
  /** Send a data line that is not JSON after the first content chunk. */
  readonly badData?: boolean;
  /** Send a vLLM error object mid-stream after the first content chunk. */
  readonly streamError?: string;
  /** Answer 200 with a JSON body instead of an event stream. */
  readonly notStreaming?: boolean;
  /** Stream this answer (one chunk a word, finish_reason "stop") instead of max_tokens placeholder tokens. */
  readonly answer?: (prompt: string) => string;
  /** Extra response headers (what a hostwise entry point adds: x-litellm-model-id, x-hostwise-backend, retry-after). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Received {
  readonly body: Record<string, unknown>;
  readonly authorization: string | undefined;
  /** Requests in flight when this one arrived, itself included. */
  readonly inFlight: number;
}

export interface FakeVllm {
  readonly url: string;
  readonly received: Received[];
  maxInFlight: number;
  /** Behavior of every request, or per request by arrival index. */
  behavior: Behavior | ((index: number) => Behavior);
  /** What GET /metrics answers (Prometheus text format), like vLLM's unauthenticated metrics endpoint. */
  metrics: string;
  close(): Promise<void>;
}

export const API_KEY = "test-key";
export const MODEL = "fake/llama-test";

function chunk(choices: unknown[], extra: Record<string, unknown> = {}): string {
  return `data: ${JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 0, model: MODEL, choices, ...extra })}\n\n`;
}

export async function startFakeVllm(behavior: FakeVllm["behavior"] = {}): Promise<FakeVllm> {
  let inFlight = 0;
  const timers = new Set<NodeJS.Timeout>();
  const fake: FakeVllm = { url: "", received: [], maxInFlight: 0, behavior, metrics: "", close: async () => undefined };

  const later = (ms: number, res: ServerResponse, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!res.destroyed) fn();
    }, ms);
    timers.add(t);
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };

  const stream = (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>, b: Behavior) => {
    const prompt = String((body.messages as Array<{ content?: unknown }> | undefined)?.at(-1)?.content ?? "");
    const words = b.answer ? b.answer(prompt).split(/(?<= )/) : undefined;
    const chunks = words?.length ?? b.chunks ?? (typeof body.max_tokens === "number" ? body.max_tokens : 8);
    const wantsUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", ...b.headers });
    res.write(chunk([{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }]));
    const send = (i: number) => {
      if (b.dropAfterChunks !== undefined && i === b.dropAfterChunks) return req.socket.destroy();
      if (i === 1 && b.badData) return res.write("data: {not json\n\n");
      if (i === 1 && b.streamError) {
        res.write(`data: ${JSON.stringify({ error: { object: "error", message: b.streamError, type: "InternalServerError", code: 500 } })}\n\n`);
        return res.end();
      }
      if (i === chunks) {
        if (b.endWithoutDone) return res.end();
        if (b.sendUsage !== false && wantsUsage) {
          const completion = chunks * (b.tokensPerChunk ?? 1);
          const prompt = b.promptTokens ?? 100;
          res.write(chunk([], { usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } }));
        }
        if (b.skipDone) return res.end();
        res.write("data: [DONE]\n\n");
        return res.end();
      }
      const last = i === chunks - 1 && !b.endWithoutDone;
      const finish = last ? (words ? "stop" : "length") : null;
      res.write(chunk([{ index: 0, delta: { content: words ? words[i] : ` t${i}` }, logprobs: null, finish_reason: finish }]));
      later(b.tokenDelayMs ?? 0, res, () => send(i + 1));
    };
    later(b.firstTokenDelayMs ?? 0, res, () => send(0));
  };

  const server: Server = createServer((req, res) => {
    inFlight++;
    fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
    res.on("close", () => inFlight--);
    if (req.method === "GET" && req.url === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      return res.end(fake.metrics);
    }
    if (req.headers.authorization !== `Bearer ${API_KEY}`) {
      req.resume();
      return json(res, 401, { error: { message: "Unauthorized: wrong API key", type: "invalid_request_error", code: 401 } });
    }
    if (req.method === "GET" && req.url === "/v1/models") {
      return json(res, 200, { object: "list", data: [{ id: MODEL, object: "model" }, { id: "other/model", object: "model" }] });
    }
    const parts: Buffer[] = [];
    req.on("data", (b: Buffer) => parts.push(b));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(parts).toString("utf8")) as Record<string, unknown>;
      const index = fake.received.length;
      fake.received.push({ body, authorization: req.headers.authorization, inFlight });
      const b = typeof fake.behavior === "function" ? fake.behavior(index) : fake.behavior;
      if (b.hang) return;
      if (b.status !== undefined) return json(res, b.status, { error: { message: b.errorMessage ?? `status ${b.status}`, type: "error", code: b.status } }, b.headers);
      if (b.notStreaming) return json(res, 200, { id: "x", object: "chat.completion", choices: [] });
      stream(req, res, body, b);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return fake;
}

/** A 127.0.0.1 port with nothing listening: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
