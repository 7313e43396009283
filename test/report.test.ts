import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReportArgs, REPORT_HELP, runReport, type ReportDeps, type ReportIo, type ReportOptions } from "../scripts/commands/report";
import { main } from "../scripts/hostwise";
import { stackCost, type StackCost } from "../scripts/lib/stack-cost";
import { UsageError } from "../scripts/lib/usage";
import { bucketQueries, windowQueries } from "../scripts/report/queries";
import { DAY as DAY_BUCKET } from "../scripts/report/window";
import { closedPort, startFakeVllm, type FakeVllm } from "./canary-fake-vllm";
import { NOW } from "./helpers";
import { PROXY } from "./support/fake-kubectl";
import { ROOT } from "./support/program";
import { remoteWrite, STALE, startPrometheus, type PrometheusServer, type Series } from "./support/prometheus";
import { exposition, type VllmMetrics } from "./support/vllm-metrics";
import { BACKENDS } from "../infra/k8s/entrypoint-metrics";

// `hostwise report` against a real Prometheus (Debian's package, started by test/support/prometheus.ts): a
// month of controlled history written through its remote-write receiver, and a live scrape of the fake vLLM's
// /metrics whose counters the test moves, resets and reads back.

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** End of the month: two whole hours before now, so the live scrape never falls inside it. */
const T = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
const S = T - 30 * DAY; // start of the window; day d is (S + d days, S + d + 1 days]
const START = T - 32 * DAY; // history starts before the window, so its first day is not an edge
const MODEL = "llama-2-13b-chat"; // the dev stack's served model name

const vllm = (pod: string, node: string) => ({ job: "kubernetes-pods", namespace: "inference", pod, node, model_name: MODEL, engine: "0" });
const podUp = (pod: string, node: string) => ({
  __name__: "up", job: "kubernetes-pods", namespace: "inference", pod, node, app_kubernetes_io_name: "vllm", app_kubernetes_io_instance: "dev",
});

/**
 * A series present at every minute of [from, to] (the report counts minutes): a sample 30 s before each
 * minute, then Prometheus' staleness marker, as when a target goes away (not after the last segment when it
 * runs to the end of the history).
 */
function presence(labels: Record<string, string>, segments: Array<[number, number]>, value = 1): Series {
  const samples: Array<[number, number | typeof STALE]> = [];
  for (const [i, [from, to]] of segments.entries()) {
    for (let t = from - MIN / 2; t <= to - MIN / 2; t += MIN) samples.push([t, value]);
    if (i < segments.length - 1 || to < T) samples.push([to + MIN / 2, STALE]);
  }
  return { labels, samples };
}

/** A counter scraped hourly from `from` to `to`, growing by perHour; the process restarts (back to 0) at resetAt. */
function counter(labels: Record<string, string>, from: number, to: number, perHour: number, resetAt?: number): Series {
  const samples: Array<[number, number]> = [];
  for (let t = from; t <= to; t += HOUR) samples.push([t, (perHour * (t - (resetAt !== undefined && t > resetAt ? resetAt : from - HOUR))) / HOUR]);
  return { labels, samples };
}

/** A gauge sampled hourly at half past, so no sample sits on a day boundary. */
function gauge(labels: Record<string, string>, from: number, to: number, value: number): Series {
  const samples: Array<[number, number]> = [];
  for (let t = from + HOUR / 2; t <= to; t += HOUR) samples.push([t, value]);
  return { labels, samples };
}

/** A histogram of `perHour` observations an hour, shared between buckets by the cumulative `shares`. */
function histogram(name: string, labels: Record<string, string>, from: number, to: number, perHour: number, shares: Record<string, number>, resetAt?: number): Series[] {
  const at = (le: string, share: number) => counter({ ...labels, __name__: `${name}_bucket`, le }, from, to, perHour * share, resetAt);
  return [
    ...Object.entries(shares).map(([le, share]) => at(le, share)),
    at("+Inf", 1),
    counter({ ...labels, __name__: `${name}_count` }, from, to, perHour, resetAt),
  ];
}

