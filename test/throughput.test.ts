import { describe, expect, it } from "vitest";
import { GPUS } from "../infra/catalog/gpus";
import { findModel } from "../infra/catalog/models";
import { REQUEST_OVERHEAD_SECONDS } from "../infra/catalog/efficiency";
import {
  kvTokensPerRunningRequest,
  maxConcurrency,
  operatingPoint,
  pointForLoad,
  stepTime,
  type ReplicaShape,
} from "../infra/sizing/throughput";

// Llama-3.1-8B BF16 on one H100 SXM (3,350 GB/s, 989 BF16 / 1,979 FP8 dense TFLOPS), 1,024-token prompts,
// 128 fixed-length outputs, vLLM's H100 default of 8,192 batched tokens: the vLLM blog's batch-1 setup.
const h100: ReplicaShape = {
  arch: findModel("meta-llama/Llama-3.1-8B-Instruct")!,
  quantization: "none",
  kvCacheDtype: "auto",
  tensorParallelSize: 1,
  gpu: GPUS.h100!,
  memoryBandwidthGBps: 3350,
  maxNumBatchedTokens: 8192,
  meanPromptTokens: 1024,
  meanOutputTokens: 128,
  outputLengthCv: 0,
};
const decode = (batch: number) => ({ decodeTokens: batch, prefillTokens: 0, prefillsCompleted: 0 });

describe("step time, against hand-worked figures", () => {
  it("batch-1 decode reads the weights at 0.7 of peak bandwidth: 6.48 ms on one H100 (the vLLM blog: 6.48 ms)", () => {
    // Llama-3.1-8B: embeddings and lm_head 128,256 × 4,096 = 525.3M each; body 8.03e9 − 1,050.7M = 6,979.3M.
    // weights read: (6,979.3M + 525.3M lm_head) × 2 B = 15.009e9 B / (3,350e9 × 0.7) = 6.4006 ms
    // KV: 1,024 + 128/2 = 1,088 tokens × 131,072 B / (3,350e9 × 0.9) = 0.0473 ms
    // compute: 2 × 7,504.7M FLOPs + attention 4 × 32 × 32 × 128 × 1,088 = 15.58 GFLOP / (989e12 × 0.5) = 0.0315 ms
    // no overlap: 6.4479 + 0.0315 = 6.4794 ms. The blog's fit at 1,024 tokens: 6.44 + 4.37e-5 × 1,024 = 6.4847 ms.
    const step = stepTime(h100, decode(1));
    expect(step.boundBy).toBe("memory bandwidth");
    expect(step.memorySeconds * 1000).toBeCloseTo(6.4479, 3);
    expect(step.computeSeconds * 1000).toBeCloseTo(0.03151, 4);
    expect(step.seconds * 1000).toBeCloseTo(6.4794, 3);
    expect(step.interconnectSeconds).toBe(0);
  });

  it("memory and compute do not overlap: a large batch costs the sum, not the max", () => {
    const step = stepTime(h100, decode(256));
    expect(step.seconds).toBeCloseTo(step.memorySeconds + step.computeSeconds, 12);
    expect(step.seconds).toBeGreaterThan(Math.max(step.memorySeconds, step.computeSeconds) * 1.1);
  });

  it("linear layers run at the FP8 tensor rate under fp8 on Ada/Hopper, and at 0.8 of the FP16 rate under 4-bit AWQ", () => {
    const prefill = { decodeTokens: 0, prefillTokens: 4096, prefillsCompleted: 0 };
    const bf16 = stepTime(h100, prefill).computeSeconds;
    // 4,096 tokens: linear 2 × 6,979.3M × 4,096 = 57.17 TFLOP; attention 524,288 × 4,096 × 512 = 1.10 TFLOP (16-bit either way)
    const linear16 = (2 * 6979.326848e6 * 4096) / (989e12 * 0.5);
    const attention = (4 * 32 * 32 * 128 * 4096 * 512) / (989e12 * 0.5);
    expect(bf16).toBeCloseTo(linear16 + attention, 9);
    expect(stepTime({ ...h100, quantization: "fp8" }, prefill).computeSeconds).toBeCloseTo((linear16 * 989) / 1979 + attention, 9);
    expect(stepTime({ ...h100, quantization: "awq" }, prefill).computeSeconds).toBeCloseTo(linear16 / 0.8 + attention, 9);
  });

  it("tensor parallelism pays two all-reduces per layer: 6.55 ms over PCIe against 0.98 ms over NVLink (Llama-3.1-70B, TP 4, batch 1)", () => {
    const l70 = findModel("meta-llama/Llama-3.1-70B-Instruct")!;
    const shape = (gpu: string): ReplicaShape => ({ ...h100, arch: l70, gpu: GPUS[gpu]!, tensorParallelSize: 4 });
    // 2 × 80 layers × (latency + 2 × 3/4 × 8,192 × 2 B / (link × 0.8))
    // PCIe Gen4 (L40S): 160 × (40 µs + 24,576 B / 25.6 GB/s = 0.96 µs) = 6.554 ms
    // NVLink 3 (A100):   160 × (6 µs + 24,576 B / 240 GB/s = 0.102 µs) = 0.976 ms
    expect(stepTime(shape("l40s"), decode(1)).interconnectSeconds * 1000).toBeCloseTo(6.5536, 4);
    expect(stepTime(shape("a100"), decode(1)).interconnectSeconds * 1000).toBeCloseTo(0.97638, 4);
  });

  it("a mixture-of-experts step reads only the experts its tokens route to", () => {
    const mixtral: ReplicaShape = { ...h100, arch: findModel("mistralai/Mixtral-8x7B-Instruct-v0.1")!, tensorParallelSize: 2 };
    const one = stepTime(mixtral, decode(1)).memorySeconds;
    const many = stepTime(mixtral, decode(64)).memorySeconds;
    // batch 1 touches 2 of 8 experts; 64 tokens touch 1 − 0.75^64 ≈ all of them: the step reads far more than 64× nothing
    expect(many / one).toBeGreaterThan(2);
  });
});

