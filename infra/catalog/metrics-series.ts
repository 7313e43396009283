import type { Source } from "./source";

// What Prometheus stores on a hostwise cluster, to size its volume (infra/sizing/metrics-storage.ts). The chart
// keeps only the annotation-gated scrape jobs (charts/prometheus/values.yaml), so the series are those of the
// vLLM pods, the DCGM exporters, the scrape targets themselves and Prometheus.

/**
 * vLLM's Prometheus metrics per replica (one engine), counted from vllm/v1/metrics/loggers.py
 * (PrometheusStatLogger): prometheus_client exposes a counter as `_total` and `_created`, a histogram as one
 * series per bucket plus `+Inf`, `_sum`, `_count` and `_created`.
 */
export const VLLM_SERIES = {
  /** num_requests_running, num_requests_waiting, kv_cache_usage_perc, engine_sleep_state × 3 states. */
  gauges: 6,
  /** prefix/external-prefix/multi-modal cache queries and hits, preemptions, prompt and generation tokens: 9 × 2. */
  counters: 18,
  /** request_success: 5 finish reasons (stop, length, abort, error, repetition) × 2. */
  requestSuccess: 10,
  /**
   * Histograms with fixed buckets: iteration_tokens (13 buckets), request_params_n (5), time_to_first_token (22),
   * inter_token_latency (19), request_time_per_output_token (19), and e2e, queue, inference, prefill and decode
   * time (21 each): (13+4) + (5+4) + (22+4) + (19+4) + (19+4) + 5 × (21+4).
   */
  fixedHistograms: 17 + 9 + 26 + 23 + 23 + 5 * 25,
  /** request_prompt_tokens, request_generation_tokens, request_max_num_generation_tokens, request_params_max_tokens. */
  tokenHistograms: 4,
  /** Per histogram series besides its buckets: +Inf, _sum, _count, _created. */
  perHistogram: 4,
  /**
   * The API server's HTTP metrics (prometheus_fastapi_instrumentator: requests, sizes and durations per handler)
   * and the process and Python runtime collectors: an allowance, not a count.
   */
  serverAllowance: 100,
  source: {
    ref: "vllm-project/vllm vllm/v1/metrics/loggers.py (PrometheusStatLogger) and vllm/v1/engine/__init__.py (FinishReason)",
    date: "2026-11-25",
    note: "serverAllowance is an allowance for metrics outside loggers.py; build_1_2_5_buckets(maxModelLen) sets the token histograms' buckets",
  } satisfies Source,
} as const;

/** DCGM exporter: one series per field of its default counters file, per GPU. */
export const DCGM_SERIES_PER_GPU = {
  value: 25,
  source: {
    ref: "NVIDIA/dcgm-exporter 4.8.2 etc/default-counters.csv (26 fields, DCGM_FI_DRIVER_VERSION is a label)",
    date: "2026-11-25",
  } satisfies Source,
} as const;

/** Every scrape target adds up, scrape_duration_seconds, scrape_samples_scraped, scrape_samples_post_metric_relabeling and scrape_series_added. */
export const SERIES_PER_TARGET = {
  value: 5,
  source: { ref: "prometheus.io/docs/concepts/jobs_instances (automatically generated series)", date: "2026-11-25" } satisfies Source,
} as const;

/** Prometheus' own metrics (its self-scrape job). */
export const PROMETHEUS_SELF_SERIES = {
  value: 1000,
  source: {
    ref: "measured: a fresh Prometheus 2.42 scraping itself exposes 360 series; hostwise allows 1,000 for v3 with Kubernetes discovery, several jobs and HTTP handler histograms",
    date: "2026-11-25",
    note: "an allowance over a measurement",
  } satisfies Source,
} as const;

/**
 * Bytes per stored sample, compressed, and the write-ahead log Prometheus keeps beside the blocks. The docs:
 * "On average, Prometheus uses only around 1-2 bytes per sample" and "Prometheus will retain a minimum of
 * three write-ahead log files" (128 MiB segments); hostwise takes the upper figure.
 */
export const PROMETHEUS_STORAGE = {
  bytesPerSample: 2,
  walGiB: 3 * 0.125,
  /**
   * Compaction writes a new block beside the ones it merges (a block spans at most 10% of the retention) before
   * deleting them, and the estimate above is an estimate: 50% headroom.
   */
  headroom: 1.5,
  /** --storage.tsdb.retention.size as a share of the volume, so an underestimate drops old blocks instead of filling the disk. */
  retentionSizeShare: 0.8,
  /** The prometheus chart's global scrape_interval when values.yaml sets none (chart 29.27.0 values.yaml). */
  defaultScrapeInterval: "1m",
  source: {
    ref: "prometheus.io/docs/prometheus/latest/storage (Operational aspects, Compaction, Right-sizing retention size); prometheus-community/helm-charts charts/prometheus 29.27.0 values.yaml",
    date: "2026-11-25",
  } satisfies Source,
} as const;
