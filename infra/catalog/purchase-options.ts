import { regionsOffering, type Price, type RegionPrices } from "./aws-prices";
import type { Source } from "./source";

// How instances are paid for, and the hourly rate that follows in a region. Rates come from the region's
// price table (On-Demand, a spot snapshot, savings-plan and reserved rates when a refreshed file has them) or
// from a discount the stack states; every rate carries a sentence saying which and how it was worked out.

export const PURCHASE_OPTIONS = ["on-demand", "spot", "compute-savings-plan", "ec2-instance-savings-plan", "reserved", "capacity-block"] as const;
export type PurchaseOption = (typeof PURCHASE_OPTIONS)[number];

/** The system nodes run the add-ons, which must not be interrupted: no spot; Capacity Blocks are GPU-only. */
export const SYSTEM_PURCHASE_OPTIONS = ["on-demand", "compute-savings-plan", "ec2-instance-savings-plan", "reserved"] as const;

export const TERMS = ["1y", "3y"] as const;
export type Term = (typeof TERMS)[number];
export const PAYMENTS = ["no-upfront", "partial-upfront", "all-upfront"] as const;
export type Payment = (typeof PAYMENTS)[number];

/** Hours a term runs: 365 or 3 × 365 days (AWS bills commitments by the hour). */
export const TERM_HOURS: Readonly<Record<Term, number>> = { "1y": 8760, "3y": 26280 };

/** Options that commit for a term and so need hostwise:*PurchaseTerm and *PurchasePayment. */
export function isCommitment(option: PurchaseOption): boolean {
  return option === "compute-savings-plan" || option === "ec2-instance-savings-plan" || option === "reserved";
}

/** How a node group is paid for, as the stack chose it. */
export interface Purchase {
  /** Which config keys it came from: hostwise:gpu* or hostwise:system*. */
  readonly role: "gpu" | "system";
  readonly option: PurchaseOption;
  readonly term?: Term;
  readonly payment?: Payment;
  /** Percent off the On-Demand price, stated by the stack (hostwise:gpuDiscountPercent / systemDiscountPercent). */
  readonly discountPercent?: number;
}

export const ON_DEMAND = (role: Purchase["role"]): Purchase => ({ role, option: "on-demand" });

/** The key of a commitment rate in a price file: `compute-savings-plan/1y/no-upfront`. */
export function commitmentKey(option: PurchaseOption, term: Term, payment: Payment): string {
  return `${option}/${term}/${payment}`;
}

const NAMES: Record<PurchaseOption, string> = {
  "on-demand": "on-demand",
  spot: "spot",
  "compute-savings-plan": "compute savings plan",
  "ec2-instance-savings-plan": "EC2 instance savings plan",
  reserved: "reserved instances (standard)",
  "capacity-block": "capacity block for ML",
};

/** "Compute Savings Plan, 3y, partial-upfront". */
export function describePurchase(p: Pick<Purchase, "option" | "term" | "payment">): string {
  return [NAMES[p.option], p.term, p.payment].filter(Boolean).join(", ");
}

/** What running the GPU nodes on spot means for the stack. */
export const SPOT_BEHAVIOUR =
  "the GPU node group runs SPOT capacity (EKS capacityType SPOT): AWS reclaims a node with a two-minute notice; its replicas " +
  "restart on another node and reload the model, and while spot capacity is short the group may not reach its size";

const discountKey = (role: Purchase["role"]) => `hostwise:${role}DiscountPercent`;

/**
 * Where AWS sells Capacity Blocks for ML (instance type → regions), from the Amazon EC2 User Guide, "Capacity
 * Blocks for ML", supported instance types and Regions (docs.aws.amazon.com/AWSEC2/latest/UserGuide/
 * ec2-capacity-blocks.html), read 2026-11-24.
 */
export const CAPACITY_BLOCK_OFFERINGS: Readonly<Record<string, readonly string[]>> = {
  "p5.48xlarge": ["us-east-1", "us-east-2", "us-west-2", "ap-northeast-1"],
  "p5e.48xlarge": ["us-east-2"],
  "p5en.48xlarge": ["us-east-2"],
  "p4d.24xlarge": ["us-east-2", "us-west-2"],
};

/** An hourly rate for an instance type under a purchase option, with how it was worked out. */
export interface InstanceRate {
  readonly usdPerHour: number;
  readonly region: string;
  readonly purchase: Purchase;
  /** The On-Demand price the rate starts from (or is). */
  readonly onDemandUsdPerHour?: number;
  readonly onDemandFrom?: "catalog" | "instancePrices";
  /** One sentence: the rate, the option and where the figure came from (the cost assumptions print it). */
  readonly basis: string;
  readonly source: Source;
}

export type RateResult = { readonly rate: InstanceRate } | { readonly missing: string };

/**
 * Why the region's table has no row for a type: it does not list the region's instances, or the region does
 * not offer the type. `subject: false` leaves the type's name out (for lists grouped by reason).
 */