// Pod A ran on node ip-a until the end of day 19; its node stayed 2 hours longer (scale-down delay). Days 20–24
// the stack was at zero; Prometheus itself was down all of day 22. Pod B ran on node ip-b from day 25 on and
// its vLLM process restarted (counters back to 0) at noon on day 27.
const A_END = S + 20 * DAY;
const B_START = S + 25 * DAY;
const B_RESET = S + 27 * DAY + 12 * HOUR;
const TTFT = { "0.1": 0, "0.25": 0.5, "0.5": 0.9, "1": 1 }; // 50% ≤ 0.25 s, 90% ≤ 0.5 s, all ≤ 1 s
const E2E = { "1": 0.1, "2.5": 0.5, "5": 0.9, "10": 1 };
const QUEUE = { "0.1": 1 };

function month(): Series[] {
  const a = vllm("vllm-a", "ip-a");
  const b = vllm("vllm-b", "ip-b");
  const http = (pod: string, node: string, status: string) => ({
    ...podUp(pod, node), __name__: "http_requests_total", handler: "/v1/chat/completions", method: "POST", status,
  });
  const pod = (labels: Record<string, string>, from: number, to: number, scale: number, resetAt?: number): Series[] => [
    counter(http(labels.pod!, labels.node!, "2xx"), from, to, 150 * scale, resetAt),
    counter(http(labels.pod!, labels.node!, scale === 1 ? "4xx" : "5xx"), from, to, scale === 1 ? 2 : 3, resetAt),
    counter({ ...labels, __name__: "vllm:generation_tokens_total" }, from, to, 36_000 * scale, resetAt),
    counter({ ...labels, __name__: "vllm:prompt_tokens_total" }, from, to, 72_000 * scale, resetAt),
    counter({ ...labels, __name__: "vllm:num_preemptions_total" }, from, to, scale === 1 ? 1 : 0, resetAt),
    counter({ ...labels, __name__: "vllm:request_success_total", finished_reason: "stop" }, from, to, 120 * scale, resetAt),
    counter({ ...labels, __name__: "vllm:request_success_total", finished_reason: "length" }, from, to, 30 * scale, resetAt),
    counter({ ...labels, __name__: "vllm:request_success_total", finished_reason: "abort" }, from, to, scale === 1 ? 6 : 0, resetAt),
    counter({ ...labels, __name__: "vllm:request_success_total", finished_reason: "error" }, from, to, scale === 1 ? 0 : 3, resetAt),
    ...histogram("vllm:time_to_first_token_seconds", labels, from, to, 100 * scale, TTFT, resetAt),
    ...histogram("vllm:e2e_request_latency_seconds", labels, from, to, 100 * scale, E2E, resetAt),
    ...histogram("vllm:request_queue_time_seconds", labels, from, to, 100 * scale, QUEUE, resetAt),
    gauge({ ...labels, __name__: "vllm:kv_cache_usage_perc" }, from - HOUR, to, scale === 1 ? 0.25 : 0.5),
  ];
  return [
    // Prometheus' own scrape: down all of day 22, and recording up to now (the live test's hour included).
    presence({ __name__: "up", job: "prometheus", instance: "history:9090" }, [[START, S + 22 * DAY], [S + 23 * DAY + MIN, Math.floor(Date.now() / MIN) * MIN]]),
    presence(podUp("vllm-a", "ip-a"), [[START, A_END]]),
    presence({ __name__: "DCGM_FI_DEV_GPU_UTIL", job: "kubernetes-pods", node: "ip-a", gpu: "0" }, [[START, A_END + 2 * HOUR]], 40),
    ...pod(a, START, A_END, 1),
    presence(podUp("vllm-b", "ip-b"), [[B_START + MIN, T]]),
    presence({ __name__: "DCGM_FI_DEV_GPU_UTIL", job: "kubernetes-pods", node: "ip-b", gpu: "0" }, [[B_START + MIN, T]], 80),
    ...pod(b, B_START + HOUR, T, 2, B_RESET),
  ];
}

const live: VllmMetrics = {
  model: MODEL,
  promptTokens: 300,
  generationTokens: 100,
  preemptions: 0,
  success: { stop: 10 },
  ttft: { buckets: { "0.1": 0, "0.25": 0, "0.5": 0, "1": 0 }, count: 0, sum: 0 },
  kvCacheUsage: 0.1,
};

