// Renderers of `hostwise report`: the JSON report, the Markdown report with its charts, the terminal summary.
// Pure: everything comes from the measured month and its prices. "No data" is printed as such, never as 0.

import { tokens } from "../lib/cost-render";
import { mdCode, mdText } from "../lib/markdown";
import { xyChart } from "../lib/mermaid";
import { renderTable, round, usd } from "../lib/table";
import type { BucketRecord, Measured, Percentiles } from "./collect";
import type { PricedMonth } from "./price";
import { HISTOGRAMS, type HistogramName } from "./queries";

export interface ReportContext {
  readonly stack: string;
  readonly model: string;
  /** Where Prometheus was reached (a local port-forward, or --prometheus-url without credentials). */
  readonly prometheus: string;
  readonly generatedAt: Date;
}

const NO_DATA = "no data";

function fixed(n: number | null, digits: number): number | null {
  return n === null ? null : Number(n.toFixed(digits));
}

/** The share of finished requests the engine failed (finished_reason "error"). */
function errorRate(byReason: Readonly<Record<string, number>> | null, total: number | null): number | null {
  if (byReason === null || !total) return null;
  return (byReason.error ?? 0) / total;
}

export function notes(m: Measured, p: PricedMonth): string[] {
  const out: string[] = [];
  const w = m.window;
  const missing = m.buckets.filter((b) => b.coverageHours === null).length;
  if (m.totals.bucketsWithData === 0) {
    out.push(`Prometheus has none of its own samples (up{job="prometheus"}) in this window: no data to report. Is this the stack's Prometheus, and was it running then?`);
    return out;
  }
  if (missing > 0) out.push(`Prometheus recorded nothing in ${missing} of ${m.buckets.length} ${w.bucket.name}s (marked "${NO_DATA}"); they are left out of every total and cost nothing here.`);
  if (m.totals.coverageHours < w.hours - 0.5) out.push(`Prometheus recorded ${round(m.totals.coverageHours)} of the window's ${w.hours} hours: the fixed and people costs count those hours only.`);
  if (p.gpuNodeHoursFloored) out.push("DCGM reported fewer GPU node-hours than the vLLM replicas need in some buckets (is the DCGM exporter running on every GPU node?): those buckets are priced at replica-hours / replicas per node.");
  if (m.totals.replicaHours === 0) out.push("No vLLM replica ran in the window (the stack stayed scaled to zero, or its pods were not scraped).");
  out.push("GPU node-hours are measured (DCGM exporter series); the fixed cost (control plane, system nodes, NAT, load balancer, volumes) is the stack's price book per hour, not a bill.");
  if (!p.prices.people) out.push("People cost not counted: set engineerHoursPerMonth and engineerHourlyUsd on the stack.");
  return out;
}

const rounded = (counts: Readonly<Record<string, number>> | null) => counts && Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, fixed(v, 1)]));

function percentilesJson(p: Percentiles) {
  return { p50: fixed(p.p50, 6), p90: fixed(p.p90, 6), p95: fixed(p.p95, 6), p99: fixed(p.p99, 6) };
}

function bucketJson(b: BucketRecord, i: number, p: PricedMonth) {
  const cost = p.buckets[i] ?? null;
  return {
    start: b.start.toISOString(),
    end: b.end.toISOString(),
    coverageHours: fixed(b.coverageHours, 4),
    requests: fixed(b.requests, 1),
    requestsByReason: rounded(b.requestsByReason),
    httpResponses: rounded(b.httpResponses),
    promptTokens: fixed(b.promptTokens, 0),
    generationTokens: fixed(b.generationTokens, 0),
    preemptions: fixed(b.preemptions, 1),
    replicaHours: fixed(b.replicaHours, 4),
    gpuNodeHours: fixed(b.gpuNodeHours, 4),
    gpuHours: fixed(b.gpuHours, 4),
    gpuUtilizationPercent: fixed(b.gpuUtilizationPercent, 2),
    kvCacheUsage: fixed(b.kvCacheUsage, 4),
    latencySeconds: { ttftP50: fixed(b.ttftP50, 6), ttftP95: fixed(b.ttftP95, 6), e2eP50: fixed(b.e2eP50, 6), e2eP95: fixed(b.e2eP95, 6) },
    overflow: b.overflow,
    costUsd: cost && { gpuNodeHoursPriced: fixed(cost.gpuNodeHours, 4), gpu: fixed(cost.gpuUsd, 4), fixed: fixed(cost.fixedUsd, 4), people: fixed(cost.peopleUsd, 4), total: fixed(cost.totalUsd, 4) },
  };
}

