import { describe, expect, it } from "vitest";
import { apiMonthlyUsd, breakEvenMonthlyOutputTokens, selfHostedMonthlyUsd } from "../infra/cost/curve";
import { stackCost } from "../scripts/lib/stack-cost";
import { ROOT } from "./support/program";

// The prod stack's estimate against a hand sum: three zones, a NAT gateway in each, p5.48xlarge GPU nodes.
describe("prod stack cost", () => {
  it("adds up, and its break-even solves API cost = self-hosted cost", async () => {
    const now = new Date("2026-11-23T12:00:00Z");
    // A pricier API ($2 per 1M in and out) than the catalog's Bedrock Llama 3.3 70B, so a break-even exists.
    const { plan, cost } = await stackCost(ROOT, "prod", ["hostedApiInputPrice=2", "hostedApiOutputPrice=2"], now);
    const fixed =
      3 * (3.65 + 32.85 + 4.5) + // three NAT gateways with their public IPv4 and 100 GB each
      1 + 5 + 73 + //             KMS key, logs, EKS control plane
      2 * (0.096 * 730 + 50 * 0.08) + // two m6i.large system nodes with 50 GiB volumes
      2 * 0.08; //                Prometheus volume: 2 GiB for 30 days of metrics (test/metrics-storage.test.ts)
    const gpuNode = 55.04 * 730 + plan.nodeDiskGiB * 0.08; // p5.48xlarge and its root volume
    expect(plan.instanceType).toBe("p5.48xlarge");
    // 20 requests/s of 1,024 + 256 tokens at a 20 tokens/s floor: one TP-8 replica keeps 160 requests running at
    // 20.1 tokens/s per stream and serves 12.44 requests/s (3,185 output tokens/s), so the peak needs
    // ⌈20 / 12.44⌉ = 2 replicas on 2 nodes: the shape the old model chose too (it read 14.96 requests/s per replica).
    expect(plan.throughput.maxConcurrency).toBe(160);
    expect(plan.throughput.capacity.requestsPerSecond).toBeCloseTo(12.44, 2);
    expect(plan.nodes).toEqual({ min: 1, peak: 2, max: 2 });
    expect(cost.monthlyUsd.min).toBeCloseTo(fixed + gpuNode, 6);
    expect(cost.monthlyUsd.expected).toBeCloseTo(fixed + 1.5 * gpuNode, 6);
    expect(cost.monthlyUsd.max).toBeCloseTo(fixed + 2 * gpuNode, 6);

    const v = cost.breakEvenMonthlyOutputTokens;
    expect(v).toBeDefined();
    const { selfHosted, hostedApi } = cost.curves;
    expect(apiMonthlyUsd(hostedApi, v!)).toBeCloseTo(selfHostedMonthlyUsd(selfHosted, v!), 4);
    expect(apiMonthlyUsd(hostedApi, v! * 0.999)).toBeLessThan(selfHostedMonthlyUsd(selfHosted, v! * 0.999));

    // At Bedrock's $0.72 in and out (4 prompt tokens per output token: $3.60 per 1M output), one node's monthly
    // output is worth less on the API than the node costs: self-hosting never breaks even on price alone.
    const bedrock = { ...hostedApi, inputUsdPerMTok: 0.72, outputUsdPerMTok: 0.72 };
    expect((selfHosted.outputTokensPerNodeMonth / 1e6) * 3.6).toBeLessThan(selfHosted.gpuNodeMonthlyUsd);
    expect(breakEvenMonthlyOutputTokens(selfHosted, bedrock)).toBeUndefined();
  });
});
