import { HOURS_PER_MONTH, type Price, type RegionPrices, type ServiceLine } from "../catalog/aws-prices";
import { supportTier } from "../catalog/eks-versions";
import { findInstanceType } from "../catalog/instances";
import { GP3 } from "../catalog/node-disk";
import { describePurchase, instanceRate, ON_DEMAND, type InstanceRate, type Purchase } from "../catalog/purchase-options";
import type { Source } from "../catalog/source";
import { parseNumber, type NumberRange } from "../config/numbers";
import type { UsageSpec } from "../config/spec";
import type { ResourceView } from "../resource-view";

// One small entry per priced resource type (after Infracost's internal/resources/aws/*.go): each declares
// its cost components. Free types are listed so that nothing unknown is silently dropped.

/** A quantity or cost at the three scales a stack runs at. */
export interface Scaled {
  readonly min: number;
  readonly expected: number;
  readonly max: number;
}

export interface CostComponent {
  readonly name: string;
  readonly unit: string;
  /** Units per month at each scale. */
  readonly monthlyQuantity: Scaled;
  readonly unitPriceUsd: number;
  readonly monthlyUsd: Scaled;
  /** The region whose rate unitPriceUsd is: always the stack's. */
  readonly region: string;
  readonly source: Source;
  /** Set when the quantity is a usage assumption, or the rate a worked-out one (spot, commitments, discounts). */
  readonly assumption?: string;
}

/** What the price book needs besides a resource's own inputs. */
export interface PriceContext {
  /** The stack's region's prices: the one place every unit price comes from. */
  readonly prices: RegionPrices;
  readonly now: Date;
  readonly usage: UsageSpec;
  /** On-Demand USD/hour overrides by instance type (hostwise:instancePrices). */
  readonly instancePrices: Readonly<Record<string, number>>;
  /** How GPU instances (catalog GPU types) and all other instances are paid for. */
  readonly gpu: Purchase;
  readonly system: Purchase;
  /** Expected node count per node group (logical name), from the sizing plan and expectedUtilization. */
  readonly expectedNodes: Readonly<Record<string, number>>;
  /** Root volume GiB per launch template (logical name): node groups share their template's name. */
  readonly launchTemplateDiskGiB: Readonly<Record<string, number>>;
  /** Provisioned gp3 throughput and IOPS per launch template, where set (billed above the gp3 baseline). */
  readonly launchTemplateGp3?: Readonly<Record<string, { readonly throughputMiBps?: number; readonly iops?: number }>>;
}

/** A line the stack's region has no rate for: the rest of the resource is still priced, this line is listed. */
interface MissingLine {
  readonly name: string;
  readonly missing: string;
}

type Entry = (r: ResourceView, ctx: PriceContext) => Array<CostComponent | MissingLine>;

const same = (n: number): Scaled => ({ min: n, expected: n, max: n });
const times = (q: Scaled, k: number): Scaled => ({ min: q.min * k, expected: q.expected * k, max: q.max * k });

function component(name: string, quantity: Scaled, price: Price | { readonly missing: string }, assumption?: string): CostComponent | MissingLine {
  if ("missing" in price) return { name, missing: price.missing };
  return {
    name,
    unit: price.unit,
    monthlyQuantity: quantity,
    unitPriceUsd: price.usd,
    monthlyUsd: times(quantity, price.usd),
    region: price.region,
    source: price.source,
    ...(assumption ? { assumption } : {}),
  };
}

const hours = (count: Scaled): Scaled => times(count, HOURS_PER_MONTH);

/** The region's rate for a line, or why it cannot be priced: never another region's rate. */
function rate(ctx: PriceContext, line: ServiceLine): Price | { readonly missing: string } {
  return ctx.prices.service(line) ?? { missing: `${ctx.prices.catalog.name} has no ${line} rate for ${ctx.prices.region} (to price it: ${ctx.prices.refreshHint()})` };
}

/**
 * The hourly rate of a node group's instances: GPU catalog types under the GPU purchase option, other types
 * under the system one. The group's capacity type wins over the option: SPOT capacity is priced at spot, and
 * on-demand capacity never at spot.
 */
function nodeRate(type: string, capacityType: unknown, ctx: PriceContext): InstanceRate {
  const chosen = findInstanceType(type) ? ctx.gpu : ctx.system;
  const spotCapacity = capacityType === "SPOT";
  const purchase: Purchase =
    spotCapacity && chosen.option !== "spot" ? { role: chosen.role, option: "spot" } : !spotCapacity && chosen.option === "spot" ? ON_DEMAND(chosen.role) : chosen;
  const result = instanceRate(ctx.prices, type, purchase, ctx.instancePrices[type]);
  if ("missing" in result) throw new UnpricedError(result.missing);
  return result.rate;
}

