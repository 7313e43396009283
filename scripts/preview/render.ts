import type { Scaled } from "../../infra/cost/pricebook";
import { renderUnitEconomics } from "../lib/cost-render";
import { shortType } from "../lib/inventory";
import { mdCode, mdText, mermaidLabel } from "../lib/markdown";
import { signedUsd, usd } from "../lib/table";
import { describeOwnPrices, type CostDiff, type ResourceDiff, type SidePrice } from "./diff";
import type { ChangeOp } from "./parse";

// Renderers over one cost model (CostDiff): a Markdown pull-request comment, and JSON for other tools. Every
// name, type, reason and config value in a preview is untrusted (a pull request wrote it): it reaches the
// comment only through scripts/lib/markdown.ts.

/** GitHub refuses a comment body longer than this many characters; the comment is cut to fit. */
export const COMMENT_LIMIT = 65_536;

function signedPercent(p: number): string {
  const digits = Math.abs(p) >= 10 ? 0 : 1;
  const text = Math.abs(p).toLocaleString("en-US", { maximumFractionDigits: digits });
  return `${p > 0 ? "+" : p < 0 ? "-" : ""}${text}%`;
}

const isBounded = (diff: CostDiff) => diff.resources.some((r) => [r.before, r.after].some((s) => s.kind === "priced" && s.bound));

/**
 * "+$412.30/month (+18%)": the expected monthly change, then what it rests on when that is not the catalog and
 * known values: an upper bound of values unknown until apply, the change's own instancePrices, catalog prices.
 */