let prometheus: PrometheusServer;
let fake: FakeVllm;
let sc: StackCost;
let out: string;
let liveScenario: Promise<void>;
const ENGINEERS = ["engineerHoursPerMonth=73", "engineerHourlyUsd=100"]; // $7,300 a month: $10 an hour

beforeAll(async () => {
  fake = await startFakeVllm();
  fake.metrics = exposition(live);
  prometheus = await startPrometheus([
    { job: "kubernetes-pods", target: new URL(fake.url).host, labels: { namespace: "inference", pod: "vllm-live", node: "ip-live", app_kubernetes_io_name: "vllm", app_kubernetes_io_instance: "dev" } },
  ]);
  liveScenario = runLiveScenario();
  liveScenario.catch(() => undefined); // awaited (and reported) by the live test
  // The history goes to Prometheus while this process evaluates the stack's program (prices).
  [, sc] = await Promise.all([remoteWrite(prometheus.url, month()), stackCost(ROOT, "dev", ENGINEERS, NOW)]);
  out = mkdtempSync(join(tmpdir(), "hostwise-report-"));
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await fake?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

function io() {
  const rec = { out: [] as string[], err: [] as string[] };
  const value: ReportIo = { out: (s) => rec.out.push(s), err: (s) => rec.err.push(s), onInterrupt: () => () => undefined };
  return { io: value, rec };
}

const deps = (): ReportDeps => ({
  stackOutputs: () => {
    throw new Error("--prometheus-url needs no stack outputs");
  },
  stackCost: async () => sc,
});

const options = (o: Partial<ReportOptions> = {}): ReportOptions => ({
  stack: "dev",
  dir: ROOT,
  overrides: ENGINEERS,
  prometheusUrl: prometheus.url,
  since: "30d",
  until: new Date(T).toISOString(),
  outDir: out,
  json: false,
  ...o,
});

describe("hostwise report: a month of backfilled history", () => {
  let report: any;
  let markdown: string;
  let summary: string;
  beforeAll(async () => {
    const { io: recIo, rec } = io();
    const code = await runReport(options(), recIo, deps(), new Date());
    expect(code, rec.err.join("\n")).toBe(0);
    summary = rec.out.join("\n");
    report = JSON.parse(readFileSync(join(out, "report-dev.json"), "utf8"));
    markdown = readFileSync(join(out, "report-dev.md"), "utf8");
  });

  it("counts the hours Prometheus recorded, and says 'no data' for the day it was down", () => {
    // 30 days, day 22 without any of Prometheus' own samples: 29 × 24 = 696 hours
    expect(report.coverage).toEqual({ hoursRecorded: 696, bucketsWithData: 29, buckets: 30 });
    expect(report.buckets).toHaveLength(30);
    expect(report.buckets[22]).toMatchObject({ coverageHours: null, generationTokens: null, replicaHours: null, costUsd: null });
    expect(report.buckets[21].coverageHours).toBe(24);
    expect(report.notes.join("\n")).toMatch(/Prometheus recorded nothing in 1 of 30 days/);
  });

  it("adds up tokens, requests and preemptions across counter resets and scale-to-zero", () => {
    // Pod A: 20 days × 24 h × 36,000 generated (72,000 prompt) tokens; pod B: 5 days × 24 h × 72,000 (144,000),
    // across its restart on day 27 → 17,280,000 + 8,640,000 = 25,920,000 generated, 51,840,000 prompt
    expect(report.totals.generationTokens).toBe(25_920_000);
    expect(report.totals.promptTokens).toBe(51_840_000);
    expect(report.buckets[0].generationTokens).toBe(864_000); // 24 × 36,000
    expect(report.buckets[27].generationTokens).toBe(1_728_000); // 24 × 72,000, the restart included
    // days 20–24 the stack was at zero: a measured 0, except day 22 with no data
    expect(report.buckets.slice(20, 25).map((b: any) => b.generationTokens)).toEqual([0, 0, null, 0, 0]);
    // requests: stop 480 h × 120 + 120 h × 240 = 86,400; length 480 × 30 + 120 × 60 = 21,600; abort 480 × 6; error 120 × 3
    expect(report.totals.requestsByReason).toEqual({ abort: 2880, error: 360, length: 21_600, stop: 86_400 });
    expect(report.totals.requests).toBe(111_240);
    expect(report.totals.errorRate).toBeCloseTo(360 / 111_240, 6);
    expect(report.totals.preemptions).toBe(480); // one an hour on pod A
    // HTTP: 2xx 480 h × 150 + 120 h × 300; 4xx (refused before the engine) 480 × 2; 5xx 120 × 3
    expect(report.totals.httpResponses).toEqual({ "2xx": 108_000, "4xx": 960, "5xx": 360 });
  });

  it("measures replica-hours and GPU node-hours, idle node time included", () => {
    // replicas: pod A 20 days, pod B 5 days → 600 h; node ip-a stayed 2 h after pod A left → 602 GPU node-hours
    expect(report.totals.replicaHours).toBe(600);
    expect(report.totals.gpuNodeHours).toBe(602);
    expect(report.totals.gpuHours).toBe(602);
    expect(report.buckets[20]).toMatchObject({ replicaHours: 0, gpuNodeHours: 2, generationTokens: 0 });
    // GPU utilization, every sample weighed alike: ip-a at 40% for 20 days + 2 h (28,920 one-minute samples),
    // ip-b at 80% for 5 days (7,200) → (40 × 28,920 + 80 × 7,200) / 36,120 = 47.97%
    expect(report.totals.gpuUtilizationPercent).toBeCloseTo((40 * 28_920 + 80 * 7_200) / 36_120, 2);
    // KV cache: 480 hourly samples at 0.25 and 120 at 0.5 → 0.3
    expect(report.totals.kvCacheUsage).toBeCloseTo(0.3, 6);
  });

  it("reads latency percentiles from vLLM's histograms, and says 'no data' for one it never filled", () => {
    // TTFT: 50% ≤ 0.25 s, 90% ≤ 0.5 s, all ≤ 1 s. p50 = 0.1 + 0.15 × 0.5/0.5 = 0.25; p90 = 0.25 + 0.25 × 0.4/0.4 = 0.5;
    // p95 = 0.5 + 0.5 × 0.05/0.1 = 0.75; p99 = 0.5 + 0.5 × 0.09/0.1 = 0.95 (histogram_quantile's interpolation)
    const l = report.latencySeconds;
    expect(l.ttft.p50).toBeCloseTo(0.25, 6);
    expect(l.ttft.p90).toBeCloseTo(0.5, 6);
    expect(l.ttft.p95).toBeCloseTo(0.75, 6);
    expect(l.ttft.p99).toBeCloseTo(0.95, 6);
    // e2e: 10% ≤ 1 s, 50% ≤ 2.5 s, 90% ≤ 5 s: p50 = 1 + 1.5 × 0.4/0.4 = 2.5, p95 = 5 + 5 × 0.05/0.1 = 7.5
    expect([l.e2e.p50, l.e2e.p95]).toEqual([2.5, 7.5].map((x) => expect.closeTo(x, 6)));
    // queue: all ≤ 0.1 s, so p50 = 0.05
    expect(l.queue.p50).toBeCloseTo(0.05, 6);
    expect(l.itl).toEqual({ p50: null, p90: null, p95: null, p99: null });
    expect(report.buckets[3].latencySeconds.e2eP95).toBeCloseTo(7.5, 6);
    expect(report.buckets[21].latencySeconds.e2eP95).toBeNull(); // no request finished that day
  });

  it("prices the month with the stack's prices, people included, beside the hosted API", () => {
    const gpuNodeHourly = (0.8048 * 730 + 30 * 0.08) / 730; // g6.xlarge on demand and its 30 GiB root volume
    const fixedHourly = 268.32 / 730; // the rest of the dev stack (test/cost-dev.test.ts)
    const c = report.cost;
    expect(c.prices).toMatchObject({ instanceType: "g6.xlarge", region: "us-east-1", gpuPurchase: "on-demand", priceCatalog: "the built-in catalog" });
    expect(c.gpuUsd).toBeCloseTo(602 * gpuNodeHourly, 2);
    expect(c.fixedUsd).toBeCloseTo(696 * fixedHourly, 2);
    expect(c.peopleUsd).toBeCloseTo(696 * 10, 2); // $7,300 a month / 730 h = $10 for each hour recorded
    const total = 602 * gpuNodeHourly + 696 * fixedHourly;
    expect(c.totalUsd).toBeCloseTo(total, 2);
    expect(c.usdPerMillionOutputTokens).toBeCloseTo(total / 25.92, 3);
    expect(c.usdPerMillionOutputTokensWithPeople).toBeCloseTo((total + 6960) / 25.92, 3);
    // bedrock/llama-3.1-8b at $0.22 in and out: (51.84M + 25.92M) × $0.22 = $17.11
    expect(report.hostedApi).toMatchObject({ id: "bedrock/llama-3.1-8b", sameTokensUsd: 17.11 });
    // 25.92M tokens over 602 node-hours at the modeled capacity of a node-hour
    expect(report.totals.modeledCapacityShare).toBeCloseTo(25_920_000 / ((602 * sc.cost.curves.selfHosted.outputTokensPerNodeMonth) / 730), 4);
    expect(report.overflow).toBeNull();
  });

  it("prints a summary for the terminal", () => {
    expect(summary).toMatch(/^hostwise report — stack dev \(llama-2-13b-chat\), 30d to .*; Prometheus recorded 696\.0 of 720 h/);
    expect(summary).toMatch(/requests +111,240 \(abort 2,880, error 360, length 21,600, stop 86,400\)/);
    expect(summary).toMatch(/latency p50\/p95 s +TTFT 0\.250\/0\.750, e2e 2\.500\/7\.500, queue 0\.050\/0\.095/);
    expect(summary).toMatch(/bedrock\/llama-3\.1-8b +\$17\.11 for the same tokens: self-hosting cost 43× the API's list price/);
    expect(summary).toMatch(/overflow +no overflow metrics/);
  });

  it("writes Markdown with the cost, token and latency charts and every query", () => {
    expect(markdown).toContain("# hostwise report: stack dev (llama-2-13b-chat)");
    expect(markdown.match(/```mermaid\nxychart-beta/g)).toHaveLength(3);
    expect(markdown).toContain('title "Cost per day (USD, without people)"');
    expect(markdown).toContain("1 day(s) without data are left out of the charts");
    expect(markdown).toMatch(/\| no data \| no data \| no data \|/);
    expect(markdown).toContain("**Overflow to the hosted API:** no overflow metrics");
    for (const q of [...bucketQueries({ stack: "dev", servedModelName: MODEL }, DAY_BUCKET), ...windowQueries({ stack: "dev", servedModelName: MODEL }, 720)]) {
      expect(markdown).toContain(q.promql.replace(/\|/g, "\\|"));
    }
  });
});

/** How many samples of the live generation counter Prometheus holds from the last hour. */
async function liveSamples(): Promise<number> {
  const body = new URLSearchParams({ query: 'count_over_time(vllm:generation_tokens_total{pod="vllm-live"}[1h])' });
  const res = (await (await fetch(`${prometheus.url}/api/v1/query`, { method: "POST", body })).json()) as any;
  return Number(res.data.result[0]?.value[1] ?? 0);
}

/** Serves `metrics` until Prometheus has scraped them at least once (a scrape after they were set). */
async function serveUntilScraped(metrics: string): Promise<void> {
  fake.metrics = metrics;
  const seen = await liveSamples();
  const deadline = Date.now() + 20_000;
  while ((await liveSamples()) <= seen) {
    if (Date.now() > deadline) throw new Error("Prometheus did not scrape the fake vLLM within 20 s");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The live scenario, started in beforeAll so that Prometheus' first scrapes (its discovery takes ~5 s) overlap
 * the month's tests: counter 100 → 200, the process restarts → 30 → 80, so increase() must see
 * 100 + 30 + 50 = 180 (a naive last − first: −20); the TTFT histogram fills; the entry point overflows.
 */
async function runLiveScenario(): Promise<void> {
  const steps: Array<Partial<VllmMetrics>> = [
    {},
    {
      generationTokens: 200,
      ttft: { buckets: { "0.1": 0, "0.25": 50, "0.5": 90, "1": 100 }, count: 100, sum: 30 },
      entrypoint: { [BACKENDS.hostedApi]: { requests: 0, promptTokens: 0, completionTokens: 0 }, [BACKENDS.selfHosted]: { requests: 0, promptTokens: 0, completionTokens: 0 } },
    },
    { generationTokens: 30, entrypoint: { [BACKENDS.hostedApi]: { requests: 40, promptTokens: 2_000_000, completionTokens: 1_000_000 }, [BACKENDS.selfHosted]: { requests: 60, promptTokens: 100, completionTokens: 50 } } },
    { generationTokens: 80 },
  ];
  let state = live;
  for (const step of steps) {
    state = { ...state, ...step };
    await serveUntilScraped(exposition(state));
  }
  await serveUntilScraped(exposition(state)); // the last state twice, so its value is not the series' only edge
}

describe("hostwise report: a live scrape of vLLM's /metrics", () => {
  it("handles a counter reset and prices the entry point's overflow to the hosted API", async () => {
    await liveScenario;
    const { io: recIo, rec } = io();
    const code = await runReport(options({ since: "1h", until: undefined, json: true }), recIo, deps(), new Date());
    expect(code, rec.err.join("\n")).toBe(0);
    const report = JSON.parse(rec.out.join("\n"));
    expect(report.window.bucket).toBe("hour");

    // increase() extrapolates a series that starts inside the window by half a scrape interval at most:
    // between 180 and 180 × (1 + interval / sampled span)
    const body = new URLSearchParams({ query: 'vllm:generation_tokens_total{pod="vllm-live"}[1h]' });
    const raw = ((await (await fetch(`${prometheus.url}/api/v1/query`, { method: "POST", body })).json()) as any).data.result[0].values as Array<[number, string]>;
    const span = raw[raw.length - 1]![0] - raw[0]![0];
    const interval = span / (raw.length - 1);
    expect(report.totals.generationTokens).toBeGreaterThanOrEqual(180);
    expect(report.totals.generationTokens).toBeLessThanOrEqual(Math.ceil(180 * (1 + interval / span)));

    // every bucket grew by the same factor, so the quantiles are the counts' own: p50 0.25 s, p95 0.75 s
    expect(report.latencySeconds.ttft.p50).toBeCloseTo(0.25, 6);
    expect(report.latencySeconds.ttft.p95).toBeCloseTo(0.75, 6);
    // overflow: the entry point sent 2M prompt + 1M completion tokens to bedrock/llama-3.1-8b at $0.22 → $0.66,
    // grown by the same extrapolation as the tokens
    const o = report.overflow;
    expect(o.promptTokens / o.completionTokens).toBeCloseTo(2, 6);
    expect(o.completionTokens).toBeGreaterThanOrEqual(1_000_000);
    expect(o.usd).toBeCloseTo(((o.promptTokens + o.completionTokens) * 0.22) / 1e6, 2);
  }, 40_000);
});

describe("hostwise report: the command line", () => {
  it("reads its flags and rejects bad ones, naming the flag", () => {
    expect(parseReportArgs(["--stack", "dev"], "/work")).toEqual({ stack: "dev", dir: "/work", overrides: [], since: "30d", outDir: "/work", json: false });
    expect(parseReportArgs(["--help"])).toEqual({ help: true });
    const cases: Array<[string[], RegExp]> = [
      [[], /^--stack is required/],
      [["--stack", "dev", "--since", "30"], /^--since: "30" is not a duration/],
      [["--stack", "dev", "--since", "1.5d"], /^--since: "1\.5d" is not a duration/],
      [["--stack", "dev", "--since", "0h"], /^--since: "0h" is empty/],
      [["--stack", "dev", "--since", "401d"], /^--since: "401d" is longer than 400 days/],
      [["--stack", "dev", "--prometheus-url", "localhost:9090"], /^--prometheus-url: localhost: is not http or https/],
      [["--stack", "dev", "--bogus"], /Unknown option '--bogus'/],
      [["--stack", "../etc"], /^--stack: "\.\.\/etc" is not a stack name/],
      [["--stack", "org/dev"], /^--stack: "org\/dev" is not a stack name \(dev\)/],
    ];
    for (const [argv, message] of cases) {
      expect(() => parseReportArgs(argv), argv.join(" ")).toThrow(UsageError);
      expect(() => parseReportArgs(argv)).toThrow(message);
    }
  });

  it("refuses a window longer than the stack keeps, an --until in the future, and an unreachable Prometheus", async () => {
    const run = async (o: Partial<ReportOptions>) => {
      const { io: recIo, rec } = io();
      return { code: await runReport(options(o), recIo, deps(), new Date()), err: rec.err.join("\n") };
    };
    expect(await run({ since: "31d" })).toMatchObject({ code: 2, err: expect.stringMatching(/--since 31d: stack dev keeps 30 days of metrics \(metricsRetentionDays\)/) });
    expect(await run({ until: "2999-01-01T00:00:00Z" })).toMatchObject({ code: 2, err: expect.stringMatching(/--until: 2999-01-01T00:00:00\.000Z is in the future/) });
    expect(await run({ until: "2026-01-01" })).toMatchObject({ code: 2, err: expect.stringMatching(/--until: "2026-01-01" has no time zone/) });
    const port = await closedPort();
    const closed = await run({ prometheusUrl: `http://user:secret@127.0.0.1:${port}` });
    expect(closed).toMatchObject({ code: 1, err: expect.stringMatching(new RegExp(`cannot reach Prometheus at http://127\\.0\\.0\\.1:${port}: ECONNREFUSED`)) });
    expect(closed.err).not.toContain("secret");
  });

  it("--stack without --prometheus-url reaches Prometheus through a port-forward with the stack's kubeconfig", async () => {
    const { io: recIo, rec } = io();
    const port = Number(new URL(prometheus.url).port);
    const forward: ReportDeps = {
      stackOutputs: (stack) => (stack === "dev" ? { kubeconfig: '{"apiVersion":"v1","kind":"Config"}' } : {}),
      stackCost: async () => sc,
      portForward: { command: process.execPath, commandArgs: ["-e", PROXY(port, ["-n", "monitoring", "svc/prometheus-server"]), "--"], readyTimeoutSeconds: 5 },
    };
    const { prometheusUrl: _, ...viaStack } = options({ since: "2d", json: true });
    expect(await runReport(viaStack, recIo, forward, new Date()), rec.err.join("\n")).toBe(0);
    expect(rec.err.join("\n")).toContain("from svc/prometheus-server in monitoring (port-forward)");
    expect(JSON.parse(rec.out.join("\n")).totals.generationTokens).toBe(2 * 24 * 72_000);
    // without a kubeconfig output, the stack was not deployed by hostwise
    const none = io();
    expect(await runReport(viaStack, none.io, { ...forward, stackOutputs: () => ({}) }, new Date())).toBe(2);
    expect(none.rec.err.join("\n")).toMatch(/--stack dev: the stack has no kubeconfig output/);
  });

  it("exits 1 and says so when Prometheus has nothing of its own in the window", async () => {
    const { io: recIo, rec } = io();
    // a week ending before the history starts
    const code = await runReport(options({ since: "7d", until: new Date(START - DAY).toISOString() }), recIo, deps(), new Date());
    expect(code).toBe(1);
    expect(rec.out.join("\n")).toMatch(/Prometheus has none of its own samples/);
  });

  it("is listed in the CLI's help, with its own", async () => {
    const lines: string[] = [];
    expect(await main(["report", "--help"], (s) => lines.push(s), () => undefined)).toBe(0);
    expect(lines.join("\n")).toBe(REPORT_HELP);
    for (const flag of ["--stack", "--prometheus-url", "--since", "--until", "--config", "--dir", "--out-dir", "--json"]) expect(REPORT_HELP).toContain(flag);
  });
});
