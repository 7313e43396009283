import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILT_IN_CATALOG, catalogRegions, RegionPrices, SERVICE_LINES, type ServiceLine } from "../infra/catalog/aws-prices";
import { INSTANCE_TYPES } from "../infra/catalog/instances";
import { priceFileProblems } from "../infra/catalog/price-file";
import type { RawConfig } from "../infra/config/read";
import { priceResources, type PriceContext } from "../infra/cost/pricebook";
import type { ResourceView } from "../infra/resource-view";
import { issuesFor, specFor } from "./helpers";

// The price book in several regions under three purchase options, against figures worked out by hand from the
// region's column of infra/catalog/aws-regional-prices.json (730 hours a month).

/** A small stack: one GPU node and two system nodes (50 GiB root volumes), a NAT gateway, the control plane. */
const RESOURCES: ResourceView[] = [
  { type: "aws:eks/nodeGroup:NodeGroup", name: "gpu", props: { instanceTypes: ["g5.xlarge"], scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 1 }, diskSize: 50 } },
  { type: "aws:eks/nodeGroup:NodeGroup", name: "system", props: { instanceTypes: ["m6i.large"], scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 2 }, diskSize: 50 } },
  { type: "aws:ec2/natGateway:NatGateway", name: "nat", props: {} },
  { type: "aws:eks/cluster:Cluster", name: "eks", props: { version: "1.35" } },
  { type: "aws:cloudwatch/logGroup:LogGroup", name: "logs", props: {} },
];

/** The resources priced with the stack's pricing settings; the GPU group's capacity type as the program sets it. */
function priced(config: RawConfig) {
  const spec = specFor(config);
  const ctx: PriceContext = { ...spec.pricing, now: new Date("2026-11-23T12:00:00Z"), usage: spec.usage, expectedNodes: {}, launchTemplateDiskGiB: {} };
  const capacityType = spec.nodes.gpuCapacityType === "spot" ? "SPOT" : "ON_DEMAND";
  const [gpu, ...rest] = RESOURCES;
  return priceResources([{ ...gpu!, props: { ...gpu!.props, capacityType } }, ...rest], ctx);
}
const monthly = (r: ReturnType<typeof priced>, name: string) => r.priced.find((p) => p.name === name)!.monthlyUsd.expected;

