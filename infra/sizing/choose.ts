import { HOURS_PER_MONTH } from "../catalog/aws-prices";
import { CALIBRATED_ARCHITECTURES } from "../catalog/calibration";
import { GPUS } from "../catalog/gpus";
import { INSTANCE_TYPES, type InstanceType } from "../catalog/instances";
import { absentReason, instanceRate, type InstanceRate, type RateResult } from "../catalog/purchase-options";
import type { ModelArchitecture } from "../catalog/models";
import { ConfigError, type ConfigIssue } from "../config/errors";
import { usdPerMillionTokens } from "../cost/curve";
import { qualified } from "../config/read";
import type { ModelSpec, PricingSpec, Quantization, ServingSpec, StackSpec } from "../config/spec";
import { checkHardware, instanceBandwidthGBps, tensorParallelOptions, type HardwareFit } from "./candidates";
import { coldStart, type ColdStart } from "./cold-start";
import { memoryBudget, type MemoryBudget } from "./memory";
import { nodeStorage, type NodeStorage } from "./node-storage";
import { modelClass } from "./model-class";
import {
  maxConcurrency,
  operatingPoint,
  pointForLoad,
  TRAFFIC_OUTPUT_LENGTH_CV,
  type BatchLimit,
  type OperatingPoint,
  type ReplicaShape,
} from "./throughput";
import { vllmArgs } from "./vllm-args";

/** One (instance type, TP) option, evaluated for the stack's model, serving settings and traffic. */
export interface Candidate {
  readonly instanceType: string;
  readonly gpuName: string;
  readonly gpuCount: number;
  readonly tensorParallelSize: number;
  /** Replicas one node can hold (GPUs / TP). */
  readonly replicasPerNode: number;
  readonly hourlyUsdPerNode: number;
  /** How the node's hourly rate was worked out (region, purchase option, source). */
  readonly rate: InstanceRate;
  readonly fit: HardwareFit;
  /** Per replica, at the largest batch the limits allow; absent when the hardware is rejected. */
  readonly capacity?: { readonly maxConcurrency: number; readonly limitedBy: BatchLimit; readonly point: OperatingPoint };
  /** Replicas needed at peak (at least minReplicas), nodes for them, and their price per hour. */
  readonly replicas?: number;
  readonly nodes?: number;
  readonly hourlyUsd?: number;
  /** Empty when the candidate can serve the stack. */
  readonly rejections: readonly string[];
}

export interface Alternative {
  readonly instanceType: string;
  readonly tensorParallelSize: number;
  readonly replicas?: number;
  readonly nodes?: number;
  readonly hourlyUsd?: number;
  readonly feasible: boolean;
  /** Why it lost to the chosen plan. */
  readonly why: string;
}

/**
 * The same model served with other weights (FP8 on Ada/Hopper GPUs, 4-bit AWQ/GPTQ), sized for the same
 * traffic: listed for comparison, never chosen automatically, because it changes the served weights.
 */
export interface QuantizationAlternative {
  readonly quantization: Exclude<Quantization, "none" | "gptq">;
  /** What it is, for people: "FP8 (W8A8)", "4-bit AWQ/GPTQ". */
  readonly label: string;
  readonly feasible: boolean;
  readonly instanceType?: string;
  readonly tensorParallelSize?: number;
  readonly replicas?: number;
  readonly nodes?: number;
  /** Node cost per hour at peak. */
  readonly hourlyUsd?: number;
  /** Output tokens/s of the peak fleet at capacity. */
  readonly fleetOutputTokensPerSecond?: number;
  /** Node cost per 1M output tokens with the peak fleet at capacity. */
  readonly usdPerMillionOutputTokensAtCapacity?: number;
  /** Why it cannot serve the stack (when not feasible). */
  readonly why?: string;
  readonly note: "changes the served weights";
}

export interface ScaleCounts {
  readonly min: number;
  readonly peak: number;
  readonly max: number;
}

