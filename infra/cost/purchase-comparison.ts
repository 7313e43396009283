import { HOURS_PER_MONTH } from "../catalog/aws-prices";
import { describePurchase, instanceRate, PAYMENTS, TERMS, type InstanceRate, type Purchase, type PurchaseOption } from "../catalog/purchase-options";
import type { PricingSpec } from "../config/spec";
import { breakEvenMonthlyOutputTokens, selfHostedMonthlyUsd, type HostedApiCostModel, type SelfHostedCostModel } from "./curve";

// The same plan under every purchase option the stack's price file (or its stated discount) has a rate for:
// only the GPU node's hourly rate changes, and with it the monthly cost and the break-even against the API.

export interface OptionRow {
  readonly purchase: Purchase;
  readonly label: string;
  /** The stack's own gpuPurchaseOption. */
  readonly chosen: boolean;
  readonly rate: InstanceRate;
  readonly gpuNodeMonthlyUsd: number;
  readonly monthlyUsdAtVolume: number;
  /** Undefined: the API stays cheaper at every volume. */
  readonly breakEvenMonthlyOutputTokens?: number;
}

export interface OptionComparison {
  readonly rows: readonly OptionRow[];
  /** Options without a rate for the instance type in the region, with why. */
  readonly unpriced: readonly string[];
}

const COMMITMENT_OPTIONS: readonly PurchaseOption[] = ["compute-savings-plan", "ec2-instance-savings-plan", "reserved"];

/** Every purchase the comparison tries: On-Demand, spot, each commitment term and payment, and the stack's own. */
function candidates(gpu: Purchase): Purchase[] {
  const list: Purchase[] = [{ role: "gpu", option: "on-demand" }, gpu.option === "spot" ? gpu : { role: "gpu", option: "spot" }];
  for (const option of COMMITMENT_OPTIONS) {
    for (const term of TERMS) for (const payment of PAYMENTS) list.push({ role: "gpu", option, term, payment });
  }
  const same = (p: Purchase) => p.option === gpu.option && p.term === gpu.term && p.payment === gpu.payment;
  return [...list.filter((p) => !same(p)), gpu];
}

export function compareOptions(
  pricing: PricingSpec,
  instanceType: string,
  chosen: InstanceRate,
  self: SelfHostedCostModel,
  api: HostedApiCostModel,
  monthlyOutputTokens: number,
): OptionComparison {
  const rows: OptionRow[] = [];
  const unpriced: string[] = [];
  for (const purchase of candidates(pricing.gpu)) {
    const result = instanceRate(pricing.prices, instanceType, purchase, pricing.instancePrices[instanceType]);
    const isChosen = purchase === pricing.gpu;
    if (!("rate" in result)) {
      // the many term/payment combinations a file has no rate for are summed up once, below
      if (purchase.option === "on-demand" || purchase.option === "spot" || isChosen) unpriced.push(result.missing);
      continue;
    }
    const gpuNodeMonthlyUsd = self.gpuNodeMonthlyUsd + (result.rate.usdPerHour - chosen.usdPerHour) * HOURS_PER_MONTH;
    const model = { ...self, gpuNodeMonthlyUsd };
    const breakEven = breakEvenMonthlyOutputTokens(model, api);
    rows.push({
      purchase,
      label: describePurchase(purchase),
      chosen: isChosen,
      rate: result.rate,
      gpuNodeMonthlyUsd,
      monthlyUsdAtVolume: selfHostedMonthlyUsd(model, monthlyOutputTokens),
      ...(breakEven !== undefined && { breakEvenMonthlyOutputTokens: breakEven }),
    });
  }
  const commitments = rows.filter((r) => COMMITMENT_OPTIONS.includes(r.purchase.option) && !r.chosen).length;
  if (commitments === 0) {
    unpriced.push(
      `savings plans and reserved instances: ${pricing.prices.catalog.name} has no rates for ${instanceType} in ${pricing.prices.region}; ` +
        `state your discount with hostwise:gpuPurchaseOption and gpuDiscountPercent, or ${pricing.prices.refreshHint()}`,
    );
  }
  return { rows: rows.sort((a, b) => a.rate.usdPerHour - b.rate.usdPerHour), unpriced };
}
