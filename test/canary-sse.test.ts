import { describe, expect, it } from "vitest";
import { SseParser, interpretData, type SseEvent } from "../scripts/canary/sse";

function feed(...chunks: Array<string | Buffer>): SseEvent[] {
  const parser = new SseParser();
  return [...chunks.flatMap((c) => parser.push(c)), ...parser.end()];
}

const data = (events: SseEvent[]) => events.map((e) => e.data);

describe("SseParser", () => {
  it("yields one event per blank-line-terminated block, with or without the space after the colon", () => {
    expect(data(feed('data: {"a":1}\n\ndata:{"b":2}\n\ndata: [DONE]\n\n'))).toEqual(['{"a":1}', '{"b":2}', "[DONE]"]);
  });

  it("accepts CRLF and lone CR line endings", () => {
    expect(data(feed("data: one\r\n\r\ndata: two\r\rdata: three\n\n"))).toEqual(["one", "two", "three"]);
  });

  it("treats a CR at the end of a chunk and an LF at the start of the next as one line ending", () => {
    // Were the LF a second line ending, "a" would be dispatched alone instead of joined with "b".
    expect(data(feed("data: a\r", "\ndata: b\r", "\n\r", "\n"))).toEqual(["a\nb"]);
  });

  it("skips comments and joins multi-line data with newlines", () => {
    const events = feed(": keep-alive\n\n: another\ndata: first\ndata: second\n\n");
    expect(data(events)).toEqual(["first\nsecond"]);
  });

  it("reads an event split at every possible point across chunks", () => {
    const text = 'data: {"choices":[{"delta":{"content":"hi"}}]}\r\n\r\ndata: [DONE]\r\n\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      expect(data(feed(text.slice(0, cut), text.slice(cut)))).toEqual(['{"choices":[{"delta":{"content":"hi"}}]}', "[DONE]"]);
    }
    expect(data(feed(...text.split("")))).toEqual(['{"choices":[{"delta":{"content":"hi"}}]}', "[DONE]"]);
  });

  it("decodes a UTF-8 character split across two Buffers", () => {
    const bytes = Buffer.from("data: héllo €\n\n", "utf8");
    const cut = bytes.indexOf(0xe2) + 1; // inside the three bytes of €
    expect(data(feed(bytes.subarray(0, cut), bytes.subarray(cut)))).toEqual(["héllo €"]);
  });

  it("keeps the event name and drops an event cut off before its blank line", () => {
    expect(feed("event: ping\ndata: x\n\ndata: unfinished\n")).toEqual([{ event: "ping", data: "x" }]);
  });

  it("dispatches nothing for a block without data lines", () => {
    expect(feed("event: empty\n\nid: 3\nretry: 10\n\n")).toEqual([]);
  });
});

describe("interpretData", () => {
  it("reads a content delta and its finish reason", () => {
    expect(interpretData('{"choices":[{"index":0,"delta":{"content":" the"},"finish_reason":null}]}')).toEqual({
      kind: "chunk",
      content: " the",
      answer: " the",
      finishReason: null,
    });
    expect(interpretData('{"choices":[{"delta":{"content":"."},"finish_reason":"length"}]}')).toMatchObject({ content: ".", finishReason: "length" });
  });

  it("reads the role-only first chunk as empty content", () => {
    expect(interpretData('{"choices":[{"delta":{"role":"assistant","content":""}}]}')).toMatchObject({ kind: "chunk", content: "" });
  });

  it("reads vLLM's usage chunk, which has no choices", () => {
    expect(interpretData('{"choices":[],"usage":{"prompt_tokens":512,"completion_tokens":128,"total_tokens":640}}')).toEqual({
      kind: "chunk",
      content: "",
      answer: "",
      finishReason: null,
      usage: { promptTokens: 512, completionTokens: 128 },
    });
  });

  it("counts reasoning_content as generated text, and keeps it out of the answer", () => {
    expect(interpretData('{"choices":[{"delta":{"reasoning_content":"hmm"}}]}')).toMatchObject({ content: "hmm", answer: "" });
    expect(interpretData('{"choices":[{"delta":{"reasoning_content":"so ","content":"4"}}]}')).toMatchObject({ content: "so 4", answer: "4" });
  });

  it("recognises [DONE], an in-stream error and data that is not a chunk", () => {
    expect(interpretData("[DONE]")).toEqual({ kind: "done" });
    expect(interpretData('{"error":{"message":"CUDA out of memory"}}')).toEqual({ kind: "error", message: "CUDA out of memory" });
    expect(interpretData('{"object":"error","message":"bad"}')).toEqual({ kind: "error", message: "bad" });
    expect(interpretData("{not json")).toMatchObject({ kind: "bad", message: expect.stringMatching(/^not JSON/) });
    expect(interpretData("[1,2]")).toMatchObject({ kind: "bad" });
    expect(interpretData('{"id":"x"}')).toMatchObject({ kind: "bad", message: expect.stringMatching(/no "choices"/) });
  });
});
