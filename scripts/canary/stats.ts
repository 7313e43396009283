// Summary statistics of latency samples. Pure.

/**
 * The p-th percentile (0 ≤ p ≤ 100) by linear interpolation between closest ranks: the sorted sample at
 * rank h = (n − 1) · p / 100, interpolated between ranks ⌊h⌋ and ⌈h⌉. This is numpy's and Excel's
 * PERCENTILE.INC default (Hyndman & Fan type 7), so a result can be checked with either. Of [1, 2, 3, 4]:
 * p50 = 2.5, p90 = 3.7.
 */
export function percentile(sample: readonly number[], p: number): number {
  return percentileOfSorted(ascending(sample), p);
}

function ascending(sample: readonly number[]): number[] {
  return [...sample].sort((a, b) => a - b);
}

function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError("percentile of an empty sample");
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside 0..100`);
  const h = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface Summary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

/** count, mean, min, max and the p50/p90/p95/p99 of a sample; undefined for an empty one (nothing to summarise). */
export function summarize(sample: readonly number[]): Summary | undefined {
  if (sample.length === 0) return undefined;
  const sorted = ascending(sample);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    mean: sum / sorted.length,
    p50: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p95: percentileOfSorted(sorted, 95),
    p99: percentileOfSorted(sorted, 99),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
}
