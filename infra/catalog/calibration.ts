import { DEFAULT_GPU_MEMORY_UTILIZATION, VLLM_SCHEDULER_DEFAULTS } from "./efficiency";
import { GPUS, memoryBandwidthGBps, type GpuSpec } from "./gpus";
import { findModel, type ModelArchitecture } from "./models";
import type { KvCacheDtype, Quantization } from "../config/spec";

// Published vLLM measurements the sizing engine is calibrated against (`npm run calibrate`, test/calibration.test.ts).
// Every point keeps its source, date, engine version and exact conditions; conversions from what the source
// reports to what the engine models are written next to the number. A point leaves the fit only with an
// `excluded` reason.

/** Where a group of points comes from. */
export interface CalibrationSource {
  readonly id: string;
  readonly title: string;
  /** URL, or repository/path@commit. */
  readonly ref: string;
  /** When the measurements were published. */
  readonly date: string;
  /** Sources run by the same people are not independent of each other. */
  readonly publisher: string;
}

export const CALIBRATION_SOURCES: readonly CalibrationSource[] = [
  {
    id: "vllm-blog-fp8-kv",
    title: "vLLM blog: The State of FP8 KV-Cache and Attention Quantization in vLLM",
    ref: "github.com/vllm-project/vllm-project.github.io/_posts/2026-04-22-fp8-kvcache.md@c3a01c4a (blog.vllm.ai/2026/04/22)",
    date: "2026-04-22",
    publisher: "vLLM project (AWS, Red Hat AI)",
  },
  {
    id: "gpustack-lab",
    title: "GPUStack performance lab: vLLM baselines per model and GPU",
    ref: "github.com/gpustack/gpustack/docs/performance-lab/{qwen3-8b/h100-latency,qwen3-14b/a100,qwen3-32b/h100,qwen3-32b/a100,qwen3-235b-a22b/a100,glm-4.5-air/a100}.md@47277d79",
    date: "2026-08-21",
    publisher: "GPUStack",
  },
  {
    id: "gpustack-quantization",
    title: "GPUStack: The Impact of Quantization on vLLM Inference Performance",
    ref: "github.com/gpustack/gpustack/docs/performance-lab/references/the-impact-of-quantization-on-vllm-inference-performance.md@47277d79",
    date: "2026-08-21",
    publisher: "GPUStack",
  },
  {
    id: "dennislee-a100",
    title: "vLLM Benchmarking on A100 80GB (Qwen2-7B-Instruct), with startup logs",
    ref: "github.com/dennislee22/vLLM-benchmarking README.md (Test 4, Test 5) and log/vllm-7B-1gpuA10080GB-0.{25,5}GRAM.log@00dac23d",
    date: "2025-09-09",
    publisher: "dennislee22 (Cloudera AI platform)",
  },
  {
    id: "musgrave-a100-40",
    title: "vLLM throughput-latency sweep on NVIDIA A100 (Llama-3.1-8B-Instruct, concurrency 1-64)",
    ref: "https://johnmusgrave.com/p/vllm-throughput-latency-sweep-on",
    date: "2026-08-01",
    publisher: "John Musgrave",
  },
  {
    id: "kubeai-l4",
    title: "KubeAI: Llama 3.2 11B Vision Instruct vLLM Benchmarks (single L4)",
    ref: "github.com/substratusai/kubeai/docs/benchmarks/llama-3.2-11b-vision.md@8e945049 and manifests/models/llama-3.2-11b-vision-instruct-l4.yaml",
    date: "2024-09-30",
    publisher: "Substratus (KubeAI)",
  },
  {
    id: "vllm-pr-29217",
    title: "vLLM PR #29217: Tune Triton w8a8 block fp8 kernel for L40s (benchmark 'Before')",
    ref: "https://github.com/vllm-project/vllm/pull/29217",
    date: "2025-11-22",
    publisher: "lgeiger (vLLM contributor)",
  },
  {
    id: "vllm-issue-17788",
    title: "vLLM issue #17788: benchmark_serving results for Qwen3-32B (H100 NVL, max-num-seqs 32)",
    ref: "https://github.com/vllm-project/vllm/issues/17788",
    date: "2025-05-07",
    publisher: "hit023 (vLLM user)",
  },
  {
    id: "ai-on-eks-a10g",
    title: "AI on EKS: DeepSeek-R1-Distill-Llama-8B with RayServe and vLLM on one A10G (g5.4xlarge)",
    ref: "github.com/awslabs/ai-on-eks/website/docs/ai/inference/GPUs/ray-vllm-deepseek.md and blueprints/inference/vllm-ray-gpu-deepseek@41a979ee",
    date: "2025-02-10",
    publisher: "AWS (awslabs)",
  },
  {
    id: "lambda-vllm-benchmark",
    title: "Lambda vllm-benchmark: benchmark_serving.py results per model on 1/2/4/8× A100 and H100 SXM",
    ref: "github.com/LambdaLabsML/vllm-benchmark results/prompt_10/{2xA100-80GB-SXM/Meta-Llama-3-70B-Instruct_tp2_len2000.json@a9b42a5f,2xH100-80GB-SXM/Meta-Llama-3.1-70B-Instruct-FP8_tp2_len4000.json@de55d46e}; benchmark.py, benchmark_1x2x4x8x.sh",
    date: "2024-09-07",
    publisher: "Lambda",
  },
];

