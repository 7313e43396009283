// The Prometheus text exposition of the vLLM metrics `hostwise report` reads, as vLLM's PrometheusStatLogger
// writes them (counters with `_total`, histograms with cumulative `_bucket{le}`, `_sum`, `_count`; labels
// model_name and engine), plus the entry point's overflow counters (infra/k8s/entrypoint-metrics.ts).

import { BACKEND_LABEL, ENTRYPOINT_METRICS } from "../../infra/k8s/entrypoint-metrics";

export interface Histogram {
  /** Cumulative counts by upper bound ("0.1", "0.25", …); +Inf is `count`. */
  readonly buckets: Readonly<Record<string, number>>;
  readonly count: number;
  readonly sum: number;
}

export interface VllmMetrics {
  readonly model: string;
  readonly promptTokens: number;
  readonly generationTokens: number;
  readonly preemptions: number;
  readonly success: Readonly<Record<string, number>>;
  readonly ttft: Histogram;
  readonly kvCacheUsage: number;
  /** Entry-point counters by backend; absent = the entry point exports none. */
  readonly entrypoint?: Readonly<Record<string, { requests: number; promptTokens: number; completionTokens: number }>>;
}

export function exposition(m: VllmMetrics): string {
  const base = `model_name="${m.model}",engine="0"`;
  const lines = [
    "# TYPE vllm:prompt_tokens counter",
    `vllm:prompt_tokens_total{${base}} ${m.promptTokens}`,
    "# TYPE vllm:generation_tokens counter",
    `vllm:generation_tokens_total{${base}} ${m.generationTokens}`,
    "# TYPE vllm:num_preemptions counter",
    `vllm:num_preemptions_total{${base}} ${m.preemptions}`,
    "# TYPE vllm:request_success counter",
    ...Object.entries(m.success).map(([reason, n]) => `vllm:request_success_total{${base},finished_reason="${reason}"} ${n}`),
    "# TYPE vllm:kv_cache_usage_perc gauge",
    `vllm:kv_cache_usage_perc{${base}} ${m.kvCacheUsage}`,
    "# TYPE vllm:time_to_first_token_seconds histogram",
    ...Object.entries(m.ttft.buckets).map(([le, n]) => `vllm:time_to_first_token_seconds_bucket{${base},le="${le}"} ${n}`),
    `vllm:time_to_first_token_seconds_bucket{${base},le="+Inf"} ${m.ttft.count}`,
    `vllm:time_to_first_token_seconds_count{${base}} ${m.ttft.count}`,
    `vllm:time_to_first_token_seconds_sum{${base}} ${m.ttft.sum}`,
  ];
  for (const [backend, c] of Object.entries(m.entrypoint ?? {})) {
    lines.push(
      `${ENTRYPOINT_METRICS.requests}{${BACKEND_LABEL}="${backend}"} ${c.requests}`,
      `${ENTRYPOINT_METRICS.promptTokens}{${BACKEND_LABEL}="${backend}"} ${c.promptTokens}`,
      `${ENTRYPOINT_METRICS.completionTokens}{${BACKEND_LABEL}="${backend}"} ${c.completionTokens}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
