import { resolve } from "node:path";
import { BUILT_IN_CATALOG, catalogRegions, RegionPrices, regionsOffering, type PriceCatalog } from "../catalog/aws-prices";
import { INSTANCE_TYPES } from "../catalog/instances";
import { readPriceFile } from "../catalog/price-file";
import {
  CAPACITY_BLOCK_OFFERINGS, describePurchase, instanceRate, isCommitment, type Payment, type Purchase, type PurchaseOption, type Term,
} from "../catalog/purchase-options";
import { qualified, setHint, type ConfigReader, type RawConfig } from "./read";
import { parseNumber } from "./numbers";
import { INSTANCE_PRICE_RANGE, REGION_KEY } from "./schema";
import type { PricingSpec } from "./spec";

// The stack's pricing settings: which price file, the region's prices in it, On-Demand overrides, and how the
// GPU and system nodes are paid for. Shared by config validation and `hostwise cost --preview`.

/** Instance types whose price a stack may give: GPU catalog types, and any well-formed type for the system group. */
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

export function readInstancePrices(r: ConfigReader, didYouMean: (input: string) => string = () => ""): Record<string, number> {
  const prices: Record<string, number> = {};
  for (const entry of r.stringList("instancePrices")) {
    const m = /^\s*([a-z0-9.-]+)\s*=\s*(\S+)\s*$/.exec(entry);
    if (!m) {
      r.fail("instancePrices", `entry "${entry}" is not "instance-type=usd-per-hour"`, `write entries like "g6e.xlarge=2.10"`);
      continue;
    }
    const [, type, price] = m as unknown as [string, string, string];
    const parsed = parseNumber(price, INSTANCE_PRICE_RANGE);
    if (!INSTANCE_TYPE.test(type)) {
      r.fail("instancePrices", `"${type}" is not an EC2 instance type`, `${didYouMean(type)}remove or correct the entry`);
    } else if (!parsed.ok) {
      r.fail("instancePrices", `the price of ${type} ${parsed.problem}`, `write the On-Demand USD/hour for your region, e.g. "${type}=2.10"`);
    } else {
      prices[type] = parsed.value;
    }
  }
  return prices;
}

/** The price catalog the stack names (hostwise:priceCatalogFile, relative to the project), or the built-in one. */
function readCatalog(r: ConfigReader, projectDir: string): PriceCatalog | undefined {
  const file = r.string("priceCatalogFile");
  if (file === undefined) return BUILT_IN_CATALOG;
  const read = readPriceFile(resolve(projectDir, file));
  if ("problem" in read) {
    return r.fail("priceCatalogFile", read.problem, `write it with \`hostwise prices refresh --region <region> --out ${file}\`, or unset it to use the built-in catalog: pulumi config rm ${qualified("priceCatalogFile")}`);
  }
  return read.catalog;
}

function regionPrices(r: ConfigReader, catalog: PriceCatalog, region: string): RegionPrices | undefined {
  const prices = RegionPrices.of(catalog, region);
  if (prices) return prices;
  const builtIn = catalog === BUILT_IN_CATALOG;
  return r.fail(
    builtIn ? REGION_KEY : "priceCatalogFile",
    `${catalog.name} has no prices for ${region}; it covers ${catalogRegions(catalog).join(", ")}`,
    builtIn
      ? `deploy to one of those regions, or give ${region}'s prices explicitly: a price file covering it (\`hostwise prices refresh --region ${region} --out prices.json\` with AWS credentials, or written by hand in the same format) and ${setHint("priceCatalogFile", "prices.json")}`
      : `refresh it for ${region}: hostwise prices refresh --region ${region} --out <file>`,
  );
}

const CAPACITY_BLOCK_WHY =
  "a Capacity Block is a reservation of GPU instances for a fixed window (1 to 182 days) in one availability zone, paid upfront; " +
  "an EKS managed node group runs on it only through a launch template that targets its reservation id (market type capacity-block), " +
  "capacity type CAPACITY_BLOCK and subnets in its zone, and must be scaled to 0 before the window ends. hostwise's GPU node group targets " +
  "no reservation and autoscales across zones, so its nodes would launch (and bill) On-Demand";

function capacityBlockOfferings(): string {
  return Object.entries(CAPACITY_BLOCK_OFFERINGS).map(([type, regions]) => `${type} (${regions.join(", ")})`).join(", ");
}