export interface SizingPlan {
  readonly modelClass: string;
  readonly model: ModelSpec;
  readonly instanceType: string;
  readonly gpu: { readonly name: string; readonly perNode: number; readonly memoryGiB: number };
  readonly dtype: "bfloat16" | "float16";
  readonly tensorParallelSize: number;
  readonly replicasPerNode: number;
  readonly replicas: ScaleCounts;
  readonly nodes: ScaleCounts;
  /** Per GPU, with the KV cache sized for the larger of the guaranteed sequences and the peak concurrency. */
  readonly memory: MemoryBudget;
  readonly throughput: {
    /** Per replica at the largest batch the limits allow. */
    readonly capacity: OperatingPoint;
    readonly maxConcurrency: number;
    readonly limitedBy: BatchLimit;
    /** Per replica at peak traffic (absent when the stack gives no traffic). */
    readonly atPeak?: OperatingPoint;
    readonly peakRequestsPerSecond?: number;
    /** Output tokens/s of the fleet at peak replicas, every replica at capacity. */
    readonly fleetCapacityOutputTokensPerSecond: number;
  };
  readonly maxNumSeqs: number;
  /** --max-num-batched-tokens, pinned to vLLM's default for the GPU: it sizes the activation reserve. */
  readonly maxNumBatchedTokens: number;
  readonly vllmArgs: readonly string[];
  /** Root volume of a GPU node, GiB (nodeStorage.root.sizeGiB). */
  readonly nodeDiskGiB: number;
  /** Where a GPU node keeps the image and the model caches, and its disks' size and speed. */
  readonly nodeStorage: NodeStorage;
  /** A replica's cold start, term by term: the startup probe budget and `pulumi up` timeouts. */
  readonly coldStart: ColdStart;
  readonly gpuCost: {
    readonly hourlyUsdPerNode: number;
    /** How hourlyUsdPerNode was worked out: region, purchase option, source. */
    readonly rate: InstanceRate;
    readonly hourlyUsd: ScaleCounts;
    readonly monthlyUsd: ScaleCounts;
    /** Node cost per 1M output tokens with every peak replica busy at capacity: the floor of $/token. */
    readonly usdPerMillionOutputTokensAtCapacity: number;
  };
  /** Every other evaluated option, best first, with why it lost. */
  readonly alternatives: readonly Alternative[];
  /** Instance types never evaluated, with why (no GPU spec, no price). */
  readonly excluded: ReadonlyArray<{ readonly instanceType: string; readonly reason: string }>;
}

/** Hourly rate of a GPU instance for this stack, in its region under its GPU purchase option, or why it has none. */
function hourlyPrice(instance: InstanceType, pricing: PricingSpec): RateResult {
  return instanceRate(pricing.prices, instance.instanceType, pricing.gpu, pricing.instancePrices[instance.instanceType]);
}

/** Why an instance type is never a candidate, or undefined when it is one. */
function exclusionReason(instance: InstanceType, pricing: PricingSpec): string | undefined {
  if (!GPUS[instance.gpuName]) return `no confirmed specs for the ${instance.gpuName} GPU`;
  const result = hourlyPrice(instance, pricing);
  if ("rate" in result) return undefined;
  const absent = pricing.instancePrices[instance.instanceType] === undefined && !pricing.prices.instance(instance.instanceType);
  return absent ? absentReason(pricing.prices, instance.instanceType, false) : result.missing;
}

const usdPerHour = (r: RateResult) => ("rate" in r ? r.rate.usdPerHour : Infinity);

/** Instance types (with a GPU spec) where the model fits in memory at some valid TP, cheapest first. */
export function instanceTypesThatFit(arch: ModelArchitecture, serving: ServingSpec, pricing: PricingSpec): string[] {
  return INSTANCE_TYPES.filter((i) => GPUS[i.gpuName])
    .filter((i) => tensorParallelOptions(i.gpuCount).some((tp) => checkHardware(arch, serving, i, tp).rejections.length === 0))
    .sort((a, b) => usdPerHour(hourlyPrice(a, pricing)) - usdPerHour(hourlyPrice(b, pricing)))
    .map((i) => i.instanceType);
}

