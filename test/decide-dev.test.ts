import { describe, expect, it, vi } from "vitest";
import { apiMonthlyUsd, selfHostedMonthlyUsd } from "../infra/cost/curve";
import { DECISION_TABLE } from "../infra/decide/rules";
import { estimateCost } from "../infra/cost/estimate";
import { resolveStack } from "../infra/resolve";
import { runDecide } from "../scripts/commands/decide";
import { configOverrides } from "../scripts/lib/hybrid-config";
import { applyOverrides, readStackFile } from "../scripts/lib/stack-file";
import { NOW } from "./helpers";
import { ROOT } from "./support/program";

// `hostwise decide` through runDecide against the real dev stack. stackCost evaluates the Pulumi program under
// mocks, which runs once per process: the real stackCost runs once here and its result serves all three
// command lines below (same stack, same overrides, so the same StackCost).
const evaluations: string[] = [];
vi.mock("../scripts/lib/stack-cost", async (importOriginal) => {
  const real = await importOriginal<typeof import("../scripts/lib/stack-cost")>();
  let first: ReturnType<typeof real.stackCost> | undefined;
  return {
    ...real,
    stackCost: (dir: string, stack: string, overrides: readonly string[], now: Date) => {
      evaluations.push(JSON.stringify([dir, stack, overrides, now]));
      first ??= real.stackCost(dir, stack, overrides, now);
      return first;
    },
  };
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDecide(["--dir", ROOT, ...argv], { out: (s) => out.push(s), err: (s) => err.push(s) }, NOW);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d+)?|\.\d+)`; // Mermaid's xychart lexer: no exponents

/** Checks a Mermaid xychart-beta block against the grammar's statements; returns its two series. */
function parseXyChart(markdown: string): { xMax: number; yMax: number; lines: Map<string, number[]> } {
  const blocks = [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
  expect(blocks).toHaveLength(1);
  const [head, ...statements] = blocks[0]!.split("\n");
  expect(head).toBe("xychart-beta");
  let xMax = NaN;
  let yMax = NaN;
  const lines = new Map<string, number[]>();
  for (const s of statements) {
    const title = new RegExp(`^ {4}title "[^"\\n]*"$`).exec(s);
    const axis = new RegExp(`^ {4}([xy])-axis "[^"\\n]*" (${NUMBER}) --> (${NUMBER})$`).exec(s);
    const line = new RegExp(`^ {4}line "([^"\\n]*)" \\[(${NUMBER}(?:, ${NUMBER})*)\\]$`).exec(s);
    if (axis) {
      expect(Number(axis[2])).toBe(0);
      if (axis[1] === "x") xMax = Number(axis[3]);
      else yMax = Number(axis[3]);
    } else if (line) lines.set(line[1]!, line[2]!.split(", ").map(Number));
    else expect(title, `not an xychart statement: ${s}`).not.toBeNull();
  }
  expect(xMax).toBeGreaterThan(0);
  expect(yMax).toBeGreaterThan(0);
  expect([...lines.keys()]).toEqual(["API", "self-hosted"]);
  return { xMax, yMax, lines };
}

