import type { CostEstimate } from "../../infra/cost/estimate";
import { sharePercent } from "../../infra/cost/hybrid";
import type { PricedResource } from "../../infra/cost/pricebook";
import type { Registered } from "./evaluate-program";
import { shortType } from "./inventory";
import { mdCode, mdText, mermaidLabel } from "./markdown";
import { renderTable, usd } from "./table";

// Renderers over one cost model (CostEstimate): plain text for the terminal, Markdown for PR comments.

/** "1,234.5M" style token counts. */
export function tokens(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toLocaleString("en-US", { maximumFractionDigits: 2 })}B`;
  if (n >= 1e6) return `${(n / 1e6).toLocaleString("en-US", { maximumFractionDigits: 1 })}M`;
  return Math.round(n).toLocaleString("en-US");
}

export interface ResourceCostRow {
  readonly type: string;
  readonly name: string;
  /** Expected monthly USD; undefined when not priced. */
  readonly monthlyUsd?: number;
  readonly note: string;
}

/** Every resource the program registers with its expected monthly cost: priced, free, or not priced. */
export function resourceCostRows(resources: readonly Registered[], estimate: CostEstimate): ResourceCostRow[] {
  const priced = new Map(estimate.resources.map((p) => [`${p.type}::${p.name}`, p]));
  const notPriced = new Map(estimate.notPriced.map((n) => [`${n.type}::${n.name}`, n.reason]));
  return resources
    .filter((r) => !r.type.startsWith("pulumi:") && !r.type.startsWith("hostwise:"))
    .map((r) => {
      const p = priced.get(r.key);
      if (p) return { type: r.type, name: r.name, monthlyUsd: p.monthlyUsd.expected, note: p.components.map((c) => c.name).join("; ") };
      const reason = notPriced.get(r.key);
      return reason ? { type: r.type, name: r.name, note: `not priced: ${reason}` } : { type: r.type, name: r.name, monthlyUsd: 0, note: "free" };
    })
    .sort((a, b) => (b.monthlyUsd ?? -1) - (a.monthlyUsd ?? -1) || a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
}

function componentRows(priced: readonly PricedResource[]): string[][] {
  return priced.flatMap((p) =>
    p.components.map((c) => [`${shortType(p.type)} ${p.name}`, c.name, usd(c.monthlyUsd.min), usd(c.monthlyUsd.expected), usd(c.monthlyUsd.max)]),
  );
}

export function renderCostText(estimate: CostEstimate): string[] {
  const e = estimate;
  const rows = componentRows(e.resources);
  rows.push(["total / month", "", usd(e.monthlyUsd.min), usd(e.monthlyUsd.expected), usd(e.monthlyUsd.max)]);
  rows.push(["total / hour", "", usd(e.hourlyUsd.min), usd(e.hourlyUsd.expected), usd(e.hourlyUsd.max)]);
  const lines = [
    "Cost estimate (USD; min / expected / max scale)",
    ...renderTable(["resource", "component", "min", "expected", "max"], rows, [2, 3, 4]).split("\n").map((l) => `  ${l}`),
    "",
    ...renderUnitEconomics(e).map((l) => `  ${l}`),
    "",
    "  Assumptions",
    ...e.assumptions.map((a) => `    - ${a}`),
    e.notPriced.length > 0 ? `  Not priced: ${e.notPriced.map((n) => `${n.type} ${n.name} (${n.reason})`).join(", ")}` : "  Not priced: none",
  ];
  return lines;
}

/** $ per token, the API's cost of the same tokens, break-even and people cost, one sentence each. */
export function renderUnitEconomics(e: CostEstimate): string[] {
  const t = e.tokens;
  return [
    `${tokens(t.monthlyOutputTokens)} output tokens a month at the expected utilization: ${usd(t.usdPerMillionOutputTokens)} per 1M output tokens`,
    `the same tokens on ${e.hostedApi.id} ($${e.hostedApi.inputUsdPerMTok} in / $${e.hostedApi.outputUsdPerMTok} out per 1M): ${usd(e.hostedApi.monthlyUsd)} a month`,
    e.breakEvenMonthlyOutputTokens !== undefined
      ? `break-even at ${tokens(e.breakEvenMonthlyOutputTokens)} output tokens a month of steady traffic (above it self-hosting costs less)`
      : "no break-even: the API stays cheaper at every volume (a GPU node costs more than the API charges for what it can produce)",
    ...(e.people ? [`with the people cost (${usd(e.people.monthlyUsd)}): ${usd(e.expectedMonthlyUsdWithPeople)} a month expected`] : []),
    ...(e.hybrid ? [hybridLine(e.hybrid)] : []),
  ];
}

/** The hybrid in one sentence: the API's share of the traffic, its cost, the total, and the worst case. */
export function hybridLine(h: NonNullable<CostEstimate["hybrid"]>): string {
  const pct = sharePercent;
  return (
    `hybrid: ${pct(h.overflowShare)} of the traffic's ${tokens(h.monthlyOutputTokens)} output tokens a month overflow the ${h.baseNodes}-node base to ${h.fallbackApi} ` +
    `(${usd(h.apiMonthlyUsd)} a month): ${usd(h.monthlyUsd)} a month with the stack; worst case (traffic at peak or idle) ${pct(h.worstCaseShare)}, ${usd(h.worstCaseApiMonthlyUsd)}`
  );
}

