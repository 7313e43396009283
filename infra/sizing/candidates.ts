import { defaultMaxNumBatchedTokens } from "../catalog/efficiency";
import { GPUS, memoryBandwidthGBps, type GpuSpec } from "../catalog/gpus";
import type { ModelArchitecture } from "../catalog/models";
import type { InstanceType } from "../catalog/instances";
import type { Dtype, Quantization, ServingSpec } from "../config/spec";
import { memoryBudget, type MemoryBudget } from "./memory";

/** Why a (instance type, TP) pair cannot serve the model, whatever the traffic. */
export interface HardwareRejection {
  readonly kind: "dtype" | "quantization" | "kvCacheDtype" | "tensorParallel" | "memory";
  /** The config key a user would change to get past it. */
  readonly key: string;
  readonly message: string;
}

export interface HardwareFit {
  readonly gpu: GpuSpec;
  /** dtype vLLM runs with: `auto` resolved for this GPU. */
  readonly dtype: Exclude<Dtype, "auto">;
  /** --max-num-batched-tokens the plan pins: vLLM's default for this GPU, which sizes the activation reserve. */
  readonly maxNumBatchedTokens: number;
  /** Per GPU, with the KV cache sized for minConcurrentSequences full-length sequences. */
  readonly memory: MemoryBudget;
  readonly rejections: readonly HardwareRejection[];
}

/** Tensor-parallel sizes worth trying on an instance: powers of two up to its GPU count. */
export function tensorParallelOptions(gpuCount: number): number[] {
  const sizes: number[] = [];
  for (let tp = 1; tp <= gpuCount; tp *= 2) sizes.push(tp);
  return sizes;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/** vLLM's awq and gptq kernels take float16 activations only. */
export function quantizationNeedsFloat16(quantization: Quantization): boolean {
  return quantization === "awq" || quantization === "gptq";
}

/** The dtype vLLM runs with: `auto` is bfloat16 where the GPU has it (float16 for awq/gptq and on T4). */
function resolveDtype(requested: Dtype, gpu: GpuSpec, quantization: Quantization): Exclude<Dtype, "auto"> {
  if (requested !== "auto") return requested;
  return gpu.supportsBf16 && !quantizationNeedsFloat16(quantization) ? "bfloat16" : "float16";
}

/**
 * Checks one (instance type, TP) against the model and serving settings: dtype and quantization support,
 * a valid TP, and memory for the weights, runtime overhead and the guaranteed KV cache. Every failing check
 * is reported, not only the first. The GPU must be in the GPU catalog (callers filter out the rest).
 * `maxNumBatchedTokens` defaults to vLLM's for the GPU.
 */
export function checkHardware(
  arch: ModelArchitecture,
  serving: ServingSpec,
  instance: InstanceType,
  tp: number,
  maxNumBatchedTokens?: number,
): HardwareFit {
  const gpu = GPUS[instance.gpuName];
  if (!gpu) throw new Error(`no GPU spec for ${instance.gpuName}: filter instances by GPUS[instance.gpuName] first`);
  const batchedTokens = maxNumBatchedTokens ?? defaultMaxNumBatchedTokens(gpu, instance.gpuMemoryMiBPerGpu);
  const rejections: HardwareRejection[] = [];
  const dtype = resolveDtype(serving.dtype, gpu, serving.quantization);
  if (dtype === "bfloat16" && !gpu.supportsBf16) {
    rejections.push({ kind: "dtype", key: "dtype", message: `bfloat16 is not supported on the ${gpu.name} (${gpu.architecture})` });
  }
  if (serving.quantization === "fp8" && !gpu.supportsFp8) {
    rejections.push({ kind: "quantization", key: "quantization", message: `fp8 (W8A8) needs an Ada or Hopper GPU; the ${gpu.name} is ${gpu.architecture}` });
  }
  if (serving.kvCacheDtype === "fp8" && !gpu.supportsFp8) {
    rejections.push({ kind: "kvCacheDtype", key: "kvCacheDtype", message: `an fp8 KV cache needs an Ada or Hopper GPU; the ${gpu.name} is ${gpu.architecture}` });
  }
  if (tp > instance.gpuCount) {
    rejections.push({ kind: "tensorParallel", key: "tensorParallelSize", message: `TP ${tp} needs ${tp} GPUs; ${instance.instanceType} has ${instance.gpuCount}` });
  }
  if (arch.attentionHeads % tp !== 0) {
    rejections.push({ kind: "tensorParallel", key: "tensorParallelSize", message: `TP ${tp} does not divide the model's ${arch.attentionHeads} attention heads` });
  }
  const memory = memoryBudget({
    arch,
    quantization: serving.quantization,
    kvCacheDtype: serving.kvCacheDtype,
    gpuMemoryMiB: instance.gpuMemoryMiBPerGpu,
    gpuMemoryUtilization: serving.gpuMemoryUtilization,
    tensorParallelSize: tp,
    maxNumBatchedTokens: batchedTokens,
    requiredKvTokens: serving.minConcurrentSequences * serving.maxModelLen,
  });
  if (!memory.fits) {
    rejections.push({
      kind: "memory",
      key: "instanceType",
      message:
        `does not fit by ${(-memory.freeGiB).toFixed(1)} GiB per GPU at TP ${tp} ` +
        `(needs ${(memory.weightsGiB + memory.overheadGiB + memory.kvCacheGiB).toFixed(1)} GiB: weights ${memory.weightsGiB.toFixed(1)} + ` +
        `KV ${memory.kvCacheGiB.toFixed(1)} + overhead ${memory.overheadGiB.toFixed(1)}; usable ${memory.usableGiB.toFixed(1)})`,
    });
  }
  return { gpu, dtype, maxNumBatchedTokens: batchedTokens, memory, rejections };
}

/** Per-GPU bandwidth of an instance's GPU (the A100's depends on its memory size). */
export function instanceBandwidthGBps(instance: InstanceType, gpu: GpuSpec): number {
  return memoryBandwidthGBps(gpu, instance.gpuMemoryMiBPerGpu);
}
