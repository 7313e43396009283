import type { ModelArchitecture } from "../catalog/models";
import { EMBEDDING_BYTES_PER_PARAM, KV_BYTES_PER_ELEMENT, RUNTIME_MEMORY, WEIGHT_BYTES_PER_PARAM } from "../catalog/efficiency";
import { CHECKPOINT_BYTES_PER_PARAM } from "../catalog/node-disk";
import type { KvCacheDtype, Quantization } from "../config/spec";

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

/** Parameters in the embedding table and lm_head (one table when tied); 0 when the vocabulary is unknown. */
export function embeddingParams(arch: ModelArchitecture): number {
  if (!arch.vocabSize) return 0;
  return arch.vocabSize * arch.hiddenSize * (arch.tiedEmbeddings ? 1 : 2);
}

/** Parameters of lm_head, which every decode step reads (0 when the vocabulary is unknown). */
export function lmHeadParams(arch: ModelArchitecture): number {
  return arch.vocabSize ? arch.vocabSize * arch.hiddenSize : 0;
}

/** Transformer-body parameters (everything but the embedding table and lm_head), all experts included. */
function bodyParams(arch: ModelArchitecture): number {
  return arch.paramsBillions * 1e9 - embeddingParams(arch);
}

/** Body parameters one token runs through: the shared layers and its experts. */
function activeBodyParams(arch: ModelArchitecture): number {
  return arch.activeParamsBillions * 1e9 - embeddingParams(arch);
}

/** Bytes all the weights occupy: a quantized body, 16-bit embeddings and lm_head. */
export function weightBytes(arch: ModelArchitecture, quantization: Quantization): number {
  return bodyParams(arch) * WEIGHT_BYTES_PER_PARAM[quantization] + embeddingParams(arch) * EMBEDDING_BYTES_PER_PARAM;
}

/** Bytes of the checkpoint vLLM downloads (fp8 is quantized at load time from a 16-bit checkpoint). */
export function checkpointBytes(arch: ModelArchitecture, quantization: Quantization): number {
  return arch.paramsBillions * 1e9 * CHECKPOINT_BYTES_PER_PARAM[quantization];
}

/**
 * Share of a mixture-of-experts layer's experts a step with `tokens` tokens touches: each token picks
 * perToken of total experts, so an expert stays untouched with probability (1 − perToken/total)^tokens.
 * At batch 1 that is the active share; a few dozen tokens already touch nearly every expert.
 */
export function expertsTouched(arch: ModelArchitecture, tokens: number): number {
  const e = arch.experts;
  if (!e) return 1;
  return 1 - Math.pow(1 - e.perToken / e.total, Math.max(1, tokens));
}

/** Weight bytes one step of `tokens` tokens reads across the replica: dense (shared layers and lm_head) and routed experts. */
export function weightBytesRead(arch: ModelArchitecture, quantization: Quantization, tokens: number): { dense: number; experts: number } {
  const bytes = WEIGHT_BYTES_PER_PARAM[quantization];
  const lmHead = lmHeadParams(arch) * EMBEDDING_BYTES_PER_PARAM;
  const e = arch.experts;
  if (!e) return { dense: activeBodyParams(arch) * bytes + lmHead, experts: 0 };
  const { shared, perExpert } = expertSplit(arch, e);
  return { dense: shared * bytes + lmHead, experts: e.total * perExpert * expertsTouched(arch, tokens) * bytes };
}

/** A mixture-of-experts body: parameters every token runs (attention, router, shared experts) and one routed expert. */
function expertSplit(arch: ModelArchitecture, e: NonNullable<ModelArchitecture["experts"]>): { shared: number; perExpert: number } {
  const active = activeBodyParams(arch);
  const perExpert = (bodyParams(arch) - active) / (e.total - e.perToken);
  return { shared: active - e.perToken * perExpert, perExpert };
}

/** FLOPs per token through the linear layers: 2 per active body parameter (lm_head is counted per logit). */
export function linearFlopsPerToken(arch: ModelArchitecture): number {
  return 2 * activeBodyParams(arch);
}

