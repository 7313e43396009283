import { accessSync, constants, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError } from "../../infra/config/errors";
import { MONITORING_NAMESPACE, PROMETHEUS_SERVICE } from "../../infra/k8s/inference-objects";
import { startPortForward, type PortForward, type PortForwardOptions } from "../canary/port-forward";
import { parseFlags } from "../lib/flags";
import { writeKubeconfig, type KubeconfigFile } from "../lib/kubeconfig-file";
import { PulumiCliError, readStackOutputs } from "../lib/pulumi-cli";
import { stackCost, type StackCost } from "../lib/stack-cost";
import { terminalText } from "../lib/markdown";
import { redactText } from "../lib/redact";
import { checkStackName } from "../lib/stack-name";
import { UsageError } from "../lib/usage";
import { collect } from "../report/collect";
import { priceMonth, reportPrices } from "../report/price";
import { PrometheusError, prometheusClient, splitCredentials } from "../report/prometheus";
import { renderMarkdown, renderSummary, reportJson, type ReportContext } from "../report/render";
import { parseSince, parseUntil, reportWindow, type ReportWindow } from "../report/window";

export const REPORT_HELP = `hostwise report — a stack's month from its own Prometheus: traffic, latency, errors, real cost per token

Usage: npm run hostwise -- report --stack NAME [--since 30d] [options]

Reads what the cluster's Prometheus recorded over the window (vLLM's counters and histograms, the DCGM
exporters' GPU series, Prometheus' own scrape) and reports per day (per hour for windows under two days):
requests by finish reason, prompt and generated tokens, TTFT / inter-token / end-to-end / queue-time
percentiles, preemptions, replica-hours and GPU node-hours (idle nodes count), GPU utilization and the share
of the modeled capacity used. It prices them with the stack's own prices (Pulumi.NAME.yaml evaluated
offline, as 'hostwise plan' does: GPU instance, region, purchase option), adds the engineer hours the stack
declares (engineerHoursPerMonth × engineerHourlyUsd) and shows what the same tokens cost on the stack's
hosted API, and what the entry point's overflow to that API cost when it exports overflow metrics.
A bucket Prometheus did not record is "no data", never zero. Writes report-NAME.json and report-NAME.md
(charts: cost, tokens and latency per day); the README lists every PromQL query.

Options:
  --stack NAME            the stack: its Pulumi.NAME.yaml prices the report, and its outputs (pulumi stack
                          output) give the kubeconfig for a kubectl port-forward to svc/${PROMETHEUS_SERVICE.name} in
                          ${MONITORING_NAMESPACE} (required)
  --prometheus-url URL    query this Prometheus directly instead of port-forwarding (e.g. one you reach
                          already); credentials in the URL are sent as Basic auth and never printed
  --since DURATION        the window, ending at --until: whole days (30d) or hours (12h), at most the
                          stack's metricsRetentionDays (default: 30d)
  --until TIME            end of the window, ISO-8601 with a zone (default: now)
  --config key=value      override a stack config key for the prices (repeatable), as in 'hostwise plan'
  --dir PATH              the project directory holding the stack files (default: the current directory)
  --out-dir DIR           where report-NAME.json and report-NAME.md go (default: the current directory)
  --json                  print the JSON report on stdout instead of the summary
  -h, --help              show this help

Exit codes: 0 report written, 1 Prometheus unreachable, no data in the window, invalid stack configuration or
report not written, 2 bad command line or --out-dir not writable, 130 stopped by Ctrl-C, 143 by SIGTERM.`;

export interface ReportOptions {
  readonly stack: string;
  readonly dir: string;
  readonly overrides: readonly string[];
  readonly prometheusUrl?: string;
  readonly since: string;
  readonly until?: string;
  readonly outDir: string;
  readonly json: boolean;
}

