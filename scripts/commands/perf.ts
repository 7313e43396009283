import { DEFAULT_GPU_MEMORY_UTILIZATION, defaultMaxNumBatchedTokens, defaultMaxNumSeqs } from "../../infra/catalog/efficiency";
import { GPUS } from "../../infra/catalog/gpus";
import { INSTANCE_TYPES, findInstanceType, type InstanceType } from "../../infra/catalog/instances";
import { MODELS, findModel, type CatalogModel } from "../../infra/catalog/models";
import { ConfigError } from "../../infra/config/errors";
import type { Dtype, KvCacheDtype, Quantization, ServingSpec } from "../../infra/config/spec";
import type { NumberRange } from "../../infra/config/numbers";
import { CONFIG_KEYS } from "../../infra/config/schema";
import { DEFAULT_MAX_MODEL_LEN_CAP, suggest } from "../../infra/config/validate";
import { checkHardware, instanceBandwidthGBps, tensorParallelOptions, type HardwareFit } from "../../infra/sizing/candidates";
import { perfReport, type PerfInputs, type PerfReport } from "../../infra/sizing/perf";
import { TRAFFIC_OUTPUT_LENGTH_CV } from "../../infra/sizing/throughput";
import { numberFlag, parseFlags } from "../lib/flags";
import { renderTable, round } from "../lib/table";
import { UsageError } from "../lib/usage";

export const PERF_HELP = `hostwise perf — what one vLLM replica delivers at each concurrency, from the engine the plan sizes with

Usage: npm run hostwise -- perf --model ID --instance-type TYPE --concurrency 1,16,64
                                --prompt-tokens P --output-tokens O [options]

For each concurrency (requests in flight, a new one sent as one ends): the decode speed one request sees,
the replica's output tokens/s, the mean time to first token, and what bounds it (memory bandwidth, compute,
interconnect, the KV cache's capacity or max-num-seqs); plus the memory budget per GPU and the KV pool.
The same model 'hostwise plan' sizes with, calibrated against published vLLM measurements
(npm run calibrate). Offline: no AWS, no GPU.

Required:
  --model ID                    a model of the catalog (infra/catalog/models.ts)
  --instance-type TYPE          an EC2 GPU instance type of the catalog, e.g. g6e.xlarge, p5.48xlarge
  --concurrency LIST            requests in flight, comma-separated positive integers, e.g. 1,16,64
  --prompt-tokens P             prompt tokens per request (mean)
  --output-tokens O             output tokens per request (mean)
Engine (vLLM flags; defaults as vLLM's for the GPU):
  --tp N                        tensor-parallel size, a power of two up to the instance's GPUs
                                (default: the smallest that fits)
  --quantization Q              none, fp8, awq or gptq (default: none)
  --dtype D                     auto, bfloat16 or float16 (default: auto)
  --kv-cache-dtype D            auto or fp8 (default: auto)
  --max-model-len L             longest sequence; the KV pool must hold one (default: the model's context
                                capped at ${DEFAULT_MAX_MODEL_LEN_CAP})
  --max-num-seqs N              most sequences batched (default: 1024 on 70+ GiB GPUs but A100, else 256)
  --max-num-batched-tokens N    token budget of one step (default: 8192 on 70+ GiB GPUs but A100, else 2048)
  --gpu-memory-utilization X    share of GPU memory vLLM may use, in (0, 1] (default: ${DEFAULT_GPU_MEMORY_UTILIZATION})
Requests:
  --output-length-cv X          spread of output lengths, standard deviation / mean: 0 for fixed lengths
                                (a benchmark with --ignore-eos), 1 for chat traffic (default: ${TRAFFIC_OUTPUT_LENGTH_CV}, as the plan)
Output:
  --json                        one JSON object: inputs, memory, kvCapacityTokens and levels[] with
                                concurrency, perStreamTokensPerSecond, outputTokensPerSecond, ttftMs, ...
  -h, --help                    show this help

TTFT is modeled from the request's arrival at vLLM to its first token: queueing for a batch slot when the
concurrency exceeds what runs at once, then the prompt's prefill in chunks that share steps with the
running decodes. Network and HTTP time outside vLLM are not in it.

Exit codes: 0 done, 1 the model does not fit the instance's GPUs (by how much), 2 bad command line.`;

export interface PerfIo {
  out(s: string): void;
}

/** The range a config key has (infra/config/schema.ts): a flag that mirrors a key accepts what the key accepts. */
function keyRange(key: string): NumberRange {
  const range = CONFIG_KEYS.find((k) => k.key === key)?.range;
  if (!range) throw new Error(`config key ${key} has no range`);
  return range;
}