/**
 * The MLP's intermediate size a token runs through, from the parameter count: per layer the body holds
 * attention (q, k, v, o projections) and an MLP of 3 × hidden × intermediate (gate, up, down).
 * Llama-3.1-8B: (6.98e9 / 32 − 41.9e6) / (3 × 4,096) = 14,338 (config.json: 14,336).
 */
export function intermediateSize(arch: ModelArchitecture): number {
  const h = arch.hiddenSize;
  const attention = 2 * h * arch.attentionHeads * arch.headDim + 2 * h * arch.kvHeads * arch.headDim;
  const mlp = activeBodyParams(arch) / arch.layers - attention;
  return Math.max(h, mlp / (3 * h));
}

/**
 * KV-cache bytes one token occupies on one GPU: K and V × layers × the KV heads that GPU holds × head dim ×
 * element size. KV heads are split across the TP group and replicated when TP exceeds them.
 */
export function kvBytesPerTokenPerGpu(arch: ModelArchitecture, kvCacheDtype: KvCacheDtype, tp: number): number {
  const headsPerGpu = Math.ceil(arch.kvHeads / tp);
  return 2 * arch.layers * headsPerGpu * arch.headDim * KV_BYTES_PER_ELEMENT[kvCacheDtype];
}

/** KV-cache bytes one token occupies across the whole replica (replicated heads counted on every GPU). */
export function kvBytesPerTokenPerReplica(arch: ModelArchitecture, kvCacheDtype: KvCacheDtype, tp: number): number {
  return kvBytesPerTokenPerGpu(arch, kvCacheDtype, tp) * tp;
}

/**
 * Memory vLLM reserves per GPU beside weights and KV: a fixed part (non-torch memory and the sampler's
 * warm-up) and the activations of a max-num-batched-tokens forward pass, which grow with the batch budget.
 */
export function runtimeOverheadBytesPerGpu(arch: ModelArchitecture, tp: number, maxNumBatchedTokens: number): number {
  const r = RUNTIME_MEMORY;
  return r.fixedGiB * GiB + maxNumBatchedTokens * r.bytesPerBatchedTokenPerIntermediate * (intermediateSize(arch) / tp);
}

export interface MemoryInputs {
  readonly arch: ModelArchitecture;
  readonly quantization: Quantization;
  readonly kvCacheDtype: KvCacheDtype;
  readonly gpuMemoryMiB: number;
  readonly gpuMemoryUtilization: number;
  readonly tensorParallelSize: number;
  /** --max-num-batched-tokens: sizes the activation reserve. */
  readonly maxNumBatchedTokens: number;
  /** Tokens the replica's KV cache must hold at once. */
  readonly requiredKvTokens: number;
}

/** How one GPU's memory is spent, in GiB. */
export interface MemoryBudget {
  /** GPU memory × gpuMemoryUtilization. */
  readonly usableGiB: number;
  readonly weightsGiB: number;
  /** KV cache for the required tokens. */
  readonly kvCacheGiB: number;
  /** What vLLM reserves beside weights and KV: fixed memory and the max-num-batched-tokens activations. */
  readonly overheadGiB: number;
  /** usable − weights − KV − overhead; negative when it does not fit. vLLM adds it to the KV pool. */
  readonly freeGiB: number;
  readonly fits: boolean;
  /** Tokens the KV pool holds once weights and overhead are in (0 when they alone do not fit). */
  readonly kvCapacityTokens: number;
}

export function memoryBudget(m: MemoryInputs): MemoryBudget {
  const tp = m.tensorParallelSize;
  const usable = m.gpuMemoryMiB * MiB * m.gpuMemoryUtilization;
  const weights = weightBytes(m.arch, m.quantization) / tp;
  const overhead = runtimeOverheadBytesPerGpu(m.arch, tp, m.maxNumBatchedTokens);
  const kvPerToken = kvBytesPerTokenPerGpu(m.arch, m.kvCacheDtype, tp);
  const kv = m.requiredKvTokens * kvPerToken;
  const free = usable - weights - overhead - kv;
  return {
    usableGiB: usable / GiB,
    weightsGiB: weights / GiB,
    kvCacheGiB: kv / GiB,
    overheadGiB: overhead / GiB,
    freeGiB: free / GiB,
    fits: free >= 0,
    kvCapacityTokens: Math.max(0, Math.floor((usable - weights - overhead) / kvPerToken)),
  };
}
