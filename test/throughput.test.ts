import { describe, expect, it } from "vitest";
import { findModel } from "../infra/catalog/models";
import { decodeStep, maxConcurrency, operatingPoint, pointForLoad, prefillTokensPerSecond, type ReplicaShape } from "../infra/sizing/throughput";

// Llama-2-13B AWQ on one L4 (300 GB/s, 121 dense TFLOPS), 512-token prompts, 256-token outputs.
const l4Awq: ReplicaShape = {
  arch: findModel("meta-llama/Llama-2-13b-chat-hf")!,
  quantization: "awq",
  kvCacheDtype: "auto",
  tensorParallelSize: 1,
  memoryBandwidthGBps: 300,
  denseTflops16: 121,
  meanPromptTokens: 512,
  meanOutputTokens: 256,
};

describe("throughput model, against hand-worked figures", () => {
  it("decode at batch 1 is bound by memory bandwidth: (weights + KV) / (bandwidth × 0.6)", () => {
    // weights 13e9 × 0.55 = 7.15e9 B; KV of one sequence at mean context 512 + 128 = 640 tokens × 819,200 B = 0.524288e9 B
    // 7.674288e9 B / (300e9 × 0.6 B/s) = 42.635 ms
    const step = decodeStep(l4Awq, 1);
    expect(step.boundBy).toBe("memory bandwidth");
    expect(step.seconds * 1000).toBeCloseTo(42.635, 2);
  });

  it("decode turns compute-bound once the batch is large enough on a fast-memory GPU", () => {
    // H100: 3,350 GB/s × 0.6 = 2,010 GB/s; 989 TFLOPS × 0.4 = 395.6 TFLOP/s. Qwen2.5-7B BF16, 56 KiB KV per token.
    const h100: ReplicaShape = { ...l4Awq, arch: findModel("Qwen/Qwen2.5-7B-Instruct")!, quantization: "none", memoryBandwidthGBps: 3350, denseTflops16: 989 };
    // batch 512: compute 512 × 2 × 7.6e9 / 395.6e12 = 19.67 ms; memory (15.2e9 + 512 × 640 × 57,344) / 2.01e12 = 16.91 ms
    const step = decodeStep(h100, 512);
    expect(step.boundBy).toBe("compute");
    expect(step.seconds * 1000).toBeCloseTo(19.67, 1);
  });

  it("prefill is compute-bound: dense TFLOPS × 0.4 / (2 × parameters)", () => {
    // 121e12 × 0.4 / (2 × 13e9) = 1,861.5 tokens/s
    expect(prefillTokensPerSecond(l4Awq)).toBeCloseTo(1861.54, 1);
  });

  it("an operating point shares GPU time between prefill and decode: r = 1 / (output/D + prompt/P)", () => {
    const p = operatingPoint(l4Awq, 1);
    const d = 1 / 0.042635; // decode tokens/s at batch 1
    const pre = 1861.54;
    const r = 1 / (256 / d + 512 / pre);
    expect(p.requestsPerSecond).toBeCloseTo(r, 3);
    expect(p.outputTokensPerSecond).toBeCloseTo(r * 256, 2);
    expect(p.prefillShare).toBeCloseTo((r * 512) / pre, 4);
    expect(p.perStreamTokensPerSecond).toBeCloseTo((1 - p.prefillShare) * d, 2);
  });

  it("per-stream speed falls and aggregate throughput rises as the batch grows", () => {
    const small = operatingPoint(l4Awq, 2);
    const large = operatingPoint(l4Awq, 16);
    expect(large.perStreamTokensPerSecond).toBeLessThan(small.perStreamTokensPerSecond);
    expect(large.outputTokensPerSecond).toBeGreaterThan(small.outputTokensPerSecond);
  });
});

describe("batch limits", () => {
  it("keeps the largest batch that meets the latency floor", () => {
    const { concurrency, limitedBy } = maxConcurrency(l4Awq, { kvCapacityTokens: 1e9, maxNumSeqs: 256, minTokensPerSecondPerStream: 10 });
    expect(limitedBy).toBe("latency floor");
    expect(operatingPoint(l4Awq, concurrency).perStreamTokensPerSecond).toBeGreaterThanOrEqual(10);
    expect(operatingPoint(l4Awq, concurrency + 1).perStreamTokensPerSecond).toBeLessThan(10);
  });

  it("caps the batch by KV capacity at the mean sequence length, then by maxNumSeqs", () => {
    // 7,680 tokens / (512 + 256) = 10 sequences
    expect(maxConcurrency(l4Awq, { kvCapacityTokens: 7680, maxNumSeqs: 256, minTokensPerSecondPerStream: 1 })).toEqual({ concurrency: 10, limitedBy: "KV cache" });
    expect(maxConcurrency(l4Awq, { kvCapacityTokens: 7680, maxNumSeqs: 4, minTokensPerSecondPerStream: 1 })).toEqual({ concurrency: 4, limitedBy: "maxNumSeqs" });
  });

  it("returns 0 when one stream is already slower than the floor", () => {
    // batch 1 gives about 20 tokens/s on the L4
    expect(maxConcurrency(l4Awq, { kvCapacityTokens: 1e9, maxNumSeqs: 256, minTokensPerSecondPerStream: 50 })).toEqual({ concurrency: 0, limitedBy: "latency floor" });
  });

  it("finds the concurrency at which a replica serves a given load", () => {
    const p = pointForLoad(l4Awq, 0.3, 15);
    expect(p.requestsPerSecond).toBeCloseTo(0.3, 4);
    expect(p.concurrency).toBeLessThan(15);
    // beyond capacity it reports the capacity point
    expect(pointForLoad(l4Awq, 100, 15).concurrency).toBe(15);
  });
});
