// The side-by-side report of `canary --compare-url`: two endpoints measured at once, level by level, each
// priced its own way — the self-hosted one by the GPU $/h of its running replicas, an API by its list prices
// times the tokens it reported in `usage` (input and output separately). Pure.

import { mdText, mermaidLabel } from "../lib/markdown";
import { xyChart } from "../lib/mermaid";
import { redactUrl } from "../lib/redact";
import { renderTable, round, usd } from "../lib/table";
import {
  bestLevel, describeRun, disqualification, errorList, fixed, levelJson, markdownTable, MAX_ERROR_RATE, partialNote, percent, seconds, usdPerMillionOutputTokens,
  type CostInputs,
} from "./report";
import type { LevelResult, RunResult } from "./run";

/** How an endpoint's tokens are priced. */
export type EndpointPricing =
  /** Self-hosted: the GPU cost per hour of the replicas behind it, spread over the tokens/s of a level. */
  | { readonly kind: "gpu-hourly"; readonly hourlyUsd: number }
  /** A hosted API: its list prices times the prompt and completion tokens it reported. */
  | { readonly kind: "list-price"; readonly id: string; readonly inputUsdPerMTok: number; readonly outputUsdPerMTok: number }
  | { readonly kind: "none"; readonly why: string };

export interface ComparedEndpoint {
  readonly name: string;
  readonly result: RunResult;
  readonly pricing: EndpointPricing;
}

export interface LevelCost {
  /** USD per 1M output tokens, input included for list prices; undefined when it cannot be priced. */
  readonly usdPerMillionOutputTokens?: number;
  readonly basis: string;
}

/** A level's $ per 1M output tokens under an endpoint's pricing, and how it was worked out. */
export function levelCost(l: LevelResult, pricing: EndpointPricing): LevelCost {
  switch (pricing.kind) {
    case "gpu-hourly": {
      const usd = usdPerMillionOutputTokens(pricing.hourlyUsd, l.outputTokensPerSecond);
      return { ...(usd !== undefined && { usdPerMillionOutputTokens: usd }), basis: `${round(pricing.hourlyUsd, 2)} USD/h ÷ output tokens/s` };
    }
    case "list-price": {
      const u = l.usage;
      const covered = `usage reported by ${u.requests} of ${l.ok} successful requests`;
      if (u.completionTokens <= 0) return { basis: `no usage reported (${covered})` };
      const cost = (u.promptTokens * pricing.inputUsdPerMTok + u.completionTokens * pricing.outputUsdPerMTok) / 1e6;
      return { usdPerMillionOutputTokens: (cost / u.completionTokens) * 1e6, basis: `list price × reported tokens, input included (${covered})` };
    }
    case "none":
      return { basis: pricing.why };
  }
}

function pricingText(p: EndpointPricing): string {
  switch (p.kind) {
    case "gpu-hourly":
      return `GPU cost ${usd(p.hourlyUsd)}/h of the running replicas`;
    case "list-price":
      return `${p.id} list price, ${usd(p.inputUsdPerMTok)} in / ${usd(p.outputUsdPerMTok)} out per 1M tokens, times the tokens it reported`;
    case "none":
      return `not priced: ${p.why}`;
  }
}

/** The best level of each endpoint (highest output tokens/s among those within the error budget) and its cost. */
export function bestPerEndpoint(endpoints: readonly ComparedEndpoint[], inputs: CostInputs) {
  return endpoints.map((e) => {
    const best = bestLevel(e.result.levels, inputs);
    if (!best) return { endpoint: e.name, concurrency: null, outputTokensPerSecond: null, usdPerMillionOutputTokens: null, text: `${e.name}: no level qualifies` };
    const cost = levelCost(best, e.pricing).usdPerMillionOutputTokens;
    return {
      endpoint: e.name,
      concurrency: best.concurrency,
      outputTokensPerSecond: fixed(best.outputTokensPerSecond, 3),
      usdPerMillionOutputTokens: cost === undefined ? null : fixed(cost, 4),
      text: `${e.name}: best at concurrency ${best.concurrency}, ${round(best.outputTokensPerSecond, 0)} output tokens/s, e2e p95 ${seconds(best.e2e?.p95)} s` +
        `${cost === undefined ? "" : `, ${usd(cost)} per 1M output tokens`}`,
    };
  });
}

