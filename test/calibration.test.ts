import { describe, expect, it } from "vitest";
import { CALIBRATION_GPUS, CALIBRATION_POINTS, CALIBRATION_SOURCES, CALIBRATED_ARCHITECTURES } from "../infra/catalog/calibration";
import { CALIBRATION_CRITERIA, deviation, modelPoint, runCalibration, summarize } from "../infra/sizing/calibration";

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

describe("two points worked out by hand", () => {
  const point = (id: string) => CALIBRATION_POINTS.find((p) => p.id === id)!;

  it("Llama-3.1-8B on one H100 at batch 1, 1,024-token prompts: 154.3 tokens/s modeled, 154.2 measured", () => {
    // measured: the blog's fit ITL = 6.44 ms + 4.37e-5 ms × 1,024 = 6.4847 ms → 1000 / 6.4847 = 154.21 tokens/s
    const p = point("vllm-fp8kv-h100-c1-1k");
    expect(p.measured).toBeCloseTo(154.208, 3);
    // modeled: one decode step at a mean context of 1,024 + 128 / 2 tokens, 6.4794 ms (test/throughput.test.ts works
    // it out: 15.009 GB of weights at 0.7 × 3,350 GB/s + the KV at 0.9 × 3,350 GB/s + 0.0315 ms of compute)
    expect(modelPoint(p)).toBeCloseTo(1000 / 6.4794, 1);
  });

  it("Qwen2-7B's KV pool on an A100 80GB PCIe at gpu-memory-utilization 0.5: 466,651 tokens modeled, 464,848 in vLLM's log", () => {
    // budget: 81,251 MiB × 0.5 = 42,598,924,288 B
    // weights: 7.62e9 parameters × 2 B (BF16, embeddings too) = 15,240,000,000 B (vLLM's log: 14.2488 GiB = 15.30e9 B)
    // reserve: 0.54 GiB + 2,048 batched tokens × 0.5 B × 18,959.7 intermediate = 579,820,585 + 19,414,699 = 599,235,284 B
    //   (intermediate: (6,529,988,864 body parameters / 28 layers − 29,360,128 attention) / (3 × 3,584))
    // KV per token: 2 × 28 layers × 4 KV heads × 128 × 2 B = 57,344 B
    // (42,598,924,288 − 15,240,000,000 − 599,235,284) / 57,344 = 466,651.9 → 466,651 tokens (24.92 GiB; vLLM: 24.83 GiB)
    const p = point("dennislee-qwen2-7b-a100-kv-0.5");
    expect(p.measured).toBe(464848);
    expect(modelPoint(p)).toBe(466651);
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
