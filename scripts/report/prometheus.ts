// A small client of Prometheus' HTTP API (/api/v1/query and /api/v1/query_range), POSTing form bodies so
// long queries never hit a URL limit. Every failure is a PrometheusError whose message says what to check.

export class PrometheusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PrometheusError";
  }
}

export interface InstantSample {
  readonly labels: Readonly<Record<string, string>>;
  /** NaN when Prometheus answered NaN (e.g. histogram_quantile over no observations). */
  readonly value: number;
}

export interface RangeSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** [unix seconds, value] */
  readonly values: ReadonlyArray<readonly [number, number]>;
}

export interface PrometheusClient {
  readonly url: string;
  instant(promql: string, at: Date): Promise<InstantSample[]>;
  range(promql: string, start: Date, end: Date, stepSeconds: number): Promise<RangeSeries[]>;
}

interface ApiAnswer {
  status?: string;
  error?: string;
  errorType?: string;
  data?: { resultType?: string; result?: unknown };
}

const seconds = (d: Date) => (d.getTime() / 1000).toFixed(3);

/** The URL without credentials, and the Basic authorization they stand for (fetch refuses URLs that carry them). */
export function splitCredentials(url: string): { base: string; authorization?: string } {
  const u = new URL(url);
  const user = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  u.username = "";
  u.password = "";
  const base = u.href.replace(/\/+$/, "");
  return user || password ? { base, authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` } : { base };
}

export function prometheusClient(url: string, options: { timeoutSeconds?: number; signal?: AbortSignal } = {}): PrometheusClient {
  const { base, authorization } = splitCredentials(url);
  const timeoutSeconds = options.timeoutSeconds ?? 60;
  async function call(path: string, form: Record<string, string>, promql: string): Promise<unknown> {
    let res: Response;
    const timeout = AbortSignal.timeout(timeoutSeconds * 1000 + 5000);
    try {
      res = await fetch(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...(authorization ? { authorization } : {}) },
        body: new URLSearchParams({ ...form, timeout: `${timeoutSeconds}s` }),
        signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
      });
    } catch (e) {
      if (options.signal?.aborted) throw new PrometheusError("stopped");
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = timeout.aborted ? `no answer within ${timeoutSeconds} s` : cause?.code ?? cause?.message ?? (e as Error).message;
      throw new PrometheusError(`cannot reach Prometheus at ${base}: ${why}`);
    }
    const text = await res.text();
    let body: ApiAnswer;
    try {
      body = JSON.parse(text) as ApiAnswer;
    } catch {
      throw new PrometheusError(`${base}${path} answered HTTP ${res.status} with something that is not Prometheus' API: ${text.slice(0, 200)}`);
    }
    if (body.status !== "success") throw new PrometheusError(`Prometheus rejected ${promql}: ${body.errorType ?? `HTTP ${res.status}`}: ${body.error ?? text.slice(0, 200)}`);
    return body.data?.result;
  }
  return {
    url: base,
    async instant(promql, at) {
      const result = (await call("/api/v1/query", { query: promql, time: seconds(at) }, promql)) as Array<{ metric: Record<string, string>; value: [number, string] }>;
      return (result ?? []).map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
    },
    async range(promql, start, end, stepSeconds) {
      const result = (await call("/api/v1/query_range", { query: promql, start: seconds(start), end: seconds(end), step: `${stepSeconds}s` }, promql)) as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
      return (result ?? []).map((r) => ({ labels: r.metric, values: r.values.map(([t, v]) => [t, Number(v)] as const) }));
    },
  };
}