/** The levels in the plan's order, with each endpoint's result at that level (null where it has none). */
function alignedLevels(endpoints: readonly ComparedEndpoint[]): Array<{ concurrency: number; at: Array<LevelResult | null> }> {
  return endpoints[0]!.result.settings.concurrency
    .map((concurrency) => ({ concurrency, at: endpoints.map((e) => e.result.levels.find((l) => l.concurrency === concurrency) ?? null) }))
    .filter((x) => x.at.some((l) => l !== null));
}

export function sideBySideJson(endpoints: readonly ComparedEndpoint[], inputs: CostInputs) {
  const first = endpoints[0]!.result;
  return {
    report: "hostwise canary",
    schemaVersion: 1,
    mode: "side-by-side",
    startedAt: first.startedAt,
    settings: first.settings,
    partial: first.partial,
    stoppedBy: first.stoppedBy ?? null,
    wallSeconds: fixed(first.wallSeconds, 3),
    endpoints: endpoints.map((e) => ({ name: e.name, url: redactUrl(e.result.baseUrl), model: e.result.model, pricing: e.pricing })),
    levels: alignedLevels(endpoints).map(({ concurrency, at }) => ({
      concurrency,
      endpoints: at.map((l, i) => {
        if (!l) return null;
        const cost = levelCost(l, endpoints[i]!.pricing);
        return {
          ...levelJson(l),
          usdPerMillionOutputTokens: cost.usdPerMillionOutputTokens === undefined ? null : fixed(cost.usdPerMillionOutputTokens, 4),
          costBasis: cost.basis,
          qualifiesForVerdict: disqualification(l, inputs) === undefined,
        };
      }),
    })),
    best: bestPerEndpoint(endpoints, inputs),
    maxErrorRate: MAX_ERROR_RATE,
    minStreamTokensPerSecond: inputs.minStreamTokensPerSecond ?? null,
  };
}

const pair = (a: number | undefined, b: number | undefined) => `${seconds(a)} / ${seconds(b)}`;

function levelRows(l: LevelResult | null, pricing: EndpointPricing): Array<[string, string]> {
  if (!l) return [];
  const cost = levelCost(l, pricing).usdPerMillionOutputTokens;
  return [
    ["requests ok / failed", `${l.ok} / ${l.failed}${l.cancelled ? ` (+${l.cancelled} cancelled)` : ""}`],
    ["error rate", percent(l.errorRate)],
    ["errors by kind", errorList(l)],
    ["TTFT p50 / p95 / p99 (s)", `${pair(l.ttft?.p50, l.ttft?.p95)} / ${seconds(l.ttft?.p99)}`],
    ["inter-token p50 / p95 (s)", pair(l.itl?.p50, l.itl?.p95)],
    ["end-to-end p50 / p95 / p99 (s)", `${pair(l.e2e?.p50, l.e2e?.p95)} / ${seconds(l.e2e?.p99)}`],
    ["output tokens/s", round(l.outputTokensPerSecond)],
    ["requests/s", round(l.requestsPerSecond, 2)],
    ["tokens reported (prompt / completion)", `${l.usage.promptTokens} / ${l.usage.completionTokens} (${l.usage.requests} requests)`],
    ["$ per 1M output tokens", cost === undefined ? "-" : usd(cost)],
  ];
}

/** The Mermaid chart of each endpoint's p95 end-to-end latency against concurrency. */
function latencyChart(endpoints: readonly ComparedEndpoint[]): string | undefined {
  const levels = alignedLevels(endpoints).filter((x) => x.at.every((l) => l?.e2e !== undefined));
  if (levels.length === 0) return undefined;
  return xyChart({
    title: "End-to-end latency p95 vs concurrency",
    xLabel: "concurrent requests (each endpoint)",
    categories: levels.map((x) => String(x.concurrency)),
    yLabel: "seconds",
    digits: 3,
    series: endpoints.map((e, i) => ({ kind: "line" as const, name: mermaidLabel(e.name), values: levels.map((x) => x.at[i]!.e2e!.p95) })),
  });
}

