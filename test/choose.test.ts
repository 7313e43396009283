import { describe, expect, it } from "vitest";
import { BUILT_IN_CATALOG, HOURS_PER_MONTH, RegionPrices } from "../infra/catalog/aws-prices";
import { ConfigError } from "../infra/config/errors";
import { planSizing, quantizationAlternatives } from "../infra/sizing/choose";
import { specFor } from "./helpers";

const EIGHT_BY_80GB = ["p4de.24xlarge", "p5.48xlarge"];
const llama70 = { model: "meta-llama/Llama-3.1-70B-Instruct", maxModelLen: 8192 };

describe("choosing the plan", () => {
  it("with no traffic, picks the cheapest instance that fits", () => {
    const plan = planSizing(specFor({ model: "meta-llama/Llama-2-13b-chat-hf" }));
    // BF16 13B needs a 48 GB GPU: the cheapest is g6e.xlarge ($1.861/h)
    expect(plan.instanceType).toBe("g6e.xlarge");
    expect(plan.tensorParallelSize).toBe(1);
    expect(plan.replicas).toEqual({ min: 1, peak: 1, max: 1 });
    expect(plan.gpuCost.hourlyUsd.peak).toBeCloseTo(1.861, 6);
    expect(plan.gpuCost.monthlyUsd.peak).toBeCloseTo(1.861 * 730, 6);
    expect(plan.alternatives.some((a) => a.instanceType === "g5.xlarge" && /does not fit by/.test(a.why))).toBe(true);
  });

  it("at low traffic the cheapest 70B BF16 plan is far cheaper than an 8 × 80 GB node", () => {
    const plan = planSizing(specFor({ ...llama70, peakRequestsPerSecond: 0.2 }));
    expect(EIGHT_BY_80GB).not.toContain(plan.instanceType);
    const usEast1 = RegionPrices.of(BUILT_IN_CATALOG, "us-east-1")!;
    const cheapest8x80 = Math.min(...EIGHT_BY_80GB.map((t) => usEast1.instance(t)!.onDemand!.usd));
    expect(plan.gpuCost.hourlyUsd.peak).toBeLessThan(cheapest8x80 / 2);
  });

  it("at high sustained traffic an 8 × 80 GB node gives the lowest $ per generated token", () => {
    const plan = planSizing(specFor({ ...llama70, peakRequestsPerSecond: 40 }));
    expect(EIGHT_BY_80GB).toContain(plan.instanceType);
    // and it beats every other feasible instance type on $ per token at capacity
    const perToken = (hourly: number, tokensPerSecond: number) => hourly / 3600 / tokensPerSecond;
    const chosen = perToken(plan.gpuCost.hourlyUsd.peak, plan.throughput.fleetCapacityOutputTokensPerSecond);
    const small = planSizing(specFor({ ...llama70, peakRequestsPerSecond: 40, instanceType: "g6e.12xlarge" }));
    expect(chosen).toBeLessThan(perToken(small.gpuCost.hourlyUsd.peak, small.throughput.fleetCapacityOutputTokensPerSecond));
  });

  it("puts several replicas on one multi-GPU node and says so", () => {
    const plan = planSizing(specFor({ ...llama70, instanceType: "p5.48xlarge", tensorParallelSize: 4, peakRequestsPerSecond: 10 }));
    expect(plan.tensorParallelSize).toBe(4);
    expect(plan.replicasPerNode).toBe(2);
    expect(plan.nodes.peak).toBe(Math.ceil(plan.replicas.peak / 2));
    expect(plan.vllmArgs).toContain("--tensor-parallel-size=4");
  });

  it("validates a pinned instance type instead of overriding it", () => {
    const plan = planSizing(specFor({ model: "meta-llama/Llama-3.1-8B-Instruct", instanceType: "g6e.2xlarge" }));
    expect(plan.instanceType).toBe("g6e.2xlarge");
    expect(plan.alternatives.every((a) => a.instanceType === "g6e.2xlarge")).toBe(true);
  });

  it("adds replicas for traffic, and counts nodes at min, peak and max", () => {
    const plan = planSizing(specFor({ peakRequestsPerSecond: 30, minReplicas: 0, maxReplicas: 40 }));
    const perReplica = plan.throughput.capacity.requestsPerSecond;
    expect(plan.replicas.peak).toBe(Math.ceil(30 / perReplica));
    expect(plan.replicas.min).toBe(0);
    expect(plan.replicas.max).toBe(40);
    expect(plan.nodes.max).toBe(Math.ceil(40 / plan.replicasPerNode));
    expect(plan.gpuCost.hourlyUsd.min).toBe(0);
    expect(plan.gpuCost.monthlyUsd.max).toBeCloseTo(plan.gpuCost.hourlyUsd.max * HOURS_PER_MONTH, 6);
  });

  it("converts peak output tokens/s into requests with the mean output length", () => {
    const byTokens = planSizing(specFor({ peakOutputTokensPerSecond: 2560, meanOutputTokens: 256 }));
    const byRequests = planSizing(specFor({ peakRequestsPerSecond: 10, meanOutputTokens: 256 }));
    expect(byTokens.instanceType).toBe(byRequests.instanceType);
    expect(byTokens.replicas).toEqual(byRequests.replicas);
  });

  it("ranks the alternatives with why each lost", () => {
    const plan = planSizing(specFor({ model: "meta-llama/Llama-2-13b-chat-hf", dtype: "bfloat16" }));
    const why = (type: string, tp = 1) => plan.alternatives.find((a) => a.instanceType === type && a.tensorParallelSize === tp)?.why;
    expect(why("g6e.2xlarge")).toMatch(/^\$0\.38\/h dearer$/); // 2.24208 − 1.861
    expect(why("g4dn.xlarge")).toMatch(/bfloat16 is not supported on the NVIDIA T4/);
    expect(plan.alternatives.find((a) => a.instanceType === "g6e.12xlarge" && a.tensorParallelSize === 4)?.why).toMatch(/\/h dearer/);
    // feasible alternatives come first, cheapest first
    const feasible = plan.alternatives.filter((a) => a.feasible);
    expect(plan.alternatives.slice(0, feasible.length)).toEqual(feasible);
    for (let i = 1; i < feasible.length; i++) expect(feasible[i]!.hourlyUsd!).toBeGreaterThanOrEqual(feasible[i - 1]!.hourlyUsd!);
  });

  it("rejects a too-slow option and a TP that does not divide the heads", () => {
    const plan = planSizing(specFor({ model: "meta-llama/Llama-2-13b-chat-hf", minTokensPerSecondPerStream: 25 }));
    expect(plan.alternatives.some((a) => /too slow: .* below the floor of 25/.test(a.why))).toBe(true);
    const qwen = planSizing(specFor({ model: "Qwen/Qwen2.5-7B-Instruct" })); // 28 heads: TP 8 invalid
    expect(qwen.alternatives.some((a) => a.tensorParallelSize === 8 && /does not divide the model's 28 attention heads/.test(a.why))).toBe(true);
  });

  it("uses fp8 only on Ada and Hopper GPUs", () => {
    const plan = planSizing(specFor({ quantization: "fp8" }));
    expect(["l4", "l40s", "h100", "h200"].some((g) => plan.gpu.name.toLowerCase().includes(g))).toBe(true);
    expect(plan.alternatives.some((a) => a.instanceType === "g5.xlarge" && /fp8 \(W8A8\) needs an Ada or Hopper GPU/.test(a.why))).toBe(true);
    expect(plan.vllmArgs).toContain("--quantization=fp8");
  });

  it("emits every vLLM flag the plan implies", () => {
    const plan = planSizing(specFor({ model: "meta-llama/Llama-2-13b-chat-hf", quantization: "awq", checkpoint: "TheBloke/Llama-2-13B-chat-AWQ", kvCacheDtype: "fp8", maxModelLen: 4096, enablePrefixCaching: false }));
    expect(plan.vllmArgs).toEqual([
      "TheBloke/Llama-2-13B-chat-AWQ",
      "--served-model-name=llama-2-13b-chat-hf",
      "--tensor-parallel-size=1",
      "--max-model-len=4096",
      "--gpu-memory-utilization=0.9",
      "--dtype=float16",
      "--kv-cache-dtype=fp8",
      `--max-num-seqs=${plan.maxNumSeqs}`,
      "--max-num-batched-tokens=2048", // vLLM's default on a GPU under 70 GiB, pinned: it sizes the activation reserve
      // no --quantization=awq: the checkpoint says awq and vLLM picks its Marlin kernels; forcing awq would not
      "--chat-template=/etc/hostwise/chat-template.jinja", // TheBloke's Llama 2 AWQ tokenizer has no chat template
      "--no-enable-prefix-caching",
    ]);
    // fp8 is quantized at load time: only that method is passed
    const fp8 = planSizing(specFor({ model: "Qwen/Qwen2.5-7B-Instruct", quantization: "fp8" }));
    expect(fp8.vllmArgs).toContain("--quantization=fp8");
    expect(fp8.vllmArgs.join(" ")).not.toContain("--chat-template");
    expect(plan.maxNumSeqs).toBe(plan.throughput.maxConcurrency);
    expect(plan.modelClass).toBe("13B class");
  });

  it("labels model classes by size, mixture-of-experts with their active size", () => {
    expect(planSizing(specFor({ model: "meta-llama/Llama-3.1-8B-Instruct" })).modelClass).toBe("7B class");
    expect(planSizing(specFor({ model: "Qwen/Qwen2.5-32B-Instruct" })).modelClass).toBe("30B class");
    expect(planSizing(specFor({ model: "mistralai/Mixtral-8x7B-Instruct-v0.1" })).modelClass).toBe("70B class (mixture of experts, 12.9B active)");
  });

  it("prices a region from its own column, instancePrices overriding a type's On-Demand price", () => {
    const catalog = planSizing(specFor({ "aws:region": "eu-west-1" }));
    // eu-west-1 offers no g6 (the us-east-1 choice): the cheapest 24 GB type there is g5.xlarge at $1.123/h
    expect(catalog.instanceType).toBe("g5.xlarge");
    expect(catalog.gpuCost.hourlyUsd.peak).toBe(1.123);
    expect(catalog.gpuCost.rate).toMatchObject({ region: "eu-west-1", onDemandFrom: "catalog" });
    expect(catalog.excluded.find((e) => e.instanceType === "g6.xlarge")?.reason).toBe(
      "not offered in eu-west-1; regions that have it: us-east-1, us-east-2, us-west-2, ca-central-1, eu-west-2, eu-central-1, eu-north-1, ap-northeast-1, ap-southeast-2, ap-south-1, sa-east-1",
    );
    const overridden = planSizing(specFor({ "aws:region": "eu-west-1", instancePrices: ["g5.xlarge=0.9"] }));
    expect(overridden.gpuCost.hourlyUsd.peak).toBe(0.9);
    expect(overridden.gpuCost.rate.onDemandFrom).toBe("instancePrices");
  });

  it("raises a config error naming a key when nothing can serve the stack", () => {
    const attempt = () => planSizing(specFor({ ...llama70, peakRequestsPerSecond: 100, maxReplicas: 1 }));
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (e) {
      const issue = (e as ConfigError).issues[0]!;
      expect(issue.key).toBe("hostwise:model");
      expect(issue.message).toMatch(/maxReplicas is 1/);
    }
  });
});

describe("calibrated GPUs only, unless pinned", () => {
  const llama7Awq = { model: "meta-llama/Llama-2-7b-chat-hf", quantization: "awq", checkpoint: "TheBloke/Llama-2-7B-Chat-AWQ" };

  it("never chooses a T4 by itself: no published vLLM measurement calibrates Turing", () => {
    // 3.9 GB of AWQ weights fit the T4's 16 GB, and g4dn.xlarge ($0.526/h) is the cheapest GPU instance
    const plan = planSizing(specFor(llama7Awq));
    expect(plan.instanceType).toBe("g6.xlarge");
    const t4 = plan.alternatives.find((a) => a.instanceType === "g4dn.xlarge")!;
    expect(t4.feasible).toBe(false);
    expect(t4.why).toMatch(/no published vLLM measurement calibrates Turing GPUs \(NVIDIA T4\).*pin hostwise:instanceType/);
  });

  it("sizes a pinned T4 all the same", () => {
    const plan = planSizing(specFor({ ...llama7Awq, instanceType: "g4dn.xlarge" }));
    expect(plan.instanceType).toBe("g4dn.xlarge");
  });
});

describe("quantized alternatives", () => {
  it("lists the model in FP8 and 4-bit AWQ/GPTQ with $/h and $ per 1M tokens, and never switches to them", () => {
    const spec = specFor({ peakRequestsPerSecond: 5 });
    expect(planSizing(spec).vllmArgs.some((a) => a.startsWith("--quantization"))).toBe(false); // the plan still serves BF16
    const alternatives = quantizationAlternatives(spec);
    expect(alternatives.map((q) => q.quantization)).toEqual(["fp8", "awq"]);
    for (const q of alternatives) {
      expect(q.note).toBe("changes the served weights");
      expect(q.feasible).toBe(true);
      expect(q.hourlyUsd).toBeGreaterThan(0);
      // $ per 1M output tokens = $/h ÷ 3,600 ÷ the alternative's peak fleet output tokens/s × 1e6
      expect(q.usdPerMillionOutputTokensAtCapacity).toBeCloseTo((q.hourlyUsd! / 3600 / q.fleetOutputTokensPerSecond!) * 1e6, 9);
    }
  });

  it("says why FP8 is out on a pinned Ampere GPU, and leaves out the quantization already served", () => {
    const fp8 = quantizationAlternatives(specFor({ instanceType: "g5.xlarge" })).find((q) => q.quantization === "fp8")!;
    expect(fp8.feasible).toBe(false);
    expect(fp8.why).toMatch(/fp8 \(W8A8\) needs an Ada or Hopper GPU; the NVIDIA A10G is Ampere/);
    const awq = quantizationAlternatives(specFor({ model: "meta-llama/Llama-2-13b-chat-hf", quantization: "awq", checkpoint: "TheBloke/Llama-2-13B-chat-AWQ" }));
    expect(awq.map((q) => q.quantization)).toEqual(["fp8"]);
  });
});
