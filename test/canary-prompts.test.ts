import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WORDS_PER_TOKEN, loadPromptFile, parsePromptLines, syntheticPrompt, syntheticPrompts } from "../scripts/canary/prompts";
import { UsageError } from "../scripts/lib/usage";

describe("synthetic prompts", () => {
  it("have ⌈target × 0.75⌉ words", () => {
    expect(WORDS_PER_TOKEN).toBe(0.75);
    expect(syntheticPrompt(512, 0, "abcd").split(" ")).toHaveLength(384);
    expect(syntheticPrompt(100, 7, "abcd").split(" ")).toHaveLength(75);
  });

  it("differ from the first word on, per request and per run, and repeat for the same tag and index", () => {
    const a = syntheticPrompt(64, 1, "run1");
    const b = syntheticPrompt(64, 2, "run1");
    const c = syntheticPrompt(64, 1, "run2");
    expect(a.split(" ")[0]).not.toBe(b.split(" ")[0]);
    expect(a.split(" ")[0]).not.toBe(c.split(" ")[0]);
    // The word lists differ too, not only the tag.
    expect(a.slice(a.indexOf(":") + 1)).not.toBe(b.slice(b.indexOf(":") + 1));
    expect(syntheticPrompt(64, 1, "run1")).toBe(a);
  });

  it("are handed out as one user message per request", () => {
    const source = syntheticPrompts(32, "tag");
    expect(source.messagesFor(3)).toEqual([{ role: "user", content: syntheticPrompt(32, 3, "tag") }]);
    expect(source.description).toMatch(/synthetic, ~32 tokens/);
  });
});

describe("prompt files", () => {
  const dir = mkdtempSync(join(tmpdir(), "hostwise-canary-prompts-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("read prompts and message lists, skip blank lines, and cycle in order", () => {
    const path = join(dir, "ok.jsonl");
    writeFileSync(path, '\uFEFF{"prompt": "one"}\n\n{"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "two"}]}\r\n');
    const source = loadPromptFile(path);
    expect(source.messagesFor(0)).toEqual([{ role: "user", content: "one" }]);
    expect(source.messagesFor(1)).toEqual([
      { role: "system", content: "be brief" },
      { role: "user", content: "two" },
    ]);
    expect(source.messagesFor(2)).toEqual(source.messagesFor(0));
    expect(source.description).toContain("(2 prompts)");
  });

  it("name --prompts, the file and the line number of a bad line", () => {
    const cases: Array<[string, RegExp]> = [
      ['{"prompt": "ok"}\n\n{"prompt": oops}', /^--prompts: f\.jsonl line 3: not valid JSON/],
      ['{"prompt": ""}', /line 1: "prompt" is not a non-empty string/],
      ['{"text": "x"}', /line 1: has neither "prompt" nor "messages"/],
      ['{"messages": []}', /line 1: "messages" is not a non-empty array/],
      ['{"prompt": "a"}\n{"messages": [{"role": "robot", "content": "x"}]}', /line 2: messages\[0\]\.role is not one of system, user, assistant/],
      ['{"messages": [{"role": "user", "content": [{"type": "text"}]}]}', /line 1: messages\[0\]\.content is not a string/],
      ["[1]", /line 1: not a JSON object/],
      ["\n\n", /--prompts: f\.jsonl has no prompts/],
    ];
    for (const [text, message] of cases) {
      let error: unknown;
      try {
        parsePromptLines(text, "f.jsonl");
      } catch (e) {
        error = e;
      }
      expect(error, text).toBeInstanceOf(UsageError);
      expect((error as Error).message, text).toMatch(message);
    }
  });

  it("say so when the file cannot be read", () => {
    expect(() => loadPromptFile(join(dir, "missing.jsonl"))).toThrow(/^--prompts: cannot read .*missing\.jsonl/);
  });
});
