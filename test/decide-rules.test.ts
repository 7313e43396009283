import { describe, expect, it } from "vitest";
import { apiMonthlyUsd, breakEvenMonthlyOutputTokens, selfHostedMonthlyUsd, type SelfHostedCostModel } from "../infra/cost/curve";
import { decide, DECISION_TABLE, maxSelfHostPeakToMean, type DecisionInput } from "../infra/decide/rules";
import { niceCeil } from "../infra/decide/series";

// A small synthetic stack, so every figure can be worked out by hand: $500 a month of fixed cost, $2,000 per
// GPU node, 1B output tokens per node a month, no node always on. The API charges $1 in / $2 out per 1M
// tokens, and the workloads send one input token per output token: $3 per 1M output tokens.
const SELF: SelfHostedCostModel = {
  fixedMonthlyUsd: 500,
  gpuNodeMonthlyUsd: 2000,
  outputTokensPerNodeMonth: 1e9,
  minNodes: 0,
  peopleMonthlyUsd: 0,
  peakToMean: 1,
};
const PRICE = { inputUsdPerMTok: 1, outputUsdPerMTok: 2 };
const M = 1e6;
const B = 1e9;

function input(monthlyOutputTokens: number, more: Partial<DecisionInput> = {}): DecisionInput {
  return {
    monthlyInputTokens: monthlyOutputTokens,
    monthlyOutputTokens,
    peakToMean: 1,
    dataResidency: false,
    pinModel: false,
    selfHosted: SELF,
    apiPrice: PRICE,
    ...more,
  };
}

