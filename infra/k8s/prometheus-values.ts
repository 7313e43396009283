import { PROMETHEUS_STORAGE } from "../catalog/metrics-series";
import type { StackSpec } from "../config/spec";
import type { SizingPlan } from "../sizing/choose";
import { durationSeconds, metricsStorage, type MetricsStorage } from "../sizing/metrics-storage";
import { readChart } from "./charts";

/** The storage Prometheus needs for the stack, at the scrape interval charts/prometheus/values.yaml sets. */
export function prometheusStorage(spec: StackSpec, plan: SizingPlan, chartValues: Record<string, any> = readChart("prometheus").values): MetricsStorage {
  const interval: string = chartValues.server?.global?.scrape_interval ?? PROMETHEUS_STORAGE.defaultScrapeInterval;
  return metricsStorage(spec, plan, durationSeconds(interval));
}

/** The chart values the stack decides: retention time, retention size and the volume's size (deep-merged over values.yaml). */
export function prometheusStackValues(storage: MetricsStorage): Record<string, unknown> {
  return {
    server: {
      retention: `${storage.retentionDays}d`,
      retentionSize: storage.retentionSize,
      persistentVolume: { size: `${storage.volumeGiB}Gi` },
    },
  };
}