/** The Markdown report: the endpoints, a chart, a side-by-side table per level, the cost of each. */
export function renderSideBySideMarkdown(endpoints: readonly ComparedEndpoint[], inputs: CostInputs): string {
  const first = endpoints[0]!.result;
  const names = endpoints.map((e) => mdText(e.name));
  const partial = partialNote(first);
  const lines = [
    `# hostwise canary: ${names.join(" beside ")}`,
    "",
    `Started ${mdText(first.startedAt)}, ${round(first.wallSeconds)} s in all. Both endpoints were loaded at once: at every level each kept ` +
      "N requests in flight, the k-th request of each carrying the same prompt, dispatched alternately so both saw the same moment.",
    "",
    mdText(describeRun(first), 2_000),
    ...(partial ? ["", `> **${mdText(partial, 1_000)}**`] : []),
    "",
    markdownTable(["endpoint", "URL", "model", "priced by"], endpoints.map((e) => [mdText(e.name), mdText(redactUrl(e.result.baseUrl)), mdText(e.result.model), mdText(pricingText(e.pricing), 500)]), []),
  ];
  const chart = latencyChart(endpoints);
  lines.push("", "## Latency vs concurrency", "");
  lines.push(...(chart ? [chart, "", `Lines in the order ${names.join(", ")} (p95 end-to-end seconds, successful requests).`] : ["No level where every endpoint had a successful request."]));
  for (const { concurrency, at } of alignedLevels(endpoints)) {
    const rows = at.map((l, i) => levelRows(l, endpoints[i]!.pricing));
    const metrics = (rows.find((r) => r.length > 0) ?? []).map(([name]) => name);
    lines.push(
      "",
      `## Concurrency ${concurrency}`,
      "",
      markdownTable(["", ...names], metrics.map((m, k) => [m, ...rows.map((r) => (r.length === 0 ? "not run" : mdText(r[k]![1], 300)))]), []),
    );
  }
  lines.push(
    "",
    "## Cost",
    "",
    ...endpoints.map((e) => `- ${mdText(e.name)}: ${mdText(pricingText(e.pricing), 500)}.`),
    "",
    "Self-hosted $ per 1M output tokens = hourly GPU cost / 3600 / output tokens/s × 1,000,000: what the tokens cost with the GPUs kept that " +
      "busy around the clock. An API's = (prompt tokens × input price + completion tokens × output price) / completion tokens × 1,000,000, " +
      "from the usage it reported.",
    "",
    ...bestPerEndpoint(endpoints, inputs).map((b) => `- ${mdText(b.text, 500)}`),
  );
  return `${lines.join("\n")}\n`;
}

/** The terminal summary: two rows a level, one per endpoint. */
export function renderSideBySideSummary(endpoints: readonly ComparedEndpoint[], inputs: CostInputs): string {
  const first = endpoints[0]!.result;
  const partial = partialNote(first);
  const rows = alignedLevels(endpoints).flatMap(({ concurrency, at }) =>
    at.flatMap((l, i) => {
      if (!l) return [];
      const cost = levelCost(l, endpoints[i]!.pricing).usdPerMillionOutputTokens;
      return [[
        String(concurrency), endpoints[i]!.name, String(l.ok), String(l.failed), errorList(l),
        `${seconds(l.ttft?.p50)}/${seconds(l.ttft?.p95)}`, `${seconds(l.itl?.p50)}/${seconds(l.itl?.p95)}`, `${seconds(l.e2e?.p50)}/${seconds(l.e2e?.p95)}`,
        round(l.outputTokensPerSecond), cost === undefined ? "-" : usd(cost),
      ]];
    }),
  );
  return [
    `hostwise canary — ${endpoints.map((e) => `${e.name} (${e.result.model} at ${redactUrl(e.result.baseUrl)})`).join(" beside ")}`,
    describeRun(first),
    ...(partial ? [partial] : []),
    "",
    renderTable(["concurrency", "endpoint", "ok", "failed", "errors", "TTFT p50/p95 s", "ITL p50/p95 s", "e2e p50/p95 s", "out tok/s", "$/1M out"], rows, [0, 2, 3, 5, 6, 7, 8, 9]),
    "",
    ...bestPerEndpoint(endpoints, inputs).map((b) => b.text),
  ].join("\n");
}
