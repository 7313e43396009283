import type { ModelSpec, ServingSpec } from "../config/spec";

export interface VllmArgsInput {
  readonly model: ModelSpec;
  readonly serving: ServingSpec;
  readonly dtype: "bfloat16" | "float16";
  readonly tensorParallelSize: number;
  /** The batch cap the plan chose (never above serving.maxNumSeqs). */
  readonly maxNumSeqs: number;
}

/**
 * The arguments of `vllm serve` a plan implies: the checkpoint (positional: `vllm serve` deprecates
 * `--model`), then every flag explicit so the running server matches the plan whatever vLLM's defaults
 * become. `--api-key` is added by the Kubernetes layer from a secret.
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
  ];
  if (i.serving.quantization !== "none") args.push(`--quantization=${i.serving.quantization}`);
  args.push(i.serving.enablePrefixCaching ? "--enable-prefix-caching" : "--no-enable-prefix-caching");
  return args;
}