export function headline(diff: CostDiff): string {
  const { before, change } = diff.totals;
  const amount = `${signedUsd(change.expected)}/month`;
  const base =
    diff.changePercent !== undefined ? `${amount} (${signedPercent(diff.changePercent)})` : before.expected === 0 && change.expected > 0.005 ? `${amount} (from $0)` : amount;
  const flags = [
    ...(isBounded(diff) ? ["an upper bound: values unknown until apply"] : []),
    ...(diff.ownInstancePrices.prices.length > 0
      ? [diff.ownInstancePrices.ignored ? "catalog prices (the change's own instancePrices ignored)" : "priced with the change's own instancePrices"]
      : []),
  ];
  return flags.length > 0 ? `${base}, ${flags.join(", ")}` : base;
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

const resourceCell = (r: { type: string; name: string }) => `${mdText(shortType(r.type))} ${mdCode(r.name)}`;

function sideCell(p: SidePrice): string {
  switch (p.kind) {
    case "absent":
      return "—";
    case "free":
      return "free";
    case "not priced":
      return "not priced";
    case "priced":
      return `${usd(p.monthlyUsd.expected)}${p.bound ? " (upper bound)" : ""}`;
  }
}

const HEADER = ["| op | resource | before | after | change |", "|---|---|---:|---:|---:|"];
const row = (r: ResourceDiff) =>
  `| ${OP_LABEL[r.op]} | ${resourceCell(r)} | ${sideCell(r.before)} | ${sideCell(r.after)} | ${r.change ? signedUsd(r.change.expected) : "not priced"} |`;

const range = (before: Scaled, after: Scaled, k: "min" | "max") => `${usd(before[k])} → ${usd(after[k])}`;

const QUANTITY = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

function componentRows(resources: readonly ResourceDiff[]): string[] {
  const qty = (n: number) => QUANTITY.format(n);
  return resources.flatMap((r) =>
    (["before", "after"] as const).flatMap((side) => {
      const p = r[side];
      if (p.kind !== "priced") return [];
      return p.components.map(
        (c) => `| ${resourceCell(r)} | ${side} | ${mdText(c.name)} | ${qty(c.monthlyQuantity.expected)} ${mdText(c.unit)} × $${c.unitPriceUsd} | ${usd(c.monthlyUsd.expected)} |`,
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
  return [
    "```mermaid",
    "pie showData title Expected monthly cost after this change (USD)",
    ...priced.slice(0, slices).map((x) => `    "${mermaidLabel(`${shortType(x.r.type)} ${x.r.name}`)}" : ${x.usd.toFixed(2)}`),
    ...(rest > 0 ? [`    "other" : ${rest.toFixed(2)}`] : []),
    "```",
  ].join("\n");
}

function tokenSection(diff: CostDiff): string[] {
  const t = diff.tokens;
  if (t.kind === "not hostwise") {
    return [`_Token economics not shown: this preview is not a hostwise stack (${mdText(t.reason, 1_000)})._`];
  }
  const e = t.estimate;
  return [
    "### Token economics after this change",
    "",
    ...renderUnitEconomics(e).map((l) => `- ${mdText(l, 1_000)}`),
    "",
    `_From the sizing plan (${mdText(t.instanceType)}, ${t.nodes.min}–${t.nodes.max} GPU nodes, ${t.nodes.peak} at peak), which prices the GPU node group at its ` +
      `expected node count rather than its desiredSize: ${usd(e.monthlyUsd.expected)} a month expected._`,
  ];
}

/** Callouts after the heading: crossed thresholds, prices the change set itself, prices resting on unknowns. */
function callouts(diff: CostDiff, alerts: readonly string[]): string[] {
  const own = diff.ownInstancePrices;
  const lines = [
    ...(alerts.length > 0 ? ["> [!WARNING]", ...alerts.map((a) => `> Threshold crossed: ${mdText(a, 2_000)}`), ""] : []),
    ...(own.prices.length > 0
      ? [
          "> [!IMPORTANT]",
          own.ignored
            ? `> Priced against the catalog (--catalog-prices): this change's own \`hostwise:instancePrices\` are ignored: ${mdText(describeOwnPrices(own), 2_000)}.`
            : `> Priced with this change's own \`hostwise:instancePrices\`, not the catalog: ${mdText(describeOwnPrices(own), 2_000)}.`,
          "",
        ]
      : []),
    ...(isBounded(diff)
      ? ["> [!NOTE]", "> Some figures are upper bounds: a value they need is unknown until `pulumi up` (see the assumptions).", ""]
      : []),
  ];
  return lines;
}

/** The lists a comment can be cut in, in the order they give up their rows; each row is one line. */
interface Lists {
  readonly changed: readonly string[];
  readonly notPriced: readonly string[];
  readonly components: readonly string[];
  readonly same: readonly string[];
}
type Keep = { readonly [K in keyof Lists]: number };
const LIST_LABELS: Readonly<Record<keyof Lists, string>> = {
  changed: "changed resources",
  notPriced: "resources not priced",
  components: "rows of how each figure is made",
  same: "unchanged resources",
};

function assemble(diff: CostDiff, alerts: readonly string[], lists: Lists, keep: Keep): string {
  const { before, after, change } = diff.totals;
  const cut = (Object.keys(lists) as Array<keyof Lists>).filter((k) => keep[k] < lists[k].length);
  const beforeText = diff.before.kind === "state" ? "the deployed stack" : `the baseline preview (${mdCode(diff.before.source)})`;
  const lines = [
    `## hostwise cost — stack ${mdCode(diff.stack ?? "(unknown)")}: ${headline(diff)}`,
    "",
    ...callouts(diff, alerts),
    `Expected monthly cost **${usd(before.expected)} → ${usd(after.expected)}** (min ${range(before, after, "min")} · max ${range(before, after, "max")}), ` +
      `before = ${beforeText}${diff.pricing ? `, ${mdText(`${diff.pricing.region} prices from ${diff.pricing.catalog}; GPU nodes ${diff.pricing.gpuPurchase}, system nodes ${diff.pricing.systemPurchase}`)}` : ""}.`,
    "",
  ];
  if (cut.length > 0) {
    const what = cut.map((k) => `${(lists[k].length - keep[k]).toLocaleString("en-US")} of ${lists[k].length.toLocaleString("en-US")} ${LIST_LABELS[k]}`);
    lines.push(`_Cut to fit GitHub's ${COMMENT_LIMIT.toLocaleString("en-US")}-character comment limit: left out ${what.join(", ")}. \`hostwise cost --json\` has every figure; the totals above count everything._`, "");
  }
  if (lists.changed.length > 0) {
    lines.push(...HEADER, ...lists.changed.slice(0, keep.changed));
    lines.push(`| **total** (priced resources, unchanged ones included) | | **${usd(before.expected)}** | **${usd(after.expected)}** | **${signedUsd(change.expected)}** |`, "");
  } else {
    lines.push("No resource changes.", "");
  }
  const same = diff.resources.filter((r) => r.op === "same");
  if (same.length > 0) {
    const sameTotal = same.reduce((s, r) => s + (r.after.kind === "priced" ? r.after.monthlyUsd.expected : 0), 0);
    lines.push(`<details><summary>${same.length} unchanged resource${same.length === 1 ? "" : "s"} (same): ${usd(sameTotal)}/month</summary>`, "");
    if (keep.same > 0) lines.push(...HEADER, ...lists.same.slice(0, keep.same), "");
    lines.push("</details>", "");
  }
  if (lists.components.length > 0 && keep.components > 0) {
    lines.push("<details><summary>How each figure is made (expected scale)</summary>", "", "| resource | side | component | quantity × unit price | monthly |", "|---|---|---|---|---:|", ...lists.components.slice(0, keep.components), "", "</details>", "");
  }
  lines.push(...tokenSection(diff), "");
  if (diff.notPriced.length > 0) {
    lines.push(`### Not priced (${diff.notPriced.length})`, "", ...lists.notPriced.slice(0, keep.notPriced), "");
  } else {
    lines.push("Not priced: none.", "");
  }
  const assumptions = [...new Set([...diff.assumptions, ...(diff.tokens.kind === "hostwise" ? diff.tokens.estimate.assumptions : [])])];
  lines.push("<details><summary>Assumptions</summary>", "", ...assumptions.map((a) => `- ${mdText(a, 1_000)}`), "", "</details>", "");
  const pie = mermaidAfterPie(diff);
  lines.push("### Monthly cost after this change", "", pie ?? "_Nothing priced costs money after this change._");
  return `${lines.join("\n")}\n`;
}

/**
 * The pull-request comment. `alerts` are crossed thresholds, shown first. A comment longer than `limit` (GitHub's
 * comment limit) keeps its heading, totals, token economics, assumptions and chart, and gives up rows of the
 * lists — unchanged resources first, then how each figure is made, not-priced entries, changed resources — with
 * a note saying how many of each were left out.
 */
export function renderMarkdown(diff: CostDiff, alerts: readonly string[] = [], limit = COMMENT_LIMIT): string {
  const changed = diff.resources.filter((r) => r.op !== "same").sort((a, b) => OP_ORDER.indexOf(a.op) - OP_ORDER.indexOf(b.op));
  const lists: Lists = {
    changed: changed.map(row),
    notPriced: diff.notPriced.map((n) => `- ${mdCode(n.type)} ${mdCode(n.name)} (${n.op}): ${mdText(n.reason, 1_000)}`),
    components: componentRows(changed),
    same: diff.resources.filter((r) => r.op === "same").map(row),
  };
  const all: Keep = { changed: lists.changed.length, notPriced: lists.notPriced.length, components: lists.components.length, same: lists.same.length };
  const full = assemble(diff, alerts, lists, all);
  if (full.length <= limit) return full;

  // What the comment takes without any row (the note sized for every list cut), then rows by priority.
  const none: Keep = { changed: 0, notPriced: 0, components: 0, same: 0 };
  let budget = limit - assemble(diff, alerts, lists, none).length;
  const keep = { ...none };
  for (const k of ["changed", "notPriced", "components", "same"] as const) {
    for (const line of lists[k]) {
      if (line.length + 1 > budget) break;
      budget -= line.length + 1;
      keep[k]++;
    }
  }
  return assemble(diff, alerts, lists, keep);
}

/** The same model for other tools: numbers unrounded (USD), non-finite ones as null. */
export function costDiffJson(diff: CostDiff, alerts: readonly string[] = []) {
  const t = diff.tokens;
  return {
    stack: diff.stack,
    project: diff.project,
    region: diff.region,
    pricing: diff.pricing,
    before: diff.before,
    totals: diff.totals,
    changePercent: diff.changePercent,
    thresholdsCrossed: alerts,
    ownInstancePrices: diff.ownInstancePrices,
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
