// Monthly cost against monthly output volume, sampled for a chart or a table: the API as a line, the
// self-hosted stack flat then stepping up a GPU node at a time. Pure; the cost arithmetic is infra/cost/curve.

import { apiMonthlyUsd, nodesFor, selfHostedMonthlyUsd, type HostedApiCostModel, type SelfHostedCostModel } from "../cost/curve";

/** Both costs at one monthly output volume (input tokens follow at the API model's input-per-output ratio). */
export interface CostPoint {
  readonly monthlyOutputTokens: number;
  readonly monthlyInputTokens: number;
  readonly apiUsd: number;
  readonly selfHostedUsd: number;
  /** GPU nodes provisioned for this volume at the model's peak-to-mean ratio. */
  readonly nodes: number;
}

/**
 * How densely the series samples: at least SAMPLES_PER_STEP points per GPU-node step so every step shows as a
 * flat run then a jump, within MIN..MAX intervals (a chart of more points than that stops being readable;
 * past MAX_INTERVALS / SAMPLES_PER_STEP nodes, steps blur into a slope).
 */
export const SERIES_SAMPLING = { samplesPerStep: 4, intervalChoices: [40, 50, 100, 200, 400] } as const;

export function costAt(self: SelfHostedCostModel, api: HostedApiCostModel, monthlyOutputTokens: number): CostPoint {
  return {
    monthlyOutputTokens,
    monthlyInputTokens: monthlyOutputTokens * api.inputPerOutputToken,
    apiUsd: apiMonthlyUsd(api, monthlyOutputTokens),
    selfHostedUsd: selfHostedMonthlyUsd(self, monthlyOutputTokens),
    nodes: nodesFor(self, monthlyOutputTokens),
  };
}

/** 1, 2, 2.5 or 5 × 10^k, the smallest at or above x: round axis ends and round table volumes. */
export function niceCeil(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const scale = 10 ** Math.floor(Math.log10(x));
  const m = x / scale;
  const step = [1, 2, 2.5, 5, 10].find((s) => s >= m * (1 - 1e-12)) ?? 10;
  return step * scale;
}

/**
 * The series from 0 to a round volume at or above twice the largest of `volumes` (the given volume and the
 * break-evens), evenly spaced so a chart's x-axis can be a plain range.
 */
export function costSeries(self: SelfHostedCostModel, api: HostedApiCostModel, volumes: readonly number[]): CostPoint[] {
  const max = niceCeil(2 * Math.max(...volumes.filter((v) => Number.isFinite(v) && v > 0), 1));
  const stepVolume = self.outputTokensPerNodeMonth / self.peakToMean; // mean volume one more node carries
  const steps = stepVolume > 0 ? max / stepVolume : 0;
  const choices = SERIES_SAMPLING.intervalChoices;
  const intervals = choices.find((n) => n >= steps * SERIES_SAMPLING.samplesPerStep) ?? choices[choices.length - 1]!;
  return Array.from({ length: intervals + 1 }, (_, i) => costAt(self, api, (i * max) / intervals));
}
