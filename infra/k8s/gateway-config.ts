import type { FallbackSpec, StackSpec } from "../config/spec";

// The LiteLLM proxy's config.yaml for a stack with a fallback API: two model groups (vLLM, the hosted API),
// the fallback between them, and nothing secret: keys are `os.environ/NAME` references LiteLLM resolves from
// the container's environment (Kubernetes Secrets). Every key used here is in LiteLLM's documented config
// reference (test/fixtures/litellm-config-keys.json holds the list, with its source).

/** Environment variables the gateway container gets from Secrets (infra/k8s/entry-objects.ts). */
export const GATEWAY_ENV = {
  masterKey: "LITELLM_MASTER_KEY",
  vllmKey: "VLLM_API_KEY",
  fallbackKey: "FALLBACK_API_KEY",
} as const;

/** The deployment ids LiteLLM reports in `x-litellm-model-id` and in its metrics' `model_id` label. */
export const GATEWAY_BACKENDS = { vllm: "vllm", fallback: "fallback" } as const;

export interface GatewayDeployment {
  readonly model_name: string;
  readonly litellm_params: {
    readonly model: string;
    readonly api_base?: string;
    readonly api_key?: string;
    readonly aws_region_name?: string;
    /** Seconds: LiteLLM gives up (and falls back) after this. */
    readonly timeout: number;
    readonly stream_timeout: number;
  };
  readonly model_info: { readonly id: string };
}

export interface GatewayConfig {
  readonly model_list: readonly GatewayDeployment[];
  readonly router_settings: {
    readonly fallbacks: ReadonlyArray<Record<string, readonly string[]>>;
    readonly num_retries: number;
    readonly disable_cooldowns: boolean;
  };
  readonly litellm_settings: {
    readonly callbacks: readonly string[];
    readonly json_logs: boolean;
    readonly turn_off_message_logging: boolean;
    readonly redact_user_api_key_info: boolean;
    readonly drop_params: boolean;
    readonly require_auth_for_metrics_endpoint: boolean;
  };
  readonly general_settings: { readonly master_key: string };
}

const env = (name: string) => `os.environ/${name}`;

/** The model group clients never need to name: the hosted API behind the stack's model name. */
export function fallbackGroup(servedModelName: string): string {
  return `${servedModelName}-fallback`;
}

export interface GatewayInputs {
  readonly spec: StackSpec;
  readonly fallback: FallbackSpec;
  /** vLLM's OpenAI base URL inside the cluster. */
  readonly vllmBaseUrl: string;
  /** The longest a request may take (the latency floor over a full-length sequence). */
  readonly timeoutSeconds: number;
}

/**
 * Clients send the stack's model name; LiteLLM sends it to vLLM, and on a failure before any content —
 * connection refused while vLLM has no ready replica, vLLM's 503 when its admission cap is full, a 429 or
 * 5xx — to the hosted API. No retries (a cold or full vLLM is not helped by asking again) and no cooldowns
 * (each request is decided by vLLM's own answer, not by a failure a minute ago). Message bodies and key
 * details stay out of logs; drop_params turns vLLM-only sampling parameters into nothing on the hosted API
 * instead of a 400.
 */
export function gatewayConfig(i: GatewayInputs): GatewayConfig {
  const served = i.spec.model.servedModelName;
  const timeouts = { timeout: i.timeoutSeconds, stream_timeout: i.timeoutSeconds };
  const hosted: GatewayDeployment["litellm_params"] =
    i.fallback.auth === "aws-iam"
      ? { model: i.fallback.litellmModel, aws_region_name: i.spec.placement.region, ...timeouts }
      : { model: i.fallback.litellmModel, api_key: env(GATEWAY_ENV.fallbackKey), ...timeouts };
  return {
    model_list: [
      {
        model_name: served,
        // hosted_vllm/: LiteLLM's provider for a vLLM OpenAI server; what follows is sent as `model`.
        litellm_params: { model: `hosted_vllm/${served}`, api_base: i.vllmBaseUrl, api_key: env(GATEWAY_ENV.vllmKey), ...timeouts },
        model_info: { id: GATEWAY_BACKENDS.vllm },
      },
      { model_name: fallbackGroup(served), litellm_params: hosted, model_info: { id: GATEWAY_BACKENDS.fallback } },
    ],
    router_settings: { fallbacks: [{ [served]: [fallbackGroup(served)] }], num_retries: 0, disable_cooldowns: true },
    litellm_settings: {
      callbacks: ["prometheus"],
      json_logs: true,
      turn_off_message_logging: true,
      redact_user_api_key_info: true,
      drop_params: true,
      // Scraped by Prometheus without a key; only the interceptor (which forwards /v1/ only) and the
      // monitoring namespace reach the port (NetworkPolicy allow-gateway).
      require_auth_for_metrics_endpoint: false,
    },
    general_settings: { master_key: env(GATEWAY_ENV.masterKey) },
  };
}