/** Nodes in one node group: whole, and far above the per-group quota EKS grants. */
const NODE_COUNT: NumberRange = { min: 0, max: 10_000, integer: true };
/** GiB of one EBS volume: 64 TiB, the largest volume EBS creates (io2 Block Express). */
const VOLUME_GIB: NumberRange = { min: 0, max: 65_536 };

/** A declared quantity, checked: a negative, fractional or absurd one is refused (QuantityError), never priced. */
function quantity(value: unknown, fallback: number, range: NumberRange, what: string): number {
  if (value === undefined || value === null) return fallback;
  const parsed = parseNumber(value, range);
  if (!parsed.ok) throw new QuantityError(`${what} ${parsed.problem}`);
  return parsed.value;
}

const nodeGroup: Entry = (r, ctx) => {
  const scaling = r.props.scalingConfig ?? {};
  const minSize = quantity(scaling.minSize, 0, NODE_COUNT, "scalingConfig.minSize");
  const maxSize = quantity(scaling.maxSize, 0, NODE_COUNT, "scalingConfig.maxSize");
  const desiredSize = quantity(scaling.desiredSize, minSize, NODE_COUNT, "scalingConfig.desiredSize");
  if (minSize > maxSize || desiredSize < minSize || desiredSize > maxSize) {
    throw new QuantityError(`scalingConfig: desiredSize ${desiredSize} must lie within minSize ${minSize} and maxSize ${maxSize} (EKS refuses it otherwise)`);
  }
  const count: Scaled = { min: minSize, expected: ctx.expectedNodes[r.name] ?? desiredSize, max: maxSize };
  const type = String((r.props.instanceTypes ?? [])[0] ?? "");
  if (!type) throw new UnpricedError("no instance type");
  const hourly = nodeRate(type, r.props.capacityType, ctx);
  const spot = hourly.purchase.option === "spot";
  const price: Price = { usd: hourly.usdPerHour, unit: "instance-hour", region: hourly.region, source: hourly.source };
  const disk = quantity(ctx.launchTemplateDiskGiB[r.name] ?? r.props.diskSize, 20, VOLUME_GIB, "root volume size (GiB)");
  const gp3 = ctx.launchTemplateGp3?.[r.name] ?? {};
  const extraThroughput = Math.max(0, (gp3.throughputMiBps ?? GP3.baselineMiBps) - GP3.baselineMiBps);
  const extraIops = Math.max(0, (gp3.iops ?? GP3.baselineIops) - GP3.baselineIops);
  return [
    component(`${type} instances (${describePurchase(hourly.purchase)})`, hours(count), price,
      spot ? `${hourly.basis}; spot capacity can be reclaimed with a two-minute notice` : hourly.purchase.option === "on-demand" ? undefined : hourly.basis),
    // EBS bills each provisioned GiB as a "GB-month".
    component(`root volumes (gp3, ${disk} GiB each)`, times(count, disk), rate(ctx, "ebsGp3GbMonth")),
    // gp3 includes 125 MiB/s and 3,000 IOPS; what is provisioned above them is billed per volume-month.
    ...(extraThroughput > 0 ? [component(`root volume throughput above ${GP3.baselineMiBps} MiB/s (${extraThroughput} MiB/s each)`, times(count, extraThroughput), rate(ctx, "ebsGp3ThroughputMiBpsMonth"))] : []),
    ...(extraIops > 0 ? [component(`root volume IOPS above ${GP3.baselineIops} (${extraIops} each)`, times(count, extraIops), rate(ctx, "ebsGp3IopsMonth"))] : []),
  ];
};

const eksCluster: Entry = (r, ctx) => {
  // upgradePolicy.supportType STANDARD: EKS upgrades the control plane when standard support ends, so the
  // extended rate never applies; EXTENDED (and EKS's default when unset): the version's date decides.
  const standardOnly = r.props.upgradePolicy?.supportType === "STANDARD";
  const extended = !standardOnly && supportTier(String(r.props.version ?? ""), ctx.now) === "extended";
  return [component(`control plane (${extended ? "extended" : "standard"} support)`, hours(same(1)), rate(ctx, extended ? "eksClusterExtended" : "eksClusterStandard"))];
};