describe("volume and steadiness", () => {
  it("recommends self-hosting a steady high volume", () => {
    // 3B output + 3B input tokens: the API $3,000 + $6,000 = $9,000; self-hosting 3 nodes: $500 + 3 × $2,000 = $6,500
    const d = decide(input(3 * B));
    expect(d.recommendation).toBe("self-host");
    expect(d.atVolume.apiUsd).toBeCloseTo(9000, 6);
    expect(d.atVolume.selfHostedUsd).toBeCloseTo(6500, 6);
    expect(d.atVolume.nodes).toBe(3);
    const volume = d.reasons.find((r) => r.rule === "volume-and-steadiness")!;
    expect(volume.outcome).toBe("sets");
    expect(volume.text).toMatch(/^high and steady enough: .* self-hosting costs \$6,500\.00 .* the API \$9,000\.00, \$2,500\.00 a month less/);
    // $9,000 pays for the $500 and 4 nodes at most (5 would cost exactly $10,500 > $9,000): 4 nodes carry 4B, so peak-to-mean up to 4/3
    expect(d.maxSelfHostPeakToMean).toBeCloseTo(4 / 3, 9);
  });

  it("recommends the API for a low volume, steady or spiky", () => {
    // 100M output + 100M input tokens: the API $300; one node $2,500
    for (const peakToMean of [1, 4]) {
      const d = decide(input(100 * M, { peakToMean }));
      expect(d.recommendation).toBe("api");
      expect(d.atVolume.apiUsd).toBeCloseTo(300, 6);
      expect(d.reasons[1]!.text).toMatch(/^low volume: .* the API costs \$300\.00, self-hosting \$2,500\.00 even with steady traffic; self-hosting breaks even from 833\.3M/);
      expect(d.maxSelfHostPeakToMean).toBeUndefined();
    }
  });

  it("recommends hybrid for a high but spiky volume, priced: the cheapest base with the peaks sent to the API", () => {
    // At 3B a month peak-to-mean 2 provisions 6 nodes ($12,500 > $9,000 on the API). A base of B nodes carries
    // k = B of the 3B mean (1B each) and the API (2 − k)² / 4 of the tokens (k above the trough 2 − P = 0):
    //   B = 1: k 1/3 → 69.44% → $6,250 + $500 + $2,000 = $8,750     B = 2: k 2/3 → 44.44% → $4,000 + $4,500 = $8,500
    //   B = 3: k 1 → 25% → $2,250 + $6,500 = $8,750                 B = 4: k 4/3 → 11.11% → $1,000 + $8,500 = $9,500
    const d = decide(input(3 * B, { peakToMean: 2 }));
    expect(d.recommendation).toBe("hybrid");
    expect(d.atVolume).toMatchObject({ nodes: 6, steadyNodes: 3 });
    expect(d.atVolume.selfHostedUsd).toBeCloseTo(12500, 6);
    expect(d.atVolume.steadySelfHostedUsd).toBeCloseTo(6500, 6);
    expect(d.hybrid).toMatchObject({ baseNodes: 2 });
    expect(d.hybrid!.overflowShare).toBeCloseTo(4 / 9, 12);
    expect(d.hybrid!.monthlyUsd).toBeCloseTo(8500, 6);
    // worst case (traffic at its peak or idle): 1 − (2/3) / 2 = 2/3 of $9,000 = $6,000 + $4,500 = $10,500
    expect(d.hybrid!.worstCaseMonthlyUsd).toBeCloseTo(10500, 6);
    expect(d.reasons[1]!.text).toMatch(/cheapest as a hybrid: .* a base of 2 GPU nodes with 44\.4% of the output tokens \(the peaks\) sent to the API costs \$8,500\.00 \(\$4,000\.00 of it the API\), against \$9,000\.00 on the API and \$12,500\.00 self-hosting for the peak \(6 GPU nodes\); .* 66\.7% would overflow: \$10,500\.00/);
    // At peak-to-mean 2 a node carries 500M on average, which the API sells for $1,500 < $2,000: never breaks even.
    expect(d.breakEvenMonthlyOutputTokens).toBeUndefined();
    expect(d.steadyBreakEvenMonthlyOutputTokens).toBeCloseTo(2500 / 3e-6, 0);
  });

  it("recommends the API when the traffic is too spiky for any base to pay", () => {
    // peak-to-mean 3 at 3B: 9 nodes for the peak ($18,500); a base of B nodes leaves (1 − B/9)² to the API:
    //   B = 1: (8/9)² = 79.0% → $7,111.11 + $2,500 = $9,611.11, the cheapest base, still above $9,000 on the API
    const d = decide(input(3 * B, { peakToMean: 3 }));
    expect(d.recommendation).toBe("api");
    expect(d.hybrid!.baseNodes).toBe(1);
    expect(d.hybrid!.monthlyUsd).toBeCloseTo(9611.11, 2);
    expect(d.reasons[1]!.text).toMatch(/spiky enough that the API wins: .* steady traffic would cost \$6,500\.00 .* the best hybrid, 1 GPU node with 79% of the output tokens sent to the API, costs \$9,611\.11, against \$9,000\.00 on the API/);
  });

  it("names the best hybrid when the API wins even against steady self-hosting", () => {
    // 1.2B at peak-to-mean 2: the API $3,600; steady self-hosting 2 nodes $4,500 (just past the 1-node step at 1B).
    // Bases below the peak's 3 nodes: B = 1: k = 1/1.2, (2 − 0.8333)² / 4 = 34.03% → $1,225 + $2,500 = $3,725;
    // B = 2: k = 2/1.2, (2 − 1.6667)² / 4 = 2.78% → $100 + $4,500 = $4,600. The best, $3,725, still loses to the API.
    const d = decide(input(1.2 * B, { peakToMean: 2 }));
    expect(d.recommendation).toBe("api");
    expect(d.hybrid!.baseNodes).toBe(1);
    expect(d.hybrid!.monthlyUsd).toBeCloseTo(3725, 6);
    expect(d.reasons[1]!.text).toMatch(/the API costs \$3,600\.00, self-hosting \$4,500\.00 even with steady traffic: above the steady break-even .* mostly idle; the best hybrid, 1 GPU node with 34% of the output tokens sent to the API, costs \$3,725\.00$/);
  });

  it("a tie at the break-even goes to the API (the guide's default when nothing pushes)", () => {
    const be = 2500 / 3e-6; // one node: $2,500 = $3 per 1M × volume
    const d = decide(input(be));
    expect(d.atVolume.apiUsd).toBe(2500);
    expect(d.atVolume.selfHostedUsd).toBe(2500);
    expect(d.recommendation).toBe("api");
    expect(decide(input(be * 1.001)).recommendation).toBe("self-host");
  });
});

