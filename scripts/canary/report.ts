// Renderers over a canary run: the JSON report, the Markdown report, the terminal summary, and the cost
// verdict they share. Pure: every price comes from the caller.

import { usdPerMillionTokens } from "../../infra/cost/curve";
import { mdCode, mdText } from "../lib/markdown";
import { redactUrl } from "../lib/redact";
import { renderTable, round, usd } from "../lib/table";
import type { ColdPath, CostSplit } from "./cold-path";
import type { LevelResult, RunResult } from "./run";
import type { Summary } from "./stats";

export interface CostInputs {
  /** The stack's GPU cost per hour at the replica count that served the test. */
  readonly hourlyUsd?: number;
  /** What `hostwise plan` modeled, USD per 1M output tokens. */
  readonly modeledUsdPerMillionOutputTokens?: number;
  readonly hostedApi?: { readonly id: string; readonly outputUsdPerMTok: number };
  /** A level only counts for the verdict if 95% of its streams reach this many tokens/s. */
  readonly minStreamTokensPerSecond?: number;
}

/** A level with more failed requests than this is not a level to run the service at. */
export const MAX_ERROR_RATE = 0.01;
/** Measured within ±25% of the model counts as "as modeled": the model is a sizing estimate, not a promise. */
export const MODELED_TOLERANCE = 0.25;

/** GPU dollars per 1M output tokens with the GPUs kept this busy around the clock; undefined without throughput. */
export function usdPerMillionOutputTokens(hourlyUsd: number, outputTokensPerSecond: number): number | undefined {
  return outputTokensPerSecond > 0 ? usdPerMillionTokens(hourlyUsd, outputTokensPerSecond * 3600) : undefined;
}

/** Why a level cannot be the one the verdict uses, or undefined when it can. */
export function disqualification(level: LevelResult, inputs: CostInputs): string | undefined {
  if (level.ok === 0) return "no successful request";
  // Cut short, its wall time includes work that was thrown away: its throughput is not a steady state.
  if (level.stoppedBy === "interrupted" || level.stoppedBy === "time cap") return `stopped early (${level.stoppedBy})`;
  if (level.errorRate > MAX_ERROR_RATE) return `error rate ${percent(level.errorRate)} is above ${percent(MAX_ERROR_RATE)}`;
  const floor = inputs.minStreamTokensPerSecond;
  if (floor !== undefined) {
    const reached = level.streamTokensPerSecondP95Floor;
    if (reached === undefined) return "no stream long enough to measure its speed";
    if (reached < floor) return `95% of streams reached only ${round(reached)} tokens/s, below the floor of ${floor}`;
  }
  return undefined;
}

/** The level with the highest output throughput among those that qualify. */
export function bestLevel(levels: readonly LevelResult[], inputs: CostInputs): LevelResult | undefined {
  return levels
    .filter((l) => disqualification(l, inputs) === undefined)
    .reduce<LevelResult | undefined>((best, l) => (best === undefined || l.outputTokensPerSecond > best.outputTokensPerSecond ? l : best), undefined);
}

export interface CostVerdict {
  /** The qualifying level with the highest throughput; undefined when none qualifies (see `why`). */
  readonly bestConcurrency?: number;
  readonly outputTokensPerSecond?: number;
  readonly measuredUsdPerMillionOutputTokens?: number;
  readonly vsModeled?: {
    readonly modeledUsdPerMillionOutputTokens: number;
    /** measured / modeled. */
    readonly ratio: number;
    readonly verdict: "as modeled" | "higher than modeled" | "lower than modeled";
    readonly text: string;
  };
  readonly vsHostedApi?: {
    readonly id: string;
    readonly outputUsdPerMTok: number;
    /** How many times cheaper or dearer the measured cost is (≥ 1). */
    readonly factor: number;
    readonly verdict: "cheaper" | "dearer" | "same";
    readonly text: string;
  };
  /** One line for people. */
  readonly text: string;
}

