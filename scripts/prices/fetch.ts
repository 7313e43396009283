import type { _InstanceType, EC2Client } from "@aws-sdk/client-ec2";
import type { PricingClient } from "@aws-sdk/client-pricing";
import type { SavingsplansClient } from "@aws-sdk/client-savingsplans";
import type { CommitmentEntry, InstanceEntry, PricedLine, RegionEntry, ServiceLine } from "../../infra/catalog/aws-prices";
import type { Source } from "../../infra/catalog/source";
import { firstTier, isUsageType, parsePriceListItem, type PriceListProduct } from "./price-list";

// Reads one region's prices from AWS's own price APIs, in the catalog's format: On-Demand and standard
// reserved-instance rates and the service lines from the Price List Query API (GetProducts), savings-plan rates
// from DescribeSavingsPlansOfferingRates, and the spot price in effect now from DescribeSpotPriceHistory.

/** The SDK clients a refresh talks to (AWS SDK for JavaScript v3). */
export interface PriceApis {
  readonly pricing: PricingClient;
  readonly savingsPlans: SavingsplansClient;
  ec2(region: string): EC2Client;
  /** The SDK modules, loaded only when a refresh runs. */
  readonly sdk: {
    readonly pricing: typeof import("@aws-sdk/client-pricing");
    readonly savingsPlans: typeof import("@aws-sdk/client-savingsplans");
    readonly ec2: typeof import("@aws-sdk/client-ec2");
  };
}

interface ServiceUsage {
  readonly serviceCode: string;
  /** As the Price List names it without the region prefix. */
  readonly usageType: string;
  readonly line: ServiceLine | "eksExtendedSurcharge";
  /** Set where one usage type prices several products (ELB: Application, Network, Gateway and Classic). */
  readonly operation?: string;
  /** The attribute holding the region: AWSDataTransfer names where the bytes leave from. */
  readonly regionAttribute?: string;
  /** Units the price may come in, with what divides it to the line's unit; a price in another unit is not read. */
  readonly units?: Readonly<Record<string, number>>;
}

/** Where each service line is in the Price List. */
const SERVICE_USAGE: readonly ServiceUsage[] = [
  { serviceCode: "AmazonEKS", usageType: "AmazonEKS-Hours:perCluster", line: "eksClusterStandard" },
  // extended support is billed as a surcharge on top of the standard cluster-hour
  { serviceCode: "AmazonEKS", usageType: "AmazonEKS-Hours:extendedSupport", line: "eksExtendedSurcharge" },
  { serviceCode: "AmazonEC2", usageType: "NatGateway-Hours", line: "natGatewayHour" },
  { serviceCode: "AmazonEC2", usageType: "NatGateway-Bytes", line: "natGatewayDataGb" },
  { serviceCode: "AmazonEC2", usageType: "EBS:VolumeUsage.gp3", line: "ebsGp3GbMonth" },
  { serviceCode: "AmazonEC2", usageType: "EBS:VolumeP-IOPS.gp3", line: "ebsGp3IopsMonth" },
  // AWS prices gp3 throughput per GiB/s-month ($40.96 in us-east-1) and advertises it per MiB/s-month ($0.04)
  { serviceCode: "AmazonEC2", usageType: "EBS:VolumeP-Throughput.gp3", line: "ebsGp3ThroughputMiBpsMonth", units: { "gibps-mo": 1024, "mibps-mo": 1 } },
  { serviceCode: "AmazonVPC", usageType: "PublicIPv4:InUseAddress", line: "publicIpv4Hour" },
  { serviceCode: "AmazonVPC", usageType: "VpcEndpoint-Hours", line: "interfaceEndpointHour" },
  { serviceCode: "AmazonVPC", usageType: "VpcEndpoint-Bytes", line: "interfaceEndpointDataGb" },
  { serviceCode: "AWSELB", usageType: "LoadBalancerUsage", line: "nlbHour", operation: "LoadBalancing:Network" },
  { serviceCode: "AWSELB", usageType: "LCUUsage", line: "nlbLcuHour", operation: "LoadBalancing:Network" },
  { serviceCode: "awskms", usageType: "KMS-Keys", line: "kmsKeyMonth" },
  { serviceCode: "AmazonCloudWatch", usageType: "DataProcessing-Bytes", line: "logsIngestionGb" },
  { serviceCode: "AmazonCloudWatch", usageType: "TimedStorage-ByteHrs", line: "logsStorageGbMonth" },
  { serviceCode: "AWSDataTransfer", usageType: "DataTransfer-Out-Bytes", line: "dataTransferOutGb", regionAttribute: "fromRegionCode" },
];

