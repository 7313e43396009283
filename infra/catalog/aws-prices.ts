import builtIn from "./aws-regional-prices.json";
import type { Source } from "./source";

// AWS list prices by region (aws-regional-prices.json, or a file `hostwise prices refresh` wrote in the same
// format). A stack reads them through RegionPrices, which holds one region's entry and nothing else: no price
// can come from another region.

/**
 * Hours in a month for every monthly figure: 365 × 24 / 12 = 730, the month AWS's pricing pages and the AWS
 * Pricing Calculator use to turn hourly rates into monthly ones.
 */
export const HOURS_PER_MONTH = 730;

/** The format tag every price file carries. */
export const PRICE_FILE_FORMAT = "hostwise-aws-prices/1";

/** The lines the price book uses besides instances, with their units. */
export const SERVICE_LINES = {
  eksClusterStandard: "cluster-hour",
  eksClusterExtended: "cluster-hour",
  natGatewayHour: "hour",
  natGatewayDataGb: "GB processed",
  ebsGp3GbMonth: "GB-month",
  ebsGp3ThroughputMiBpsMonth: "MiB/s-month above 125 MiB/s",
  ebsGp3IopsMonth: "IOPS-month above 3,000",
  nlbHour: "hour",
  nlbLcuHour: "NLCU-hour",
  interfaceEndpointHour: "endpoint-ENI-hour (one per subnet)",
  interfaceEndpointDataGb: "GB processed",
  kmsKeyMonth: "key-month",
  logsIngestionGb: "GB ingested",
  logsStorageGbMonth: "GB-month archived",
  publicIpv4Hour: "public IPv4 address-hour",
  /** AWS's first paid tier (up to 10 TB a month, after 100 GB free per account): the rate a stack's bytes cost. */
  dataTransferOutGb: "GB out to the internet",
} as const;

export type ServiceLine = keyof typeof SERVICE_LINES;

/** A line of a price file: USD per unit and the key of its source. */
export interface PricedLine {
  readonly usd: number;
  readonly source: string;
}

/** A savings-plan or reserved-instance rate: what an hour costs, and what is paid once per term. */
export interface CommitmentEntry {
  readonly usdPerHour: number;
  readonly upfrontUsd?: number;
  readonly source: string;
}

/** An instance type a region offers. No onDemand: offered without an On-Demand price (Capacity Blocks only). */
export interface InstanceEntry {
  readonly onDemand?: number;
  /** A recent spot price (median over the region's zones). */
  readonly spot?: number;
  readonly source: string;
  /** By commitmentKey(): `compute-savings-plan/1y/no-upfront`, `reserved/3y/all-upfront`, … */
  readonly commitments?: Readonly<Record<string, CommitmentEntry>>;
}

export interface RegionEntry {
  /** Absent: the file does not catalogue this region's instances (not the same as offering none). */
  readonly instances?: Readonly<Record<string, InstanceEntry>>;
  readonly services?: Readonly<Partial<Record<ServiceLine, PricedLine>>>;
}

export interface PriceFile {
  readonly format: string;
  readonly about?: string;
  readonly currency: string;
  readonly sources: Readonly<Record<string, Source>>;
  readonly regions: Readonly<Record<string, RegionEntry>>;
}

/** A unit price in one region, with where it came from. */
export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly region: string;
  readonly source: Source;
}

/** A price file and what to call it in messages. */
export interface PriceCatalog {
  readonly name: string;
  readonly file: PriceFile;
}

export const BUILT_IN_CATALOG: PriceCatalog = {
  name: "the built-in catalog",
  file: builtIn as PriceFile,
};

export function catalogRegions(catalog: PriceCatalog): string[] {
  return Object.keys(catalog.file.regions);
}

/** Regions whose instance table lists the type. */
export function regionsOffering(catalog: PriceCatalog, instanceType: string): string[] {
  return Object.entries(catalog.file.regions)
    .filter(([, entry]) => entry.instances?.[instanceType] !== undefined)
    .map(([region]) => region);
}

/** An instance type as one region prices it. */
export interface RegionalInstance {
  readonly instanceType: string;
  readonly onDemand?: Price;
  readonly spot?: Price;
  readonly source: Source;
  readonly commitments: Readonly<Record<string, { readonly usdPerHour: number; readonly upfrontUsd: number; readonly source: Source }>>;
}

/**
 * One region's prices from one catalog. It is built from that region's entry alone, so every price it returns
 * is the region's own: a missing line is missing, never borrowed from another region.
 */
export class RegionPrices {
  private constructor(
    readonly region: string,
    readonly catalog: PriceCatalog,
    private readonly entry: RegionEntry,
  ) {}

  /** The region's prices, or undefined when the catalog has no entry for it. */
  static of(catalog: PriceCatalog, region: string): RegionPrices | undefined {
    const entry = catalog.file.regions[region];
    return entry ? new RegionPrices(region, catalog, entry) : undefined;
  }

  /** Prices nothing: for code paths that must hold a RegionPrices but price no resource. */
  static empty(region: string): RegionPrices {
    return new RegionPrices(region, BUILT_IN_CATALOG, {});
  }

  /** Whether the catalog lists this region's instance types (so an absent type is not offered here). */
  get instancesCatalogued(): boolean {
    return this.entry.instances !== undefined;
  }

  private source(key: string): Source {
    const source = this.catalog.file.sources[key];
    if (!source) throw new Error(`${this.catalog.name}: source "${key}" is not in its sources`);
    return source;
  }

  service(line: ServiceLine): Price | undefined {
    const p = this.entry.services?.[line];
    return p && { usd: p.usd, unit: SERVICE_LINES[line], region: this.region, source: this.source(p.source) };
  }

  /** The type as this region offers it; undefined when the region's table does not list it. */
  instance(instanceType: string): RegionalInstance | undefined {
    const e = this.entry.instances?.[instanceType];
    if (!e) return undefined;
    const source = this.source(e.source);
    const price = (usd: number | undefined): Price | undefined => (usd === undefined ? undefined : { usd, unit: "instance-hour", region: this.region, source });
    const commitments = Object.fromEntries(
      Object.entries(e.commitments ?? {}).map(([key, c]) => [key, { usdPerHour: c.usdPerHour, upfrontUsd: c.upfrontUsd ?? 0, source: this.source(c.source) }]),
    );
    return { instanceType, onDemand: price(e.onDemand), spot: price(e.spot), source, commitments };
  }

  /** What a missing line or type should tell the user to do. */
  refreshHint(): string {
    return `run \`hostwise prices refresh --region ${this.region} --out prices.json\` with AWS credentials and set hostwise:priceCatalogFile prices.json`;
  }
}
