import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findInstanceType } from "../infra/catalog/instances";
import { MODELS } from "../infra/catalog/models";
import { ConfigError } from "../infra/config/errors";
import { checkHardware, isPowerOfTwo } from "../infra/sizing/candidates";
import { enumerateCandidates, planSizing } from "../infra/sizing/choose";
import { specFor } from "./helpers";

/** Stack configs drawn across the catalog, quantizations, context lengths and traffic shapes. */
const stackConfig = fc
  .record({
    model: fc.constantFrom(...MODELS),
    quantization: fc.constantFrom("none", "fp8", "awq"),
    kvCacheDtype: fc.constantFrom("auto", "fp8"),
    contextShare: fc.double({ min: 0.05, max: 1, noNaN: true }),
    minConcurrentSequences: fc.integer({ min: 1, max: 8 }),
    meanPromptTokens: fc.integer({ min: 16, max: 2048 }),
    meanOutputTokens: fc.integer({ min: 16, max: 1024 }),
    peakRequestsPerSecond: fc.option(fc.double({ min: 0.01, max: 80, noNaN: true }), { nil: undefined }),
    minTokensPerSecondPerStream: fc.double({ min: 1, max: 40, noNaN: true }),
    maxReplicas: fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
  })
  .map((c) => {
    const maxModelLen = Math.max(c.meanPromptTokens + c.meanOutputTokens, Math.floor(Math.min(c.model.maxContext, 32768) * c.contextShare));
    return {
      model: c.model.id,
      quantization: c.quantization,
      ...(c.quantization === "awq" ? { checkpoint: `${c.model.id}-AWQ` } : {}),
      kvCacheDtype: c.kvCacheDtype,
      maxModelLen: Math.min(maxModelLen, c.model.maxContext),
      minConcurrentSequences: c.minConcurrentSequences,
      maxNumSeqs: 256,
      meanPromptTokens: c.meanPromptTokens,
      meanOutputTokens: c.meanOutputTokens,
      peakRequestsPerSecond: c.peakRequestsPerSecond,
      minTokensPerSecondPerStream: c.minTokensPerSecondPerStream,
      maxReplicas: c.maxReplicas,
    };
  })
  .filter((c) => c.meanPromptTokens + c.meanOutputTokens <= c.maxModelLen);

describe("sizing properties", () => {
  it("every plan fits memory, has a valid TP, meets the traffic and floor, and is never dearer than a feasible alternative", () => {
    fc.assert(
      fc.property(stackConfig, (config) => {
        const spec = specFor(config);
        let plan;
        try {
          plan = planSizing(spec);
        } catch (e) {
          // Only allowed when no candidate is feasible.
          expect(e).toBeInstanceOf(ConfigError);
          expect(enumerateCandidates(spec).candidates.every((c) => c.rejections.length > 0)).toBe(true);
          return;
        }
        const instance = findInstanceType(plan.instanceType)!;
        const tp = plan.tensorParallelSize;
        // valid TP
        expect(isPowerOfTwo(tp)).toBe(true);
        expect(spec.model.architecture.attentionHeads % tp).toBe(0);
        expect(tp).toBeLessThanOrEqual(instance.gpuCount);
        expect(plan.replicasPerNode).toBe(Math.floor(instance.gpuCount / tp));
        // fits memory: the guaranteed full-length sequences, and the KV of the peak concurrency
        expect(checkHardware(spec.model.architecture, spec.serving, instance, tp).memory.fits).toBe(true);
        expect(plan.memory.freeGiB).toBeGreaterThanOrEqual(-1e-9);
        // meets the floor and the traffic
        expect(plan.throughput.capacity.perStreamTokensPerSecond).toBeGreaterThanOrEqual(spec.traffic.minTokensPerSecondPerStream - 1e-9);
        if (spec.traffic.peakRequestsPerSecond !== undefined) {
          expect(plan.replicas.peak * plan.throughput.capacity.requestsPerSecond).toBeGreaterThanOrEqual(spec.traffic.peakRequestsPerSecond * (1 - 1e-9));
        }
        expect(plan.nodes.peak * plan.replicasPerNode).toBeGreaterThanOrEqual(plan.replicas.peak);
        if (spec.scaling.maxReplicas !== undefined) expect(plan.replicas.peak).toBeLessThanOrEqual(Math.max(spec.scaling.maxReplicas, spec.scaling.minReplicas));
        // never dearer than a feasible alternative
        for (const alt of plan.alternatives.filter((a) => a.feasible)) {
          expect(plan.gpuCost.hourlyUsd.peak).toBeLessThanOrEqual(alt.hourlyUsd! + 1e-9);
        }
      }),
      { numRuns: 300 },
    );
  });
});
