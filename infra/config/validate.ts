import { GPUS } from "../catalog/gpus";
import { findHostedApi, defaultHostedApiFor, HOSTED_API_PRICES } from "../catalog/hosted-apis";
import { findInstanceType, INSTANCE_TYPES, type InstanceType } from "../catalog/instances";
import { findModel, MODELS, type ModelArchitecture } from "../catalog/models";
import { checkHardware, isPowerOfTwo, quantizationNeedsFloat16, tensorParallelOptions } from "../sizing/candidates";
import { instanceTypesThatFit } from "../sizing/choose";
import { ConfigError } from "./errors";
import { checkDeployerRoute, checkTagValue, readCluster, readInference, readNetwork, readNodes } from "./infra-readers";
import { checkInstanceRate, readPricing } from "./pricing-readers";
import { ConfigReader, qualified, setHint, type RawConfig } from "./read";
import { AWS_PROVIDER_KEYS, CONFIG_KEYS, CONFIG_NAMESPACE, ENGINE_NAMESPACE, EXPIRY_BOUNDS, PROFILE_KEY, REGION_KEY } from "./schema";
import type {
  Dtype, Expiry, HostedApiSpec, KvCacheDtype, ModelSpec, PlacementSpec, PricingSpec, Quantization, ScalingSpec, ServingSpec, StackSpec, TrafficSpec, UsageSpec,
} from "./spec";
import { checkImagesWithoutEgress } from "./images";
import { readEntry } from "./entry-reader";

/** maxModelLen when the stack gives none: the model's context, capped so the KV cache stays affordable. */
export const DEFAULT_MAX_MODEL_LEN_CAP = 8192;

export interface ValidateOptions {
  readonly stack: string;
  /** The time expiry is checked against (injected so tests are repeatable). */
  readonly now: Date;
  /** Where a relative hostwise:priceCatalogFile is read from (default: the working directory, as under Pulumi). */
  readonly projectDir?: string;
}