const RANGES = {
  tp: keyRange("tensorParallelSize"),
  maxModelLen: keyRange("maxModelLen"),
  maxNumSeqs: keyRange("maxNumSeqs"),
  gpuMemoryUtilization: keyRange("gpuMemoryUtilization"),
  tokens: keyRange("meanPromptTokens"),
  maxNumBatchedTokens: { min: 1, max: 1_048_576, integer: true },
  concurrency: { min: 1, max: 100_000, integer: true },
  outputLengthCv: { min: 0, max: 10 },
} satisfies Record<string, NumberRange>;

function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new UsageError(`${flag}: "${text}" is not one of ${allowed.join(", ")}`, `e.g. ${flag} ${allowed[0]}`);
}

function required(flag: string, value: string | undefined, example: string): string {
  if (value === undefined) throw new UsageError(`--${flag} is required`, `e.g. --${flag} ${example}`);
  return value;
}

function didYouMean(input: string, names: readonly string[]): string {
  const close = suggest(input, names);
  return close.length > 0 ? `; did you mean ${close.join(", ")}?` : "";
}

export interface PerfOptions {
  readonly model: CatalogModel;
  readonly instance: InstanceType;
  readonly tp?: number;
  readonly quantization: Quantization;
  readonly dtype: Dtype;
  readonly kvCacheDtype: KvCacheDtype;
  readonly maxModelLen: number;
  readonly maxNumSeqs?: number;
  readonly maxNumBatchedTokens?: number;
  readonly gpuMemoryUtilization: number;
  readonly concurrency: readonly number[];
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly outputLengthCv: number;
  readonly json: boolean;
}

