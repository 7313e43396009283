// Monthly cost against monthly token volume: a hosted API is linear; a self-hosted stack is flat, then steps
// up a GPU node at a time. Pure arithmetic shared by the cost estimate and `hostwise decide`.

import { HOURS_PER_MONTH } from "../catalog/aws-prices";

/** The month the prices are in (HOURS_PER_MONTH), in seconds: turns tokens per second into tokens a month. */
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

export interface SelfHostedCostModel {
  /** Everything but the GPU nodes, per month (control plane, system nodes, NAT, volumes …). */
  readonly fixedMonthlyUsd: number;
  /** One GPU node with its volume, per month. */
  readonly gpuNodeMonthlyUsd: number;
  /** Output tokens one GPU node produces in a month at capacity, under steady load. */
  readonly outputTokensPerNodeMonth: number;
  /** GPU nodes that always run (the plan's minimum). */
  readonly minNodes: number;
  /** People cost per month, when the stack counts it. */
  readonly peopleMonthlyUsd: number;
  /**
   * Peak-to-mean traffic ratio: capacity is provisioned for the peak, so a volume with mean rate r needs
   * nodes for ratio × r. 1 = perfectly steady.
   */
  readonly peakToMean: number;
}

export interface HostedApiCostModel {
  readonly inputUsdPerMTok: number;
  readonly outputUsdPerMTok: number;
  /** Input tokens sent per output token generated (mean prompt / mean output). */
  readonly inputPerOutputToken: number;
}

/** GPU nodes needed to serve a monthly output volume (provisioned for the peak). */
export function nodesFor(model: SelfHostedCostModel, monthlyOutputTokens: number): number {
  return Math.max(model.minNodes, Math.ceil((monthlyOutputTokens * model.peakToMean) / model.outputTokensPerNodeMonth - 1e-12), monthlyOutputTokens > 0 ? 1 : 0);
}

export function selfHostedMonthlyUsd(model: SelfHostedCostModel, monthlyOutputTokens: number): number {
  return model.fixedMonthlyUsd + nodesFor(model, monthlyOutputTokens) * model.gpuNodeMonthlyUsd + model.peopleMonthlyUsd;
}

/** What 1M tokens cost when `usd` pays for `tokens` over the same time: the one $ per 1M tokens definition. */
export function usdPerMillionTokens(usd: number, tokens: number): number {
  return (usd / tokens) * 1e6;
}

/** USD per output token on the API, its input tokens included. */
export function apiUsdPerOutputToken(api: HostedApiCostModel): number {
  return (api.outputUsdPerMTok + api.inputUsdPerMTok * api.inputPerOutputToken) / 1e6;
}

export function apiMonthlyUsd(api: HostedApiCostModel, monthlyOutputTokens: number): number {
  return monthlyOutputTokens * apiUsdPerOutputToken(api);
}

/**
 * The smallest monthly output volume at which self-hosting costs no more than the API, or undefined when the
 * API stays cheaper at every volume (a GPU node costs more than the API charges for what it can produce).
 * Solved segment by segment: on the k-node segment self-hosting is flat, and the API line crosses it at
 * self(k) / price.
 */
export function breakEvenMonthlyOutputTokens(self: SelfHostedCostModel, api: HostedApiCostModel): number | undefined {
  const perToken = apiUsdPerOutputToken(api);
  if (perToken <= 0) return undefined;
  const perNodeVolume = self.outputTokensPerNodeMonth / self.peakToMean; // mean volume one node carries
  if (perToken * perNodeVolume < self.gpuNodeMonthlyUsd) return undefined; // every extra node loses money
  for (let k = Math.max(1, self.minNodes); k < 100_000; k++) {
    const low = k === Math.max(1, self.minNodes) ? 0 : (k - 1) * perNodeVolume;
    const high = k * perNodeVolume;
    const cost = self.fixedMonthlyUsd + k * self.gpuNodeMonthlyUsd + self.peopleMonthlyUsd;
    const crossing = Math.max(low, cost / perToken);
    if (crossing <= high) return crossing;
  }
  return undefined;
}
