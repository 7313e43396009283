import { GATEWAY_BACKENDS } from "./gateway-config";
import { INFERENCE_NAMESPACE } from "./inference-objects";
import { ROUTE_NAME } from "./entry-objects";

// The Prometheus series the entry point exports, in one place: the canary and `hostwise report` read the
// cold path, the backend split and the fallback's tokens from these (Prometheus in `monitoring` scrapes all
// three through the pods' prometheus.io annotations). Names as the components publish them; label sets
// marked "verify" are documented but not yet seen on a running cluster (README: what only a cluster confirms).

export interface EntryMetric {
  readonly name: string;
  readonly type: "counter" | "gauge" | "histogram";
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
  gatewayRequests: {
    name: "litellm_deployment_total_requests_total",
    type: "counter",
    labels: ["model_id", "api_base", "api_provider"],
    meaning: `requests each backend was sent: model_id "${GATEWAY_BACKENDS.vllm}" or "${GATEWAY_BACKENDS.fallback}" (verify the label set)`,
    source: "LiteLLM docs, proxy/prometheus (deployment metrics)",
  },
  gatewaySuccessfulFallbacks: {
    name: "litellm_deployment_successful_fallbacks_total",
    type: "counter",
    labels: ["requested_model", "fallback_model", "exception_status"],
    meaning: "requests the hosted API served after vLLM failed them, by vLLM's status (verify the label set)",
    source: "LiteLLM docs, proxy/prometheus (fallback metrics)",
  },
  gatewayOutputTokens: {
    name: "litellm_output_tokens_metric_total",
    type: "counter",
    labels: ["model", "model_id", "requested_model"],
    meaning: "output tokens by backend (verify that model_id is among the labels on the pinned version)",
    source: "LiteLLM docs, proxy/prometheus (token metrics)",
  },
  gatewayInputTokens: {
    name: "litellm_input_tokens_metric_total",
    type: "counter",
    labels: ["model", "model_id", "requested_model"],
    meaning: "input tokens by backend (verify as above)",
    source: "LiteLLM docs, proxy/prometheus (token metrics)",
  },
  vllmOutputTokens: {
    name: "vllm:generation_tokens_total",
    type: "counter",
    labels: ["model_name", "engine"],
    meaning: "output tokens vLLM generated (the GPU side of the split)",
    source: "vLLM metrics (hostwise shared/reference/vllm.md)",
  },
} as const satisfies Record<string, EntryMetric>;

/** PromQL for a window (`30d`, `1h`): what `hostwise report` asks Prometheus. */
export const ENTRY_QUERIES = {
  /** Requests the entry point turned away with 503 + Retry-After (the hold ran out, no fallback or gateway down). */
  unavailable: (window: string) =>
    `sum(increase(${ENTRY_METRICS.interceptorRequests.name}{route_name="${ROUTE_NAME}",route_namespace="${INFERENCE_NAMESPACE}",code="503"}[${window}]))`,
  /** Requests per backend on fallback stacks. */
  requestsByBackend: (window: string) => `sum by (model_id) (increase(${ENTRY_METRICS.gatewayRequests.name}[${window}]))`,
  /** Output and input tokens the hosted API billed. */
  fallbackOutputTokens: (window: string) => `sum(increase(${ENTRY_METRICS.gatewayOutputTokens.name}{model_id="${GATEWAY_BACKENDS.fallback}"}[${window}]))`,
  fallbackInputTokens: (window: string) => `sum(increase(${ENTRY_METRICS.gatewayInputTokens.name}{model_id="${GATEWAY_BACKENDS.fallback}"}[${window}]))`,
} as const;