export function parseReportArgs(argv: readonly string[], cwd: string = process.cwd()): ReportOptions | { readonly help: true } {
  const values = parseFlags("report", argv, {
    stack: { type: "string" },
    "prometheus-url": { type: "string" },
    since: { type: "string", default: "30d" },
    until: { type: "string" },
    config: { type: "string", multiple: true, default: [] as string[] },
    dir: { type: "string" },
    "out-dir": { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { help: true };
  if (values.stack === undefined || values.stack.trim() === "") {
    throw new UsageError("--stack is required", "name the stack whose month to report, e.g. --stack team-trial");
  }
  checkStackName(values.stack, { qualified: false }); // it names Pulumi.<stack>.yaml and the report files
  parseSince(values.since);
  const url = values["prometheus-url"];
  if (url !== undefined) {
    const hint = "a Prometheus base URL, e.g. --prometheus-url http://127.0.0.1:9090";
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new UsageError("--prometheus-url: not a URL", hint);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new UsageError(`--prometheus-url: ${parsed.protocol} is not http or https`, hint);
  }
  return {
    stack: values.stack,
    dir: resolve(cwd, values.dir ?? "."),
    overrides: values.config,
    ...(url !== undefined && { prometheusUrl: url }),
    since: values.since,
    ...(values.until !== undefined && { until: values.until }),
    outDir: resolve(cwd, values["out-dir"] ?? "."),
    json: values.json,
  };
}

export interface ReportIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** Installs the Ctrl-C and SIGTERM handler; returns the function that removes it. */
  readonly onInterrupt: (handler: (signal?: "SIGINT" | "SIGTERM") => void) => () => void;
}

/** How the report reaches the stack; tests replace them. */
export interface ReportDeps {
  readonly stackOutputs: (stack: string, dir: string) => Record<string, unknown>;
  readonly stackCost: (dir: string, stack: string, overrides: readonly string[], now: Date) => Promise<StackCost>;
  /** Overrides for the port-forward (a fake kubectl in tests). */
  readonly portForward?: Partial<PortForwardOptions>;
}

const REAL_DEPS: ReportDeps = { stackOutputs: readStackOutputs, stackCost };

function fail(io: ReportIo, message: string, hint: string, code: number): number {
  io.err(`hostwise: ${message}\n  fix: ${hint}`);
  return code;
}

/** The Prometheus to query: the given URL, or a port-forward to the stack's Prometheus service. */
async function reachPrometheus(o: ReportOptions, deps: ReportDeps, signal: AbortSignal): Promise<{ url: string; shown: string; close: () => Promise<void> }> {
  if (o.prometheusUrl !== undefined) return { url: o.prometheusUrl, shown: splitCredentials(o.prometheusUrl).base, close: async () => undefined };
  const outputs = deps.stackOutputs(o.stack, o.dir);
  const kubeconfig = outputs.kubeconfig;
  if (typeof kubeconfig !== "string" || kubeconfig === "") {
    throw new UsageError(`--stack ${o.stack}: the stack has no kubeconfig output`, `deploy it with 'pulumi up --stack ${o.stack}', or pass --prometheus-url`);
  }
  const file: KubeconfigFile = writeKubeconfig(kubeconfig, "hostwise-report-");
  let pf: PortForward;
  try {
    pf = await startPortForward({
      namespace: MONITORING_NAMESPACE,
      service: PROMETHEUS_SERVICE.name,
      remotePort: PROMETHEUS_SERVICE.port,
      commandArgs: ["--kubeconfig", file.path],
      signal,
      ...deps.portForward,
    });
  } catch (e) {
    file.remove();
    throw e;
  }
  return {
    url: pf.url,
    shown: `svc/${PROMETHEUS_SERVICE.name} in ${MONITORING_NAMESPACE} (port-forward)`,
    close: async () => {
      await pf.stop();
      file.remove();
    },
  };
}

/** `hostwise report`: resolves to the exit code (see REPORT_HELP). */
export async function runReport(o: ReportOptions, terminal: ReportIo, deps: ReportDeps = REAL_DEPS, now = new Date()): Promise<number> {
  // Whatever a server or kubectl says reaches the terminal without control sequences or credentials.
  const clean = (s: string) => terminalText(redactText(s));
  const io: ReportIo = { ...terminal, out: (s) => terminal.out(clean(s)), err: (s) => terminal.err(clean(s)) };
  let sc: StackCost;
  let window: ReportWindow;
  try {
    window = reportWindow(o.since, parseUntil(o.until, now));
    sc = await deps.stackCost(o.dir, o.stack, o.overrides, now);
  } catch (e) {
    if (e instanceof ConfigError) return fail(io, `stack "${o.stack}" has ${e.message}`, "fix the stack's configuration (hostwise plan shows the same errors)", 1);
    if (e instanceof UsageError) return fail(io, e.message, e.hint, 2);
    throw e;
  }
  const retention = sc.spec.cluster.metricsRetentionDays;
  if (window.hours > retention * 24) {
    return fail(io, `--since ${o.since}: stack ${o.stack} keeps ${retention} days of metrics (metricsRetentionDays)`, `shorten --since to ${retention}d or less, or raise metricsRetentionDays (it applies from then on)`, 2);
  }

  try {
    mkdirSync(o.outDir, { recursive: true });
    accessSync(o.outDir, constants.W_OK);
  } catch (e) {
    return fail(io, `--out-dir ${o.outDir}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, "pass a writable --out-dir", 2);
  }

  const stop = new AbortController();
  let stoppedBy: "SIGINT" | "SIGTERM" = "SIGINT";
  const removeInterrupt = io.onInterrupt((signal) => {
    stoppedBy = signal ?? "SIGINT";
    stop.abort();
  });
  const interrupted = () => (stoppedBy === "SIGTERM" ? 143 : 130);
  let prometheus: Awaited<ReturnType<typeof reachPrometheus>> | undefined;
  try {
    try {
      prometheus = await reachPrometheus(o, deps, stop.signal);
    } catch (e) {
      if (stop.signal.aborted) return interrupted();
      if (e instanceof UsageError) return fail(io, e.message, e.hint, 2);
      if (e instanceof PulumiCliError) return fail(io, `--stack ${o.stack}: ${e.message}`, "install the Pulumi CLI and log in to the stack's backend, or pass --prometheus-url", 1);
      return fail(io, `--stack ${o.stack}: cannot reach Prometheus: ${(e as Error).message}`, "check that kubectl is installed and reaches the cluster API (see the README's 'Reaching the endpoint'), or pass --prometheus-url", 1);
    }
    io.err(`hostwise report: stack ${o.stack}, ${window.start.toISOString()} to ${window.end.toISOString()}, from ${prometheus.shown}`);
    let measured;
    try {
      measured = await collect(prometheusClient(prometheus.url, { signal: stop.signal }), { stack: sc.spec.stack, servedModelName: sc.spec.model.servedModelName }, window);
    } catch (e) {
      if (stop.signal.aborted) {
        io.err("hostwise report: stopped; no report written");
        return interrupted();
      }
      if (e instanceof PrometheusError) return fail(io, e.message, o.prometheusUrl ? "check --prometheus-url" : "check that the stack's Prometheus runs: kubectl -n monitoring get pods", 1);
      throw e;
    }
    const priced = priceMonth(measured, reportPrices(sc));
    const ctx: ReportContext = { stack: o.stack, model: sc.spec.model.servedModelName, prometheus: prometheus.shown, generatedAt: now };
    const json = reportJson(ctx, measured, priced);
    const jsonText = `${JSON.stringify(json, null, 2)}\n`;
    const jsonPath = join(o.outDir, `report-${o.stack}.json`);
    const mdPath = join(o.outDir, `report-${o.stack}.md`);
    let written = true;
    try {
      mkdirSync(o.outDir, { recursive: true });
      writeFileSync(jsonPath, jsonText);
      writeFileSync(mdPath, renderMarkdown(ctx, measured, priced));
    } catch (e) {
      written = false;
      fail(io, `--out-dir: cannot write the report: ${(e as Error).message}`, "pass a writable --out-dir", 1);
    }
    io.out(o.json ? jsonText.trimEnd() : renderSummary(ctx, measured, priced));
    if (written) io.err(`hostwise report: wrote ${jsonPath} and ${mdPath}`);
    if (!written) return 1;
    return measured.totals.bucketsWithData > 0 ? 0 : 1;
  } finally {
    removeInterrupt();
    await prometheus?.close();
  }
}

/** The real process: stdout, stderr, SIGINT and SIGTERM (the port-forward and the kubeconfig are cleaned up). */
export function processReportIo(out: (s: string) => void, err: (s: string) => void): ReportIo {
  return {
    out,
    err,
    onInterrupt: (handler) => {
      const onInt = () => handler("SIGINT");
      const onTerm = () => handler("SIGTERM");
      process.on("SIGINT", onInt);
      process.on("SIGTERM", onTerm);
      return () => {
        process.off("SIGINT", onInt);
        process.off("SIGTERM", onTerm);
      };
    },
  };
}
