import type { ModelArchitecture } from "../catalog/models";
import { COMPUTE_EFFICIENCY, decodeBandwidthEfficiency } from "../catalog/efficiency";
import type { KvCacheDtype, Quantization } from "../config/spec";
import { activeWeightBytes, kvBytesPerTokenPerReplica } from "./memory";

/** One inference replica (a TP group of GPUs) serving one workload shape. */
export interface ReplicaShape {
  readonly arch: ModelArchitecture;
  readonly quantization: Quantization;
  readonly kvCacheDtype: KvCacheDtype;
  readonly tensorParallelSize: number;
  /** Per GPU, GB/s. */
  readonly memoryBandwidthGBps: number;
  /** Per GPU, dense BF16/FP16 TFLOPS. */
  readonly denseTflops16: number;
  readonly meanPromptTokens: number;
  readonly meanOutputTokens: number;
}

/** What a replica delivers while it keeps `concurrency` sequences in flight. */
export interface OperatingPoint {
  readonly concurrency: number;
  /** One decode step for the whole batch. */
  readonly stepSeconds: number;
  readonly boundBy: "memory bandwidth" | "compute";
  /** Generation speed one request sees, prefill pauses included. */
  readonly perStreamTokensPerSecond: number;
  /** Output tokens/s of the replica. */
  readonly outputTokensPerSecond: number;
  readonly requestsPerSecond: number;
  /** Share of GPU time spent on prefill. */
  readonly prefillShare: number;
}

/** Usable FLOP/s of the replica on compute-bound work. */
function effectiveFlops(r: ReplicaShape): number {
  return r.tensorParallelSize * r.denseTflops16 * 1e12 * COMPUTE_EFFICIENCY.value;
}

/** Prompt tokens/s the replica prefills: about 2 × active parameters FLOPs per token. */
export function prefillTokensPerSecond(r: ReplicaShape): number {
  return effectiveFlops(r) / (2 * r.arch.activeParamsBillions * 1e9);
}

/**
 * One decode step of `batch` sequences: it reads the active weights once plus every sequence's KV cache
 * (mean context: the prompt and half the output), bounded by memory bandwidth × efficiency, or by compute
 * (2 × active parameters FLOPs per token) once the batch is large.
 */
export function decodeStep(r: ReplicaShape, batch: number): { seconds: number; boundBy: OperatingPoint["boundBy"] } {
  const tp = r.tensorParallelSize;
  const meanContext = r.meanPromptTokens + r.meanOutputTokens / 2;
  const bytes = activeWeightBytes(r.arch, r.quantization) + batch * meanContext * kvBytesPerTokenPerReplica(r.arch, r.kvCacheDtype, tp);
  const bandwidth = tp * r.memoryBandwidthGBps * 1e9 * decodeBandwidthEfficiency(tp);
  const memorySeconds = bytes / bandwidth;
  const computeSeconds = (batch * 2 * r.arch.activeParamsBillions * 1e9) / effectiveFlops(r);
  return memorySeconds >= computeSeconds
    ? { seconds: memorySeconds, boundBy: "memory bandwidth" }
    : { seconds: computeSeconds, boundBy: "compute" };
}

/**
 * Steady state with `concurrency` sequences in flight. Decode runs at D = B / step tokens/s and prefill at P
 * tokens/s on the same GPUs, so serving r requests/s spends r·prompt/P of each second on prefill and
 * r·output/D on decode: r = 1 / (output/D + prompt/P).
 */
export function operatingPoint(r: ReplicaShape, concurrency: number): OperatingPoint {
  const step = decodeStep(r, concurrency);
  const decodeTokensPerSecond = concurrency / step.seconds;
  const prefill = prefillTokensPerSecond(r);
  const requestsPerSecond = 1 / (r.meanOutputTokens / decodeTokensPerSecond + r.meanPromptTokens / prefill);
  const prefillShare = (requestsPerSecond * r.meanPromptTokens) / prefill;
  return {
    concurrency,
    stepSeconds: step.seconds,
    boundBy: step.boundBy,
    perStreamTokensPerSecond: (1 - prefillShare) / step.seconds,
    outputTokensPerSecond: requestsPerSecond * r.meanOutputTokens,
    requestsPerSecond,
    prefillShare,
  };
}

export type BatchLimit = "KV cache" | "maxNumSeqs" | "latency floor";

/**
 * The most sequences a replica may batch: KV capacity at the mean sequence length, maxNumSeqs, and the
 * largest batch whose per-stream speed still meets the floor (speed falls as the batch grows).
 * 0 when even one sequence is slower than the floor or the KV pool cannot hold one mean sequence.
 */
export function maxConcurrency(
  r: ReplicaShape,
  limits: { kvCapacityTokens: number; maxNumSeqs: number; minTokensPerSecondPerStream: number },
): { concurrency: number; limitedBy: BatchLimit } {
  const byKv = Math.floor(limits.kvCapacityTokens / (r.meanPromptTokens + r.meanOutputTokens));
  const [cap, capLimit]: [number, BatchLimit] =
    byKv < limits.maxNumSeqs ? [byKv, "KV cache"] : [limits.maxNumSeqs, "maxNumSeqs"];
  const meetsFloor = (b: number) => operatingPoint(r, b).perStreamTokensPerSecond >= limits.minTokensPerSecondPerStream;
  if (cap < 1) return { concurrency: 0, limitedBy: capLimit };
  if (!meetsFloor(1)) return { concurrency: 0, limitedBy: "latency floor" };
  if (meetsFloor(cap)) return { concurrency: cap, limitedBy: capLimit };
  let lo = 1; // meets the floor
  let hi = cap; // does not
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (meetsFloor(mid)) lo = mid;
    else hi = mid;
  }
  return { concurrency: lo, limitedBy: "latency floor" };
}

/** The operating point at which a replica serves `requestsPerSecond` (at most its capacity at `maxBatch`). */
export function pointForLoad(r: ReplicaShape, requestsPerSecond: number, maxBatch: number): OperatingPoint {
  const full = operatingPoint(r, maxBatch);
  if (requestsPerSecond >= full.requestsPerSecond) return full;
  // requests/s grows with concurrency: bisect on a continuous batch size.
  let lo = 0;
  let hi = maxBatch;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (operatingPoint(r, mid).requestsPerSecond < requestsPerSecond) lo = mid;
    else hi = mid;
  }
  return operatingPoint(r, hi);
}