/** Architectures of calibration models outside the catalog, from their Hugging Face config.json. */
const HF = "the model's Hugging Face config.json (num_hidden_layers, hidden_size, num_attention_heads, num_key_value_heads, head_dim, vocab_size) and model card parameter count";

interface CalibrationModel extends ModelArchitecture {
  readonly id: string;
  readonly source: string;
}

const QWEN3 = { vocabSize: 151936, headDim: 128, kvHeads: 8, maxContext: 40960 } as const;

export const CALIBRATION_MODELS: readonly CalibrationModel[] = [
  { id: "Qwen/Qwen3-8B", ...QWEN3, layers: 36, hiddenSize: 4096, attentionHeads: 32, paramsBillions: 8.19, activeParamsBillions: 8.19, source: HF },
  { id: "Qwen/Qwen3-14B", ...QWEN3, layers: 40, hiddenSize: 5120, attentionHeads: 40, paramsBillions: 14.77, activeParamsBillions: 14.77, source: HF },
  { id: "Qwen/Qwen3-32B", ...QWEN3, layers: 64, hiddenSize: 5120, attentionHeads: 64, paramsBillions: 32.76, activeParamsBillions: 32.76, source: HF },
  {
    // Text decoder of Qwen3-VL-32B = Qwen3-32B; the ~0.6B vision tower is stored but not run for text prompts.
    id: "Qwen/Qwen3-VL-32B-Instruct-FP8", ...QWEN3, layers: 64, hiddenSize: 5120, attentionHeads: 64, paramsBillions: 33.4, activeParamsBillions: 32.76,
    maxContext: 262144, source: `${HF}; vision tower counted in memory only`,
  },
  {
    id: "Qwen/Qwen3-235B-A22B-Instruct-2507", ...QWEN3, layers: 94, hiddenSize: 4096, attentionHeads: 64, kvHeads: 4, paramsBillions: 235, activeParamsBillions: 22,
    experts: { total: 128, perToken: 8 }, maxContext: 262144, source: `${HF}; num_experts 128, num_experts_per_tok 8`,
  },
  {
    id: "zai-org/GLM-4.5-Air", layers: 46, hiddenSize: 4096, attentionHeads: 96, kvHeads: 8, headDim: 128, vocabSize: 151552, maxContext: 131072,
    paramsBillions: 106, activeParamsBillions: 12, experts: { total: 128, perToken: 8 }, source: `${HF}; n_routed_experts 128, num_experts_per_tok 8`,
  },
  { id: "Qwen/Qwen2-7B-Instruct", layers: 28, hiddenSize: 3584, attentionHeads: 28, kvHeads: 4, headDim: 128, vocabSize: 152064, maxContext: 32768, paramsBillions: 7.62, activeParamsBillions: 7.62, source: HF },
  {
    // Text-only requests skip the 8 cross-attention layers in vLLM's Mllama (skip_cross_attention): a token runs
    // through the 32 self-attention layers of Llama-3.1-8B (8.03B with embeddings); memory holds all 10.67B.
    id: "neuralmagic/Llama-3.2-11B-Vision-Instruct-FP8-dynamic", layers: 32, hiddenSize: 4096, attentionHeads: 32, kvHeads: 8, headDim: 128, vocabSize: 128256,
    maxContext: 131072, paramsBillions: 10.67, activeParamsBillions: 8.03, source: `${HF}; text path of Mllama (32 self-attention layers)`,
  },
];

/** A GPU as the measurement ran it: the catalog spec (or a calibration-only part) and its real memory. */
interface CalibrationGpu {
  readonly spec: GpuSpec;
  /** Total memory per GPU as vLLM sees it (torch), MiB. */
  readonly memoryMiB: number;
  readonly bandwidthGBps: number;
  readonly label: string;
}

/** Bandwidth: the catalog's for the part's memory size, unless the measured card differs from the AWS part. */
function measuredOn(spec: GpuSpec, memoryMiB: number, label: string, bandwidthGBps = memoryBandwidthGBps(spec, memoryMiB)): CalibrationGpu {
  return { spec, memoryMiB, bandwidthGBps, label };
}

const gpu = (id: string): GpuSpec => GPUS[id]!;

/** H100 NVL (PCIe card, 94 GB HBM3): NVIDIA H100 datasheet, NVL column. Not an AWS part; calibration only. */
const H100_NVL: GpuSpec = {
  ...gpu("h100"),
  id: "h100-nvl",
  name: "NVIDIA H100 NVL",
  memoryBandwidthGBps: 3938,
  denseTflops16: 835,
  denseTflops8: 1671,
  source: { ref: "NVIDIA H100 Tensor Core GPU datasheet (H100 NVL: 3.9 TB/s, 1,671 BF16 / 3,341 FP8 TFLOPS with sparsity)", date: "2026-11-23" },
};

/** A100 80GB PCIe: 1,935 GB/s (NVIDIA A100 Tensor Core GPU datasheet, PCIe column), below the SXM part's 2,039. */
const A100_80GB_PCIE_BANDWIDTH_GBPS = 1935;

/**
 * Memory is the total vLLM sees (nvidia-smi / torch): H100 SXM 81,559 MiB, A100 SXM 80GB 81,920, A100 80GB
 * PCIe 81,251 (dennislee's runs: 0.25 of the total = 24.83 − 5.01 GiB → 79.3 GiB), A100 40GB 40,960,
 * L40S 46,068, L4 23,034, A10G 22,835 (ai-on-eks: 0.9 × total = 20.07 GiB budget).
 */
