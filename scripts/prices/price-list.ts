// Reads the items of the AWS Price List Query API's GetProducts: each PriceList entry is a JSON string holding a
// product (its attributes) and its terms, On-Demand and Reserved, each with price dimensions (unit, range,
// pricePerUnit.USD). Shape: docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_GetProducts.html
// and the offer-file format of "Reading the price list files" in the AWS Billing user guide.

export interface PriceDimension {
  readonly unit: string;
  readonly beginRange?: string;
  readonly description?: string;
  readonly usd: number;
}

export interface ReservedTerm {
  /** termAttributes.LeaseContractLength: "1yr" or "3yr". */
  readonly lease: string;
  /** termAttributes.OfferingClass: "standard" or "convertible". */
  readonly offeringClass: string;
  /** termAttributes.PurchaseOption: "No Upfront", "Partial Upfront" or "All Upfront". */
  readonly purchaseOption: string;
  readonly dimensions: readonly PriceDimension[];
}

export interface PriceListProduct {
  readonly sku: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly onDemand: readonly PriceDimension[];
  readonly reserved: readonly ReservedTerm[];
  readonly publicationDate?: string;
}

type Json = Record<string, any>;

function dimensions(term: Json): PriceDimension[] {
  return Object.values<Json>(term.priceDimensions ?? {}).flatMap((d) => {
    const usd = Number(d.pricePerUnit?.USD);
    return Number.isFinite(usd) ? [{ unit: String(d.unit ?? ""), beginRange: d.beginRange, description: d.description, usd }] : [];
  });
}

/** One PriceList entry (a JSON string, a String object the SDK wraps it in, or parsed JSON) as a product with its prices. */
export function parsePriceListItem(item: unknown): PriceListProduct {
  const data: Json = typeof item === "object" && item !== null && "product" in item ? (item as Json) : JSON.parse(String(item));
  const terms: Json = data.terms ?? {};
  return {
    sku: String(data.product?.sku ?? ""),
    attributes: data.product?.attributes ?? {},
    onDemand: Object.values<Json>(terms.OnDemand ?? {}).flatMap(dimensions),
    reserved: Object.values<Json>(terms.Reserved ?? {}).map((t) => ({
      lease: String(t.termAttributes?.LeaseContractLength ?? ""),
      offeringClass: String(t.termAttributes?.OfferingClass ?? ""),
      purchaseOption: String(t.termAttributes?.PurchaseOption ?? ""),
      dimensions: dimensions(t),
    })),
    ...(data.publicationDate && { publicationDate: String(data.publicationDate) }),
  };
}

/** The On-Demand dimension of the first tier (beginRange 0): tiered lines (GB processed, GB out) start there. */
export function firstTier(dims: readonly PriceDimension[]): PriceDimension | undefined {
  return [...dims].sort((a, b) => Number(a.beginRange ?? 0) - Number(b.beginRange ?? 0))[0];
}

/** Whether a usage type is the given one, with or without its region prefix ("USE2-NatGateway-Hours"). */
export function isUsageType(usagetype: string | undefined, wanted: string): boolean {
  return usagetype === wanted || (usagetype?.endsWith(`-${wanted}`) ?? false);
}
