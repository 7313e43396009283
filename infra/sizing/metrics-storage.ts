// How much disk Prometheus needs to keep the stack's metrics for metricsRetentionDays: the series the largest
// fleet exposes, times samples a day at the scrape interval, times bytes per sample (Prometheus' storage docs:
// needed_disk_space = retention_time_seconds × ingested_samples_per_second × bytes_per_sample), with headroom
// and the write-ahead log. Pure.

import {
  DCGM_SERIES_PER_GPU, PROMETHEUS_SELF_SERIES, PROMETHEUS_STORAGE, SERIES_PER_TARGET, VLLM_SERIES,
} from "../catalog/metrics-series";
import type { StackSpec } from "../config/spec";
import type { SizingPlan } from "./choose";
import { GiB } from "./memory";

export interface MetricsStorage {
  readonly retentionDays: number;
  readonly scrapeIntervalSeconds: number;
  /** Active series at the largest fleet (plan.replicas.max replicas on plan.nodes.max GPU nodes). */
  readonly series: {
    readonly vllmPerReplica: number;
    readonly vllm: number;
    readonly dcgm: number;
    readonly targets: number;
    readonly prometheus: number;
    readonly total: number;
  };
  readonly samplesPerDay: number;
  /** Compressed block bytes for the retention. */
  readonly blockBytes: number;
  /** The volume: blocks with headroom, plus the write-ahead log, in whole GiB. */
  readonly volumeGiB: number;
  /** Prometheus' --storage.tsdb.retention.size (its units are powers of two: 1MB = 1 MiB). */
  readonly retentionSize: string;
}

/** vLLM's token-count histograms use build_1_2_5_buckets(max_model_len): 1, 2, 5, 10, 20, 50 … up to it. */
export function oneTwoFiveBuckets(max: number): number {
  let n = 0;
  for (let scale = 1; scale <= max; scale *= 10) for (const m of [1, 2, 5]) if (m * scale <= max) n++;
  return n;
}

/** "15s", "1m", "1h" → seconds (the Prometheus durations a scrape_interval takes). */
export function durationSeconds(text: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`unsupported Prometheus duration "${text}" (expected e.g. 15s, 1m)`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as "s" | "m" | "h"];
}

export function vllmSeriesPerReplica(maxModelLen: number): number {
  const v = VLLM_SERIES;
  return v.gauges + v.counters + v.requestSuccess + v.fixedHistograms + v.tokenHistograms * (oneTwoFiveBuckets(maxModelLen) + v.perHistogram) + v.serverAllowance;
}

export function metricsStorage(spec: StackSpec, plan: SizingPlan, scrapeIntervalSeconds: number): MetricsStorage {
  const replicas = plan.replicas.max;
  const nodes = plan.nodes.max;
  const vllmPerReplica = vllmSeriesPerReplica(spec.serving.maxModelLen);
  const vllm = replicas * vllmPerReplica;
  const dcgm = nodes * plan.gpu.perNode * DCGM_SERIES_PER_GPU.value;
  // One target per vLLM pod, per DCGM exporter pod (one per GPU node) and Prometheus itself.
  const targets = (replicas + nodes + 1) * SERIES_PER_TARGET.value;
  const prometheus = PROMETHEUS_SELF_SERIES.value;
  const total = vllm + dcgm + targets + prometheus;
  const samplesPerDay = total * (86_400 / scrapeIntervalSeconds);
  const retentionDays = spec.cluster.metricsRetentionDays;
  const blockBytes = samplesPerDay * retentionDays * PROMETHEUS_STORAGE.bytesPerSample;
  const volumeGiB = Math.ceil((blockBytes * PROMETHEUS_STORAGE.headroom) / GiB + PROMETHEUS_STORAGE.walGiB);
  return {
    retentionDays,
    scrapeIntervalSeconds,
    series: { vllmPerReplica, vllm, dcgm, targets, prometheus, total },
    samplesPerDay,
    blockBytes,
    volumeGiB,
    retentionSize: `${Math.floor(volumeGiB * 1024 * PROMETHEUS_STORAGE.retentionSizeShare)}MB`,
  };
}