export const CALIBRATION_GPUS = {
  h100: measuredOn(gpu("h100"), 81559, "H100 SXM 80GB"),
  h100nvl: measuredOn(H100_NVL, 95830, "H100 NVL 94GB"),
  a100_80: measuredOn(gpu("a100"), 81920, "A100 SXM 80GB"),
  a100_80_pcie: measuredOn(gpu("a100"), 81251, "A100 80GB PCIe", A100_80GB_PCIE_BANDWIDTH_GBPS),
  a100_40: measuredOn(gpu("a100"), 40960, "A100 SXM 40GB"),
  l40s: measuredOn(gpu("l40s"), 46068, "L40S 48GB"),
  l4: measuredOn(gpu("l4"), 23034, "L4 24GB"),
  a10g: measuredOn(gpu("a10g"), 22835, "A10G 24GB"),
} satisfies Record<string, CalibrationGpu>;

export type CalibrationMetric = "perStreamTokensPerSecond" | "outputTokensPerSecond" | "ttftMs" | "kvCapacityTokens";

export interface CalibrationPoint {
  readonly id: string;
  readonly source: string;
  /** Catalog id or a CALIBRATION_MODELS id. */
  readonly model: string;
  readonly gpu: keyof typeof CALIBRATION_GPUS;
  readonly tensorParallelSize: number;
  readonly quantization: Quantization;
  readonly kvCacheDtype: KvCacheDtype;
  /** vLLM version the measurement ran. */
  readonly engine: string;
  /** The engine settings that matter here (vLLM's defaults for that GPU unless the source set them). */
  readonly vllm: { readonly maxNumSeqs: number; readonly maxNumBatchedTokens: number; readonly gpuMemoryUtilization: number; readonly maxModelLen: number };
  /**
   * Mean prompt and output tokens, the output lengths' spread (standard deviation / mean: 0 for fixed-length
   * random prompts; ShareGPT assumed 1, exponential-like), and the client concurrency (requests in flight).
   */
  readonly workload: { readonly promptTokens: number; readonly outputTokens: number; readonly outputLengthCv: number; readonly concurrency: number };
  readonly metric: CalibrationMetric;
  readonly measured: number;
  /** What the figure is: mean, median, a fit, an approximate log reading. */
  readonly statistic: string;
  /** The exact benchmark conditions, and any conversion from what the source reports. */
  readonly conditions: string;
  /** Kept out of the fit, with why. */
  readonly excluded?: string;
  /** Not used to choose constants: checks the fit on data it never saw. */
  readonly heldOut?: boolean;
}

/** `vllm serve` defaults on the H100 (and other 70+ GiB GPUs but the A100), and on every other GPU. */
const H100_DEFAULTS = { ...VLLM_SCHEDULER_DEFAULTS.large, gpuMemoryUtilization: DEFAULT_GPU_MEMORY_UTILIZATION } as const;
const OTHER_DEFAULTS = { ...VLLM_SCHEDULER_DEFAULTS.other, gpuMemoryUtilization: DEFAULT_GPU_MEMORY_UTILIZATION } as const;

/** ShareGPT (vLLM bench, Qwen3 tokenizer, chat endpoint): 1,000 prompts = 217,393 prompt and ~201,500 output tokens. */
const SHAREGPT_QWEN3 = { promptTokens: 217.4, outputTokens: 201.4, outputLengthCv: 1 } as const;

/** What the points of one run share: source, model, GPUs, weights and engine. */
type Run = Pick<CalibrationPoint, "source" | "model" | "gpu" | "tensorParallelSize" | "quantization" | "engine">;

const VLLM_BLOG_RUN: Run = {
  source: "vllm-blog-fp8-kv", model: "meta-llama/Llama-3.1-8B-Instruct", gpu: "h100", tensorParallelSize: 1, quantization: "none", engine: "vLLM 0.19.1",
};
const DENNISLEE_RUN: Run & Pick<CalibrationPoint, "kvCacheDtype"> = {
  source: "dennislee-a100", model: "Qwen/Qwen2-7B-Instruct", gpu: "a100_80_pcie", tensorParallelSize: 1, quantization: "none", kvCacheDtype: "auto", engine: "vLLM 0.10.1.1",
};
/** dennislee's engine: vLLM's defaults but max-model-len 16,384, at the run's gpu-memory-utilization. */
const dennisleeEngine = (gpuMemoryUtilization: number) => ({ ...OTHER_DEFAULTS, gpuMemoryUtilization, maxModelLen: 16384 });
const AI_ON_EKS_RUN: Run & Pick<CalibrationPoint, "kvCacheDtype" | "vllm" | "workload"> = {
  source: "ai-on-eks-a10g", model: "meta-llama/Llama-3.1-8B-Instruct", gpu: "a10g", tensorParallelSize: 1, quantization: "none", kvCacheDtype: "auto",
  engine: "vLLM 0.7.0", vllm: { maxNumSeqs: 4, maxNumBatchedTokens: 8192, gpuMemoryUtilization: 0.9, maxModelLen: 8192 },
  workload: { promptTokens: 10, outputTokens: 349, outputLengthCv: 0, concurrency: 1 },
};

