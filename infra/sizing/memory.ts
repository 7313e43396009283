import type { ModelArchitecture } from "../catalog/models";
import {
  calibratedOverheadGiB,
  KV_BYTES_PER_ELEMENT,
  RUNTIME_OVERHEAD_CALIBRATION,
  WEIGHT_BYTES_PER_PARAM,
} from "../catalog/efficiency";
import { CHECKPOINT_BYTES_PER_PARAM } from "../catalog/node-disk";
import type { KvCacheDtype, Quantization } from "../config/spec";

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

/** Bytes all the weights occupy. */
export function weightBytes(arch: ModelArchitecture, quantization: Quantization): number {
  return arch.paramsBillions * 1e9 * WEIGHT_BYTES_PER_PARAM[quantization];
}

/** Bytes of the checkpoint vLLM downloads (fp8 is quantized at load time from a 16-bit checkpoint). */
export function checkpointBytes(arch: ModelArchitecture, quantization: Quantization): number {
  return arch.paramsBillions * 1e9 * CHECKPOINT_BYTES_PER_PARAM[quantization];
}

/** Bytes of weights read per decode step: only the active experts of a mixture-of-experts model. */
export function activeWeightBytes(arch: ModelArchitecture, quantization: Quantization): number {
  return arch.activeParamsBillions * 1e9 * WEIGHT_BYTES_PER_PARAM[quantization];
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

/** Activation peak + CUDA graphs + non-torch memory per GPU, calibrated on vLLM's observed split. */
export function runtimeOverheadBytesPerGpu(arch: ModelArchitecture): number {
  return calibratedOverheadGiB() * GiB * (arch.hiddenSize / RUNTIME_OVERHEAD_CALIBRATION.hiddenSize);
}

export interface MemoryInputs {
  readonly arch: ModelArchitecture;
  readonly quantization: Quantization;
  readonly kvCacheDtype: KvCacheDtype;
  readonly gpuMemoryMiB: number;
  readonly gpuMemoryUtilization: number;
  readonly tensorParallelSize: number;
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
  const overhead = runtimeOverheadBytesPerGpu(m.arch);
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
