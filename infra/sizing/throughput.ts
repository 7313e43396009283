import type { GpuSpec } from "../catalog/gpus";
import type { ModelArchitecture } from "../catalog/models";
import {
  ALL_REDUCE,
  COMPUTE_EFFICIENCY,
  DECODE_BANDWIDTH_EFFICIENCY,
  MOE_EXPERT_BANDWIDTH_EFFICIENCY,
  REQUEST_OVERHEAD_SECONDS,
  STEP_OVERLAP,
  W4A16_COMPUTE_FACTOR,
} from "../catalog/efficiency";
import type { KvCacheDtype, Quantization } from "../config/spec";
import { expertsTouched, kvBytesPerTokenPerReplica, linearFlopsPerToken, lmHeadParams, weightBytesRead } from "./memory";

/** One inference replica (a TP group of GPUs) serving one workload shape. */
export interface ReplicaShape {
  readonly arch: ModelArchitecture;
  readonly quantization: Quantization;
  readonly kvCacheDtype: KvCacheDtype;
  readonly tensorParallelSize: number;
  readonly gpu: GpuSpec;
  /** Per GPU, GB/s, as fitted in the instance (the A100's depends on its memory size). */
  readonly memoryBandwidthGBps: number;
  /** --max-num-batched-tokens: the token budget of one step (decodes first, then prefill chunks). */
  readonly maxNumBatchedTokens: number;
  readonly meanPromptTokens: number;
  readonly meanOutputTokens: number;
  /**
   * Spread of output lengths (standard deviation / mean): 0 for fixed-length benchmarks, about 1 for chat
   * traffic. Requests with long outputs stay in the batch longer, so the running batch holds more context
   * than the mean request: see kvTokensPerRunningRequest.
   */
  readonly outputLengthCv: number;
}

/**
 * Output-length spread the plan assumes for real traffic: chat outputs vary about as much as their mean (an
 * exponential-like spread; ShareGPT's measured KV-bound batches on H100 match it, see the calibration set).
 */
export const TRAFFIC_OUTPUT_LENGTH_CV = 1;

/**
 * KV tokens a running request holds on average: its prompt plus half its output so far, where the running
 * set over-represents long outputs (length-biased sampling): prompt + output × (1 + cv²) / 2. For fixed
 * lengths that is prompt + output / 2; for chat traffic (cv = 1) prompt + output.
 */
export function kvTokensPerRunningRequest(r: ReplicaShape): number {
  return r.meanPromptTokens + (r.meanOutputTokens * (1 + r.outputLengthCv ** 2)) / 2;
}

export type StepBound = "memory bandwidth" | "compute" | "interconnect";

/** One engine step: what it carries and how long it takes. */
export interface Step {
  readonly seconds: number;
  readonly memorySeconds: number;
  readonly computeSeconds: number;
  readonly interconnectSeconds: number;
  readonly boundBy: StepBound;
}

/** What a replica delivers while `concurrency` requests are in flight (closed loop: a new one as one ends). */
export interface OperatingPoint {
  readonly concurrency: number;
  /** Mean decode step, other requests' prefill chunks riding along included: the time per output token. */
  readonly stepSeconds: number;
  readonly boundBy: StepBound;
  /** Generation speed one request sees: 1 / time per output token. */
  readonly perStreamTokensPerSecond: number;
  /** Output tokens/s of the replica. */
  readonly outputTokensPerSecond: number;
  readonly requestsPerSecond: number;
  /** Time to first token: request overhead, waiting for a step, and the prompt's prefill chunks. */
  readonly ttftSeconds: number;
  /** Share of step time spent on prefill tokens. */
  readonly prefillShare: number;
}

/** What one step carries. */
interface StepLoad {
  /** Sequences decoding one token each. */
  readonly decodeTokens: number;
  /** Prompt tokens prefilled in the step (chunked prefill). */
  readonly prefillTokens: number;
  /** Prompts whose last chunk ends in this step (each needs one row of logits). */
  readonly prefillsCompleted: number;
}

