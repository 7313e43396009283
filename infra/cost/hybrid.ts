import { apiUsdPerOutputToken, type HostedApiCostModel, type SelfHostedCostModel } from "./curve";

// Hybrid: a fixed base of GPU nodes serves everything up to its capacity, the hosted API the rest. What share
// of the tokens overflows depends on how the rate moves around its mean; the model below is stated in
// HYBRID_ASSUMPTION and printed wherever a hybrid figure is. Pure arithmetic, shared by the cost estimate
// and `hostwise decide`.

export const HYBRID_ASSUMPTION =
  "while traffic runs, its rate is spread evenly between a trough and the peak (the trough is 2 − P times the mean for a peak-to-mean P up to 2; " +
  "above 2 the rate runs from 0 to the peak during 2/P of the time and the rest is idle); the base serves up to its capacity and the API " +
  "everything above it, queueing ignored; requests sent to the API while the base is cold or restarting are not in the figure";

/** A share as a percentage that stays readable when small: 36.5%, 0.035%. */
export function sharePercent(x: number): string {
  const pct = x * 100;
  if (pct === 0) return "0%";
  return `${pct < 1 ? Number(pct.toPrecision(2)) : pct.toLocaleString("en-US", { maximumFractionDigits: 1 })}%`;
}

/**
 * Share of the output tokens above the base's capacity, with peak-to-mean `p` ≥ 1 and `k` = the base's
 * monthly capacity over the mean monthly demand (see HYBRID_ASSUMPTION).
 */
export function overflowShare(p: number, k: number): number {
  if (!(p >= 1) || !(k >= 0)) throw new RangeError(`overflowShare: peak-to-mean ${p} must be at least 1 and capacity ${k} at least 0`);
  if (k >= p) return 0;
  if (p === 1) return 1 - k;
  if (p <= 2) {
    // The rate is uniform on [(2 − p), p] × mean: what lies above k.
    return k <= 2 - p ? 1 - k : (p - k) ** 2 / (4 * (p - 1));
  }
  // Busy 2/p of the time with the rate uniform on [0, p] × mean.
  return (1 - k / p) ** 2;
}

/** The most that can overflow at this mean and peak: traffic either at the peak or idle. */
export function worstCaseShare(p: number, k: number): number {
  return Math.max(0, 1 - k / p);
}

export interface HybridPoint {
  /** GPU nodes in the base. */
  readonly baseNodes: number;
  /** The base's capacity over the mean demand. */
  readonly capacityRatio: number;
  readonly overflowShare: number;
  readonly worstCaseShare: number;
  readonly apiMonthlyUsd: number;
  readonly worstCaseApiMonthlyUsd: number;
  /** Fixed cost + base nodes + people + the API's share. */
  readonly monthlyUsd: number;
  readonly worstCaseMonthlyUsd: number;
}

/** The hybrid's monthly cost with a base of `baseNodes`, for a mean monthly output volume at peak-to-mean `p`. */
export function hybridAt(self: SelfHostedCostModel, api: HostedApiCostModel, monthlyOutputTokens: number, p: number, baseNodes: number): HybridPoint {
  const capacityRatio = (baseNodes * self.outputTokensPerNodeMonth) / monthlyOutputTokens;
  const share = overflowShare(p, capacityRatio);
  const worst = worstCaseShare(p, capacityRatio);
  const perToken = apiUsdPerOutputToken(api);
  const base = self.fixedMonthlyUsd + baseNodes * self.gpuNodeMonthlyUsd + self.peopleMonthlyUsd;
  const apiMonthlyUsd = share * monthlyOutputTokens * perToken;
  const worstCaseApiMonthlyUsd = worst * monthlyOutputTokens * perToken;
  return {
    baseNodes, capacityRatio, overflowShare: share, worstCaseShare: worst,
    apiMonthlyUsd, worstCaseApiMonthlyUsd, monthlyUsd: base + apiMonthlyUsd, worstCaseMonthlyUsd: base + worstCaseApiMonthlyUsd,
  };
}

/**
 * The cheapest hybrid base: from the stack's fewest always-on nodes (at least one) to one node short of what
 * the peak needs (with all of the peak's nodes it is plain self-hosting). Ties go to the smaller base.
 * Undefined when no base lies in that range (the peak fits one node, or the minimum already covers it).
 */
export function bestHybrid(self: SelfHostedCostModel, api: HostedApiCostModel, monthlyOutputTokens: number, p: number): HybridPoint | undefined {
  const peakNodes = Math.ceil((monthlyOutputTokens * p) / self.outputTokensPerNodeMonth - 1e-12);
  let best: HybridPoint | undefined;
  for (let b = Math.max(1, self.minNodes); b < peakNodes; b++) {
    const point = hybridAt(self, api, monthlyOutputTokens, p, b);
    if (!best || point.monthlyUsd < best.monthlyUsd - 1e-9) best = point;
  }
  return best;
}
