import { describe, expect, it, vi } from "vitest";
import type { BucketRecord, Measured } from "../scripts/report/collect";
import { priceMonth, type ReportPrices } from "../scripts/report/price";
import { notes } from "../scripts/report/render";
import { reportWindow } from "../scripts/report/window";
import { NOW } from "./helpers";
import { ROOT } from "./support/program";

// The report's pricing over measured buckets, by hand.

const PRICES: ReportPrices = {
  instanceType: "g6e.12xlarge",
  region: "us-east-1",
  gpuPurchase: "on-demand",
  priceCatalog: "the built-in catalog",
  gpuNodeHourlyUsd: 10,
  fixedHourlyUsd: 1,
  hostedApi: { id: "x/y", inputUsdPerMTok: 0.5, outputUsdPerMTok: 1.5 },
  replicasPerNode: 2,
  modeledOutputTokensPerNodeHour: 1_000_000,
};

const window = reportWindow("2d", new Date("2026-11-03T00:00:00Z"));

function bucket(i: number, b: Partial<BucketRecord>): BucketRecord {
  return {
    start: new Date(window.bucketEnds[i]!.getTime() - 86_400_000), end: window.bucketEnds[i]!,
    coverageHours: 24, replicaHours: 0, gpuNodeHours: 0, gpuHours: 0, promptTokens: 0, generationTokens: 0, preemptions: 0,
    requests: 0, requestsByReason: {}, httpResponses: {}, gpuUtilizationPercent: null, kvCacheUsage: null, ttftP50: null, ttftP95: null, e2eP50: null, e2eP95: null,
    overflow: null, sums: { gpuUtilization: [0, 0], kvCacheUsage: [0, 0] },
    ...b,
  };
}

function measured(buckets: BucketRecord[], totals: Partial<Measured["totals"]>): Measured {
  return {
    window,
    buckets,
    totals: {
      coverageHours: 48, bucketsWithData: 2, replicaHours: null, gpuNodeHours: null, gpuHours: null, promptTokens: null, generationTokens: null,
      preemptions: null, requests: null, requestsByReason: null, httpResponses: null, gpuUtilizationPercent: null, kvCacheUsage: null, overflow: null, ...totals,
    },
    latency: { ttft: { p50: null, p90: null, p95: null, p99: null }, itl: { p50: null, p90: null, p95: null, p99: null }, e2e: { p50: null, p90: null, p95: null, p99: null }, queue: { p50: null, p90: null, p95: null, p99: null } },
    queries: [],
  };
}

describe("priceMonth", () => {
  it("prices GPU node-hours, the rest per recorded hour, people per recorded hour, and the API's list price", () => {
    const m = measured(
      [bucket(0, { gpuNodeHours: 24, replicaHours: 48 }), bucket(1, { gpuNodeHours: 6, replicaHours: 12 })],
      { promptTokens: 20e6, generationTokens: 10e6, overflow: { requests: 10, promptTokens: 2e6, completionTokens: 1e6 } },
    );
    const p = priceMonth(m, { ...PRICES, people: { hoursPerMonth: 73, hourlyUsd: 100 } });
    // GPU: 30 node-hours × $10 = $300; rest: 48 h × $1 = $48 → $348; people: 48 h × $7,300 / 730 = $480
    expect([p.gpuUsd, p.fixedUsd, p.totalUsd, p.peopleUsd, p.totalWithPeopleUsd]).toEqual([300, 48, 348, 480, 828]);
    expect(p.usdPerMillionOutputTokens).toBeCloseTo(34.8, 9); // $348 / 10M
    expect(p.usdPerMillionTokens).toBeCloseTo(348 / 30, 9);
    expect(p.modeledCapacityShare).toBeCloseTo(10e6 / (30 * 1e6), 9);
    // API: 20M × $0.5 + 10M × $1.5 = $25; overflow: 2M × $0.5 + 1M × $1.5 = $2.50
    expect(p.hostedApi.sameTokensUsd).toBeCloseTo(25, 9);
    expect(p.overflow).toMatchObject({ api: "x/y" });
    expect(p.overflow?.usd).toBeCloseTo(2.5, 9);
    expect(p.gpuNodeHoursFloored).toBe(false);
    // a stack with a fallback API: its overflow is the fallback's, at its prices (2M × $1 + 1M × $3 = $5)
    const hybrid = priceMonth(m, { ...PRICES, fallbackApi: { id: "f/g", inputUsdPerMTok: 1, outputUsdPerMTok: 3 } });
    expect(hybrid.overflow).toMatchObject({ api: "f/g" });
    expect(hybrid.overflow?.usd).toBeCloseTo(5, 9);
    expect(hybrid.hostedApi.sameTokensUsd).toBeCloseTo(25, 9); // the comparison stays with hostedApi
  });

  it("floors GPU node-hours at replica-hours ÷ replicas per node when DCGM reported fewer, and says so", () => {
    // 48 replica-hours at 2 replicas a node need 24 node-hours; DCGM saw 10
    const m = measured([bucket(0, { gpuNodeHours: 10, replicaHours: 48 }), bucket(1, { coverageHours: null })], { generationTokens: 0, promptTokens: 0 });
    const p = priceMonth(m, PRICES);
    expect(p.buckets[0]).toMatchObject({ gpuNodeHours: 24, gpuUsd: 240 });
    expect(p.buckets[1]).toBeNull(); // no data, no cost
    expect(p.gpuNodeHoursFloored).toBe(true);
    expect(p.usdPerMillionOutputTokens).toBeNull(); // no tokens: no price per token, not Infinity
    expect(p.peopleUsd).toBeNull();
    expect(notes(m, p).join("\n")).toMatch(/DCGM reported fewer GPU node-hours than the vLLM replicas need/);
  });
});

describe("reportPrices", () => {
  it("reads the stack's purchase option: spot GPU nodes are priced at spot", async () => {
    vi.resetModules(); // the Pulumi program module runs once per module registry
    const { stackCost } = await import("../scripts/lib/stack-cost");
    const { reportPrices: prices } = await import("../scripts/report/price");
    const p = prices(await stackCost(ROOT, "dev", ["gpuPurchaseOption=spot", "engineerHoursPerMonth=10", "engineerHourlyUsd=120"], NOW));
    // g6.xlarge spot in us-east-1 ($0.38205/h, the catalog) and its 30 GiB gp3 root volume ($0.08 per GiB-month / 730 h)
    expect(p.gpuNodeHourlyUsd).toBeCloseTo(0.38205 + (30 * 0.08) / 730, 9);
    expect(p).toMatchObject({ instanceType: "g6.xlarge", region: "us-east-1", gpuPurchase: "spot", people: { hoursPerMonth: 10, hourlyUsd: 120 } });
    expect(p.fixedHourlyUsd).toBeCloseTo(268.32 / 730, 9); // the rest of the dev stack (test/cost-dev.test.ts)
    expect(p.hostedApi).toEqual({ id: "bedrock/llama-3.1-8b", inputUsdPerMTok: 0.22, outputUsdPerMTok: 0.22 });
  });
});