describe("the break-even volume", () => {
  it("solves API cost = self-hosted cost, worked out by hand, with the people cost included", () => {
    // With $3,000 a month of people cost, k nodes cost $3,500 + k × $2,000 and carry up to k × 1B:
    //   k = 1: $5,500 / $3 per 1M = 1.83B > 1B      k = 2: $7,500 → 2.5B > 2B      k = 3: $9,500 → 3.17B > 3B
    //   k = 4: $11,500 → 3.833B, within (3B, 4B]: the break-even.
    const self = { ...SELF, peopleMonthlyUsd: 3000 };
    const d = decide(input(1 * B, { selfHosted: self }));
    const be = d.breakEvenMonthlyOutputTokens!;
    expect(be).toBeCloseTo(11500 / 3e-6, 0);
    const { hostedApi, selfHosted } = d.models;
    expect(Math.abs(apiMonthlyUsd(hostedApi, be) - 11500)).toBeLessThan(0.01);
    expect(Math.abs(selfHostedMonthlyUsd(selfHosted, be) - 11500)).toBeLessThan(0.01);
    // just below it the API is cheaper (by $3 at 1M tokens below)
    const below = be - 1 * M;
    expect(apiMonthlyUsd(hostedApi, below)).toBeLessThan(selfHostedMonthlyUsd(selfHosted, below));
    expect(selfHostedMonthlyUsd(selfHosted, below) - apiMonthlyUsd(hostedApi, below)).toBeCloseTo(3, 6);
  });

  it("moves with the traffic shape: at peak-to-mean 1.2 a node carries 833.3M on average", () => {
    // With $800 of fixed cost: steady, one node ($2,800) breaks even at $2,800 / $3 per 1M = 933.3M, within its 1B.
    // At 1.2: k = 1: 933.3M > 833.3M, past what one node carries; k = 2: $4,800 → 1.6B, within (833.3M, 1.667B].
    const self = { ...SELF, fixedMonthlyUsd: 800 };
    const d = decide(input(1 * B, { selfHosted: self, peakToMean: 1.2 }));
    expect(d.breakEvenMonthlyOutputTokens).toBeCloseTo(4800 / 3e-6, 0);
    expect(d.steadyBreakEvenMonthlyOutputTokens).toBeCloseTo(2800 / 3e-6, 0);
    expect(breakEvenMonthlyOutputTokens({ ...self, peakToMean: 1.2 }, d.models.hostedApi)).toBe(d.breakEvenMonthlyOutputTokens);
  });

  it("is undefined when a GPU node costs more than the API charges for what it produces", () => {
    const d = decide(input(1 * B, { apiPrice: { inputUsdPerMTok: 0.5, outputUsdPerMTok: 1 } })); // $1.50 × 1B = $1,500 < $2,000
    expect(d.breakEvenMonthlyOutputTokens).toBeUndefined();
    expect(d.recommendation).toBe("api");
    expect(d.reasons[1]!.text).toMatch(/the API costs less at every volume: one GPU node costs \$2,000\.00 a month, more than the API charges \(\$1,500\.00\)/);
  });
});