/** The JSON report: every field always present, null for "no data"; money in USD, times in seconds. */
export function reportJson(ctx: ReportContext, m: Measured, p: PricedMonth) {
  const t = m.totals;
  return {
    report: "hostwise report",
    schemaVersion: 1,
    generatedAt: ctx.generatedAt.toISOString(),
    stack: ctx.stack,
    model: ctx.model,
    prometheus: ctx.prometheus,
    window: { since: m.window.since, start: m.window.start.toISOString(), end: m.window.end.toISOString(), hours: m.window.hours, bucket: m.window.bucket.name },
    coverage: { hoursRecorded: fixed(t.coverageHours, 4), bucketsWithData: t.bucketsWithData, buckets: m.buckets.length },
    totals: {
      requests: fixed(t.requests, 1),
      requestsByReason: rounded(t.requestsByReason),
      httpResponses: rounded(t.httpResponses),
      errorRate: fixed(errorRate(t.requestsByReason, t.requests), 6),
      promptTokens: fixed(t.promptTokens, 0),
      generationTokens: fixed(t.generationTokens, 0),
      preemptions: fixed(t.preemptions, 1),
      replicaHours: fixed(t.replicaHours, 4),
      gpuNodeHours: fixed(t.gpuNodeHours, 4),
      gpuHours: fixed(t.gpuHours, 4),
      gpuUtilizationPercent: fixed(t.gpuUtilizationPercent, 2),
      kvCacheUsage: fixed(t.kvCacheUsage, 4),
      modeledCapacityShare: fixed(p.modeledCapacityShare, 4),
    },
    latencySeconds: Object.fromEntries((Object.keys(HISTOGRAMS) as HistogramName[]).map((h) => [h, percentilesJson(m.latency[h])])),
    cost: {
      prices: p.prices,
      gpuNodeHoursPriced: fixed(p.gpuNodeHours, 4),
      gpuNodeHoursFloored: p.gpuNodeHoursFloored,
      gpuUsd: fixed(p.gpuUsd, 2),
      fixedUsd: fixed(p.fixedUsd, 2),
      peopleUsd: fixed(p.peopleUsd, 2),
      totalUsd: fixed(p.totalUsd, 2),
      totalWithPeopleUsd: fixed(p.totalWithPeopleUsd, 2),
      usdPerMillionOutputTokens: fixed(p.usdPerMillionOutputTokens, 4),
      usdPerMillionOutputTokensWithPeople: fixed(p.usdPerMillionOutputTokensWithPeople, 4),
      usdPerMillionTokens: fixed(p.usdPerMillionTokens, 4),
    },
    hostedApi: { ...p.hostedApi, sameTokensUsd: fixed(p.hostedApi.sameTokensUsd, 2) },
    overflow: p.overflow ? { ...p.overflow, usd: fixed(p.overflow.usd, 2) } : null,
    buckets: m.buckets.map((b, i) => bucketJson(b, i, p)),
    notes: notes(m, p),
    queries: m.queries,
  };
}

