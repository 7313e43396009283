import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCanaryArgs, runCanary, type CanaryIo, type CanaryOptions } from "../scripts/commands/canary";
import { UsageError } from "../scripts/lib/usage";
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

// The command: `canary --url A --compare-url B`, priced, with answers, through real streams.

function parse(argv: string[], env: NodeJS.ProcessEnv = {}): CanaryOptions {
  const parsed = parseCanaryArgs(argv, env, "/work");
  if (parsed.help) throw new Error("unexpected --help");
  return parsed;
}

function usageError(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parseCanaryArgs(argv, env, "/work");
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error(`expected a UsageError for ${argv.join(" ")}`);
}

function recordingIo() {
  const rec = { out: [] as string[], err: [] as string[] };
  const io: CanaryIo = { out: (s) => rec.out.push(s), err: (s) => rec.err.push(s), onInterrupt: () => () => undefined };
  return { io, rec };
}

describe("canary --compare-url: the command line", () => {
  it("reads the second endpoint, its key from the variable it names, and its list prices", () => {
    const o = parse(["--url", "http://self:8000", "--compare-url", "https://api.example.com/v1", "--compare-name", "openai/gpt-4.1-mini", "--compare-api-key-env", "CMP_KEY"], { CMP_KEY: "sk-cmp" });
    expect(o.compare).toEqual({ url: "https://api.example.com/v1", name: "openai/gpt-4.1-mini", apiKey: "sk-cmp", price: { id: "openai/gpt-4.1-mini", inputUsdPerMTok: 0.4, outputUsdPerMTok: 1.6 } });
    expect(o.ignoreEos).toBe(false); // both get the same request: no ignore_eos
    expect(o.eval).toEqual({}); // the default set, unless --eval or --no-eval
    // a name outside the catalog is priced by the flags, or not at all
    expect(parse(["--url", "http://a", "--compare-url", "http://b", "--compare-input-price", "0.5", "--compare-output-price", "1.5"]).compare).toMatchObject({ name: "b", price: { id: "b", inputUsdPerMTok: 0.5, outputUsdPerMTok: 1.5 } });
    expect(parse(["--url", "http://a", "--compare-url", "http://b:9000"]).compare).toEqual({ url: "http://b:9000", name: "b:9000" });
    expect(parse(["--url", "http://a", "--compare-url", "http://b", "--no-eval"]).eval).toBeUndefined();
    expect(parse(["--url", "http://a", "--compare-url", "http://b", "--eval", "mine.jsonl"]).eval).toEqual({ file: "mine.jsonl" });
    expect(parse(["--url", "http://a", "--eval", "default"]).eval).toEqual({});
    expect(parse(["--url", "http://a"]).eval).toBeUndefined();
  });

  it("rejects a bad combination, naming the flag", () => {
    const cases: Array<[string[], RegExp, NodeJS.ProcessEnv?]> = [
      [["--url", "http://a", "--compare-name", "x"], /^--compare-name: only with --compare-url/],
      [["--url", "http://a", "--compare-url", "ftp://b"], /^--compare-url: "ftp:\/\/b" is not http or https/],
      [["--url", "http://a", "--compare-url", "http://b", "--compare-api-key-env", "sk-live-123"], /^--compare-api-key-env: the value is not an environment variable name \(letters/],
      [["--url", "http://a", "--compare-url", "http://b", "--compare-api-key-env", "UNSET_KEY"], /^--compare-api-key-env: UNSET_KEY is not set/],
      [["--url", "http://a", "--compare-url", "http://b", "--compare-input-price", "0.5"], /^--compare-output-price: needed with its pair, since b is not in the price catalog/],
      [["--url", "http://a", "--compare-url", "http://b", "--compare-output-price=-1"], /^--compare-output-price: must be a number above 0/],
      [["--url", "http://a", "--compare-url", "http://b", "--compare-api-key", "sk"], /Unknown option '--compare-api-key'/],
      [["--url", "http://a", "--no-eval"], /^--no-eval: only with --compare-url/],
      [["--url", "http://a", "--compare-url", "http://b", "--eval", "x", "--no-eval"], /^--eval and --no-eval: choose one/],
    ];
    for (const [argv, message, env] of cases) expect(usageError(argv, env ?? {}), argv.join(" ")).toMatch(message);
    // a key given where the variable's name belongs is never echoed
    expect(usageError(["--url", "http://a", "--compare-url", "http://b", "--compare-api-key-env", "sk-live-123"])).not.toContain("sk-live-123");
  });
});

describe("canary --compare-url: a run", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "hostwise-compare-"));
    writeFileSync(
      join(dir, "evals.jsonl"),
      [
        '{"id": "sum", "prompt": "What is 2 + 2? Reply with the number only.", "check": "numeric", "expected": 4}',
        '{"id": "json", "prompt": "Reply with {\\"ok\\": true} only.", "check": "json", "path": "ok", "expected": true}',
        '{"id": "word", "prompt": "Reply with the word OK.", "check": "exact", "expected": "OK"}',
      ].join("\n"),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // The self-hosted fake answers every eval item right; the "API" gets the JSON one wrong, with Markdown in it.
  const answers = (wrongJson: boolean) => (prompt: string) =>
    prompt.startsWith("What is 2 + 2") ? "4" : prompt.startsWith("Reply with {") ? (wrongJson ? "| **no** <b>json</b>" : '{"ok": true}') : prompt.startsWith("Reply with the word") ? "OK" : "a b c d";

  it("measures both at once, prices each its own way, scores the answers and keeps both keys out of the reports", async () => {
    selfHosted.behavior = { answer: answers(false), promptTokens: 50, tokenDelayMs: 1 };
    api.behavior = { answer: answers(true), promptTokens: 50, tokenDelayMs: 1 };
    const options = parse(
      [
        "--url", selfHosted.url, "--compare-url", `${api.url}/v1`, "--compare-name", "openai/gpt-4.1-mini", "--compare-api-key-env", "CMP_KEY",
        "--concurrency", "1,2", "--requests", "4", "--output-tokens", "8", "--prompt-tokens", "16", "--hourly-usd", "0.80",
        "--eval", join(dir, "evals.jsonl"), "--out-dir", join(dir, "run"),
      ],
      { CMP_KEY: API_KEY, HOSTWISE_API_KEY: API_KEY },
    );
    const { io, rec } = recordingIo();
    expect(await runCanary(options, io), rec.err.join("\n")).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, "run", "canary-report.json"), "utf8"));
    expect(json.mode).toBe("side-by-side");
    expect(json.endpoints.map((e: { name: string; pricing: { kind: string } }) => [e.name, e.pricing.kind])).toEqual([
      [new URL(selfHosted.url).host, "gpu-hourly"],
      ["openai/gpt-4.1-mini", "list-price"],
    ]);
    expect(json.levels.map((l: { concurrency: number }) => l.concurrency)).toEqual([1, 2]);
    const [self, apiLevel] = json.levels[0].endpoints;
    expect(self.requests.ok).toBe(4);
    expect(apiLevel.requests.ok).toBe(4);
    // The API's cost from its reported usage: 4 requests × 50 prompt and 4 completion tokens ("a b c d"):
    // (200 × $0.40 + 16 × $1.60) / 16 tokens × 1M = (80 + 25.6) / 16 = $6.60 per 1M output tokens, input included
    expect(apiLevel.usage).toEqual({ requests: 4, promptTokens: 200, completionTokens: 16 });
    expect(apiLevel.usdPerMillionOutputTokens).toBeCloseTo(6.6, 4);
    // The self-hosted one from the GPU $/h: $0.80 / 3600 / (output tokens/s) × 1M
    expect(self.usdPerMillionOutputTokens).toBeCloseTo((0.8 / 3600 / self.outputTokensPerSecond) * 1e6, 2);
    // Answers: the self-hosted endpoint passes all three, the API fails the JSON item
    expect(json.eval.scores.map((s: { passed: number }) => s.passed)).toEqual([3, 2]);
    expect(json.eval.disagreements).toEqual(["json"]);
    // every eval request at temperature 0 and without ignore_eos, on both
    for (const server of [selfHosted, api]) {
      const evalBodies = server.received.filter((r) => !String((r.body.messages as Array<{ content: string }>)[0]!.content).startsWith("["));
      expect(evalBodies).toHaveLength(3);
      for (const r of evalBodies) expect(r.body).toMatchObject({ temperature: 0 });
      for (const r of server.received.slice(-7)) expect(r.body.ignore_eos).toBeUndefined();
    }
    const md = readFileSync(join(dir, "run", "canary-report.md"), "utf8");
    expect(md).toContain(`# hostwise canary: ${new URL(selfHosted.url).host} beside openai/gpt-4.1-mini`);
    expect(md).toMatch(/## Concurrency 2\n\n\| {2}\| .* \| openai\/gpt-4\.1-mini \|/);
    expect(md).toContain("| $ per 1M output tokens |");
    expect(md).toContain("### Where they disagree (1)");
    // the model's answer is text, never Markdown or HTML
    expect(md).toContain("**fail**: \\| \\*\\*no\\*\\* &lt;b&gt;json&lt;/b&gt;");
    expect(md).not.toContain("<b>json</b>");
    const summary = rec.out.join("\n");
    expect(summary).toMatch(/^ +1 +127\.0\.0\.1:\d+ +4 +0 +none /m);
    expect(summary).toMatch(/^ +1 +openai\/gpt-4\.1-mini +4 +0 +none .* \$6\.60$/m);
    expect(summary).toContain("they disagree on json");
    for (const text of [readFileSync(join(dir, "run", "canary-report.json"), "utf8"), md, summary, rec.err.join("\n")]) expect(text).not.toContain(API_KEY);
  });

  it("asks a single endpoint an eval set with --eval, and lists its failed items", async () => {
    selfHosted.behavior = { answer: answers(true) };
    const options = parse(
      ["--url", selfHosted.url, "--eval", join(dir, "evals.jsonl"), "--concurrency", "1", "--requests", "1", "--output-tokens", "2", "--prompt-tokens", "8", "--out-dir", join(dir, "single")],
      { HOSTWISE_API_KEY: API_KEY },
    );
    const { io, rec } = recordingIo();
    expect(await runCanary(options, io)).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, "single", "canary-report.json"), "utf8"));
    expect(json.target).toBeDefined(); // the single-endpoint report, with the answers added
    expect(json.eval.scores).toEqual([{ endpoint: new URL(selfHosted.url).host, passed: 2, failed: 1, errors: 0, passRate: 0.6667 }]);
    expect(readFileSync(join(dir, "single", "canary-report.md"), "utf8")).toContain("### Failed items (1)");
    expect(rec.out.join("\n")).toMatch(/Answers \(.*evals\.jsonl \(3 items\)\): 127\.0\.0\.1:\d+ 2\/3 \(67%\)$/);
  });

  it("exits 2 for a bad --eval file before anything runs", async () => {
    writeFileSync(join(dir, "bad.jsonl"), '{"prompt": "x", "check": "numeric", "expected": "four"}\n');
    const before = selfHosted.received.length;
    const { io, rec } = recordingIo();
    expect(await runCanary(parse(["--url", selfHosted.url, "--eval", join(dir, "bad.jsonl"), "--out-dir", join(dir, "bad")]), io)).toBe(2);
    expect(rec.err.join("\n")).toMatch(/--eval: .*bad\.jsonl line 1: "expected" of a numeric check is not a number/);
    expect(selfHosted.received.length).toBe(before);
  });

  it("runs the shipped eval set when --eval names none", async () => {
    selfHosted.behavior = { answer: () => "OK" };
    api.behavior = { answer: () => "OK" };
    const options = parse(
      ["--url", selfHosted.url, "--compare-url", api.url, "--concurrency", "1", "--requests", "1", "--output-tokens", "2", "--prompt-tokens", "8", "--out-dir", join(dir, "default")],
      { HOSTWISE_API_KEY: API_KEY },
    );
    const { io, rec } = recordingIo();
    // no --compare-api-key-env: the fake refuses the API side, which is measured as failed requests and no answers
    expect(await runCanary(options, io)).toBe(1);
    expect(rec.err.join("\n")).toMatch(/cannot ask the compared endpoint for its model: .*HTTP 401/);
    const withKey = { ...options, compare: { ...options.compare!, apiKey: API_KEY } };
    expect(await runCanary(withKey, recordingIo().io)).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, "default", "canary-report.json"), "utf8"));
    expect(json.eval.set).toBe("default (24 items)");
    expect(json.eval.scores.map((s: { passed: number }) => s.passed)).toEqual([1, 1]); // "OK" passes format-ok only
    expect(json.endpoints[1].pricing).toEqual({ kind: "none", why: expect.stringMatching(/^no list price/) });
  });
});