/** Dense tensor-core FLOP/s one GPU sustains for the linear layers under this quantization. */
function linearFlopsPerSecond(r: ReplicaShape): number {
  const q = r.quantization;
  const peak = q === "fp8" && r.gpu.denseTflops8 ? r.gpu.denseTflops8 : r.gpu.denseTflops16;
  const kernel = q === "awq" || q === "gptq" ? W4A16_COMPUTE_FACTOR.value : 1;
  return peak * 1e12 * kernel * COMPUTE_EFFICIENCY.value;
}

/** What a step costs per unit of load, for one replica shape: computed once per shape (sizing evaluates many steps). */
interface StepRates {
  /** Seconds to read the dense weights (shared layers and lm_head). */
  readonly denseWeightSeconds: number;
  /** Seconds to read every routed expert once (0 for dense models). */
  readonly allExpertsSeconds: number;
  /** Seconds of KV reads per decoding sequence at the running mean context. */
  readonly kvSecondsPerSequence: number;
  /** Seconds of linear-layer compute per token, and of lm_head per logit. */
  readonly linearSecondsPerToken: number;
  readonly lmHeadSecondsPerLogit: number;
  /** Seconds of attention compute per decoding sequence, and per prefilled prompt token. */
  readonly attentionSecondsPerDecode: number;
  readonly attentionSecondsPerPrefillToken: number;
  /** All-reduce: fixed seconds per step and seconds per token (0 at TP 1). */
  readonly allReduceFixedSeconds: number;
  readonly allReduceSecondsPerToken: number;
  readonly nonOverlappedShare: number;
  readonly requestOverheadSeconds: number;
}

const RATES = new WeakMap<ReplicaShape, StepRates>();

function stepRates(r: ReplicaShape): StepRates {
  const cached = RATES.get(r);
  if (cached) return cached;
  const { arch } = r;
  const tp = r.tensorParallelSize;
  const bandwidth = tp * r.memoryBandwidthGBps * 1e9;
  const dense = weightBytesRead(arch, r.quantization, 0);
  const allExperts = arch.experts ? weightBytesRead(arch, r.quantization, Number.POSITIVE_INFINITY).experts : 0;
  const meanContext = kvTokensPerRunningRequest(r);
  const linearRate = tp * linearFlopsPerSecond(r);
  const attentionRate = tp * r.gpu.denseTflops16 * 1e12 * COMPUTE_EFFICIENCY.value;
  const attentionPerContextToken = 4 * arch.layers * arch.attentionHeads * arch.headDim;
  const link = r.gpu.interconnect;
  const tpShare = tp > 1 ? (2 * (tp - 1)) / tp : 0;
  const rates: StepRates = {
    denseWeightSeconds: dense.dense / (bandwidth * DECODE_BANDWIDTH_EFFICIENCY.weights),
    allExpertsSeconds: allExperts / (bandwidth * MOE_EXPERT_BANDWIDTH_EFFICIENCY.value),
    kvSecondsPerSequence: (meanContext * kvBytesPerTokenPerReplica(arch, r.kvCacheDtype, tp)) / (bandwidth * DECODE_BANDWIDTH_EFFICIENCY.kvCache),
    linearSecondsPerToken: linearFlopsPerToken(arch) / linearRate,
    lmHeadSecondsPerLogit: (2 * lmHeadParams(arch)) / linearRate,
    attentionSecondsPerDecode: (attentionPerContextToken * meanContext) / attentionRate,
    attentionSecondsPerPrefillToken: (attentionPerContextToken * (r.meanPromptTokens / 2)) / attentionRate,
    allReduceFixedSeconds: tp > 1 ? 2 * arch.layers * ALL_REDUCE.latencySeconds[link.kind] : 0,
    allReduceSecondsPerToken: (2 * arch.layers * tpShare * arch.hiddenSize * 2) / (link.bandwidthGBps * 1e9 * ALL_REDUCE.busEfficiency),
    nonOverlappedShare: STEP_OVERLAP.nonOverlappedShare,
    requestOverheadSeconds: REQUEST_OVERHEAD_SECONDS.value,
  };
  RATES.set(r, rates);
  return rates;
}