export function costVerdict(result: RunResult, inputs: CostInputs): CostVerdict {
  const best = bestLevel(result.levels, inputs);
  if (!best) {
    const why = result.levels.map((l) => `concurrency ${l.concurrency}: ${disqualification(l, inputs)}`).join("; ");
    return { text: `no level qualifies for a verdict${why ? ` (${why})` : " (no level ran)"}` };
  }
  const at = `concurrency ${best.concurrency}, ${round(best.outputTokensPerSecond, 0)} output tokens/s`;
  if (inputs.hourlyUsd === undefined) {
    return { bestConcurrency: best.concurrency, outputTokensPerSecond: best.outputTokensPerSecond, text: `best level: ${at} (no --hourly-usd, so no cost)` };
  }
  const measured = usdPerMillionOutputTokens(inputs.hourlyUsd, best.outputTokensPerSecond)!;
  const parts = [`${usd(measured)} per 1M output tokens at ${at} and ${usd(inputs.hourlyUsd)}/h`];
  let vsModeled: CostVerdict["vsModeled"];
  const modeled = inputs.modeledUsdPerMillionOutputTokens;
  if (modeled !== undefined) {
    const ratio = measured / modeled;
    const verdict = Math.abs(ratio - 1) <= MODELED_TOLERANCE ? "as modeled" : ratio > 1 ? "higher than modeled" : "lower than modeled";
    const text =
      verdict === "as modeled"
        ? `as modeled (${usd(modeled)}; within ±${percent(MODELED_TOLERANCE)})`
        : `${percent(Math.abs(ratio - 1))} ${verdict} (${usd(modeled)})`;
    vsModeled = { modeledUsdPerMillionOutputTokens: modeled, ratio, verdict, text };
    parts.push(text);
  }
  let vsHostedApi: CostVerdict["vsHostedApi"];
  if (inputs.hostedApi) {
    const price = inputs.hostedApi.outputUsdPerMTok;
    const verdict = measured < price ? "cheaper" : measured > price ? "dearer" : "same";
    const factor = verdict === "cheaper" ? price / measured : measured / price;
    const text =
      verdict === "same"
        ? `the same as ${inputs.hostedApi.id} (${usd(price)})`
        : `${verdict} than ${inputs.hostedApi.id} (${usd(price)}) by ${round(factor, factor < 10 ? 1 : 0)}×`;
    vsHostedApi = { id: inputs.hostedApi.id, outputUsdPerMTok: price, factor, verdict, text };
    parts.push(text);
  }
  return {
    bestConcurrency: best.concurrency,
    outputTokensPerSecond: best.outputTokensPerSecond,
    measuredUsdPerMillionOutputTokens: measured,
    ...(vsModeled && { vsModeled }),
    ...(vsHostedApi && { vsHostedApi }),
    text: parts.join("; "),
  };
}

export { redactUrl };

export function percent(fraction: number): string {
  return `${round(fraction * 100, fraction * 100 < 10 && fraction !== 0 ? 1 : 0)}%`;
}

/** Fixed decimals for JSON: microseconds for times, thousandths for rates; no float noise in diffs. */
export function fixed(n: number, digits: number): number {
  return Number(n.toFixed(digits));
}

function summaryJson(s: Summary | undefined, digits: number) {
  if (!s) return null;
  const f = (n: number) => fixed(n, digits);
  return { count: s.count, mean: f(s.mean), p50: f(s.p50), p90: f(s.p90), p95: f(s.p95), p99: f(s.p99), min: f(s.min), max: f(s.max) };
}

/** What one level measured, as JSON: every field present (null when not measured), times in seconds. */
export function levelJson(l: LevelResult) {
  return {
    concurrency: l.concurrency,
    stoppedBy: l.stoppedBy,
    wallSeconds: fixed(l.wallSeconds, 3),
    requests: { completed: l.completed, ok: l.ok, failed: l.failed, cancelled: l.cancelled },
    errorRate: fixed(l.errorRate, 4),
    errors: l.errors,
    errorExamples: l.errorExamples,
    ttftSeconds: summaryJson(l.ttft, 6),
    itlSeconds: summaryJson(l.itl, 6),
    e2eSeconds: summaryJson(l.e2e, 6),
    streamTokensPerSecond: summaryJson(l.streamTokensPerSecond, 3),
    streamTokensPerSecondP95Floor: l.streamTokensPerSecondP95Floor === undefined ? null : fixed(l.streamTokensPerSecondP95Floor, 3),
    requestsPerSecond: fixed(l.requestsPerSecond, 4),
    outputTokensPerSecond: fixed(l.outputTokensPerSecond, 3),
    outputTokens: l.outputTokens,
    outputTokensSource: l.outputTokensSource,
    meanPromptTokens: l.meanPromptTokens === undefined ? null : fixed(l.meanPromptTokens, 1),
    usage: l.usage,
    backends: l.backends,
    fallbackUsage: l.fallbackUsage,
  };
}