/** A service line's rate from the products a usage type matched: the first tier, in the line's unit. */
function serviceRate(s: ServiceUsage, products: readonly PriceListProduct[]): number | undefined {
  const product = products.find((p) => isUsageType(p.attributes.usagetype, s.usageType) && (s.operation === undefined || p.attributes.operation === s.operation));
  const tier = product && firstTier(product.onDemand);
  if (!tier) return undefined;
  if (!s.units) return tier.usd;
  const divisor = s.units[tier.unit.toLowerCase()];
  return divisor === undefined ? undefined : Number((tier.usd / divisor).toPrecision(10));
}

const TERMS: Record<string, "1y" | "3y"> = { "1yr": "1y", "3yr": "3y", "31536000": "1y", "94608000": "3y" };
const PAYMENTS: Record<string, string> = { "No Upfront": "no-upfront", "Partial Upfront": "partial-upfront", "All Upfront": "all-upfront" };
const PLAN_TYPES: Record<string, string> = { Compute: "compute-savings-plan", EC2Instance: "ec2-instance-savings-plan" };

/** The source keys a refresh writes, dated by the day it ran. */
export function refreshSources(date: string, priceListRegion: string, publication?: string): { keys: { list: string; plans: string }; sources: Record<string, Source> } {
  const list = `aws-price-list-${date}`;
  const plans = `aws-savings-plans-${date}`;
  return {
    keys: { list, plans },
    sources: {
      [list]: {
        ref: `AWS Price List Query API, GetProducts (endpoint ${priceListRegion}): On-Demand Linux, shared tenancy, no pre-installed software, capacitystatus Used; reserved = standard reserved instances; spot = EC2 DescribeSpotPriceHistory (Linux/UNIX), the median over the region's zones of the price in effect when read`,
        date,
        note: `read by hostwise prices refresh${publication ? `; Price List publication ${publication}` : ""}`,
      },
      [plans]: { ref: "AWS Savings Plans DescribeSavingsPlansOfferingRates (EC2, RunInstances, Linux/UNIX, shared tenancy)", date, note: "read by hostwise prices refresh" },
    },
  };
}

async function getProducts(apis: PriceApis, serviceCode: string, filters: Record<string, string>, contains: Record<string, string> = {}): Promise<PriceListProduct[]> {
  const { paginateGetProducts } = apis.sdk.pricing;
  const products: PriceListProduct[] = [];
  const Filters = [
    ...Object.entries(filters).map(([Field, Value]) => ({ Type: "TERM_MATCH" as const, Field, Value })),
    ...Object.entries(contains).map(([Field, Value]) => ({ Type: "CONTAINS" as const, Field, Value })),
  ];
  for await (const page of paginateGetProducts({ client: apis.pricing }, { ServiceCode: serviceCode, FormatVersion: "aws_v1", Filters, MaxResults: 100 })) {
    for (const item of page.PriceList ?? []) products.push(parsePriceListItem(item as string));
  }
  return products;
}

/** Runs the tasks at most `limit` at a time (the Price List API throttles bursts). */
async function pool<T>(tasks: ReadonlyArray<() => Promise<T>>, limit = 4): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

interface InstanceProducts {
  readonly onDemand?: number;
  readonly reserved: Record<string, CommitmentEntry>;
  readonly publication?: string;
}

