// Runs the report's queries against Prometheus and turns the answers into measured figures per bucket and for
// the whole window. A bucket Prometheus did not record (its own `up` absent) is "no data" (null) throughout;
// in a recorded bucket an absent vLLM or DCGM series means nothing ran, a measured zero.

import { bucketQueries, HISTOGRAMS, QUANTILES, windowQueries, type BucketQueryName, type HistogramName, type QueryTarget } from "./queries";
import type { PrometheusClient } from "./prometheus";
import type { ReportWindow } from "./window";
import { BACKENDS } from "../../infra/k8s/entrypoint-metrics";

/** Quantities that add up over time: absent in a recorded bucket = 0. */
type Additive = "replicaHours" | "gpuNodeHours" | "gpuHours" | "promptTokens" | "generationTokens" | "preemptions";

export interface Overflow {
  readonly requests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export interface BucketRecord {
  readonly start: Date;
  readonly end: Date;
  /** Hours Prometheus recorded; null when it recorded nothing (then every figure is null). */
  readonly coverageHours: number | null;
  readonly replicaHours: number | null;
  readonly gpuNodeHours: number | null;
  readonly gpuHours: number | null;
  readonly promptTokens: number | null;
  readonly generationTokens: number | null;
  readonly preemptions: number | null;
  readonly requests: number | null;
  readonly requestsByReason: Readonly<Record<string, number>> | null;
  /** HTTP responses of the completion routes by status class ("2xx", "4xx", "5xx"). */
  readonly httpResponses: Readonly<Record<string, number>> | null;
  /** Mean over every GPU sample, percent. */
  readonly gpuUtilizationPercent: number | null;
  /** Mean KV-cache usage of the replicas, 0–1. */
  readonly kvCacheUsage: number | null;
  /** Seconds; null when no request finished. */
  readonly ttftP50: number | null;
  readonly ttftP95: number | null;
  readonly e2eP50: number | null;
  readonly e2eP95: number | null;
  /** Entry-point traffic sent to the hosted API; null without the entry point's metrics. */
  readonly overflow: Overflow | null;
  /** Internal: sums and sample counts behind the means, so the window's means weigh every sample alike. */
  readonly sums: { readonly gpuUtilization: readonly [number, number]; readonly kvCacheUsage: readonly [number, number] };
}

export type Percentiles = Readonly<Record<"p50" | "p90" | "p95" | "p99", number | null>>;

export interface Measured {
  readonly window: ReportWindow;
  readonly buckets: readonly BucketRecord[];
  /** Sums (and sample-weighted means) over the buckets with data; null when no bucket has data. */
  readonly totals: {
    readonly coverageHours: number;
    readonly bucketsWithData: number;
    readonly replicaHours: number | null;
    readonly gpuNodeHours: number | null;
    readonly gpuHours: number | null;
    readonly promptTokens: number | null;
    readonly generationTokens: number | null;
    readonly preemptions: number | null;
    readonly requests: number | null;
    readonly requestsByReason: Readonly<Record<string, number>> | null;
    readonly httpResponses: Readonly<Record<string, number>> | null;
    readonly gpuUtilizationPercent: number | null;
    readonly kvCacheUsage: number | null;
    readonly overflow: Overflow | null;
  };
  readonly latency: Readonly<Record<HistogramName, Percentiles>>;
  /** Every query run, with its PromQL. */
  readonly queries: ReadonlyArray<{ readonly name: string; readonly promql: string }>;
}

type Split = Map<string, number>; // label value → value

/** Runs `tasks` at most `limit` at a time. */
async function pooled<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

const finite = (n: number | undefined): number | undefined => (n !== undefined && Number.isFinite(n) ? n : undefined);

export async function collect(client: PrometheusClient, target: QueryTarget, window: ReportWindow): Promise<Measured> {
  const bq = bucketQueries(target, window.bucket);
  const wq = windowQueries(target, window.hours);
  const first = window.bucketEnds[0]!;
  const last = window.bucketEnds[window.bucketEnds.length - 1]!;
  const step = window.bucket.seconds;
  const indexOf = (t: number) => Math.round((t * 1000 - first.getTime()) / (step * 1000));

  // Per query: per bucket index, label value (or "") → value.
  const answers = await pooled(
    bq.map((q) => async () => {
      const perBucket: Split[] = window.bucketEnds.map(() => new Map());
      for (const series of await client.range(q.promql, first, last, step)) {
        const key = q.by ? series.labels[q.by] ?? "" : "";
        for (const [t, v] of series.values) {
          const i = indexOf(t);
          if (i >= 0 && i < perBucket.length && Number.isFinite(v)) perBucket[i]!.set(key, (perBucket[i]!.get(key) ?? 0) + v);
        }
      }
      return [q.name, perBucket] as const;
    }),
    4,
  );
  const byName = new Map<BucketQueryName, Split[]>(answers);
  const at = (name: BucketQueryName, i: number): number | undefined => finite(byName.get(name)![i]!.get(""));
  const split = (name: BucketQueryName, i: number): Split => byName.get(name)![i]!;
  const overflowSeen = (["overflowRequests", "overflowPromptTokens", "overflowCompletionTokens"] as const).some((n) => byName.get(n)!.some((m) => m.size > 0));

  const buckets: BucketRecord[] = window.bucketEnds.map((end, i) => {
    const start = new Date(end.getTime() - step * 1000);
    const coverage = at("coverageHours", i);
    const covered = coverage !== undefined && coverage > 0;
    const additive = (name: Additive) => (covered ? at(name, i) ?? 0 : null);
    const ratio = (sum: BucketQueryName, samples: BucketQueryName): [number, number] => [at(sum, i) ?? 0, at(samples, i) ?? 0];
    const gpu = ratio("gpuUtilizationSum", "gpuUtilizationSamples");
    const kv = ratio("kvCacheUsageSum", "kvCacheUsageSamples");
    const byLabel = (name: BucketQueryName) => Object.fromEntries([...split(name, i)].sort(([a], [b]) => a.localeCompare(b)));
    const reasons = byLabel("requests");
    const quantile = (name: BucketQueryName) => (covered ? at(name, i) ?? null : null);
    const overflowOf = (name: BucketQueryName) => split(name, i).get(BACKENDS.hostedApi) ?? 0;
    return {
      start,
      end,
      coverageHours: covered ? coverage : null,
      replicaHours: additive("replicaHours"),
      gpuNodeHours: additive("gpuNodeHours"),
      gpuHours: additive("gpuHours"),
      promptTokens: additive("promptTokens"),
      generationTokens: additive("generationTokens"),
      preemptions: additive("preemptions"),
      requests: covered ? Object.values(reasons).reduce((a, b) => a + b, 0) : null,
      requestsByReason: covered ? reasons : null,
      httpResponses: covered ? byLabel("httpResponses") : null,
      gpuUtilizationPercent: covered && gpu[1] > 0 ? gpu[0] / gpu[1] : null,
      kvCacheUsage: covered && kv[1] > 0 ? kv[0] / kv[1] : null,
      ttftP50: quantile("ttftP50"),
      ttftP95: quantile("ttftP95"),
      e2eP50: quantile("e2eP50"),
      e2eP95: quantile("e2eP95"),
      overflow: covered && overflowSeen
        ? { requests: overflowOf("overflowRequests"), promptTokens: overflowOf("overflowPromptTokens"), completionTokens: overflowOf("overflowCompletionTokens") }
        : null,
      sums: { gpuUtilization: gpu, kvCacheUsage: kv },
    };
  });

  const latencyAnswers = await pooled(wq.map((q) => async () => finite((await client.instant(q.promql, window.end))[0]?.value) ?? null), 4);
  const latency = Object.fromEntries(
    (Object.keys(HISTOGRAMS) as HistogramName[]).map((h) => [
      h,
      Object.fromEntries(QUANTILES.map((q) => [`p${Math.round(q * 100)}`, latencyAnswers[wq.findIndex((x) => x.histogram === h && x.quantile === q)] ?? null])),
    ]),
  ) as unknown as Record<HistogramName, Percentiles>;

  const withData = buckets.filter((b) => b.coverageHours !== null);
  const total = (f: (b: BucketRecord) => number | null) => (withData.length === 0 ? null : withData.reduce((s, b) => s + (f(b) ?? 0), 0));
  const mean = (f: (b: BucketRecord) => readonly [number, number]) => {
    const [sum, n] = withData.reduce(([s, c], b) => [s + f(b)[0], c + f(b)[1]], [0, 0]);
    return n > 0 ? sum / n : null;
  };
  const sumByLabel = (f: (b: BucketRecord) => Readonly<Record<string, number>> | null) => {
    if (withData.length === 0) return null;
    const sums: Record<string, number> = {};
    for (const b of withData) for (const [k, v] of Object.entries(f(b) ?? {})) sums[k] = (sums[k] ?? 0) + v;
    return Object.fromEntries(Object.entries(sums).sort(([a], [b]) => a.localeCompare(b)));
  };

  return {
    window,
    buckets,
    totals: {
      coverageHours: withData.reduce((s, b) => s + b.coverageHours!, 0),
      bucketsWithData: withData.length,
      replicaHours: total((b) => b.replicaHours),
      gpuNodeHours: total((b) => b.gpuNodeHours),
      gpuHours: total((b) => b.gpuHours),
      promptTokens: total((b) => b.promptTokens),
      generationTokens: total((b) => b.generationTokens),
      preemptions: total((b) => b.preemptions),
      requests: total((b) => b.requests),
      requestsByReason: sumByLabel((b) => b.requestsByReason),
      httpResponses: sumByLabel((b) => b.httpResponses),
      gpuUtilizationPercent: mean((b) => b.sums.gpuUtilization),
      kvCacheUsage: mean((b) => b.sums.kvCacheUsage),
      overflow: overflowSeen && withData.length > 0
        ? {
            requests: total((b) => b.overflow?.requests ?? 0)!,
            promptTokens: total((b) => b.overflow?.promptTokens ?? 0)!,
            completionTokens: total((b) => b.overflow?.completionTokens ?? 0)!,
          }
        : null,
    },
    latency,
    queries: [
      ...bq.map((q) => ({ name: `${q.name} (per ${window.bucket.name})`, promql: q.promql })),
      ...wq.map((q) => ({ name: `${q.histogram} p${Math.round(q.quantile * 100)} (window)`, promql: q.promql })),
    ],
  };
}
