// The metrics the stack's entry point must expose so `hostwise report` can price the traffic it overflows to a
// hosted API. The entry point (architecture: "wakes vLLM from zero, can overflow to a hosted API") is built
// separately; this file is the contract between the two. Until an entry point exports these series the
// report says "no overflow metrics" — it never prices an absent series as zero.
//
// Contract: Prometheus counters (exposed with the `_total` suffix), scraped by the chart's kubernetes-pods
// job (pod annotation prometheus.io/scrape: "true"), each with a `backend` label:
//   backend="vllm"        requests and tokens the stack's own replicas served
//   backend="hosted-api"  requests and tokens sent to the stack's hosted API (hostwise:hostedApi), priced at
//                         its input and output prices
// Token counts are the `usage` the backend reported (prompt_tokens, completion_tokens), counted when the
// response finishes.

export const ENTRYPOINT_METRICS = {
  requests: "hostwise_entrypoint_requests_total",
  promptTokens: "hostwise_entrypoint_prompt_tokens_total",
  completionTokens: "hostwise_entrypoint_completion_tokens_total",
} as const;

export const BACKEND_LABEL = "backend";

export const BACKENDS = { selfHosted: "vllm", hostedApi: "hosted-api" } as const;
