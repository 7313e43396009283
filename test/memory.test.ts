import { describe, expect, it } from "vitest";
import { findInstanceType } from "../infra/catalog/instances";
import { findModel } from "../infra/catalog/models";
import { checkHardware } from "../infra/sizing/candidates";
import { calibrationModel } from "../infra/catalog/calibration";
import {
  embeddingParams, expertsTouched, intermediateSize, kvBytesPerTokenPerGpu, memoryBudget, runtimeOverheadBytesPerGpu, weightBytes, weightBytesRead,
} from "../infra/sizing/memory";
import { GiB, specFor } from "./helpers";

const model = (id: string) => findModel(id)!;
const instance = (t: string) => findInstanceType(t)!;

describe("memory model, against hand-worked figures", () => {
  it("KV bytes per token match models.md: 2 × layers × KV heads × head dim × 2 bytes", () => {
    expect(kvBytesPerTokenPerGpu(model("meta-llama/Llama-2-7b-chat-hf"), "auto", 1)).toBe(512 * 1024);
    expect(kvBytesPerTokenPerGpu(model("meta-llama/Llama-2-13b-chat-hf"), "auto", 1)).toBe(800 * 1024);
    expect(kvBytesPerTokenPerGpu(model("meta-llama/Llama-3.1-70B-Instruct"), "auto", 1)).toBe(320 * 1024);
    expect(kvBytesPerTokenPerGpu(model("Qwen/Qwen2.5-7B-Instruct"), "auto", 1)).toBe(56 * 1024);
    // fp8 KV halves it
    expect(kvBytesPerTokenPerGpu(model("meta-llama/Llama-3.1-8B-Instruct"), "fp8", 1)).toBe(64 * 1024);
  });

  it("reproduces Databricks' check value: Llama-2-70B, 1,024 tokens, BF16 KV = 0.312 GiB", () => {
    const bytes = 1024 * kvBytesPerTokenPerGpu(model("meta-llama/Llama-2-70b-chat-hf"), "auto", 1);
    expect(bytes / GiB).toBeCloseTo(0.3125, 4);
  });

  it("splits KV heads across TP and replicates them when TP exceeds them", () => {
    const llama70 = model("meta-llama/Llama-3.1-70B-Instruct"); // 8 KV heads
    // TP 4: 2 heads per GPU = 2 × 80 × 2 × 128 × 2 = 81,920 bytes
    expect(kvBytesPerTokenPerGpu(llama70, "auto", 4)).toBe(81920);
    // TP 16 (hypothetical): still one head per GPU, not half a head
    expect(kvBytesPerTokenPerGpu(llama70, "auto", 16)).toBe(40960);
  });

  it("weights: a quantized body, with the embedding table and lm_head kept in 16 bits", () => {
    const l13 = model("meta-llama/Llama-2-13b-chat-hf");
    // embeddings + lm_head: 2 × 32,000 × 5,120 = 327.68M params; body 13e9 − 327.68M = 12,672.32M
    expect(embeddingParams(l13)).toBe(327_680_000);
    expect(weightBytes(l13, "none")).toBe(26e9); // everything at 2 B
    expect(weightBytes(l13, "fp8")).toBeCloseTo(13_327_680_000, -3); // 12,672.32M × 1 B + 327.68M × 2 B
    expect(weightBytes(l13, "awq")).toBeCloseTo(7_244_966_400, -3); // 12,672.32M × 0.52 B + 655.36M B
    // Llama-3.1-8B's 128K vocabulary makes the 16-bit part large: AWQ is 5.34 GiB, not 8.03e9 × 0.52 B = 3.89 GiB
    expect(weightBytes(model("meta-llama/Llama-3.1-8B-Instruct"), "awq") / GiB).toBeCloseTo(5.337, 3);
  });

  it("derives the MLP intermediate size from the parameter count: 14,336 for Llama-3.1-8B (config.json: 14,336)", () => {
    // (6,979.3M body / 32 layers − attention 2 × 4,096 × 32 × 128 + 2 × 4,096 × 8 × 128 = 41.9M) / (3 × 4,096) = 14,336.0
    expect(intermediateSize(model("meta-llama/Llama-3.1-8B-Instruct"))).toBeCloseTo(14336, 0);
  });

  it("sizes the activation reserve by --max-num-batched-tokens: 0.54 GiB + tokens × 0.5 B × intermediate / TP", () => {
    const l8 = model("meta-llama/Llama-3.1-8B-Instruct");
    // 2,048 tokens: 0.54 GiB + 2,048 × 0.5 × 14,336 B = 0.5537 GiB; 8,192 tokens: 0.5947 GiB; TP 2 halves the token term
    expect(runtimeOverheadBytesPerGpu(l8, 1, 2048) / GiB).toBeCloseTo(0.55367, 4);
    expect(runtimeOverheadBytesPerGpu(l8, 1, 8192) / GiB).toBeCloseTo(0.59469, 4);
    expect(runtimeOverheadBytesPerGpu(l8, 2, 8192) / GiB).toBeCloseTo(0.56734, 4);
  });

  it("reproduces vLLM's startup log: Qwen2-7B on an A100 80GB PCIe at 0.5 utilization holds 466,651 tokens (the log: 464,848)", () => {
    // usable 81,251 MiB × 0.5 = 39.673 GiB; weights 7.62e9 × 2 B = 14.193 GiB (the log: 14.25);
    // reserve 0.54 + 2,048 × 0.5 × 18,960 B = 0.558 GiB; KV 24.922 GiB (the log: 24.83) / 57,344 B per token = 466,651
    const b = memoryBudget({
      arch: calibrationModel("Qwen/Qwen2-7B-Instruct"), quantization: "none", kvCacheDtype: "auto",
      gpuMemoryMiB: 81251, gpuMemoryUtilization: 0.5, tensorParallelSize: 1, maxNumBatchedTokens: 2048, requiredKvTokens: 0,
    });
    expect(b.weightsGiB).toBeCloseTo(14.193, 3);
    expect(b.overheadGiB).toBeCloseTo(0.558, 3);
    expect(b.kvCapacityTokens).toBe(466651);
  });

  it("says by how much a model misses: Llama-2-13B BF16 on an A10G is 7.78 GiB short", () => {
    // 24.214 weights + 0.553 overhead (0.54 + 2,048 × 0.5 × 13,799 B) + 3.125 KV (4,096 × 800 KiB) − 20.116 usable = 7.78 GiB
    const spec = specFor({ model: "meta-llama/Llama-2-13b-chat-hf", maxModelLen: 4096 });
    const fit = checkHardware(spec.model.architecture, spec.serving, instance("g5.xlarge"), 1);
    expect(fit.maxNumBatchedTokens).toBe(2048);
    expect(fit.memory.fits).toBe(false);
    expect(-fit.memory.freeGiB).toBeCloseTo(7.776, 3);
    expect(fit.rejections[0]!.message).toMatch(/does not fit by 7\.8 GiB per GPU/);
  });
});