/** Closest names to a mistyped one: same text ignoring case, or a few edits away. */
export function suggest(input: string, names: readonly string[]): string[] {
  const lower = input.toLowerCase();
  const exact = names.filter((n) => n.toLowerCase() === lower);
  if (exact.length > 0) return exact;
  return names
    .map((n) => ({ n, d: editDistance(lower, n.toLowerCase()) }))
    .filter(({ n, d }) => d <= Math.max(2, Math.floor(n.length / 3)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map(({ n }) => n);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

function didYouMean(input: string, names: readonly string[]): string {
  const close = suggest(input, names);
  return close.length > 0 ? `did you mean ${close.map((c) => `"${c}"`).join(" or ")}? ` : "";
}

const CUSTOM_KEYS = [
  "customParamsBillions", "customActiveParamsBillions", "customLayers", "customHiddenSize",
  "customAttentionHeads", "customKvHeads", "customHeadDim", "customMaxContext",
] as const;

/**
 * Keys no one reads: a hostwise key outside the schema, an aws key the provider does not declare, or a
 * namespace neither hostwise nor its providers read (a typo such as `hostwize:`). The Pulumi CLI checks only
 * the keys Pulumi.yaml declares, so these would otherwise pass unnoticed.
 */
function checkUnknownKeys(r: ConfigReader, raw: RawConfig): void {
  const known = CONFIG_KEYS.map((k) => k.key);
  const everyKey = [...known.map(qualified), ...AWS_PROVIDER_KEYS];
  for (const key of Object.keys(raw)) {
    if (known.includes(key) || AWS_PROVIDER_KEYS.includes(key) || key.startsWith(`${ENGINE_NAMESPACE}:`)) continue;
    const namespace = key.includes(":") ? key.slice(0, key.indexOf(":")) : CONFIG_NAMESPACE;
    const what =
      namespace === CONFIG_NAMESPACE ? "is not a hostwise config key"
        : namespace === "aws" ? "is not a config key of the aws provider"
          : `is in namespace "${namespace}", which neither hostwise nor the providers it configures read`;
    r.fail(key, what, `${didYouMean(qualified(key), everyKey)}remove it with: pulumi config rm ${qualified(key)} (keys: see the README's config reference)`);
  }
}

const DURATION = /^(\d+(?:\.\d+)?)(m|h|d)$/;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses ISO-8601 with a zone (`2026-12-01T18:00:00Z`, `…+02:00`), or a duration after creation (30m, 6h,
 * 2d). A time without a zone, an impossible date (2026-02-30, which Date would roll into March) and anything
 * with surrounding spaces are not expiries. Teardown reads deployed and configured expiries with this too.
 */
export function parseExpiry(text: string): Expiry | undefined {
  const duration = DURATION.exec(text);
  if (duration) {
    const hours = Number(duration[1]) * { m: 1 / 60, h: 1, d: 24 }[duration[2] as "m" | "h" | "d"];
    return { kind: "after", hours, text };
  }
  const m = ISO_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
  const second = Number(m[6] ?? 0);
  const fraction = Number(m[7] ?? 0);
  const zoneHours = Number(m[9] ?? 0);
  const zoneMinutes = Number(m[10] ?? 0);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const valid = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && zoneHours <= 14 && zoneMinutes <= 59;
  if (!valid) return undefined;
  const offsetMinutes = (m[8] === "-" ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  const at = new Date(Date.UTC(year, month - 1, day, hour, minute, second) + Math.round(fraction * 1000) - offsetMinutes * 60_000);
  return Number.isNaN(at.getTime()) ? undefined : { kind: "at", at };
}

/** 0.5 → "30m", 2160 → "90d". */
function durationText(hours: number): string {
  return hours < 1 ? `${Math.round(hours * 60)}m` : hours % 24 === 0 ? `${hours / 24}d` : `${hours}h`;
}

function readExpiry(r: ConfigReader, trial: boolean | undefined, now: Date): Expiry | undefined {
  const text = r.string("expiresAt");
  if (text === undefined) {
    if (trial) r.fail("expiresAt", "is required on trial stacks (trial: true)", setHint("expiresAt", "6h"));
    return undefined;
  }
  const expiry = parseExpiry(text);
  if (!expiry) {
    return r.fail("expiresAt", `"${text}" is neither an ISO-8601 time with a zone nor a duration`, `${setHint("expiresAt", "2026-12-01T18:00:00Z")}, or a duration such as 6h, 90m, 2d`);
  }
  const maxHours = trial ? EXPIRY_BOUNDS.maxHoursTrial : EXPIRY_BOUNDS.maxHours;
  const allowed = `a duration from ${durationText(EXPIRY_BOUNDS.minHours)} to ${durationText(maxHours)}${trial ? " on a trial stack" : ""}, or a time at most ${durationText(maxHours)} ahead`;
  if (expiry.kind === "after" && (expiry.hours < EXPIRY_BOUNDS.minHours || expiry.hours > maxHours)) {
    return r.fail("expiresAt", `"${text}" is outside the allowed range: ${allowed}`, setHint("expiresAt", "6h"));
  }
  if (expiry.kind === "at" && expiry.at.getTime() <= now.getTime()) {
    return r.fail("expiresAt", `${expiry.at.toISOString()} is in the past (now ${now.toISOString()})`, `${setHint("expiresAt", "6h")} (a duration after creation), or a future time`);
  }
  if (expiry.kind === "at" && expiry.at.getTime() - now.getTime() > maxHours * 3_600_000) {
    return r.fail("expiresAt", `${expiry.at.toISOString()} is too far ahead (now ${now.toISOString()}): ${allowed}`, setHint("expiresAt", "6h"));
  }
  return expiry;
}

function readCustomArchitecture(r: ConfigReader, modelId: string): ModelArchitecture | undefined {
  const why = `${modelId} is not in the catalog, so its architecture must be given`;
  const need = <T>(key: string, v: T | undefined): T | undefined => {
    if (v === undefined && !r.issues.some((i) => i.key === qualified(key))) r.fail(key, `is required: ${why}`, setHint(key, "<value from the model's config.json>"));
    return v;
  };
  const params = need("customParamsBillions", r.number("customParamsBillions"));
  const active = r.number("customActiveParamsBillions");
  const layers = need("customLayers", r.number("customLayers"));
  const hidden = need("customHiddenSize", r.number("customHiddenSize"));
  const heads = need("customAttentionHeads", r.number("customAttentionHeads"));
  const kvHeads = need("customKvHeads", r.number("customKvHeads"));
  const headDim = need("customHeadDim", r.number("customHeadDim"));
  const maxContext = need("customMaxContext", r.number("customMaxContext"));
  if (heads !== undefined && kvHeads !== undefined && (kvHeads > heads || heads % kvHeads !== 0)) {
    r.fail("customKvHeads", `${kvHeads} key/value heads must divide the ${heads} attention heads`, "copy num_key_value_heads from the model's config.json");
  }
  if (params !== undefined && active !== undefined && active > params) {
    r.fail("customActiveParamsBillions", `${active}B active exceeds ${params}B total parameters`, "give the parameters one token reads (mixture-of-experts), or leave it unset");
  }
  if ([params, layers, hidden, heads, kvHeads, headDim, maxContext].some((v) => v === undefined)) return undefined;
  return {
    paramsBillions: params!, activeParamsBillions: active ?? params!, layers: layers!, hiddenSize: hidden!,
    attentionHeads: heads!, kvHeads: kvHeads!, headDim: headDim!, maxContext: maxContext!,
  };
}

function readModel(r: ConfigReader): ModelSpec | undefined {
  const id = r.requiredString("model", "meta-llama/Llama-3.1-8B-Instruct");
  if (id === undefined) return undefined;
  const catalog = findModel(id);
  const customSet = CUSTOM_KEYS.filter((k) => r.isSet(k));
  let architecture: ModelArchitecture | undefined;
  if (catalog) {
    for (const key of customSet) {
      r.fail(key, `custom architecture keys are only for models outside the catalog, and ${id} is in it`, `pulumi config rm ${qualified(key)}`);
    }
    architecture = catalog;
  } else if (customSet.length === 0) {
    const ids = MODELS.map((m) => m.id);
    const describe = "describe the model with hostwise:customParamsBillions, customLayers, customHiddenSize, customAttentionHeads, customKvHeads, customHeadDim and customMaxContext";
    const close = suggest(id, ids);
    return r.fail(
      "model",
      `"${id}" is not in the model catalog and no custom architecture is given`,
      close.length > 0 ? `did you mean "${close[0]}"? Otherwise ${describe}` : `use a catalog id (${ids.join(", ")}), or ${describe}`,
    );
  } else {
    architecture = readCustomArchitecture(r, id);
  }
  const checkpoint = r.string("checkpoint") ?? id;
  const servedModelName = r.string("servedModelName") ?? id.slice(id.lastIndexOf("/") + 1).toLowerCase();
  if (!architecture) return undefined;
  return { id, checkpoint, servedModelName, architecture, custom: !catalog, gated: catalog?.gated ?? false };
}

function readServing(r: ConfigReader, model: ModelSpec | undefined): ServingSpec | undefined {
  const dtype = r.string("dtype") as Dtype | undefined;
  const quantization = r.string("quantization") as Quantization | undefined;
  const kvCacheDtype = r.string("kvCacheDtype") as KvCacheDtype | undefined;
  const context = model?.architecture.maxContext;
  let maxModelLen = r.number("maxModelLen");
  if (maxModelLen !== undefined && context !== undefined && maxModelLen > context) {
    maxModelLen = r.fail("maxModelLen", `${maxModelLen} exceeds ${model!.id}'s context of ${context} tokens`, setHint("maxModelLen", Math.min(context, DEFAULT_MAX_MODEL_LEN_CAP)));
  } else if (maxModelLen === undefined && !r.isSet("maxModelLen") && context !== undefined) {
    maxModelLen = Math.min(context, DEFAULT_MAX_MODEL_LEN_CAP);
  }
  const minConcurrentSequences = r.number("minConcurrentSequences");
  const maxNumSeqs = r.number("maxNumSeqs");
  if (minConcurrentSequences !== undefined && maxNumSeqs !== undefined && maxNumSeqs < minConcurrentSequences) {
    r.fail("maxNumSeqs", `${maxNumSeqs} is below minConcurrentSequences (${minConcurrentSequences}): the guaranteed sequences could never run together`, setHint("maxNumSeqs", minConcurrentSequences));
  }
  const gpuMemoryUtilization = r.number("gpuMemoryUtilization");
  const enablePrefixCaching = r.boolean("enablePrefixCaching");
  if ((quantization === "awq" || quantization === "gptq") && model && model.checkpoint === model.id && !model.custom) {
    r.fail(
      "checkpoint",
      `quantization ${quantization} needs a pre-quantized checkpoint, and ${model.id} holds unquantized weights`,
      `${setHint("checkpoint", "<a Hugging Face repo with the model's " + quantization.toUpperCase() + " weights>")}, or use quantization fp8 (quantized at load time)`,
    );
  }
  if (dtype === "bfloat16" && quantization && quantizationNeedsFloat16(quantization)) {
    r.fail("dtype", `bfloat16 cannot run with quantization ${quantization}: vLLM's ${quantization} kernels take float16 only`, `${setHint("dtype", "auto")} (float16 for ${quantization})`);
  }
  if (!dtype || !quantization || !kvCacheDtype || maxModelLen === undefined || minConcurrentSequences === undefined ||
    maxNumSeqs === undefined || gpuMemoryUtilization === undefined || enablePrefixCaching === undefined) {
    return undefined;
  }
  return { dtype, quantization, kvCacheDtype, maxModelLen, minConcurrentSequences, maxNumSeqs, gpuMemoryUtilization, enablePrefixCaching };
}

/** The region, from the provider key aws:region. */
function readRegion(r: ConfigReader, raw: RawConfig): string | undefined {
  const regionValue = raw[REGION_KEY];
  const region = typeof regionValue === "string" && regionValue !== "" ? regionValue : undefined;
  if (!region) r.fail(REGION_KEY, "is required and not set", `pulumi config set ${REGION_KEY} us-east-1`);
  return region;
}

function readPlacement(r: ConfigReader, region: string | undefined, model: ModelSpec | undefined, pricing: PricingSpec | undefined): PlacementSpec | undefined {
  let instance: InstanceType | undefined;
  const pinned = r.string("instanceType");
  if (pinned !== undefined) {
    instance = findInstanceType(pinned);
    if (!instance) {
      r.fail("instanceType", `"${pinned}" is not a GPU instance type in the catalog`, `${didYouMean(pinned, INSTANCE_TYPES.map((i) => i.instanceType))}or clear it to let the plan choose: pulumi config rm ${qualified("instanceType")}`);
    } else if (!GPUS[instance.gpuName]) {
      instance = r.fail("instanceType", `${pinned} has a ${instance.gpuName} GPU, whose specs hostwise has no confirmed source for`, "pin an instance type with another GPU, or clear it to let the plan choose");
    } else if (pricing) {
      checkInstanceRate(r, pricing, pinned, pricing.gpu, "instanceType");
    }
  }

  const tp = r.number("tensorParallelSize");
  if (tp !== undefined) {
    if (!isPowerOfTwo(tp)) r.fail("tensorParallelSize", `${tp} is not a power of two`, setHint("tensorParallelSize", 2 ** Math.floor(Math.log2(tp))));
    const heads = model?.architecture.attentionHeads;
    if (heads !== undefined && heads % tp !== 0) {
      const valid = [1, 2, 4, 8].filter((t) => heads % t === 0);
      r.fail("tensorParallelSize", `${tp} does not divide ${model!.id}'s ${heads} attention heads`, `use one of ${valid.join(", ")}: ${setHint("tensorParallelSize", valid[valid.length - 1]!)}`);
    }
    if (instance && tp > instance.gpuCount) {
      r.fail("tensorParallelSize", `${tp} exceeds the ${instance.gpuCount} GPU(s) of ${instance.instanceType}`, `use at most ${instance.gpuCount}, or pin an instance type with ${tp} GPUs`);
    }
  }
  if (!region) return undefined;
  return { region, instanceType: instance?.instanceType, tensorParallelSize: tp };
}

/** A pinned instance type must run the model: dtype, quantization and memory, at the pinned or some valid TP. */
function checkPinnedInstance(r: ConfigReader, model: ModelSpec, serving: ServingSpec, placement: PlacementSpec, pricing: PricingSpec): void {
  const instance = placement.instanceType ? findInstanceType(placement.instanceType) : undefined;
  if (!instance) return;
  const tps = placement.tensorParallelSize ? [placement.tensorParallelSize] : tensorParallelOptions(instance.gpuCount);
  const fits = tps.map((tp) => checkHardware(model.architecture, serving, instance, tp));
  if (fits.some((f) => f.rejections.length === 0)) return;
  // Report the largest TP whose only problems are not the TP itself: the closest the instance gets.
  const closest = [...fits].reverse().find((f) => f.rejections.every((x) => x.kind !== "tensorParallel")) ?? fits[fits.length - 1]!;
  for (const rejection of closest.rejections) {
    if (rejection.kind === "tensorParallel") continue; // reported by readPlacement
    if (rejection.kind === "memory") {
      const alternatives = instanceTypesThatFit(model.architecture, serving, pricing).slice(0, 6);
      r.fail("instanceType", `${model.id} on ${instance.instanceType}: ${rejection.message}`,
        alternatives.length > 0
          ? `pin one that fits (cheapest first: ${alternatives.join(", ")}), clear hostwise:instanceType, or lower maxModelLen / quantize`
          : "no instance type fits these settings: lower maxModelLen or minConcurrentSequences, or quantize");
    } else {
      r.fail(rejection.key, `${rejection.message} (${instance.instanceType} is pinned)`, `change ${qualified(rejection.key)}, or pin another instance type`);
    }
  }
}

function readTraffic(r: ConfigReader, serving: ServingSpec | undefined): TrafficSpec | undefined {
  const rps = r.number("peakRequestsPerSecond");
  const tps = r.number("peakOutputTokensPerSecond");
  const meanPromptTokens = r.number("meanPromptTokens");
  const meanOutputTokens = r.number("meanOutputTokens");
  const floor = r.number("minTokensPerSecondPerStream");
  if (rps !== undefined && tps !== undefined) {
    r.fail("peakOutputTokensPerSecond", "is given together with peakRequestsPerSecond; give one measure of peak traffic", `pulumi config rm ${qualified("peakOutputTokensPerSecond")}`);
  }
  if (serving && meanPromptTokens !== undefined && meanOutputTokens !== undefined && meanPromptTokens + meanOutputTokens > serving.maxModelLen) {
    r.fail("meanPromptTokens", `a mean request (${meanPromptTokens} prompt + ${meanOutputTokens} output tokens) exceeds maxModelLen ${serving.maxModelLen}`, "raise maxModelLen or lower meanPromptTokens / meanOutputTokens");
  }
  if (meanPromptTokens === undefined || meanOutputTokens === undefined || floor === undefined) return undefined;
  const given = rps !== undefined ? "requests" : tps !== undefined ? "outputTokens" : "none";
  return {
    given,
    peakRequestsPerSecond: rps ?? (tps !== undefined ? tps / meanOutputTokens : undefined),
    meanPromptTokens,
    meanOutputTokens,
    minTokensPerSecondPerStream: floor,
  };
}

function readScaling(r: ConfigReader): ScalingSpec | undefined {
  const minReplicas = r.number("minReplicas");
  const maxReplicas = r.number("maxReplicas");
  if (minReplicas !== undefined && maxReplicas !== undefined && minReplicas > maxReplicas) {
    r.fail("minReplicas", `${minReplicas} is above maxReplicas (${maxReplicas})`, `lower minReplicas or raise maxReplicas: ${setHint("maxReplicas", minReplicas)}`);
  }
  const queueDepthPerReplica = r.number("queueDepthPerReplica");
  const kvCacheUsageTarget = r.number("kvCacheUsageTarget");
  const activationThreshold = r.number("scaleActivationThreshold");
  const scaleToZeroCooldownSeconds = r.number("scaleToZeroCooldownSeconds");
  if (minReplicas === undefined || queueDepthPerReplica === undefined || kvCacheUsageTarget === undefined || activationThreshold === undefined ||
    (r.isSet("scaleToZeroCooldownSeconds") && scaleToZeroCooldownSeconds === undefined)) {
    return undefined;
  }
  return {
    minReplicas, maxReplicas, queueDepthPerReplica, kvCacheUsageTarget, activationThreshold,
    ...(scaleToZeroCooldownSeconds !== undefined ? { scaleToZeroCooldownSeconds } : {}),
  };
}

export function readUsage(r: ConfigReader): UsageSpec | undefined {
  const expectedUtilization = r.number("expectedUtilization");
  const natDataGbPerMonth = r.number("natDataGbPerMonth");
  const endpointDataGbPerMonth = r.number("endpointDataGbPerMonth");
  const logIngestionGbPerMonth = r.number("logIngestionGbPerMonth");
  const nlbCapacityUnits = r.number("nlbCapacityUnits");
  const internetDataOutGbPerMonth = r.number("internetDataOutGbPerMonth");
  const hoursPerMonth = r.number("engineerHoursPerMonth");
  const hourlyUsd = r.number("engineerHourlyUsd");
  if ((hoursPerMonth === undefined) !== (hourlyUsd === undefined) && !r.issues.some((i) => /engineer/.test(i.key))) {
    const missing = hoursPerMonth === undefined ? "engineerHoursPerMonth" : "engineerHourlyUsd";
    r.fail(missing, "is needed with its pair to count the people cost", `${setHint(missing, missing === "engineerHourlyUsd" ? 95 : 20)}, or unset both`);
  }
  if (expectedUtilization === undefined || natDataGbPerMonth === undefined || endpointDataGbPerMonth === undefined || logIngestionGbPerMonth === undefined || nlbCapacityUnits === undefined || internetDataOutGbPerMonth === undefined) {
    return undefined;
  }
  return {
    expectedUtilization, natDataGbPerMonth, endpointDataGbPerMonth, logIngestionGbPerMonth, nlbCapacityUnits, internetDataOutGbPerMonth,
    ...(hoursPerMonth !== undefined && hourlyUsd !== undefined ? { people: { hoursPerMonth, hourlyUsd } } : {}),
  };
}

/** The API the stack is compared with: hostedApi, else its fallback API, else the default for its size. */
function readHostedApi(r: ConfigReader, model: ModelSpec | undefined): HostedApiSpec | undefined {
  const ids = HOSTED_API_PRICES.map((p) => p.id);
  const chosen = r.string("hostedApi");
  const fallback = r.string("fallbackApi");
  const id = chosen ?? (fallback && findHostedApi(fallback) ? fallback : undefined) ?? (model ? defaultHostedApiFor(model.architecture.paramsBillions) : undefined);
  const entry = id ? findHostedApi(id) : undefined;
  if (chosen !== undefined && !entry) r.fail("hostedApi", `"${chosen}" is not in the hosted API price catalog`, `${didYouMean(chosen, ids)}use one of ${ids.join(", ")}`);
  const input = r.number("hostedApiInputPrice");
  const output = r.number("hostedApiOutputPrice");
  if (!entry) return undefined;
  return {
    id: entry.id,
    inputUsdPerMTok: input ?? entry.inputUsdPerMTok,
    outputUsdPerMTok: output ?? entry.outputUsdPerMTok,
    overridden: input !== undefined || output !== undefined,
  };
}

/**
 * Turns raw stack config into a StackSpec, or throws one ConfigError listing every problem found: each
 * names the key, says what is wrong and how to fix it. Nothing downstream runs on an invalid stack.
 */
export function validateConfig(raw: RawConfig, options: ValidateOptions): StackSpec {
  const r = new ConfigReader(raw);
  checkUnknownKeys(r, raw);
  const owner = r.requiredString("owner", "team-ml");
  const costCenter = r.requiredString("costCenter", "cc-1234");
  const environment = r.string("environment") ?? options.stack;
  checkTagValue(r, "owner", owner, "team-ml");
  checkTagValue(r, "costCenter", costCenter, "cc-1234");
  checkTagValue(r, "environment", environment, "production");
  const trial = r.boolean("trial");
  const expiry = readExpiry(r, trial, options.now);
  const model = readModel(r);
  const serving = readServing(r, model);
  const region = readRegion(r, raw);
  const pricing = readPricing(r, raw, region, { projectDir: options.projectDir ?? process.cwd(), didYouMean: (t) => didYouMean(t, INSTANCE_TYPES.map((i) => i.instanceType)) });
  const placement = readPlacement(r, region, model, pricing);
  if (model && serving && placement && pricing) checkPinnedInstance(r, model, serving, placement, pricing);
  const traffic = readTraffic(r, serving);
  const scaling = readScaling(r);
  const egress = r.string("egress");
  const inference = readInference(r, model, placement?.region, egress);
  const network = readNetwork(r, trial, placement?.region);
  if (network?.egress === "none" && inference) checkImagesWithoutEgress(r, network.registries, inference.image, placement?.region);
  const profile = raw[PROFILE_KEY];
  const cluster = readCluster(r, options.now, typeof profile === "string" && profile !== "" ? profile : undefined);
  if (network && cluster) checkDeployerRoute(r, network, cluster);
  const nodes = readNodes(r, pricing?.gpu);
  if (inference?.loadBalancer === "internet-facing" && network?.egress === "none") {
    r.fail("loadBalancer", "internet-facing needs public subnets and an internet gateway, which egress none rules out",
      "use loadBalancer internal (reach it from peered networks), or egress nat");
  }
  if (inference?.loadBalancer === "internet-facing" && network?.existingVpc) {
    r.fail("loadBalancer", `internet-facing goes in the public subnets hostwise creates, and with vpcId it creates none (it knows only the private subnets of ${network.existingVpc.vpcId})`,
      `${setHint("loadBalancer", "internal")} and reach it from networks connected to the VPC, or let the stack create its VPC (pulumi config rm ${qualified("vpcId")}; pulumi config rm ${qualified("privateSubnetIds")})`);
  }
  const usage = readUsage(r);
  // The system node group's instance type needs a rate under its purchase option.
  if (nodes && pricing) checkInstanceRate(r, pricing, nodes.systemInstanceType, pricing.system, "systemInstanceType");
  const hostedApi = readHostedApi(r, model);
  const entry = readEntry(r, {
    region: placement?.region,
    egress: network?.egress ?? egress,
    scaling,
    vllmImage: inference?.image,
    hostedApi,
  });

  if (r.issues.length > 0) throw new ConfigError(r.issues);
  return {
    stack: options.stack,
    environment,
    owner: owner!,
    costCenter: costCenter!,
    trial: trial!,
    expiry,
    model: model!,
    serving: serving!,
    placement: placement!,
    pricing: pricing!,
    traffic: traffic!,
    scaling: scaling!,
    network: network!,
    cluster: cluster!,
    nodes: nodes!,
    inference: inference!,
    entry: entry!,
    usage: usage!,
    hostedApi: hostedApi!,
  };
}