/** What `--stack` adds: the cold path of a stack that was at zero, and the run's cost split (GPU time, API tokens). */
export interface StackExtras {
  readonly coldPath?: ColdPath;
  readonly split?: CostSplit;
}

function coldPathJson(c: ColdPath | undefined) {
  if (!c) return null;
  const f = (n: number | undefined) => (n === undefined ? null : fixed(n, 3));
  return {
    stoppedBy: c.stoppedBy,
    firstAnswer: c.firstAnswer ? { ...c.firstAnswer, ttftSeconds: fixed(c.firstAnswer.ttftSeconds, 3) } : null,
    firstVllmSeconds: f(c.firstVllmSeconds),
    replicaReadySeconds: f(c.replicaReadySeconds),
    attempts: c.attempts.map((a) => ({ ...a, atSeconds: fixed(a.atSeconds, 3) })),
    fallbackUsage: c.fallbackUsage,
  };
}

function splitJson(s: CostSplit | undefined) {
  if (!s) return null;
  return {
    gpuNodeSeconds: fixed(s.gpuNodeSeconds, 1),
    gpuUsd: fixed(s.gpuUsd, 6),
    api: s.api ? { ...s.api, usd: fixed(s.api.usd, 6) } : null,
    totalUsd: fixed(s.totalUsd, 6),
    outputTokens: s.outputTokens,
    blendedUsdPerMillionOutputTokens: s.blendedUsdPerMillionOutputTokens === undefined ? null : fixed(s.blendedUsdPerMillionOutputTokens, 4),
  };
}

/** The JSON report. Every field is always present (null when not measured); times in seconds, rates per second. */
export function reportJson(result: RunResult, inputs: CostInputs, extras: StackExtras = {}) {
  const verdict = costVerdict(result, inputs);
  return {
    report: "hostwise canary",
    schemaVersion: 1,
    startedAt: result.startedAt,
    target: { url: redactUrl(result.baseUrl), model: result.model },
    settings: result.settings,
    partial: result.partial,
    stoppedBy: result.stoppedBy ?? null,
    wallSeconds: fixed(result.wallSeconds, 3),
    levels: result.levels.map((l) => ({
      ...levelJson(l),
      usdPerMillionOutputTokens: costAt(l, inputs) === undefined ? null : fixed(costAt(l, inputs)!, 4),
      qualifiesForVerdict: disqualification(l, inputs) === undefined,
    })),
    cost: {
      hourlyUsd: inputs.hourlyUsd ?? null,
      modeledUsdPerMillionOutputTokens: inputs.modeledUsdPerMillionOutputTokens ?? null,
      hostedApi: inputs.hostedApi ?? null,
      minStreamTokensPerSecond: inputs.minStreamTokensPerSecond ?? null,
      maxErrorRate: MAX_ERROR_RATE,
      bestConcurrency: verdict.bestConcurrency ?? null,
      measuredUsdPerMillionOutputTokens: verdict.measuredUsdPerMillionOutputTokens === undefined ? null : fixed(verdict.measuredUsdPerMillionOutputTokens, 4),
      vsModeled: verdict.vsModeled ?? null,
      vsHostedApi: verdict.vsHostedApi ?? null,
      verdict: verdict.text,
    },
    ...stackExtrasJson(extras),
  };
}

/** The cold path and the cost split as JSON (null when not measured): the single report's and the side-by-side one's. */
export function stackExtrasJson(extras: StackExtras) {
  return { coldPath: coldPathJson(extras.coldPath), costSplit: splitJson(extras.split) };
}

function costAt(level: LevelResult, inputs: CostInputs): number | undefined {
  return inputs.hourlyUsd === undefined ? undefined : usdPerMillionOutputTokens(inputs.hourlyUsd, level.outputTokensPerSecond);
}

export const seconds = (n: number | undefined) => (n === undefined ? "-" : n.toFixed(3));
const rate = (n: number | undefined) => (n === undefined ? "-" : round(n));

export function errorList(level: LevelResult): string {
  const kinds = Object.keys(level.errors).sort();
  return kinds.length === 0 ? "none" : kinds.map((k) => `${k} × ${level.errors[k]}`).join(", ");
}

