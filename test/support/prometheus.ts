// A real Prometheus server for the `hostwise report` tests: Debian's `prometheus` package (CI installs it in
// .ci/run), started on a free loopback port with a temporary config and data directory, stopped afterwards.
//
// A month of history is written into it through its remote-write receiver. Two Prometheus choices make that
// cheap: the head block is stretched to 100 days (the hidden --storage.tsdb.min/max-block-duration flags), so
// the month stays in memory and nothing is compacted; `promtool tsdb create-blocks-from openmetrics` would
// instead write one 2-hour block at a time — 385 blocks for 32 days, over 4 s on 2 cores with Prometheus
// 2.42 (it has no --max-block-duration yet). Live data comes from ordinary scrapes of local endpoints.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeLocalPort } from "../../scripts/canary/port-forward";

export interface ScrapeJob {
  readonly job: string;
  /** host:port */
  readonly target: string;
  /** Target labels, as Kubernetes service discovery would attach them (namespace, pod, node …). */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface PrometheusServer {
  readonly url: string;
  /** Milliseconds between scrapes of every job. */
  readonly scrapeIntervalMs: number;
  stop(): Promise<void>;
}

/** The binary, or a clear failure: the report tests need the real server, CI installs it. */
export function prometheusBinary(): string {
  const bin = process.env.PROMETHEUS_BIN ?? "prometheus";
  const probe = spawnSync(bin, ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `the report tests need a Prometheus server binary, and "${bin}" cannot run (${probe.error?.message ?? probe.stderr.trim()}). ` +
        "Install Debian's package: apt-get install -y prometheus (.ci/run does), or point PROMETHEUS_BIN at a prometheus binary.",
    );
  }
  return bin;
}

function config(port: number, jobs: readonly ScrapeJob[], intervalMs: number): string {
  const scrape = [
    { job: "prometheus", target: `127.0.0.1:${port}` },
    ...jobs,
  ].map((j) => {
    const labels = Object.entries((j as ScrapeJob).labels ?? {}).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(", ");
    return `  - job_name: ${JSON.stringify(j.job)}\n    honor_labels: true\n    static_configs:\n      - targets: [${JSON.stringify(j.target)}]\n        labels: {${labels}}`;
  });
  return `global:\n  scrape_interval: ${intervalMs}ms\n  scrape_timeout: ${intervalMs}ms\nscrape_configs:\n${scrape.join("\n")}\n`;
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}):\n${log()}`);
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`prometheus was not ready within 15 s:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts Prometheus with its own self-scrape (job "prometheus") and the given jobs; resolves once it is ready.
 * Its first scrape comes about 5 s later (the scrape manager picks up discovered targets every 5 s).
 */
export async function startPrometheus(jobs: readonly ScrapeJob[] = [], scrapeIntervalMs = 500): Promise<PrometheusServer> {
  const bin = prometheusBinary();
  const dir = mkdtempSync(join(tmpdir(), "hostwise-prometheus-"));
  const port = await freeLocalPort();
  writeFileSync(join(dir, "prometheus.yml"), config(port, jobs, scrapeIntervalMs));
  const child = spawn(bin, [
    `--config.file=${join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--web.enable-remote-write-receiver",
    "--storage.tsdb.retention.time=400d",
    // One head block of 100 days: the backfilled month stays in memory (see the top of this file).
    "--storage.tsdb.min-block-duration=100d",
    "--storage.tsdb.max-block-duration=100d",
    "--log.level=warn",
  ], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (s: string) => {
    if (log.length < 20_000) log += s;
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) return done();
      const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
      child.once("exit", () => {
        clearTimeout(kill);
        done();
      });
      child.kill("SIGTERM");
    });
  try {
    await waitReady(url, child, () => log);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, scrapeIntervalMs, stop };
}

// --- remote write: protobuf (prometheus.WriteRequest) in a snappy block, encoded by hand -------------------

export const STALE = "stale" as const;

export interface Series {
  /** Including __name__. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * [unix milliseconds, value], in time order. STALE is Prometheus' staleness marker: what it writes when a
   * target disappears, so the series ends there instead of lingering for the 5-minute lookback.
   */
  readonly samples: ReadonlyArray<readonly [number, number | typeof STALE]>;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function field(number: number, bytes: Uint8Array | number[]): Buffer {
  return Buffer.concat([Buffer.from([(number << 3) | 2, ...varint(bytes.length)]), Buffer.from(bytes)]);
}

function sample(ts: number, value: number | typeof STALE): Buffer {
  const v = Buffer.alloc(9);
  v[0] = (1 << 3) | 1; // field 1, 64-bit
  if (value === STALE) {
    // The StaleNaN bit pattern, 0x7ff0000000000002 (prometheus/model/value).
    v.writeUInt32LE(0x00000002, 1);
    v.writeUInt32LE(0x7ff00000, 5);
  } else {
    v.writeDoubleLE(value, 1);
  }
  return Buffer.concat([v, Buffer.from([(2 << 3) | 0, ...varint(ts)])]);
}

function timeSeries(s: Series): Buffer {
  const labels = Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.concat([
    ...labels.map(([k, v]) => field(1, Buffer.concat([field(1, Buffer.from(k)), field(2, Buffer.from(v))]))),
    ...s.samples.map(([ts, value]) => field(2, sample(ts, value))),
  ]);
}

/** Snappy's block format with the whole input as one literal: valid, uncompressed. */
function snappyLiteral(data: Buffer): Buffer {
  const n = data.length - 1;
  if (n >= 2 ** 24) throw new Error("remote-write batch too large for one literal");
  return Buffer.concat([Buffer.from([...varint(data.length), 62 << 2, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff]), data]);
}

/** Writes the series through the remote-write receiver (Prometheus' /api/v1/write). */
export async function remoteWrite(url: string, series: readonly Series[]): Promise<void> {
  const body = snappyLiteral(Buffer.concat(series.map((s) => field(1, timeSeries(s)))));
  const res = await fetch(`${url}/api/v1/write`, {
    method: "POST",
    headers: {
      "content-type": "application/x-protobuf",
      "content-encoding": "snappy",
      "x-prometheus-remote-write-version": "0.1.0",
    },
    body,
  });
  if (!res.ok) throw new Error(`remote write: HTTP ${res.status}: ${await res.text()}`);
}
