import type { Source } from "./source";

/** The shape of a decoder-only transformer: what memory and throughput depend on. */
export interface ModelArchitecture {
  readonly layers: number;
  readonly hiddenSize: number;
  readonly attentionHeads: number;
  /** Key/value heads (fewer than attention heads under grouped-query attention). */
  readonly kvHeads: number;
  readonly headDim: number;
  /** Longest context the model was trained for, in tokens. */
  readonly maxContext: number;
  /** All parameters, billions: what the weights occupy. */
  readonly paramsBillions: number;
  /** Parameters read per generated token, billions: fewer than paramsBillions for mixture-of-experts. */
  readonly activeParamsBillions: number;
  /**
   * Vocabulary size: the embedding table and lm_head are vocab × hidden each. Quantized checkpoints keep
   * both in 16 bits, and decode reads lm_head every step. Unknown for custom architectures (then every
   * parameter is treated alike).
   */
  readonly vocabSize?: number;
  /** lm_head shares the embedding table (tie_word_embeddings); false for every catalog model. */
  readonly tiedEmbeddings?: boolean;
  /** Mixture of experts: routed experts per layer and experts each token uses (decode reads only those touched). */
  readonly experts?: { readonly total: number; readonly perToken: number };
}

export interface CatalogModel extends ModelArchitecture {
  /** Hugging Face repository id: the config value of hostwise:model. */
  readonly id: string;
  readonly vocabSize: number;
  /** Needs an accepted licence and a Hugging Face token to download. */
  readonly gated: boolean;
  readonly note?: string;
  readonly source: Source;
}

const HF_CONFIGS: Source = {
  ref:
    "the models' Hugging Face config.json, as collected in Lightning-AI/litgpt litgpt/config.py " +
    "(via hostwise shared/reference/models.md)",
  date: "2026-08-21",
};

type Row = Omit<CatalogModel, "source" | "activeParamsBillions"> & { activeParamsBillions?: number };

const rows: Row[] = [
  { id: "meta-llama/Llama-2-7b-chat-hf", layers: 32, hiddenSize: 4096, attentionHeads: 32, kvHeads: 32, headDim: 128, vocabSize: 32000, maxContext: 4096, paramsBillions: 6.74, gated: true },
  { id: "meta-llama/Llama-2-13b-chat-hf", layers: 40, hiddenSize: 5120, attentionHeads: 40, kvHeads: 40, headDim: 128, vocabSize: 32000, maxContext: 4096, paramsBillions: 13.0, gated: true },
  { id: "meta-llama/Llama-2-70b-chat-hf", layers: 80, hiddenSize: 8192, attentionHeads: 64, kvHeads: 8, headDim: 128, vocabSize: 32000, maxContext: 4096, paramsBillions: 69.0, gated: true },
  { id: "meta-llama/Llama-3.1-8B-Instruct", layers: 32, hiddenSize: 4096, attentionHeads: 32, kvHeads: 8, headDim: 128, vocabSize: 128256, maxContext: 131072, paramsBillions: 8.03, gated: true },
  { id: "meta-llama/Llama-3.1-70B-Instruct", layers: 80, hiddenSize: 8192, attentionHeads: 64, kvHeads: 8, headDim: 128, vocabSize: 128256, maxContext: 131072, paramsBillions: 70.6, gated: true },
  { id: "meta-llama/Llama-3.3-70B-Instruct", layers: 80, hiddenSize: 8192, attentionHeads: 64, kvHeads: 8, headDim: 128, vocabSize: 128256, maxContext: 131072, paramsBillions: 70.6, gated: true },
  {
    id: "mistralai/Mistral-7B-Instruct-v0.1", layers: 32, hiddenSize: 4096, attentionHeads: 32, kvHeads: 8, headDim: 128, vocabSize: 32000, maxContext: 32768, paramsBillions: 7.24, gated: false,
    note: "4,096-token sliding window; the KV cache is sized for the full context (conservative)",
  },
  {
    id: "mistralai/Mixtral-8x7B-Instruct-v0.1", layers: 32, hiddenSize: 4096, attentionHeads: 32, kvHeads: 8, headDim: 128, vocabSize: 32000, maxContext: 32768, paramsBillions: 46.7, activeParamsBillions: 12.9, experts: { total: 8, perToken: 2 }, gated: false,
    note: "mixture of experts (8 experts, top-2): memory holds all experts, decode reads the active ones",
  },
  { id: "Qwen/Qwen2.5-7B-Instruct", layers: 28, hiddenSize: 3584, attentionHeads: 28, kvHeads: 4, headDim: 128, vocabSize: 152064, maxContext: 32768, paramsBillions: 7.6, gated: false },
  { id: "Qwen/Qwen2.5-32B-Instruct", layers: 64, hiddenSize: 5120, attentionHeads: 40, kvHeads: 8, headDim: 128, vocabSize: 152064, maxContext: 32768, paramsBillions: 32.8, gated: false },
  { id: "Qwen/Qwen2.5-72B-Instruct", layers: 80, hiddenSize: 8192, attentionHeads: 64, kvHeads: 8, headDim: 128, vocabSize: 152064, maxContext: 32768, paramsBillions: 72.7, gated: false },
];

/** The 11 open-weight models hostwise knows by Hugging Face id. Others need hostwise:custom* keys. */
export const MODELS: readonly CatalogModel[] = rows.map((r) => ({
  ...r,
  activeParamsBillions: r.activeParamsBillions ?? r.paramsBillions,
  source: HF_CONFIGS,
}));

export function findModel(id: string): CatalogModel | undefined {
  return MODELS.find((m) => m.id === id);
}
