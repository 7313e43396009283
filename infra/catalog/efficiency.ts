import type { Source } from "./source";

/**
 * Share of peak memory bandwidth a serving engine reaches while decoding, by tensor-parallel size.
 * Databricks measured 60 % on 2×H100 and 55 % on 4×A100-40G at batch 1: cross-GPU communication costs more as
 * TP grows, so TP >= 4 takes the lower figure.
 */
export const DECODE_BANDWIDTH_EFFICIENCY = {
  upToTp2: 0.6,
  tp4AndAbove: 0.55,
  source: {
    ref: "Databricks, \"LLM Inference Performance Engineering: Best Practices\" (2023), model bandwidth utilization",
    date: "2023-10-12",
    note: "real engines reach 55-80 % (shared/reference/gpu-specs.md); the low end keeps plans conservative",
  } satisfies Source,
} as const;

export function decodeBandwidthEfficiency(tensorParallelSize: number): number {
  return tensorParallelSize <= 2
    ? DECODE_BANDWIDTH_EFFICIENCY.upToTp2
    : DECODE_BANDWIDTH_EFFICIENCY.tp4AndAbove;
}

/**
 * Share of dense tensor-core peak reached on compute-bound work (prefill, and decode at large batches).
 * Prefill costs about 2 × parameters FLOPs per prompt token.
 */
export const COMPUTE_EFFICIENCY = {
  value: 0.4,
  source: {
    ref: "zeroentropy.dev/concepts/mfu: inference prefill reaches 30-50 % MFU on current GPUs; midpoint taken",
    date: "2026-11-23",
  } satisfies Source,
} as const;

/**
 * vLLM's memory split observed for Llama-3.1-8B BF16 on one A10G at gpu_memory_utilization 0.90: the budget
 * holds weights, the activation peak of the profiling run, CUDA graphs / non-torch memory, and the KV pool.
 * The runtime overhead (budget - weights - KV = 0.91 GiB: 0.85 activation peak + 0.06 other) is what the
 * sizing engine reserves per GPU, scaled by hidden size relative to this model's 4,096 (activations are
 * tokens × hidden wide). It is not divided by TP: the residual stream is not sharded, and it keeps the
 * estimate on the safe side.
 */
export const RUNTIME_OVERHEAD_CALIBRATION = {
  model: "meta-llama/Llama-3.1-8B-Instruct",
  hiddenSize: 4096,
  budgetGiB: 20.07,
  weightsGiB: 14.99,
  activationPeakGiB: 0.85,
  kvCacheGiB: 4.17,
  source: {
    ref: "awslabs/ai-on-eks docs (vLLM on one 22.3 GiB A10G), via hostwise shared/reference/models.md",
    date: "2026-08-21",
  } satisfies Source,
} as const;

export function calibratedOverheadGiB(): number {
  const c = RUNTIME_OVERHEAD_CALIBRATION;
  return c.budgetGiB - c.weightsGiB - c.kvCacheGiB;
}

/** vLLM's default share of GPU memory it may use. */
export const DEFAULT_GPU_MEMORY_UTILIZATION = 0.9;

/** Bytes each weight occupies, by quantization. AWQ/GPTQ 4-bit carry group scales: about 0.55 B/param. */
export const WEIGHT_BYTES_PER_PARAM = {
  none: 2,
  fp8: 1,
  awq: 0.55,
  gptq: 0.55,
  source: {
    ref: "hostwise shared/reference/models.md (BF16/FP16 2, FP8/INT8 1, AWQ/GPTQ 4-bit about 0.5 plus group scales)",
    date: "2026-08-21",
  } satisfies Source,
} as const;

/** Bytes per KV-cache element, by --kv-cache-dtype. */
export const KV_BYTES_PER_ELEMENT = { auto: 2, fp8: 1 } as const;