function replicaShape(spec: StackSpec, instance: InstanceType, fit: HardwareFit, tp: number): ReplicaShape {
  return {
    arch: spec.model.architecture,
    quantization: spec.serving.quantization,
    kvCacheDtype: spec.serving.kvCacheDtype,
    tensorParallelSize: tp,
    gpu: fit.gpu,
    memoryBandwidthGBps: instanceBandwidthGBps(instance, fit.gpu),
    maxNumBatchedTokens: fit.maxNumBatchedTokens,
    meanPromptTokens: spec.traffic.meanPromptTokens,
    meanOutputTokens: spec.traffic.meanOutputTokens,
    outputLengthCv: TRAFFIC_OUTPUT_LENGTH_CV,
  };
}

/** Evaluates one (instance type, TP) for the stack: hardware fit, then per-replica capacity and replica count. */
function evaluateCandidate(spec: StackSpec, instance: InstanceType, tp: number): Candidate {
  const price = hourlyPrice(instance, spec.pricing);
  if (!("rate" in price)) throw new Error(`${instance.instanceType} has no price: filter with exclusionReason() first`);
  const fit = checkHardware(spec.model.architecture, spec.serving, instance, tp);
  const base = {
    instanceType: instance.instanceType,
    gpuName: fit.gpu.name,
    gpuCount: instance.gpuCount,
    tensorParallelSize: tp,
    replicasPerNode: Math.floor(instance.gpuCount / tp),
    hourlyUsdPerNode: price.rate.usdPerHour,
    rate: price.rate,
    fit,
  };
  if (fit.rejections.length > 0) return { ...base, rejections: fit.rejections.map((r) => r.message) };

  const shape = replicaShape(spec, instance, fit, tp);
  const floor = spec.traffic.minTokensPerSecondPerStream;
  const limit = maxConcurrency(shape, {
    kvCapacityTokens: fit.memory.kvCapacityTokens,
    maxNumSeqs: spec.serving.maxNumSeqs,
    minTokensPerSecondPerStream: floor,
  });
  if (limit.concurrency === 0) {
    const why =
      limit.limitedBy === "latency floor"
        ? `too slow: ${operatingPoint(shape, 1).perStreamTokensPerSecond.toFixed(1)} tokens/s per stream at batch 1, below the floor of ${floor}`
        : `the KV cache holds ${fit.memory.kvCapacityTokens} tokens, less than one mean sequence (${spec.traffic.meanPromptTokens + spec.traffic.meanOutputTokens})`;
    return { ...base, rejections: [why] };
  }
  const capacity = { maxConcurrency: limit.concurrency, limitedBy: limit.limitedBy, point: operatingPoint(shape, limit.concurrency) };
  const rps = spec.traffic.peakRequestsPerSecond;
  const needed = rps === undefined ? 1 : Math.max(1, Math.ceil(rps / capacity.point.requestsPerSecond - 1e-9));
  // With a fallback API, maxReplicas below the peak is a hybrid base: the rest of the peak overflows to the API.
  const hybridBase = spec.entry.fallback !== undefined && spec.scaling.maxReplicas !== undefined && needed > spec.scaling.maxReplicas;
  const replicas = hybridBase ? spec.scaling.maxReplicas! : Math.max(needed, spec.scaling.minReplicas);
  const nodes = Math.ceil(replicas / base.replicasPerNode);
  const rejections: string[] = [];
  if (spec.scaling.maxReplicas !== undefined && needed > spec.scaling.maxReplicas && !hybridBase) {
    rejections.push(`needs ${needed} replicas at peak; maxReplicas is ${spec.scaling.maxReplicas}`);
  }
  if (!spec.placement.instanceType && !CALIBRATED_ARCHITECTURES.has(fit.gpu.architecture)) {
    rejections.push(
      `no published vLLM measurement calibrates ${fit.gpu.architecture} GPUs (${fit.gpu.name}), so its throughput is unchecked; pin hostwise:instanceType to use it anyway`,
    );
  }
  return { ...base, capacity, replicas, nodes, hourlyUsd: nodes * price.rate.usdPerHour, rejections };
}

/** Output tokens/s the candidate's peak fleet delivers at capacity. */
function fleetCapacity(c: Candidate): number {
  return (c.replicas ?? 0) * (c.capacity?.point.outputTokensPerSecond ?? 0);
}