describe("each region priced from its own column", () => {
  it("us-east-1 On-Demand", () => {
    const r = priced({ "aws:region": "us-east-1" });
    expect(monthly(r, "gpu")).toBeCloseTo(1.006 * 730 + 50 * 0.08, 6); // g5.xlarge $734.38 + gp3 $4.00
    expect(monthly(r, "system")).toBeCloseTo(2 * (0.096 * 730 + 50 * 0.08), 6); // 2 × (m6i.large $70.08 + $4.00)
    expect(monthly(r, "nat")).toBeCloseTo(0.045 * 730 + 100 * 0.045, 6); // $32.85 + 100 GB × $0.045
    expect(monthly(r, "eks")).toBeCloseTo(0.1 * 730, 6);
    expect(monthly(r, "logs")).toBeCloseTo(10 * 0.5, 6);
  });

  it("eu-west-1 On-Demand", () => {
    const r = priced({ "aws:region": "eu-west-1" });
    expect(monthly(r, "gpu")).toBeCloseTo(1.123 * 730 + 50 * 0.088, 6); // $819.79 + $4.40
    expect(monthly(r, "system")).toBeCloseTo(2 * (0.107 * 730 + 50 * 0.088), 6); // 2 × ($78.11 + $4.40)
    expect(monthly(r, "nat")).toBeCloseTo(0.048 * 730 + 100 * 0.048, 6); // $35.04 + $4.80
    expect(monthly(r, "eks")).toBeCloseTo(73, 6);
    expect(monthly(r, "logs")).toBeCloseTo(10 * 0.57, 6);
  });

  it("ap-northeast-1 On-Demand, with the line it has no rate for listed as not priced", () => {
    const r = priced({ "aws:region": "ap-northeast-1" });
    expect(monthly(r, "gpu")).toBeCloseTo(1.459 * 730 + 50 * 0.096, 6); // $1,065.07 + $4.80
    expect(monthly(r, "system")).toBeCloseTo(2 * (0.124 * 730 + 50 * 0.096), 6); // 2 × ($90.52 + $4.80)
    expect(monthly(r, "nat")).toBeCloseTo(0.062 * 730 + 100 * 0.062, 6); // $45.26 + $6.20
    // us-east-1 and eu-west-1 have a log-ingestion rate; ap-northeast-1 has none in the catalog: not borrowed
    expect(r.notPriced.map((n) => [n.name, n.reason])).toEqual([
      ["logs", "log ingestion: the built-in catalog has no logsIngestionGb rate for ap-northeast-1 (to price it: run `hostwise prices refresh --region ap-northeast-1 --out prices.json` with AWS credentials and set hostwise:priceCatalogFile prices.json)"],
    ]);
  });

  it("eu-central-1 On-Demand: NAT data and log ingestion at the rates its own bill shows", () => {
    const r = priced({ "aws:region": "eu-central-1" });
    expect(monthly(r, "gpu")).toBeCloseTo(1.258 * 730 + 50 * 0.0952, 6); // $918.34 + $4.76
    expect(monthly(r, "system")).toBeCloseTo(2 * (0.115 * 730 + 50 * 0.0952), 6); // 2 × ($83.95 + $4.76)
    expect(monthly(r, "nat")).toBeCloseTo(0.052 * 730 + 100 * 0.052, 6); // $37.96 + 100 GB × $0.052 (EUC1-NatGateway-Bytes, CUR)
    expect(monthly(r, "logs")).toBeCloseTo(10 * 0.63, 6); // EUC1-VendedLog-Bytes, CUR
    expect(r.notPriced).toEqual([]);
  });

  it("sa-east-1 On-Demand: instances from its own price list, NAT data and logs listed as not priced", () => {
    const r = priced({ "aws:region": "sa-east-1" });
    expect(monthly(r, "gpu")).toBeCloseTo(1.71 * 730 + 50 * 0.152, 6); // g5.xlarge $1,248.30 + gp3 $7.60
    expect(monthly(r, "system")).toBeCloseTo(2 * (0.153 * 730 + 50 * 0.152), 6); // 2 × (m6i.large $111.69 + $7.60)
    expect(monthly(r, "eks")).toBeCloseTo(73, 6);
    expect(r.notPriced.map((n) => n.name)).toEqual(["nat", "logs"]);
    // the gateway's hour has a São Paulo rate and counts; only its data line is missing
    expect(monthly(r, "nat")).toBeCloseTo(0.093 * 730, 6); // $67.89
    expect(r.notPriced[0]!.reason).toMatch(/^data processed: the built-in catalog has no natGatewayDataGb rate for sa-east-1/);
  });
});

