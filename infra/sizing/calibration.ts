import {
  CALIBRATION_GPUS,
  CALIBRATION_POINTS,
  CALIBRATION_SOURCES,
  calibrationModel,
  type CalibrationPoint,
} from "../catalog/calibration";
import { perfMemory, perfReport, type PerfInputs } from "./perf";

/** The acceptance criteria of the calibration (issue #11). */
export const CALIBRATION_CRITERIA = {
  medianRatio: { min: 0.9, max: 1.1 },
  within25: 0.8,
  maxDeviation: 0.5,
} as const;

export interface CalibrationResult {
  readonly point: CalibrationPoint;
  readonly modeled: number;
  /** modeled / measured. */
  readonly ratio: number;
}

/** The engine's inputs for the conditions a point was measured under. */
function pointInputs(p: CalibrationPoint): PerfInputs {
  const gpu = CALIBRATION_GPUS[p.gpu];
  return {
    arch: calibrationModel(p.model),
    quantization: p.quantization,
    kvCacheDtype: p.kvCacheDtype,
    tensorParallelSize: p.tensorParallelSize,
    gpu: gpu.spec,
    memoryBandwidthGBps: gpu.bandwidthGBps,
    gpuMemoryMiB: gpu.memoryMiB,
    gpuMemoryUtilization: p.vllm.gpuMemoryUtilization,
    maxModelLen: p.vllm.maxModelLen,
    maxNumSeqs: p.vllm.maxNumSeqs,
    maxNumBatchedTokens: p.vllm.maxNumBatchedTokens,
    meanPromptTokens: p.workload.promptTokens,
    meanOutputTokens: p.workload.outputTokens,
    outputLengthCv: p.workload.outputLengthCv,
  };
}

/** What the sizing engine (the same code `hostwise perf` and the plan run) predicts for one point. */
export function modelPoint(p: CalibrationPoint): number {
  const inputs = pointInputs(p);
  if (p.metric === "kvCapacityTokens") return perfMemory(inputs).kvCapacityTokens;
  const level = perfReport(inputs, [p.workload.concurrency]).levels[0]!;
  return level[p.metric];
}

export function runCalibration(points: readonly CalibrationPoint[] = CALIBRATION_POINTS): CalibrationResult[] {
  return points.map((point) => {
    const modeled = modelPoint(point);
    return { point, modeled, ratio: modeled / point.measured };
  });
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** How far a ratio is from 1, symmetric in over- and under-prediction: 0.8 and 1.25 both count as 25 %. */
export function deviation(ratio: number): number {
  return Math.max(ratio, 1 / ratio) - 1;
}

export interface CalibrationSummary {
  readonly points: number;
  readonly sources: number;
  /** Independent publishers among the sources. */
  readonly publishers: number;
  readonly medianRatio: number;
  readonly shareWithin25: number;
  readonly worst: CalibrationResult;
  readonly outside50: readonly CalibrationResult[];
  readonly passes: boolean;
}

/** Summary over the points that are not excluded; `passes` checks the acceptance criteria. */
export function summarize(results: readonly CalibrationResult[]): CalibrationSummary {
  const used = results.filter((r) => !r.point.excluded);
  const ratios = used.map((r) => r.ratio);
  const medianRatio = median(ratios);
  const shareWithin25 = used.filter((r) => deviation(r.ratio) <= 0.25).length / used.length;
  const worst = used.reduce((a, b) => (deviation(b.ratio) > deviation(a.ratio) ? b : a));
  const outside50 = used.filter((r) => deviation(r.ratio) > CALIBRATION_CRITERIA.maxDeviation);
  const sourceIds = new Set(used.map((r) => r.point.source));
  const publishers = new Set(CALIBRATION_SOURCES.filter((s) => sourceIds.has(s.id)).map((s) => s.publisher));
  const c = CALIBRATION_CRITERIA;
  return {
    points: used.length,
    sources: sourceIds.size,
    publishers: publishers.size,
    medianRatio,
    shareWithin25,
    worst,
    outside50,
    passes: medianRatio >= c.medianRatio.min && medianRatio <= c.medianRatio.max && shareWithin25 >= c.within25 && outside50.length === 0,
  };
}
