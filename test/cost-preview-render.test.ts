import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffPreview, type CostDiff } from "../scripts/preview/diff";
import { parsePreview } from "../scripts/preview/parse";
import { headline, mermaidAfterPie, renderJson, renderMarkdown } from "../scripts/preview/render";
import { signedUsd, usd } from "../scripts/lib/table";
import { NOW } from "./helpers";

const fixture = (file: string) => JSON.parse(readFileSync(join(__dirname, "fixtures", "pulumi-preview", file), "utf8"));
const diffOf = (json: unknown): CostDiff => diffPreview(parsePreview(JSON.stringify(json), "preview.json"), { now: NOW });

/** The rows of the first Markdown table after `from`. */
function tableRows(md: string, from = 0): string[] {
  const lines = md.slice(from).split("\n");
  const start = lines.findIndex((l) => l.startsWith("| op |"));
  const rows: string[] = [];
  for (const l of lines.slice(start + 2)) {
    if (!l.startsWith("|")) break;
    rows.push(l);
  }
  return rows;
}

describe("the Markdown comment", () => {
  const md = renderMarkdown(diffOf(fixture("eks-change.json")));

  it("heads with the stack and the monthly change, then says whose prices and which purchase options", () => {
    expect(md.split("\n")[0]).toBe("## hostwise cost — stack `dev`: +$655.30/month (+84%)");
    expect(md.split("\n")[2]).toMatch(/, before = the deployed stack, us-east-1 prices from the built-in catalog; GPU nodes on-demand, system nodes on-demand\.$/);
  });

  it("has one row per changed resource, ordered create, replace, delete, then the totals", () => {
    expect(tableRows(md)).toEqual([
      "| `+` create | iam Role `dev-cluster` | — | free | $0.00 |",
      "| `+` create | eks Cluster `dev-eks` | — | $73.00 | +$73.00 |",
      "| `+` create | s3 Bucket `dev-model-weights` | — | not priced | not priced |",
      "| `+-` replace | eks NodeGroup `dev-gpu` | $742.38 | $1,366.53 | +$624.15 |",
      "| `-` delete | ec2 NatGateway `dev-nat-1` | $41.85 | — | -$41.85 |",
      "| **total** (priced resources, unchanged ones included) | | **$784.23** | **$1,439.53** | **+$655.30** |",
    ]);
  });

  it("folds the unchanged resources into a details block", () => {
    const at = md.indexOf("<details><summary>4 unchanged resources (same)");
    expect(at).toBeGreaterThan(0);
    const block = md.slice(at, md.indexOf("</details>", at));
    expect(tableRows(block)).toHaveLength(4);
    expect(block).toContain("| same | ec2 LaunchTemplate `dev-gpu` | free | free | $0.00 |");
  });

  it("has the token economics, the not-priced list and the assumptions", () => {
    expect(md).toContain("### Token economics after this change");
    expect(md).toMatch(/output tokens a month at the expected utilization: \$[\d.,]+ per 1M output tokens/);
    expect(md).toContain("### Not priced (1)\n\n- `aws:s3/bucket:Bucket` `dev-model-weights` (create): no price-book entry for this resource type");
    expect(md).toContain("- natDataGbPerMonth = 200 GB through this gateway");
    expect(md).toContain("| eks NodeGroup `dev-gpu` | after | g6e.xlarge instances (on-demand) | 730 instance-hour × $1.861 | $1,358.53 |");
  });

  it("ends with a valid Mermaid pie of the cost after the change", () => {
    const block = md.slice(md.indexOf("```mermaid")).trimEnd();
    const lines = block.split("\n");
    expect(lines[0]).toBe("```mermaid");
    expect(lines[1]).toBe("pie showData title Expected monthly cost after this change (USD)");
    expect(lines.slice(2, -1)).toEqual(['    "eks NodeGroup dev-gpu" : 1366.53', '    "eks Cluster dev-eks" : 73.00']);
    expect(lines[lines.length - 1]).toBe("```");
  });

  it("shows a crossed threshold first", () => {
    const alerted = renderMarkdown(diffOf(fixture("eks-change.json")), ["--fail-above 1000: too much"]);
    expect(alerted.split("\n").slice(2, 4)).toEqual(["> [!WARNING]", "> Threshold crossed: --fail-above 1000: too much"]);
  });

  it("escapes names that would break the table or the chart", () => {
    const json = fixture("eks-change.json");
    const cluster = json.steps.find((s: any) => s.newState?.type === "aws:eks/cluster:Cluster");
    cluster.urn = cluster.urn.replace("::dev-eks", '::a|b"c');
    const out = renderMarkdown(diffOf(json));
    expect(out).toContain("| `+` create | eks Cluster <code>a\\|b&quot;c</code> | — | $73.00 | +$73.00 |");
    expect(out).toContain(`    "eks Cluster a_b_c" : 73.00`);
  });

  it("without anything priced after the change, says so instead of an empty chart", () => {
    const d = diffOf(fixture("sample-preview-deletes.json"));
    expect(mermaidAfterPie(d)).toBeUndefined();
    const out = renderMarkdown(d);
    expect(out).not.toContain("```mermaid");
    expect(out).toContain("_Token economics not shown: this preview is not a hostwise stack (its config has no hostwise:\\* keys)._");
    expect(out).toContain("### Not priced (4)");
  });
});

describe("headline figures", () => {
  it("signs amounts and treats rounding noise as no change; a negative amount renders one way", () => {
    expect(usd(-3679.9)).toBe("-$3,679.90");
    expect(usd(-0.001)).toBe("$0.00");
    expect(signedUsd(-3679.9)).toBe("-$3,679.90");
    expect(signedUsd(412.3)).toBe("+$412.30");
    expect(signedUsd(-41.85)).toBe("-$41.85");
    expect(signedUsd(0.004)).toBe("$0.00");
  });

  it("says 'from $0' when there was nothing before, and drops the percent when nothing changed", () => {
    const json = fixture("eks-change.json");
    json.steps = json.steps.filter((s: any) => s.op === "create");
    expect(headline(diffOf(json))).toBe("+$73.00/month (from $0)");
    expect(headline(diffOf(fixture("sample-preview-update.json")))).toBe("$0.00/month");
    const down = fixture("eks-change.json");
    down.steps = down.steps.filter((s: any) => s.op === "delete" || s.op === "same");
    expect(headline(diffOf(down))).toBe("-$41.85/month (-100%)");
  });
});

describe("the JSON renderer", () => {
  it("carries the same model: totals, resources, not priced, token economics", () => {
    const json = JSON.parse(renderJson(diffOf(fixture("eks-change.json")), ["x"]));
    expect(json.stack).toBe("dev");
    expect(json.totals.change.expected).toBeCloseTo(655.3, 6);
    expect(json.resources).toHaveLength(9);
    expect(json.notPriced.map((n: { name: string }) => n.name)).toEqual(["dev-model-weights"]);
    expect(json.tokens.kind).toBe("hostwise");
    expect(json.tokens.usdPerMillionOutputTokens).toBeGreaterThan(0);
    expect(json.thresholdsCrossed).toEqual(["x"]);
  });
});
