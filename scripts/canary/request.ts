// One streaming chat completion against an OpenAI-compatible server, timed from the client's side. Built on
// node:http/https rather than fetch so that the timeout, the abort and a dropped connection are each seen
// and classified explicitly.

import http from "node:http";
import https from "node:https";
import { performance } from "node:perf_hooks";
import { BACKEND_HEADER } from "../../infra/k8s/entry-objects";
import type { Backend } from "../../infra/k8s/entry-routing";
import type { ChatMessage } from "./prompts";
import { SseParser, errorMessageOf, excerpt, interpretData, type Usage } from "./sse";

/**
 * Why a request failed:
 * - `http_<status>`: the server answered with a non-200 status (the message is the body's error message);
 * - `timeout`: no complete response within the per-request timeout (connect to last byte);
 * - `connection`: the connection failed before a response arrived (refused, reset, socket hang up, DNS);
 * - `incomplete_stream`: a 200 stream that ended (closed or reset) before `[DONE]` or a finish_reason;
 * - `stream_error`: the server reported an error inside the stream;
 * - `bad_response`: a 200 answer that is not an event stream of chat-completion chunks;
 * - `aborted`: the caller's AbortSignal fired (a stopped run, not the server's fault).
 */
export type ErrorKind =
  | `http_${number}`
  | "timeout"
  | "connection"
  | "incomplete_stream"
  | "stream_error"
  | "bad_response"
  | "aborted";

export interface RequestError {
  readonly kind: ErrorKind;
  readonly message: string;
}