describe("the cost-versus-volume series", () => {
  it("runs from 0 to at least twice the volume and the break-even, stepping exactly where nodes are added", () => {
    // Peak-to-mean 2: a node carries 500M on average, so self-hosting steps up $2,000 at every multiple of 500M.
    const d = decide(input(3 * B, { peakToMean: 2 }));
    const s = d.series;
    expect(s[0]!.monthlyOutputTokens).toBe(0);
    const last = s[s.length - 1]!.monthlyOutputTokens;
    expect(last).toBeGreaterThanOrEqual(2 * Math.max(3 * B, d.steadyBreakEvenMonthlyOutputTokens!));
    expect(last).toBe(niceCeil(6 * B)); // 10B
    const stepsShown = new Set(s.map((p) => p.nodes)).size;
    expect(stepsShown).toBe(21); // 0 … 20 nodes
    for (let i = 1; i < s.length; i++) {
      const [a, b] = [s[i - 1]!, s[i]!];
      const crossed = Math.ceil(b.monthlyOutputTokens / (500 * M) - 1e-9) - Math.ceil(a.monthlyOutputTokens / (500 * M) - 1e-9);
      expect(b.nodes - a.nodes, `between ${a.monthlyOutputTokens} and ${b.monthlyOutputTokens}`).toBe(crossed);
      expect(b.selfHostedUsd - a.selfHostedUsd).toBeCloseTo(crossed * 2000, 6);
      expect(b.apiUsd - a.apiUsd).toBeCloseTo(((b.monthlyOutputTokens - a.monthlyOutputTokens) / M) * 3, 6);
    }
    // dense enough that each flat run is several samples long: at least 4 points per 500M step
    expect(s.length - 1).toBeGreaterThanOrEqual(4 * (last / (500 * M)));
  });

  it("covers the break-even when it is far above the volume", () => {
    const d = decide(input(10 * M));
    expect(d.series[d.series.length - 1]!.monthlyOutputTokens).toBeGreaterThanOrEqual(2 * d.breakEvenMonthlyOutputTokens!);
  });
});

describe("hard constraints and the team", () => {
  it("a data-residency constraint gives self-hosting whatever the volume, even 1,000 tokens a month", () => {
    const d = decide(input(1000, { dataResidency: true, ops: { availableHours: 0, neededHours: 40 }, schedule: { shipWeeks: 0.5 } }));
    expect(d.recommendation).toBe("self-host");
    expect(d.later).toBeUndefined();
    expect(d.atVolume.apiUsd).toBeCloseTo(0.003, 9); // the API would cost a third of a cent
    expect(d.reasons[0]).toMatchObject({ rule: "data-residency", outcome: "decides", text: "data must stay in your environment: self-hosting decides whatever the volume, the team or the deadline" });
    expect(d.reasons.slice(1).every((r) => r.outcome === "no change" && r.recommendation === "self-host")).toBe(true);
    expect(d.reasons.find((r) => r.rule === "ops-capacity")!.text).toMatch(/staff the 40 missing hours/);
  });

  it("evaluates the rules in the articles' order and reports every one", () => {
    const d = decide(input(3 * B));
    expect(d.reasons.map((r) => r.rule)).toEqual(DECISION_TABLE.map((r) => r.id));
    expect(DECISION_TABLE.map((r) => r.id)).toEqual(["data-residency", "volume-and-steadiness", "model-pinning", "ops-capacity", "time-to-ship"]);
    expect(d.reasons.filter((r) => r.outcome === "not checked").map((r) => r.rule)).toEqual(["ops-capacity", "time-to-ship"]);
  });

  it("pinning a model version pushes the API and hybrid to self-hosting", () => {
    const low = decide(input(100 * M, { pinModel: true }));
    expect(low.recommendation).toBe("self-host");
    expect(low.reasons[2]).toMatchObject({ rule: "model-pinning", outcome: "changes" });
    expect(low.reasons[2]!.text).toMatch(/1 GPU node, \$2,500\.00 a month against \$300\.00 on the API/);
    const spiky = decide(input(3 * B, { peakToMean: 2, pinModel: true }));
    expect(spiky.recommendation).toBe("self-host");
    expect(spiky.reasons[2]!.text).toMatch(/a burst to it would serve another model/);
    expect(decide(input(3 * B, { pinModel: true })).reasons[2]!.outcome).toBe("no change");
  });

  it("too little operations capacity sends self-hosting and hybrid to the API; enough changes nothing", () => {
    const short = decide(input(3 * B, { ops: { availableHours: 10, neededHours: 40 } }));
    expect(short.recommendation).toBe("api");
    expect(short.reasons[3]).toMatchObject({ rule: "ops-capacity", outcome: "changes" });
    expect(short.reasons[3]!.text).toBe("not enough operations capacity (10 engineer hours a month available, 40 needed to run it): the API buys you focus");
    expect(decide(input(3 * B, { peakToMean: 2, ops: { availableHours: 10, neededHours: 40 } })).recommendation).toBe("api");
    expect(decide(input(3 * B, { ops: { availableHours: 40, neededHours: 40 } })).recommendation).toBe("self-host");
    // it overrides pinning too (only the hard constraint survives it)
    expect(decide(input(3 * B, { pinModel: true, ops: { availableHours: 0, neededHours: 40 } })).recommendation).toBe("api");
  });

  it("shipping sooner than a deployment takes, or this week, starts on the API and moves later", () => {
    const soon = decide(input(3 * B, { schedule: { shipWeeks: 2, setupWeeks: 6 } }));
    expect(soon).toMatchObject({ recommendation: "api", later: "self-host" });
    expect(soon.reasons[4]!.text).toMatch(/^shipping before a deployment can be live \(live in 2 weeks, a first self-hosted deployment takes 6\): start on the API now and move to self-hosting/);
    expect(decide(input(3 * B, { peakToMean: 2, schedule: { shipWeeks: 2, setupWeeks: 6 } }))).toMatchObject({ recommendation: "api", later: "hybrid" });
    expect(decide(input(3 * B, { schedule: { shipWeeks: 1 } }))).toMatchObject({ recommendation: "api", later: "self-host" }); // "this week"
    const enough = decide(input(3 * B, { schedule: { shipWeeks: 8, setupWeeks: 6 } }));
    expect(enough.recommendation).toBe("self-host");
    expect(enough.later).toBeUndefined();
    expect(decide(input(3 * B, { schedule: { shipWeeks: 3 } })).reasons[4]!.outcome).toBe("not checked");
    // already on the API: nothing to move
    expect(decide(input(100 * M, { schedule: { shipWeeks: 1 } })).later).toBeUndefined();
  });
});

