import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PRICE_BOOK } from "../infra/cost/pricebook";
import { runCost } from "../scripts/commands/cost";
import { crossedThresholds, diffPreview, type CostDiff } from "../scripts/preview/diff";
import { parsePreview, PreviewError, UNKNOWN } from "../scripts/preview/parse";
import { COMMENT_LIMIT, renderMarkdown } from "../scripts/preview/render";
import { NOW } from "./helpers";
import { hostileText } from "./support/hostile";

// `hostwise cost --preview` against a hostile pull request: names that try to inject Markdown, values unknown
// until apply, absurd quantities, its own prices, previews far larger than a comment can hold.

const FIXTURES = join(__dirname, "fixtures", "pulumi-preview");
const fixture = () => JSON.parse(readFileSync(join(FIXTURES, "eks-change.json"), "utf8"));
const dir = mkdtempSync(join(tmpdir(), "hostwise-cost-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NG = "aws:eks/nodeGroup:NodeGroup";
const P5 = 55.04; // p5.48xlarge, us-east-1 On-Demand $/hour in the catalog (infra/catalog/aws-gpu-instances.json)

interface Res {
  readonly type: string;
  readonly name: string;
  readonly op: "create" | "update" | "delete" | "same";
  readonly inputs?: Record<string, unknown>;
  readonly oldInputs?: Record<string, unknown>;
}

/** A preview in the shape `pulumi preview --json` prints. */
function previewJson(resources: readonly Res[], config: Record<string, string> = { "aws:region": "us-east-1" }) {
  return {
    config,
    steps: resources.map((r) => ({
      op: r.op,
      urn: `urn:pulumi:dev::hostwise::${r.type}::${r.name}`,
      ...(r.oldInputs && { oldState: { type: r.type, custom: true, inputs: r.oldInputs } }),
      ...(r.inputs && { newState: { type: r.type, custom: true, inputs: r.inputs } }),
    })),
  };
}
const diffOf = (json: unknown, o: { catalogPrices?: boolean } = {}): CostDiff => diffPreview(parsePreview(JSON.stringify(json), "preview.json"), { now: NOW, ...o });

/** The fixture's node group replacement, its after-state edited. */
function editedNodeGroup(edit: (inputs: any) => void) {
  const json = fixture();
  for (const s of json.steps) if (s.newState?.type === NG) edit(s.newState.inputs);
  return json;
}

/** Unescaped pipes in a table row: its cell borders. */
function borders(line: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\\") i++;
    else if (line[i] === "|") n++;
  }
  return n;
}

/** The structure a hostile name must never change: headings, fences, details, HTML, tables, length. */
function checkComment(md: string): void {
  expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
  expect(md).not.toMatch(/[\r\v\f\u0085\u2028\u2029\u0000]/);
  let fenced = false;
  let details = 0;
  let tableBorders: number | undefined;
  for (const line of md.split("\n")) {
    if (line.startsWith("```")) {
      expect(line).toBe(fenced ? "```" : "```mermaid");
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      expect(line).toMatch(/^(pie showData title Expected monthly cost after this change \(USD\)|    "[^"`]*" : \d+\.\d{2})$/);
      continue;
    }
    if (line.startsWith("#")) expect(line).toMatch(/^(## hostwise cost — |### (Token economics after this change|Not priced \(\d+\)|Monthly cost after this change)$)/);
    const outsideCode = line.replace(/`[^`]*`/g, "`code`"); // a code span shows its text literally
    details += (outsideCode.match(/<details>/g) ?? []).length - (outsideCode.match(/<\/details>/g) ?? []).length;
    expect(details === 0 || details === 1).toBe(true);
    expect(outsideCode).not.toMatch(/<(?!\/?(details|summary|code)>)[a-z/!?]/i); // no other HTML
    expect(outsideCode).not.toMatch(/(^|[^\\])!\[/); // no image
    if (line.startsWith("|")) {
      tableBorders ??= borders(line);
      expect(borders(line)).toBe(tableBorders);
    } else {
      tableBorders = undefined;
    }
  }
  expect(fenced).toBe(false);
  expect(details).toBe(0);
}

describe("unknown values and the cost gate", () => {
  it("a g5 → p5 change with desiredSize unknown until apply no longer reads as $0 and passes --fail-above", () => {
    const json = editedNodeGroup((i) => {
      i.instanceTypes = ["p5.48xlarge"];
      i.scalingConfig.desiredSize = UNKNOWN;
    });
    const d = diffOf(json);
    // maxSize 2 × ($55.04 × 730 h + 100 GiB × $0.08) = 2 × $40,187.20 = $80,374.40, plus the $73 cluster
    expect(d.totals.after.expected).toBeCloseTo(2 * (P5 * 730 + 8) + 73, 2);
    expect(d.totals.low.after).toBeCloseTo(P5 * 730 + 8 + 73, 2);
    const crossed = crossedThresholds(d, { failAboveMonthlyUsd: 2000 });
    expect(crossed).toEqual([
      "--fail-above 2000: the expected monthly cost after this change is between $40,260.20 and $80,447.40, above $2,000.00 (at the upper bound of values unknown until apply; the gate fails closed)",
    ]);
    const md = renderMarkdown(d, crossed);
    // $80,447.40 − $784.23 before = +$79,663.17, +10,158%; the node group +$80,374.40 − $742.38 = +$79,632.02
    expect(md.split("\n")[0]).toBe("## hostwise cost — stack `dev`: +$79,663.17/month (+10,158%), an upper bound: values unknown until apply");
    expect(md).toContain("| `+-` replace | eks NodeGroup `dev-gpu` | $742.38 | $80,374.40 (upper bound) | +$79,632.02 |");
  });

  it("an instance type unknown until apply cannot be priced: every gate fails closed and says why", () => {
    const d = diffOf(editedNodeGroup((i) => (i.instanceTypes = [UNKNOWN])));
    const crossed = crossedThresholds(d, { failAboveMonthlyUsd: 1_000_000, failIncreasePercent: 1_000 });
    expect(crossed).toEqual([
      "--fail-above 1000000: cannot tell the monthly cost after this change, so the gate fails closed: aws:eks/nodeGroup:NodeGroup dev-gpu (value unknown until apply: instanceTypes[0])",
      "--fail-increase 1000: cannot tell how much the monthly cost changes, so the gate fails closed: aws:eks/nodeGroup:NodeGroup dev-gpu (value unknown until apply: instanceTypes[0])",
    ]);
    expect(crossedThresholds(d, {})).toEqual([]); // no gate asked, nothing fails
  });

  it("refuses negative and absurd quantities with a clear error, exit 2", async () => {
    for (const [edit, message] of [
      [(i: any) => (i.scalingConfig.desiredSize = -5), "scalingConfig.desiredSize must be a whole number from 0 to 10,000, got -5"],
      [(i: any) => (i.scalingConfig.maxSize = 1e12), "scalingConfig.maxSize must be a whole number from 0 to 10,000, got 1000000000000"],
      [(i: any) => (i.scalingConfig.desiredSize = 1.5), "scalingConfig.desiredSize must be a whole number from 0 to 10,000, got 1.5"],
      [(i: any) => (i.scalingConfig.desiredSize = 5), "scalingConfig: desiredSize 5 must lie within minSize 1 and maxSize 2"],
    ] as const) {
      expect(() => diffOf(editedNodeGroup(edit))).toThrow(PreviewError);
      expect(() => diffOf(editedNodeGroup(edit))).toThrow(`preview.json: aws:eks/nodeGroup:NodeGroup dev-gpu: ${message}`);
    }
    const path = join(dir, "negative.json");
    writeFileSync(path, JSON.stringify(editedNodeGroup((i) => (i.scalingConfig.desiredSize = -5))));
    const err: string[] = [];
    expect(await runCost(["--preview", path, "--fail-above", "10"], { out: () => undefined, err: (s) => err.push(s) }, NOW)).toBe(2);
    expect(err.join("\n")).toMatch(/scalingConfig\.desiredSize must be a whole number from 0 to 10,000, got -5\n {2}fix: /);
  });
});

describe("the change's own instancePrices", () => {
  const cheap = () => {
    const json = editedNodeGroup((i) => (i.instanceTypes = ["p5.48xlarge"]));
    json.config["hostwise:instancePrices"] = JSON.stringify(["p5.48xlarge=0.01"]);
    return json;
  };

  it("are shown in the headline, a callout and the assumptions, with the catalog price next to them", () => {
    const d = diffOf(cheap());
    expect(d.ownInstancePrices).toEqual({ prices: [{ type: "p5.48xlarge", usd: 0.01, catalogUsd: P5 }], ignored: false });
    const md = renderMarkdown(d);
    expect(md.split("\n")[0]).toMatch(/, priced with the change's own instancePrices$/);
    expect(md).toContain("> Priced with this change's own `hostwise:instancePrices`, not the catalog: p5.48xlarge $0.01/h (catalog $55.04/h).");
    expect(d.assumptions).toContain(
      "instance prices from the change's own hostwise:instancePrices (stack config), not the catalog: p5.48xlarge $0.01/h (catalog $55.04/h); --catalog-prices prices against the catalog instead",
    );
  });

  it("--catalog-prices ignores them, so the gate sees the catalog price", async () => {
    const d = diffOf(cheap(), { catalogPrices: true });
    expect(d.ownInstancePrices.ignored).toBe(true);
    expect(d.totals.after.expected).toBeCloseTo(P5 * 730 + 8 + 73, 2);
    const path = join(dir, "cheap.json");
    writeFileSync(path, JSON.stringify(cheap()));
    const io = () => ({ out: () => undefined, err: () => undefined });
    expect(await runCost(["--preview", path, "--fail-above", "5000"], io(), NOW)).toBe(0);
    expect(await runCost(["--preview", path, "--fail-above", "5000", "--catalog-prices"], io(), NOW)).toBe(1);
  });
});

describe("the change's own discounts and commitments", () => {
  const discounted = () => {
    const json = editedNodeGroup((i) => (i.instanceTypes = ["p5.48xlarge"]));
    Object.assign(json.config, {
      "hostwise:gpuPurchaseOption": "compute-savings-plan", "hostwise:gpuPurchaseTerm": "3y", "hostwise:gpuPurchasePayment": "no-upfront", "hostwise:gpuDiscountPercent": "95",
    });
    return json;
  };

  it("are named where the comment says whose prices it used", () => {
    const d = diffOf(discounted());
    expect(d.pricing?.gpuPurchase).toBe("compute savings plan, 3y, no-upfront at 95% off On-Demand (stated by the stack)");
    expect(renderMarkdown(d).split("\n")[2]).toContain("GPU nodes compute savings plan, 3y, no-upfront at 95% off On-Demand (stated by the stack)");
    // $55.04 × (1 − 95%) = $2.752/h
    expect(d.totals.after.expected).toBeCloseTo(P5 * 0.05 * 730 + 8 + 73, 2);
  });

  it("--catalog-prices ignores them: the commitment is priced On-Demand, its upper bound", () => {
    const d = diffOf(discounted(), { catalogPrices: true });
    expect(d.pricing?.gpuPurchase).toBe("on-demand");
    expect(d.totals.after.expected).toBeCloseTo(P5 * 730 + 8 + 73, 2);
  });
});

describe("a comment longer than GitHub allows", () => {
  it("is cut to 65,536 characters with a note of what was left out; totals, headline and chart stay", () => {
    const resources: Res[] = Array.from({ length: 3_000 }, (_, i) => ({
      type: i % 2 ? "aws:ec2/natGateway:NatGateway" : "aws:s3/bucket:Bucket",
      name: `resource-${i}-${"x".repeat(40)}`,
      op: "create",
      inputs: {},
    }));
    const d = diffOf(previewJson(resources));
    const md = renderMarkdown(d);
    checkComment(md);
    expect(md.length).toBeGreaterThan(COMMENT_LIMIT - 2_000);
    expect(md).toMatch(/^## hostwise cost — stack `dev`: \+\$56,025\.00\/month \(from \$0\)/); // 1,500 NAT gateways × ($32.85 + 100 GB × $0.045)
    expect(md).toMatch(/_Cut to fit GitHub's 65,536-character comment limit: left out [\d,]+ of 3,000 changed resources, 1,500 of 1,500 resources not priced, 3,000 of 3,000 rows of how each figure is made\./);
    expect(md).toContain("```mermaid");
    expect(md).toContain("### Not priced (1500)");
  });
});

describe("hostile previews (property)", () => {
  const TYPES = [NG, "aws:eks/cluster:Cluster", "aws:ec2/natGateway:NatGateway", "kubernetes:core/v1:Service", "aws:iam/role:Role", "aws:s3/bucket:Bucket"];
  const count = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant(UNKNOWN));
  const inputsFor = (type: string) =>
    type === NG
      ? fc.record({
          instanceTypes: fc.array(fc.oneof(fc.constantFrom("g5.xlarge", "g6e.xlarge", "p5.48xlarge", UNKNOWN), hostileText), { minLength: 1, maxLength: 1 }),
          scalingConfig: fc.tuple(count, count, count).map(([a, b, c]) => {
            const known = [a, b, c].filter((x): x is number => typeof x === "number").sort((x, y) => x - y);
            const [min, desired, max] = [a, b, c].map((x) => (typeof x === "number" ? known.shift()! : x));
            return { minSize: min, desiredSize: desired, maxSize: typeof max === "number" ? Math.max(max, 1) : max };
          }),
        })
      : type === "kubernetes:core/v1:Service"
        ? fc.constant({ spec: { type: "LoadBalancer" } })
        : fc.constant({ version: "1.35" });
  const resource = fc.constantFrom(...TYPES).chain((type) =>
    fc.record({
      type: fc.constant(type),
      name: hostileText.filter((n) => n.length > 0),
      op: fc.constantFrom("create" as const, "update" as const, "delete" as const, "same" as const),
      inputs: inputsFor(type),
      oldInputs: inputsFor(type),
    }),
  );

  it("never break the comment's structure, and a gate passes only when the upper bound is within it", () => {
    fc.assert(
      fc.property(fc.array(resource, { maxLength: 6 }), fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 500 }), (rs, above, percent) => {
        const json = previewJson(rs.map((r) => ({ ...r, ...(r.op === "create" ? { oldInputs: undefined } : {}), ...(r.op === "delete" ? { inputs: undefined } : {}) })));
        let d: CostDiff;
        try {
          d = diffOf(json);
        } catch (e) {
          if (e instanceof PreviewError) return; // refused with a clear error (e.g. two steps for one URN disagree)
          throw e;
        }
        const crossed = crossedThresholds(d, { failAboveMonthlyUsd: above, failIncreasePercent: percent });
        checkComment(renderMarkdown(d, crossed));
        const unknown = d.resources.filter((r) => PRICE_BOOK[r.type] && r.op !== "same" && (r.before.kind === "not priced" || r.after.kind === "not priced"));
        if (unknown.length > 0) expect(crossed.join("\n")).toMatch(/cannot tell/);
        if (crossed.length === 0) {
          expect(d.totals.after.expected).toBeLessThanOrEqual(above + 1e-9);
          expect(d.totals.low.after).toBeLessThanOrEqual(d.totals.after.expected + 1e-9);
        }
      }),
      { numRuns: 150 },
    );
  });
});
