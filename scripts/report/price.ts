// Prices the measured month. Every price comes from one function, reportPrices, which reads them from the
// evaluated stack (its sizing plan and cost estimate: the same price book `hostwise plan` and the stack's
// `cost` output use), so the report prices GPU nodes at the stack's instance type, region and purchase option.

import { HOURS_PER_MONTH } from "../../infra/catalog/aws-prices";
import { usdPerMillionTokens } from "../../infra/cost/curve";
import type { StackCost } from "../lib/stack-cost";
import type { Measured, Overflow } from "./collect";

export interface ApiPrices {
  readonly id: string;
  readonly inputUsdPerMTok: number;
  readonly outputUsdPerMTok: number;
}

export interface ReportPrices {
  readonly instanceType: string;
  readonly region: string;
  /** How the GPU nodes are paid for: "on-demand", "spot", a Savings Plan or reservation (hostwise:gpuPurchaseOption). */
  readonly gpuPurchase: string;
  /** Where the rates come from: the built-in catalog or the stack's price file. */
  readonly priceCatalog: string;
  /** One GPU node for an hour, its root volume included. */
  readonly gpuNodeHourlyUsd: number;
  /** Everything else the stack runs (control plane, system nodes, NAT, load balancer, volumes), per hour. */
  readonly fixedHourlyUsd: number;
  readonly people?: { readonly hoursPerMonth: number; readonly hourlyUsd: number };
  readonly hostedApi: ApiPrices;
  /** The fallback API the entry point overflows to (hostwise:fallbackApi), when the stack has one: what its overflow costs. */
  readonly fallbackApi?: ApiPrices;
  /** Replicas one GPU node holds: replica-hours / this is the fewest node-hours they can have used. */
  readonly replicasPerNode: number;
  /** Output tokens one GPU node produces in an hour at the modeled capacity. */
  readonly modeledOutputTokensPerNodeHour: number;
}

/**
 * The one place the report's prices come from: the evaluated stack. Its cost curves price a GPU node-hour at
 * the stack's instance type, region and purchase option (spot, Savings Plans, reservations), root volume
 * included, and the rest of the stack at its region's rates.
 */
export function reportPrices(stack: StackCost): ReportPrices {
  const self = stack.cost.curves.selfHosted;
  return {
    instanceType: stack.plan.instanceType,
    region: stack.cost.pricing.region,
    gpuPurchase: stack.cost.pricing.gpuPurchase,
    priceCatalog: stack.cost.pricing.catalog,
    gpuNodeHourlyUsd: self.gpuNodeMonthlyUsd / HOURS_PER_MONTH,
    fixedHourlyUsd: self.fixedMonthlyUsd / HOURS_PER_MONTH,
    ...(stack.spec.usage.people ? { people: stack.spec.usage.people } : {}),
    hostedApi: { id: stack.cost.hostedApi.id, inputUsdPerMTok: stack.cost.hostedApi.inputUsdPerMTok, outputUsdPerMTok: stack.cost.hostedApi.outputUsdPerMTok },
    ...(stack.cost.hybrid
      ? { fallbackApi: { id: stack.cost.hybrid.fallbackApi, inputUsdPerMTok: stack.cost.hybrid.inputUsdPerMTok, outputUsdPerMTok: stack.cost.hybrid.outputUsdPerMTok } }
      : {}),
    replicasPerNode: stack.plan.replicasPerNode,
    modeledOutputTokensPerNodeHour: self.outputTokensPerNodeMonth / HOURS_PER_MONTH,
  };
}

export interface BucketCost {
  /** GPU node-hours priced: the measured ones, or the floor replica-hours imply when DCGM reported fewer. */
  readonly gpuNodeHours: number;
  readonly gpuUsd: number;
  readonly fixedUsd: number;
  readonly peopleUsd: number | null;
  readonly totalUsd: number;
}

