import data from "./aws-gpu-instances.json";
import type { Source } from "./source";

/** An EC2 GPU instance shape. Specs and prices from aws-gpu-instances.json (see its `about`). */
export interface InstanceType {
  readonly instanceType: string;
  readonly family: string;
  /** Key into GPUS. */
  readonly gpuName: string;
  readonly gpuCount: number;
  readonly vcpu: number;
  readonly memoryMiB: number;
  readonly localNvmeGB: number;
  /** Baseline network bandwidth, Mbit/s. */
  readonly networkMbps: number;
  /** Usable memory per GPU as the instance reports it. */
  readonly gpuMemoryMiBPerGpu: number;
  /** What the kubelet can hand to pods. */
  readonly allocatable: { readonly cpu: string; readonly memory: string; readonly pods: string };
  /** us-east-1 On-Demand Linux list price; null where AWS sells none (Capacity Blocks only). */
  readonly onDemandUsdPerHourUsEast1: number | null;
}

/**
 * Copied from hostwise shared/reference/aws-gpu-instances.json on 2026-11-23; that file's specs come from the
 * Karpenter instance-type reference (snapshot 2026-08-21) and its prices from Karpenter's generated price
 * table (AWS Price List API, 2026-07-20).
 */
export const INSTANCE_SOURCE: Source = {
  ref: `${data.source.specs} (specs); ${data.source.prices} (prices)`,
  date: data.source.pricesGeneratedAt.slice(0, 10),
  note: "us-east-1 On-Demand Linux list prices, after the June 2025 P4/P5 price cut",
};

/** The only region the price catalog covers; other regions need explicit prices (hostwise:instancePrices). */
export const PRICED_REGION = data.source.region;

export const INSTANCE_TYPES: readonly InstanceType[] = data.instances;

const byName = new Map(INSTANCE_TYPES.map((i) => [i.instanceType, i]));

export function findInstanceType(name: string): InstanceType | undefined {
  return byName.get(name);
}

/** Catalog price of an instance in a region, or undefined where the catalog has none. */
export function catalogHourlyPrice(instance: InstanceType, region: string): number | undefined {
  if (region !== PRICED_REGION) return undefined;
  return instance.onDemandUsdPerHourUsEast1 ?? undefined;
}