/** The Linux On-Demand product of an instance type in a region, with its standard reserved terms. */
async function instanceProducts(apis: PriceApis, region: string, type: string, listKey: string): Promise<InstanceProducts | undefined> {
  const products = await getProducts(apis, "AmazonEC2", {
    regionCode: region, instanceType: type, operatingSystem: "Linux", tenancy: "Shared", preInstalledSw: "NA", capacitystatus: "Used",
  });
  const product = products.find((p) => (p.attributes.usagetype ?? "").includes(`BoxUsage:${type}`) && (p.attributes.operation ?? "RunInstances") === "RunInstances");
  if (!product) return undefined;
  const hourly = product.onDemand.find((d) => d.unit === "Hrs")?.usd;
  const reserved: Record<string, CommitmentEntry> = {};
  for (const t of product.reserved.filter((x) => x.offeringClass === "standard")) {
    const term = TERMS[t.lease];
    const payment = PAYMENTS[t.purchaseOption];
    const perHour = t.dimensions.find((d) => d.unit === "Hrs")?.usd ?? 0;
    const upfront = t.dimensions.find((d) => d.unit === "Quantity")?.usd ?? 0;
    if (term && payment) reserved[`reserved/${term}/${payment}`] = { usdPerHour: perHour, ...(upfront > 0 && { upfrontUsd: upfront }), source: listKey };
  }
  // 0 is how the Price List shows a type sold only through Capacity Blocks
  return { ...(hourly !== undefined && hourly > 0 && { onDemand: hourly }), reserved, ...(product.publicationDate && { publication: product.publicationDate }) };
}

