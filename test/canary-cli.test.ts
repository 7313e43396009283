import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CANARY_HELP, parseCanaryArgs, processCanaryIo, runCanary, type CanaryIo, type CanaryOptions } from "../scripts/commands/canary";
import { UsageError } from "../scripts/lib/usage";
import { API_KEY, MODEL, startFakeVllm, type FakeVllm } from "./canary-fake-vllm";

let server: FakeVllm;
let dir: string;
beforeAll(async () => {
  server = await startFakeVllm();
  dir = mkdtempSync(join(tmpdir(), "hostwise-canary-cli-"));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function parse(...argv: string[]): CanaryOptions {
  const parsed = parseCanaryArgs(argv, {}, "/work");
  if (parsed.help) throw new Error("unexpected --help");
  return parsed;
}

function usageError(argv: string[], env: NodeJS.ProcessEnv = {}): UsageError {
  try {
    parseCanaryArgs(argv, env, "/work");
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`expected a UsageError for ${argv.join(" ")}`);
}

/** An io that records everything; `interrupt` presses Ctrl-C once the handler is installed. */
function recordingIo(progress = false) {
  const rec = { out: [] as string[], err: [] as string[], progress: [] as string[], handlers: 0, interrupt: undefined as (() => void) | undefined };
  const io: CanaryIo = {
    out: (s) => rec.out.push(s),
    err: (s) => rec.err.push(s),
    ...(progress && { progress: (line: string) => rec.progress.push(line) }),
    onInterrupt: (handler) => {
      rec.handlers++;
      rec.interrupt = handler;
      return () => {
        rec.handlers--;
        rec.interrupt = undefined;
      };
    },
  };
  return { io, rec };
}

describe("parseCanaryArgs", () => {
  it("applies the defaults and reads the key from HOSTWISE_API_KEY", () => {
    const parsed = parseCanaryArgs(["--url", "http://127.0.0.1:8000"], { HOSTWISE_API_KEY: "k1" }, "/work");
    expect(parsed).toEqual({
      help: false,
      url: "http://127.0.0.1:8000",
      apiKey: "k1",
      concurrency: [1, 4, 16],
      requests: 32,
      durationSeconds: 60,
      timeoutSeconds: 120,
      promptTokens: 512,
      outputTokens: 128,
      ignoreEos: true,
      outDir: "/work",
      json: false,
    });
    expect(parseCanaryArgs(["--help"], {})).toEqual({ help: true });
  });

  it("reads every flag; --api-key wins over the variable; levels are sorted", () => {
    const o = parseCanaryArgs(
      [
        "--url", "https://llm.example.com/v1", "--api-key", "k2", "--model", "m", "--concurrency", "64, 1,16", "--requests", "128",
        "--duration", "30.5", "--timeout", "90", "--output-tokens", "64", "--stop-at-eos", "--hourly-usd", "1.01",
        "--modeled-usd-per-mtok", "0.4", "--api-price", "0.72", "--api-name", "bedrock/llama-3.3-70b",
        "--min-stream-tokens-per-second", "10", "--out-dir", "reports", "--json", "--prompts", "p.jsonl",
      ],
      { HOSTWISE_API_KEY: "k1" },
      "/work",
    );
    expect(o).toMatchObject({
      apiKey: "k2",
      model: "m",
      concurrency: [1, 16, 64],
      requests: 128,
      durationSeconds: 30.5,
      timeoutSeconds: 90,
      outputTokens: 64,
      ignoreEos: false,
      hourlyUsd: 1.01,
      modeledUsdPerMillionOutputTokens: 0.4,
      hostedApi: { id: "bedrock/llama-3.3-70b", outputUsdPerMTok: 0.72 },
      minStreamTokensPerSecond: 10,
      outDir: "/work/reports",
      json: true,
      promptsFile: "p.jsonl",
    });
  });

  it("rejects a bad command line, naming the flag", () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /^--url is required/],
      [["--url", "localhost:8000"], /^--url: "localhost:8000" is not http or https/],
      [["--url", "nope"], /^--url: "nope" is not a URL/],
      [["--url", "http://h", "--requests", "abc"], /^--requests: must be a whole number from 1 to 1,000,000, got "abc"$/],
      [["--url", "http://h", "--requests", "0"], /^--requests: must be a whole number from 1 to 1,000,000, got 0$/],
      [["--url", "http://h", "--requests", "2.5"], /^--requests: .* got 2\.5$/],
      [["--url", "http://h", "--requests", " 32"], /^--requests: .* got " 32"$/],
      [["--url", "http://h", "--concurrency", ""], /^--concurrency: the list is empty/],
      [["--url", "http://h", "--concurrency", ","], /^--concurrency: the list is empty/],
      [["--url", "http://h", "--concurrency", "1,x"], /^--concurrency: must be a whole number from 1 to 1,024, got "x"/],
      [["--url", "http://h", "--concurrency", "1,0"], /^--concurrency: .* got 0$/],
      [["--url", "http://h", "--concurrency", "4,4"], /^--concurrency: 4 is listed twice/],
      [["--url", "http://h", "--concurrency", "1,64"], /^--requests: 32 per level is below the highest concurrency, 64/],
      [["--url", "http://h", "--duration=-1"], /^--duration: must be a number above 0 and at most 86,400, got -1$/],
      [["--url", "http://h", "--duration", "0"], /^--duration: .* got 0$/],
      [["--url", "http://h", "--timeout", "1e9"], /^--timeout: must be a number above 0 and at most 3,600, got 1e9$/],
      [["--url", "http://h", "--timeout", "1e309"], /^--timeout: .* got 1e309$/],
      [["--url", "http://h", "--timeout", "0x10"], /^--timeout: .* got "0x10"$/],
      [["--url", "http://h", "--timeout", "Infinity"], /^--timeout: .* got "Infinity"$/],
      [["--url", "http://h", "--timeout", "soon"], /^--timeout: .* got "soon"$/],
      [["--url", "http://h", "--prompt-tokens", "1e9x"], /^--prompt-tokens:/],
      [["--url", "http://h", "--output-tokens", "0"], /^--output-tokens:/],
      [["--url", "http://h", "--prompts", "p.jsonl", "--prompt-tokens", "100"], /^--prompt-tokens: sets the length of synthetic prompts/],
      [["--url", "http://h", "--hourly-usd", "0"], /^--hourly-usd: must be a number above 0 and at most 100,000, got 0$/],
      [["--stack", "../dev"], /^--stack: "\.\.\/dev" is not a stack name/],
      [["--stack=-x"], /^--stack: "-x" is not a stack name/],
      [["--url", "http://h", "--modeled-usd-per-mtok", "0.4"], /^--modeled-usd-per-mtok: needs --hourly-usd/],
      [["--url", "http://h", "--hourly-usd", "1", "--api-price", "0.7"], /^--api-price: needs --api-name/],
      [["--url", "http://h", "--hourly-usd", "1", "--api-name", "x/y"], /^--api-name: needs --api-price/],
      [["--url", "http://h", "--api-price", "0.7", "--api-name", "x/y"], /^--api-price: needs --hourly-usd/],
      [["--url", "http://h", "--min-stream-tokens-per-second", "fast"], /^--min-stream-tokens-per-second:/],
      [["--url", "http://h", "--api-key", ""], /^--api-key: empty/],
      [["--stack", "dev", "--url", "http://h"], /^--stack and --url: give one target/],
      [["--url", "http://h", "--dir", "x"], /^--dir: only with --stack/],
      [["--stack", ""], /^--stack: empty/],
      [["--url", "http://h", "--wake"], /^--wake: only with --stack/],
      [["--url", "http://h", "--bogus"], /Unknown option '--bogus'/],
      [["--url", "http://h", "extra"], /Unexpected argument 'extra'/],
    ];
    for (const [argv, message] of cases) expect(usageError(argv).message, argv.join(" ")).toMatch(message);
    expect(parse("--stack", "dev")).toMatchObject({ stack: { name: "dev", dir: "/work" } });
  });
});

