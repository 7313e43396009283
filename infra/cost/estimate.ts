import { HOURS_PER_MONTH } from "../catalog/aws-prices";
import { describePurchase, SPOT_BEHAVIOUR, type Purchase } from "../catalog/purchase-options";
import type { PricingSpec, StackSpec } from "../config/spec";
import type { ResourceView } from "../resource-view";
import type { SizingPlan } from "../sizing/choose";
import {
  apiMonthlyUsd, breakEvenMonthlyOutputTokens, SECONDS_PER_MONTH, usdPerMillionTokens, type HostedApiCostModel, type SelfHostedCostModel,
} from "./curve";
import { HYBRID_ASSUMPTION, hybridAt } from "./hybrid";
import { priceResources, sumScaled, type PriceContext, type PricedResource, type Scaled } from "./pricebook";

/** A fallback stack's hybrid: the GPU nodes it can run at most, and the share of the traffic's tokens above them. */
export interface HybridEstimate {
  readonly fallbackApi: string;
  readonly inputUsdPerMTok: number;
  readonly outputUsdPerMTok: number;
  /** The traffic's mean monthly output tokens (peak × expectedUtilization), and its peak-to-mean (1 / expectedUtilization). */
  readonly monthlyOutputTokens: number;
  readonly peakToMean: number;
  /** GPU nodes at max replicas: the base's capacity. */
  readonly baseNodes: number;
  readonly overflowShare: number;
  readonly worstCaseShare: number;
  readonly apiMonthlyUsd: number;
  readonly worstCaseApiMonthlyUsd: number;
  /** The stack's expected monthly cost plus the API's share. */
  readonly monthlyUsd: number;
  readonly assumption: string;
}

/** The stack's cost, from its priced resources and its sizing plan. USD; rounded only when rendered. */
export interface CostEstimate {
  readonly hourlyUsd: Scaled;
  readonly monthlyUsd: Scaled;
  readonly resources: readonly PricedResource[];
  readonly freeResources: number;
  readonly notPriced: ReadonlyArray<{ readonly type: string; readonly name: string; readonly reason: string }>;
  /** Whose prices: the stack's region, the price file, and how the GPU and system nodes are paid for. */
  readonly pricing: { readonly region: string; readonly catalog: string; readonly gpuPurchase: string; readonly systemPurchase: string };
  /** Every assumption behind the figures: usage (`key = value: meaning`) and how each worked-out rate was found. */
  readonly assumptions: readonly string[];
  readonly tokens: {
    /** Output tokens a month at expectedUtilization of the peak fleet's capacity. */
    readonly monthlyOutputTokens: number;
    readonly monthlyInputTokens: number;
    /** Expected monthly cost / monthly output tokens. */
    readonly usdPerMillionOutputTokens: number;
  };
  readonly hostedApi: {
    readonly id: string;
    readonly inputUsdPerMTok: number;
    readonly outputUsdPerMTok: number;
    /** What the same monthly tokens (input and output) cost on the API. */
    readonly monthlyUsd: number;
  };
  /** Steady-traffic monthly output volume where self-hosting and the API cost the same; undefined: never. */
  readonly breakEvenMonthlyOutputTokens?: number;
  /** The cost curves behind the break-even (steady traffic): reuse them for other volumes and traffic shapes. */
  readonly curves: { readonly selfHosted: SelfHostedCostModel; readonly hostedApi: HostedApiCostModel };
  readonly people?: { readonly hoursPerMonth: number; readonly hourlyUsd: number; readonly monthlyUsd: number };
  /** monthlyUsd.expected plus the people cost (when counted). */
  readonly expectedMonthlyUsdWithPeople: number;
  /** Stacks with a fallback API: what overflows to it from the traffic's peak, and what that costs. */
  readonly hybrid?: HybridEstimate;
}

const GPU_NODE_GROUP = (stack: string) => `${stack}-gpu`;

/** Output tokens one replica produces in a month at capacity. */
function replicaMonthlyOutputTokens(plan: SizingPlan): number {
  return plan.throughput.capacity.outputTokensPerSecond * SECONDS_PER_MONTH;
}

/**
 * Expected GPU nodes: the stack runs at peak for an expectedUtilization share of the month and at its
 * minimum otherwise (a monthly average, so it may be fractional).
 */
function expectedGpuNodes(plan: SizingPlan, utilization: number): number {
  return plan.nodes.min + utilization * (plan.nodes.peak - plan.nodes.min);
}

export type PricingSummary = CostEstimate["pricing"];

