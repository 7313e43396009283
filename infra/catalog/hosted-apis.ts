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
}

const LITELLM: Source = {
  ref: "BerriAI/litellm model_prices_and_context_window.json (via hostwise shared/reference/hosted-api-prices.md)",
  date: "2026-07-24",
  note: "not checked against each provider's page; prices change often: override with hostwise:hostedApiInputPrice/OutputPrice",
};

const rows: Array<[string, string, number, number]> = [
  ["bedrock/llama-3.3-70b", "AWS Bedrock (US)", 0.72, 0.72],
  ["together/llama-3.3-70b", "Together", 0.88, 0.88],
  ["fireworks/llama-3.3-70b", "Fireworks", 0.9, 0.9],
  ["groq/llama-3.3-70b", "Groq", 0.59, 0.79],
  ["bedrock/llama-3.1-70b", "AWS Bedrock (US)", 0.99, 0.99],
  ["together/llama-3.1-70b", "Together", 0.88, 0.88],
  ["fireworks/llama-3.1-70b", "Fireworks", 0.9, 0.9],
  ["bedrock/llama-3.1-8b", "AWS Bedrock (US)", 0.22, 0.22],
  ["together/llama-3.1-8b", "Together", 0.18, 0.18],
  ["fireworks/llama-3.1-8b", "Fireworks", 0.1, 0.1],
  ["groq/llama-3.1-8b", "Groq", 0.05, 0.08],
  ["openai/gpt-4o-mini", "OpenAI", 0.15, 0.6],
  ["openai/gpt-4.1-mini", "OpenAI", 0.4, 1.6],
  ["openai/gpt-5-mini", "OpenAI", 0.25, 2.0],
  ["google/gemini-2.5-flash", "Google", 0.3, 2.5],
  ["anthropic/claude-haiku-4.5", "Anthropic", 1, 5],
  ["bedrock/claude-3.5-haiku", "AWS Bedrock (US)", 0.8, 4],
];

export const HOSTED_API_PRICES: readonly HostedApiPrice[] = rows.map(([id, provider, input, output]) => ({
  id,
  provider,
  model: id.slice(id.indexOf("/") + 1),
  inputUsdPerMTok: input,
  outputUsdPerMTok: output,
  source: LITELLM,
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