/** Savings-plan rates by instance type and commitment key. */
async function savingsPlanRates(apis: PriceApis, region: string, types: readonly string[], plansKey: string): Promise<Record<string, Record<string, CommitmentEntry>>> {
  const { DescribeSavingsPlansOfferingRatesCommand } = apis.sdk.savingsPlans;
  const byType: Record<string, Record<string, CommitmentEntry>> = {};
  let nextToken: string | undefined;
  do {
    const page = await apis.savingsPlans.send(
      new DescribeSavingsPlansOfferingRatesCommand({
        savingsPlanTypes: ["Compute", "EC2Instance"],
        products: ["EC2"],
        serviceCodes: ["AmazonEC2"],
        operations: ["RunInstances"],
        filters: [
          { name: "region", values: [region] },
          { name: "instanceType", values: [...types] },
          { name: "tenancy", values: ["shared"] },
          { name: "productDescription", values: ["Linux/UNIX"] },
        ],
        maxResults: 1000,
        ...(nextToken && { nextToken }),
      }),
    );
    for (const r of page.searchResults ?? []) {
      const property = (name: string) => r.properties?.find((p) => p.name === name)?.value;
      const type = property("instanceType");
      const offering = r.savingsPlanOffering;
      const option = PLAN_TYPES[offering?.planType ?? ""];
      const term = TERMS[String(offering?.durationSeconds ?? "")];
      const payment = PAYMENTS[offering?.paymentOption ?? ""];
      const rate = Number(r.rate);
      if (!type || !option || !term || !payment || !Number.isFinite(rate) || !(r.usageType ?? "").includes("BoxUsage")) continue;
      if (property("region") !== undefined && property("region") !== region) continue;
      (byType[type] ??= {})[`${option}/${term}/${payment}`] = { usdPerHour: rate, source: plansKey };
    }
    nextToken = page.nextToken || undefined;
  } while (nextToken);
  return byType;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The spot price in effect now per type: the latest price of each of the region's zones (Local Zones left out), median over zones. */
async function spotPrices(apis: PriceApis, region: string, types: readonly string[], now: Date): Promise<Record<string, number>> {
  const { paginateDescribeSpotPriceHistory } = apis.sdk.ec2;
  const zone = new RegExp(`^${region}[a-z]$`);
  const latest = new Map<string, { at: number; usd: number }>(); // by "type zone"
  const input = { InstanceTypes: types as _InstanceType[], ProductDescriptions: ["Linux/UNIX"], StartTime: now, EndTime: now, MaxResults: 1000 };
  for await (const page of paginateDescribeSpotPriceHistory({ client: apis.ec2(region) }, input)) {
    for (const p of page.SpotPriceHistory ?? []) {
      if (!p.InstanceType || !p.AvailabilityZone || !zone.test(p.AvailabilityZone)) continue;
      const usd = Number(p.SpotPrice);
      const at = p.Timestamp ? new Date(p.Timestamp).getTime() : 0;
      const key = `${p.InstanceType} ${p.AvailabilityZone}`;
      if (Number.isFinite(usd) && (latest.get(key)?.at ?? -Infinity) <= at) latest.set(key, { at, usd });
    }
  }
  const byType: Record<string, number[]> = {};
  for (const [key, { usd }] of latest) (byType[key.split(" ")[0]!] ??= []).push(usd);
  return Object.fromEntries(Object.entries(byType).map(([type, xs]) => [type, Number(median(xs).toPrecision(6))]));
}

export interface RegionRefresh {
  readonly region: string;
  /** Instance types the Price List has, and the service lines it had. */
  readonly entry: Required<RegionEntry>;
  /** Requested types AWS's price list does not have in the region (not offered there). */
  readonly notOffered: readonly string[];
  /** Service lines the Price List returned nothing for. */
  readonly linesNotFound: readonly ServiceLine[];
  readonly publication?: string;
}

/** Every price of one region, read from AWS's APIs. */
export async function fetchRegion(apis: PriceApis, region: string, types: readonly string[], keys: { list: string; plans: string }, now: Date): Promise<RegionRefresh> {
  const instances = await pool(types.map((type) => () => instanceProducts(apis, region, type, keys.list)));
  const offered = types.filter((_, i) => instances[i] !== undefined);
  const plans = offered.length > 0 ? await savingsPlanRates(apis, region, offered, keys.plans) : {};
  const spot = offered.length > 0 ? await spotPrices(apis, region, offered, now) : {};
  const table: Record<string, InstanceEntry> = {};
  types.forEach((type, i) => {
    const p = instances[i];
    if (!p) return;
    const commitments = { ...(plans[type] ?? {}), ...p.reserved };
    table[type] = {
      ...(p.onDemand !== undefined && { onDemand: p.onDemand }),
      ...(spot[type] !== undefined && { spot: spot[type] }),
      source: keys.list,
      ...(Object.keys(commitments).length > 0 && { commitments: Object.fromEntries(Object.entries(commitments).sort(([a], [b]) => a.localeCompare(b))) }),
    };
  });

  const found = await pool(
    SERVICE_USAGE.map((s) => async () => serviceRate(s, await getProducts(apis, s.serviceCode, { [s.regionAttribute ?? "regionCode"]: region }, { usagetype: s.usageType }))),
  );
  const usd = Object.fromEntries(SERVICE_USAGE.map((s, i) => [s.line, found[i]]));
  const services: Partial<Record<ServiceLine, PricedLine>> = {};
  for (const s of SERVICE_USAGE) {
    if (s.line === "eksExtendedSurcharge" || usd[s.line] === undefined) continue;
    services[s.line] = { usd: usd[s.line]!, source: keys.list };
  }
  if (usd.eksClusterStandard !== undefined && usd.eksExtendedSurcharge !== undefined) {
    services.eksClusterExtended = { usd: Number((usd.eksClusterStandard + usd.eksExtendedSurcharge).toPrecision(10)), source: keys.list };
  }
  const wanted = [...new Set(SERVICE_USAGE.map((s) => (s.line === "eksExtendedSurcharge" ? "eksClusterExtended" : s.line)))] as ServiceLine[];
  const publication = instances.map((p) => p?.publication).filter(Boolean).sort().pop();
  return {
    region,
    entry: { instances: table, services: Object.fromEntries(Object.entries(services).sort(([a], [b]) => a.localeCompare(b))) },
    notOffered: types.filter((_, i) => instances[i] === undefined),
    linesNotFound: wanted.filter((l) => services[l] === undefined),
    ...(publication && { publication }),
  };
}