export function pricingSummary(p: PricingSpec): PricingSummary {
  const purchase = (x: Purchase) => `${describePurchase(x)}${x.discountPercent !== undefined ? ` at ${x.discountPercent}% off On-Demand (stated by the stack)` : ""}`;
  return { region: p.prices.region, catalog: p.prices.catalog.name, gpuPurchase: purchase(p.gpu), systemPurchase: purchase(p.system) };
}

/** The first assumption of every cost: whose prices, and how the nodes are paid for. */
export function pricesAssumption(p: PricingSummary): string {
  return `prices: ${p.region} rates from ${p.catalog}, every line at ${p.region} rates (a line without one is listed as not priced); GPU nodes ${p.gpuPurchase}, system nodes ${p.systemPurchase}`;
}

function priceContext(spec: StackSpec, plan: SizingPlan, resources: readonly ResourceView[], now: Date): PriceContext {
  const launchTemplateDiskGiB: Record<string, number> = {};
  const launchTemplateGp3: Record<string, { throughputMiBps?: number; iops?: number }> = {};
  for (const r of resources.filter((x) => x.type === "aws:ec2/launchTemplate:LaunchTemplate")) {
    const ebs = r.props.blockDeviceMappings?.[0]?.ebs;
    if (typeof ebs?.volumeSize === "number") launchTemplateDiskGiB[r.name] = ebs.volumeSize;
    launchTemplateGp3[r.name] = { throughputMiBps: ebs?.throughput, iops: ebs?.iops };
  }
  return {
    prices: spec.pricing.prices,
    now,
    usage: spec.usage,
    instancePrices: spec.pricing.instancePrices,
    gpu: spec.pricing.gpu,
    system: spec.pricing.system,
    expectedNodes: { [GPU_NODE_GROUP(spec.stack)]: expectedGpuNodes(plan, spec.usage.expectedUtilization) },
    launchTemplateDiskGiB,
    launchTemplateGp3,
  };
}

export function estimateCost(spec: StackSpec, plan: SizingPlan, resources: readonly ResourceView[], now: Date): CostEstimate {
  const ctx = priceContext(spec, plan, resources, now);
  const { priced, free, notPriced } = priceResources(resources, ctx);
  const monthlyUsd = sumScaled(priced.map((p) => p.monthlyUsd));
  const hourlyUsd = { min: monthlyUsd.min / HOURS_PER_MONTH, expected: monthlyUsd.expected / HOURS_PER_MONTH, max: monthlyUsd.max / HOURS_PER_MONTH };

  const u = spec.usage.expectedUtilization;
  const monthlyOutputTokens = plan.throughput.fleetCapacityOutputTokensPerSecond * u * SECONDS_PER_MONTH;
  const inputPerOutputToken = spec.traffic.meanPromptTokens / spec.traffic.meanOutputTokens;
  const api: HostedApiCostModel = {
    inputUsdPerMTok: spec.hostedApi.inputUsdPerMTok,
    outputUsdPerMTok: spec.hostedApi.outputUsdPerMTok,
    inputPerOutputToken,
  };
  const people = spec.usage.people && { ...spec.usage.people, monthlyUsd: spec.usage.people.hoursPerMonth * spec.usage.people.hourlyUsd };

  const gpuGroup = priced.find((p) => p.name === GPU_NODE_GROUP(spec.stack));
  const gpuNodeMonthlyUsd = gpuGroup && plan.nodes.max > 0 ? gpuGroup.monthlyUsd.max / plan.nodes.max : 0;
  const self: SelfHostedCostModel = {
    fixedMonthlyUsd: monthlyUsd.expected - (gpuGroup?.monthlyUsd.expected ?? 0),
    gpuNodeMonthlyUsd,
    // A full node: every replica it holds at capacity (the peak fleet may leave part of its last node idle).
    outputTokensPerNodeMonth: plan.replicasPerNode * replicaMonthlyOutputTokens(plan),
    minNodes: plan.nodes.min,
    peopleMonthlyUsd: people?.monthlyUsd ?? 0,
    peakToMean: 1,
  };

  const pricing = pricingSummary(spec.pricing);
  const assumptions = [
    pricesAssumption(pricing),
    ...(spec.pricing.gpu.option === "spot" ? [`spot: ${SPOT_BEHAVIOUR}`] : []),
    `expectedUtilization = ${u}: the stack runs at peak ${Math.round(u * 100)}% of the month and at its minimum otherwise; the peak fleet is busy at capacity while it runs`,
    ...new Set(priced.flatMap((p) => p.components.flatMap((c) => (c.assumption ? [c.assumption] : [])))),
    ...(people ? [`people: ${people.hoursPerMonth} engineer hours a month at $${people.hourlyUsd}/h`] : ["people cost not counted (set engineerHoursPerMonth and engineerHourlyUsd)"]),
    `hosted API ${spec.hostedApi.id}: $${api.inputUsdPerMTok} in / $${api.outputUsdPerMTok} out per 1M tokens${spec.hostedApi.overridden ? " (from stack config)" : ""}; ${inputPerOutputToken.toFixed(2)} input tokens per output token`,
  ];

  const breakEven = breakEvenMonthlyOutputTokens(self, api);
  const hybrid = hybridEstimate(spec, plan, self, monthlyUsd.expected, inputPerOutputToken);
  if (hybrid) assumptions.push(`hybrid: ${hybrid.assumption}`);
  return {
    hourlyUsd,
    monthlyUsd,
    resources: priced,
    freeResources: free.length,
    notPriced: notPriced.map((r) => ({ type: r.type, name: r.name, reason: r.reason })),
    pricing,
    assumptions,
    tokens: {
      monthlyOutputTokens,
      monthlyInputTokens: monthlyOutputTokens * inputPerOutputToken,
      usdPerMillionOutputTokens: monthlyOutputTokens > 0 ? usdPerMillionTokens(monthlyUsd.expected, monthlyOutputTokens) : Infinity,
    },
    hostedApi: { id: spec.hostedApi.id, inputUsdPerMTok: api.inputUsdPerMTok, outputUsdPerMTok: api.outputUsdPerMTok, monthlyUsd: apiMonthlyUsd(api, monthlyOutputTokens) },
    ...(breakEven !== undefined ? { breakEvenMonthlyOutputTokens: breakEven } : {}),
    curves: { selfHosted: self, hostedApi: api },
    ...(people ? { people } : {}),
    expectedMonthlyUsdWithPeople: monthlyUsd.expected + (people?.monthlyUsd ?? 0),
    ...(hybrid ? { hybrid } : {}),
  };
}