/** A table of figures the report computed itself (numbers, "-"), so the cells need no escaping. */
export function markdownTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, rightAligned: readonly number[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  const rule = `|${headers.map((_, i) => (rightAligned.includes(i) ? " ---: " : " --- ")).join("|")}|`;
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

export function describeRun(result: RunResult): string {
  const s = result.settings;
  return (
    `Concurrency ${s.concurrency.join(", ")}; each level up to ${s.requestsPerLevel} requests or ${s.durationSeconds} s, ` +
    `request timeout ${s.timeoutSeconds} s; prompts: ${s.prompts}; max_tokens ${s.maxTokens}` +
    `${s.ignoreEos ? " with ignore_eos (every answer is max_tokens long)" : " (answers stop at end of sequence)"}.`
  );
}

export function partialNote(result: RunResult): string | undefined {
  if (!result.partial) return undefined;
  const last = result.levels[result.levels.length - 1];
  const why = result.stoppedBy === "time cap" ? "the run's time cap" : "an interrupt (Ctrl-C or SIGTERM)";
  const planned = result.settings.concurrency;
  const skipped = last ? planned.slice(planned.indexOf(last.concurrency) + 1) : planned;
  return (
    `Partial run: stopped by ${why}${last ? ` during concurrency ${last.concurrency}` : " before any request finished"}` +
    `${skipped.length > 0 ? `; concurrency ${skipped.join(", ")} did not run` : ""}.`
  );
}

/** The Mermaid xychart of p50 and p95 end-to-end latency against concurrency, over the levels that have latencies. */
export function latencyChart(levels: readonly LevelResult[]): string | undefined {
  const measured = levels.filter((l) => l.e2e !== undefined);
  if (measured.length === 0) return undefined;
  const p50 = measured.map((l) => l.e2e!.p50.toFixed(3));
  const p95 = measured.map((l) => l.e2e!.p95.toFixed(3));
  const top = Math.max(...measured.map((l) => l.e2e!.p95));
  // Headroom of 10% over the highest point, rounded up to two significant digits so the axis reads cleanly.
  const head = top * 1.1 || 1;
  const step = 10 ** (Math.floor(Math.log10(head)) - 1);
  const yMax = Math.ceil(head / step) * step;
  return [
    "```mermaid",
    "xychart-beta",
    '    title "End-to-end latency vs concurrency (p50 and p95)"',
    `    x-axis "concurrent requests" [${measured.map((l) => `"${l.concurrency}"`).join(", ")}]`,
    `    y-axis "seconds" 0 --> ${Number(yMax.toPrecision(6))}`,
    `    line [${p50.join(", ")}]`,
    `    line [${p95.join(", ")}]`,
    "```",
  ].join("\n");
}

/** The cold path in sentences, shared by the summary and the Markdown report. */
export function describeColdPath(c: ColdPath): string[] {
  const s = (n: number) => `${round(n, 1)} s`;
  const retries = c.attempts.filter((a) => a.status === 503).length;
  return [
    c.firstAnswer
      ? `first token ${s(c.firstAnswer.ttftSeconds)} after the first request, from ${c.firstAnswer.backend}, on attempt ${c.firstAnswer.attempts}` +
        (retries > 0 ? ` (${retries} × 503 + Retry-After while the stack woke)` : "")
      : `no answer within the cold path (${c.stoppedBy === "interrupted" ? "stopped" : "the wake timeout passed"}; ${c.attempts.length} attempt(s))`,
    c.replicaReadySeconds !== undefined ? `a vLLM replica was ready after ${s(c.replicaReadySeconds)}` : "no vLLM replica became ready during the cold path",
    ...(c.firstVllmSeconds !== undefined && c.firstAnswer?.backend !== "vllm" ? [`vLLM answered itself from ${s(c.firstVllmSeconds)}`] : []),
  ];
}

/** The cost split in one sentence. */
export function describeSplit(s: CostSplit): string {
  const api = s.api ? `, ${s.api.id} ${usd(s.api.usd)} for ${s.api.outputTokens.toLocaleString("en-US")} output tokens` : "";
  const blended = s.blendedUsdPerMillionOutputTokens === undefined ? "" : `: ${usd(s.blendedUsdPerMillionOutputTokens)} per 1M output tokens blended`;
  return `GPU nodes ${usd(s.gpuUsd)} (${round(s.gpuNodeSeconds / 3600, 2)} node-hours)${api}; ${usd(s.totalUsd)} in all${blended}`;
}

function backendList(level: LevelResult): string {
  const entries = Object.entries(level.backends).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? "-" : entries.map(([b, n]) => `${b} ${n}`).join(", ");
}

/** The Markdown report: overview, chart, a table per level, cost. */
export function renderMarkdown(result: RunResult, inputs: CostInputs, extras: StackExtras = {}): string {
  const verdict = costVerdict(result, inputs);
  const partial = partialNote(result);
  const lines = [
    `# hostwise canary: ${mdText(result.model)}`,
    "",
    `${mdText(redactUrl(result.baseUrl))}, started ${mdText(result.startedAt)}, ${round(result.wallSeconds)} s in all.`,
    "",
    mdText(describeRun(result), 2_000),
    ...(partial ? ["", `> **${mdText(partial, 1_000)}**`] : []),
    "",
    "## Overview",
    "",
    markdownTable(
      ["concurrency", "ok", "failed", "error rate", "TTFT p50 (s)", "TTFT p95 (s)", "e2e p50 (s)", "e2e p95 (s)", "requests/s", "output tokens/s", "$ per 1M output"],
      result.levels.map((l) => {
        const cost = costAt(l, inputs);
        return [
          String(l.concurrency),
          String(l.ok),
          String(l.failed),
          percent(l.errorRate),
          seconds(l.ttft?.p50),
          seconds(l.ttft?.p95),
          seconds(l.e2e?.p50),
          seconds(l.e2e?.p95),
          round(l.requestsPerSecond, 2),
          round(l.outputTokensPerSecond),
          cost === undefined ? "-" : usd(cost),
        ];
      }),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    ),
  ];
  if (extras.coldPath) lines.push("", ...coldPathMarkdown(extras.coldPath));
  if (result.levels.some((l) => Object.keys(l.backends).length > 0)) {
    lines.push("", "Served by: " + result.levels.map((l) => `concurrency ${l.concurrency}: ${mdText(backendList(l))}`).join("; ") + ".");
  }
  const chart = latencyChart(result.levels);
  lines.push("", "## Latency vs concurrency", "");
  lines.push(...(chart ? [chart, "", "First line: p50; second line: p95 (end-to-end seconds, successful requests)."] : ["No successful request, so no latencies to chart."]));
  for (const l of result.levels) {
    const row = (name: string, s: Summary | undefined, f: (n: number | undefined) => string) => [
      name,
      f(s?.p50),
      f(s?.p90),
      f(s?.p95),
      f(s?.p99),
      f(s?.mean),
      f(s?.max),
      String(s?.count ?? 0),
    ];
    lines.push(
      "",
      `## Concurrency ${l.concurrency}`,
      "",
      markdownTable(
        ["metric", "p50", "p90", "p95", "p99", "mean", "max", "samples"],
        [
          row("TTFT (s)", l.ttft, seconds),
          row("ITL (s)", l.itl, seconds),
          row("end-to-end (s)", l.e2e, seconds),
          row("stream speed (tokens/s)", l.streamTokensPerSecond, rate),
        ],
        [1, 2, 3, 4, 5, 6, 7],
      ),
      "",
      `- Requests: ${l.ok} ok, ${l.failed} failed${l.cancelled ? `, ${l.cancelled} cancelled` : ""} in ${round(l.wallSeconds)} s ` +
        `(ended by ${l.stoppedBy === "requests" ? "the request count" : l.stoppedBy === "duration" ? "the duration" : l.stoppedBy}); error rate ${percent(l.errorRate)}`,
      `- Throughput: ${round(l.requestsPerSecond, 2)} requests/s, ${round(l.outputTokensPerSecond)} output tokens/s ` +
        `(${l.outputTokens} tokens; counted from usage for ${l.outputTokensSource.usage}, from chunks for ${l.outputTokensSource.chunks} requests)` +
        `${l.meanPromptTokens === undefined ? "" : `; ${round(l.meanPromptTokens, 0)} prompt tokens on average`}`,
      `- Errors: ${Object.keys(l.errors).length === 0 ? "none" : Object.keys(l.errors).sort().map((k) => `${mdCode(k)} × ${l.errors[k]}`).join(", ")}`,
      ...Object.entries(l.errorExamples).map(([kind, message]) => `  - ${mdCode(kind)}: ${mdText(message, 1_000)}`),
    );
  }
  lines.push("", "## Cost", "");
  if (inputs.hourlyUsd === undefined) {
    lines.push("No `--hourly-usd` given, so no cost per token.", "", `**Verdict:** ${mdText(verdict.text, 2_000)}.`);
  } else {
    lines.push(
      `GPU cost ${usd(inputs.hourlyUsd)}/h. $ per 1M output tokens at a level = hourly cost / 3600 / output tokens/s × 1,000,000: ` +
        "what the tokens cost if the GPUs were kept that busy around the clock.",
      "",
      `The verdict uses the level with the highest output throughput whose error rate is at most ${percent(MAX_ERROR_RATE)}` +
        `${inputs.minStreamTokensPerSecond === undefined ? "" : ` and where 95% of streams reach ${inputs.minStreamTokensPerSecond} tokens/s`}.`,
      "",
      `**Verdict:** ${mdText(verdict.text, 2_000)}.`,
    );
  }
  if (result.partial) lines.push("", "The verdict covers only the levels that finished before the run stopped.");
  if (extras.split) lines.push("", splitMarkdown(extras.split));
  return `${lines.join("\n")}\n`;
}

function coldPathMarkdown(c: ColdPath): string[] {
  return ["## Cold path (the stack was at zero)", "", ...describeColdPath(c).map((l) => `- ${mdText(l, 1_000)}`)];
}

function splitMarkdown(s: CostSplit): string {
  return `**What the run cost:** ${mdText(describeSplit(s), 1_000)}.`;
}

/** The cold path and the cost split as Markdown sections, appended to the side-by-side report ("" when neither). */
export function stackExtrasMarkdown(extras: StackExtras): string {
  const lines = [...(extras.coldPath ? ["", ...coldPathMarkdown(extras.coldPath)] : []), ...(extras.split ? ["", splitMarkdown(extras.split)] : [])];
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

/** The cold path and the cost split as summary lines (none when neither). */
export function stackExtrasSummary(extras: StackExtras): string[] {
  return [...(extras.coldPath ? ["", ...coldPathSummary(extras.coldPath)] : []), ...(extras.split ? [`Run cost: ${describeSplit(extras.split)}`] : [])];
}

function coldPathSummary(c: ColdPath): string[] {
  return ["Cold path (the stack was at zero)", ...describeColdPath(c).map((l) => `  ${l}`)];
}

/** The terminal summary: one row per level and the verdict. */
export function renderSummary(result: RunResult, inputs: CostInputs, extras: StackExtras = {}): string {
  const partial = partialNote(result);
  const table = renderTable(
    ["concurrency", "ok", "failed", "errors", "TTFT p50/p95 s", "ITL p50/p95 s", "e2e p50/p95 s", "req/s", "out tok/s", "$/1M out"],
    result.levels.map((l) => {
      const cost = costAt(l, inputs);
      return [
        String(l.concurrency),
        String(l.ok),
        String(l.failed),
        errorList(l),
        `${seconds(l.ttft?.p50)}/${seconds(l.ttft?.p95)}`,
        `${seconds(l.itl?.p50)}/${seconds(l.itl?.p95)}`,
        `${seconds(l.e2e?.p50)}/${seconds(l.e2e?.p95)}`,
        round(l.requestsPerSecond, 2),
        round(l.outputTokensPerSecond),
        cost === undefined ? "-" : usd(cost),
      ];
    }),
    [0, 1, 2, 4, 5, 6, 7, 8, 9],
  );
  const served = result.levels.some((l) => Object.keys(l.backends).length > 0)
    ? [`Served by    ${result.levels.map((l) => `c${l.concurrency}: ${backendList(l)}`).join(" · ")}`]
    : [];
  return [
    `hostwise canary — ${result.model} at ${redactUrl(result.baseUrl)}`,
    describeRun(result),
    ...(partial ? [partial] : []),
    ...(extras.coldPath ? ["", ...coldPathSummary(extras.coldPath)] : []),
    "",
    table,
    ...served,
    "",
    `Verdict: ${costVerdict(result, inputs).text}`,
    ...(extras.split ? [`Run cost: ${describeSplit(extras.split)}`] : []),
  ].join("\n");
}
