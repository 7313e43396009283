import { describe, expect, it } from "vitest";
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
      20 * 0.08; //        Prometheus's 20 GiB volume
    const gpuNode = 0.8048 * 730 + 30 * 0.08; // g6.xlarge and its 30 GiB root volume (the model cache is on NVMe)
    expect(plan.nodes).toEqual({ min: 0, peak: 1, max: 2 });
    expect(cost.monthlyUsd.min).toBeCloseTo(fixed, 6);
    expect(cost.monthlyUsd.expected).toBeCloseTo(fixed + 0.5 * gpuNode, 6); // half the month at peak (1 node)
    expect(cost.monthlyUsd.max).toBeCloseTo(fixed + 2 * gpuNode, 6);
    expect(cost.hourlyUsd.expected).toBeCloseTo((fixed + 0.5 * gpuNode) / 730, 9);
    expect(cost.notPriced).toEqual([]);

    const tokens = plan.throughput.fleetCapacityOutputTokensPerSecond * 0.5 * 730 * 3600;
    expect(cost.tokens.monthlyOutputTokens).toBeCloseTo(tokens, 0);
    expect(cost.tokens.usdPerMillionOutputTokens).toBeCloseTo(((fixed + 0.5 * gpuNode) / tokens) * 1e6, 6);
    // the same tokens on Bedrock Llama 3.1 8B: $0.22 per 1M, input and output; 512 prompt tokens per 256 output
    expect(cost.hostedApi.monthlyUsd).toBeCloseTo((tokens / 1e6) * (0.22 + 2 * 0.22), 6);
    expect(cost.assumptions.join("\n")).toMatch(/expectedUtilization = 0\.5/);
  });
});