/** Reads and checks the command line; throws UsageError naming the flag. */
export function parsePerfArgs(argv: readonly string[]): PerfOptions | { readonly help: true } {
  const v = parseFlags("perf", argv, {
    model: { type: "string" },
    "instance-type": { type: "string" },
    tp: { type: "string" },
    quantization: { type: "string", default: "none" },
    dtype: { type: "string", default: "auto" },
    "kv-cache-dtype": { type: "string", default: "auto" },
    "max-model-len": { type: "string" },
    "max-num-seqs": { type: "string" },
    "max-num-batched-tokens": { type: "string" },
    "gpu-memory-utilization": { type: "string" },
    concurrency: { type: "string" },
    "prompt-tokens": { type: "string" },
    "output-tokens": { type: "string" },
    "output-length-cv": { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (v.help) return { help: true };

  const modelId = required("model", v.model, "meta-llama/Llama-3.1-8B-Instruct");
  const model = findModel(modelId);
  if (!model) {
    throw new UsageError(`--model: "${modelId}" is not in the model catalog${didYouMean(modelId, MODELS.map((m) => m.id))}`, "use a catalog id (infra/catalog/models.ts), e.g. --model meta-llama/Llama-3.1-8B-Instruct");
  }
  const typeName = required("instance-type", v["instance-type"], "g6e.xlarge");
  const instance = findInstanceType(typeName);
  const priced = INSTANCE_TYPES.filter((i) => GPUS[i.gpuName]).map((i) => i.instanceType);
  if (!instance || !GPUS[instance.gpuName]) {
    const why = instance ? `has a ${instance.gpuName} GPU, which the GPU catalog has no specs for` : `is not in the instance catalog${didYouMean(typeName, priced)}`;
    throw new UsageError(`--instance-type: "${typeName}" ${why}`, `use a GPU instance type of the catalog, e.g. --instance-type g6e.xlarge`);
  }
  const tp = numberFlag("--tp", v.tp, RANGES.tp, "2");
  if (tp !== undefined && !tensorParallelOptions(instance.gpuCount).includes(tp)) {
    throw new UsageError(`--tp: ${tp} is not a power of two up to ${instance.instanceType}'s ${instance.gpuCount} GPUs`, `use one of ${tensorParallelOptions(instance.gpuCount).join(", ")}`);
  }
  const context = model.maxContext;
  const maxModelLen = numberFlag("--max-model-len", v["max-model-len"], RANGES.maxModelLen, "8192") ?? Math.min(context, DEFAULT_MAX_MODEL_LEN_CAP);
  if (maxModelLen > context) throw new UsageError(`--max-model-len: ${maxModelLen} exceeds ${model.id}'s context of ${context} tokens`, `use at most ${context}`);

  const concurrencyText = required("concurrency", v.concurrency, "1,16,64");
  const concurrency = concurrencyText.split(",").map((c) => numberFlag("--concurrency", c.trim(), RANGES.concurrency, "1,16,64")!);
  const promptTokens = numberFlag("--prompt-tokens", required("prompt-tokens", v["prompt-tokens"], "1024"), RANGES.tokens, "1024")!;
  const outputTokens = numberFlag("--output-tokens", required("output-tokens", v["output-tokens"], "256"), RANGES.tokens, "256")!;
  if (promptTokens + outputTokens > maxModelLen) {
    throw new UsageError(
      `--prompt-tokens/--output-tokens: a request of ${promptTokens} + ${outputTokens} tokens exceeds max-model-len ${maxModelLen}`,
      `raise --max-model-len (up to ${context}) or shorten the request`,
    );
  }
  const outputLengthCv = numberFlag("--output-length-cv", v["output-length-cv"], RANGES.outputLengthCv, "1") ?? TRAFFIC_OUTPUT_LENGTH_CV;
  return {
    model,
    instance,
    ...(tp !== undefined && { tp }),
    quantization: oneOf("--quantization", v.quantization, ["none", "fp8", "awq", "gptq"] as const),
    dtype: oneOf("--dtype", v.dtype, ["auto", "bfloat16", "float16"] as const),
    kvCacheDtype: oneOf("--kv-cache-dtype", v["kv-cache-dtype"], ["auto", "fp8"] as const),
    maxModelLen,
    ...(v["max-num-seqs"] !== undefined && { maxNumSeqs: numberFlag("--max-num-seqs", v["max-num-seqs"], RANGES.maxNumSeqs, "256")! }),
    ...(v["max-num-batched-tokens"] !== undefined && {
      maxNumBatchedTokens: numberFlag("--max-num-batched-tokens", v["max-num-batched-tokens"], RANGES.maxNumBatchedTokens, "8192")!,
    }),
    gpuMemoryUtilization: numberFlag("--gpu-memory-utilization", v["gpu-memory-utilization"], RANGES.gpuMemoryUtilization, "0.9") ?? DEFAULT_GPU_MEMORY_UTILIZATION,
    concurrency,
    promptTokens,
    outputTokens,
    outputLengthCv,
    json: v.json,
  };
}

const FLAG_OF: Record<string, string> = { dtype: "--dtype", quantization: "--quantization", kvCacheDtype: "--kv-cache-dtype", tensorParallelSize: "--tp" };

/**
 * The hardware check the plan runs, for one TP (or the smallest that fits). Support problems (dtype,
 * quantization, TP) are command-line errors; a model too big for the GPUs is a ConfigError saying by how much.
 */
function fitFor(o: PerfOptions): { tp: number; fit: HardwareFit } {
  const serving: ServingSpec = {
    dtype: o.dtype,
    quantization: o.quantization,
    kvCacheDtype: o.kvCacheDtype,
    maxModelLen: o.maxModelLen,
    minConcurrentSequences: 1,
    maxNumSeqs: o.maxNumSeqs ?? 1,
    gpuMemoryUtilization: o.gpuMemoryUtilization,
    enablePrefixCaching: false,
  };
  const tps = o.tp !== undefined ? [o.tp] : tensorParallelOptions(o.instance.gpuCount);
  const fits = tps.map((tp) => ({ tp, fit: checkHardware(o.model, serving, o.instance, tp, o.maxNumBatchedTokens) }));
  const ok = fits.find((f) => f.fit.rejections.length === 0);
  if (ok) return ok;
  const last = fits[fits.length - 1]!;
  const support = last.fit.rejections.find((r) => r.kind !== "memory");
  if (support) throw new UsageError(`${FLAG_OF[support.key] ?? `--${support.key}`}: ${support.message}`, "choose a setting this GPU supports, or another --instance-type");
  const m = last.fit.memory;
  const tpText = o.tp !== undefined ? `TP ${last.tp}` : `any TP up to ${last.tp}`;
  throw new ConfigError([
    {
      key: "--instance-type",
      message:
        `${o.model.id} does not fit ${o.instance.instanceType} (${o.instance.gpuCount} × ${last.fit.gpu.name}) at ${tpText}: short by ${(-m.freeGiB).toFixed(1)} GiB per GPU ` +
        `(needs ${(m.weightsGiB + m.overheadGiB + m.kvCacheGiB).toFixed(1)} GiB: weights ${m.weightsGiB.toFixed(1)} + KV for one ${o.maxModelLen}-token sequence ${m.kvCacheGiB.toFixed(1)} + ` +
        `overhead ${m.overheadGiB.toFixed(1)}; usable ${m.usableGiB.toFixed(1)})`,
      hint: `${o.tp !== undefined && last.tp < o.instance.gpuCount ? "a larger --tp, " : ""}an instance with more GPU memory, --quantization fp8 or awq, or a lower --max-model-len`,
    },
  ]);
}

export interface PerfResult {
  readonly inputs: PerfInputs;
  readonly fit: HardwareFit;
  readonly report: PerfReport;
}

export function computePerf(o: PerfOptions): PerfResult {
  const { tp, fit } = fitFor(o);
  const mem = o.instance.gpuMemoryMiBPerGpu;
  const inputs: PerfInputs = {
    arch: o.model,
    quantization: o.quantization,
    kvCacheDtype: o.kvCacheDtype,
    tensorParallelSize: tp,
    gpu: fit.gpu,
    memoryBandwidthGBps: instanceBandwidthGBps(o.instance, fit.gpu),
    gpuMemoryMiB: mem,
    gpuMemoryUtilization: o.gpuMemoryUtilization,
    maxModelLen: o.maxModelLen,
    maxNumSeqs: o.maxNumSeqs ?? defaultMaxNumSeqs(fit.gpu, mem),
    maxNumBatchedTokens: fit.maxNumBatchedTokens,
    meanPromptTokens: o.promptTokens,
    meanOutputTokens: o.outputTokens,
    outputLengthCv: o.outputLengthCv,
  };
  return { inputs, fit, report: perfReport(inputs, o.concurrency) };
}

export function perfJson(o: PerfOptions, r: PerfResult) {
  const i = r.inputs;
  return {
    model: o.model.id,
    instanceType: o.instance.instanceType,
    gpu: { name: r.fit.gpu.name, perReplica: i.tensorParallelSize, memoryBandwidthGBps: i.memoryBandwidthGBps },
    engine: {
      tensorParallelSize: i.tensorParallelSize,
      dtype: r.fit.dtype,
      quantization: i.quantization,
      kvCacheDtype: i.kvCacheDtype,
      maxModelLen: i.maxModelLen,
      maxNumSeqs: i.maxNumSeqs,
      maxNumBatchedTokens: i.maxNumBatchedTokens,
      gpuMemoryUtilization: i.gpuMemoryUtilization,
    },
    requests: { promptTokens: i.meanPromptTokens, outputTokens: i.meanOutputTokens, outputLengthCv: i.outputLengthCv },
    memory: r.report.memory,
    kvCapacityTokens: r.report.memory.kvCapacityTokens,
    maxRunningByKv: r.report.maxRunningByKv,
    levels: r.report.levels,
  };
}

export function renderPerf(o: PerfOptions, r: PerfResult): string {
  const i = r.inputs;
  const m = r.report.memory;
  const kvPool = m.kvCacheGiB + m.freeGiB;
  const lines = [
    `hostwise perf — ${o.model.id} on ${o.instance.instanceType}: ${i.tensorParallelSize} × ${r.fit.gpu.name} per replica (TP ${i.tensorParallelSize})`,
    "",
    `Engine      dtype ${r.fit.dtype} · quantization ${i.quantization} · KV cache ${i.kvCacheDtype} · max-model-len ${i.maxModelLen} · ` +
      `max-num-seqs ${i.maxNumSeqs} · max-num-batched-tokens ${i.maxNumBatchedTokens} · gpu-memory-utilization ${i.gpuMemoryUtilization}`,
    `Requests    ${i.meanPromptTokens} prompt + ${i.meanOutputTokens} output tokens, output-length spread ${i.outputLengthCv}`,
    "",
    "Memory per GPU (GiB)",
    `  usable ${round(m.usableGiB)} = weights ${round(m.weightsGiB)} + runtime overhead ${round(m.overheadGiB)} + KV pool ${round(kvPool)}`,
    `  the KV pool holds ${m.kvCapacityTokens.toLocaleString("en-US")} tokens per replica: ${r.report.maxRunningByKv} requests running at once`,
    "",
    "Per replica, closed loop (each of N clients sends its next request when one ends)",
    indent(
      renderTable(
        ["concurrency", "running", "tokens/s per stream", "output tokens/s", "requests/s", "TTFT ms", "bound by"],
        r.report.levels.map((l) => [
          String(l.concurrency),
          round(l.running, 0),
          round(l.perStreamTokensPerSecond),
          round(l.outputTokensPerSecond, 0),
          round(l.requestsPerSecond, 2),
          round(l.ttftMs, 0),
          l.boundBy,
        ]),
        [0, 1, 2, 3, 4, 5],
      ),
    ),
  ];
  return lines.join("\n");
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}

export function runPerf(argv: readonly string[], io: PerfIo): number {
  const parsed = parsePerfArgs(argv);
  if ("help" in parsed) {
    io.out(PERF_HELP);
    return 0;
  }
  const result = computePerf(parsed);
  io.out(parsed.json ? JSON.stringify(perfJson(parsed, result), null, 2) : renderPerf(parsed, result));
  return 0;
}