const natGateway: Entry = (_r, ctx) => [
  component("NAT gateway", hours(same(1)), rate(ctx, "natGatewayHour")),
  component("data processed", same(ctx.usage.natDataGbPerMonth), rate(ctx, "natGatewayDataGb"), `natDataGbPerMonth = ${ctx.usage.natDataGbPerMonth} GB through this gateway`),
];

const elasticIp: Entry = (_r, ctx) => [component("public IPv4 address", hours(same(1)), rate(ctx, "publicIpv4Hour"))];

const vpcEndpoint: Entry = (r, ctx) => {
  if (r.props.vpcEndpointType !== "Interface") return []; // gateway endpoints (S3) are free
  const enis = (r.props.subnetIds ?? []).length || 1;
  return [
    component(`interface endpoint (${enis} zones)`, hours(same(enis)), rate(ctx, "interfaceEndpointHour")),
    component("data processed", same(ctx.usage.endpointDataGbPerMonth), rate(ctx, "interfaceEndpointDataGb"), `endpointDataGbPerMonth = ${ctx.usage.endpointDataGbPerMonth} GB through this endpoint`),
  ];
};

const kmsKey: Entry = (_r, ctx) => [component("customer managed key", same(1), rate(ctx, "kmsKeyMonth"))];

const logGroup: Entry = (_r, ctx) => [
  component("log ingestion", same(ctx.usage.logIngestionGbPerMonth), rate(ctx, "logsIngestionGb"), `logIngestionGbPerMonth = ${ctx.usage.logIngestionGbPerMonth} GB`),
];

/**
 * A Service of type LoadBalancer: the AWS Load Balancer Controller creates a Network Load Balancer for it
 * (internal unless the scheme annotation says otherwise). An internet-facing one sends its responses out of
 * AWS, which is billed per GB; requests coming in are free, and an internal one's traffic never leaves AWS.
 */
const kubernetesService: Entry = (r, ctx) => {
  if (r.props.spec?.type !== "LoadBalancer") return [];
  const internetFacing = r.props.metadata?.annotations?.["service.beta.kubernetes.io/aws-load-balancer-scheme"] === "internet-facing";
  const out = ctx.usage.internetDataOutGbPerMonth;
  return [
    component("Network Load Balancer", hours(same(1)), rate(ctx, "nlbHour")),
    component("NLB capacity units", hours(same(ctx.usage.nlbCapacityUnits)), rate(ctx, "nlbLcuHour"), `nlbCapacityUnits = ${ctx.usage.nlbCapacityUnits}`),
    ...(internetFacing ? [component("data transfer out to the internet", same(out), rate(ctx, "dataTransferOutGb"), `internetDataOutGbPerMonth = ${out} GB of responses to clients on the internet`)] : []),
  ];
};

/** "20Gi" → 20; "500Mi" → 0.49. */
function gibibytes(size: unknown): number {
  const m = /^(\d+(?:\.\d+)?)(Mi|Gi|Ti)?$/.exec(String(size ?? ""));
  if (!m) throw new UnpricedError(`unreadable storage size ${String(size)}`);
  const gib = Number(m[1]) * { Mi: 1 / 1024, Gi: 1, Ti: 1024 }[(m[2] ?? "Gi") as "Mi" | "Gi" | "Ti"];
  if (!(gib <= VOLUME_GIB.max)) throw new QuantityError(`storage size ${String(size)} is above ${VOLUME_GIB.max.toLocaleString("en-US")} GiB`);
  return gib;
}

const persistentVolumeClaim: Entry = (r, ctx) => {
  const size = gibibytes(r.props.spec?.resources?.requests?.storage);
  return [component(`persistent volume (gp3, ${size} GiB)`, same(size), rate(ctx, "ebsGp3GbMonth"))];
};

/** Charts that create persistent volumes, and where their values say how large. */
const CHART_VOLUMES: Record<string, (values: any) => unknown> = {
  prometheus: (v) => (v?.server?.persistentVolume?.enabled === false ? undefined : v?.server?.persistentVolume?.size ?? "8Gi"),
};

const helmRelease: Entry = (r, ctx) => {
  const size = CHART_VOLUMES[String(r.props.chart)]?.(r.props.values);
  if (size === undefined) return [];
  const gib = gibibytes(size);
  return [component(`persistent volume of the ${r.props.chart} chart (gp3, ${gib} GiB)`, same(gib), rate(ctx, "ebsGp3GbMonth"))];
};