/** Cheapest first; at equal price the one with more capacity, then the one with fewer GPUs per replica. */
function compareFeasible(a: Candidate, b: Candidate): number {
  return (
    (a.hourlyUsd ?? 0) - (b.hourlyUsd ?? 0) ||
    fleetCapacity(b) - fleetCapacity(a) ||
    a.tensorParallelSize - b.tensorParallelSize
  );
}

/** Enumerates every candidate the stack allows: a pinned instance type and TP narrow the search. */
export function enumerateCandidates(spec: StackSpec): { candidates: Candidate[]; excluded: SizingPlan["excluded"] } {
  const candidates: Candidate[] = [];
  const excluded: Array<{ instanceType: string; reason: string }> = [];
  for (const instance of INSTANCE_TYPES) {
    if (spec.placement.instanceType && instance.instanceType !== spec.placement.instanceType) continue;
    const reason = exclusionReason(instance, spec.pricing);
    if (reason) {
      excluded.push({ instanceType: instance.instanceType, reason });
      continue;
    }
    const tps = spec.placement.tensorParallelSize ? [spec.placement.tensorParallelSize] : tensorParallelOptions(instance.gpuCount);
    for (const tp of tps) candidates.push(evaluateCandidate(spec, instance, tp));
  }
  return { candidates, excluded };
}

/**
 * How close a rejected candidate came, as [tier, distance]: it had capacity and only maxReplicas failed
 * (fewest replicas first), it was too slow, it missed memory by N GiB, or something else ruled it out.
 */
function closeness(c: Candidate): [number, number] {
  if (c.capacity) return [0, c.replicas ?? 0];
  if (c.fit.rejections.length === 0) return [1, 0];
  if (c.fit.rejections.every((r) => r.kind === "memory")) return [2, -c.fit.memory.freeGiB];
  return [3, 0];
}

/** Rejected candidates, closest first. */
function byCloseness(candidates: readonly Candidate[]): Candidate[] {
  return [...candidates].sort((a, b) => {
    const [ta, da] = closeness(a);
    const [tb, db] = closeness(b);
    return ta - tb || da - db;
  });
}

function noFeasiblePlan(spec: StackSpec, candidates: readonly Candidate[]): ConfigError {
  const pinned = spec.placement.instanceType;
  const reasons = [...new Set(byCloseness(candidates).map((c) => `${c.instanceType} at TP ${c.tensorParallelSize}: ${c.rejections.join("; ")}`))];
  const shown = reasons.slice(0, 3).join(" | ") + (reasons.length > 3 ? ` | and ${reasons.length - 3} more` : "");
  const issue: ConfigIssue = pinned
    ? {
        key: qualified("instanceType"),
        message: `${pinned} cannot serve ${spec.model.id} for this stack: ${shown}`,
        hint: "pin another instance type (or clear hostwise:instanceType to let the plan choose), raise maxReplicas, or lower the traffic or latency floor",
      }
    : {
        key: qualified("model"),
        message: `no instance type can serve ${spec.model.id} with these settings; closest: ${shown}`,
        hint: "raise maxReplicas, lower the traffic or minTokensPerSecondPerStream, lower maxModelLen or minConcurrentSequences, or quantize (quantization awq or fp8)",
      };
  return new ConfigError([issue]);
}

function describeLoss(c: Candidate, chosen: Candidate): string {
  if (c.rejections.length > 0) return c.rejections.join("; ");
  const dearer = (c.hourlyUsd ?? 0) - (chosen.hourlyUsd ?? 0);
  return dearer > 0.005 ? `$${dearer.toFixed(2)}/h dearer` : "same price, less capacity";
}

/**
 * The sizing decision: every feasible (instance type, TP, replicas) for the stack's traffic and latency
 * floor, the lowest $/hour chosen (with no traffic: the cheapest that fits), and the rest ranked with why
 * each lost. Throws ConfigError when nothing can serve the stack.
 */
