import { describe, expect, it } from "vitest";
import { CALIBRATION_GPUS, CALIBRATION_POINTS, CALIBRATION_SOURCES, CALIBRATED_ARCHITECTURES } from "../infra/catalog/calibration";
import { CALIBRATION_CRITERIA, deviation, runCalibration, summarize } from "../infra/sizing/calibration";

// The sizing engine against published vLLM measurements (infra/catalog/calibration.ts); `npm run calibrate` prints
// the same table. Acceptance (issue #11): median ratio 0.9-1.1, at least 80 % within ±25 %, none outside ±50 %.

const results = runCalibration();
const used = results.filter((r) => !r.point.excluded);
const summary = summarize(results);

describe("the calibration set", () => {
  it("has at least 20 points from at least 4 independent publishers", () => {
    expect(used.length).toBeGreaterThanOrEqual(20);
    expect(summary.publishers).toBeGreaterThanOrEqual(4);
  });

  it("spans the GPUs, tensor-parallel sizes, weights, concurrencies, prompt lengths and metrics the issue lists", () => {
    const points = used.map((r) => r.point);
    const gpus = new Set(points.map((p) => CALIBRATION_GPUS[p.gpu].label));
    for (const g of ["A10G 24GB", "L4 24GB", "L40S 48GB", "A100 SXM 40GB", "A100 SXM 80GB", "H100 SXM 80GB"]) expect(gpus).toContain(g);
    expect(new Set(points.map((p) => p.tensorParallelSize))).toEqual(new Set([1, 2, 4, 8]));
    expect(new Set(points.map((p) => p.quantization))).toEqual(new Set(["none", "fp8", "awq"]));
    const concurrencies = points.map((p) => p.workload.concurrency);
    expect(Math.min(...concurrencies)).toBe(1);
    expect(Math.max(...concurrencies)).toBeGreaterThanOrEqual(128);
    const prompts = points.map((p) => p.workload.promptTokens);
    expect(Math.min(...prompts)).toBeLessThan(512);
    expect(Math.max(...prompts)).toBeGreaterThanOrEqual(16384);
    expect(new Set(points.map((p) => p.metric))).toEqual(new Set(["perStreamTokensPerSecond", "outputTokensPerSecond", "ttftMs", "kvCapacityTokens"]));
  });

  it("keeps each point's source, date, engine version and conditions, and a reason for every exclusion", () => {
    const ids = new Set<string>();
    for (const p of CALIBRATION_POINTS) {
      expect(ids.has(p.id), p.id).toBe(false);
      ids.add(p.id);
      const source = CALIBRATION_SOURCES.find((s) => s.id === p.source);
      expect(source, p.id).toBeDefined();
      expect(source!.ref.length).toBeGreaterThan(20);
      expect(source!.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(p.engine).toMatch(/vLLM/);
      expect(p.conditions.length).toBeGreaterThan(40);
      expect(p.statistic.length).toBeGreaterThan(2);
      expect(Number.isFinite(p.measured) && p.measured > 0).toBe(true);
      if (p.excluded !== undefined) expect(p.excluded.length, p.id).toBeGreaterThan(60);
    }
    // every source is used
    for (const s of CALIBRATION_SOURCES) expect(CALIBRATION_POINTS.some((p) => p.source === s.id), s.id).toBe(true);
  });

  it("tells the plan which GPU architectures it covers: Ampere, Ada and Hopper, not Turing", () => {
    expect([...CALIBRATED_ARCHITECTURES].sort()).toEqual(["Ada", "Ampere", "Hopper"]);
  });
});

describe("the engine against the calibration set", () => {
  it(`meets the acceptance criteria: median ratio ${summary.medianRatio.toFixed(3)}, ${(summary.shareWithin25 * 100).toFixed(0)} % within ±25 %`, () => {
    const c = CALIBRATION_CRITERIA;
    expect(summary.medianRatio).toBeGreaterThanOrEqual(c.medianRatio.min);
    expect(summary.medianRatio).toBeLessThanOrEqual(c.medianRatio.max);
    expect(summary.shareWithin25).toBeGreaterThanOrEqual(c.within25);
    expect(summary.outside50.map((r) => `${r.point.id} ${r.ratio.toFixed(2)}`)).toEqual([]);
    expect(summary.passes).toBe(true);
  });

  it("holds on the held-out points, which chose no constant", () => {
    const heldOut = used.filter((r) => r.point.heldOut);
    expect(heldOut.length).toBeGreaterThanOrEqual(3);
    for (const r of heldOut) expect(deviation(r.ratio), r.point.id).toBeLessThanOrEqual(CALIBRATION_CRITERIA.maxDeviation);
  });

  it("counts over- and under-prediction alike: 0.8 and 1.25 are both 25 % off", () => {
    expect(deviation(0.8)).toBeCloseTo(0.25, 12);
    expect(deviation(1.25)).toBeCloseTo(0.25, 12);
    expect(deviation(1)).toBe(0);
  });
});
