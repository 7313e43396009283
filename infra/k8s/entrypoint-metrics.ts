import { GATEWAY_BACKENDS } from "./gateway-config";

// The Prometheus series the entry point exports, in one place: `hostwise report` prices the traffic a fallback
// stack sends to its hosted API from these (scripts/report/queries.ts), and the README lists them. Prometheus
// in `monitoring` scrapes the interceptor and the gateway through their pods' prometheus.io annotations.
// Names as the components publish them (counters carry `_total`), label sets as their source defines them;
// none has been seen on a running cluster yet (README: what only a cluster confirms).

export interface EntryMetric {
  readonly name: string;
  readonly type: "counter" | "gauge";
  readonly labels: readonly string[];
  readonly meaning: string;
  readonly source: string;
}

export const ENTRY_METRICS = {
  /** Every request the interceptor answered, by status: 503 = the responder after the hold, 504 = a backend timeout. */
  interceptorRequests: {
    name: "interceptor_request_count_total",
    type: "counter",
    labels: ["code", "method", "route_name", "route_namespace"],
    meaning: "requests through the entry point by HTTP status",
    source: "KEDA HTTP add-on 0.15 reference, metrics (interceptor.request.count through its OpenTelemetry Prometheus exporter)",
  },
  interceptorConcurrency: {
    name: "interceptor_request_concurrency",
    type: "gauge",
    labels: ["route_name", "route_namespace"],
    meaning: "requests in flight at the entry point, held ones included (what wakes vLLM)",
    source: "KEDA HTTP add-on 0.15 reference, metrics",
  },
  gatewayResponses: {
    name: "litellm_deployment_success_responses_total",
    type: "counter",
    labels: ["requested_model", "litellm_model_name", "model_id", "api_base", "api_provider", "client_ip"],
    meaning: `requests each backend answered: model_id "${GATEWAY_BACKENDS.vllm}" or "${GATEWAY_BACKENDS.fallback}"`,
    source: "LiteLLM litellm/types/integrations/prometheus.py, PrometheusMetricLabels (2026 source); its Prometheus metrics are open source since BerriAI/litellm#16689 (2025-11)",
  },
  gatewaySuccessfulFallbacks: {
    name: "litellm_deployment_successful_fallbacks_total",
    type: "counter",
    labels: ["requested_model", "fallback_model", "exception_status", "exception_class", "model_id"],
    meaning: "requests the hosted API served after vLLM failed them, by vLLM's status",
    source: "LiteLLM litellm/types/integrations/prometheus.py, PrometheusMetricLabels (2026 source)",
  },
  gatewayInputTokens: {
    name: "litellm_input_tokens_metric_total",
    type: "counter",
    labels: ["model", "model_id", "requested_model"],
    meaning: "input tokens by backend, from the backend's usage (model_id is among the labels in the 2026 source, not in older ones: verify on the pinned image)",
    source: "LiteLLM litellm/types/integrations/prometheus.py, PrometheusMetricLabels (2026 source)",
  },
  gatewayOutputTokens: {
    name: "litellm_output_tokens_metric_total",
    type: "counter",
    labels: ["model", "model_id", "requested_model"],
    meaning: "output tokens by backend (verify as above)",
    source: "LiteLLM litellm/types/integrations/prometheus.py, PrometheusMetricLabels (2026 source)",
  },
} as const satisfies Record<string, EntryMetric>;

/** The series `hostwise report` splits by backend to price the overflow: requests and the tokens each backend billed. */
export const ENTRYPOINT_METRICS = {
  requests: ENTRY_METRICS.gatewayResponses.name,
  promptTokens: ENTRY_METRICS.gatewayInputTokens.name,
  completionTokens: ENTRY_METRICS.gatewayOutputTokens.name,
} as const;

/** The label that names the backend: the gateway's deployment id. */
export const BACKEND_LABEL = "model_id";

/** Its values: the stack's own replicas, and the fallback API (priced at the stack's fallback prices). */
export const BACKENDS = { selfHosted: GATEWAY_BACKENDS.vllm, hostedApi: GATEWAY_BACKENDS.fallback } as const;