export const CALIBRATION_POINTS: readonly CalibrationPoint[] = [
  // --- vLLM blog, 1×H100, Llama-3.1-8B BF16 weights (vLLM 0.19.1, FlashAttention 3) ---------------------------------
  ...([
    ["vllm-fp8kv-h100-c1-1k", 1024, "auto", 6.44, 4.37e-5],
    ["vllm-fp8kv-h100-c1-32k", 32768, "auto", 6.44, 4.37e-5],
    ["vllm-fp8kv-h100-c1-64k-fp8kv", 65536, "fp8", 6.58, 2.37e-5],
  ] as const).map(([id, prompt, kv, intercept, slope]): CalibrationPoint => ({
    id, ...VLLM_BLOG_RUN, kvCacheDtype: kv, vllm: { ...H100_DEFAULTS, maxModelLen: 131072 },
    workload: { promptTokens: prompt, outputTokens: 128, outputLengthCv: 0, concurrency: 1 },
    metric: "perStreamTokensPerSecond",
    measured: 1000 / (intercept + slope * prompt),
    statistic: "linear fit of ITL over prompt length",
    conditions:
      `vllm bench serve, concurrency 1, 128 output tokens, prompts swept 256-125k; the post's fit ITL = ${intercept} ms + ${slope} ms × prompt tokens ` +
      `(${kv === "fp8" ? "--kv-cache-dtype fp8" : "BF16 KV cache"}), evaluated at ${prompt} tokens; per-stream speed = 1000 / ITL`,
  })),
  ...([
    ["vllm-fp8kv-h100-c8-20k-tpot", "auto", "perStreamTokensPerSecond", 1000 / 15.18, "median ITL 15.18 ms → 1000/15.18"],
    ["vllm-fp8kv-h100-c8-20k-output", "auto", "outputTokensPerSecond", 450.3, "output tokens/s as reported"],
    ["vllm-fp8kv-h100-c8-20k-ttft", "auto", "ttftMs", 763.6, "median TTFT as reported"],
    ["vllm-fp8kv-h100-c8-20k-output-fp8kv", "fp8", "outputTokensPerSecond", 517.5, "output tokens/s as reported"],
  ] as const).map(([id, kv, metric, measured, how]): CalibrationPoint => ({
    id, ...VLLM_BLOG_RUN, kvCacheDtype: kv, vllm: { ...H100_DEFAULTS, maxModelLen: 131072 },
    workload: { promptTokens: 20000, outputTokens: 2000, outputLengthCv: 0.09, concurrency: 8 },
    metric, measured, statistic: metric === "outputTokensPerSecond" ? "run total" : "median",
    conditions: `150 requests at concurrency 8, ~20k prompt and ~2k output tokens (±15 %), ${kv === "fp8" ? "FP8" : "BF16"} KV cache (Table 4); ${how}`,
  })),

  // --- GPUStack performance lab (vLLM 0.11.0, `vllm serve <model>` defaults) ----------------------------------------
  ...([
    ["gpustack-qwen3-8b-h100-c4-tpot", "perStreamTokensPerSecond", 1000 / 7.38, "mean TPOT 7.38 ms → 1000/7.38"],
    ["gpustack-qwen3-8b-h100-c4-output", "outputTokensPerSecond", 496.88, "output tokens/s as reported"],
    ["gpustack-qwen3-8b-h100-c4-ttft", "ttftMs", 64.0, "mean TTFT as reported"],
  ] as const).map(([id, metric, measured, how]): CalibrationPoint => ({
    id, source: "gpustack-lab", model: "Qwen/Qwen3-8B", gpu: "h100", tensorParallelSize: 1, quantization: "none", kvCacheDtype: "auto",
    engine: "vLLM 0.11.0", vllm: { ...H100_DEFAULTS, maxModelLen: 40960 },
    workload: { promptTokens: 232.6, outputTokens: 220.6, outputLengthCv: 1, concurrency: 4 },
    metric, measured, statistic: metric === "outputTokensPerSecond" ? "run total" : "mean",
    conditions:
      "qwen3-8b/h100-latency.md: vllm bench serve, openai-chat, ShareGPT 100 prompts, --max-concurrency 4 (23,260 prompt / 22,061 output " +
      `tokens → 232.6 / 220.6 mean); ${how}`,
  })),
  {
    id: "gpustack-qwen3-32b-h100-sharegpt", source: "gpustack-lab", model: "Qwen/Qwen3-32B", gpu: "h100", tensorParallelSize: 1,
    quantization: "none", kvCacheDtype: "auto", engine: "vLLM 0.11.0", vllm: { ...H100_DEFAULTS, maxModelLen: 40960 },
    workload: { ...SHAREGPT_QWEN3, concurrency: 1000 }, metric: "outputTokensPerSecond", measured: 1131.55, statistic: "run total",
    conditions:
      "qwen3-32b/h100.md: ShareGPT 1,000 prompts at infinite request rate; the KV pool (about 10 GiB on one H100 for 65 GB of weights) " +
      "keeps ~100 running, far below 1,000, so the run is KV-bound",
    excluded:
      "recompute thrash at the KV pool's edge: the pool (about 10 GiB next to 61 GiB of weights) holds a fractional number of requests, vLLM admits " +
      "one more whenever a prompt fits and preempts it (recomputing its prompt) as outputs grow; mean TPOT 88 ms against a 71 ms median shows it. " +
      "A steady-state model does not represent preemption; the A100 run of the same model (max-num-batched-tokens 2,048, slower admission) stays in",
  },
  {
    id: "gpustack-qwen3-32b-h100-long", source: "gpustack-lab", model: "Qwen/Qwen3-32B", gpu: "h100", tensorParallelSize: 1,
    quantization: "none", kvCacheDtype: "auto", engine: "vLLM 0.11.0", vllm: { ...H100_DEFAULTS, maxModelLen: 40960 },
    workload: { promptTokens: 4000, outputTokens: 200, outputLengthCv: 0, concurrency: 500 }, metric: "outputTokensPerSecond", measured: 2148.69 * (200 / 4200),
    statistic: "run total, converted",
    conditions:
      "qwen3-32b/h100.md baseline table, 'Long Prompt': random 4,000 in / 200 out, 500 prompts at infinite rate, total 2,148.69 tokens/s; " +
      "output = total × 200 / 4,200 (random dataset, fixed lengths)",
    excluded:
      "recompute thrash: the 41,000-token pool holds 9.8 requests of 4,200 tokens, so vLLM admits ten at their 4,000-token prompts and preempts one " +
      "(recomputing a 4,000-token prompt) every time the outputs outgrow the pool; the steady-state model does not represent preemption",
  },
  {
    id: "gpustack-qwen3-32b-h100-very-long", source: "gpustack-lab", model: "Qwen/Qwen3-32B", gpu: "h100", tensorParallelSize: 1,
    quantization: "none", kvCacheDtype: "auto", engine: "vLLM 0.11.0", vllm: { ...H100_DEFAULTS, maxModelLen: 40960 },
    workload: { promptTokens: 32000, outputTokens: 100, outputLengthCv: 0, concurrency: 500 }, metric: "outputTokensPerSecond", measured: 2771.81 * (100 / 32100),
    statistic: "run total, converted",
    conditions:
      "qwen3-32b/h100.md baseline table, 'Very Long Prompt': random 32,000 in / 100 out, 500 prompts at infinite rate, total 2,771.81 tokens/s; " +
      "output = total × 100 / 32,100; one request fits the KV pool at a time",
  },
  {
    id: "gpustack-qwen3-32b-a100-sharegpt", source: "gpustack-lab", model: "Qwen/Qwen3-32B", gpu: "a100_80", tensorParallelSize: 1,
    quantization: "none", kvCacheDtype: "auto", engine: "vLLM 0.11.0", vllm: { ...OTHER_DEFAULTS, maxModelLen: 32768 },
    workload: { ...SHAREGPT_QWEN3, concurrency: 1000 }, metric: "outputTokensPerSecond", measured: 832.43, statistic: "run total",
    conditions: "qwen3-32b/a100.md: vllm serve Qwen/Qwen3-32B --max-model-len 32768, ShareGPT 1,000 prompts at infinite rate (KV-bound, ~125 running)",
  },
  {
    id: "gpustack-qwen3-14b-a100-sharegpt", source: "gpustack-lab", model: "Qwen/Qwen3-14B", gpu: "a100_80", tensorParallelSize: 1,
    quantization: "none", kvCacheDtype: "auto", engine: "vLLM 0.11.0", vllm: { ...OTHER_DEFAULTS, maxModelLen: 40960 },
    workload: { ...SHAREGPT_QWEN3, concurrency: 1000 }, metric: "outputTokensPerSecond", measured: 1887.31, statistic: "run total",
    conditions: "qwen3-14b/a100.md: ShareGPT 1,000 prompts at infinite rate; bounded by max-num-seqs 256 (A100 default), four waves",
  },
  {
    id: "gpustack-qwen3-235b-a100-tp8", source: "gpustack-lab", model: "Qwen/Qwen3-235B-A22B-Instruct-2507", gpu: "a100_80", tensorParallelSize: 8,
    quantization: "none", kvCacheDtype: "auto", engine: "vLLM 0.11.0", vllm: { ...OTHER_DEFAULTS, maxModelLen: 262144 },
    workload: { ...SHAREGPT_QWEN3, concurrency: 1000 }, metric: "outputTokensPerSecond", measured: 1798.14, statistic: "run total",
    conditions: "qwen3-235b-a22b/a100.md: vllm serve ... -tp 8 on 8×A100 SXM 80GB (NVSwitch), BF16 MoE, ShareGPT 1,000 prompts at infinite rate; max-num-seqs 256 bound",
  },
  {
    id: "gpustack-glm45air-a100-tp4", source: "gpustack-lab", model: "zai-org/GLM-4.5-Air", gpu: "a100_80", tensorParallelSize: 4,
    quantization: "none", kvCacheDtype: "auto", engine: "vLLM 0.11.0", vllm: { ...OTHER_DEFAULTS, maxModelLen: 131072 },
    workload: { promptTokens: 214.5, outputTokens: 199.9, outputLengthCv: 1, concurrency: 1000 }, metric: "outputTokensPerSecond", measured: 1883.14, statistic: "run total",
    conditions: "glm-4.5-air/a100.md: vllm serve zai-org/GLM-4.5-Air -tp 4 on 4×A100 SXM 80GB, ShareGPT 1,000 prompts (214,465 / 199,904 tokens) at infinite rate; max-num-seqs 256 bound",
    heldOut: true,
  },
  {
    id: "gpustack-quant-qwen3-8b-a100-bf16", source: "gpustack-quantization", model: "Qwen/Qwen3-8B", gpu: "a100_80", tensorParallelSize: 1,
    quantization: "none", kvCacheDtype: "auto", engine: "vLLM 0.9.2", vllm: { ...OTHER_DEFAULTS, maxModelLen: 40960 },
    workload: { ...SHAREGPT_QWEN3, concurrency: 1000 }, metric: "outputTokensPerSecond", measured: 10338.25 * (201.4 / 418.8), statistic: "run total, converted",
    conditions: "A100 80GB table, BF16: ShareGPT 1,000 prompts at infinite rate, total 10,338.25 tokens/s; output = total × 201.4 / 418.8 (ShareGPT token split); max-num-seqs 256 bound",
  },
  {
    id: "gpustack-quant-qwen3-8b-a100-awq", source: "gpustack-quantization", model: "Qwen/Qwen3-8B", gpu: "a100_80", tensorParallelSize: 1,
    quantization: "awq", kvCacheDtype: "auto", engine: "vLLM 0.9.2", vllm: { ...OTHER_DEFAULTS, maxModelLen: 40960 },
    workload: { ...SHAREGPT_QWEN3, concurrency: 1000 }, metric: "outputTokensPerSecond", measured: 9611.61 * (201.4 / 418.8), statistic: "run total, converted",
    conditions: "A100 80GB table, AWQ (Qwen3-8B-AWQ, AWQ GEMM kernel): total 9,611.61 tokens/s; output = total × 201.4 / 418.8; max-num-seqs 256 bound",
  },
  {
    id: "gpustack-quant-qwen3-8b-h100-fp8", source: "gpustack-quantization", model: "Qwen/Qwen3-8B", gpu: "h100", tensorParallelSize: 1,
    quantization: "fp8", kvCacheDtype: "auto", engine: "vLLM 0.9.2", vllm: { ...H100_DEFAULTS, maxModelLen: 40960 },
    workload: { ...SHAREGPT_QWEN3, concurrency: 1000 }, metric: "outputTokensPerSecond", measured: 15275.64 * (201.4 / 418.8), statistic: "run total, converted",
    conditions: "H100 table, FP8 dynamic (W8A8): total 15,275.64 tokens/s; output = total × 201.4 / 418.8",
    excluded:
      "not a steady state: all 1,000 requests fit max-num-seqs 1,024 and the KV pool at once, so the run is one burst whose length is set by ShareGPT's longest outputs at a shrinking batch, which a steady-state model cannot represent",
  },

  // --- dennislee22, one A100 80GB, Qwen2-7B-Instruct BF16 (vLLM 0.10.1.1) ---------------------------------------------
  ...([
    ["dennislee-qwen2-7b-a100-c1-tpot", 1, "perStreamTokensPerSecond", 1000 / 11.75, "1 prompt; mean TPOT 11.75 ms → 1000/11.75"],
    ["dennislee-qwen2-7b-a100-c10-tpot", 10, "perStreamTokensPerSecond", 1000 / 13.47, "10 prompts at once; mean TPOT 13.47 ms"],
    ["dennislee-qwen2-7b-a100-c10-output", 10, "outputTokensPerSecond", 715.92, "10 prompts at once; output tokens/s"],
    ["dennislee-qwen2-7b-a100-c50-output", 50, "outputTokensPerSecond", 2356.12, "50 prompts at once; output tokens/s"],
    ["dennislee-qwen2-7b-a100-c75-tpot", 75, "perStreamTokensPerSecond", 1000 / 22.21, "75 prompts at once; mean TPOT 22.21 ms"],
  ] as const).map(([id, c, metric, measured, how]): CalibrationPoint => ({
    id, ...DENNISLEE_RUN, vllm: dennisleeEngine(0.5),
    workload: { promptTokens: 1024, outputTokens: 1024, outputLengthCv: 0, concurrency: c },
    metric, measured, statistic: metric === "outputTokensPerSecond" ? "run total" : "mean",
    conditions:
      `README Test 5 (gpu-memory-utilization 0.5, max-model-len 16384): benchmark_serving.py, random 1,024 in / 1,024 out, ${how}. ` +
      "N prompts at infinite rate with fixed lengths start together and decode in lockstep: modeled as concurrency N",
    heldOut: id.endsWith("c10-output"),
  })),
  {
    id: "dennislee-qwen2-7b-a100-kv-0.5", ...DENNISLEE_RUN, vllm: dennisleeEngine(0.5),
    workload: { promptTokens: 1024, outputTokens: 1024, outputLengthCv: 0, concurrency: 1 }, metric: "kvCapacityTokens", measured: 464848, statistic: "startup log",
    conditions: "log/vllm-7B-1gpuA10080GB-0.5GRAM.log: 'Model loading took 14.2488 GiB', 'Available KV cache memory: 24.83 GiB', 'GPU KV cache size: 464,848 tokens' (V1 engine, max_num_batched_tokens 2048)",
  },
  {
    id: "dennislee-qwen2-7b-a100-kv-0.25", ...DENNISLEE_RUN, vllm: dennisleeEngine(0.25),
    workload: { promptTokens: 1024, outputTokens: 1024, outputLengthCv: 0, concurrency: 1 }, metric: "kvCapacityTokens", measured: 93872, statistic: "startup log",
    conditions: "log/vllm-7B-1gpuA10080GB-0.25GRAM.log: 'Available KV cache memory: 5.01 GiB', 'GPU KV cache size: 93,872 tokens'",
    heldOut: true,
  },

  // --- John Musgrave, one A100 40GB (Lambda), Llama-3.1-8B-Instruct BF16 -----------------------------------------------
  {
    id: "musgrave-llama8b-a100-40-c1", source: "musgrave-a100-40", model: "meta-llama/Llama-3.1-8B-Instruct", gpu: "a100_40", tensorParallelSize: 1,
    quantization: "none", kvCacheDtype: "auto", engine: "vLLM 0.23.0", vllm: { ...OTHER_DEFAULTS, maxModelLen: 131072 },
    workload: { promptTokens: 1024, outputTokens: 128, outputLengthCv: 0, concurrency: 1 }, metric: "perStreamTokensPerSecond", measured: 75, statistic: "mean (rounded by the author)",
    conditions: "vllm bench serve, random 1,024 in / 128 out, --ignore-eos, --max-concurrency 1, 20 prompts; 'decode at one request per time runs at about 75 tokens/sec'",
  },

  // --- KubeAI, one L4, Llama-3.2-11B-Vision FP8-dynamic, text-only ShareGPT (vLLM 0.6.2) ---------------------------------
  ...([
    ["kubeai-l4-fp8-c16-output", "outputTokensPerSecond", 285.25, "output tokens/s as reported"],
    ["kubeai-l4-fp8-c16-tpot", "perStreamTokensPerSecond", 1000 / 54.84, "mean TPOT 54.84 ms → 1000/54.84"],
  ] as const).map(([id, metric, measured, how]): CalibrationPoint => ({
    id, source: "kubeai-l4", model: "neuralmagic/Llama-3.2-11B-Vision-Instruct-FP8-dynamic", gpu: "l4", tensorParallelSize: 1,
    quantization: "fp8", kvCacheDtype: "auto", engine: "vLLM 0.6.2",
    vllm: { maxNumSeqs: 16, maxNumBatchedTokens: 8192, gpuMemoryUtilization: 0.99, maxModelLen: 8192 },
    workload: { promptTokens: 231.0, outputTokens: 194.5, outputLengthCv: 1, concurrency: 16 },
    metric, measured, statistic: metric === "outputTokensPerSecond" ? "run total" : "mean",
    conditions:
      "vllm args --max-model-len=8192 --max-num-batched-token=8192 --gpu-memory-utilization=0.99 --enforce-eager --max-num-seqs=16; " +
      `benchmark_serving.py ShareGPT 1,000 prompts at infinite rate (230,969 / 194,523 tokens), so max-num-seqs 16 runs steadily; ${how}. ` +
      "--enforce-eager (no CUDA graphs) adds launch overhead the model does not include",
  })),

  // --- vLLM PR #29217, one L40S, Qwen3-VL-32B-Instruct-FP8, text-only ShareGPT (vLLM main, November 2025) ---------------
  {
    id: "vllm-pr29217-l40s-fp8-sharegpt", source: "vllm-pr-29217", model: "Qwen/Qwen3-VL-32B-Instruct-FP8", gpu: "l40s", tensorParallelSize: 1,
    quantization: "fp8", kvCacheDtype: "auto", engine: "vLLM main before PR #29217 (2025-11-22)",
    vllm: { ...OTHER_DEFAULTS, maxModelLen: 24000 },
    workload: { promptTokens: 217.4, outputTokens: 190.0, outputLengthCv: 1, concurrency: 1000 }, metric: "outputTokensPerSecond", measured: 621.91, statistic: "run total",
    conditions:
      "vllm serve Qwen/Qwen3-VL-32B-Instruct-FP8 --limit-mm-per-prompt.video 0 --limit-mm-per-prompt.image 0 --max-model-len 24000 --no-enable-prefix-caching; " +
      "vllm bench serve ShareGPT 1,000 prompts (217,393 / 189,963 tokens) at infinite rate; KV-bound (~80 running). The PR's tuned block-FP8 kernels add ~11 %",
  },

  // --- vLLM issue #17788, one H100 NVL, Qwen3-32B BF16, max-num-seqs 32 (vLLM 0.8.5.post1) -------------------------------
  {
    id: "vllm-issue17788-h100nvl-c32", source: "vllm-issue-17788", model: "Qwen/Qwen3-32B", gpu: "h100nvl", tensorParallelSize: 1,
    quantization: "none", kvCacheDtype: "auto", engine: "vLLM 0.8.5.post1",
    vllm: { maxNumSeqs: 32, maxNumBatchedTokens: 8192, gpuMemoryUtilization: 0.9, maxModelLen: 32000 },
    workload: { promptTokens: 217.4, outputTokens: 200.5, outputLengthCv: 1, concurrency: 1000 }, metric: "outputTokensPerSecond", measured: 653.61, statistic: "run total",
    conditions:
      "vllm serve Qwen/Qwen3-32B --dtype bfloat16 --max-model-len 32000 --enable-chunked-prefill --enable-prefix-caching --max-num-seqs 32; " +
      "benchmark_serving.py ShareGPT 1,000 prompts (217,393 / 200,516 tokens) at infinite rate, so 32 run steadily",
  },

  // --- Lambda vllm-benchmark, TP 2 on NVLink (A100 SXM / H100 SXM), the first 10 ShareGPT prompts at once ------------------
  {
    id: "lambda-llama70b-2xa100-tp2-tpot", source: "lambda-vllm-benchmark", model: "meta-llama/Llama-3.1-70B-Instruct", gpu: "a100_80", tensorParallelSize: 2,
    quantization: "none", kvCacheDtype: "auto", engine: "vLLM 0.6.x (multi-step scheduling)",
    vllm: { maxNumSeqs: 1024, maxNumBatchedTokens: 2000, gpuMemoryUtilization: 0.95, maxModelLen: 2000 },
    workload: { promptTokens: 136.9, outputTokens: 214.9, outputLengthCv: 1, concurrency: 6 }, metric: "perStreamTokensPerSecond", measured: 1000 / 50.99,
    statistic: "median TPOT",
    conditions:
      "Meta-Llama-3-70B-Instruct (the Llama-3.1-70B architecture) BF16, -tp 2, --max-model-len 2000, --gpu-memory-utilization 0.95, --max-num-seqs 1024 " +
      "(benchmark.py); benchmark_serving.py, the first 10 ShareGPT prompts at infinite rate (1,369 / 2,149 tokens), run 2024-09-07. Median TPOT 50.99 ms → " +
      "1000/50.99. The streamed ITL is 10 × TPOT (~0.49 s), so the server ran --num-scheduler-steps 10, which exists from vLLM 0.6.0. Eight requests " +
      "produce output; the median one (120-233 tokens) decodes beside 5-7 others: modeled as concurrency 6 (decode here is weight-bound, 6 vs 8 moves it 2 %)",
  },
  {
    id: "lambda-llama70b-fp8-2xh100-tp2-tpot", source: "lambda-vllm-benchmark", model: "meta-llama/Llama-3.1-70B-Instruct", gpu: "h100", tensorParallelSize: 2,
    quantization: "fp8", kvCacheDtype: "auto", engine: "vLLM 0.5.4",
    vllm: { maxNumSeqs: 1024, maxNumBatchedTokens: 4000, gpuMemoryUtilization: 0.95, maxModelLen: 4000 },
    workload: { promptTokens: 137.1, outputTokens: 240.1, outputLengthCv: 1, concurrency: 6 }, metric: "perStreamTokensPerSecond", measured: 1000 / 21.42,
    statistic: "median TPOT",
    conditions:
      "neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8 (W8A8, per-tensor), -tp 2, --max-model-len 4000, --gpu-memory-utilization 0.95; the " +
      "vllm/vllm-openai:v0.5.4 image (benchmark_1x2x4x8x.sh); the first 10 ShareGPT prompts at infinite rate (1,371 / 2,401 tokens), run 2024-08-19. " +
      "Median TPOT 21.42 ms → 1000/21.42; every ITL sits at 21.0-21.5 ms while the batch shrinks from 7 to 1, so the step is weight-bound. " +
      "Seven requests produce output; modeled as concurrency 6. vLLM 0.5.4 predates the 0.6.0 CPU-overhead work (async output processing, " +
      "multi-step scheduling), so expect this point to read slower than the model",
  },

  // --- AI on EKS, one A10G (g5.4xlarge), DeepSeek-R1-Distill-Llama-8B BF16 (vLLM 0.7.0, V0 engine) -----------------------
  {
    id: "ai-on-eks-a10g-c1", ...AI_ON_EKS_RUN, metric: "perStreamTokensPerSecond", measured: 29, statistic: "approximate (vLLM log, 10 s window)",
    conditions:
      "DeepSeek-R1-Distill-Llama-8B (Llama-3.1-8B architecture) on one A10G, one chat request at a time; 'token generation throughput stabilizes at ~29 tokens/sec' " +
      "(vLLM's 10-second 'Avg generation throughput' log line while one request decodes)",
  },
  {
    id: "ai-on-eks-a10g-kv", ...AI_ON_EKS_RUN, metric: "kvCapacityTokens", measured: (4.17 * 1024 ** 3) / 131072, statistic: "startup log",
    conditions: "memory split 'weights 14.99 GiB, activation 0.85 GiB, KV cache 4.17 GiB' at gpu_memory_utilization 0.9; KV tokens = 4.17 GiB / 128 KiB per token",
    excluded:
      "vLLM 0.7 V0 engine: its profile run (no torch.compile, chunked prefill off, 8,192 tokens through the MLP at once) reserves 0.85 GiB of activations; " +
      "the V1 engine every current vLLM runs reserves about half a GiB (dennislee points), so this split no longer describes what vLLM allocates",
  },
];

/** The architecture a point's model id names. */
export function calibrationModel(id: string): ModelArchitecture {
  const arch = findModel(id) ?? CALIBRATION_MODELS.find((m) => m.id === id);
  if (!arch) throw new Error(`calibration point names unknown model ${id}`);
  return arch;
}

/**
 * GPU architectures the calibration set covers (points in the fit). The plan chooses only GPUs of these
 * architectures by itself: elsewhere its numbers would be an extrapolation nobody has checked.
 */
export const CALIBRATED_ARCHITECTURES: ReadonlySet<GpuSpec["architecture"]> = new Set(
  CALIBRATION_POINTS.filter((p) => !p.excluded).map((p) => CALIBRATION_GPUS[p.gpu].spec.architecture),
);