export interface ChatRequest {
  /** The server's base URL, e.g. http://127.0.0.1:8000 (a trailing /v1 is accepted). */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <key>`; no header without one. */
  readonly apiKey?: string;
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly maxTokens: number;
  /** vLLM's `ignore_eos` extra parameter: generate exactly maxTokens tokens, so every request has the same output length. */
  readonly ignoreEos: boolean;
  readonly timeoutSeconds: number;
  readonly signal?: AbortSignal;
  /** Connection pool to use (see createAgent); Node's global agent without one. */
  readonly agent?: http.Agent;
  /** Keep the answer's text (for evals); load tests only count its chunks. */
  readonly keepText?: boolean;
}

export interface RequestResult {
  readonly ok: boolean;
  readonly error?: RequestError;
  /** HTTP status, when a response arrived. */
  readonly status?: number;
  /** Seconds from sending the request to the first non-empty content delta. */
  readonly ttftSeconds?: number;
  /** Seconds between consecutive content chunks (one chunk usually carries one token). */
  readonly itlSeconds: readonly number[];
  /** Seconds from sending the request to its end: [DONE], the end of the stream, or the failure. */
  readonly e2eSeconds: number;
  readonly outputTokens: number;
  /** "usage": the server's completion_tokens; "chunks": counted content chunks (the server sent no usage). */
  readonly outputTokensSource: "usage" | "chunks";
  readonly promptTokens?: number;
  readonly finishReason?: string;
  /** The answer (content without reasoning), when the request asked to keep it. */
  readonly text?: string;
  /** Which backend answered, from the entry point's headers (see backendOf); absent when none says. */
  readonly backend?: Backend;
  /** The server's Retry-After, seconds, when it sent one (the entry point's 503 after its hold). */
  readonly retryAfterSeconds?: number;
}

/**
 * The backend a hostwise entry point says answered: the LiteLLM gateway's deployment id (`vllm` or
 * `fallback`), or the responder's `x-hostwise-backend: none`. Undefined for any other server.
 */
export function backendOf(headers: http.IncomingHttpHeaders): Backend | undefined {
  const gateway = headers[BACKEND_HEADER.gateway];
  if (gateway === "vllm" || gateway === "fallback") return gateway;
  const attempted = Number(headers["x-litellm-attempted-fallbacks"]);
  if (gateway !== undefined && attempted > 0) return "fallback";
  if (headers[BACKEND_HEADER.responder] === "none") return "none";
  return undefined;
}

/** Retry-After in seconds (the delta-seconds form; an HTTP date is read against now). */
export function retryAfterOf(headers: http.IncomingHttpHeaders, now = Date.now()): number | undefined {
  const value = headers["retry-after"];
  if (typeof value !== "string" || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

/** {base}{path}, where base may end in "/" or "/v1" and path starts with "/v1/". */
export function endpointUrl(baseUrl: string, path: string): URL {
  const url = new URL(baseUrl);
  url.pathname = url.pathname.replace(/\/+$/, "").replace(/\/v1$/, "") + path;
  url.search = "";
  url.hash = "";
  return url;
}

/** A keep-alive connection pool without a socket limit, so N concurrent requests really use N connections. */
export function createAgent(baseUrl: string): http.Agent {
  const options = { keepAlive: true, maxSockets: Infinity };
  return new URL(baseUrl).protocol === "https:" ? new https.Agent(options) : new http.Agent(options);
}

function transport(url: URL): typeof http | typeof https {
  if (url.protocol === "http:") return http;
  if (url.protocol === "https:") return https;
  throw new Error(`unsupported protocol ${url.protocol} in ${url.origin}`);
}

function headers(apiKey: string | undefined, extra: Record<string, string | number>): http.OutgoingHttpHeaders {
  return { ...extra, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
}

const ERROR_BODY_LIMIT = 64 * 1024;

/** Reads up to `limit` bytes of a response body (an error page can be large; its head says enough). */
function readBody(res: http.IncomingMessage, limit: number, done: (body: string) => void): void {
  const parts: Buffer[] = [];
  let size = 0;
  let called = false;
  const finish = () => {
    if (called) return;
    called = true;
    done(Buffer.concat(parts).toString("utf8"));
  };
  res.on("data", (b: Buffer) => {
    if (size < limit) parts.push(b.subarray(0, limit - size));
    size += b.length;
  });
  res.on("end", finish);
  res.on("close", finish);
  res.on("error", () => undefined); // a reset mid-body: "close" follows and ends the read
}

/** The message in an error body, or an excerpt of it. */
function describeErrorBody(body: string, fallback: string): string {
  try {
    const message = errorMessageOf(JSON.parse(body));
    if (message !== undefined) return excerpt(message, 300);
  } catch {
    // not JSON: fall through to the raw text
  }
  return excerpt(body, 300) || fallback;
}

function describeSocketError(e: NodeJS.ErrnoException): string {
  return e.code && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : e.message;
}

/** Sends one streaming chat completion and measures it. Never rejects: every failure is a result with an error. */
export function streamChat(req: ChatRequest): Promise<RequestResult> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const elapsed = () => (performance.now() - t0) / 1000;
    const itlSeconds: number[] = [];
    let ttftSeconds: number | undefined;
    let lastTokenAt = 0;
    let contentChunks = 0;
    let text = "";
    let usage: Usage | undefined;
    let finishReason: string | undefined;
    let status: number | undefined;
    let backend: Backend | undefined;
    let retryAfterSeconds: number | undefined;
    let settled = false;
    let request: http.ClientRequest | undefined;

    const finish = (error?: RequestError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", onAbort);
      resolve({
        ok: error === undefined,
        ...(error && { error }),
        ...(status !== undefined && { status }),
        ...(ttftSeconds !== undefined && { ttftSeconds }),
        itlSeconds,
        e2eSeconds: elapsed(),
        outputTokens: usage ? usage.completionTokens : contentChunks,
        outputTokensSource: usage ? "usage" : "chunks",
        ...(usage && { promptTokens: usage.promptTokens }),
        ...(finishReason !== undefined && { finishReason }),
        ...(req.keepText && { text }),
        ...(backend !== undefined && { backend }),
        ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
      });
      // On failure nothing more is wanted from this connection; on success it goes back to the pool.
      if (error) request?.destroy();
    };
    const progress = () => (status === undefined ? "before a response arrived" : `after ${contentChunks} content chunks`);
    const onAbort = () => finish({ kind: "aborted", message: `stopped by the caller ${progress()}` });
    const timer = setTimeout(
      () => finish({ kind: "timeout", message: `no complete response within ${req.timeoutSeconds} s (${progress()})` }),
      req.timeoutSeconds * 1000,
    );

    if (req.signal?.aborted) return onAbort();
    req.signal?.addEventListener("abort", onAbort, { once: true });

    let url: URL;
    let client: typeof http | typeof https;
    try {
      url = endpointUrl(req.baseUrl, "/v1/chat/completions");
      client = transport(url);
    } catch (e) {
      return finish({ kind: "connection", message: (e as Error).message });
    }
    const body = JSON.stringify({
      model: req.model,
      messages: req.messages,
      max_tokens: req.maxTokens,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0,
      ...(req.ignoreEos && { ignore_eos: true }),
    });

    const onData = (data: string, at: number) => {
      const item = interpretData(data);
      switch (item.kind) {
        case "done":
          return finish();
        case "error":
          return finish({ kind: "stream_error", message: excerpt(item.message, 300) });
        case "bad":
          return finish({ kind: "bad_response", message: item.message });
        case "chunk":
          if (req.keepText) text += item.answer;
          if (item.content !== "") {
            contentChunks++;
            if (ttftSeconds === undefined) ttftSeconds = at;
            else itlSeconds.push(at - lastTokenAt);
            lastTokenAt = at;
          }
          if (item.finishReason !== null) finishReason = item.finishReason;
          if (item.usage) usage = item.usage;
      }
    };

    const onResponse = (res: http.IncomingMessage) => {
      status = res.statusCode ?? 0;
      backend = backendOf(res.headers);
      retryAfterSeconds = retryAfterOf(res.headers);
      if (status !== 200) {
        const code = status;
        readBody(res, ERROR_BODY_LIMIT, (text) => finish({ kind: `http_${code}`, message: describeErrorBody(text, res.statusMessage ?? "") }));
        return;
      }
      const type = String(res.headers["content-type"] ?? "");
      if (!type.includes("text/event-stream")) {
        readBody(res, ERROR_BODY_LIMIT, (text) =>
          finish({ kind: "bad_response", message: `expected a text/event-stream, got "${type}": ${excerpt(text)}` }),
        );
        return;
      }
      const parser = new SseParser();
      res.on("data", (chunk: Buffer) => {
        const at = elapsed();
        for (const event of parser.push(chunk)) {
          if (settled) return;
          onData(event.data, at);
        }
      });
      // A stream that carried a finish_reason is complete even if the connection closed before [DONE].
      const ended = () => {
        parser.end();
        if (finishReason !== undefined) return finish();
        finish({ kind: "incomplete_stream", message: `the stream ended before [DONE] or a finish_reason, after ${contentChunks} content chunks` });
      };
      res.on("end", ended);
      res.on("close", ended);
      res.on("error", () => undefined); // a reset mid-stream: "close" follows and classifies it
    };

    request = client.request(url, {
      method: "POST",
      agent: req.agent,
      headers: headers(req.apiKey, {
        "content-type": "application/json",
        accept: "text/event-stream",
        "content-length": Buffer.byteLength(body),
      }),
    });
    request.on("response", onResponse);
    request.on("error", (e: NodeJS.ErrnoException) => {
      if (status === undefined) finish({ kind: "connection", message: describeSocketError(e) });
      else finish({ kind: "incomplete_stream", message: `the stream broke: ${describeSocketError(e)}` });
    });
    request.end(body);
  });
}

/** The server could not list its models: unreachable, refused the key, or answered something else. */
export class EndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EndpointError";
  }
}

/** GET {base}/v1/models: the ids of the served models, in the server's order. */
export function listModels(baseUrl: string, apiKey: string | undefined, timeoutSeconds: number, signal?: AbortSignal): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const url = endpointUrl(baseUrl, "/v1/models");
    const fail = (message: string) => {
      clearTimeout(timer);
      request.destroy();
      reject(new EndpointError(`GET ${url.href}: ${message}`));
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutSeconds} s`), timeoutSeconds * 1000);
    const request = transport(url).request(url, { method: "GET", signal, headers: headers(apiKey, { accept: "application/json" }) });
    request.on("error", (e: NodeJS.ErrnoException) => fail(e.name === "AbortError" ? "stopped" : describeSocketError(e)));
    request.on("response", (res) =>
      readBody(res, 1024 * 1024, (text) => {
        clearTimeout(timer);
        if (res.statusCode !== 200) return reject(new EndpointError(`GET ${url.href}: HTTP ${res.statusCode}: ${describeErrorBody(text, res.statusMessage ?? "")}`));
        let ids: string[] = [];
        try {
          const json = JSON.parse(text) as { data?: Array<{ id?: unknown }> };
          ids = (Array.isArray(json.data) ? json.data : []).map((m) => m.id).filter((id): id is string => typeof id === "string");
        } catch {
          return reject(new EndpointError(`GET ${url.href}: not JSON: ${excerpt(text)}`));
        }
        resolve(ids);
      }),
    );
    request.end();
  });
}