describe("purchase options", () => {
  it("spot: the region's spot snapshot, labelled with where it came from and what spot means", () => {
    const us = priced({ "aws:region": "us-east-1", gpuPurchaseOption: "spot" });
    const eu = priced({ "aws:region": "eu-west-1", gpuPurchaseOption: "spot" });
    const jp = priced({ "aws:region": "ap-northeast-1", gpuPurchaseOption: "spot" });
    // g5.xlarge spot (median of the region's zones): us-east-1 $0.436, eu-west-1 $0.5746, ap-northeast-1 $0.657
    expect(monthly(us, "gpu")).toBeCloseTo(0.436 * 730 + 50 * 0.08, 6); //  $318.28 + $4.00
    expect(monthly(eu, "gpu")).toBeCloseTo(0.5746 * 730 + 50 * 0.088, 6); // $419.458 + $4.40
    expect(monthly(jp, "gpu")).toBeCloseTo(0.657 * 730 + 50 * 0.096, 6); // $479.61 + $4.80
    const gpu = eu.priced.find((p) => p.name === "gpu")!.components[0]!;
    expect(gpu.name).toBe("g5.xlarge instances (spot)");
    expect(gpu.assumption).toBe(
      "g5.xlarge spot in eu-west-1: $0.5746/h (49% below On-Demand $1.123/h), the median over the region's zones of the spot prices in " +
        "skypilot-org/skypilot-catalog catalogs/v8/aws/vms.csv, 2026-11-25: a market price that moves, not a quote; spot capacity can be reclaimed with a two-minute notice",
    );
    // the system nodes stay On-Demand
    expect(monthly(eu, "system")).toBeCloseTo(2 * (0.107 * 730 + 50 * 0.088), 6);
  });

  it("a savings plan at a discount the stack states, labelled as the stack's", () => {
    const r = priced({ "aws:region": "eu-west-1", gpuPurchaseOption: "compute-savings-plan", gpuPurchaseTerm: "3y", gpuPurchasePayment: "no-upfront", gpuDiscountPercent: "28" });
    // $1.123 × (1 − 0.28) = $0.80856/h → $590.2488 a month, + gp3 $4.40
    expect(monthly(r, "gpu")).toBeCloseTo(0.80856 * 730 + 4.4, 6);
    const c = r.priced.find((p) => p.name === "gpu")!.components[0]!;
    expect(c.name).toBe("g5.xlarge instances (compute savings plan, 3y, no-upfront)");
    expect(c.assumption).toBe("g5.xlarge compute savings plan, 3y, no-upfront in eu-west-1: On-Demand $1.123/h × (1 − 28%) = $0.80856/h (discount stated by the stack, hostwise:gpuDiscountPercent)");
    expect(c.source.ref).toMatch(/^stated by the stack: hostwise:gpuDiscountPercent = 28 off the On-Demand price/);
  });

  it("reserved instances from a refreshed price file: the upfront payment amortised over the term's hours", () => {
    const dir = mkdtempSync(join(tmpdir(), "hostwise-prices-"));
    const file = {
      ...BUILT_IN_CATALOG.file,
      sources: { ...BUILT_IN_CATALOG.file.sources, ri: { ref: "AWS Price List Query API, GetProducts AmazonEC2 (recorded)", date: "2026-11-20" } },
      regions: {
        "us-east-2": {
          ...BUILT_IN_CATALOG.file.regions["us-east-2"],
          instances: {
            ...BUILT_IN_CATALOG.file.regions["us-east-2"]!.instances,
            "g5.xlarge": { onDemand: 1.006, source: "skypilot-vms", commitments: { "reserved/1y/partial-upfront": { usdPerHour: 0.287, upfrontUsd: 2514, source: "ri" } } },
          },
        },
      },
    };
    expect(priceFileProblems(file)).toEqual([]);
    writeFileSync(join(dir, "prices.json"), JSON.stringify(file));
    const spec = specFor({ "aws:region": "us-east-2", priceCatalogFile: join(dir, "prices.json"), gpuPurchaseOption: "reserved", gpuPurchaseTerm: "1y", gpuPurchasePayment: "partial-upfront" });
    expect(spec.pricing.prices.catalog.name).toBe(join(dir, "prices.json"));
    const ctx: PriceContext = { ...spec.pricing, now: new Date("2026-11-23T12:00:00Z"), usage: spec.usage, expectedNodes: {}, launchTemplateDiskGiB: {} };
    const gpu = priceResources([RESOURCES[0]!], ctx).priced[0]!.components[0]!;
    // $2,514 upfront ÷ 8,760 h = $0.286986/h, + $0.287/h = $0.573986/h
    expect(gpu.unitPriceUsd).toBeCloseTo(0.287 + 2514 / 8760, 9);
    expect(gpu.assumption).toBe("g5.xlarge reserved instances (standard), 1y, partial-upfront in us-east-2: $2514 upfront ÷ 8760 h + $0.287/h = $0.573986/h (AWS Price List Query API, 2026-11-20)");
    // a region the file does not cover is refused, naming what it covers
    expect(issuesFor({ "aws:region": "eu-west-1", priceCatalogFile: join(dir, "prices.json") }).find((i) => i.key === "hostwise:priceCatalogFile")?.message).toBe(
      `${join(dir, "prices.json")} has no prices for eu-west-1; it covers us-east-2`,
    );
  });
});

describe("no line reads another region's rate", () => {
  it("every service line and instance price RegionPrices returns is the region's own", () => {
    for (const region of catalogRegions(BUILT_IN_CATALOG)) {
      const prices = RegionPrices.of(BUILT_IN_CATALOG, region)!;
      const entry = BUILT_IN_CATALOG.file.regions[region]!;
      for (const line of Object.keys(SERVICE_LINES) as ServiceLine[]) {
        const p = prices.service(line);
        expect(p?.usd, `${region} ${line}`).toBe(entry.services?.[line]?.usd);
        if (p) expect(p.region).toBe(region);
      }
      for (const type of INSTANCE_TYPES.map((i) => i.instanceType)) {
        expect(prices.instance(type)?.onDemand?.usd, `${region} ${type}`).toBe(entry.instances?.[type]?.onDemand);
      }
    }
  });

  it("the catalog is sound: every figure names a dated source", () => {
    expect(priceFileProblems(BUILT_IN_CATALOG.file)).toEqual([]);
  });
});