/** hostwise:<role>PurchaseOption with its term, payment and stated discount, checked as a set. */
function readPurchase(r: ConfigReader, raw: RawConfig, role: "gpu" | "system"): Purchase | undefined {
  const key = (k: string) => `${role}${k}`;
  let option = r.string(key("PurchaseOption")) as PurchaseOption | undefined;
  if (role === "gpu") {
    // The deprecated gpuCapacityType: `spot` chose spot capacity before purchase options existed.
    const capacity = r.string("gpuCapacityType");
    const explicit = raw.gpuPurchaseOption !== undefined && raw.gpuPurchaseOption !== "";
    if (capacity === "spot" && !explicit) option = "spot";
    else if (capacity !== undefined && option !== undefined && (capacity === "spot") !== (option === "spot")) {
      r.fail("gpuCapacityType", `${capacity} contradicts gpuPurchaseOption ${option}`, `gpuCapacityType is replaced by gpuPurchaseOption: pulumi config rm ${qualified("gpuCapacityType")}`);
    }
  }
  const term = r.string(key("PurchaseTerm")) as Term | undefined;
  const payment = r.string(key("PurchasePayment")) as Payment | undefined;
  const discountPercent = r.number(key("DiscountPercent")); // its range (above 0, at most 99) is in the schema
  if (option === undefined) return undefined;

  if (option === "capacity-block") {
    return r.fail("gpuPurchaseOption", `capacity-block cannot be deployed by this stack: ${CAPACITY_BLOCK_WHY}. AWS offers Capacity Blocks for ${capacityBlockOfferings()}`,
      `choose on-demand, spot, a savings plan or reserved (${setHint("gpuPurchaseOption", "on-demand")}); running on a block needs a reservation-targeting node group, which hostwise does not build yet`);
  }
  if (isCommitment(option)) {
    for (const [k, v, example] of [["PurchaseTerm", term, "1y"], ["PurchasePayment", payment, "no-upfront"]] as const) {
      if (v === undefined && !r.issues.some((i) => i.key === qualified(key(k)))) {
        r.fail(key(k), `is required with ${role}PurchaseOption ${option}`, setHint(key(k), example));
      }
    }
  } else {
    for (const [k, v] of [["PurchaseTerm", term], ["PurchasePayment", payment]] as const) {
      if (v !== undefined) r.fail(key(k), `applies to savings plans and reserved instances, not ${role}PurchaseOption ${option}`, `pulumi config rm ${qualified(key(k))}`);
    }
  }
  if (discountPercent !== undefined && option === "on-demand") {
    r.fail(key("DiscountPercent"), `is the discount of a purchase option, and ${role}PurchaseOption is on-demand`,
      `set the option the discount belongs to (${setHint(key("PurchaseOption"), role === "gpu" ? "spot" : "compute-savings-plan")}), or give your negotiated On-Demand prices with hostwise:instancePrices`);
  }
  if (isCommitment(option) && (term === undefined || payment === undefined)) return undefined;
  if (discountPercent !== undefined && option === "on-demand") return undefined;
  return { role, option, ...(term && { term }), ...(payment && { payment }), ...(discountPercent !== undefined && { discountPercent }) };
}

/** The config key to name when an instance type has no rate under a purchase. */
function rateKey(purchase: Purchase): string {
  return purchase.option === "on-demand" ? "instancePrices" : `${purchase.role}DiscountPercent`;
}

/** Without a stated discount, an option is usable only if the price file has its rate for some GPU type. */
function checkGpuOptionHasRates(r: ConfigReader, pricing: PricingSpec): void {
  const gpu = pricing.gpu;
  if (gpu.option === "on-demand" || gpu.discountPercent !== undefined) return;
  const results = INSTANCE_TYPES.map((i) => instanceRate(pricing.prices, i.instanceType, gpu, pricing.instancePrices[i.instanceType]));
  if (results.some((x) => "rate" in x)) return;
  r.fail("gpuDiscountPercent", `${pricing.prices.catalog.name} has no ${describePurchase(gpu)} rates for ${pricing.prices.region}`,
    `state the discount off On-Demand your AWS pricing shows (${setHint("gpuDiscountPercent", 30)}), or ${pricing.prices.refreshHint()}`);
}

export interface PricingOptions {
  /** Where a relative hostwise:priceCatalogFile is read from. */
  readonly projectDir: string;
  /** "did you mean …? " for a mistyped instance type in hostwise:instancePrices. */
  readonly didYouMean?: (input: string) => string;
}

/** Reads the pricing keys for a region; undefined (with issues recorded) when they cannot price the stack. */
export function readPricing(r: ConfigReader, raw: RawConfig, region: string | undefined, o: PricingOptions): PricingSpec | undefined {
  const catalog = readCatalog(r, o.projectDir);
  const instancePrices = readInstancePrices(r, o.didYouMean);
  const gpu = readPurchase(r, raw, "gpu");
  const system = readPurchase(r, raw, "system");
  const prices = catalog && region ? regionPrices(r, catalog, region) : undefined;
  if (!prices || !gpu || !system) return undefined;
  const pricing = { prices, instancePrices, gpu, system };
  checkGpuOptionHasRates(r, pricing);
  return pricing;
}

/** Why an instance type has no rate for the stack, as a config issue: not offered here, or no figure for the option. */
export function checkInstanceRate(r: ConfigReader, pricing: PricingSpec, instanceType: string, purchase: Purchase, key: string): void {
  const prices = pricing.prices;
  const override = pricing.instancePrices[instanceType];
  const result = instanceRate(prices, instanceType, purchase, override);
  if ("rate" in result) return;
  if (override === undefined && !prices.instance(instanceType)) {
    const giveIt = `give its On-Demand price for ${prices.region}: hostwise:instancePrices ["${instanceType}=<usd per hour>"]`;
    if (!prices.instancesCatalogued) r.fail("instancePrices", result.missing, `${giveIt}, or ${prices.refreshHint()}`);
    else if (regionsOffering(prices.catalog, instanceType).length === 0) r.fail(key, result.missing, `${giveIt}, or choose a catalogued type`);
    else {
      r.fail(key, result.missing, `choose another instance type, or deploy to a region that has it (${REGION_KEY}); if AWS has added it in ${prices.region} since ${prices.catalog.name} was written, ${giveIt}`);
    }
    return;
  }
  r.fail(rateKey(purchase), result.missing, purchase.option === "on-demand" ? `add it: hostwise:instancePrices ["${instanceType}=<usd per hour>"]` : `${setHint(rateKey(purchase), 30)} (your discount off On-Demand), or ${prices.refreshHint()}`);
}