const orNoData = (n: number | null, f: (n: number) => string) => (n === null ? NO_DATA : f(n));
const seconds = (n: number | null) => orNoData(n, (x) => x.toFixed(3));
const count = (n: number | null) => orNoData(n, (x) => tokens(x));
const hours = (n: number | null) => orNoData(n, (x) => round(x, 1));
const money = (n: number | null) => orNoData(n, usd);
const pct = (n: number | null) => orNoData(n, (x) => `${round(x * 100, 1)}%`);

/** A table of the report's own figures and of text already escaped (mdText, mdCode). */
function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, right: readonly number[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(headers), `|${headers.map((_, i) => (right.includes(i) ? " ---: " : " --- ")).join("|")}|`, ...rows.map(line)].join("\n");
}

/** A bucket by its start (UTC): the date alone for days that start at midnight, with the time otherwise. */
function bucketLabel(b: BucketRecord): string {
  const iso = b.start.toISOString();
  return iso.slice(11, 16) === "00:00" ? iso.slice(5, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

function requestsLine(m: Measured): string {
  const t = m.totals;
  if (t.requests === null) return NO_DATA;
  const reasons = Object.entries(t.requestsByReason ?? {}).map(([k, v]) => `${k} ${tokens(v)}`).join(", ");
  return `${tokens(t.requests)}${reasons ? ` (${reasons})` : ""}`;
}

function httpLine(m: Measured): string {
  const h = m.totals.httpResponses;
  if (h === null) return NO_DATA;
  const entries = Object.entries(h);
  return entries.length === 0 ? "none recorded" : entries.map(([k, v]) => `${k} ${tokens(v)}`).join(", ");
}

/** "g6.xlarge, spot, us-east-1 rates from the built-in catalog". */
function pricedAs(p: PricedMonth): string {
  return `${p.prices.instanceType}, ${p.prices.gpuPurchase}, ${p.prices.region} rates from ${p.prices.priceCatalog}`;
}

function verdictVsApi(p: PricedMonth): string {
  const self = p.totalUsd;
  const api = p.hostedApi.sameTokensUsd;
  if (self === null || api === null) return "no data to compare";
  if (api === 0) return `the API would have cost nothing: no tokens were served, while the stack cost ${usd(self)}`;
  const factor = self / api;
  return factor >= 1 ? `self-hosting cost ${round(factor, factor < 10 ? 1 : 0)}× the API's list price for these tokens` : `self-hosting cost ${round(1 / factor, 1 / factor < 10 ? 1 : 0)}× less than the API's list price for these tokens`;
}

function overflowLine(p: PricedMonth): string {
  if (!p.overflow) return "no overflow metrics (only a stack with a fallback API has a gateway that counts them)";
  const o = p.overflow;
  return `${tokens(o.requests)} requests, ${tokens(o.promptTokens)} prompt + ${tokens(o.completionTokens)} completion tokens sent to ${o.api}: ${usd(o.usd)}`;
}

function charts(m: Measured, p: PricedMonth): string[] {
  const withData = m.buckets.map((b, i) => ({ b, cost: p.buckets[i] })).filter((x) => x.b.coverageHours !== null);
  if (withData.length === 0) return ["No bucket has data, so there is nothing to chart."];
  const unit = m.window.bucket.name;
  const categories = withData.map((x) => bucketLabel(x.b));
  const left = m.buckets.length - withData.length;
  const out = [
    `${unit[0]!.toUpperCase()}${unit.slice(1)}s are labeled by their start, UTC.`,
    "",
    xyChart({ title: `Cost per ${unit} (USD, without people)`, xLabel: unit, categories, yLabel: "USD", digits: 2, series: [{ kind: "bar", name: "cost", values: withData.map((x) => x.cost!.totalUsd) }] }),
    "",
    xyChart({
      title: `Tokens per ${unit} (millions)`, xLabel: unit, categories, yLabel: "million tokens", digits: 4,
      series: [
        { kind: "bar", name: "generated", values: withData.map((x) => (x.b.generationTokens ?? 0) / 1e6) },
        { kind: "line", name: "prompt", values: withData.map((x) => (x.b.promptTokens ?? 0) / 1e6) },
      ],
    }),
    "",
    "Bars: generated tokens; line: prompt tokens.",
  ];
  const latency = withData.filter((x) => x.b.e2eP95 !== null);
  if (latency.length > 0) {
    out.push(
      "",
      xyChart({
        title: `Latency per ${unit} (seconds)`, xLabel: unit, categories: latency.map((x) => bucketLabel(x.b)), yLabel: "seconds", digits: 3,
        series: [
          { kind: "line", name: "e2e p50", values: latency.map((x) => x.b.e2eP50 ?? 0) },
          { kind: "line", name: "e2e p95", values: latency.map((x) => x.b.e2eP95 ?? 0) },
          { kind: "line", name: "TTFT p95", values: latency.map((x) => x.b.ttftP95 ?? 0) },
        ],
      }),
      "",
      `Lines, top to bottom in the legend order: end-to-end p50, end-to-end p95, time to first token p95 (${unit}s without finished requests are left out).`,
    );
  }
  if (left > 0) out.push("", `${left} ${unit}(s) without data are left out of the charts (see the table).`);
  return out;
}

/** The Markdown report: summary, cost against the API, charts, the table per bucket, notes, the queries. */
export function renderMarkdown(ctx: ReportContext, m: Measured, p: PricedMonth): string {
  const t = m.totals;
  const w = m.window;
  const latencyRows = (Object.keys(HISTOGRAMS) as HistogramName[]).map((h) => [
    `${HISTOGRAMS[h].what} (s)`, seconds(m.latency[h].p50), seconds(m.latency[h].p90), seconds(m.latency[h].p95), seconds(m.latency[h].p99),
  ]);
  const rows = m.buckets.map((b, i) => {
    const c = p.buckets[i];
    return [
      bucketLabel(b), hours(b.coverageHours), count(b.requests), count(b.promptTokens), count(b.generationTokens),
      hours(b.replicaHours), hours(b.gpuNodeHours), orNoData(b.gpuUtilizationPercent, (x) => `${round(x, 1)}%`), seconds(b.e2eP95), c ? usd(c.totalUsd) : NO_DATA,
    ];
  });
  return [
    `# hostwise report: stack ${mdText(ctx.stack)} (${mdText(ctx.model)})`,
    "",
    `${w.start.toISOString()} to ${w.end.toISOString()} (${w.since}, per ${w.bucket.name}), from Prometheus at ${mdText(ctx.prometheus)}. ` +
      `Prometheus recorded ${round(t.coverageHours, 1)} of ${w.hours} hours.`,
    "",
    "## The month in numbers",
    "",
    table(["", "value"], [
      ["requests finished", mdText(requestsLine(m))],
      ["engine errors (finished_reason error)", pct(errorRate(t.requestsByReason, t.requests))],
      ["HTTP responses of the completion routes", mdText(httpLine(m))],
      ["prompt tokens", count(t.promptTokens)],
      ["generated tokens", count(t.generationTokens)],
      ["preemptions", count(t.preemptions)],
      ["vLLM replica-hours", hours(t.replicaHours)],
      ["GPU node-hours (idle included)", hours(t.gpuNodeHours)],
      ["GPU-hours", hours(t.gpuHours)],
      ["GPU utilization (DCGM, mean)", orNoData(t.gpuUtilizationPercent, (x) => `${round(x, 1)}%`)],
      ["KV-cache usage (mean)", pct(t.kvCacheUsage)],
      ["share of the modeled capacity used", pct(p.modeledCapacityShare)],
    ], [1]),
    "",
    table(["latency", "p50", "p90", "p95", "p99"], latencyRows, [1, 2, 3, 4]),
    "",
    "## Cost",
    "",
    table(["item", "how", "USD"], [
      ["GPU nodes", `${hours(p.gpuNodeHours)} node-hours × ${usd(p.prices.gpuNodeHourlyUsd)}/h (${mdText(pricedAs(p))}, root volume included)`, money(p.gpuUsd)],
      ["rest of the stack", `${hours(t.coverageHours)} h × ${usd(p.prices.fixedHourlyUsd)}/h (price book)`, money(p.fixedUsd)],
      ["total", "", money(p.totalUsd)],
      ["people", p.prices.people ? `${p.prices.people.hoursPerMonth} h a month × ${usd(p.prices.people.hourlyUsd)}/h, for the hours recorded` : "not counted", money(p.peopleUsd)],
      ["total with people", "", p.prices.people ? money(p.totalWithPeopleUsd) : "-"],
      ["per 1M generated tokens", "total / generated tokens", money(p.usdPerMillionOutputTokens)],
      ["per 1M generated tokens, with people", "", p.prices.people ? money(p.usdPerMillionOutputTokensWithPeople) : "-"],
      ["per 1M tokens, prompt and generated", "total / all tokens", money(p.usdPerMillionTokens)],
    ], [2]),
    "",
    `**The same tokens on ${mdText(p.hostedApi.id)}** (${usd(p.hostedApi.inputUsdPerMTok)} in, ${usd(p.hostedApi.outputUsdPerMTok)} out per 1M tokens): ` +
      `${money(p.hostedApi.sameTokensUsd)}; ${verdictVsApi(p)}.`,
    "",
    `**Overflow to the hosted API:** ${mdText(overflowLine(p), 500)}.`,
    "",
    `## Per ${w.bucket.name}`,
    "",
    ...charts(m, p),
    "",
    table([w.bucket.name, "recorded h", "requests", "prompt", "generated", "replica-h", "GPU node-h", "GPU util", "e2e p95 (s)", "cost"], rows, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
    "",
    "## Notes",
    "",
    ...notes(m, p).map((n) => `- ${mdText(n, 1_000)}`),
    "",
    "<details><summary>The PromQL queries behind these figures</summary>",
    "",
    table(["figure", "query"], m.queries.map((q) => [q.name, mdCode(q.promql, 1_000)]), []),
    "",
    "</details>",
    "",
  ].join("\n");
}

/** The terminal summary. */
export function renderSummary(ctx: ReportContext, m: Measured, p: PricedMonth): string {
  const t = m.totals;
  const w = m.window;
  const lines = [
    `hostwise report — stack ${ctx.stack} (${ctx.model}), ${w.since} to ${w.end.toISOString()}; Prometheus recorded ${round(t.coverageHours, 1)} of ${w.hours} h`,
    "",
    renderTable(["", ""], [
      ["requests", requestsLine(m)],
      ["HTTP responses", httpLine(m)],
      ["tokens", `${count(t.promptTokens)} prompt, ${count(t.generationTokens)} generated`],
      ["latency p50/p95 s", `TTFT ${seconds(m.latency.ttft.p50)}/${seconds(m.latency.ttft.p95)}, e2e ${seconds(m.latency.e2e.p50)}/${seconds(m.latency.e2e.p95)}, queue ${seconds(m.latency.queue.p50)}/${seconds(m.latency.queue.p95)}`],
      ["replica-h, GPU node-h", `${hours(t.replicaHours)}, ${hours(t.gpuNodeHours)} (GPU utilization ${orNoData(t.gpuUtilizationPercent, (x) => `${round(x, 1)}%`)})`],
      ["cost", `${money(p.totalUsd)}${p.prices.people ? ` (${money(p.totalWithPeopleUsd)} with people)` : ""}; ${money(p.usdPerMillionOutputTokens)} per 1M generated tokens (GPU nodes: ${pricedAs(p)})`],
      [p.hostedApi.id, `${money(p.hostedApi.sameTokensUsd)} for the same tokens: ${verdictVsApi(p)}`],
      ["overflow", overflowLine(p)],
    ], []).replace(/^ +\n/, ""),
    ...notes(m, p).map((n) => `- ${n}`),
  ];
  return lines.join("\n");
}