describe("the spiky-traffic threshold", () => {
  it("is the most peak-to-mean whose peak capacity the API's bill still pays for", () => {
    // $9,000 - $500 leaves room for 4 nodes strictly under budget → 4B of capacity over 3B of volume
    expect(maxSelfHostPeakToMean(SELF, 9000, 3 * B)).toBeCloseTo(4 / 3, 9);
    // $8,500 exactly: 4 nodes would tie, which goes to the API → 3 nodes → 1
    expect(maxSelfHostPeakToMean(SELF, 8500, 3 * B)).toBeCloseTo(1, 9);
    expect(maxSelfHostPeakToMean(SELF, 2000, 3 * B)).toBeUndefined();
    // at the threshold self-hosting the peak (4 nodes, $8,500) beats the API, and a 3-node base beats both:
    // k = 1 above the trough 2 − 4/3: (4/3 − 1)² / (4 × 1/3) = 1/12 of $9,000 = $750 + $6,500 = $7,250
    const at = decide(input(3 * B, { peakToMean: 4 / 3 }));
    expect(at.recommendation).toBe("hybrid");
    expect(at.hybrid!.monthlyUsd).toBeCloseTo(7250, 6);
    // steady traffic at a node step: 3 nodes exactly, nothing to gain from a smaller base
    expect(decide(input(3 * B)).recommendation).toBe("self-host");
  });

  it("rejects impossible inputs", () => {
    expect(() => decide(input(3 * B, { peakToMean: 0.5 }))).toThrow(/peakToMean must be at least 1/);
    expect(() => decide(input(0))).toThrow(/monthlyOutputTokens must be a number above 0/);
  });
});
