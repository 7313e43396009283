import type { GpuSpec } from "./gpus";
import type { Source } from "./source";

// The constants of the sizing engine's step-time model (infra/sizing/throughput.ts) and memory model
// (infra/sizing/memory.ts). Each is either a physical figure with its published source, or was fitted to the
// calibration set (infra/catalog/calibration.ts, `npm run calibrate`) and says which points pin it down.

/** The calibration set the fitted constants below were chosen against. */
const CALIBRATION: Source = {
  ref: "hostwise infra/catalog/calibration.ts (published vLLM measurements; `npm run calibrate` prints the fit)",
  date: "2026-11-23",
};

/**
 * Share of peak memory bandwidth a decode step reaches. Weights are read as many GEMVs/skinny GEMMs per
 * step; the KV cache as long contiguous pages by the attention kernel, which streams closer to peak.
 * - weights 0.70: vLLM 0.19 on one H100 decodes Llama-3.1-8B at 6.44 ms per token at batch 1 (the
 *   intercept of the vLLM blog's ITL fit): 15.0 GB of weights and lm_head / 6.44 ms = 2.33 TB/s = 0.70 of
 *   3.35 TB/s. The same figure holds on the A100 40 GB (75 tokens/s, 0.73) and the A10G (0.73-0.8).
 * - KV cache 0.90: the same fit's slope, 4.37e-5 ms per context token = 131,072 bytes per 43.7 ns =
 *   3.0 TB/s = 0.90 of peak.
 */
export const DECODE_BANDWIDTH_EFFICIENCY = {
  weights: 0.7,
  kvCache: 0.9,
  source: {
    ref:
      "vLLM blog 'The State of FP8 KV-Cache and Attention Quantization in vLLM' (2026-04-22, vLLM 0.19.1, 1×H100, " +
      "Llama-3.1-8B: ITL = 6.44 ms + 4.37e-5 ms × input tokens); cross-checked on A100 40 GB and A10G in the calibration set",
    date: "2026-04-22",
  } satisfies Source,
} as const;

/**
 * Share of peak bandwidth vLLM's fused MoE kernels reach when a step reads routed-expert weights: many small
 * expert matrices (split again across the TP group) instead of a few large ones. Fitted to Qwen3-235B-A22B
 * on 8×A100 80GB at 256 running requests (mean TPOT 123 ms, median 104 ms, against 66 ms with dense-weight
 * efficiency); GLM-4.5-Air on 4×A100 is held out as the check. Mixtral's far larger experts likely stream
 * faster, so it is sized on the safe side.
 */
export const MOE_EXPERT_BANDWIDTH_EFFICIENCY = {
  value: 0.32,
  source: {
    ref: "gpustack/gpustack docs/performance-lab/qwen3-235b-a22b/a100.md (vLLM 0.11.0, -tp 8, BF16); held out: glm-4.5-air/a100.md",
    date: "2026-08-21",
  } satisfies Source,
} as const;

/**
 * Share of the dense tensor-core peak reached on compute-bound work (prefill chunks, large decode batches):
 * the GEMMs plus the attention, norm and activation kernels around them. Fitted to the calibration set's
 * long-prompt points (20,000-token prompts on H100: TTFT reads 1.22; 32,000-token prompts on H100: 1.24) and
 * saturated throughputs (A100, H100, L40S), which pull in opposite directions around 0.5; within the 0.4-0.6
 * MFU serving engines report for prefill.
 */
export const COMPUTE_EFFICIENCY = {
  value: 0.5,
  source: { ...CALIBRATION, note: "long-prompt TTFT (vLLM blog, 20k-token prompts on H100) and saturated points" } satisfies Source,
} as const;

/**
 * 4-bit weight-only kernels (Marlin, AWQ/GPTQ GEMM) dequantize inside the GEMM and run FP16 tensor cores at
 * a lower share of peak once the batch is large: GPUStack measured Qwen3-8B AWQ at 0.93× the BF16 total
 * throughput on a saturated A100 80GB (9,612 vs 10,338 tokens/s) although it reads a quarter of the weight
 * bytes. 0.8 is the factor with which the model reproduces that ratio (0.93); the ratio cancels the offset of
 * the source's absolute figures, which read above the model for both runs.
 */