describe("mixture of experts", () => {
  const mixtral = model("mistralai/Mixtral-8x7B-Instruct-v0.1"); // 8 experts, top-2

  it("stores every expert but a step reads only the ones its tokens route to", () => {
    // an expert stays untouched with probability (1 − 2/8)^tokens
    expect(expertsTouched(mixtral, 1)).toBeCloseTo(0.25, 12);
    expect(expertsTouched(mixtral, 4)).toBeCloseTo(1 - 0.75 ** 4, 12);
    expect(weightBytes(mixtral, "none")).toBe(93.4e9); // all 46.7e9 params at 2 B
    // one token: the active 12.9e9 params, minus the input embedding table (32,000 × 4,096 = 131.1M) it only indexes
    const one = weightBytesRead(mixtral, "none", 1);
    expect(one.dense + one.experts).toBeCloseTo((12.9e9 - 131_072_000) * 2, -3);
    // a full batch touches nearly every expert
    const many = weightBytesRead(mixtral, "none", 256);
    expect(many.dense + many.experts).toBeCloseTo((46.7e9 - 131_072_000) * 2, -6);
  });
});

describe("what a reviewer checks", () => {
  const fits = (overrides: Record<string, unknown>, type: string, tp: number) => {
    const spec = specFor(overrides);
    return checkHardware(spec.model.architecture, spec.serving, instance(type), tp).rejections.length === 0;
  };
  const l13 = { model: "meta-llama/Llama-2-13b-chat-hf" };
  const l13awq = { ...l13, quantization: "awq", checkpoint: "TheBloke/Llama-2-13B-chat-AWQ" };
  const l70 = { model: "meta-llama/Llama-3.1-70B-Instruct" };

  it("Llama-2-13B in BF16 does not fit one A10G or L4 but fits one L40S", () => {
    expect(fits(l13, "g5.xlarge", 1)).toBe(false);
    expect(fits(l13, "g6.xlarge", 1)).toBe(false);
    expect(fits(l13, "g6e.xlarge", 1)).toBe(true);
  });

  it("Llama-2-13B in AWQ 4-bit fits one A10G or L4", () => {
    expect(fits(l13awq, "g5.xlarge", 1)).toBe(true);
    expect(fits(l13awq, "g6.xlarge", 1)).toBe(true);
  });

  it("Llama-3.1-70B in BF16 never fits a single 80 GB GPU nor 4 × 24 GB", () => {
    expect(fits(l70, "p5.4xlarge", 1)).toBe(false); // one H100 80 GB
    expect(fits(l70, "p5.48xlarge", 1)).toBe(false);
    expect(fits(l70, "p4de.24xlarge", 1)).toBe(false);
    for (const fourBy24 of ["g5.12xlarge", "g5.24xlarge", "g6.12xlarge", "g6.24xlarge"]) {
      expect(fits(l70, fourBy24, 4)).toBe(false);
    }
    // whereas 8 × 80 GB at TP 8 fits easily
    expect(fits(l70, "p5.48xlarge", 8)).toBe(true);
  });
});