export function planSizing(spec: StackSpec): SizingPlan {
  const { candidates, excluded } = enumerateCandidates(spec);
  const feasible = candidates.filter((c) => c.rejections.length === 0).sort(compareFeasible);
  const chosen = feasible[0];
  if (!chosen || !chosen.capacity || chosen.replicas === undefined || chosen.nodes === undefined) {
    throw noFeasiblePlan(spec, candidates);
  }
  const rejected = candidates
    .filter((c) => c.rejections.length > 0)
    .sort((a, b) => a.hourlyUsdPerNode - b.hourlyUsdPerNode || a.tensorParallelSize - b.tensorParallelSize);
  const alternatives = [...feasible.slice(1), ...rejected].map((c) => ({
    instanceType: c.instanceType,
    tensorParallelSize: c.tensorParallelSize,
    replicas: c.replicas,
    nodes: c.nodes,
    hourlyUsd: c.hourlyUsd,
    feasible: c.rejections.length === 0,
    why: describeLoss(c, chosen),
  }));

  const instance = INSTANCE_TYPES.find((i) => i.instanceType === chosen.instanceType)!;
  const tp = chosen.tensorParallelSize;
  const rpn = chosen.replicasPerNode;
  const rps = spec.traffic.peakRequestsPerSecond;
  const shape = replicaShape(spec, instance, chosen.fit, tp);
  const atPeak = rps === undefined ? undefined : pointForLoad(shape, rps / chosen.replicas, chosen.capacity.maxConcurrency);
  const peakConcurrency = Math.ceil(atPeak?.concurrency ?? spec.serving.minConcurrentSequences);
  const meanSequence = spec.traffic.meanPromptTokens + spec.traffic.meanOutputTokens;
  const memory = memoryBudget({
    arch: spec.model.architecture,
    quantization: spec.serving.quantization,
    kvCacheDtype: spec.serving.kvCacheDtype,
    gpuMemoryMiB: instance.gpuMemoryMiBPerGpu,
    gpuMemoryUtilization: spec.serving.gpuMemoryUtilization,
    tensorParallelSize: tp,
    maxNumBatchedTokens: chosen.fit.maxNumBatchedTokens,
    requiredKvTokens: Math.max(spec.serving.minConcurrentSequences * spec.serving.maxModelLen, peakConcurrency * meanSequence),
  });

  const replicas: ScaleCounts = {
    min: spec.scaling.minReplicas,
    peak: chosen.replicas,
    max: spec.scaling.maxReplicas ?? chosen.replicas,
  };
  const nodes: ScaleCounts = {
    min: Math.ceil(replicas.min / rpn),
    peak: chosen.nodes,
    max: Math.ceil(replicas.max / rpn),
  };
  const perNode = chosen.hourlyUsdPerNode;
  const hourlyUsd: ScaleCounts = { min: nodes.min * perNode, peak: nodes.peak * perNode, max: nodes.max * perNode };
  const fleetTokensPerSecond = fleetCapacity(chosen);
  const storage = nodeStorage(spec, instance, rpn);
  const maxNumSeqs = chosen.capacity.maxConcurrency;

  return {
    modelClass: modelClass(spec.model.architecture),
    model: spec.model,
    instanceType: chosen.instanceType,
    gpu: { name: chosen.gpuName, perNode: chosen.gpuCount, memoryGiB: instance.gpuMemoryMiBPerGpu / 1024 },
    dtype: chosen.fit.dtype,
    tensorParallelSize: tp,
    replicasPerNode: rpn,
    replicas,
    nodes,
    memory,
    throughput: {
      capacity: chosen.capacity.point,
      maxConcurrency: chosen.capacity.maxConcurrency,
      limitedBy: chosen.capacity.limitedBy,
      atPeak,
      peakRequestsPerSecond: rps,
      fleetCapacityOutputTokensPerSecond: fleetTokensPerSecond,
    },
    maxNumSeqs,
    maxNumBatchedTokens: chosen.fit.maxNumBatchedTokens,
    vllmArgs: vllmArgs({
      model: spec.model,
      serving: spec.serving,
      dtype: chosen.fit.dtype,
      tensorParallelSize: tp,
      maxNumSeqs,
      maxNumBatchedTokens: chosen.fit.maxNumBatchedTokens,
      ...(spec.entry.fallback ? { maxNumQueuedReqs: maxNumSeqs + spec.entry.fallback.overflowQueueDepth } : {}),
    }),
    nodeDiskGiB: storage.root.sizeGiB,
    nodeStorage: storage,
    coldStart: coldStart(spec, instance, rpn, storage),
    gpuCost: {
      hourlyUsdPerNode: perNode,
      rate: chosen.rate,
      hourlyUsd,
      monthlyUsd: { min: hourlyUsd.min * HOURS_PER_MONTH, peak: hourlyUsd.peak * HOURS_PER_MONTH, max: hourlyUsd.max * HOURS_PER_MONTH },
      usdPerMillionOutputTokensAtCapacity: usdPerMillionTokens(hourlyUsd.peak, fleetTokensPerSecond * 3600),
    },
    alternatives,
    excluded,
  };
}