export const W4A16_COMPUTE_FACTOR = {
  value: 0.8,
  source: {
    ref: "GPUStack performance lab, 'The Impact of Quantization on vLLM Inference Performance' (vLLM 0.9.2; A100 80GB and H100, Qwen3-8B, ShareGPT)",
    date: "2026-08-21",
    note: "gpustack/gpustack docs/performance-lab/references/the-impact-of-quantization-on-vllm-inference-performance.md",
  } satisfies Source,
} as const;

/**
 * A step reads memory and computes at the same time, but not perfectly: step = max(memory, compute) +
 * share × min(memory, compute). 0 would be perfect overlap (the old model, which read saturated capacity up
 * to 2× too high); 1 would be no overlap. Fitted to the saturated points of the calibration set.
 */
export const STEP_OVERLAP = {
  nonOverlappedShare: 1,
  source: { ...CALIBRATION, note: "saturated (KV- or max-num-seqs-bound) throughput points on A100, H100 and L40S" } satisfies Source,
} as const;

/**
 * Tensor parallelism adds two all-reduces of the step's activations per layer (after attention and after
 * the MLP): latency + 2(TP−1)/TP × bytes / link bandwidth. Small-message latency: about 6 µs through NVSwitch
 * (8×H100, NCCL NVLS, nccl#1259) and about 40 µs over PCIe (8 GPUs without NVLink, NCCL 8-byte all-reduce
 * 40-54 µs, nccl#1530 and nccl#1439); vLLM's own one-shot all-reduce is as fast as NCCL or faster on NVLink,
 * and is off on PCIe beyond two GPUs.
 */
export const ALL_REDUCE = {
  latencySeconds: { nvlink: 6e-6, pcie: 40e-6 },
  /** Share of the link's per-direction rate a ring all-reduce sustains on large messages. */
  busEfficiency: 0.8,
  source: {
    ref: "NVIDIA/nccl issues #1259 (H100 NVSwitch, ~6 µs), #1530 (8× RTX 4090 PCIe, 40-42 µs at 8 B), #1439 (8× RTX 3090 PCIe, 54 µs at 8 B)",
    date: "2026-11-23",
  } satisfies Source,
} as const;

/**
 * Time a request spends outside engine steps before its first token: HTTP, chat template, tokenization,
 * scheduling, and the streaming path back. Fitted to the calibration set's short-prompt TTFT (Qwen3-8B on
 * H100 at concurrency 4: 64 ms measured for a 233-token prompt whose prefill and wait take about 16 ms).
 */
export const REQUEST_OVERHEAD_SECONDS = {
  value: 0.045,
  source: { ...CALIBRATION, note: "short-prompt TTFTs (GPUStack H100 c=4, vLLM blog H100 c=8)" } satisfies Source,
} as const;

/**
 * What vLLM reserves per GPU beside weights and the KV pool: its profile run (gpu_model_runner.profile_run)
 * pushes max_num_batched_tokens tokens through the model and samples max_num_seqs logits, and the peak, with
 * non-torch memory (CUDA context allocations, cuBLAS workspace, NCCL buffers), is never given to the KV cache.
 * - fixed 0.54 GiB: vLLM 0.10.1 (V1 engine) on one A100 80GB with Qwen2-7B-Instruct at 2,048 batched tokens
 *   left 24.83 GiB of KV at gpu-memory-utilization 0.5 and 5.01 GiB at 0.25: the budget minus 14.25 GiB of
 *   weights minus the KV pool is 0.56 GiB at both, of which the per-token term below is 0.02.
 * - per batched token: 0.5 bytes per intermediate unit (the MLP intermediate is split across the TP group).
 *   V1's compiled forward reuses its buffers, so the term is small; it is bounded by GPUStack serving
 *   Qwen3-32B at its full 40,960-token context on one H100 with 8,192 batched tokens (vLLM 0.11 refuses to
 *   start when the pool cannot hold one max-model-len sequence): 10.0 GiB of KV fits only if the reserve is
 *   at most 0.66 GiB, and 0.54 + 8,192 × 0.5 × 25,600 B = 0.64 GiB.
 * The V0 engine (vLLM ≤ 0.10, without torch.compile) reserved far more, 0.85 GiB of activations for 8,192
 * tokens of Llama-3.1-8B on an A10G (awslabs/ai-on-eks): V0 was removed in vLLM 0.11.
 */
