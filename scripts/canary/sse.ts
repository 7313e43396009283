// Parsing of an OpenAI chat-completions stream: Server-Sent Events whose data lines carry JSON chunks and end
// with `data: [DONE]`. Pure: no I/O, fed with whatever chunks the socket delivers.

/** One dispatched Server-Sent Event. `event` is the `event:` field, "message" when absent. */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/**
 * An incremental SSE parser (the WHATWG event-stream rules): lines end in LF, CRLF or CR, a blank line
 * dispatches the event, lines starting with ':' are comments, several `data:` lines join with "\n", and one
 * space after the colon is dropped. Bytes are decoded as a UTF-8 stream, so a character split across chunks
 * survives.
 */
export class SseParser {
  private readonly decoder = new TextDecoder("utf-8");
  private buffer = "";
  /** The last chunk ended in CR: an LF starting the next chunk belongs to the same line ending. */
  private skipLeadingLf = false;
  private data: string[] = [];
  private eventName = "";

  /** Feeds a chunk; returns the events it completed, in order. */
  push(chunk: Buffer | Uint8Array | string): SseEvent[] {
    let text = typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    if (this.skipLeadingLf && text.length > 0) {
      if (text.startsWith("\n")) text = text.slice(1);
      this.skipLeadingLf = false;
    }
    this.buffer += text;
    const events: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== "\n" && c !== "\r") continue;
      this.line(this.buffer.slice(start, i), events);
      if (c === "\r") {
        if (i + 1 === this.buffer.length) this.skipLeadingLf = true;
        else if (this.buffer[i + 1] === "\n") i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  /**
   * The stream ended. An event without its closing blank line is dropped, as the SSE rules say, so a cut-off
   * stream never yields half an event.
   */
  end(): SseEvent[] {
    this.decoder.decode();
    this.buffer = "";
    this.data = [];
    this.eventName = "";
    return [];
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === "") {
      if (this.data.length > 0) events.push({ event: this.eventName || "message", data: this.data.join("\n") });
      this.data = [];
      this.eventName = "";
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.eventName = value;
    // `id` and `retry` only matter to reconnecting clients; a load test never reconnects.
  }
}

export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** What one event of a chat-completions stream says. */
export type StreamItem =
  | { readonly kind: "done" }
  | {
      readonly kind: "chunk";
      /** Generated text in this chunk, reasoning included ("" for the role-only first chunk and the usage chunk). */
      readonly content: string;
      /** The answer's part of it: `delta.content` without a reasoning model's `reasoning_content`. */
      readonly answer: string;
      readonly finishReason: string | null;
      /** Present in the final chunk when the request asked for `stream_options.include_usage`. */
      readonly usage?: Usage;
    }
  /** The server reported an error inside the stream (vLLM does this when generation fails mid-way). */
  | { readonly kind: "error"; readonly message: string }
  /** Data that is not a chat-completions chunk. */
  | { readonly kind: "bad"; readonly message: string };

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function count(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function parseUsage(v: unknown): Usage | undefined {
  if (!isObject(v)) return undefined;
  const promptTokens = count(v.prompt_tokens);
  const completionTokens = count(v.completion_tokens);
  return promptTokens === undefined || completionTokens === undefined ? undefined : { promptTokens, completionTokens };
}

/** The message of an error body: OpenAI's {"error": {"message"}}, vLLM's {"object": "error", "message"}, FastAPI's {"detail"}. */
export function errorMessageOf(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  if (isObject(body.error) && typeof body.error.message === "string") return body.error.message;
  if (typeof body.error === "string") return body.error;
  if (body.object === "error" && typeof body.message === "string") return body.message;
  if (typeof body.detail === "string") return body.detail;
  return undefined;
}

/** Interprets the data of one event of a chat-completions stream. */
export function interpretData(data: string): StreamItem {
  if (data.trim() === "[DONE]") return { kind: "done" };
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { kind: "bad", message: `not JSON: ${excerpt(data)}` };
  }
  if (!isObject(json)) return { kind: "bad", message: `not a JSON object: ${excerpt(data)}` };
  const error = errorMessageOf(json);
  if (error !== undefined) return { kind: "error", message: error };
  if (!Array.isArray(json.choices)) return { kind: "bad", message: `no "choices" array: ${excerpt(data)}` };
  const usage = parseUsage(json.usage);
  const choice: unknown = json.choices[0];
  if (choice === undefined) return { kind: "chunk", content: "", answer: "", finishReason: null, ...(usage && { usage }) };
  if (!isObject(choice)) return { kind: "bad", message: `choices[0] is not an object: ${excerpt(data)}` };
  const delta = isObject(choice.delta) ? choice.delta : {};
  // Reasoning models served with a vLLM reasoning parser stream their thinking in `reasoning_content`:
  // output tokens all the same, and the first of them is the first token the client sees.
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  const answer = text(delta.content);
  const content = text(delta.reasoning_content) + answer;
  const finishReason = typeof choice.finish_reason === "string" ? choice.finish_reason : null;
  return { kind: "chunk", content, answer, finishReason, ...(usage && { usage }) };
}

/** A short, single-line excerpt of untrusted text for an error message. */
export function excerpt(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
