import { CHAT_TEMPLATE_PATH, chatTemplateFor } from "../catalog/chat-templates";
import type { ModelSpec, ServingSpec } from "../config/spec";

export interface VllmArgsInput {
  readonly model: ModelSpec;
  readonly serving: ServingSpec;
  readonly dtype: "bfloat16" | "float16";
  readonly tensorParallelSize: number;
  /** The batch cap the plan chose (never above serving.maxNumSeqs). */
  readonly maxNumSeqs: number;
  /** The step's token budget: pinned so the activation reserve vLLM allocates is the one the plan sized. */
  readonly maxNumBatchedTokens: number;
  /** With a fallback API: requests (running + waiting) above which vLLM answers 503, so the gateway falls back. */
  readonly maxNumQueuedReqs?: number;
}

/**
 * The arguments of `vllm serve` a plan implies: the checkpoint (positional: `vllm serve` deprecates
 * `--model`), then every flag explicit so the running server matches the plan whatever vLLM's defaults
 * become. The API key is never a flag (argv shows in /proc and logs): vLLM reads VLLM_API_KEY from the env.
 */
export function vllmArgs(i: VllmArgsInput): string[] {
  const args = [
    i.model.checkpoint,
    `--served-model-name=${i.model.servedModelName}`,
    `--tensor-parallel-size=${i.tensorParallelSize}`,
    `--max-model-len=${i.serving.maxModelLen}`,
    `--gpu-memory-utilization=${i.serving.gpuMemoryUtilization}`,
    `--dtype=${i.dtype}`,
    `--kv-cache-dtype=${i.serving.kvCacheDtype}`,
    `--max-num-seqs=${i.maxNumSeqs}`,
    `--max-num-batched-tokens=${i.maxNumBatchedTokens}`,
  ];
  // Only fp8 is quantized at load time. AWQ and GPTQ checkpoints say so in their quantization_config, and vLLM
  // then picks the Marlin kernels where the GPU has them; --quantization=awq|gptq would force the slow ones.
  if (i.serving.quantization === "fp8") args.push("--quantization=fp8");
  if (chatTemplateFor(i.model.checkpoint)) args.push(`--chat-template=${CHAT_TEMPLATE_PATH}`);
  args.push(i.serving.enablePrefixCaching ? "--enable-prefix-caching" : "--no-enable-prefix-caching");
  // Admission control (vLLM ≥ 0.29): beyond the cap vLLM rejects with 503 instead of queueing without bound.
  if (i.maxNumQueuedReqs !== undefined) args.push(`--max-num-queued-reqs=${i.maxNumQueuedReqs}`);
  return args;
}