/** Priced resource types. */
export const PRICE_BOOK: Readonly<Record<string, Entry>> = {
  "aws:eks/nodeGroup:NodeGroup": nodeGroup,
  "aws:eks/cluster:Cluster": eksCluster,
  "aws:ec2/natGateway:NatGateway": natGateway,
  "aws:ec2/eip:Eip": elasticIp,
  "aws:ec2/vpcEndpoint:VpcEndpoint": vpcEndpoint,
  "aws:kms/key:Key": kmsKey,
  "aws:cloudwatch/logGroup:LogGroup": logGroup,
  "kubernetes:core/v1:Service": kubernetesService,
  "kubernetes:core/v1:PersistentVolumeClaim": persistentVolumeClaim,
  "kubernetes:helm.sh/v3:Release": helmRelease,
};

/** Types that cost nothing by themselves (their cost, if any, is priced on another resource). */
const FREE_TYPES = new Set([
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:ec2/route:Route",
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:ec2/launchTemplate:LaunchTemplate", // priced through its node group
  "aws:iam/role:Role",
  "aws:iam/policy:Policy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:eks/addon:Addon",
  "aws:eks/accessEntry:AccessEntry",
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  "aws:autoscaling/tag:Tag",
  "random:index/randomId:RandomId",
  "random:index/randomPassword:RandomPassword",
  "kubernetes:core/v1:Namespace",
  "kubernetes:core/v1:Secret",
  "kubernetes:apps/v1:Deployment", // runs on the node groups
  "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  "kubernetes:policy/v1:PodDisruptionBudget",
  "kubernetes:storage.k8s.io/v1:StorageClass",
  "kubernetes:keda.sh/v1alpha1:ScaledObject",
  "kubernetes:http.keda.sh/v1beta1:InterceptorRoute",
  "kubernetes:core/v1:ServiceAccount",
  "kubernetes:core/v1:ConfigMap",
  "aws:ecr/pullThroughCacheRule:PullThroughCacheRule", // storage is billed on the cached repositories
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketPolicy:BucketPolicy",
]);

/** Not a price: why a resource could not be priced (it is listed as "not priced"). */
export class UnpricedError extends Error {}

/** A quantity no real resource declares (a negative or fractional node count, a volume beyond any EBS limit). */
export class QuantityError extends Error {}

export interface PricedResource {
  readonly type: string;
  readonly name: string;
  readonly components: readonly CostComponent[];
  readonly monthlyUsd: Scaled;
}

export interface PricingResult {
  readonly priced: readonly PricedResource[];
  readonly free: readonly ResourceView[];
  /** Unknown types, or resources whose inputs could not be priced: listed, never dropped. */
  readonly notPriced: ReadonlyArray<ResourceView & { readonly reason: string }>;
}

export function sumScaled(items: readonly Scaled[]): Scaled {
  return items.reduce((a, b) => ({ min: a.min + b.min, expected: a.expected + b.expected, max: a.max + b.max }), same(0));
}

/** Component resources, providers and the stack itself are structure, not infrastructure. */
function isStructural(type: string): boolean {
  return type.startsWith("pulumi:") || type.startsWith("hostwise:");
}

export function priceResources(resources: readonly ResourceView[], ctx: PriceContext): PricingResult {
  const priced: PricedResource[] = [];
  const free: ResourceView[] = [];
  const notPriced: Array<ResourceView & { reason: string }> = [];
  for (const r of resources.filter((x) => !isStructural(x.type))) {
    const entry = PRICE_BOOK[r.type];
    if (!entry) {
      if (FREE_TYPES.has(r.type)) free.push(r);
      else notPriced.push({ ...r, reason: "no price-book entry for this resource type" });
      continue;
    }
    try {
      const lines = entry(r, ctx);
      const components = lines.filter((l): l is CostComponent => !("missing" in l));
      // A line without a rate in the region is listed as not priced; the lines that have one still count.
      for (const l of lines) if ("missing" in l) notPriced.push({ ...r, reason: `${l.name}: ${l.missing}` });
      if (lines.length === 0) free.push(r);
      else if (components.length > 0) priced.push({ type: r.type, name: r.name, components, monthlyUsd: sumScaled(components.map((c) => c.monthlyUsd)) });
    } catch (e) {
      if (!(e instanceof UnpricedError)) throw e;
      notPriced.push({ ...r, reason: e.message });
    }
  }
  return { priced, free, notPriced };
}
