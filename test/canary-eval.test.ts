import { describe, expect, it } from "vitest";
import { answerJson, checkAnswer, loadEvalSet, numbersIn, parseEvalLines, runEval, type Answer, type EvalSet } from "../scripts/canary/eval";
import { UsageError } from "../scripts/lib/usage";

// The eval engine: the JSONL format, the five checks, the shipped default set, and a run over two endpoints.

function parseError(text: string): string {
  try {
    parseEvalLines(text, "e.jsonl");
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error("expected a UsageError");
}

describe("eval files", () => {
  it("read prompts or messages, each check's fields, and defaults", () => {
    const items = parseEvalLines(
      [
        '{"prompt": "2+2?", "check": "numeric", "expected": 4}',
        "",
        '{"id": "x", "messages": [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "Capital of France?"}], "check": "exact", "expected": "Paris", "ignoreCase": true, "maxTokens": 8}',
        '{"prompt": "p", "check": "json", "path": "a.0", "expected": {"b": [1]}}',
        '{"prompt": "p", "check": "regex", "pattern": "^a+$"}',
      ].join("\n"),
      "e.jsonl",
    );
    expect(items.map((i) => i.id)).toEqual(["line 1", "x", "line 4", "line 5"]);
    expect(items[0]).toEqual({ id: "line 1", messages: [{ role: "user", content: "2+2?" }], check: { kind: "numeric", expected: 4, tolerance: 0 }, maxTokens: 256 });
    expect(items[1]).toMatchObject({ messages: [{ role: "system" }, { role: "user" }], check: { kind: "exact", expected: "Paris", ignoreCase: true }, maxTokens: 8 });
    expect(items[2]!.check).toEqual({ kind: "json", path: "a.0", expected: { b: [1] } });
  });

  it("reject a bad line, naming the file, the line and the field", () => {
    const cases: Array<[string, RegExp]> = [
      ["{nope", /e\.jsonl line 1: not valid JSON/],
      ["[1]", /line 1: not a JSON object/],
      ['{"check": "exact", "expected": "a"}', /line 1: has neither "prompt" nor a non-empty "messages" array/],
      ['{"prompt": "p", "check": "fuzzy"}', /line 1: "check" is "fuzzy", not one of exact, contains, regex, numeric, json/],
      ['{"prompt": "p", "check": "numeric", "expected": "4"}', /"expected" of a numeric check is not a number/],
      ['{"prompt": "p", "check": "numeric", "expected": 4, "tolerance": -1}', /"tolerance" is not a number of at least 0/],
      ['{"prompt": "p", "check": "regex", "pattern": "("}', /"pattern" is not a regular expression/],
      ['{"prompt": "p", "check": "json"}', /a json check needs "expected"/],
      ['{"prompt": "p", "check": "exact", "expected": ""}', /"expected" of a exact check is not a non-empty string/],
      ['{"prompt": "p", "check": "exact", "expected": "a", "maxTokens": 0}', /"maxTokens" is not a whole number from 1 to 32,768/],
      ['{"id": "a", "prompt": "p", "check": "exact", "expected": "a"}\n{"id": "a", "prompt": "q", "check": "exact", "expected": "b"}', /line 2: "id" "a" is used twice/],
      ['{"messages": [{"role": "bot", "content": "x"}], "check": "exact", "expected": "a"}', /messages\[0\]\.role is not one of system, user, assistant/],
      ["\n\n", /e\.jsonl has no items/],
    ];
    for (const [text, message] of cases) expect(parseError(text), text).toMatch(message);
    expect(() => loadEvalSet("/nonexistent/evals.jsonl")).toThrow(/--eval: cannot read \/nonexistent\/evals\.jsonl/);
  });
});

describe("checks", () => {
  it("exact, contains and regex compare the trimmed answer", () => {
    expect(checkAnswer({ kind: "exact", expected: "OK", ignoreCase: false }, "  OK\n").pass).toBe(true);
    expect(checkAnswer({ kind: "exact", expected: "OK", ignoreCase: false }, "OK.").pass).toBe(false);
    expect(checkAnswer({ kind: "exact", expected: "ok", ignoreCase: true }, "OK").pass).toBe(true);
    expect(checkAnswer({ kind: "contains", expected: "Paris", ignoreCase: false }, "It is Paris.").pass).toBe(true);
    expect(checkAnswer({ kind: "contains", expected: "paris", ignoreCase: false }, "It is Paris.").pass).toBe(false);
    expect(checkAnswer({ kind: "regex", pattern: "^3,\\s*7$", ignoreCase: false }, "3, 7").pass).toBe(true);
    expect(checkAnswer({ kind: "regex", pattern: "^red$", ignoreCase: true }, "RED")).toEqual({ pass: true, detail: "expected to match /^red$/i" });
  });

  it("numeric reads the answer's last number, thousands separators dropped, within the tolerance", () => {
    expect(numbersIn("$18,000 in 2 minutes, or -1.5e3")).toEqual([18000, 2, -1500]);
    const check = { kind: "numeric" as const, expected: 391, tolerance: 0 };
    expect(checkAnswer(check, "17 × 23 = 391")).toEqual({ pass: true, detail: "read 391; expected 391" });
    expect(checkAnswer(check, "390").pass).toBe(false);
    expect(checkAnswer(check, "I cannot say")).toEqual({ pass: false, detail: "no number in the answer; expected 391" });
    expect(checkAnswer({ kind: "numeric", expected: 7.8, tolerance: 0.001 }, "7.80").pass).toBe(true);
  });

  it("json parses the answer (a fence around it allowed) and compares the value at the path", () => {
    expect(answerJson('```json\n{"a": 1}\n```')).toEqual({ ok: true, value: { a: 1 } });
    const check = { kind: "json" as const, path: "server.port", expected: 5432 };
    expect(checkAnswer(check, '{"server": {"host": "db.internal", "port": 5432}}').pass).toBe(true);
    expect(checkAnswer(check, '{"server": {"port": "5432"}}').pass).toBe(false); // a string is not the number
    expect(checkAnswer(check, '{"server": {}}').detail).toMatch(/^no "server\.port" in the JSON/);
    expect(checkAnswer(check, "Here you go: {}").detail).toMatch(/^not JSON/);
    expect(checkAnswer({ kind: "json", path: "", expected: [2, 4, 6, 8, 10] }, "[2,4,6,8,10]").pass).toBe(true);
    expect(checkAnswer({ kind: "json", path: "items.1", expected: "b" }, '{"items": ["a", "b"]}').pass).toBe(true);
  });
});

describe("the default eval set", () => {
  it("loads, and every item passes with a right answer and fails with a wrong one", () => {
    const set = loadEvalSet();
    expect(set.name).toBe("default (24 items)");
    // A right answer per item, written as a model that follows the instructions would.
    const right: Record<string, string> = {
      "arith-multiply": "391", "arith-gpu-month": "$584.00", "arith-percent": "36", "arith-throughput": "18,000", "arith-divide": "64",
      "arith-batch": "9216", "arith-round": "7.8", "arith-power": "1000",
      "extract-invoice": "INV-20931", "extract-region": "eu-west-1", "extract-person-json": '{"name": "Maria Lopez", "age": 34}',
      "extract-order-quantity": '```json\n{"item": "A4 paper", "quantity": 3, "unitPriceUsd": 4.5}\n```',
      "extract-order-price": '{"item": "boxes of A4 paper", "quantity": 3, "unitPriceUsd": 4.50}', "extract-email": "ops-team@example.org",
      "extract-year": "2019", "extract-colors": "red, blue, green", "extract-port-json": '{"server": {"host": "db.internal", "port": 5432}}',
      "format-ok": "OK", "format-uppercase": "INFERENCE", "format-json-array": "[2, 4, 6, 8, 10]", "format-iso-date": "2026-03-05",
      "format-yes-no": "yes", "format-status-json": '{"status": "ready"}', "format-sorted": "3, 7, 19, 42",
    };
    expect(set.items.map((i) => i.id).sort()).toEqual(Object.keys(right).sort());
    for (const item of set.items) {
      expect(checkAnswer(item.check, right[item.id]!).pass, item.id).toBe(true);
      expect(checkAnswer(item.check, "I am not sure.").pass, item.id).toBe(false);
    }
    const kinds = new Set(set.items.map((i) => i.check.kind));
    expect([...kinds].sort()).toEqual(["exact", "json", "numeric", "regex"]);
  });
});

describe("runEval", () => {
  const set: EvalSet = {
    name: "t (3 items)",
    items: ["a", "b", "c"].map((id) => ({ id, messages: [{ role: "user", content: id }], check: { kind: "exact", expected: id.toUpperCase(), ignoreCase: false }, maxTokens: 8 })),
  };

  it("asks both endpoints each item together, scores them and lists the disagreements", async () => {
    const asked: string[] = [];
    let inFlight = 0;
    let most = 0;
    const ask = async (e: number, item: { id: string }): Promise<Answer> => {
      asked.push(`${e}:${item.id}`);
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      if (e === 1 && item.id === "c") return { ok: false, error: "http_429: rate limited" };
      return { ok: true, text: e === 1 && item.id === "b" ? "b" : item.id.toUpperCase() };
    };
    const r = await runEval(set, ["self-hosted", "api"], ask, { concurrency: 2 });
    expect(asked.slice(0, 4)).toEqual(["0:a", "1:a", "0:b", "1:b"]); // both endpoints per item, two items at a time
    expect(most).toBe(4);
    expect(r.scores).toEqual([
      { endpoint: "self-hosted", passed: 3, failed: 0, errors: 0, passRate: 1 },
      { endpoint: "api", passed: 1, failed: 1, errors: 1, passRate: 1 / 3 },
    ]);
    expect(r.disagreements).toEqual(["b", "c"]);
    expect(r.items[2]!.answers[1]!.verdict).toEqual({ pass: false, detail: "no answer: http_429: rate limited" });
    expect(r.partial).toBe(false);
  });

  it("stops on Ctrl-C and keeps only the items both endpoints answered", async () => {
    const stop = new AbortController();
    const ask = async (_e: number, item: { id: string }): Promise<Answer> => {
      if (item.id === "b") stop.abort();
      return { ok: true, text: item.id.toUpperCase() };
    };
    const r = await runEval(set, ["one", "two"], ask, { concurrency: 1, signal: stop.signal });
    expect(r.items.map((i) => i.id)).toEqual(["a"]);
    expect(r.partial).toBe(true);
  });
});
