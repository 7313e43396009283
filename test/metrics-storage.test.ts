import { describe, expect, it } from "vitest";
import { prometheusStackValues, prometheusStorage } from "../infra/k8s/prometheus-values";
import { resolveStack } from "../infra/resolve";
import { durationSeconds, metricsStorage, oneTwoFiveBuckets, vllmSeriesPerReplica } from "../infra/sizing/metrics-storage";
import { readStackFile } from "../scripts/lib/stack-file";
import { issuesFor, NOW } from "./helpers";
import { ROOT } from "./support/program";

// Prometheus' retention and volume, sized for the window the stack declares (metricsRetentionDays).

const dev = resolveStack(readStackFile(ROOT, "dev"), { stack: "dev", now: NOW });

describe("Prometheus storage", () => {
  it("counts vLLM's series per replica from its bucket layout", () => {
    // build_1_2_5_buckets(4096): 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000 → 11 buckets
    expect(oneTwoFiveBuckets(4096)).toBe(11);
    expect(oneTwoFiveBuckets(8192)).toBe(12); // … 5000
    expect(oneTwoFiveBuckets(1)).toBe(1);
    // gauges 6 + counters 18 + request_success 10 + fixed histograms 223 + 4 token histograms × (11 + 4) + 100 allowance
    expect(vllmSeriesPerReplica(4096)).toBe(6 + 18 + 10 + 223 + 60 + 100);
    expect(durationSeconds("1m")).toBe(60);
    expect(durationSeconds("15s")).toBe(15);
    expect(() => durationSeconds("1.5m")).toThrow(/unsupported Prometheus duration/);
  });

  it("sizes the dev stack's volume by hand: 30 days at the chart's 15-second scrapes", () => {
    const s = prometheusStorage(dev.spec, dev.plan);
    expect(s.scrapeIntervalSeconds).toBe(15); // charts/prometheus/values.yaml
    // Largest fleet: 2 replicas on 2 g6.xlarge nodes, 1 GPU each.
    // Series: vLLM 2 × 417 = 834; DCGM 2 × 25 = 50; targets (2 vLLM + 2 DCGM + Prometheus) × 5 = 25; Prometheus 1,000 → 1,909
    expect(s.series).toEqual({ vllmPerReplica: 417, vllm: 834, dcgm: 50, targets: 25, prometheus: 1000, total: 1909 });
    // 1,909 series × 5,760 scrapes a day = 10,995,840 samples/day; × 30 days × 2 bytes = 659,750,400 bytes
    expect(s.samplesPerDay).toBe(10_995_840);
    expect(s.blockBytes).toBe(659_750_400);
    // × 1.5 headroom = 989,625,600 B = 0.922 GiB; + 0.375 GiB of WAL = 1.297 GiB → 2 GiB; retention size 80% = 1,638 MiB
    expect(s.volumeGiB).toBe(2);
    expect(s.retentionSize).toBe("1638MB");
  });

  it("grows with the scrape rate and the retention", () => {
    // At 1-minute scrapes: 164,937,600 B × 1.5 = 0.230 GiB + 0.375 = 0.605 GiB → 1 GiB; 80% = 819 MiB
    const slow = metricsStorage(dev.spec, dev.plan, 60);
    expect([slow.volumeGiB, slow.retentionSize]).toEqual([1, "819MB"]);
    // 90 days at 15 s: 3 × 659,750,400 × 1.5 = 2,968,876,800 B = 2.765 GiB + 0.375 = 3.14 GiB → 4 GiB
    const long = metricsStorage({ ...dev.spec, cluster: { ...dev.spec.cluster, metricsRetentionDays: 90 } }, dev.plan, 15);
    expect(long.volumeGiB).toBe(4);
  });

  it("sets the retention, the retention size and the volume; the pinned values keep the rest (deep merge)", () => {
    expect(prometheusStackValues(prometheusStorage(dev.spec, dev.plan))).toEqual({
      server: { retention: "30d", retentionSize: "1638MB", persistentVolume: { size: "2Gi" } },
    });
  });

  it("rejects a retention of zero days or longer than 400", () => {
    expect(issuesFor({ metricsRetentionDays: 0 })[0]).toMatchObject({ key: "hostwise:metricsRetentionDays", message: "must be a whole number from 1 to 400, got 0" });
    expect(issuesFor({ metricsRetentionDays: 401 })[0]?.message).toBe("must be a whole number from 1 to 400, got 401");
  });
});
