import { memoryBudget, type MemoryBudget } from "./memory";
import { kvTokensPerRunningRequest, operatingPoint, type ReplicaShape, type StepBound } from "./throughput";

/** One replica on one GPU type serving one request shape, with the rest of vLLM's engine settings. */
export interface PerfInputs extends ReplicaShape {
  /** Usable memory per GPU, MiB. */
  readonly gpuMemoryMiB: number;
  readonly gpuMemoryUtilization: number;
  readonly maxModelLen: number;
  readonly maxNumSeqs: number;
}

export type PerfBound = StepBound | "KV capacity" | "max-num-seqs";

/** The replica at one client concurrency (closed loop: each client sends its next request when one ends). */
export interface PerfLevel {
  readonly concurrency: number;
  /** Requests vLLM runs at once: the concurrency, unless max-num-seqs or the KV pool holds fewer. */
  readonly running: number;
  readonly perStreamTokensPerSecond: number;
  readonly outputTokensPerSecond: number;
  /** Mean time to first token, queueing for a batch slot included. */
  readonly ttftMs: number;
  readonly requestsPerSecond: number;
  /** Mean time per output token. */
  readonly stepMs: number;
  readonly boundBy: PerfBound;
}

export interface PerfReport {
  readonly memory: MemoryBudget;
  /** Requests the KV pool keeps running at once: capacity / KV tokens per running request. */
  readonly maxRunningByKv: number;
  readonly levels: readonly PerfLevel[];
}

/** The memory budget vLLM starts with: its KV pool must hold at least one max-model-len sequence. */
export function perfMemory(p: PerfInputs): MemoryBudget {
  return memoryBudget({
    arch: p.arch,
    quantization: p.quantization,
    kvCacheDtype: p.kvCacheDtype,
    gpuMemoryMiB: p.gpuMemoryMiB,
    gpuMemoryUtilization: p.gpuMemoryUtilization,
    tensorParallelSize: p.tensorParallelSize,
    maxNumBatchedTokens: p.maxNumBatchedTokens,
    requiredKvTokens: p.maxModelLen,
  });
}

/**
 * Per-stream speed, output throughput and TTFT at each concurrency. Beyond what max-num-seqs or the KV pool
 * lets run, the extra requests wait for a slot: throughput stays at the capped batch and the wait
 * (concurrency / requests per second − end-to-end time, by Little's law) adds to TTFT.
 */
export function perfReport(p: PerfInputs, concurrencies: readonly number[]): PerfReport {
  const memory = perfMemory(p);
  const maxRunningByKv = Math.floor(memory.kvCapacityTokens / kvTokensPerRunningRequest(p));
  const levels = concurrencies.map((concurrency): PerfLevel => {
    const byKv = Math.max(1, maxRunningByKv);
    const running = Math.min(concurrency, p.maxNumSeqs, byKv);
    const point = operatingPoint(p, running);
    const endToEnd = running / point.requestsPerSecond;
    const slotWait = Math.max(0, concurrency / point.requestsPerSecond - endToEnd);
    const boundBy: PerfBound =
      running < concurrency ? (running === p.maxNumSeqs && p.maxNumSeqs <= byKv ? "max-num-seqs" : "KV capacity") : point.boundBy;
    return {
      concurrency,
      running,
      perStreamTokensPerSecond: point.perStreamTokensPerSecond,
      outputTokensPerSecond: point.outputTokensPerSecond,
      ttftMs: (point.ttftSeconds + slotWait) * 1000,
      requestsPerSecond: point.requestsPerSecond,
      stepMs: point.stepSeconds * 1000,
      boundBy,
    };
  });
  return { memory, maxRunningByKv, levels };
}
