import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PriceFile } from "../infra/catalog/aws-prices";
import { priceFileProblems } from "../infra/catalog/price-file";
import { runPrices } from "../scripts/commands/prices";
import { specFor } from "./helpers";
import { startPriceApis } from "./support/aws-price-apis";

// `hostwise prices refresh` with the real AWS SDK v3 clients against a local server replaying recorded responses
// of GetProducts, DescribeSavingsPlansOfferingRates and DescribeSpotPriceHistory (test/support/aws-price-apis.ts).

const NOW = new Date("2026-11-25T10:00:00Z");
const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
let apis: Awaited<ReturnType<typeof startPriceApis>>;
beforeAll(async () => {
  apis = await startPriceApis();
});
afterAll(() => apis.close());

async function refresh(args: string[], endpoint = apis.endpoint) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runPrices(["refresh", ...args], { out: (s) => out.push(s), err: (s) => err.push(s) }, { now: NOW, clientConfig: { endpoint, credentials: CREDENTIALS } });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("hostwise prices refresh against recorded AWS responses", () => {
  const dir = mkdtempSync(join(tmpdir(), "hostwise-refresh-"));
  const file = join(dir, "prices.json");
  let run: Awaited<ReturnType<typeof refresh>>;
  let written: PriceFile;
  beforeAll(async () => {
    run = await refresh(["--region", "us-east-2", "--region", "eu-west-1", "--out", file]);
    written = JSON.parse(readFileSync(file, "utf8"));
  });

  it("writes a sound price file in the catalog's format, dated the day it ran", () => {
    expect(run.code, run.err).toBe(0);
    expect(priceFileProblems(written)).toEqual([]);
    expect(written.sources["aws-price-list-2026-11-25"]).toMatchObject({ date: "2026-11-25", note: "read by hostwise prices refresh; Price List publication 2026-11-21T01:05:44Z" });
    expect(written.sources["aws-savings-plans-2026-11-25"]?.ref).toMatch(/^AWS Savings Plans DescribeSavingsPlansOfferingRates/);
    // regions it did not refresh keep the built-in catalog's figures and sources
    expect(written.regions["ap-northeast-1"]?.instances?.["g5.xlarge"]).toEqual({ onDemand: 1.459, spot: 0.657, source: "skypilot-vms" });
  });

  it("reads On-Demand, reserved (standard only), savings-plan and spot rates for an instance type", () => {
    expect(written.regions["us-east-2"]?.instances?.["g5.xlarge"]).toEqual({
      onDemand: 1.006,
      // zones a (latest of two prices: 0.3901), b (0.4012) and c (0.3655); the Local Zone us-east-2-lax-1a is left out
      spot: 0.3901,
      source: "aws-price-list-2026-11-25",
      commitments: {
        "compute-savings-plan/1y/no-upfront": { usdPerHour: 0.8048, source: "aws-savings-plans-2026-11-25" },
        "ec2-instance-savings-plan/3y/all-upfront": { usdPerHour: 0.4527, source: "aws-savings-plans-2026-11-25" },
        "reserved/1y/no-upfront": { usdPerHour: 0.634, source: "aws-price-list-2026-11-25" },
        "reserved/1y/partial-upfront": { usdPerHour: 0.31, upfrontUsd: 2714, source: "aws-price-list-2026-11-25" },
        "reserved/3y/all-upfront": { usdPerHour: 0, upfrontUsd: 13032, source: "aws-price-list-2026-11-25" },
      },
    });
    // the second page of savings-plan rates (nextToken) was read too
    expect(written.regions["us-east-2"]?.instances?.["m6i.large"]?.commitments?.["compute-savings-plan/3y/partial-upfront"]?.usdPerHour).toBe(0.0436);
  });

  it("reads every service line; extended support is the standard hour plus AWS's surcharge", () => {
    const s = written.regions["us-east-2"]!.services!;
    const usd = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v!.usd]));
    expect(usd).toEqual({
      dataTransferOutGb: 0.09, // the first paid tier, listed second of four in the recording
      ebsGp3GbMonth: 0.08, ebsGp3IopsMonth: 0.005, ebsGp3ThroughputMiBpsMonth: 0.04, eksClusterExtended: 0.6, eksClusterStandard: 0.1,
      interfaceEndpointDataGb: 0.01, interfaceEndpointHour: 0.01, kmsKeyMonth: 1, logsIngestionGb: 0.5, logsStorageGbMonth: 0.03,
      natGatewayDataGb: 0.045, natGatewayHour: 0.045, nlbHour: 0.0225, nlbLcuHour: 0.006, publicIpv4Hour: 0.005,
    });
    expect(new Set(Object.values(s).map((l) => l!.source))).toEqual(new Set(["aws-price-list-2026-11-25"]));
    // gp3 throughput comes per GiB/s-month ($40.96) and is kept per MiB/s-month: $40.96 ÷ 1024 = $0.04; the NLB lines
    // are the Network load balancer's, though the Classic (hour $0.025) and Application (NLCU $0.008) ones come first
    // eu-west-1: the recording has only the NAT lines; the others keep the built-in figures with their sources
    const eu = written.regions["eu-west-1"]!.services!;
    expect(eu.natGatewayHour).toEqual({ usd: 0.048, source: "aws-price-list-2026-11-25" });
    expect(eu.ebsGp3GbMonth).toEqual({ usd: 0.088, source: "zombiescan" });
    expect(run.out).toMatch(/eu-west-1: no Price List rate for eksClusterStandard, eksClusterExtended, ebsGp3GbMonth/);
  });

  it("drops types AWS's price list does not have in the region, and says so", () => {
    expect(written.regions["us-east-2"]?.instances?.["g6.xlarge"]).toBeUndefined();
    expect(run.out).toMatch(/us-east-2: not in AWS's price list, so not offered there: g4dn\.xlarge, .*g6\.xlarge/);
  });

  it("prints what changed against the baseline", () => {
    expect(run.out).toMatch(/^hostwise prices refresh: wrote .*prices\.json with AWS prices of 2026-11-25 for us-east-2, eu-west-1 \(baseline: the built-in catalog\)/);
    // g5.xlarge spot in us-east-2: the built-in snapshot $0.3841 → $0.3901; reserved 1y partial: 0.31 + 2714 / 8760 = 0.619817
    expect(run.out).toMatch(/^ {2}us-east-2 +g5\.xlarge +spot +\$0\.3841 +\$0\.3901 \(\+1\.6%\)$/m);
    expect(run.out).toMatch(/^ {2}us-east-2 +g5\.xlarge +reserved\/1y\/partial-upfront +- +\$0\.619817$/m);
    expect(run.out).toMatch(/^ {2}eu-west-1 +g5\.xlarge +spot +\$0\.5746 +\$0\.575 \(\+0\.1%\)$/m); // median of $0.56 and $0.59
    expect(run.out).not.toMatch(/natGatewayHour/); // $0.048 before and after
    // types no longer offered are one line, not a row per figure
    expect(run.out).not.toMatch(/g6\.xlarge +onDemand/);
    expect(run.out).toMatch(/Price a stack with it: pulumi config set hostwise:priceCatalogFile .*prices\.json/);
  });

  it("went through the SDK: signed requests, each region's EC2 endpoint, every page", () => {
    const ec2 = apis.seen.filter((r) => r.api === "ec2");
    expect(new Set(ec2.map((r) => r.signedRegion))).toEqual(new Set(["us-east-2", "eu-west-1"]));
    const first = ec2.find((r) => r.signedRegion === "us-east-2")!.body;
    expect(first).toMatchObject({ Action: "DescribeSpotPriceHistory", "ProductDescription.1": "Linux/UNIX", StartTime: "2026-11-25T10:00:00Z", EndTime: "2026-11-25T10:00:00Z" });
    expect(ec2.some((r) => r.body.NextToken === "spot-page-2")).toBe(true);
    const g5 = apis.seen.filter((r) => r.api === "pricing" && JSON.stringify(r.body).includes('"g5.xlarge"') && JSON.stringify(r.body).includes("us-east-2"));
    expect(g5.map((r) => r.body.NextToken ?? null)).toEqual([null, "g5-page-2"]);
    expect(g5[0]!.body).toMatchObject({ ServiceCode: "AmazonEC2", FormatVersion: "aws_v1" });
    expect(apis.seen.filter((r) => r.api === "pricing").every((r) => r.signedRegion === "us-east-1")).toBe(true);
    expect(apis.seen.filter((r) => r.api === "savingsplans").map((r) => r.body.nextToken ?? null)).toEqual([null, "sp-page-2", null]);
  });

  it("prices a stack from the refreshed file: reserved instances at their amortised rate", () => {
    const spec = specFor({ "aws:region": "us-east-2", priceCatalogFile: file, instanceType: "g5.xlarge", gpuPurchaseOption: "reserved", gpuPurchaseTerm: "3y", gpuPurchasePayment: "all-upfront" });
    expect(spec.pricing.prices.catalog.name).toBe(file);
  });

  it("a second refresh diffs against the file it rewrites", async () => {
    const again = await refresh(["--region", "us-east-2", "--out", file]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/\(baseline: .*prices\.json\)\n\nNo price changed\./);
  });
});

describe("failures", () => {
  it("refuses a bad command line", async () => {
    expect((await refresh(["--region", "Ireland"])).err).toMatch(/--region: "Ireland" is not an AWS region name/);
    expect((await refresh(["--price-list-region", "eu-west-1"])).code).toBe(2);
    const notPrices = join(mkdtempSync(join(tmpdir(), "hostwise-refresh-")), "x.json");
    writeFileSync(notPrices, "{}");
    const r = await refresh(["--out", notPrices]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out: .*x\.json is not a hostwise price file/);
  });

  it("an AWS error exits 1 and writes nothing", async () => {
    const denied = await startPriceApis({ failWith: { status: 400, type: "AccessDeniedException", message: "User is not authorized to perform: pricing:GetProducts" } });
    try {
      const file = join(mkdtempSync(join(tmpdir(), "hostwise-refresh-")), "prices.json");
      const r = await refresh(["--region", "us-east-2", "--out", file], denied.endpoint);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/an AWS call failed, nothing written: AccessDeniedException: User is not authorized to perform: pricing:GetProducts/);
      expect(() => readFileSync(file)).toThrow();
    } finally {
      await denied.close();
    }
  });
});