describe("hostwise decide against the dev stack (g6.xlarge, one NVIDIA L4)", () => {
  it("prints the decision as text, JSON and Markdown with a valid Mermaid xychart", async () => {
    // Text: 50M output + 100M input tokens on the stack's API, Bedrock Llama 3.1 8B at $0.22 / $0.22 per 1M.
    const text = await run("--monthly-input-tokens", "100M", "--monthly-output-tokens", "50M");
    expect(text.err).toBe("");
    expect(text.code).toBe(0);
    expect(text.out).toMatch(
      /^hostwise decide — stack dev \(g6\.xlarge, us-east-1\) against bedrock\/llama-3\.1-8b\nPrices {7}us-east-1 rates from the built-in catalog · GPU nodes on-demand · system nodes on-demand\n\nRecommendation: the hosted API \(bedrock\/llama-3\.1-8b\)\n/,
    );
    const reasons = [...text.out.matchAll(/^ {2}(\d)\. ([a-z ]+) \(/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(reasons).toEqual(["1 data residency", "2 volume and steadiness", "3 model pinning", "4 operations capacity", "5 time to ship"]);
    // API: 50 × $0.22 + 100 × $0.22 = $33.00. Self-hosted: one GPU node for 50M tokens, 0.8048 × 730 + 30 GiB × $0.08
    // = $589.90, plus the rest of the stack: $268.32 (the hand sum in cost-dev.test.ts) = $858.22.
    expect(text.out).toMatch(/\n {2}API {10}\$33\.00\n {2}self-hosted {2}\$858\.22 \(1 GPU node for peak-to-mean 1\)\n/);
    expect(text.out).toMatch(/\nBreak-even {3}none: the API stays cheaper at every volume/);
    expect(text.out).toMatch(/\n {2}output tokens\/month {2}input tokens\/month {2}GPU nodes {2}self-hosted +API {2}cheaper\n/);
    expect(text.out).toMatch(/\n +50M +100M +1 +\$858\.22 +\$33\.00 +API +your volume\n/);

    // JSON: 2B output + 4B input tokens against OpenAI GPT-4.1 mini ($0.40 in / $1.60 out): $4,800 a month on the API.
    const json = await run("--monthly-input-tokens", "4B", "--monthly-output-tokens", "2B", "--api", "openai/gpt-4.1-mini", "--json");
    expect(json.code).toBe(0);
    const m = JSON.parse(json.out);
    expect(m.stack).toEqual({
      name: "dev", region: "us-east-1", instanceType: "g6.xlarge", gpu: "1 × NVIDIA L4",
      pricing: { region: "us-east-1", catalog: "the built-in catalog", gpuPurchase: "on-demand", systemPurchase: "on-demand" },
    });
    expect(m.hostedApi).toMatchObject({ id: "openai/gpt-4.1-mini", inputUsdPerMTok: 0.4, outputUsdPerMTok: 1.6, priceFrom: "catalog" });
    expect(m.input).toEqual({ monthlyInputTokens: 4e9, monthlyOutputTokens: 2e9, peakToMean: 1, dataResidency: false, pinModel: false });
    const d = m.decision;
    const self = d.models.selfHosted;
    expect(self.fixedMonthlyUsd).toBeCloseTo(268.32, 6);
    expect(self.gpuNodeMonthlyUsd).toBeCloseTo(0.8048 * 730 + 30 * 0.08, 6);
    expect(d.models.hostedApi.inputPerOutputToken).toBe(2);
    expect(d.atVolume.apiUsd).toBeCloseTo(2000 * 1.6 + 4000 * 0.4, 6);
    const nodes = Math.ceil(2e9 / self.outputTokensPerNodeMonth);
    expect(d.atVolume.nodes).toBe(nodes);
    expect(d.atVolume.selfHostedUsd).toBeCloseTo(268.32 + nodes * self.gpuNodeMonthlyUsd, 6);
    // steady and high: 2B needs 4.43 nodes. Self-hosting all of it takes 5 ($3,217.84); 4 nodes carry
    // k = 4 × 451.532M / 2,000M = 0.903065 of it, the API the other 9.6935% at $2.40 per 1M output tokens
    // ($1.60 + 2 × $0.40): $465.29, so $268.32 + 4 × $589.904 + $465.29 = $3,093.22 < $3,217.84 self-hosted < $4,800 API
    expect(d.recommendation).toBe("hybrid");
    expect(d.hybrid).toMatchObject({ baseNodes: 4 });
    expect(d.hybrid.overflowShare).toBeCloseTo(1 - (4 * self.outputTokensPerNodeMonth) / 2e9, 12);
    expect(d.hybrid.monthlyUsd).toBeCloseTo(268.32 + 4 * self.gpuNodeMonthlyUsd + d.hybrid.overflowShare * 4800, 6);
    expect(d.hybrid.monthlyUsd).toBeCloseTo(3093.22, 1);
    expect(d.reasons.map((r: { rule: string }) => r.rule)).toEqual(DECISION_TABLE.map((r) => r.id));
    // the break-even solves API = self-hosted within a cent; a million tokens below it the API is cheaper
    const be = d.breakEvenMonthlyOutputTokens;
    expect(be).toBeGreaterThan(0);
    expect(Math.abs(apiMonthlyUsd(d.models.hostedApi, be) - selfHostedMonthlyUsd(self, be))).toBeLessThan(0.01);
    expect(apiMonthlyUsd(d.models.hostedApi, be - 1e6)).toBeLessThan(selfHostedMonthlyUsd(self, be - 1e6));
    expect(d.series[0].monthlyOutputTokens).toBe(0);
    expect(d.series.at(-1).monthlyOutputTokens).toBeGreaterThanOrEqual(2 * Math.max(2e9, be));
    // The break-even under each purchase option the catalog prices: on-demand (the stack's) and spot. Spot swaps the
    // node's $0.8048/h for g6.xlarge's us-east-1 spot snapshot, $0.38205/h: the node costs (0.8048 − 0.38205) × 730 less.
    const options = m.purchaseOptions.rows;
    expect(options.map((r: { label: string; chosen: boolean }) => [r.label, r.chosen])).toEqual([["spot", false], ["on-demand", true]]);
    expect(options[0].gpuNodeMonthlyUsd).toBeCloseTo(0.38205 * 730 + 30 * 0.08, 6); // $281.30
    const spotSelf = { ...self, gpuNodeMonthlyUsd: options[0].gpuNodeMonthlyUsd };
    expect(options[0].monthlyUsdAtVolume).toBeCloseTo(268.32 + nodes * (0.38205 * 730 + 2.4), 6);
    expect(Math.abs(apiMonthlyUsd(d.models.hostedApi, options[0].breakEvenMonthlyOutputTokens) - selfHostedMonthlyUsd(spotSelf, options[0].breakEvenMonthlyOutputTokens))).toBeLessThan(0.01);
    expect(options[0].breakEvenMonthlyOutputTokens).toBeLessThan(be); // cheaper nodes break even sooner
    expect(options[1].breakEvenMonthlyOutputTokens).toBeCloseTo(be, 0);
    expect(m.purchaseOptions.unpriced).toEqual([expect.stringMatching(/^savings plans and reserved instances: the built-in catalog has no rates for g6\.xlarge in us-east-1/)]);
    expect(m.rules).toHaveLength(5);
    expect(m.thresholds.apiFirstWithinWeeks).toBe(1);

    // Markdown: data residency at 1,000 output tokens a month still self-hosts; the chart is a valid xychart.
    const md = await run("--monthly-input-tokens", "2K", "--monthly-output-tokens", "1K", "--data-residency", "--markdown");
    expect(md.code).toBe(0);
    expect(md.out).toMatch(/^## hostwise decide — stack `dev` against `bedrock\/llama-3\.1-8b`\n\nPrices: us-east-1 rates from the built-in catalog; GPU nodes on-demand, system nodes on-demand\.\n\n\*\*Recommendation: self-host\*\*\n\n1\. \*\*data residency\*\* \(decides\): data must stay in your environment: self-hosting decides whatever the volume/);
    const chart = parseXyChart(md.out);
    const api = chart.lines.get("API")!;
    const selfHosted = chart.lines.get("self-hosted")!;
    expect(api.length).toBe(selfHosted.length);
    expect(api.length).toBeGreaterThanOrEqual(41);
    expect(api[0]).toBe(0);
    expect(selfHosted[0]).toBeCloseTo(268.32, 2); // no GPU node at zero volume (minReplicas 0)
    expect(selfHosted.at(-1)).toBeCloseTo(268.32 + 589.9, 1); // one node carries it all
    expect(Math.max(...api, ...selfHosted)).toBeLessThanOrEqual(chart.yMax);

    // One real evaluation of the program served all three.
    expect(new Set(evaluations).size).toBe(1);
    expect(evaluations).toHaveLength(3);
  });

  it("prints the pulumi config lines that deploy the hybrid it recommends, and they give the stack the same hybrid", async () => {
    // 1.5B output + 3B input tokens at peak-to-mean 2 against Fireworks Llama 3.3 70B ($0.90 / $0.90: $2.70 per 1M
    // output tokens): a 3-node base carries k = 3 × 451.53M / 1,500M = 0.9031 of the mean, (2 − k)² / 4 = 30.1% to the API
    // (test/hybrid.test.ts works the same formula by hand for another node size)
    const res = await run("--monthly-input-tokens", "3B", "--monthly-output-tokens", "1.5B", "--peak-to-mean", "2", "--api", "fireworks/llama-3.3-70b", "--json");
    expect(res.code).toBe(0);
    const m = JSON.parse(res.out);
    expect(m.decision.recommendation).toBe("hybrid");
    expect(m.deploy).toMatchObject({ baseNodes: 3, baseReplicas: 3, fallbackApi: "fireworks/llama-3.3-70b" });
    // the peak: 1.5B × 2 / 2,628,000 s = 1,141.55 output tokens/s = 4.459 requests/s of 256 output tokens
    expect(m.deploy.configLines).toEqual([
      "# hybrid: 3 g6.xlarge node(s) (3 replica(s)) always on, the peaks to fireworks/llama-3.3-70b",
      "pulumi config set --stack dev hostwise:instanceType g6.xlarge",
      "pulumi config set --stack dev hostwise:tensorParallelSize 1",
      "pulumi config set --stack dev hostwise:minReplicas 3",
      "pulumi config set --stack dev hostwise:maxReplicas 3",
      "pulumi config set --stack dev hostwise:fallbackApi fireworks/llama-3.3-70b",
      "pulumi config set --stack dev --secret hostwise:fallbackApiKey   # no value: pulumi prompts for it, so the key stays out of your shell history",
      "# the workload decide priced, so the stack's cost estimate prices the same hybrid:",
      "pulumi config set --stack dev hostwise:peakRequestsPerSecond 4.459189",
      "pulumi config set --stack dev hostwise:expectedUtilization 0.5",
    ]);
    const text = await run("--monthly-input-tokens", "3B", "--monthly-output-tokens", "1.5B", "--peak-to-mean", "2", "--api", "fireworks/llama-3.3-70b");
    expect(text.out).toMatch(/Recommendation: hybrid[^\n]*\n\nDeploy it: 3 replica\(s\) on 3 GPU node\(s\) always on, 30\.1% of the output tokens to fireworks\/llama-3\.3-70b/);

    // applied to the dev stack (the key as a secret placeholder), the lines give that base and price the same overflow
    const raw = applyOverrides(readStackFile(ROOT, "dev"), [...configOverrides(m.deploy.configLines), "fallbackApiKey=[secret]"]);
    const { spec, plan } = resolveStack(raw, { stack: "dev", now: NOW });
    expect(plan.replicas).toEqual({ min: 3, peak: 3, max: 3 });
    expect(spec.entry.fallback!.api).toBe("fireworks/llama-3.3-70b");
    const hybrid = estimateCost(spec, plan, [], NOW).hybrid!;
    expect(hybrid.overflowShare).toBeCloseTo(m.decision.hybrid.overflowShare, 4);
    expect(hybrid.apiMonthlyUsd).toBeCloseTo(m.decision.hybrid.apiMonthlyUsd, 0);
  });
});
