import type { Source } from "./source";

/** A hosted API's list price, USD per 1M tokens. */
export interface HostedApiPrice {
  /** `provider/model`: the config value of hostwise:hostedApi. */
  readonly id: string;
  readonly provider: string;
  readonly model: string;
  readonly inputUsdPerMTok: number;
  readonly outputUsdPerMTok: number;
  readonly source: Source;
  /** How the entry point's gateway (LiteLLM) calls it when it is a stack's hostwise:fallbackApi. */
  readonly gateway: GatewayRoute;
}

/**
 * A hosted API as LiteLLM calls it: its model id (`provider/model`, LiteLLM's routing prefix) and how it
 * authenticates: a bearer or x-api-key secret (hostwise:fallbackApiKey), or the pod's AWS role (Bedrock,
 * through EKS Pod Identity). Bedrock ids are US cross-region inference profiles (`us.` prefix): Llama 3.3 and
 * Claude 3.5 Haiku are served only through them, from a US region.
 */
export interface GatewayRoute {
  readonly litellmModel: string;
  readonly auth: "api-key" | "aws-iam";
  readonly source: Source;
}

const GATEWAY: Source = {
  ref: "LiteLLM provider docs (docs.litellm.ai/docs/providers: bedrock, together_ai, fireworks_ai, groq, openai, gemini, anthropic) and the keys of BerriAI/litellm model_prices_and_context_window.json; Amazon Bedrock user guide, supported cross-region inference profiles",
  date: "2026-11-26",
  note: "model ids change as providers retire models: check the provider's model list before relying on a fallback",
};

const LITELLM: Source = {
  ref: "BerriAI/litellm model_prices_and_context_window.json (via hostwise shared/reference/hosted-api-prices.md)",
  date: "2026-07-24",
  note: "not checked against each provider's page; prices change often: override with hostwise:hostedApiInputPrice/OutputPrice",
};

// id, provider, input and output USD per 1M tokens, the LiteLLM model id the gateway calls.
const rows: Array<[string, string, number, number, string]> = [
  ["bedrock/llama-3.3-70b", "AWS Bedrock (US)", 0.72, 0.72, "bedrock/us.meta.llama3-3-70b-instruct-v1:0"],
  ["together/llama-3.3-70b", "Together", 0.88, 0.88, "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo"],
  ["fireworks/llama-3.3-70b", "Fireworks", 0.9, 0.9, "fireworks_ai/accounts/fireworks/models/llama-v3p3-70b-instruct"],
  ["groq/llama-3.3-70b", "Groq", 0.59, 0.79, "groq/llama-3.3-70b-versatile"],
  ["bedrock/llama-3.1-70b", "AWS Bedrock (US)", 0.99, 0.99, "bedrock/us.meta.llama3-1-70b-instruct-v1:0"],
  ["together/llama-3.1-70b", "Together", 0.88, 0.88, "together_ai/meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo"],
  ["fireworks/llama-3.1-70b", "Fireworks", 0.9, 0.9, "fireworks_ai/accounts/fireworks/models/llama-v3p1-70b-instruct"],
  ["bedrock/llama-3.1-8b", "AWS Bedrock (US)", 0.22, 0.22, "bedrock/us.meta.llama3-1-8b-instruct-v1:0"],
  ["together/llama-3.1-8b", "Together", 0.18, 0.18, "together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"],
  ["fireworks/llama-3.1-8b", "Fireworks", 0.1, 0.1, "fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct"],
  ["groq/llama-3.1-8b", "Groq", 0.05, 0.08, "groq/llama-3.1-8b-instant"],
  ["openai/gpt-4o-mini", "OpenAI", 0.15, 0.6, "openai/gpt-4o-mini"],
  ["openai/gpt-4.1-mini", "OpenAI", 0.4, 1.6, "openai/gpt-4.1-mini"],
  ["openai/gpt-5-mini", "OpenAI", 0.25, 2.0, "openai/gpt-5-mini"],
  ["google/gemini-2.5-flash", "Google", 0.3, 2.5, "gemini/gemini-2.5-flash"],
  ["anthropic/claude-haiku-4.5", "Anthropic", 1, 5, "anthropic/claude-haiku-4-5-20251001"],
  ["bedrock/claude-3.5-haiku", "AWS Bedrock (US)", 0.8, 4, "bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0"],
];

export const HOSTED_API_PRICES: readonly HostedApiPrice[] = rows.map(([id, provider, input, output, litellmModel]) => ({
  id,
  provider,
  model: id.slice(id.indexOf("/") + 1),
  inputUsdPerMTok: input,
  outputUsdPerMTok: output,
  source: LITELLM,
  gateway: { litellmModel, auth: litellmModel.startsWith("bedrock/") ? "aws-iam" : "api-key", source: GATEWAY },
}));

export function findHostedApi(id: string): HostedApiPrice | undefined {
  return HOSTED_API_PRICES.find((p) => p.id === id);
}

/**
 * The hosted API a model is compared with when hostwise:hostedApi is unset: the 70B-class Llama API from 20B
 * parameters up, the 8B one below.
 */
export function defaultHostedApiFor(paramsBillions: number): string {
  return paramsBillions >= 20 ? "bedrock/llama-3.3-70b" : "bedrock/llama-3.1-8b";
}
