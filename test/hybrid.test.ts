import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HostedApiCostModel, SelfHostedCostModel } from "../infra/cost/curve";
import { bestHybrid, hybridAt, overflowShare, worstCaseShare } from "../infra/cost/hybrid";

// The hybrid cost model against hand arithmetic, on fixed curves shaped like the dev stack's before #11's
// calibration (its plan now reads 451.5M tokens a node-month): a g6.xlarge node $0.8048 × 730 h + 30 GiB × $0.08
// = $589.904 a month, 396,067,094 output tokens per node-month at capacity, $269.76 a month for the rest.
const self: SelfHostedCostModel = {
  fixedMonthlyUsd: 269.76, gpuNodeMonthlyUsd: 589.904, outputTokensPerNodeMonth: 396_067_094.4709457, minNodes: 0, peopleMonthlyUsd: 0, peakToMean: 1,
};
// Fireworks Llama 3.3 70B, $0.90 in and out per 1M, 2 input tokens per output token: $2.70 per 1M output tokens
const fireworks: HostedApiCostModel = { inputUsdPerMTok: 0.9, outputUsdPerMTok: 0.9, inputPerOutputToken: 2 };
const V = 1_500_000_000;

describe("overflow share", () => {
  it("follows each branch of the model", () => {
    expect(overflowShare(1, 0.8)).toBeCloseTo(0.2, 12); // steady: everything above the base
    expect(overflowShare(1.5, 0.4)).toBeCloseTo(0.6, 12); // base below the trough (0.5 × mean): 1 − k
    expect(overflowShare(1.5, 1)).toBeCloseTo(0.125, 12); // (1.5 − 1)² / (4 × 0.5)
    expect(overflowShare(4, 2)).toBeCloseTo(0.25, 12); // (1 − 2/4)²
    expect(overflowShare(3, 3)).toBe(0);
    expect(worstCaseShare(4, 2)).toBe(0.5);
    expect(() => overflowShare(0.5, 1)).toThrow(RangeError);
  });

  it("is continuous where the branches meet, falls as the base grows, and never exceeds the worst case", () => {
    expect(overflowShare(1.5, 0.5)).toBeCloseTo(0.5, 12); // k = 2 − P: 1 − k = (P − k)² / (4 (P − 1)) = 0.5
    expect(overflowShare(2, 0.7)).toBeCloseTo(overflowShare(2 + 1e-12, 0.7), 9); // P = 2 from both sides
    fc.assert(fc.property(fc.double({ min: 1, max: 20, noNaN: true }), fc.double({ min: 0, max: 25, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }), (p, k, dk) => {
      const s = overflowShare(p, k);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(worstCaseShare(p, k) + 1e-12);
      expect(overflowShare(p, k + dk)).toBeLessThanOrEqual(s + 1e-12);
    }));
  });
});

describe("hybrid cost", () => {
  it("prices a 3-node base at peak-to-mean 2 as worked out by hand, and picks it", () => {
    const b3 = hybridAt(self, fireworks, V, 2, 3);
    // k = 3 × 396.067M / 1,500M = 0.792134; share = (2 − 0.792134)² / 4 = 0.364735
    expect(b3.capacityRatio).toBeCloseTo(0.792134, 6);
    expect(b3.overflowShare).toBeCloseTo(0.364735, 6);
    // API: 0.364735 × 1,500M × $2.70 per 1M = $1,477.18; total $269.76 + 3 × $589.904 + $1,477.18 = $3,516.65
    expect(b3.apiMonthlyUsd).toBeCloseTo(1477.18, 2);
    expect(b3.monthlyUsd).toBeCloseTo(3516.65, 2);
    // worst case: 1 − 0.792134 / 2 = 0.603933 → $2,445.93 of API, $4,485.40 in all
    expect(b3.worstCaseMonthlyUsd).toBeCloseTo(4485.40, 1);
    // B = 2: (2 − 0.528089)² / 4 = 0.541631 → $3,643.17; B = 4: (2 − 1.056179)² / 4 = 0.2227 → $3,531.31
    expect(hybridAt(self, fireworks, V, 2, 2).monthlyUsd).toBeCloseTo(3643.17, 1);
    expect(hybridAt(self, fireworks, V, 2, 4).monthlyUsd).toBeCloseTo(3531.31, 1);
    expect(bestHybrid(self, fireworks, V, 2)!.baseNodes).toBe(3);
  });

  it("at peak-to-mean 3 the best base costs more than the API", () => {
    // B = 2: (1 − 0.528089 / 3)² = 0.678927 → $2,749.65 + $269.76 + 2 × $589.904 = $4,199.22 > 1,500M × $2.70 = $4,050
    const best = bestHybrid(self, fireworks, V, 3)!;
    expect(best.baseNodes).toBe(2);
    expect(best.monthlyUsd).toBeCloseTo(4199.22, 1);
  });

  it("has no base to offer when the peak fits one node", () => {
    expect(bestHybrid(self, fireworks, 100_000_000, 2)).toBeUndefined();
  });
});