/** A Mermaid pie of the expected monthly cost by resource (the few largest, the rest together). */
export function mermaidBreakdown(e: CostEstimate, slices = 6): string {
  const sorted = [...e.resources].sort((a, b) => b.monthlyUsd.expected - a.monthlyUsd.expected).filter((r) => r.monthlyUsd.expected > 0);
  const top = sorted.slice(0, slices);
  const rest = sorted.slice(slices).reduce((s, r) => s + r.monthlyUsd.expected, 0);
  const label = (r: PricedResource) => mermaidLabel(`${shortType(r.type)} ${r.name}`);
  return [
    "```mermaid",
    `pie showData title Expected monthly cost (USD)`,
    ...top.map((r) => `    "${label(r)}" : ${r.monthlyUsd.expected.toFixed(2)}`),
    ...(rest > 0 ? [`    "other" : ${rest.toFixed(2)}`] : []),
    "```",
  ].join("\n");
}

/** The estimate as Markdown; names, config values and reasons go through scripts/lib/markdown.ts. */
export function renderCostMarkdown(e: CostEstimate, title = "Cost estimate"): string {
  const rows = e.resources.flatMap((p) =>
    p.components.map((c) => `| ${mdText(shortType(p.type))} ${mdCode(p.name)} | ${mdText(c.name)} | ${usd(c.monthlyUsd.min)} | ${usd(c.monthlyUsd.expected)} | ${usd(c.monthlyUsd.max)} |`),
  );
  return [
    `### ${title}`,
    "",
    "| resource | component | min | expected | max |",
    "|---|---|---:|---:|---:|",
    ...rows,
    `| **total / month** | | **${usd(e.monthlyUsd.min)}** | **${usd(e.monthlyUsd.expected)}** | **${usd(e.monthlyUsd.max)}** |`,
    "",
    ...renderUnitEconomics(e).map((l) => `- ${mdText(l, 1_000)}`),
    "",
    mermaidBreakdown(e),
    "",
    "<details><summary>Assumptions</summary>",
    "",
    ...e.assumptions.map((a) => `- ${mdText(a, 1_000)}`),
    "",
    "</details>",
    "",
    e.notPriced.length > 0 ? `Not priced: ${e.notPriced.map((n) => `${mdCode(n.type)} ${mdCode(n.name)} (${mdText(n.reason)})`).join(", ")}` : "Not priced: none.",
  ].join("\n");
}
