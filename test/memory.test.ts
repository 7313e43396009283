import { describe, expect, it } from "vitest";
import { findInstanceType } from "../infra/catalog/instances";
import { findModel } from "../infra/catalog/models";
import { checkHardware } from "../infra/sizing/candidates";
import { kvBytesPerTokenPerGpu, memoryBudget, runtimeOverheadBytesPerGpu, weightBytes } from "../infra/sizing/memory";
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

  it("weights: params × bytes per param by quantization", () => {
    const l13 = model("meta-llama/Llama-2-13b-chat-hf");
    expect(weightBytes(l13, "none")).toBe(26e9);
    expect(weightBytes(l13, "fp8")).toBe(13e9);
    expect(weightBytes(l13, "awq")).toBeCloseTo(7.15e9, -3);
  });

  it("is calibrated on vLLM's observed split: Llama-3.1-8B BF16 on one A10G leaves about 4.17 GiB of KV", () => {
    // usable = 22,888 MiB × 0.9 = 20,599.2 MiB = 20.116 GiB; weights = 8.03e9 × 2 B = 14.957 GiB; overhead = 20.07 − 14.99 − 4.17 = 0.91 GiB
    const b = memoryBudget({
      arch: model("meta-llama/Llama-3.1-8B-Instruct"), quantization: "none", kvCacheDtype: "auto",
      gpuMemoryMiB: 22888, gpuMemoryUtilization: 0.9, tensorParallelSize: 1, requiredKvTokens: 0,
    });
    expect(b.usableGiB).toBeCloseTo(20.1164, 4);
    expect(b.weightsGiB).toBeCloseTo(14.957, 3);
    expect(b.overheadGiB).toBeCloseTo(0.91, 3);
    const kvGiB = (b.kvCapacityTokens * 128 * 1024) / GiB;
    expect(Math.abs(kvGiB - 4.17)).toBeLessThan(0.1);
  });

  it("scales the runtime overhead with hidden size (5,120 / 4,096 × 0.91 GiB for Llama-2-13B)", () => {
    expect(runtimeOverheadBytesPerGpu(model("meta-llama/Llama-2-13b-chat-hf")) / GiB).toBeCloseTo(0.91 * 1.25, 6);
  });

  it("says by how much a model misses: Llama-2-13B BF16 on an A10G is 8.36 GiB short", () => {
    // 24.214 weights + 1.1375 overhead + 3.125 KV (4,096 × 800 KiB) − 20.116 usable = 8.36 GiB
    const spec = specFor({ model: "meta-llama/Llama-2-13b-chat-hf", maxModelLen: 4096 });
    const fit = checkHardware(spec.model.architecture, spec.serving, instance("g5.xlarge"), 1);
    expect(fit.memory.fits).toBe(false);
    expect(-fit.memory.freeGiB).toBeCloseTo(8.36, 2);
    expect(fit.rejections[0]!.message).toMatch(/does not fit by 8\.4 GiB per GPU/);
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
