import type { Scaled } from "../../infra/cost/pricebook";
import { renderUnitEconomics } from "../lib/cost-render";
import { shortType } from "../lib/inventory";
import { usd } from "../lib/table";
import type { CostDiff, ResourceDiff, SidePrice } from "./diff";
import type { ChangeOp } from "./parse";

// Renderers over one cost model (CostDiff): a Markdown pull-request comment, and JSON for other tools.

/** "+$412.30", "-$41.85", "$0.00" (rounding noise counts as no change). */
export function signedUsd(n: number): string {
  if (Math.abs(n) < 0.005) return usd(0);
  return `${n > 0 ? "+" : "-"}${usd(Math.abs(n))}`;
}

function signedPercent(p: number): string {
  const digits = Math.abs(p) >= 10 ? 0 : 1;
  const text = Math.abs(p).toLocaleString("en-US", { maximumFractionDigits: digits });
  return `${p > 0 ? "+" : p < 0 ? "-" : ""}${text}%`;
}

/** "+$412.30/month (+18%)": the expected monthly change. */
export function headline(diff: CostDiff): string {
  const { before, change } = diff.totals;
  const amount = `${signedUsd(change.expected)}/month`;
  if (diff.changePercent !== undefined) return `${amount} (${signedPercent(diff.changePercent)})`;
  return before.expected === 0 && change.expected > 0.005 ? `${amount} (from $0)` : amount;
}

/** Pulumi's own symbols, so the table reads like the preview next to it. */
const OP_LABEL: Readonly<Record<ChangeOp, string>> = {
  create: "`+` create",
  update: "`~` update",
  replace: "`+-` replace",
  delete: "`-` delete",
  import: "`=` import",
  discard: "`-` discard",
  refresh: "`~` refresh",
  read: "`>` read",
  same: "same",
};
const OP_ORDER: readonly ChangeOp[] = ["create", "update", "replace", "delete", "import", "discard", "refresh", "read"];

/** Text safe inside a Markdown table cell. */
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const resourceCell = (r: { type: string; name: string }) => cell(`${shortType(r.type)} ${code(r.name)}`);

function sideCell(p: SidePrice): string {
  switch (p.kind) {
    case "absent":
      return "—";
    case "free":
      return "free";
    case "not priced":
      return "not priced";
    case "priced":
      return usd(p.monthlyUsd.expected);
  }
}

const HEADER = ["| op | resource | before | after | change |", "|---|---|---:|---:|---:|"];
const row = (r: ResourceDiff) =>
  `| ${OP_LABEL[r.op]} | ${resourceCell(r)} | ${sideCell(r.before)} | ${sideCell(r.after)} | ${r.change ? signedUsd(r.change.expected) : "not priced"} |`;

const range = (before: Scaled, after: Scaled, k: "min" | "max") => `${usd(before[k])} → ${usd(after[k])}`;

function componentRows(resources: readonly ResourceDiff[]): string[] {
  const qty = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 2 });
  return resources.flatMap((r) =>
    (["before", "after"] as const).flatMap((side) => {
      const p = r[side];
      if (p.kind !== "priced") return [];
      return p.components.map(
        (c) => `| ${resourceCell(r)} | ${side} | ${cell(c.name)} | ${qty(c.monthlyQuantity.expected)} ${cell(c.unit)} × $${c.unitPriceUsd} | ${usd(c.monthlyUsd.expected)} |`,
      );
    }),
  );
}