export function absentReason(prices: RegionPrices, instanceType: string, subject = true): string {
  if (!prices.instancesCatalogued) return `${prices.catalog.name} has no instance prices for ${prices.region}`;
  const elsewhere = regionsOffering(prices.catalog, instanceType);
  const it = subject ? `${instanceType} ` : "";
  return elsewhere.length === 0
    ? `${it}has no price in ${prices.catalog.name} (in no region)`.trimStart()
    : `${it}${subject ? "is " : ""}not offered in ${prices.region}; regions that have it: ${elsewhere.join(", ")}`;
}

const usd = (n: number) => `$${Number(n.toPrecision(6))}`;
/** A source in a few words: its ref up to the first comma, colon, parenthesis or commit, and its date. */
const dated = (s: Source) => `${s.ref.split(/,|:| \(| at commit/)[0]!.trim()}, ${s.date}`;

/**
 * The hourly rate of an instance type in the region under a purchase option: a discount the stack states
 * (applied to the On-Demand price) wins; otherwise the region's own spot, savings-plan or reserved rate. Never
 * a rate from another region, never a guessed discount: without a figure the result says what is missing.
 */
export function instanceRate(prices: RegionPrices, instanceType: string, purchase: Purchase, onDemandOverride?: number): RateResult {
  const region = prices.region;
  const entry = prices.instance(instanceType);
  if (!entry && onDemandOverride === undefined) return { missing: absentReason(prices, instanceType) };
  let onDemand: Price | undefined;
  if (onDemandOverride !== undefined) {
    onDemand = { usd: onDemandOverride, unit: "instance-hour", region, source: { ref: `hostwise:instancePrices (stack config), ${region}`, date: "stack config" } };
  } else onDemand = entry?.onDemand;
  const onDemandFrom = onDemandOverride !== undefined ? ("instancePrices" as const) : ("catalog" as const);
  const base = { region, purchase, ...(onDemand && { onDemandUsdPerHour: onDemand.usd, onDemandFrom }) };
  const where = `${region} (${prices.catalog.name})`;
  const name = describePurchase(purchase);

  if (purchase.option === "capacity-block") {
    return { missing: `${instanceType}: Capacity Blocks are reserved windows, not a rate this stack can run on (see hostwise:gpuPurchaseOption)` };
  }
  if (purchase.option === "on-demand") {
    if (!onDemand) return { missing: `${instanceType} has no On-Demand price in ${where} (sold through Capacity Blocks only)` };
    const from = onDemandFrom === "instancePrices" ? "hostwise:instancePrices" : dated(onDemand.source);
    return { rate: { ...base, usdPerHour: onDemand.usd, basis: `${instanceType} On-Demand in ${region}: ${usd(onDemand.usd)}/h (${from})`, source: onDemand.source } };
  }
  if (purchase.discountPercent !== undefined) {
    if (!onDemand) return { missing: `${instanceType} has no On-Demand price in ${where} to take ${discountKey(purchase.role)} off` };
    const usdPerHour = onDemand.usd * (1 - purchase.discountPercent / 100);
    const source: Source = {
      ref: `stated by the stack: ${discountKey(purchase.role)} = ${purchase.discountPercent} off the On-Demand price (${onDemand.source.ref})`,
      date: onDemand.source.date,
    };
    return {
      rate: {
        ...base,
        usdPerHour,
        basis: `${instanceType} ${name} in ${region}: On-Demand ${usd(onDemand.usd)}/h × (1 − ${purchase.discountPercent}%) = ${usd(usdPerHour)}/h (discount stated by the stack, ${discountKey(purchase.role)})`,
        source,
      },
    };
  }
  if (purchase.option === "spot") {
    const spot = entry?.spot;
    if (!spot) return { missing: `${instanceType} has no spot price in ${where}: state the discount you see with ${discountKey(purchase.role)}, or ${prices.refreshHint()}` };
    const vs = onDemand ? ` (${Math.round((1 - spot.usd / onDemand.usd) * 100)}% below On-Demand ${usd(onDemand.usd)}/h)` : "";
    return {
      rate: {
        ...base,
        usdPerHour: spot.usd,
        basis: `${instanceType} spot in ${region}: ${usd(spot.usd)}/h${vs}, the median over the region's zones of the spot prices in ${dated(spot.source)}: a market price that moves, not a quote`,
        source: spot.source,
      },
    };
  }
  // Savings plans and reserved instances.
  const key = commitmentKey(purchase.option, purchase.term!, purchase.payment!);
  const c = entry?.commitments[key];
  if (!c) {
    return { missing: `${instanceType} has no ${name} rate in ${where}: state your discount off On-Demand with ${discountKey(purchase.role)}, or ${prices.refreshHint()}` };
  }
  const hours = TERM_HOURS[purchase.term!];
  const usdPerHour = c.usdPerHour + c.upfrontUsd / hours;
  const how = c.upfrontUsd > 0 ? `${usd(c.upfrontUsd)} upfront ÷ ${hours} h + ${usd(c.usdPerHour)}/h = ${usd(usdPerHour)}/h` : `${usd(usdPerHour)}/h`;
  return { rate: { ...base, usdPerHour, basis: `${instanceType} ${name} in ${region}: ${how} (${dated(c.source)})`, source: c.source } };
}