/**
 * The overflow of a fallback stack: the traffic's peak (the stack's peakRequestsPerSecond × meanOutputTokens,
 * or its fleet at capacity when it gives no traffic) at peak-to-mean 1 / expectedUtilization, against the
 * capacity of its max replicas (the autoscaler's cap, whatever room their nodes have left). Stacks whose max
 * replicas serve the peak overflow only while cold.
 */
function hybridEstimate(spec: StackSpec, plan: SizingPlan, self: SelfHostedCostModel, expectedMonthlyUsd: number, inputPerOutputToken: number): HybridEstimate | undefined {
  const fallback = spec.entry.fallback;
  if (!fallback) return undefined;
  const u = spec.usage.expectedUtilization;
  const rps = spec.traffic.peakRequestsPerSecond;
  const peakTokensPerSecond = rps !== undefined ? rps * spec.traffic.meanOutputTokens : plan.throughput.fleetCapacityOutputTokensPerSecond;
  const monthlyOutputTokens = peakTokensPerSecond * u * SECONDS_PER_MONTH;
  const peakToMean = 1 / u;
  const api: HostedApiCostModel = { inputUsdPerMTok: fallback.inputUsdPerMTok, outputUsdPerMTok: fallback.outputUsdPerMTok, inputPerOutputToken };
  // Only the API's share is added: the base's nodes are in the stack's priced resources already. The base is
  // counted in replicas, each carrying a replica's month.
  const base: SelfHostedCostModel = { ...self, fixedMonthlyUsd: 0, gpuNodeMonthlyUsd: 0, peopleMonthlyUsd: 0, outputTokensPerNodeMonth: replicaMonthlyOutputTokens(plan) };
  const point = hybridAt(base, api, monthlyOutputTokens, peakToMean, plan.replicas.max);
  return {
    fallbackApi: fallback.api,
    inputUsdPerMTok: fallback.inputUsdPerMTok,
    outputUsdPerMTok: fallback.outputUsdPerMTok,
    monthlyOutputTokens,
    peakToMean,
    baseNodes: plan.nodes.max,
    overflowShare: point.overflowShare,
    worstCaseShare: point.worstCaseShare,
    apiMonthlyUsd: point.apiMonthlyUsd,
    worstCaseApiMonthlyUsd: point.worstCaseApiMonthlyUsd,
    monthlyUsd: expectedMonthlyUsd + point.apiMonthlyUsd,
    assumption: `peak-to-mean ${peakToMean.toFixed(2)} (1 / expectedUtilization); ${HYBRID_ASSUMPTION}`,
  };
}