describe("operating point (closed loop, chunked prefill)", () => {
  it("KV per running request: prompt + output × (1 + cv²) / 2", () => {
    expect(kvTokensPerRunningRequest(h100)).toBe(1024 + 64); // fixed lengths
    expect(kvTokensPerRunningRequest({ ...h100, outputLengthCv: 1 })).toBe(1024 + 128); // chat traffic
  });

  it("alone, a request's TTFT is the overhead plus its prefill chunks; decode then runs at 1 / step", () => {
    const long: ReplicaShape = { ...h100, meanPromptTokens: 20000 };
    const p = operatingPoint(long, 1);
    // ⌈20,000 / 8,192⌉ = 3 chunks of 6,666.7 tokens (nothing else decodes meanwhile)
    const chunk = stepTime(long, { decodeTokens: 0, prefillTokens: 20000 / 3, prefillsCompleted: 1 / 3 }).seconds;
    expect(p.ttftSeconds).toBeCloseTo(REQUEST_OVERHEAD_SECONDS.value + 3 * chunk, 9);
    expect(p.stepSeconds).toBeCloseTo(stepTime(long, decode(1)).seconds, 9);
    // Little's law: one request per TTFT + 127 steps
    expect(p.requestsPerSecond).toBeCloseTo(1 / (p.ttftSeconds + 127 * p.stepSeconds), 9);
    expect(p.outputTokensPerSecond).toBeCloseTo(p.requestsPerSecond * 128, 9);
  });

  it("other requests' prompts ride along in the decode steps: the step is slower than a pure decode step", () => {
    const p = operatingPoint(h100, 32);
    expect(p.prefillShare).toBeGreaterThan(0);
    expect(p.stepSeconds).toBeGreaterThan(stepTime(h100, decode(32)).seconds);
    expect(p.outputTokensPerSecond).toBeCloseTo((32 * 128) / (p.ttftSeconds + 127 * p.stepSeconds), 6);
  });

  it("per-stream speed falls and aggregate throughput rises as the batch grows", () => {
    const small = operatingPoint(h100, 2);
    const large = operatingPoint(h100, 64);
    expect(large.perStreamTokensPerSecond).toBeLessThan(small.perStreamTokensPerSecond);
    expect(large.outputTokensPerSecond).toBeGreaterThan(small.outputTokensPerSecond);
  });
});

describe("batch limits", () => {
  // Llama-3.1-8B on one L4 (300 GB/s): about 13 tokens/s per stream at batch 1, falling with the batch.
  const l4: ReplicaShape = { ...h100, gpu: GPUS.l4!, memoryBandwidthGBps: 300, maxNumBatchedTokens: 2048, meanPromptTokens: 512, meanOutputTokens: 256, outputLengthCv: 1 };

  it("keeps the largest batch that meets the latency floor", () => {
    const { concurrency, limitedBy } = maxConcurrency(l4, { kvCapacityTokens: 1e9, maxNumSeqs: 256, minTokensPerSecondPerStream: 10 });
    expect(limitedBy).toBe("latency floor");
    expect(operatingPoint(l4, concurrency).perStreamTokensPerSecond).toBeGreaterThanOrEqual(10);
    expect(operatingPoint(l4, concurrency + 1).perStreamTokensPerSecond).toBeLessThan(10);
  });

  it("caps the batch by what the KV pool keeps running (prompt + output for chat traffic), then by maxNumSeqs", () => {
    // 7,680 tokens / (512 + 256 × (1 + 1²) / 2) = 10 requests
    expect(maxConcurrency(l4, { kvCapacityTokens: 7680, maxNumSeqs: 256, minTokensPerSecondPerStream: 1 })).toEqual({ concurrency: 10, limitedBy: "KV cache" });
    expect(maxConcurrency(l4, { kvCapacityTokens: 7680, maxNumSeqs: 4, minTokensPerSecondPerStream: 1 })).toEqual({ concurrency: 4, limitedBy: "maxNumSeqs" });
  });

  it("returns 0 when one stream is already slower than the floor", () => {
    expect(maxConcurrency(l4, { kvCapacityTokens: 1e9, maxNumSeqs: 256, minTokensPerSecondPerStream: 50 })).toEqual({ concurrency: 0, limitedBy: "latency floor" });
  });

  it("finds the concurrency at which a replica serves a given load", () => {
    const p = pointForLoad(l4, 0.3, 15);
    expect(p.requestsPerSecond).toBeCloseTo(0.3, 4);
    expect(p.concurrency).toBeLessThan(15);
    // beyond capacity it reports the capacity point
    expect(pointForLoad(l4, 100, 15).concurrency).toBe(15);
  });
});