/**
 * One engine step. Memory: the weights it touches (lm_head included; for mixture-of-experts only the
 * experts its tokens route to) and every decoding sequence's KV cache at the running mean context. Compute: 2 FLOPs
 * per active parameter per token, lm_head per logit, and attention (4 × layers × heads × head dim per token
 * per context token). Memory and compute overlap imperfectly (STEP_OVERLAP); tensor parallelism adds two
 * all-reduces of the step's hidden states per layer: latency + 2(TP−1)/TP × bytes / link bandwidth.
 */
export function stepTime(r: ReplicaShape, load: StepLoad): Step {
  const k = stepRates(r);
  const tokens = load.decodeTokens + load.prefillTokens;
  const memorySeconds = stepMemorySeconds(k, r, load.decodeTokens, tokens);
  const computeSeconds = stepComputeSeconds(k, load.decodeTokens, load.prefillTokens, load.prefillsCompleted);
  const interconnectSeconds = stepInterconnectSeconds(k, tokens);
  const overlapped = overlappedSeconds(k, memorySeconds, computeSeconds);
  const boundBy: StepBound =
    interconnectSeconds > overlapped ? "interconnect" : memorySeconds >= computeSeconds ? "memory bandwidth" : "compute";
  return { seconds: overlapped + interconnectSeconds, memorySeconds, computeSeconds, interconnectSeconds, boundBy };
}

function stepMemorySeconds(k: StepRates, r: ReplicaShape, decodeTokens: number, tokens: number): number {
  const experts = k.allExpertsSeconds > 0 ? k.allExpertsSeconds * expertsTouched(r.arch, tokens) : 0;
  return k.denseWeightSeconds + experts + decodeTokens * k.kvSecondsPerSequence;
}

function stepComputeSeconds(k: StepRates, decodeTokens: number, prefillTokens: number, prefillsCompleted: number): number {
  return (
    (decodeTokens + prefillTokens) * k.linearSecondsPerToken +
    (decodeTokens + prefillsCompleted) * k.lmHeadSecondsPerLogit +
    decodeTokens * k.attentionSecondsPerDecode +
    prefillTokens * k.attentionSecondsPerPrefillToken
  );
}

/** The two all-reduces per layer (both rates are 0 at TP 1). */
function stepInterconnectSeconds(k: StepRates, tokens: number): number {
  return k.allReduceFixedSeconds + tokens * k.allReduceSecondsPerToken;
}

/** Memory and compute overlapping imperfectly (STEP_OVERLAP). */
function overlappedSeconds(k: StepRates, memory: number, compute: number): number {
  return Math.max(memory, compute) + k.nonOverlappedShare * Math.min(memory, compute);
}

/** stepTime(...).seconds without building the breakdown: the fixed point below evaluates thousands of steps per plan. */
function stepSeconds(r: ReplicaShape, decodeTokens: number, prefillTokens: number, prefillsCompleted: number): number {
  const k = stepRates(r);
  const tokens = decodeTokens + prefillTokens;
  const memory = stepMemorySeconds(k, r, decodeTokens, tokens);
  const compute = stepComputeSeconds(k, decodeTokens, prefillTokens, prefillsCompleted);
  return overlappedSeconds(k, memory, compute) + stepInterconnectSeconds(k, tokens);
}