export interface PricedMonth {
  readonly prices: ReportPrices;
  /** Per bucket, null where the bucket has no data. */
  readonly buckets: ReadonlyArray<BucketCost | null>;
  readonly gpuNodeHours: number | null;
  /** True when DCGM's node-hours were below replica-hours / replicasPerNode in some bucket (see notes). */
  readonly gpuNodeHoursFloored: boolean;
  readonly gpuUsd: number | null;
  readonly fixedUsd: number | null;
  readonly peopleUsd: number | null;
  /** GPU + fixed. */
  readonly totalUsd: number | null;
  readonly totalWithPeopleUsd: number | null;
  readonly usdPerMillionOutputTokens: number | null;
  readonly usdPerMillionOutputTokensWithPeople: number | null;
  /** Input and output tokens together. */
  readonly usdPerMillionTokens: number | null;
  /** Output tokens / (GPU node-hours × the modeled output tokens per node-hour). */
  readonly modeledCapacityShare: number | null;
  readonly hostedApi: {
    readonly id: string;
    readonly inputUsdPerMTok: number;
    readonly outputUsdPerMTok: number;
    /** What the prompt and generated tokens of the window cost at the API's list prices. */
    readonly sameTokensUsd: number | null;
  };
  /** What the entry point sent to the fallback API (`api`) cost; null without overflow metrics. */
  readonly overflow: (Overflow & { readonly api: string; readonly usd: number }) | null;
}

const apiUsd = (api: ApiPrices, input: number, output: number) => (input * api.inputUsdPerMTok + output * api.outputUsdPerMTok) / 1e6;

export function priceMonth(m: Measured, prices: ReportPrices): PricedMonth {
  const perPerson = prices.people ? (prices.people.hoursPerMonth * prices.people.hourlyUsd) / HOURS_PER_MONTH : undefined;
  let floored = false;
  const buckets = m.buckets.map((b): BucketCost | null => {
    if (b.coverageHours === null) return null;
    const floor = (b.replicaHours ?? 0) / prices.replicasPerNode;
    const measured = b.gpuNodeHours ?? 0;
    if (measured + 1e-9 < floor) floored = true;
    const gpuNodeHours = Math.max(measured, floor);
    const gpuUsd = gpuNodeHours * prices.gpuNodeHourlyUsd;
    // The cluster's fixed cost and the people running it count for the hours Prometheus saw the cluster up.
    const fixedUsd = b.coverageHours * prices.fixedHourlyUsd;
    const peopleUsd = perPerson === undefined ? null : b.coverageHours * perPerson;
    return { gpuNodeHours, gpuUsd, fixedUsd, peopleUsd, totalUsd: gpuUsd + fixedUsd };
  });
  const present = buckets.filter((b): b is BucketCost => b !== null);
  const sum = (f: (b: BucketCost) => number) => (present.length === 0 ? null : present.reduce((s, b) => s + f(b), 0));
  const gpuUsd = sum((b) => b.gpuUsd);
  const fixedUsd = sum((b) => b.fixedUsd);
  const peopleUsd = perPerson === undefined ? null : sum((b) => b.peopleUsd ?? 0);
  const totalUsd = sum((b) => b.totalUsd);
  const totalWithPeopleUsd = totalUsd === null ? null : totalUsd + (peopleUsd ?? 0);
  const gpuNodeHours = sum((b) => b.gpuNodeHours);
  const output = m.totals.generationTokens;
  const input = m.totals.promptTokens;
  const perMillion = (usd: number | null, tokens: number | null) => (usd === null || tokens === null || tokens <= 0 ? null : usdPerMillionTokens(usd, tokens));
  const overflow = m.totals.overflow;
  const overflowApi = prices.fallbackApi ?? prices.hostedApi;
  return {
    prices,
    buckets,
    gpuNodeHours,
    gpuNodeHoursFloored: floored,
    gpuUsd,
    fixedUsd,
    peopleUsd,
    totalUsd,
    totalWithPeopleUsd,
    usdPerMillionOutputTokens: perMillion(totalUsd, output),
    usdPerMillionOutputTokensWithPeople: prices.people ? perMillion(totalWithPeopleUsd, output) : null,
    usdPerMillionTokens: perMillion(totalUsd, output === null || input === null ? null : output + input),
    modeledCapacityShare: output === null || !gpuNodeHours ? null : output / (gpuNodeHours * prices.modeledOutputTokensPerNodeHour),
    hostedApi: { ...prices.hostedApi, sameTokensUsd: input === null || output === null ? null : apiUsd(prices.hostedApi, input, output) },
    overflow: overflow ? { ...overflow, api: overflowApi.id, usd: apiUsd(overflowApi, overflow.promptTokens, overflow.completionTokens) } : null,
  };
}