/** A Mermaid pie of the expected monthly cost after the change, by resource (the largest few, the rest together). */
export function mermaidAfterPie(diff: CostDiff, slices = 6): string | undefined {
  const priced = diff.resources
    .flatMap((r) => (r.after.kind === "priced" && r.after.monthlyUsd.expected > 0 ? [{ r, usd: r.after.monthlyUsd.expected }] : []))
    .sort((a, b) => b.usd - a.usd);
  if (priced.length === 0) return undefined;
  const rest = priced.slice(slices).reduce((s, x) => s + x.usd, 0);
  const label = (r: ResourceDiff) => `${shortType(r.type)} ${r.name}`.replace(/["\n]/g, "'");
  return [
    "```mermaid",
    "pie showData title Expected monthly cost after this change (USD)",
    ...priced.slice(0, slices).map((x) => `    "${label(x.r)}" : ${x.usd.toFixed(2)}`),
    ...(rest > 0 ? [`    "other" : ${rest.toFixed(2)}`] : []),
    "```",
  ].join("\n");
}

function tokenSection(diff: CostDiff): string[] {
  const t = diff.tokens;
  if (t.kind === "not hostwise") {
    return [`_Token economics not shown: this preview is not a hostwise stack (${t.reason})._`];
  }
  const e = t.estimate;
  return [
    "### Token economics after this change",
    "",
    ...renderUnitEconomics(e).map((l) => `- ${l}`),
    "",
    `_From the sizing plan (${t.instanceType}, ${t.nodes.min}–${t.nodes.max} GPU nodes, ${t.nodes.peak} at peak), which prices the GPU node group at its ` +
      `expected node count rather than its desiredSize: ${usd(e.monthlyUsd.expected)} a month expected._`,
  ];
}

/** The pull-request comment. `alerts` are crossed thresholds, shown first. */
export function renderMarkdown(diff: CostDiff, alerts: readonly string[] = []): string {
  const changed = diff.resources.filter((r) => r.op !== "same").sort((a, b) => OP_ORDER.indexOf(a.op) - OP_ORDER.indexOf(b.op));
  const same = diff.resources.filter((r) => r.op === "same");
  const { before, after, change } = diff.totals;
  const beforeText = diff.before.kind === "state" ? "the deployed stack" : `the baseline preview (${code(diff.before.source)})`;
  const lines = [
    `## hostwise cost — stack ${code(diff.stack ?? "(unknown)")}: ${headline(diff)}`,
    "",
    ...(alerts.length > 0 ? ["> [!WARNING]", ...alerts.map((a) => `> Threshold crossed: ${a}`), ""] : []),
    `Expected monthly cost **${usd(before.expected)} → ${usd(after.expected)}** (min ${range(before, after, "min")} · max ${range(before, after, "max")}), ` +
      `before = ${beforeText}${diff.region ? `, ${diff.region} prices` : ""}.`,
    "",
  ];
  if (changed.length > 0) {
    lines.push(...HEADER, ...changed.map(row));
    lines.push(`| **total** (priced resources, unchanged ones included) | | **${usd(before.expected)}** | **${usd(after.expected)}** | **${signedUsd(change.expected)}** |`, "");
  } else {
    lines.push("No resource changes.", "");
  }
  if (same.length > 0) {
    const sameTotal = same.reduce((s, r) => s + (r.after.kind === "priced" ? r.after.monthlyUsd.expected : 0), 0);
    lines.push(`<details><summary>${same.length} unchanged resource${same.length === 1 ? "" : "s"} (same): ${usd(sameTotal)}/month</summary>`, "", ...HEADER, ...same.map(row), "", "</details>", "");
  }
  const components = componentRows(changed);
  if (components.length > 0) {
    lines.push("<details><summary>How each figure is made (expected scale)</summary>", "", "| resource | side | component | quantity × unit price | monthly |", "|---|---|---|---|---:|", ...components, "", "</details>", "");
  }
  lines.push(...tokenSection(diff), "");
  if (diff.notPriced.length > 0) {
    lines.push(`### Not priced (${diff.notPriced.length})`, "", ...diff.notPriced.map((n) => `- ${code(n.type)} ${code(n.name)} (${n.op}): ${n.reason}`), "");
  } else {
    lines.push("Not priced: none.", "");
  }
  const assumptions = [...new Set([...diff.assumptions, ...(diff.tokens.kind === "hostwise" ? diff.tokens.estimate.assumptions : [])])];
  lines.push("<details><summary>Assumptions</summary>", "", ...assumptions.map((a) => `- ${a}`), "", "</details>", "");
  const pie = mermaidAfterPie(diff);
  lines.push("### Monthly cost after this change", "", pie ?? "_Nothing priced costs money after this change._");
  return `${lines.join("\n")}\n`;
}

/** The same model for other tools: numbers unrounded (USD), non-finite ones as null. */
export function costDiffJson(diff: CostDiff, alerts: readonly string[] = []) {
  const t = diff.tokens;
  return {
    stack: diff.stack,
    project: diff.project,
    region: diff.region,
    before: diff.before,
    totals: diff.totals,
    changePercent: diff.changePercent,
    thresholdsCrossed: alerts,
    resources: diff.resources,
    notPriced: diff.notPriced,
    assumptions: diff.assumptions,
    tokens:
      t.kind === "hostwise"
        ? {
            kind: t.kind,
            instanceType: t.instanceType,
            nodes: t.nodes,
            monthlyUsd: t.estimate.monthlyUsd,
            monthlyOutputTokens: t.estimate.tokens.monthlyOutputTokens,
            usdPerMillionOutputTokens: t.estimate.tokens.usdPerMillionOutputTokens,
            hostedApi: t.estimate.hostedApi,
            breakEvenMonthlyOutputTokens: t.estimate.breakEvenMonthlyOutputTokens,
            assumptions: t.estimate.assumptions,
          }
        : t,
  };
}

export function renderJson(diff: CostDiff, alerts: readonly string[] = []): string {
  return JSON.stringify(costDiffJson(diff, alerts), (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2);
}