/**
 * The plan's choice without the ranking: candidates in order of node price, stopping once a node alone costs
 * more than the best plan found (it could only lose). Every evaluated candidate is returned for the
 * "closest" reason when none is feasible.
 */
function cheapestFeasible(spec: StackSpec): { best?: Candidate; candidates: Candidate[] } {
  const candidates: Candidate[] = [];
  let best: Candidate | undefined;
  const instances = INSTANCE_TYPES.filter(
    (i) => (!spec.placement.instanceType || i.instanceType === spec.placement.instanceType) && !exclusionReason(i, spec.pricing),
  )
    .map((instance) => ({ instance, usd: usdPerHour(hourlyPrice(instance, spec.pricing)) }))
    .sort((a, b) => a.usd - b.usd);
  for (const { instance, usd } of instances) {
    if (best && usd > best.hourlyUsd!) break;
    const tps = spec.placement.tensorParallelSize ? [spec.placement.tensorParallelSize] : tensorParallelOptions(instance.gpuCount);
    for (const tp of tps) {
      const c = evaluateCandidate(spec, instance, tp);
      candidates.push(c);
      if (c.rejections.length === 0 && (!best || compareFeasible(c, best) < 0)) best = c;
    }
  }
  return { best, candidates };
}

const QUANTIZATION_VARIANTS: ReadonlyArray<{ quantization: QuantizationAlternative["quantization"]; label: string }> = [
  { quantization: "fp8", label: "FP8 (W8A8)" },
  { quantization: "awq", label: "4-bit AWQ/GPTQ" },
];

/**
 * The stack's model served in FP8 (Ada and Hopper GPUs only) and 4-bit AWQ/GPTQ, sized for the same traffic
 * with the same pins: the cheapest feasible plan of each, or why none is. AWQ runs float16 activations. For
 * the plan's report only (the Pulumi program never needs it), so it is not part of planSizing.
 */
export function quantizationAlternatives(spec: StackSpec): QuantizationAlternative[] {
  const current = spec.serving.quantization === "gptq" ? "awq" : spec.serving.quantization;
  return QUANTIZATION_VARIANTS.filter((v) => v.quantization !== current).map(({ quantization, label }) => {
    const variant: StackSpec = { ...spec, serving: { ...spec.serving, quantization, dtype: "auto" } };
    const { best, candidates } = cheapestFeasible(variant);
    const note = "changes the served weights" as const;
    if (!best || best.hourlyUsd === undefined || best.replicas === undefined) {
      const closest = byCloseness(candidates)[0];
      const why = closest ? `${closest.instanceType} at TP ${closest.tensorParallelSize}: ${closest.rejections.join("; ")}` : "no instance type to evaluate";
      return { quantization, label, feasible: false, why, note };
    }
    const fleet = fleetCapacity(best);
    return {
      quantization,
      label,
      feasible: true,
      instanceType: best.instanceType,
      tensorParallelSize: best.tensorParallelSize,
      replicas: best.replicas,
      nodes: best.nodes,
      hourlyUsd: best.hourlyUsd,
      fleetOutputTokensPerSecond: fleet,
      usdPerMillionOutputTokensAtCapacity: usdPerMillionTokens(best.hourlyUsd, fleet * 3600),
      note,
    };
  });
}