describe("CANARY_HELP", () => {
  it("lists every flag, the defaults and the exit codes", () => {
    for (const flag of [
      "--url", "--api-key", "HOSTWISE_API_KEY", "--model", "--concurrency", "--requests", "--duration", "--timeout", "--prompt-tokens",
      "--output-tokens", "--stop-at-eos", "--prompts", "--hourly-usd", "--modeled-usd-per-mtok", "--api-price", "--api-name",
      "--min-stream-tokens-per-second", "--out-dir", "--json", "--stack", "--dir", "--wake", "--wake-timeout", "--help",
      "--compare-url", "--compare-model", "--compare-name", "--compare-api-key-env", "--compare-input-price", "--compare-output-price", "--eval", "--no-eval",
    ]) {
      expect(CANARY_HELP).toContain(flag);
    }
    for (const d of ["(default: 1,4,16)", "(default: 32)", "(default: 60)", "(default: 120)", "(default: 512)", "(default: 128)"]) expect(CANARY_HELP).toContain(d);
    expect(CANARY_HELP).toMatch(/Exit codes: 0 .* 1 .* 2 bad command line or --out-dir not writable,\s+130 stopped by Ctrl-C, 143 by SIGTERM/s);
  });
});

describe("runCanary", () => {
  const quick = (outDir: string, ...extra: string[]) =>
    parseCanaryArgs(
      ["--url", server.url, "--concurrency", "1,2", "--requests", "3", "--output-tokens", "3", "--prompt-tokens", "16", "--out-dir", outDir, ...extra],
      { HOSTWISE_API_KEY: API_KEY },
    ) as CanaryOptions;

  it("asks the server for its model, runs every level and writes both reports", async () => {
    server.behavior = { tokenDelayMs: 5 };
    const outDir = join(dir, "full", "nested");
    const { io, rec } = recordingIo();
    const code = await runCanary(quick(outDir, "--hourly-usd", "0.80", "--api-price", "0.22", "--api-name", "bedrock/llama-3.1-8b"), io);
    expect(code).toBe(0);
    expect(rec.handlers).toBe(0); // the Ctrl-C handler is removed afterwards
    const json = JSON.parse(readFileSync(join(outDir, "canary-report.json"), "utf8"));
    expect(json.target.model).toBe(MODEL);
    expect(json.partial).toBe(false);
    expect(json.levels.map((l: { concurrency: number; requests: { ok: number } }) => [l.concurrency, l.requests.ok])).toEqual([
      [1, 3],
      [2, 3],
    ]);
    expect(json.cost.vsHostedApi.id).toBe("bedrock/llama-3.1-8b");
    const md = readFileSync(join(outDir, "canary-report.md"), "utf8");
    expect(md).toContain(`# hostwise canary: ${MODEL}`);
    expect(md).toContain("| concurrency | ok | failed | error rate |");
    expect(md).toMatch(/## Concurrency 2\n\n\| metric \| p50 \| p90 \| p95 \| p99 \|/);
    expect(md).toMatch(/```mermaid\nxychart-beta\n[\s\S]*x-axis "concurrent requests" \["1", "2"\][\s\S]*```/);
    expect(md).toMatch(/\*\*Verdict:\*\* \$[\d.,]+ per 1M output tokens at concurrency \d/);
    expect(rec.out.join("\n")).toMatch(/^hostwise canary — fake\/llama-test at /);
    expect(rec.err.join("\n")).toContain(`wrote ${join(outDir, "canary-report.json")} and ${join(outDir, "canary-report.md")}`);
  });

  it("prints the JSON report on stdout with --json, the same as the file", async () => {
    server.behavior = {};
    const outDir = join(dir, "json");
    const { io, rec } = recordingIo();
    expect(await runCanary(quick(outDir, "--json", "--model", MODEL), io)).toBe(0);
    expect(JSON.parse(rec.out.join("\n"))).toEqual(JSON.parse(readFileSync(join(outDir, "canary-report.json"), "utf8")));
  });

  it("draws progress lines when given a terminal, and clears the line at the end", async () => {
    server.behavior = {};
    const { io, rec } = recordingIo(true);
    expect(await runCanary(quick(join(dir, "progress"), "--model", MODEL), io)).toBe(0);
    expect(rec.progress).toContain("concurrency 2 (level 2/2) [########################] 3/3 requests, 0/60 s");
    expect(rec.progress[rec.progress.length - 1]).toBe("");
  });

  it("on Ctrl-C aborts the run, still writes the partial report, and exits 130", async () => {
    server.behavior = { chunks: 50, tokenDelayMs: 20 };
    const outDir = join(dir, "interrupted");
    const { io, rec } = recordingIo();
    const running = runCanary(quick(outDir, "--model", MODEL, "--output-tokens", "50"), io);
    await new Promise((r) => setTimeout(r, 100));
    expect(rec.handlers).toBe(1);
    rec.interrupt!();
    expect(await running).toBe(130);
    expect(rec.handlers).toBe(0);
    const json = JSON.parse(readFileSync(join(outDir, "canary-report.json"), "utf8"));
    expect(json).toMatchObject({ partial: true, stoppedBy: "interrupted" });
    expect(json.levels).toHaveLength(1);
    expect(json.levels[0].requests.cancelled).toBe(1);
    expect(readFileSync(join(outDir, "canary-report.md"), "utf8")).toContain("Partial run: stopped by an interrupt (Ctrl-C or SIGTERM) during concurrency 1");
  });

  it("never writes the API key or URL credentials, even when the server echoes them", async () => {
    server.behavior = { status: 500, errorMessage: `upstream said: Authorization: Bearer ${API_KEY}; retry via http://proxyuser:proxypass@proxy:3128/?api_key=leaked999` };
    const outDir = join(dir, "echo");
    const { io, rec } = recordingIo();
    const url = `http://user:hunter2@127.0.0.1:${new URL(server.url).port}/?api_key=zzz123`;
    const options = parseCanaryArgs(["--url", url, "--concurrency", "1", "--requests", "2", "--model", MODEL, "--out-dir", outDir, "--json"], { HOSTWISE_API_KEY: API_KEY }) as CanaryOptions;
    await runCanary(options, io);
    const everything = [rec.out.join("\n"), rec.err.join("\n"), readFileSync(join(outDir, "canary-report.json"), "utf8"), readFileSync(join(outDir, "canary-report.md"), "utf8")].join("\n");
    for (const secret of [API_KEY, "hunter2", "zzz123", "proxypass", "leaked999"]) expect(everything).not.toContain(secret);
    expect(everything).toContain("upstream said: Authorization: [redacted]");
    expect(JSON.parse(readFileSync(join(outDir, "canary-report.json"), "utf8")).target.url).toBe(`http://127.0.0.1:${new URL(server.url).port}/?api_key=[redacted]`);
  });

  it("on the real process, stops on SIGTERM as on SIGINT, and removes both handlers", () => {
    const count = () => [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];
    const before = count();
    const got: Array<string | undefined> = [];
    const said = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const remove = processCanaryIo().onInterrupt((signal) => got.push(signal));
    expect(count()).toEqual([before[0]! + 1, before[1]! + 1]);
    process.emit("SIGTERM", "SIGTERM"); // Node passes the signal name to the listener
    expect(got).toEqual(["SIGTERM"]);
    remove();
    expect(count()).toEqual(before);
    expect(said.mock.calls[0]![0]).toBe("hostwise canary: SIGTERM: stopping and cleaning up (SIGTERM again exits at once)");
    said.mockRestore();
  });

  it("checks --out-dir before the run: a directory that cannot be created stops it with exit 2", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    const { io, rec } = recordingIo();
    const before = server.received.length;
    expect(await runCanary(quick(join(file, "reports"), "--model", MODEL), io)).toBe(2);
    expect(rec.err.join("\n")).toMatch(/^hostwise: --out-dir .*a-file\/reports: cannot write the reports there \(ENOTDIR\)\n {2}fix: pass a writable directory/);
    expect(server.received.length).toBe(before); // nothing ran
  });

  it("exits 1 when the server refuses the key, without writing a report", async () => {
    const outDir = join(dir, "refused");
    const { io, rec } = recordingIo();
    const options = { ...quick(outDir), apiKey: "not-the-key-123" };
    expect(await runCanary(options, io)).toBe(1);
    expect(rec.err.join("\n")).toMatch(/cannot ask the server for its model: GET .*\/v1\/models: HTTP 401: Unauthorized: wrong API key\n  fix: check --url and --api-key/);
    expect(existsSync(join(outDir, "canary-report.json"))).toBe(false);
  });

  it("exits 1 when no level qualifies: every request failed", async () => {
    server.behavior = { status: 500, errorMessage: "engine dead" };
    const outDir = join(dir, "failing");
    const { io } = recordingIo();
    expect(await runCanary(quick(outDir, "--model", MODEL), io)).toBe(1);
    const json = JSON.parse(readFileSync(join(outDir, "canary-report.json"), "utf8"));
    expect(json.levels[0].errors).toEqual({ http_500: 3 });
    expect(json.cost.verdict).toMatch(/no level qualifies/);
  });

  it("exits 2 for a bad --prompts file, naming the line", async () => {
    const file = join(dir, "bad.jsonl");
    writeFileSync(file, '{"prompt": "fine"}\n{"prompt": 42}\n');
    const { io, rec } = recordingIo();
    const options = parseCanaryArgs(["--url", server.url, "--prompts", file, "--concurrency", "1", "--requests", "1"], {}) as CanaryOptions;
    expect(await runCanary(options, io)).toBe(2);
    expect(rec.err.join("\n")).toMatch(/^hostwise: --prompts: .*bad\.jsonl line 2: "prompt" is not a non-empty string\n  fix: /);
  });
});