export const RUNTIME_MEMORY = {
  fixedGiB: 0.54,
  bytesPerBatchedTokenPerIntermediate: 0.5,
  source: {
    ref:
      "github.com/dennislee22/vLLM-benchmarking log/vllm-7B-1gpuA10080GB-0.{25,5}GRAM.log (vLLM 0.10.1.1); " +
      "gpustack/gpustack docs/performance-lab/qwen3-32b/h100.md (vLLM 0.11.0, `vllm serve Qwen/Qwen3-32B` on one H100)",
    date: "2026-11-23",
  } satisfies Source,
} as const;

/** vLLM's default share of GPU memory it may use. */
export const DEFAULT_GPU_MEMORY_UTILIZATION = 0.9;

/**
 * Bytes each transformer-body weight occupies, by quantization. AWQ/GPTQ store 4-bit weights with an FP16
 * scale and a 4-bit zero point per group of 128: 0.5 + 2/128 + 0.5/128 = 0.52 B. The embedding table and
 * lm_head stay 16-bit in every quantized checkpoint (EMBEDDING_BYTES_PER_PARAM).
 */
export const WEIGHT_BYTES_PER_PARAM = {
  none: 2,
  fp8: 1,
  awq: 0.52,
  gptq: 0.52,
  source: {
    ref: "AutoAWQ / GPTQ checkpoint layout (4-bit qweight, FP16 scales and 4-bit zeros per 128-weight group); vLLM keeps embed_tokens and lm_head unquantized",
    date: "2026-11-23",
  } satisfies Source,
} as const;

/** Embedding table and lm_head: 16-bit whatever the body's quantization. */
export const EMBEDDING_BYTES_PER_PARAM = 2;

/** Bytes per KV-cache element, by --kv-cache-dtype. */
export const KV_BYTES_PER_ELEMENT = { auto: 2, fp8: 1 } as const;

/**
 * vLLM's scheduler defaults for `vllm serve`: GPUs with at least 70 GiB that are not A100s get
 * max_num_batched_tokens 8,192 and max_num_seqs 1,024; every other GPU 2,048 and 256. The plan pins
 * --max-num-batched-tokens to this value so the activation reserve it sized is the one vLLM allocates.
 */
export const VLLM_SCHEDULER_DEFAULTS = {
  large: { maxNumBatchedTokens: 8192, maxNumSeqs: 1024 },
  other: { maxNumBatchedTokens: 2048, maxNumSeqs: 256 },
  source: {
    ref: "vllm/engine/arg_utils.py EngineArgs.get_batch_defaults (device_memory >= 70 GiB and 'a100' not in device name)",
    date: "2026-11-23",
  } satisfies Source,
} as const;

function schedulerDefaults(gpu: GpuSpec, gpuMemoryMiB: number) {
  return gpuMemoryMiB >= 70 * 1024 && gpu.id !== "a100" ? VLLM_SCHEDULER_DEFAULTS.large : VLLM_SCHEDULER_DEFAULTS.other;
}

/** max_num_batched_tokens vLLM picks for `vllm serve` on this GPU. */
export function defaultMaxNumBatchedTokens(gpu: GpuSpec, gpuMemoryMiB: number): number {
  return schedulerDefaults(gpu, gpuMemoryMiB).maxNumBatchedTokens;
}

/** max_num_seqs vLLM picks for `vllm serve` on this GPU. */
export function defaultMaxNumSeqs(gpu: GpuSpec, gpuMemoryMiB: number): number {
  return schedulerDefaults(gpu, gpuMemoryMiB).maxNumSeqs;
}