describe("what the catalog prices, region by region (the README's table of gaps)", () => {
  it("every region lists the system types and the GPU types AWS prices there", () => {
    for (const region of catalogRegions(BUILT_IN_CATALOG)) {
      const prices = RegionPrices.of(BUILT_IN_CATALOG, region)!;
      expect(prices.instancesCatalogued, region).toBe(true);
      for (const type of ["m6i.large", "m6i.xlarge", "m7i.large", "m7i.xlarge"]) expect(prices.instance(type)?.onDemand?.usd, `${region} ${type}`).toBeGreaterThan(0);
    }
    // São Paulo: what AWS's price list has there (no g6e, g7e, p4de, p5e, p5en or p6-b200), and no spot snapshot
    const sa = RegionPrices.of(BUILT_IN_CATALOG, "sa-east-1")!;
    expect(INSTANCE_TYPES.map((i) => i.instanceType).filter((t) => sa.instance(t))).toEqual([
      ...["g4dn.xlarge", "g4dn.2xlarge", "g4dn.4xlarge", "g4dn.8xlarge", "g4dn.16xlarge", "g4dn.12xlarge"],
      ...["g5.xlarge", "g5.2xlarge", "g5.4xlarge", "g5.8xlarge", "g5.16xlarge", "g5.12xlarge", "g5.24xlarge", "g5.48xlarge"],
      ...["g6.xlarge", "g6.2xlarge", "g6.4xlarge", "g6.8xlarge", "g6.16xlarge", "g6.12xlarge", "g6.24xlarge", "g6.48xlarge"],
      ...["p4d.24xlarge", "p5.4xlarge", "p5.48xlarge"],
    ]);
    expect(INSTANCE_TYPES.filter((i) => sa.instance(i.instanceType)?.spot)).toEqual([]);
  });

  it("names the service lines no dated source was found for: they are priced nowhere else either", () => {
    const missing = Object.fromEntries(
      catalogRegions(BUILT_IN_CATALOG).map((region) => {
        const prices = RegionPrices.of(BUILT_IN_CATALOG, region)!;
        return [region, (Object.keys(SERVICE_LINES) as ServiceLine[]).filter((line) => !prices.service(line))];
      }),
    );
    const gp3Extras = ["ebsGp3ThroughputMiBpsMonth", "ebsGp3IopsMonth"];
    expect(missing).toEqual({
      "us-east-1": [],
      "us-east-2": ["natGatewayDataGb", ...gp3Extras, "nlbLcuHour", "interfaceEndpointDataGb"],
      "us-west-2": [...gp3Extras, "nlbLcuHour", "logsIngestionGb"],
      "ca-central-1": ["natGatewayDataGb", ...gp3Extras, "nlbLcuHour", "interfaceEndpointDataGb", "logsIngestionGb"],
      "eu-west-1": ["nlbLcuHour", "interfaceEndpointDataGb"],
      "eu-west-2": [...gp3Extras, "interfaceEndpointDataGb", "logsIngestionGb"],
      "eu-central-1": [...gp3Extras, "nlbLcuHour"],
      "eu-north-1": ["natGatewayDataGb", ...gp3Extras, "nlbLcuHour", "interfaceEndpointDataGb", "logsIngestionGb"],
      "ap-northeast-1": ["nlbLcuHour", "interfaceEndpointDataGb", "logsIngestionGb"],
      "ap-southeast-1": [...gp3Extras, "nlbLcuHour", "interfaceEndpointDataGb", "logsIngestionGb"],
      "ap-southeast-2": ["natGatewayDataGb", ...gp3Extras, "nlbLcuHour", "interfaceEndpointDataGb", "logsIngestionGb"],
      "ap-south-1": ["natGatewayDataGb", ...gp3Extras, "nlbLcuHour", "interfaceEndpointDataGb", "logsIngestionGb"],
      "sa-east-1": ["natGatewayDataGb", "interfaceEndpointDataGb", "logsIngestionGb"],
    });
  });
});