/**
 * Steady state with `concurrency` requests running (every one has a batch slot and KV room). Each request
 * spends its time to first token in prefill and (output − 1) steps decoding; throughput follows from Little's
 * law, r = concurrency / (TTFT + (output − 1) × step). In a mean step, the decoding requests each emit a
 * token and the prompts of arriving requests ride along as chunks (vLLM V1 always chunks prefill: decodes
 * first, then prompt tokens up to max-num-batched-tokens). A new prompt waits for the running step, then
 * takes ⌈prompt / free budget⌉ chunk-carrying steps, plus queueing behind other prompts (M/D/1 on the chunk
 * budget). The fixed point converges in a few iterations.
 */
export function operatingPoint(r: ReplicaShape, concurrency: number): OperatingPoint {
  const c = Math.max(concurrency, 1e-6);
  const prompt = r.meanPromptTokens;
  const output = Math.max(r.meanOutputTokens, 1);
  const budget = r.maxNumBatchedTokens;

  const overhead = stepRates(r).requestOverheadSeconds;
  let step = stepSeconds(r, c, 0, 0);
  let ttft = 0;
  let rate = 0;
  const otherRequests = Math.max(0, c - 1);
  let others = otherRequests; // of them, decoding while one request is in its prefill or decode
  let prefillPerStep = 0;
  for (let i = 0; i < 12; i++) {
    // A prompt's chunks: the step budget the others' decodes leave, split evenly over ⌈prompt / free⌉ steps.
    const free = Math.max(1, budget - others);
    const chunks = Math.ceil(prompt / free);
    const chunkStep = stepSeconds(r, others, prompt / chunks, 1 / chunks);
    const service = chunks * chunkStep;
    // Other requests' prompts compete for the same chunk budget (a request never queues behind itself).
    const utilization = Math.min(0.95, (rate * (otherRequests / c) * prompt * chunkStep) / free);
    const queueing = (utilization / (2 * (1 - utilization))) * service;
    ttft = overhead + (c > 1 ? step / 2 : 0) + service + queueing;

    const previous = rate;
    rate = c / (ttft + (output - 1) * step);
    // Each of the others is decoding for its share of a request's lifetime, and the prompts of the others
    // arriving meanwhile ride along in the steps.
    others = otherRequests * (((output - 1) * step) / (ttft + (output - 1) * step));
    prefillPerStep = Math.min(rate * prompt * step * (otherRequests / c), free);
    step = stepSeconds(r, Math.min(c, 1 + others), prefillPerStep, prefillPerStep / prompt);
    if (Math.abs(rate - previous) <= 1e-7 * rate) break;
  }
  rate = c / (ttft + (output - 1) * step); // Little's law on the final step, so the figures agree with each other
  const decoding = Math.min(c, 1 + others);
  const decodeOnly = stepSeconds(r, decoding, 0, 0);
  const final = stepTime(r, { decodeTokens: decoding, prefillTokens: prefillPerStep, prefillsCompleted: prefillPerStep / prompt });
  return {
    concurrency,
    stepSeconds: step,
    boundBy: final.boundBy,
    perStreamTokensPerSecond: 1 / step,
    outputTokensPerSecond: rate * output,
    requestsPerSecond: rate,
    ttftSeconds: ttft,
    prefillShare: Math.max(0, 1 - decodeOnly / step),
  };
}

export type BatchLimit = "KV cache" | "maxNumSeqs" | "latency floor";

/**
 * The most sequences a replica may batch: what the KV pool keeps running (kvTokensPerRunningRequest),
 * maxNumSeqs, and the largest batch whose per-stream speed still meets the floor (speed falls as the batch
 * grows). 0 when even one sequence is slower than the floor or the KV pool cannot hold one request.
 */
export function maxConcurrency(
  r: ReplicaShape,
  limits: { kvCapacityTokens: number; maxNumSeqs: number; minTokensPerSecondPerStream: number },
): { concurrency: number; limitedBy: BatchLimit } {
  const byKv = Math.floor(limits.kvCapacityTokens / kvTokensPerRunningRequest(r));
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
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (operatingPoint(r, mid).requestsPerSecond < requestsPerSecond) lo = mid;
    else hi = mid;
  }
  return operatingPoint(r, hi);
}
