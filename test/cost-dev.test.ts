import { describe, expect, it, vi } from "vitest";
import { stackCost } from "../scripts/lib/stack-cost";
import { ROOT } from "./support/program";

// The dev stack's estimate against a hand sum (us-east-1, 730 h a month, the default usage assumptions).
describe("dev stack cost", () => {
  it("adds up, at min / expected / max scale, and prices tokens at the expected utilization", async () => {
    const now = new Date("2026-11-23T12:00:00Z");
    const { plan, cost } = await stackCost(ROOT, "dev", [], now);
    const fixed =
      3.65 + //            NAT gateway's Elastic IP: $0.005 × 730
      32.85 + 4.5 + //     NAT gateway: $0.045 × 730, 100 GB × $0.045
      1 + //               KMS key
      5 + //               10 GB of control-plane logs × $0.50
      73 + //              EKS control plane: $0.10 × 730
      2 * 0.096 * 730 + // two m6i.large system nodes
      2 * 50 * 0.08 + //   their 50 GiB gp3 root volumes
      2 * 0.08; //         Prometheus's volume: 2 GiB holds 30 days of its metrics (test/metrics-storage.test.ts)
    const gpuNode = 0.8048 * 730 + 30 * 0.08; // g6.xlarge and its 30 GiB root volume (the model cache is on NVMe)
    expect(plan.nodes).toEqual({ min: 0, peak: 1, max: 2 });
    expect(cost.monthlyUsd.min).toBeCloseTo(fixed, 6);
    expect(cost.monthlyUsd.expected).toBeCloseTo(fixed + 0.5 * gpuNode, 6); // half the month at peak (1 node)
    expect(cost.monthlyUsd.max).toBeCloseTo(fixed + 2 * gpuNode, 6);
    expect(cost.hourlyUsd.expected).toBeCloseTo((fixed + 0.5 * gpuNode) / 730, 9);
    expect(cost.notPriced).toEqual([]);

    // The replica at capacity (the sizing model of issue #11): 17 requests at 10.25 tokens/s per stream (a 97.6 ms
    // step) with TTFT 0.452 s: 17 × 256 / (0.452 + 255 × 0.0976) = 171.8 output tokens/s, so half the month at
    // peak is 171.8 × 0.5 × 730 × 3,600 = 225.8M output tokens (the old model's 151 tokens/s gave 198M).
    expect(plan.throughput.maxConcurrency).toBe(17);
    expect(plan.throughput.fleetCapacityOutputTokensPerSecond).toBeCloseTo(171.8, 1);
    const tokens = plan.throughput.fleetCapacityOutputTokensPerSecond * 0.5 * 730 * 3600;
    expect(tokens / 1e6).toBeCloseTo(225.8, 1);
    expect(cost.tokens.monthlyOutputTokens).toBeCloseTo(tokens, 0);
    expect(cost.tokens.usdPerMillionOutputTokens).toBeCloseTo(((fixed + 0.5 * gpuNode) / tokens) * 1e6, 6);
    // the same tokens on Bedrock Llama 3.1 8B: $0.22 per 1M, input and output; 512 prompt tokens per 256 output
    expect(cost.hostedApi.monthlyUsd).toBeCloseTo((tokens / 1e6) * (0.22 + 2 * 0.22), 6);
    expect(cost.assumptions.join("\n")).toMatch(/expectedUtilization = 0\.5/);
  });

  it("in eu-west-1 prices every line at eu-west-1 rates, and no line at another region's", async () => {
    const now = new Date("2026-11-23T12:00:00Z");
    vi.resetModules(); // the Pulumi program module runs once per module registry
    const fresh = (await import("../scripts/lib/stack-cost")).stackCost;
    const { plan, cost } = await fresh(ROOT, "dev", ["aws:region=eu-west-1"], now);
    const fixed =
      3.65 + //              Elastic IP: $0.005 × 730 (one price in every region)
      35.04 + 4.8 + //       NAT gateway: $0.048 × 730, 100 GB × $0.048
      1 + //                 KMS key
      5.7 + //               10 GB of control-plane logs × $0.57
      73 + //                EKS control plane: $0.10 × 730
      2 * 0.107 * 730 + //   two m6i.large system nodes at $0.107
      2 * 50 * 0.088 + //    their 50 GiB gp3 root volumes at $0.088
      2 * 0.088; //          Prometheus's 2 GiB volume (test/metrics-storage.test.ts)
    const gpuNode = 1.123 * 730 + 30 * 0.088; // g5.xlarge (eu-west-1 offers no g6) and its 30 GiB root volume
    expect(plan.instanceType).toBe("g5.xlarge");
    expect(cost.monthlyUsd.min).toBeCloseTo(fixed, 6); // $288.39
    expect(cost.monthlyUsd.expected).toBeCloseTo(fixed + 0.5 * gpuNode, 6);
    expect(cost.notPriced).toEqual([]);
    const components = cost.resources.flatMap((r) => r.components);
    expect(components.length).toBeGreaterThan(8);
    expect(components.filter((c) => c.region !== "eu-west-1").map((c) => c.name)).toEqual([]);
    expect(cost.pricing).toEqual({ region: "eu-west-1", catalog: "the built-in catalog", gpuPurchase: "on-demand", systemPurchase: "on-demand" });
    expect(cost.assumptions[0]).toMatch(/^prices: eu-west-1 rates from the built-in catalog, every line at eu-west-1 rates/);
  });

  it("in sa-east-1 prices the nodes at São Paulo's rates and lists the two lines it has no rate for", async () => {
    const now = new Date("2026-11-23T12:00:00Z");
    vi.resetModules();
    const fresh = (await import("../scripts/lib/stack-cost")).stackCost;
    const { plan, cost } = await fresh(ROOT, "dev", ["aws:region=sa-east-1"], now);
    const fixed =
      3.65 + //              Elastic IP: $0.005 × 730
      1 + //                 KMS key
      73 + //                EKS control plane: $0.10 × 730 (sa-east-1's AmazonEKS offer)
      2 * 0.153 * 730 + //   two m6i.large system nodes at $0.153 (sa-east-1's AmazonEC2 offer): $223.38
      2 * 50 * 0.152 + //    their 50 GiB gp3 root volumes at $0.152
      2 * 0.152 + //         Prometheus's 2 GiB volume (test/metrics-storage.test.ts)
      0.093 * 730; //        the NAT gateway's hour (sa-east-1 has a rate for it, not for its data): in all $384.42
    const gpuNode = 1.368 * 730 + 30 * 0.152; // g6.xlarge at $1.368 (Vantage, 2026-01-21): $998.64, + $4.56 of root volume
    expect(plan.instanceType).toBe("g6.xlarge");
    expect(cost.monthlyUsd.min).toBeCloseTo(fixed, 6); // $384.42
    expect(cost.monthlyUsd.expected).toBeCloseTo(fixed + 0.5 * gpuNode, 6); // $886.02
    expect(cost.monthlyUsd.max).toBeCloseTo(fixed + 2 * gpuNode, 6); // $2,390.82
    // no NAT GB or log-ingestion rate for sa-east-1 could be sourced: those two lines are listed as not priced
    // (never at another region's rate), with how to get the rates; the gateway's hour is priced
    expect(cost.notPriced.map((n) => [n.name, n.reason.replace(/ \(to price it: .*\)$/, "")])).toEqual([
      ["dev-nat-0", "data processed: the built-in catalog has no natGatewayDataGb rate for sa-east-1"],
      ["dev-control-plane", "log ingestion: the built-in catalog has no logsIngestionGb rate for sa-east-1"],
    ]);
    const components = cost.resources.flatMap((r) => r.components);
    expect(components.filter((c) => c.region !== "sa-east-1").map((c) => c.name)).toEqual([]);
  });
});
